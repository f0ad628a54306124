package intake

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
)

func TestIntakeEmbedded(t *testing.T) {
	// INCIDENTS takes documents above the decoder's limit, so that intake's
	// own refusal of them is tested; by default the stream refuses them.
	suite(t, func(t *testing.T) *natsbus.Bus { return startBus(t, natsbus.Options{IncidentMaxBytes: 2 << 20}) })
}

// suite is what intake must do on any JetStream server; newBus gives each
// case its own streams.
func suite(t *testing.T, newBus func(t *testing.T) *natsbus.Bus) {
	t.Run("valid", func(t *testing.T) { testValid(t, newBus(t)) })
	t.Run("duplicate", func(t *testing.T) { testDuplicate(t, newBus(t)) })
	t.Run("new revision", func(t *testing.T) { testNewRevision(t, newBus(t)) })
	t.Run("cloudevents", func(t *testing.T) { testCloudEvents(t, newBus(t)) })
	t.Run("no id", func(t *testing.T) { testNoID(t, newBus(t)) })
	t.Run("malformed", func(t *testing.T) { testMalformed(t, newBus(t)) })
	t.Run("conflicting revision", func(t *testing.T) { testConflicting(t, newBus(t)) })
	t.Run("store fails transiently", func(t *testing.T) { testTransientStore(t, newBus(t)) })
}

type hookLog struct {
	mu       sync.Mutex
	stored   []string
	rejected []string
	retries  int
}

func (h *hookLog) hooks() Hooks {
	return Hooks{
		OnStored: func(in *incident.Incident, dup bool) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.stored = append(h.stored, fmt.Sprintf("%s dup=%t", in.Key(), dup))
		},
		OnRejected: func(reason string) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.rejected = append(h.rejected, reason)
		},
		OnRetry: func(error, bool) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.retries++
		},
	}
}

func (h *hookLog) storedCalls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.stored...)
}

func testValid(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	var h hookLog
	in := newIntake(t, bus, store, h.hooks(), Config{})
	runIntake(t, in)

	ctx := context.Background()
	inc, err := incident.Decode(doc("INC-valid-1", 1))
	if err != nil {
		t.Fatal(err)
	}
	dup, err := natsbus.PublishIncident(ctx, bus.JetStream(), bus.Topics(), inc, doc("INC-valid-1", 1))
	if err != nil || dup {
		t.Fatalf("PublishIncident: got dup=%t err=%v, want false, nil", dup, err)
	}
	waitFor(t, "the incident to be stored", 10*time.Second, func() bool { return store.len() == 1 })
	waitFor(t, "the stored hook", 10*time.Second, func() bool { return len(h.storedCalls()) == 1 })
	if got, want := h.storedCalls(), []string{"INC-valid-1/1 dup=false"}; !cmp.Equal(got, want) {
		t.Errorf("OnStored calls: got %v, want %v", got, want)
	}
	if diff := cmp.Diff(inc, store.get("INC-valid-1/1")); diff != "" {
		t.Errorf("stored incident (-published +stored):\n%s", diff)
	}

	ev := lastEvent(t, bus, "INC-valid-1")
	want := ReceivedEvent{ID: "INC-valid-1", Revision: 1, Stream: bus.Streams().Incidents, Sequence: 1,
		ReceivedAt: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("received event (-want +got):\n%s", diff)
	}
	waitFor(t, "lag 0", 10*time.Second, func() bool {
		lag, err := in.Lag(ctx)
		return err == nil && lag == 0
	})
	if n := streamCount(t, bus, bus.Streams().Deadletter); n != 0 {
		t.Errorf("DEADLETTER holds %d messages, want 0", n)
	}
	if got, want := in.Stats(), (Stats{Received: 1, Stored: 1}); got != want {
		t.Errorf("Stats: got %+v, want %+v", got, want)
	}
}

