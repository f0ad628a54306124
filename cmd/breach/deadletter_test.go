package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/internal/natsbus"
)

// runDeadletter runs "breach deadletter args..." in-process, as run() does,
// with the terminal width fixed to width (0: not a terminal).
func runDeadletter(t *testing.T, width int, args ...string) (int, string, string) {
	t.Helper()
	return runDeadletterEnv(t, deadletterEnv{
		incidentEnv: incidentEnv{
			getenv:   func(string) string { return "" },
			now:      func() time.Time { return cliNow },
			terminal: func(io.Writer) bool { return false },
		},
		width: func(io.Writer) int { return width },
	}, args...)
}

// runDeadletterEnv runs "breach deadletter args..." in-process with env and
// returns the exit status, standard output and standard error.
func runDeadletterEnv(t *testing.T, env deadletterEnv, args ...string) (int, string, string) {
	t.Helper()
	root := &cobra.Command{Use: "breach", SilenceUsage: true, SilenceErrors: true}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.AddCommand(newDeadletterCmdWith(env))
	var stdout, stderr bytes.Buffer
	root.SetArgs(append([]string{"deadletter"}, args...))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return 0, stdout.String(), stderr.String()
	}
	stderr.WriteString("breach: " + err.Error() + "\n")
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, stdout.String(), stderr.String()
	}
	return 1, stdout.String(), stderr.String()
}

// Bodies of the fixture; each holds personal data that list must never print.
const (
	dlIntakeBody = `{"schema":"breach.incident/v1","id":"INC-2026-0077","title":"Leak","reported_by":"jane.doe@example.com","bogus":1}`
	dlEmailBody  = `{"notice":"N-1","to":"alice@example.org","subject":"About your data"}`
	dlSMSBody    = `{"notice":"N-2","to":"+4915112345678","contact":"bob@example.net"}`
	dlOtherBody  = `{"id":"X","owner":"carol@example.com"}`
)

var dlLongReason = "send notice N-1: smtp 550 5.1.1 mailbox unavailable; " + strings.TrimSpace(strings.Repeat("the relay said more ", 12))

type dlFixture struct {
	url        string
	js         jetstream.JetStream
	incidents  jetstream.Stream
	deadletter jetstream.Stream
}

