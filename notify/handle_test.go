package notify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/google/go-cmp/cmp"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func mustTickets(t *testing.T, secret []byte) *Tickets {
	t.Helper()
	tk, err := NewTickets(secret)
	if err != nil {
		t.Fatalf("NewTickets: %v", err)
	}
	return tk
}

func TestTicketsRoundTripAndForgery(t *testing.T) {
	tk := mustTickets(t, testSecret)
	other := mustTickets(t, []byte("another secret of thirty-two by"))
	key := "notice/INC-1/u-1/email/v1"
	sealed := tk.Seal(key)
	if strings.Contains(string(sealed), "@") {
		t.Errorf("ticket %s: carries more than the key", sealed)
	}
	if got, err := tk.Open(sealed); err != nil || got != key {
		t.Errorf("Open(Seal(%q)): got %q, %v, want the key, nil", key, got, err)
	}
	var forgedKey ticket
	_ = json.Unmarshal(sealed, &forgedKey)
	forgedKey.Key = "notice/INC-1/u-2/email/v1"
	swapped, _ := json.Marshal(forgedKey)
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"other secret", other.Seal(key), ErrTicketForged},
		{"key swapped under a valid MAC", swapped, ErrTicketForged},
		{"old full job", []byte(`{"key":"` + key + `","incident":"INC-1","route":{"channel":"email","to":"x@evil.example"}}`), ErrTicketMalformed},
		{"not JSON", []byte("{"), ErrTicketMalformed},
		{"MAC not base64url", []byte(`{"key":"k","mac":"@@"}`), ErrTicketMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tk.Open(tc.body); err != tc.want {
				t.Errorf("Open: got error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := NewTickets([]byte("short")); err == nil {
		t.Errorf("NewTickets(short secret): got nil error, want one")
	}
}

// handleSetup is setup with tickets and a rejection counter.
func handleSetup(t *testing.T, outbox bool) (*Worker, *MemoryLedger, *recordingSink, *scriptNotifier, Job, *Tickets, map[string]int) {
	t.Helper()
	led := NewMemoryLedger()
	sink := &recordingSink{}
	n := &scriptNotifier{script: map[string][]error{}, sent: map[string]int{}}
	tk := mustTickets(t, testSecret)
	rejected := map[string]int{}
	w := NewWorker(WorkerConfig{Channel: ChannelEmail, MaxDeliver: 3, Tickets: tk, Outbox: outbox, Rejected: func(r string) { rejected[r]++ }},
		n, led, fakeRenderer{}, sink, logging.Discard(), fixedNow)
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelEmail, To: "a@example.org"}, nil)
	if _, _, err := led.Plan(context.Background(), []Entry{job.Entry()}); err != nil {
		t.Fatal(err)
	}
	return w, led, sink, n, job, tk, rejected
}