func lastEvent(t *testing.T, bus *natsbus.Bus, id string) ReceivedEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := bus.JetStream().Stream(ctx, bus.Streams().Events)
	if err != nil {
		t.Fatal(err)
	}
	var m *jetstream.RawStreamMsg
	waitFor(t, "the received event", 10*time.Second, func() bool {
		m, err = st.GetLastMsgForSubject(ctx, bus.Topics().Event(id, EventReceived))
		return err == nil
	})
	var ev ReceivedEvent
	if err := json.Unmarshal(m.Data, &ev); err != nil {
		t.Fatalf("event body %q: %v", m.Data, err)
	}
	if got, want := m.Header.Get(jetstream.MsgIDHeader), id+"/received/"+strconv.Itoa(ev.Revision); got != want {
		t.Errorf("event Nats-Msg-Id: got %q, want %q", got, want)
	}
	return ev
}

func testDuplicate(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	var h hookLog
	in := newIntake(t, bus, store, h.hooks(), Config{})
	ctx := context.Background()
	inc, err := incident.Decode(doc("INC-dup", 1))
	if err != nil {
		t.Fatal(err)
	}
	// Same message id twice: JetStream keeps one.
	for i, wantDup := range []bool{false, true} {
		dup, err := natsbus.PublishIncident(ctx, bus.JetStream(), bus.Topics(), inc, nil)
		if err != nil || dup != wantDup {
			t.Fatalf("publish %d: got dup=%t err=%v, want dup=%t", i, dup, err, wantDup)
		}
	}
	// The same revision under another message id (a detector replaying
	// after the window): the store recognises it.
	raw, _ := json.Marshal(inc)
	publishRaw(t, bus, raw, "replayed-later")
	runIntake(t, in)

	waitFor(t, "two deliveries handled", 10*time.Second, func() bool { return len(h.storedCalls()) == 2 })
	if got, want := store.keys(), []string{"INC-dup/1"}; !cmp.Equal(got, want) {
		t.Errorf("stored: got %v, want %v", got, want)
	}
	// Workers run concurrently: either delivery may reach the store first.
	if got, want := h.storedCalls(), []string{"INC-dup/1 dup=false", "INC-dup/1 dup=true"}; !cmp.Equal(got, want, cmpopts.SortSlices(func(a, b string) bool { return a < b })) {
		t.Errorf("OnStored calls: got %v, want %v", got, want)
	}
	if n := streamCount(t, bus, bus.Streams().Incidents); n != 2 {
		t.Errorf("INCIDENTS holds %d messages, want 2 (one dropped by Nats-Msg-Id)", n)
	}
	// One received event: the replay's event has the same message id.
	events := streamMsgs(t, bus, bus.Streams().Events)
	if len(events) != 1 {
		t.Errorf("EVENTS holds %d messages, want 1", len(events))
	}
	if got, want := in.Stats(), (Stats{Received: 2, Stored: 1, Duplicates: 1}); got != want {
		t.Errorf("Stats: got %+v, want %+v", got, want)
	}
}

func testNewRevision(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	var h hookLog
	in := newIntake(t, bus, store, h.hooks(), Config{Workers: 1})
	runIntake(t, in)
	ctx := context.Background()
	for _, rev := range []int{1, 2, 1} {
		inc, err := incident.Decode(doc("INC-rev", rev))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := natsbus.PublishIncident(ctx, bus.JetStream(), bus.Topics(), inc, nil); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "revision handled", 10*time.Second, func() bool { return in.Stats().Received >= 1 && lagZero(in) })
	}
	if got, want := store.keys(), []string{"INC-rev/1", "INC-rev/2"}; !cmp.Equal(got, want) {
		t.Errorf("stored: got %v, want %v", got, want)
	}
	if ev := lastEvent(t, bus, "INC-rev"); ev.Revision != 2 {
		t.Errorf("last received event revision: got %d, want 2", ev.Revision)
	}
	// The third publish repeats revision 1's message id: dropped by JetStream.
	if got, want := h.storedCalls(), []string{"INC-rev/1 dup=false", "INC-rev/2 dup=false"}; !cmp.Equal(got, want) {
		t.Errorf("OnStored calls: got %v, want %v", got, want)
	}
}

func lagZero(in *Intake) bool {
	lag, err := in.Lag(context.Background())
	return err == nil && lag == 0
}