// startDeadletterNATS starts an embedded server with the INCIDENTS and
// DEADLETTER streams and fills DEADLETTER with:
//
//	1 intake: a real intake rejection made by natsbus.PublishDeadletter
//	2 email:  original subject breach.notice.email, a long reason
//	3 sms:    no original subject (as queue.Sink.DeadLetter writes)
//	4 intake: an original subject outside the prefix
func startDeadletterNATS(t *testing.T) dlFixture {
	t.Helper()
	url, incidents := startNATS(t)
	js, dl := testStream(t, url, "DEADLETTER", "breach.deadletter.>")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// 1: publish to intake, take it with a consumer, dead-letter it as intake does.
	in := &nats.Msg{Subject: "breach.incident.submit", Data: []byte(dlIntakeBody), Header: nats.Header{}}
	in.Header.Set(jetstream.MsgIDHeader, "INC-2026-0077/1")
	if _, err := js.PublishMsg(ctx, in); err != nil {
		t.Fatal(err)
	}
	cons, err := incidents.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: "intake", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := natsbus.PublishDeadletter(ctx, js, "breach.deadletter.intake", m, "decode incident: unknown field \"bogus\"\nat offset 97"); err != nil {
		t.Fatal(err)
	}
	if err := m.Term(); err != nil {
		t.Fatal(err)
	}

	raw := func(subject, body string, hdr map[string]string) {
		t.Helper()
		msg := &nats.Msg{Subject: subject, Data: []byte(body), Header: nats.Header{}}
		for k, v := range hdr {
			msg.Header.Set(k, v)
		}
		if _, err := js.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	raw("breach.deadletter.email", dlEmailBody, map[string]string{
		natsbus.HeaderError: dlLongReason, natsbus.HeaderOriginalSubject: "breach.notice.email",
		natsbus.HeaderOriginalStream: "NOTICES", natsbus.HeaderOriginalSequence: "9",
		natsbus.HeaderOriginalMsgID: "N-1/email", natsbus.HeaderDeliveries: "5",
	})
	raw("breach.deadletter.sms", dlSMSBody, map[string]string{natsbus.HeaderError: "sms: invalid phone number"})
	raw("breach.deadletter.intake", dlOtherBody, map[string]string{
		natsbus.HeaderError: "decode incident: no schema", natsbus.HeaderOriginalSubject: "other.incident.submit",
	})
	return dlFixture{url: url, js: js, incidents: incidents, deadletter: dl}
}

// noPersonalData fails when out holds any fixture's e-mail or phone.
func noPersonalData(t *testing.T, what, out string) {
	t.Helper()
	for _, pd := range []string{"@", "jane.doe", "alice", "bob@", "carol", "+4915112345678"} {
		if strings.Contains(out, pd) {
			t.Errorf("%s: got output containing %q (from a message body), want no body data:\n%s", what, pd, out)
		}
	}
}

func TestDeadletterListTable(t *testing.T) {
	f := startDeadletterNATS(t)
	const width = 130
	code, stdout, stderr := runDeadletter(t, width, "list", "--nats-url", f.url)
	if code != 0 {
		t.Fatalf("got exit %d, stderr %q; want 0", code, stderr)
	}
	noPersonalData(t, "list", stdout+stderr)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want a header and 4 rows:\n%s", len(lines), stdout)
	}
	if got := strings.Fields(lines[0]); !cmp.Equal(got, []string{"SEQ", "TIME", "STAGE", "ORIGINAL", "SUBJECT", "SIZE", "REASON"}) {
		t.Errorf("header: got %q", lines[0])
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > width {
			t.Errorf("line of %d characters, want at most %d: %q", n, width, l)
		}
	}
	// Each row: sequence, date, time, stage, original subject, size.
	tests := []struct {
		name   string
		line   string
		prefix []string
		reason string
	}{
		{"intake", lines[1], []string{"1", "intake", "breach.incident.submit", strconv.Itoa(len(dlIntakeBody)), "B"},
			`decode incident: unknown field "bogus" at offset 97`},
		{"email", lines[2], []string{"2", "email", "breach.notice.email", strconv.Itoa(len(dlEmailBody)), "B"}, ""},
		{"sms", lines[3], []string{"3", "sms", "-", strconv.Itoa(len(dlSMSBody)), "B"}, "sms: invalid phone number"},
		{"outside", lines[4], []string{"4", "intake", "other.incident.submit", strconv.Itoa(len(dlOtherBody)), "B"}, "decode incident: no schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := strings.Fields(tt.line)
			if len(fields) < 7 {
				t.Fatalf("got row %q, want at least 7 fields", tt.line)
			}
			got := append([]string{fields[0]}, fields[3:7]...)
			if diff := cmp.Diff(tt.prefix, got); diff != "" {
				t.Errorf("row %q (-want +got):\n%s", tt.line, diff)
			}
			if _, err := time.Parse("2006-01-02 15:04:05Z", fields[1]+" "+fields[2]); err != nil {
				t.Errorf("time: got %q %q, want 2006-01-02 15:04:05Z", fields[1], fields[2])
			}
			if tt.reason != "" && !strings.HasSuffix(tt.line, "  "+tt.reason) {
				t.Errorf("got row %q, want it to end in the reason %q on one line", tt.line, tt.reason)
			}
		})
	}
	if !strings.HasSuffix(lines[2], "…") || !strings.Contains(lines[2], "smtp 550 5.1.1") {
		t.Errorf("email row: got %q, want the long reason cut with …", lines[2])
	}

	// Not a terminal: the reason is whole, still on one line.
	code, stdout, _ = runDeadletter(t, 0, "list", "--nats-url", f.url)
	if code != 0 || !strings.Contains(stdout, strings.Join(strings.Fields(dlLongReason), " ")) {
		t.Errorf("width unknown: got exit %d, output\n%s\nwant the whole reason", code, stdout)
	}
}

func TestDeadletterListJSON(t *testing.T) {
	f := startDeadletterNATS(t)
	code, stdout, stderr := runDeadletter(t, 80, "list", "--json", "--nats-url", f.url)
	if code != 0 {
		t.Fatalf("got exit %d, stderr %q; want 0", code, stderr)
	}
	noPersonalData(t, "list --json", stdout)
	var got deadletterList
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("got output that is not the list JSON: %v\n%s", err, stdout)
	}
	want := deadletterList{Stream: "DEADLETTER", Matched: 4, Deadletters: []deadletterEntry{
		{Sequence: 1, Stage: "intake", Subject: "breach.deadletter.intake", OriginalSubject: "breach.incident.submit",
			OriginalStream: "INCIDENTS", OriginalSequence: 1, OriginalMsgID: "INC-2026-0077/1", Deliveries: 1,
			Size: len(dlIntakeBody), Reason: `decode incident: unknown field "bogus" at offset 97`},
		{Sequence: 2, Stage: "email", Subject: "breach.deadletter.email", OriginalSubject: "breach.notice.email",
			OriginalStream: "NOTICES", OriginalSequence: 9, OriginalMsgID: "N-1/email", Deliveries: 5,
			Size: len(dlEmailBody), Reason: dlLongReason},
		{Sequence: 3, Stage: "sms", Subject: "breach.deadletter.sms", Size: len(dlSMSBody), Reason: "sms: invalid phone number"},
		{Sequence: 4, Stage: "intake", Subject: "breach.deadletter.intake", OriginalSubject: "other.incident.submit",
			Size: len(dlOtherBody), Reason: "decode incident: no schema"},
	}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(deadletterEntry{}, "Time")); diff != "" {
		t.Errorf("list --json (-want +got):\n%s", diff)
	}
	for _, e := range got.Deadletters {
		if e.Time.IsZero() || time.Since(e.Time) > time.Minute {
			t.Errorf("dead letter %d: got time %s, want the time it was stored", e.Sequence, e.Time)
		}
	}
}