func TestHandleSendsFromTheLedgerRowOnly(t *testing.T) {
	ctx := context.Background()
	w, led, sink, n, job, tk, rejected := handleSetup(t, false)
	if d := w.Handle(ctx, tk.Seal(job.Key), 1); d.Action != Ack {
		t.Fatalf("Handle: got %v (%s), want Ack", d.Action, d.Reason)
	}
	if diff := cmp.Diff(map[string]int{"a@example.org": 1}, n.sent); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if e, _ := led.Get(ctx, job.Key); e.State != StateSent {
		t.Errorf("state: got %s, want sent", e.State)
	}
	// A redelivery after the notice was recorded (a crash before the ack)
	// is acknowledged without sending, and its event published again in
	// case the crash came before it (the bus deduplicates).
	if d := w.Handle(ctx, tk.Seal(job.Key), 2); d.Action != Ack || len(rejected) != 0 {
		t.Errorf("redelivery: got %v (%s), rejections %v, want a quiet Ack", d.Action, d.Reason, rejected)
	}
	if diff := cmp.Diff(map[string]int{"a@example.org": 1}, n.sent); diff != "" {
		t.Errorf("sent after the redelivery (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"notice.sent", "notice.sent"}, sink.events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestHandleRejects(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		body   func(tk *Tickets, job Job) []byte
		before func(l *MemoryLedger, job Job)
		reason string
	}{
		{"forged MAC", func(_ *Tickets, job Job) []byte {
			return mustTickets(t, []byte("attacker's own 32-byte secret!!")).Seal(job.Key)
		}, nil, RejectForged},
		{"old full job with an attacker's address", func(_ *Tickets, job Job) []byte {
			job.Route.To = "attacker@evil.example"
			b, _ := json.Marshal(job)
			return b
		}, nil, RejectMalformed},
		{"key with no ledger row", func(tk *Tickets, _ Job) []byte { return tk.Seal("notice/INC-1/u-9/email/v1") }, nil, RejectUnknown},
		{"replay of a sent notice", func(tk *Tickets, job Job) []byte { return tk.Seal(job.Key) }, func(l *MemoryLedger, job Job) {
			_ = l.Finish(ctx, job.Key, Outcome{State: StateSent, At: fixedNow()})
		}, RejectFinal},
		{"SMS key on the e-mail consumer", func(tk *Tickets, _ Job) []byte { return tk.Seal("notice/INC-1/u-1/sms/v1") }, func(l *MemoryLedger, _ Job) {
			j := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelSMS, To: "+15555550100"}, nil)
			_, _, _ = l.Plan(ctx, []Entry{j.Entry()})
		}, RejectNoJob},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, led, sink, n, job, tk, rejected := handleSetup(t, false)
			if tc.before != nil {
				tc.before(led, job)
			}
			before, _ := led.Get(ctx, job.Key)
			d := w.Handle(ctx, tc.body(tk, job), 1)
			if d.Action != Ack {
				t.Errorf("Handle: got %v, want Ack (dead-lettered)", d.Action)
			}
			if len(n.sent) != 0 {
				t.Errorf("sent: got %v, want nothing", n.sent)
			}
			if diff := cmp.Diff(map[string]int{tc.reason: 1}, rejected); diff != "" {
				t.Errorf("rejections (-want +got):\n%s", diff)
			}
			if len(sink.dead) != 1 || !strings.Contains(sink.dead[0], "notice rejected ("+tc.reason+")") {
				t.Errorf("dead letters: got %q, want one naming %q", sink.dead, tc.reason)
			}
			if after, _ := led.Get(ctx, job.Key); !cmp.Equal(before, after) {
				t.Errorf("ledger row changed by a rejected message: %s", cmp.Diff(before, after))
			}
		})
	}
}

func TestHandleOutboxRecordsWritten(t *testing.T) {
	ctx := context.Background()
	w, led, sink, _, job, tk, _ := handleSetup(t, true)
	if d := w.Handle(ctx, tk.Seal(job.Key), 1); d.Action != Ack {
		t.Fatalf("Handle: got %v (%s), want Ack", d.Action, d.Reason)
	}
	e, _ := led.Get(ctx, job.Key)
	if e.State != StateWritten || !e.SentAt.Equal(fixedNow()) {
		t.Errorf("outbox notice: got state %s sent_at %v, want written at %v", e.State, e.SentAt, fixedNow())
	}
	if diff := cmp.Diff([]string{"notice.written"}, sink.events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestPlanLiftsUnreachableBesideAReachingRoute(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	l := NewMemoryLedger()
	none := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelNone}, nil).Entry()
	none.State = StateUnreachable
	sms := NewJob("INC-1", 1, 1, "u-2", Route{Channel: ChannelSMS, To: "+1"}, nil).Entry()
	other := NewJob("INC-1", 1, 1, "u-3", Route{Channel: ChannelNone}, nil).Entry()
	other.State = StateUnreachable
	if _, _, err := l.Plan(ctx, []Entry{none, sms, other}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Settle(ctx, sms.Key, NewJob("INC-1", 1, 1, "u-2", Route{Channel: ChannelSMS}, nil).RouteKeys(),
		Outcome{State: StateFailedPermanent, At: at}); err != nil {
		t.Fatal(err)
	}
	// A later run (a provider added) plans e-mail for u-1 and u-2.
	e1 := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelEmail, To: "a@x"}, nil).Entry()
	e2 := NewJob("INC-1", 1, 1, "u-2", Route{Channel: ChannelEmail, To: "b@x"}, nil).Entry()
	if _, _, err := l.Plan(ctx, []Entry{e1, e2}); err != nil {
		t.Fatal(err)
	}
	got := map[string]State{}
	_ = l.Each(ctx, "INC-1", func(e Entry) error { got[e.SubjectID+"/"+string(e.Channel)] = e.State; return nil })
	want := map[string]State{"u-1/none": StateSkipped, "u-1/email": StatePending, "u-2/sms": StateFailedPermanent,
		"u-2/email": StatePending, "u-3/none": StateUnreachable}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	// And the other way: a marker planned beside a pending route is lifted
	// at once.
	late := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelNone}, nil).Entry()
	late.Key += "-again"
	late.State = StateUnreachable
	if _, _, err := l.Plan(ctx, []Entry{late}); err != nil {
		t.Fatal(err)
	}
	if e, _ := l.Get(ctx, late.Key); e.State != StateSkipped {
		t.Errorf("marker planned beside a pending route: got %s, want skipped", e.State)
	}
}

