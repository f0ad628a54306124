package natsbus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/incident"
)

func quietLog() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

func start(t *testing.T, opts Options) *Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Start(ctx, opts, quietLog())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

func streamInfo(t *testing.T, b *Bus, name string) *jetstream.StreamInfo {
	t.Helper()
	ctx := context.Background()
	st, err := b.JetStream().Stream(ctx, name)
	if err != nil {
		t.Fatalf("stream %s: %v", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatalf("stream %s info: %v", name, err)
	}
	return info
}

func TestStartEmbeddedCreatesStreams(t *testing.T) {
	dir := t.TempDir()
	b := start(t, Options{StoreDir: dir})
	ctx := context.Background()
	if err := b.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if !b.Embedded() || b.ClientURL() != "" {
		t.Errorf("Embedded, ClientURL: got %t, %q, want true, \"\" (in-process only)", b.Embedded(), b.ClientURL())
	}
	if got, want := b.Streams(), (StreamNames{"INCIDENTS", "NOTICES", "DEADLETTER", "EVENTS"}); got != want {
		t.Errorf("Streams: got %+v, want %+v", got, want)
	}
	cases := []struct {
		stream, subject string
		retention       jetstream.RetentionPolicy
	}{
		{"INCIDENTS", "breach.incident.>", jetstream.LimitsPolicy},
		{"NOTICES", "breach.notice.>", jetstream.WorkQueuePolicy},
		{"DEADLETTER", "breach.deadletter.>", jetstream.LimitsPolicy},
		{"EVENTS", "breach.event.>", jetstream.LimitsPolicy},
	}
	for _, c := range cases {
		t.Run(c.stream, func(t *testing.T) {
			cfg := streamInfo(t, b, c.stream).Config
			if diff := cmp.Diff([]string{c.subject}, cfg.Subjects); diff != "" {
				t.Errorf("subjects (-want +got):\n%s", diff)
			}
			if cfg.Retention != c.retention {
				t.Errorf("retention: got %v, want %v", cfg.Retention, c.retention)
			}
			if cfg.Storage != jetstream.FileStorage {
				t.Errorf("storage: got %v, want file", cfg.Storage)
			}
			if cfg.Duplicates != DefaultDuplicateWindow {
				t.Errorf("duplicate window: got %s, want %s", cfg.Duplicates, DefaultDuplicateWindow)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "jetstream")); err != nil {
		t.Errorf("JetStream files not under the store directory: %v", err)
	}
}

func TestStartIsIdempotentAndKeepsMessages(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	b := start(t, Options{StoreDir: dir, Prefix: "tenant1"})
	if _, err := b.JetStream().Publish(ctx, "tenant1.incident.submit", []byte("kept")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b.Close() // twice is harmless

	b = start(t, Options{StoreDir: dir, Prefix: "tenant1", DuplicateWindow: 5 * time.Minute})
	info := streamInfo(t, b, StreamIncidents)
	if info.State.Msgs != 1 {
		t.Errorf("INCIDENTS after restart: got %d messages, want 1", info.State.Msgs)
	}
	if info.Config.Duplicates != 5*time.Minute {
		t.Errorf("updated duplicate window: got %s, want 5m", info.Config.Duplicates)
	}
}

func TestStartListensAndConnectsByURL(t *testing.T) {
	dir := t.TempDir()
	emb := start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0"})
	url := emb.ClientURL()
	if !strings.HasPrefix(url, "nats://127.0.0.1:") {
		t.Fatalf("ClientURL: got %q, want nats://127.0.0.1:<port>", url)
	}
	// A detector connecting over TCP with its credential publishes an
	// incident into the embedded server's stream.
	nc, _ := connectAs(t, url, CredsPath(dir, RoleDetector))
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	inc := mustDecode(t, `{"schema":"breach.incident/v1","id":"INC-tcp","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`)
	if _, err := PublishIncident(context.Background(), js, emb.Topics(), inc, nil); err != nil {
		t.Fatalf("PublishIncident over TCP: %v", err)
	}
	if got := streamInfo(t, emb, StreamIncidents).State.Msgs; got != 1 {
		t.Errorf("embedded INCIDENTS: got %d messages, want 1", got)
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"embedded without store dir", Options{}, "no store directory"},
		{"non-loopback listen", Options{StoreDir: "x", Listen: "0.0.0.0:4223"}, "not a loopback address"},
		{"listen without port", Options{StoreDir: "x", Listen: "127.0.0.1"}, "listen"},
		{"creds on embedded", Options{StoreDir: "x", CredsFile: "/c.creds"}, "only to a cluster URL"},
		{"wildcard prefix", Options{StoreDir: "x", Prefix: "breach.*"}, "subject prefix"},
		{"negative window", Options{StoreDir: "x", DuplicateWindow: -time.Second}, "negative"},
		{"negative notice window", Options{StoreDir: "x", NoticeDuplicateWindow: -time.Second}, "notice duplicate window -1s is negative"},
		{"notice window too short", Options{StoreDir: "x", NoticeDuplicateWindow: time.Millisecond}, "duplicate window 1ms is shorter than the 100ms"},
		{"window too short", Options{StoreDir: "x", DuplicateWindow: 50 * time.Millisecond}, "duplicate window 50ms is shorter"},
		{"negative dead-letter age", Options{StoreDir: "x", DeadletterMaxAge: -time.Hour}, "dead-letter max age -1h0m0s is negative"},
		{"negative events size", Options{StoreDir: "x", EventsMaxBytes: -1}, "events max bytes -1 is negative"},
		{"negative incident size", Options{StoreDir: "x", IncidentMaxBytes: -1}, "incident max bytes -1 is negative"},
		{"events age under the window", Options{StoreDir: "x", EventsMaxAge: time.Minute}, "events max age 1m0s is shorter than the duplicate window 1h0m0s"},
		{"cert without key", Options{URL: "nats://127.0.0.1:1", TLSCertFile: "c.pem"}, "both the TLS client certificate and key"},
		{"missing nkey seed", Options{URL: "nats://127.0.0.1:1", NKeySeedFile: "/nonexistent/seed.nk"}, "nats.nkey_seed_file"},
		{"creds and nkey", Options{URL: "nats://127.0.0.1:1", CredsFile: "a.creds", NKeySeedFile: "b.nk"}, "not both"},
		{"nothing listening", Options{URL: "nats://user:secret@127.0.0.1:1"}, "connect to nats (1 server URLs)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.opts.StoreDir == "x" {
				c.opts.StoreDir = t.TempDir()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			b, err := Start(ctx, c.opts, nil)
			if err == nil {
				b.Close()
				t.Fatalf("got nil error, want one containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %q, want it to contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q leaks the URL password", err)
			}
		})
	}
}

func TestNoticeDuplicateWindow(t *testing.T) {
	cases := []struct {
		name                string
		dup, notice         time.Duration
		wantDup, wantNotice time.Duration
	}{
		{"defaults", 0, 0, DefaultDuplicateWindow, DefaultDuplicateWindow},
		{"notice follows the window", 24 * time.Hour, 0, 24 * time.Hour, 24 * time.Hour},
		{"notice window of its own", 24 * time.Hour, 2 * time.Second, 24 * time.Hour, 2 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := start(t, Options{StoreDir: t.TempDir(), DuplicateWindow: c.dup, NoticeDuplicateWindow: c.notice})
			for _, name := range []string{StreamIncidents, StreamDeadletter, StreamEvents} {
				if got := streamInfo(t, b, name).Config.Duplicates; got != c.wantDup {
					t.Errorf("%s duplicate window: got %s, want %s", name, got, c.wantDup)
				}
			}
			if got := streamInfo(t, b, StreamNotices).Config.Duplicates; got != c.wantNotice {
				t.Errorf("NOTICES duplicate window: got %s, want %s", got, c.wantNotice)
			}
		})
	}

	// Inside the window a notice published twice is stored once; once the
	// window has passed, the same id is stored again while INCIDENTS still
	// drops a replayed revision.
	b := start(t, Options{StoreDir: t.TempDir(), NoticeDuplicateWindow: 200 * time.Millisecond})
	ctx := context.Background()
	publish := func() *jetstream.PubAck {
		t.Helper()
		msg := &nats.Msg{Subject: b.Topics().Notice("email"), Data: []byte("n"), Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, "INC-1/1/1/s-1/email")
		ack, err := b.JetStream().PublishMsg(ctx, msg)
		if err != nil {
			t.Fatalf("publish notice: %v", err)
		}
		return ack
	}
	inc := mustDecode(t, `{"schema":"breach.incident/v1","id":"INC-w","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`)
	if _, err := PublishIncident(ctx, b.JetStream(), b.Topics(), inc, nil); err != nil {
		t.Fatal(err)
	}
	if publish().Duplicate {
		t.Fatal("first notice: got duplicate, want stored")
	}
	if !publish().Duplicate {
		t.Error("notice again at once: got stored, want duplicate")
	}
	deadline := time.Now().Add(5 * time.Second)
	for publish().Duplicate {
		if time.Now().After(deadline) {
			t.Fatal("notice still a duplicate 5s after a 200ms window")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := streamInfo(t, b, StreamNotices).State.Msgs; got != 2 {
		t.Errorf("NOTICES: got %d messages, want 2", got)
	}
	if dup, err := PublishIncident(ctx, b.JetStream(), b.Topics(), inc, nil); err != nil || !dup {
		t.Errorf("incident replayed after the notice window: got dup=%t err=%v, want a duplicate", dup, err)
	}
}

func TestCustomStreamNamesAndPrefix(t *testing.T) {
	names := StreamNames{Incidents: "T1_INC", Notices: "T1_NOT"}
	b := start(t, Options{StoreDir: t.TempDir(), Prefix: "t1", Streams: names})
	want := StreamNames{Incidents: "T1_INC", Notices: "T1_NOT", Deadletter: "DEADLETTER", Events: "EVENTS"}
	if got := b.Streams(); got != want {
		t.Errorf("Streams: got %+v, want %+v", got, want)
	}
	if got := streamInfo(t, b, "T1_INC").Config.Subjects; !cmp.Equal(got, []string{"t1.incident.>"}) {
		t.Errorf("T1_INC subjects: got %v, want [t1.incident.>]", got)
	}
	if got, want := b.Topics().Deadletter("intake"), "t1.deadletter.intake"; got != want {
		t.Errorf("Deadletter subject: got %q, want %q", got, want)
	}
}

func TestReadyFailsWhenAStreamIsGone(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	if err := b.JetStream().DeleteStream(ctx, StreamEvents); err != nil {
		t.Fatal(err)
	}
	if err := b.Ready(ctx); err == nil || !strings.Contains(err.Error(), "EVENTS") {
		t.Errorf("Ready: got %v, want an error naming EVENTS", err)
	}
}

func TestNoticesIsAWorkQueue(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	if _, err := b.JetStream().Publish(ctx, b.Topics().Notice("email"), []byte("n1")); err != nil {
		t.Fatal(err)
	}
	cons, err := b.JetStream().CreateOrUpdateConsumer(ctx, StreamNotices, jetstream.ConsumerConfig{Durable: "email", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DoubleAck(ctx); err != nil {
		t.Fatal(err)
	}
	if got := streamInfo(t, b, StreamNotices).State.Msgs; got != 0 {
		t.Errorf("NOTICES after ack: got %d messages, want 0 (work queue removes acked messages)", got)
	}
}

func mustDecode(t *testing.T, s string) *incident.Incident {
	t.Helper()
	in, err := incident.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestPublishIncident(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	raw := `{"schema":"breach.incident/v1","id":"INC-7","revision":2,"title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`
	in := mustDecode(t, raw)
	// Junk published first under the id and revision the real document
	// will claim, with the message ids an attacker can guess.
	for _, id := range []string{"INC-7/2", "INC-7/2/" + strings.Repeat("0", 32)} {
		junk := &nats.Msg{Subject: "breach.incident.submit", Data: []byte("junk"), Header: nats.Header{}}
		junk.Header.Set(jetstream.MsgIDHeader, id)
		if _, err := b.JetStream().PublishMsg(ctx, junk); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []bool{false, true} {
		dup, err := PublishIncident(ctx, b.JetStream(), b.Topics(), in, []byte(raw))
		if err != nil || dup != want {
			t.Fatalf("publish %d: got dup=%t err=%v, want dup=%t", i, dup, err, want)
		}
	}
	m, err := b.JetStream().Stream(ctx, StreamIncidents)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.GetLastMsgForSubject(ctx, "breach.incident.submit")
	if err != nil {
		t.Fatal(err)
	}
	wantID := "INC-7/2/" + sha256Prefix(raw)
	if got.Header.Get(jetstream.MsgIDHeader) != wantID || string(got.Data) != raw {
		t.Errorf("stored message: got id %q body %q, want %s and the raw bytes", got.Header.Get(jetstream.MsgIDHeader), got.Data, wantID)
	}
	if n := streamInfo(t, b, StreamIncidents).State.Msgs; n != 3 {
		t.Errorf("INCIDENTS: got %d messages, want 3 (two junk, the real one once)", n)
	}
	// Encoded by PublishIncident: the id digests the encoding.
	enc, _ := json.Marshal(in)
	if got, want := IncidentMsgID(in, enc), "INC-7/2/"+sha256Prefix(string(enc)); got != want {
		t.Errorf("IncidentMsgID: got %q, want %q", got, want)
	}

	errCases := []struct {
		name string
		in   *incident.Incident
		raw  []byte
		want string
	}{
		{"nil incident", nil, nil, "no incident"},
		{"no id", &incident.Incident{Revision: 1}, nil, "no id"},
		{"raw with another revision", &incident.Incident{ID: "INC-7", Revision: 3}, []byte(raw), "revision 2"},
		{"raw invalid", &incident.Incident{ID: "INC-7", Revision: 2}, []byte("{}"), "invalid incident"},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := PublishIncident(ctx, b.JetStream(), b.Topics(), c.in, c.raw)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func sha256Prefix(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func TestPublishEvent(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	type assessed struct {
		Risk string `json:"risk"`
	}
	// Same payload twice without a key: the payload hash dedups it.
	for range 2 {
		if err := b.PublishEvent(ctx, "INC-1", "assessed", assessed{"high"}); err != nil {
			t.Fatal(err)
		}
	}
	// Same key, other payload: still one message.
	for _, risk := range []string{"low", "risk"} {
		if err := b.PublishEvent(ctx, "INC-1", "notice.sent", assessed{risk}, EventKey("n-42")); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.PublishEvent(ctx, "INC-1", "assessed", assessed{"low"}); err != nil {
		t.Fatal(err)
	}
	info := streamInfo(t, b, StreamEvents)
	if info.State.Msgs != 3 {
		t.Errorf("EVENTS: got %d messages, want 3", info.State.Msgs)
	}
	st, _ := b.JetStream().Stream(ctx, StreamEvents)
	m, err := st.GetLastMsgForSubject(ctx, "breach.event.INC-1.notice.sent")
	if err != nil {
		t.Fatal(err)
	}
	var got assessed
	if err := json.Unmarshal(m.Data, &got); err != nil || got.Risk != "low" {
		t.Errorf("notice.sent body: got %q (%v), want the first payload", m.Data, err)
	}
	wantHdr := map[string]string{jetstream.MsgIDHeader: "INC-1/notice.sent/n-42", HeaderIncident: "INC-1", HeaderEventKind: "notice.sent"}
	for k, v := range wantHdr {
		if m.Header.Get(k) != v {
			t.Errorf("header %s: got %q, want %q", k, m.Header.Get(k), v)
		}
	}

	bad := []struct{ name, id, kind string }{
		{"id with dot", "INC.1", "assessed"},
		{"id with wildcard", "INC-*", "assessed"},
		{"empty id", "", "assessed"},
		{"kind with space", "INC-1", "notice sent"},
		{"kind with wildcard", "INC-1", ">"},
		{"empty kind token", "INC-1", "notice..sent"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if err := b.PublishEvent(ctx, c.id, c.kind, nil); !errors.Is(err, ErrBadEvent) {
				t.Errorf("got %v, want ErrBadEvent", err)
			}
		})
	}
	if err := b.PublishEvent(ctx, "INC-1", "x", func() {}); err == nil || !strings.Contains(err.Error(), "encode payload") {
		t.Errorf("unencodable payload: got %v, want an encode error", err)
	}
}

type fakeMsg struct {
	jetstream.Msg
	subject string
	data    []byte
	hdr     nats.Header
	meta    *jetstream.MsgMetadata
}

func (m fakeMsg) Subject() string      { return m.subject }
func (m fakeMsg) Data() []byte         { return m.data }
func (m fakeMsg) Headers() nats.Header { return m.hdr }
func (m fakeMsg) Metadata() (*jetstream.MsgMetadata, error) {
	if m.meta == nil {
		return nil, jetstream.ErrNotJSMessage
	}
	return m.meta, nil
}

func TestPublishDeadletter(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	orig := fakeMsg{subject: "breach.notice.email", data: []byte("\x00original\xff"), hdr: nats.Header{jetstream.MsgIDHeader: []string{"n-1"}},
		meta: &jetstream.MsgMetadata{Stream: "NOTICES", Sequence: jetstream.SequencePair{Stream: 9}, NumDelivered: 5}}
	reason := "smtp said:\r\nBcc: injected " + strings.Repeat("é", 3000)
	for range 2 { // redelivered and dead-lettered again: stored once
		if err := PublishDeadletter(ctx, b.JetStream(), b.Topics().Deadletter("email"), orig, reason); err != nil {
			t.Fatal(err)
		}
	}
	if n := streamInfo(t, b, StreamDeadletter).State.Msgs; n != 1 {
		t.Errorf("DEADLETTER: got %d messages, want 1", n)
	}
	st, _ := b.JetStream().Stream(ctx, StreamDeadletter)
	m, err := st.GetLastMsgForSubject(ctx, "breach.deadletter.email")
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Data) != string(orig.data) {
		t.Errorf("data: got %q, want %q", m.Data, orig.data)
	}
	want := map[string]string{HeaderOriginalSubject: "breach.notice.email", HeaderOriginalStream: "NOTICES",
		HeaderOriginalSequence: "9", HeaderDeliveries: "5", HeaderOriginalMsgID: "n-1", jetstream.MsgIDHeader: "dlq/NOTICES/9"}
	for k, v := range want {
		if got := m.Header.Get(k); got != v {
			t.Errorf("header %s: got %q, want %q", k, got, v)
		}
	}
	e := m.Header.Get(HeaderError)
	if strings.ContainsAny(e, "\r\n") || len(e) > MaxHeaderValue || !strings.HasPrefix(e, "smtp said:  Bcc: injected") || !strings.HasSuffix(e, "…") {
		t.Errorf("%s: got %q (%d bytes), want one line of at most %d bytes ending in …", HeaderError, e[:min(len(e), 60)], len(e), MaxHeaderValue)
	}
}

func TestHeaderValue(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "invalid incident: title: is required", "invalid incident: title: is required"},
		{"newlines", "a\r\nb\tc", "a  b c"},
		{"bad utf-8", "a\xffb", "a\uFFFDb"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := HeaderValue(c.in); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSubjects(t *testing.T) {
	cases := []struct {
		name, prefix, got, want string
	}{
		{"default submit", "", Topics{}.IncidentSubmit(), "breach.incident.submit"},
		{"prefix with dot", "acme.", Topics{Prefix: "acme."}.Notice("sms"), "acme.notice.sms"},
		{"event", "acme", Topics{Prefix: "acme"}.Event("INC-1", "notice.sent"), "acme.event.INC-1.notice.sent"},
		{"deadletter", "", Topics{}.Deadletter("intake"), "breach.deadletter.intake"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func TestServerAtLeast(t *testing.T) {
	cases := []struct {
		version string
		want    bool
	}{
		{"2.10.4", true},
		{"2.15.2", true},
		{"v2.10.4-beta.1", true},
		{"2.9.10", false},
		{"2.10.3", false},
		{"3.0.0", true},
		{"1.99.99", false},
		{"", false},
		{"garbage", false},
		{"2.x.1", false},
	}
	for _, c := range cases {
		if got := serverAtLeast(c.version, 2, 10, 4); got != c.want {
			t.Errorf("serverAtLeast(%q, 2.10.4): got %t, want %t", c.version, got, c.want)
		}
	}
}

// TestLoopbackHostPortSharesNetaddr checks the embedded server's listen
// address is read as loopback as internal/netaddr reads it, a localhost
// name listening on 127.0.0.1.
func TestLoopbackHostPortSharesNetaddr(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:4222": "127.0.0.1", "localhost:4222": "127.0.0.1", "LOCALHOST:4222": "127.0.0.1", "::1:x": "",
		"[::1]:4222": "::1", "0.0.0.0:4222": "", "example.org:4222": "",
	} {
		host, _, err := loopbackHostPort(addr)
		if host != want || (want == "") != (err != nil) {
			t.Errorf("loopbackHostPort(%q) = %q, %v; want %q", addr, host, err, want)
		}
	}
}