func TestDeadletterListFilters(t *testing.T) {
	f := startDeadletterNATS(t)
	tests := []struct {
		name    string
		args    []string
		seqs    []uint64
		matched uint64
	}{
		{"all", nil, []uint64{1, 2, 3, 4}, 4},
		{"stage intake", []string{"--stage", "intake"}, []uint64{1, 4}, 2},
		{"two stages", []string{"--stage", "email,sms"}, []uint64{2, 3}, 2},
		{"unknown stage", []string{"--stage", "fax"}, nil, 0},
		{"limit keeps the newest", []string{"--limit", "2"}, []uint64{3, 4}, 4},
		{"limit and stage", []string{"--limit", "1", "--stage", "intake"}, []uint64{4}, 2},
		{"limit above count", []string{"--limit", "10", "--stage", "email"}, []uint64{2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"list", "--json", "--nats-url", f.url}, tt.args...)
			code, stdout, stderr := runDeadletter(t, 0, args...)
			if code != 0 {
				t.Fatalf("got exit %d, stderr %q; want 0", code, stderr)
			}
			var got deadletterList
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			var seqs []uint64
			for _, e := range got.Deadletters {
				seqs = append(seqs, e.Sequence)
			}
			if diff := cmp.Diff(tt.seqs, seqs); diff != "" || got.Matched != tt.matched {
				t.Errorf("got sequences %v matched %d, want %v matched %d", seqs, got.Matched, tt.seqs, tt.matched)
			}
		})
	}

	// The table says when --limit hid some.
	code, stdout, stderr := runDeadletter(t, 0, "list", "--limit", "1", "--nats-url", f.url)
	if code != 0 || !strings.Contains(stderr, "newest 1 of 4") || strings.Count(stdout, "\n") != 2 {
		t.Errorf("table with --limit 1: got exit %d, stdout %q, stderr %q; want one row and a note of 4", code, stdout, stderr)
	}
	code, stdout, _ = runDeadletter(t, 0, "list", "--stage", "fax", "--nats-url", f.url)
	if code != 0 || stdout != "no dead letters in DEADLETTER\n" {
		t.Errorf("empty table: got exit %d, stdout %q", code, stdout)
	}
}

func TestDeadletterShowData(t *testing.T) {
	f := startDeadletterNATS(t)
	for seq, want := range map[string]string{"1": dlIntakeBody, "2": dlEmailBody, "3": dlSMSBody} {
		code, stdout, stderr := runDeadletter(t, 80, "list", "--show-data", seq, "--nats-url", f.url)
		if code != 0 || stdout != want {
			t.Errorf("--show-data %s: got exit %d, stdout %q, stderr %q; want exactly the body %q", seq, code, stdout, stderr, want)
		}
	}
	code, _, stderr := runDeadletter(t, 80, "list", "--show-data", "99", "--nats-url", f.url)
	if code != 1 || !strings.Contains(stderr, "no message 99") {
		t.Errorf("--show-data 99: got exit %d, stderr %q; want 1 and no message 99", code, stderr)
	}
}

func TestDeadletterUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"limit zero", []string{"list", "--limit", "0"}, "--limit"},
		{"bad stage", []string{"list", "--stage", "a*"}, "--stage"},
		{"show-data zero", []string{"list", "--show-data", "0"}, "--show-data"},
		{"replay nothing", []string{"replay"}, "arg"},
		{"replay not a number", []string{"replay", "x1"}, "not a stream sequence"},
		{"bad prefix", []string{"list", "--prefix", "a.>"}, "--prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runDeadletter(t, 0, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	code, _, stderr := runDeadletter(t, 0, "list", "--nats-url", "nats://127.0.0.1:1", "--timeout", "1s")
	if code != 1 || !strings.Contains(stderr, "connect to NATS") {
		t.Errorf("no server: got exit %d, stderr %q; want 1 and a connect error", code, stderr)
	}
}