func testCloudEvents(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	in := newIntake(t, bus, store, Hooks{}, Config{})
	runIntake(t, in)
	inner := doc("INC-ce-json", 1)
	structured := fmt.Appendf(nil, `{"specversion":"1.0","type":"org.example.breach","source":"detector:waf-7","id":"e-1","datacontenttype":"application/json","data":%s}`, inner)
	b64 := fmt.Appendf(nil, `{"specversion":"1.0","type":"org.example.breach","source":"detector:waf-7","id":"e-2","data_base64":%q}`,
		base64.StdEncoding.EncodeToString(doc("INC-ce-b64", 1)))
	publishRaw(t, bus, structured, "")
	publishRaw(t, bus, b64, "")
	waitFor(t, "both stored", 10*time.Second, func() bool { return store.len() == 2 })
	if got, want := store.keys(), []string{"INC-ce-b64/1", "INC-ce-json/1"}; !cmp.Equal(got, want) {
		t.Errorf("stored: got %v, want %v", got, want)
	}
	if got := store.get("INC-ce-json/1").Title; got != "Order database copied" {
		t.Errorf("title: got %q, want %q", got, "Order database copied")
	}
}

func testNoID(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	var h hookLog
	in := newIntake(t, bus, store, h.hooks(), Config{})
	runIntake(t, in)
	publishRaw(t, bus, doc("", 0), "")
	waitFor(t, "stored", 10*time.Second, func() bool { return len(h.storedCalls()) == 1 })
	keys := store.keys()
	if len(keys) != 1 || !strings.HasPrefix(keys[0], "INC-") || !strings.HasSuffix(keys[0], "/1") {
		t.Fatalf("stored: got %v, want one INC-<ulid>/1", keys)
	}
	id := strings.TrimSuffix(keys[0], "/1")
	if !incident.ValidID(id) || len(id) != len("INC-")+26 {
		t.Errorf("assigned id %q: want INC- and a 26-character ULID", id)
	}
	ev := lastEvent(t, bus, id)
	if !ev.IDAssigned {
		t.Errorf("received event id_assigned: got false, want true")
	}
	if got := in.Stats().IDsAssigned; got != 1 {
		t.Errorf("Stats.IDsAssigned: got %d, want 1", got)
	}
}

// malformedCases are documents of many shapes that intake must dead-letter.
func malformedCases() []struct {
	name, reason string
	data         []byte
} {
	valid := string(doc("INC-m", 1))
	huge := []byte(`{"schema":"breach.incident/v1","title":"` + strings.Repeat("x", incident.MaxDocumentBytes+10) + `"}`)
	return []struct {
		name, reason string
		data         []byte
	}{
		{"empty", "document is empty", []byte{}},
		{"whitespace", "document is empty", []byte(" \n\t ")},
		{"not json", "not a JSON object", []byte("hello, intake")},
		{"json array", "not a JSON object", []byte(`[1,2,3]`)},
		{"truncated", "JSON", []byte(valid[:len(valid)/2])},
		{"wrong schema", "schema", []byte(strings.Replace(valid, "breach.incident/v1", "breach.incident/v9", 1))},
		{"unknown field", "severity: unknown field", []byte(strings.Replace(valid, `"title"`, `"severity":"high","title"`, 1))},
		{"wrong types", "revision: must be a whole number", []byte(strings.Replace(valid, `"revision":1`, `"revision":"one"`, 1))},
		{"missing affected", "affected: needs at least one entry", []byte(strings.Replace(valid, `"affected":[{"system":"orders-db"}]`, `"affected":[]`, 1))},
		{"bad cause", `cause: "sabotage" is not one of`, []byte(strings.Replace(valid, "exfiltration", "sabotage", 1))},
		{"invalid utf-8", "UTF-8", []byte("{\"title\":\"\xff\xfe\"}")},
		{"trailing data", "after the JSON object", []byte(valid + `{"again":1}`)},
		{"cloudevent without data", "data: the CloudEvent carries no incident", []byte(`{"specversion":"1.0","type":"x","source":"y","id":"z"}`)},
		{"huge", "larger than the 1048576-byte limit", huge},
	}
}