// TestTicketSealIsJSON checks the fast encoding of Seal against
// encoding/json for plain and unusual keys.
func TestTicketSealIsJSON(t *testing.T) {
	tk := mustTickets(t, testSecret)
	for _, key := range []string{"notice/INC-1/u-1/email/v1", "notice/INC-1/u%2F1/push/v2/d0", `odd "key" \ <&>`, "ключ"} {
		var got ticket
		if err := json.Unmarshal(tk.Seal(key), &got); err != nil || got.Key != key {
			t.Errorf("Seal(%q): got %+v, %v, want valid JSON with the key", key, got, err)
		}
		if k, err := tk.Open(tk.Seal(key)); err != nil || k != key {
			t.Errorf("Open(Seal(%q)): got %q, %v", key, k, err)
		}
	}
}

func BenchmarkTicketsSeal(b *testing.B) {
	tk, err := NewTickets(testSecret)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = tk.Seal("notice/INC-2026-0042/s-0012345/email/v1")
	}
}

// TestHandleOnRejected: the OnRejected hook is told of each rejection with
// its reason and the message body, after the message is dead-lettered.
func TestHandleOnRejected(t *testing.T) {
	tk := mustTickets(t, testSecret)
	sink := &recordingSink{}
	var reasons []string
	var bodies [][]byte
	w := NewWorker(WorkerConfig{Channel: ChannelEmail, MaxDeliver: 3, Tickets: tk,
		OnRejected: func(r string, raw []byte) { reasons, bodies = append(reasons, r), append(bodies, raw) }},
		&scriptNotifier{script: map[string][]error{}, sent: map[string]int{}}, NewMemoryLedger(), fakeRenderer{}, sink, logging.Discard(), fixedNow)
	body := tk.Seal("notice/INC-1/u-9/email/v1")
	if d := w.Handle(context.Background(), body, 1); d.Action != Ack {
		t.Fatalf("Handle: got %v, want Ack", d.Action)
	}
	if len(reasons) != 1 || reasons[0] != RejectUnknown || string(bodies[0]) != string(body) {
		t.Errorf("OnRejected: got %v %q, want one %s with the body", reasons, bodies, RejectUnknown)
	}
}

// plainLedger hides MemoryLedger's Claim: Handle then reads the row with
// Get and claims it with Begin.
type plainLedger struct{ Ledger }

// TestHandleWithoutClaimer runs Handle on a ledger that cannot read and
// claim in one step: it sends from the row, acknowledges a redelivery of
// the sent notice with its event again, and rejects an unknown key.
func TestHandleWithoutClaimer(t *testing.T) {
	ctx := context.Background()
	led := NewMemoryLedger()
	sink := &recordingSink{}
	n := &scriptNotifier{script: map[string][]error{}, sent: map[string]int{}}
	tk := mustTickets(t, testSecret)
	rejected := map[string]int{}
	w := NewWorker(WorkerConfig{Channel: ChannelEmail, MaxDeliver: 3, Tickets: tk, Rejected: func(r string) { rejected[r]++ }},
		n, plainLedger{led}, fakeRenderer{}, sink, logging.Discard(), fixedNow)
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelEmail, To: "a@example.org"}, nil)
	if _, _, err := led.Plan(ctx, []Entry{job.Entry()}); err != nil {
		t.Fatal(err)
	}
	if d := w.Handle(ctx, tk.Seal(job.Key), 1); d.Action != Ack {
		t.Fatalf("Handle: got %v (%s), want Ack", d.Action, d.Reason)
	}
	if d := w.Handle(ctx, tk.Seal(job.Key), 2); d.Action != Ack {
		t.Fatalf("redelivery: got %v (%s), want Ack", d.Action, d.Reason)
	}
	if d := w.Handle(ctx, tk.Seal("INC-1/nobody/email/v1"), 1); d.Action != Ack {
		t.Fatalf("unknown key: got %v (%s), want Ack (dead-lettered)", d.Action, d.Reason)
	}
	if e, _ := led.Get(ctx, job.Key); e.State != StateSent || n.sent["a@example.org"] != 1 {
		t.Errorf("got state %s and %d sends, want sent once", e.State, n.sent["a@example.org"])
	}
	if diff := cmp.Diff([]string{"notice.sent", "notice.sent"}, sink.events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{RejectUnknown: 1}, rejected); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
}