func TestDeadletterReplay(t *testing.T) {
	f := startDeadletterNATS(t)
	ctx := context.Background()
	code, stdout, stderr := runDeadletter(t, 0, "replay", "1", "--nats-url", f.url)
	want := "replayed DEADLETTER 1 to breach.incident.submit: INCIDENTS sequence 2, msg id INC-2026-0077/1/replay-1\n"
	if code != 0 || stdout != want {
		t.Fatalf("replay 1: got exit %d, stdout %q, stderr %q; want 0 and %q", code, stdout, stderr, want)
	}
	noPersonalData(t, "replay", stdout+stderr)
	m, err := f.incidents.GetMsg(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := storedMessage{Subject: m.Subject, MsgID: m.Header.Get(jetstream.MsgIDHeader), Data: string(m.Data)}
	if diff := cmp.Diff(storedMessage{Subject: "breach.incident.submit", MsgID: "INC-2026-0077/1/replay-1", Data: dlIntakeBody}, got); diff != "" {
		t.Errorf("replayed message (-want +got):\n%s", diff)
	}
	if h := m.Header.Get(headerReplayOf); h != "DEADLETTER/1" {
		t.Errorf("%s: got %q, want DEADLETTER/1", headerReplayOf, h)
	}

	// Again: the same replay id is dropped by JetStream and reported.
	code, stdout, stderr = runDeadletter(t, 0, "replay", "1", "--nats-url", f.url)
	if code != 0 || !strings.Contains(stdout, "already replayed") {
		t.Errorf("replay 1 again: got exit %d, stdout %q, stderr %q; want 0 and a duplicate note", code, stdout, stderr)
	}
	if info, err := f.incidents.Info(ctx); err != nil || info.State.Msgs != 2 {
		t.Errorf("INCIDENTS after replaying twice: got %+v, %v; want 2 messages", info.State, err)
	}

	// The dead letters stay.
	if info, err := f.deadletter.Info(ctx); err != nil || info.State.Msgs != 4 {
		t.Errorf("DEADLETTER after replay: got %+v, %v; want the 4 dead letters kept", info.State, err)
	}
}

func TestDeadletterReplayRefuses(t *testing.T) {
	f := startDeadletterNATS(t)
	ctx := context.Background()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no original subject", []string{"3"}, "no Breach-Original-Subject header"},
		{"outside the prefix", []string{"4"}, `"other.incident.submit" is not under the prefix breach`},
		{"one bad stops all", []string{"1", "3"}, "DEADLETTER 3"},
		{"missing", []string{"1", "42"}, "no message 42"},
		{"other prefix", []string{"1", "--prefix", "tenant"}, "is not a dead-letter subject under tenant.deadletter.*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"replay", "--nats-url", f.url}, tt.args...)
			code, stdout, stderr := runDeadletter(t, 0, args...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d, stdout %q, stderr %q; want 1, nothing published and %q", code, stdout, stderr, tt.want)
			}
			noPersonalData(t, "replay", stderr)
		})
	}
	if info, err := f.incidents.Info(ctx); err != nil || info.State.Msgs != 1 {
		t.Errorf("INCIDENTS after refused replays: got %+v, %v; want only the original message", info.State, err)
	}
}

// TestDeadletterReplayWrongIncidentSubject replays an incident that intake
// dead-lettered because it was published on a subject other than
// breach.incident.submit: it goes to breach.incident.submit.
func TestDeadletterReplayWrongIncidentSubject(t *testing.T) {
	f := startDeadletterNATS(t)
	ctx := context.Background()
	msg := &nats.Msg{Subject: "breach.deadletter.intake", Data: []byte(dlIntakeBody), Header: nats.Header{}}
	msg.Header.Set(natsbus.HeaderError, "published on breach.incident.new; incidents are accepted on breach.incident.submit only")
	msg.Header.Set(natsbus.HeaderOriginalSubject, "breach.incident.new")
	msg.Header.Set(natsbus.HeaderOriginalStream, "INCIDENTS")
	ack, err := f.js.PublishMsg(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	seq := strconv.FormatUint(ack.Sequence, 10)
	code, stdout, stderr := runDeadletter(t, 0, "replay", seq, "--nats-url", f.url)
	if code != 0 || !strings.Contains(stdout, "to breach.incident.submit") {
		t.Fatalf("replay %s: got exit %d, stdout %q, stderr %q; want it sent to breach.incident.submit", seq, code, stdout, stderr)
	}
	m, err := f.incidents.GetMsg(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "breach.incident.submit" || string(m.Data) != dlIntakeBody {
		t.Errorf("replayed to %s with %d bytes, want breach.incident.submit with the original body", m.Subject, len(m.Data))
	}
}