func testMalformed(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	var h hookLog
	in := newIntake(t, bus, store, h.hooks(), Config{})
	runIntake(t, in)
	var cases []struct {
		name, reason string
		data         []byte
	}
	for _, c := range malformedCases() {
		// An external server may keep the default 1 MB max payload, below
		// incident.MaxDocumentBytes: the publisher then gets the error.
		if int64(len(c.data))+1024 > bus.Conn().MaxPayload() {
			t.Logf("skipping %q: %d bytes exceed the server's max payload %d", c.name, len(c.data), bus.Conn().MaxPayload())
			continue
		}
		cases = append(cases, c)
		publishRaw(t, bus, c.data, "")
	}
	waitFor(t, "every malformed document dead-lettered", 20*time.Second, func() bool {
		return streamCount(t, bus, bus.Streams().Deadletter) == uint64(len(cases))
	})
	dlq := streamMsgs(t, bus, bus.Streams().Deadletter)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := findByData(dlq, c.data)
			if m == nil {
				t.Fatalf("no DEADLETTER message holds the original %d bytes", len(c.data))
			}
			if got, want := m.Subject, bus.Topics().Deadletter("intake"); got != want {
				t.Errorf("subject: got %q, want %q", got, want)
			}
			if got := m.Header.Get(natsbus.HeaderError); !strings.Contains(got, c.reason) {
				t.Errorf("%s: got %q, want it to contain %q", natsbus.HeaderError, got, c.reason)
			}
			if got, want := m.Header.Get(natsbus.HeaderOriginalSubject), bus.Topics().IncidentSubmit(); got != want {
				t.Errorf("original subject: got %q, want %q", got, want)
			}
			if got, want := m.Header.Get(natsbus.HeaderOriginalStream), bus.Streams().Incidents; got != want {
				t.Errorf("original stream: got %q, want %q", got, want)
			}
			if seq, err := strconv.ParseUint(m.Header.Get(natsbus.HeaderOriginalSequence), 10, 64); err != nil || seq == 0 {
				t.Errorf("original sequence: got %q, want a positive number", m.Header.Get(natsbus.HeaderOriginalSequence))
			}
			if got := m.Header.Get(natsbus.HeaderDeliveries); got != "1" {
				t.Errorf("delivery count: got %q, want \"1\"", got)
			}
		})
	}
	if n := store.len(); n != 0 {
		t.Errorf("store holds %d incidents, want 0", n)
	}
	if got := in.Stats().Rejected; got != uint64(len(cases)) {
		t.Errorf("Stats.Rejected: got %d, want %d", got, len(cases))
	}
	h.mu.Lock()
	if len(h.rejected) != len(cases) {
		t.Errorf("OnRejected calls: got %d, want %d", len(h.rejected), len(cases))
	}
	h.mu.Unlock()
	waitFor(t, "lag 0 (terminated messages are done)", 10*time.Second, func() bool { return lagZero(in) })
}

func testConflicting(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	in := newIntake(t, bus, store, Hooks{}, Config{Workers: 1})
	runIntake(t, in)
	first := doc("INC-conflict", 1)
	second := bytes.Replace(first, []byte("Order database copied"), []byte("Something else"), 1)
	publishRaw(t, bus, first, "a")
	publishRaw(t, bus, second, "b")
	waitFor(t, "the conflicting revision dead-lettered", 10*time.Second, func() bool {
		return streamCount(t, bus, bus.Streams().Deadletter) == 1
	})
	m := streamMsgs(t, bus, bus.Streams().Deadletter)[0]
	if !bytes.Equal(m.Data, second) {
		t.Errorf("dead-lettered bytes: got %q, want %q", m.Data, second)
	}
	if got, want := m.Header.Get(natsbus.HeaderError), "already received with different content"; !strings.Contains(got, want) {
		t.Errorf("%s: got %q, want it to contain %q", natsbus.HeaderError, got, want)
	}
	if got := m.Header.Get(natsbus.HeaderOriginalMsgID); got != "b" {
		t.Errorf("original msg id: got %q, want %q", got, "b")
	}
	if got := store.get("INC-conflict/1").Title; got != "Order database copied" {
		t.Errorf("stored title: got %q, want the first revision's", got)
	}
}

func testTransientStore(t *testing.T, bus *natsbus.Bus) {
	store := newMemStore()
	store.failFirst = 3
	var h hookLog
	in := newIntake(t, bus, store, h.hooks(), Config{MaxDeliver: 10})
	runIntake(t, in)
	publishRaw(t, bus, doc("INC-retry", 1), "INC-retry/1")
	waitFor(t, "stored after retries", 20*time.Second, func() bool { return store.len() == 1 })
	waitFor(t, "acked", 10*time.Second, func() bool { return lagZero(in) })
	if n := streamCount(t, bus, bus.Streams().Deadletter); n != 0 {
		t.Errorf("DEADLETTER holds %d messages, want 0", n)
	}
	if got, want := in.Stats(), (Stats{Received: 4, Stored: 1, Retried: 3}); got != want {
		t.Errorf("Stats: got %+v, want %+v", got, want)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.retries != 3 {
		t.Errorf("OnRetry calls: got %d, want 3", h.retries)
	}
}

func TestIntakeStoreOutageOutlastsDeliveries(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	store := newMemStore()
	store.failFirst = 1 << 30
	in := newIntake(t, bus, store, Hooks{}, Config{MaxDeliver: 3})
	runIntake(t, in)
	raw := doc("INC-outage", 1)
	publishRaw(t, bus, raw, "")
	waitFor(t, "deliveries used up", 20*time.Second, func() bool { return in.Stats().Exhausted == 1 })
	// The document is kept twice: in INCIDENTS (a limits stream) and, with
	// the cause, in DEADLETTER where `breach deadletter replay` finds it.
	waitFor(t, "dead-lettered for replay", 10*time.Second, func() bool { return streamCount(t, bus, bus.Streams().Deadletter) == 1 })
	m := streamMsgs(t, bus, bus.Streams().Deadletter)[0]
	if !bytes.Equal(m.Data, raw) {
		t.Errorf("dead letter body differs from the document published")
	}
	if got := m.Header.Get(natsbus.HeaderError); !strings.Contains(got, "not stored after 3 deliveries") || !strings.Contains(got, "replay it") {
		t.Errorf("%s = %q, want the cause and that it can be replayed", natsbus.HeaderError, got)
	}
	if n := streamCount(t, bus, bus.Streams().Incidents); n != 1 {
		t.Errorf("INCIDENTS holds %d messages, want 1 (kept)", n)
	}
	// Once the store works again a replay stores it.
	store.mu.Lock()
	store.failFirst = 0
	store.mu.Unlock()
	if _, err := bus.JetStream().PublishMsg(context.Background(), &nats.Msg{Subject: m.Header.Get(natsbus.HeaderOriginalSubject), Data: m.Data}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "stored after replay", 10*time.Second, func() bool { return in.Stats().Stored == 1 })
	if got, want := in.Stats(), (Stats{Received: 4, Retried: 3, Exhausted: 1, Stored: 1}); got != want {
		t.Errorf("Stats: got %+v, want %+v", got, want)
	}
}

func TestIntakeThousandMalformed(t *testing.T) {
	bus := startBus(t, natsbus.Options{IncidentMaxBytes: 2 << 20})
	store := newMemStore()
	in := newIntake(t, bus, store, Hooks{}, Config{})
	const n = 1000
	shapes := malformedCases()
	sent := map[string]bool{}
	for i := range n {
		c := shapes[i%len(shapes)]
		data := c.data
		if c.name != "huge" {
			// Make each one distinct so every DEADLETTER copy can be matched.
			data = fmt.Appendf(append([]byte(nil), c.data...), "%*s", i%7+1, strconv.Itoa(i))
			if len(bytes.TrimSpace(c.data)) == 0 {
				data = fmt.Appendf(nil, "garbage %d", i)
			}
		}
		publishRaw(t, bus, data, "")
		sent[string(data)] = true
	}
	runIntake(t, in)
	waitFor(t, "1,000 dead letters", 120*time.Second, func() bool {
		return streamCount(t, bus, bus.Streams().Deadletter) == n
	})
	got := map[string]bool{}
	for _, m := range streamMsgs(t, bus, bus.Streams().Deadletter) {
		if m.Header.Get(natsbus.HeaderError) == "" {
			t.Errorf("dead letter %d has no %s header", m.Sequence, natsbus.HeaderError)
		}
		got[string(m.Data)] = true
	}
	missing := 0
	for d := range sent {
		if !got[d] {
			missing++
		}
	}
	if missing != 0 {
		t.Errorf("%d published documents are not in DEADLETTER byte for byte (distinct sent %d, dead letters %d)", missing, len(sent), len(got))
	}
	if store.len() != 0 {
		t.Errorf("store holds %d incidents, want 0", store.len())
	}
}

func TestIntakeGracefulStop(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	store := newMemStore()
	block, entered := make(chan struct{}), make(chan struct{})
	store.block, store.entered = block, entered
	in := newIntake(t, bus, store, Hooks{}, Config{Workers: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	publishRaw(t, bus, doc("INC-inflight", 1), "")
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the store was not called within 10s")
	}
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while a message was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(block)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: got %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after the in-flight message finished")
	}
	if store.len() != 1 {
		t.Fatalf("store holds %d incidents, want 1", store.len())
	}
	// The in-flight message was acked before Run returned.
	if !lagZero(in) {
		lag, err := in.Lag(context.Background())
		t.Errorf("Lag after stop: got %d (%v), want 0", lag, err)
	}
}

func TestIntakeResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	store := newMemStore()
	bus := startBus(t, natsbus.Options{StoreDir: dir})
	in := newIntake(t, bus, store, Hooks{}, Config{})
	stop := runIntake(t, in)
	publishRaw(t, bus, doc("INC-before", 1), "")
	waitFor(t, "first stored", 10*time.Second, func() bool { return store.len() == 1 })
	stop()
	publishRaw(t, bus, doc("INC-while-down", 1), "")
	bus.Close()

	bus = startBus(t, natsbus.Options{StoreDir: dir})
	in = newIntake(t, bus, store, Hooks{}, Config{})
	runIntake(t, in)
	waitFor(t, "the message published while intake was down", 10*time.Second, func() bool { return store.len() == 2 })
	if got, want := store.keys(), []string{"INC-before/1", "INC-while-down/1"}; !cmp.Equal(got, want) {
		t.Errorf("stored: got %v, want %v", got, want)
	}
	if got := in.Stats().Received; got != 1 {
		t.Errorf("deliveries after restart: got %d, want 1 (the first was acked)", got)
	}
}

func TestDeriveIDIsStable(t *testing.T) {
	ts := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	meta := func(seq uint64) *jetstream.MsgMetadata {
		return &jetstream.MsgMetadata{Stream: "INCIDENTS", Sequence: jetstream.SequencePair{Stream: seq}, Timestamp: ts}
	}
	a, b := deriveID(meta(7), []byte("x")), deriveID(meta(7), []byte("x"))
	if a != b {
		t.Errorf("same message: got %q and %q, want equal ids", a, b)
	}
	if c := deriveID(meta(8), []byte("x")); c == a {
		t.Errorf("another sequence: got the same id %q, want a different one", c)
	}
	if !incident.ValidID(a) || !strings.HasPrefix(a, "INC-") {
		t.Errorf("id %q: want a valid INC- id", a)
	}
	// Time-sortable like incident.NewID.
	later := deriveID(&jetstream.MsgMetadata{Stream: "INCIDENTS", Sequence: jetstream.SequencePair{Stream: 1}, Timestamp: ts.Add(time.Second)}, []byte("x"))
	if later <= a {
		t.Errorf("id of a later message %q sorts before %q", later, a)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"durable with dot", Config{Durable: "in.take"}, "durable name"},
		{"negative max deliver", Config{MaxDeliver: -2}, "max deliver"},
		{"nak above max", Config{NakDelay: time.Minute, MaxNakDelay: time.Second}, "nak delay"},
		{"negative workers", Config{Workers: -1}, "workers"},
		{"short ack wait", Config{AckWait: time.Millisecond}, "ack wait"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.cfg, bus, newMemStore(), Hooks{}, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	if _, err := New(Config{}, nil, newMemStore(), Hooks{}, nil); err == nil {
		t.Errorf("nil bus: got nil error, want one")
	}
}

func TestBackoff(t *testing.T) {
	in := &Intake{cfg: Config{NakDelay: time.Second, MaxNakDelay: 10 * time.Second}}
	for _, c := range []struct {
		delivered uint64
		want      time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second}, {5, 10 * time.Second}, {500, 10 * time.Second}} {
		if got := in.backoff(c.delivered); got != c.want {
			t.Errorf("backoff(%d): got %s, want %s", c.delivered, got, c.want)
		}
	}
}

func TestIntakePermanentStoreError(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	store := newMemStore()
	in := newIntake(t, bus, store, Hooks{}, Config{})
	runIntake(t, in)
	raw := bytes.Replace(doc("INC-refused", 1), []byte("Order database copied"), []byte("refused"), 1)
	publishRaw(t, bus, raw, "")
	waitFor(t, "dead-lettered", 10*time.Second, func() bool { return streamCount(t, bus, bus.Streams().Deadletter) == 1 })
	m := streamMsgs(t, bus, bus.Streams().Deadletter)[0]
	if got, want := m.Header.Get(natsbus.HeaderError), "store incident INC-refused/1: permanently refused by the store: title not allowed"; got != want {
		t.Errorf("%s: got %q, want %q", natsbus.HeaderError, got, want)
	}
	if got, want := in.Stats(), (Stats{Received: 1, Rejected: 1}); got != want {
		t.Errorf("Stats: got %+v, want %+v", got, want)
	}
}

// TestRunRecreatesADeletedConsumer: deleting intake's consumer is never a
// silent stop: Health names the consumer, the consumer is re-created and
// incidents published meanwhile are stored.
func TestRunRecreatesADeletedConsumer(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	store := newMemStore()
	in := newIntake(t, bus, store, Hooks{}, Config{Durable: "doomed"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	waitFor(t, "the consumer", 10*time.Second, func() bool { return in.Health(ctx) == nil })
	if err := bus.JetStream().DeleteConsumer(ctx, bus.Streams().Incidents, "doomed"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "health naming the consumer", 10*time.Second, func() bool {
		err := in.Health(ctx)
		return err != nil && strings.Contains(err.Error(), "doomed") && strings.Contains(err.Error(), "deleted")
	})
	publishRaw(t, bus, doc("INC-after", 1), "")
	waitFor(t, "stored after re-creation", 20*time.Second, func() bool { return store.len() == 1 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: got %v, want nil after cancel", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return 30s after cancel")
	}
}

// TestIntakeWrongSubject publishes a valid incident on a subject the
// INCIDENTS stream captures but intake does not accept: it is not left
// unread (acknowledged to the sender, never stored) but dead-lettered with
// a reason naming both subjects.
func TestIntakeWrongSubject(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	store := newMemStore()
	in := newIntake(t, bus, store, Hooks{}, Config{})
	runIntake(t, in)
	raw := doc("INC-wrong", 1)
	subject := strings.TrimSuffix(bus.Topics().IncidentSubmit(), "submit") + "new"
	if _, err := bus.JetStream().PublishMsg(context.Background(), &nats.Msg{Subject: subject, Data: raw}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "dead-lettered", 10*time.Second, func() bool { return streamCount(t, bus, bus.Streams().Deadletter) == 1 })
	m := streamMsgs(t, bus, bus.Streams().Deadletter)[0]
	reason := m.Header.Get(natsbus.HeaderError)
	if !strings.Contains(reason, subject) || !strings.Contains(reason, bus.Topics().IncidentSubmit()) {
		t.Errorf("%s = %q, want both the subject used and the one to use", natsbus.HeaderError, reason)
	}
	if m.Header.Get(natsbus.HeaderOriginalSubject) != subject || !bytes.Equal(m.Data, raw) {
		t.Errorf("dead letter lost the original subject or bytes")
	}
	if store.len() != 0 {
		t.Errorf("stored %d incidents from the wrong subject, want 0", store.len())
	}
}

func TestIntakeRevisionsCountUpByOne(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	store := newMemStore()
	store.failHighest = 2 // the store's answer is retried like a save
	in := newIntake(t, bus, store, Hooks{}, Config{Workers: 4, GapDeliveries: 3})
	// Revisions 3 and 2 arrive before 1: they wait for the missing ones.
	publishRaw(t, bus, doc("INC-order", 3), "")
	publishRaw(t, bus, doc("INC-order", 2), "")
	publishRaw(t, bus, doc("INC-order", 1), "")
	// A new incident that starts at 5, and the attack of issue 8: a
	// revision near the int64 maximum.
	publishRaw(t, bus, doc("INC-gap", 5), "")
	publishRaw(t, bus, bytes.Replace(doc("INC-order", 1), []byte(`"revision":1`), []byte(`"revision":9223372036854775807`), 1), "")
	runIntake(t, in)
	// Generous: the waiting revisions are redelivered with growing
	// delays, and the whole suite may share the machine.
	waitFor(t, "every message handled", 90*time.Second, func() bool {
		return store.len() == 3 && streamCount(t, bus, bus.Streams().Deadletter) == 2 && lagZero(in)
	})
	if got, want := store.keys(), []string{"INC-order/1", "INC-order/2", "INC-order/3"}; !cmp.Equal(got, want) {
		t.Errorf("stored: got %v, want %v", got, want)
	}
	var reasons []string
	for _, m := range streamMsgs(t, bus, bus.Streams().Deadletter) {
		reasons = append(reasons, m.Header.Get(natsbus.HeaderError))
	}
	want := []string{
		"incident INC-gap revision 5: expected revision 1, as no revision of it is stored; revisions count up by one",
		"invalid incident: revision: must be at most 1000000, got 9223372036854775807",
	}
	if diff := cmp.Diff(want, reasons, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("dead-letter reasons (-want +got):\n%s", diff)
	}
}

func TestIntakeRefusesAFutureDiscovery(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	store := newMemStore()
	in := newIntake(t, bus, store, Hooks{}, Config{}) // now is 2026-11-20T10:00:00Z
	future := bytes.Replace(doc("INC-future", 1), []byte("2026-11-20T09:00:00Z"), []byte("2026-11-20T10:05:01Z"), 1)
	skewed := bytes.Replace(doc("INC-skewed", 1), []byte("2026-11-20T09:00:00Z"), []byte("2026-11-20T10:04:00Z"), 1)
	publishRaw(t, bus, future, "")
	publishRaw(t, bus, skewed, "")
	runIntake(t, in)
	waitFor(t, "both handled", 10*time.Second, func() bool {
		return store.len() == 1 && streamCount(t, bus, bus.Streams().Deadletter) == 1 && lagZero(in)
	})
	if got, want := store.keys(), []string{"INC-skewed/1"}; !cmp.Equal(got, want) {
		t.Errorf("stored: got %v, want %v", got, want)
	}
	m := streamMsgs(t, bus, bus.Streams().Deadletter)[0]
	if got, want := m.Header.Get(natsbus.HeaderError), "discovered_at: 2026-11-20T10:05:01Z is in the future"; !strings.Contains(got, want) {
		t.Errorf("reason: got %q, want it to contain %q", got, want)
	}
}

// TestGapBackoffKeepsOrder: revisions waiting for missing ones together
// (2 and 3 while 1 is retried) come back lower first, at every delivery,
// so revision 3 does not spend its last waiting delivery beside 2.
func TestGapBackoffKeepsOrder(t *testing.T) {
	in := &Intake{cfg: Config{NakDelay: time.Second, MaxNakDelay: time.Minute}}
	for delivered := uint64(1); delivered <= 5; delivered++ {
		if two, three := in.gapBackoff(delivered, 1), in.gapBackoff(delivered, 2); two >= three {
			t.Errorf("delivery %d: revision 2 waits %v, revision 3 %v; want 3 after 2", delivered, two, three)
		}
	}
	if got, want := in.gapBackoff(1, 1_000_000), in.backoff(1)+10*time.Second; got != want {
		t.Errorf("a huge gap waits %v, want at most ten nak delays more (%v)", got, want)
	}
}
