package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/google/go-cmp/cmp"
)

// scriptNotifier answers from a script per address: a list of errors for
// successive attempts (nil = sent).
type scriptNotifier struct {
	mu     sync.Mutex
	script map[string][]error
	sent   map[string]int
}

func (n *scriptNotifier) Notify(_ context.Context, m *Message) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if s := n.script[m.To]; len(s) > 0 {
		n.script[m.To] = s[1:]
		if s[0] != nil {
			return "", s[0]
		}
	}
	n.sent[m.To]++
	return "pid-" + m.Key, nil
}

type fakeRenderer struct{ fail bool }

func (r fakeRenderer) Render(_ context.Context, j *Job) (*Message, Rendering, error) {
	if r.fail {
		return nil, Rendering{}, errors.New("template: missing field incident.title")
	}
	return &Message{Key: j.Key, IncidentID: j.IncidentID, Channel: j.Route.Channel, To: j.Route.To, Text: "notice"},
		Rendering{TemplateVersion: "t1", ContentHash: "h-" + j.Key}, nil
}

type recordingSink struct {
	mu       sync.Mutex
	jobs     []Job
	events   []string
	outcomes []incident.NoticeOutcome
	dead     []string
	failEnq  bool
}

func (s *recordingSink) Enqueue(_ context.Context, jobs ...Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failEnq {
		return errors.New("nats: timeout")
	}
	s.jobs = append(s.jobs, jobs...)
	return nil
}
func (s *recordingSink) Event(_ context.Context, ev incident.NoticeOutcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, string(ev.Kind))
	s.outcomes = append(s.outcomes, ev)
	return nil
}
func (s *recordingSink) DeadLetter(_ context.Context, stage string, _ []byte, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dead = append(s.dead, stage+": "+reason)
	return nil
}

var fixedNow = func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) }

func setup(t *testing.T, script map[string][]error, render fakeRenderer) (*Worker, *MemoryLedger, *recordingSink, *scriptNotifier, Job) {
	t.Helper()
	led := NewMemoryLedger()
	sink := &recordingSink{}
	n := &scriptNotifier{script: script, sent: map[string]int{}}
	w := NewWorker(WorkerConfig{Channel: ChannelEmail, MaxDeliver: 3, Backoff: Backoff{Base: time.Second, Max: time.Minute, Factor: 2, Rand: func() float64 { return 0 }}},
		n, led, render, sink, logging.Discard(), fixedNow)
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelEmail, To: "a@example.org"},
		[]Route{{Channel: ChannelSMS, To: "+15555550100"}})
	if _, _, err := led.Plan(context.Background(), []Entry{job.Entry()}); err != nil {
		t.Fatal(err)
	}
	return w, led, sink, n, job
}

func TestWorkerDeliverOutcomes(t *testing.T) {
	ctx := context.Background()
	temp := Temporary("451 4.7.1", "try again later", nil)
	perm := Permanent("550 5.1.1", "mailbox unknown", nil)
	tests := []struct {
		name       string
		script     []error
		render     fakeRenderer
		attempts   int // transport deliveries to simulate
		wantState  State
		wantAction []Action
		wantJobs   int // fallback jobs enqueued
		wantDead   int
		wantEvents []string
	}{
		{"sent first time", nil, fakeRenderer{}, 1, StateSent, []Action{Ack}, 0, 0, []string{"notice.sent"}},
		{"temporary then sent: retried with backoff", []error{temp, nil}, fakeRenderer{}, 2, StateSent, []Action{Retry, Ack}, 0, 0, []string{"notice.sent"}},
		{"permanent: no retry, falls back to SMS", []error{perm}, fakeRenderer{}, 1, StateFailedPermanent, []Action{Ack}, 1, 0, []string{"notice.failed"}},
		{"temporary until max deliver: dead-lettered and falls back", []error{temp, temp, temp}, fakeRenderer{}, 3, StateFailedPermanent, []Action{Retry, Retry, Ack}, 1, 1, []string{"notice.failed"}},
		{"render error: dead-lettered, no fallback", nil, fakeRenderer{fail: true}, 1, StateFailedPermanent, []Action{Ack}, 0, 1, []string{"notice.failed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, led, sink, _, job := setup(t, map[string][]error{"a@example.org": tc.script}, tc.render)
			for i := 1; i <= tc.attempts; i++ {
				d := w.Deliver(ctx, job, []byte("raw"), i)
				if d.Action != tc.wantAction[i-1] {
					t.Fatalf("attempt %d: got action %v (%s), want %v", i, d.Action, d.Reason, tc.wantAction[i-1])
				}
				if d.Action == Retry && d.Delay < time.Second/2 {
					t.Errorf("attempt %d: got delay %s, want a backoff of at least 500ms", i, d.Delay)
				}
			}
			e, _ := led.Get(ctx, job.Key)
			if e.State != tc.wantState {
				t.Errorf("got state %s, want %s", e.State, tc.wantState)
			}
			if e.Attempts != tc.attempts {
				t.Errorf("got %d attempts recorded, want %d", e.Attempts, tc.attempts)
			}
			if len(sink.jobs) != tc.wantJobs || len(sink.dead) != tc.wantDead {
				t.Errorf("got %d fallback jobs and %d dead letters, want %d and %d", len(sink.jobs), len(sink.dead), tc.wantJobs, tc.wantDead)
			}
			if fmt.Sprint(sink.events) != fmt.Sprint(tc.wantEvents) {
				t.Errorf("got events %v, want %v", sink.events, tc.wantEvents)
			}
			// The event is the catalogue's payload, its attempt the
			// ledger's count.
			want := incident.NoticeOutcome{Kind: incident.EventKind(tc.wantEvents[0]), Incident: "INC-1", Key: job.Key,
				Subject: "u-1", Channel: "email", State: string(tc.wantState), Attempt: tc.attempts}
			if tc.wantJobs > 0 {
				want.Fallback = "sms"
			}
			if tc.wantState == StateSent {
				want.Provider = "pid-" + job.Key
			}
			if len(sink.outcomes) == 1 {
				got := sink.outcomes[0]
				got.Error = "" // checked elsewhere; it names the failure
				if got != want {
					t.Errorf("got event %+v, want %+v", got, want)
				}
			}
			if tc.wantJobs > 0 {
				next := sink.jobs[0]
				if next.Route.Channel != ChannelSMS || next.Key == job.Key {
					t.Errorf("got fallback %+v, want an SMS job with its own key", next)
				}
				if ne, err := led.Get(ctx, next.Key); err != nil || ne.State != StatePending {
					t.Errorf("fallback not planned in the ledger: %+v, %v", ne, err)
				}
			}
		})
	}
}

func TestWorkerNeverSendsTwice(t *testing.T) {
	ctx := context.Background()
	w, _, _, n, job := setup(t, nil, fakeRenderer{})
	for i := 1; i <= 3; i++ { // a replayed message after the notice was sent
		if d := w.Deliver(ctx, job, nil, i); d.Action != Ack {
			t.Fatalf("delivery %d: got %v, want Ack", i, d.Action)
		}
	}
	if got := n.sent["a@example.org"]; got != 1 {
		t.Errorf("got %d sends, want exactly 1", got)
	}
}

func TestWorkerLastRouteMarksUnreachable(t *testing.T) {
	ctx := context.Background()
	perm := Permanent("550 5.1.1", "mailbox unknown", nil)
	w, led, sink, _, job := setup(t, map[string][]error{"a@example.org": {perm}, "+15555550100": {Permanent("21211", "invalid number", nil)}}, fakeRenderer{})
	w.Deliver(ctx, job, nil, 1)
	next := sink.jobs[0]
	if d := w.Deliver(ctx, next, nil, 1); d.Action != Ack {
		t.Fatalf("got %v, want Ack", d.Action)
	}
	e, _ := led.Get(ctx, next.Key)
	if e.State != StateUnreachable {
		t.Errorf("got state %s for the last route, want unreachable", e.State)
	}
	if len(sink.jobs) != 1 {
		t.Errorf("got %d jobs, want no further fallback", len(sink.jobs))
	}
}

func TestWorkerSupplementaryFailureIsNotUnreachable(t *testing.T) {
	ctx := context.Background()
	w, led, sink, _, _ := setup(t, map[string][]error{"fcm:tok": {Permanent("UNREGISTERED", "token gone", nil)}}, fakeRenderer{})
	push := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelPush, To: "fcm:tok"}, nil)
	push.Supplementary = true
	led.Plan(ctx, []Entry{push.Entry()})
	w.Deliver(ctx, push, nil, 1)
	if e, _ := led.Get(ctx, push.Key); e.State != StateFailedPermanent {
		t.Errorf("got %s, want failed_permanent", e.State)
	}
	if len(sink.jobs) != 0 {
		t.Errorf("got %d fallback jobs for a supplementary notice, want 0", len(sink.jobs))
	}
}

func TestWorkerCollaboratorFailureRetries(t *testing.T) {
	ctx := context.Background()
	w, led, sink, _, job := setup(t, map[string][]error{"a@example.org": {Permanent("550", "no", nil)}}, fakeRenderer{})
	sink.failEnq = true
	if d := w.Deliver(ctx, job, nil, 1); d.Action != Retry {
		t.Fatalf("got %v, want Retry when the fallback cannot be enqueued", d.Action)
	}
	if e, _ := led.Get(ctx, job.Key); e.State.Final() {
		t.Errorf("got final state %s, want the notice left retryable", e.State)
	}
	if _, _, err := led.Begin(ctx, "nope", fixedNow()); !errors.Is(err, ErrUnknownNotice) {
		t.Errorf("got %v, want ErrUnknownNotice", err)
	}
}

func TestPlannerRunIsIdempotentAndCounts(t *testing.T) {
	ctx := context.Background()
	led := NewMemoryLedger()
	sink := &recordingSink{}
	p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: sink, BatchSize: 2}
	people := []Recipient{
		{ID: "u1", Email: "a@example.org", Phone: "+15555550100", Devices: []Device{{Platform: "fcm", Token: "t1"}, {Platform: "apns", Token: "t2"}}},
		{ID: "u2", Phone: "+15555550101"},
		{ID: "u3"},
		{ID: "u4", Minor: true, Email: "kid@example.org", GuardianEmail: "parent@example.org"},
	}
	src := func(fn func(*Recipient) error) error {
		for i := range people {
			if err := fn(&people[i]); err != nil {
				return err
			}
		}
		return nil
	}
	c := Campaign{IncidentID: "INC-1", Revision: 1, Version: 1, HighRisk: true}
	st, err := p.Run(ctx, c, src)
	if err != nil {
		t.Fatal(err)
	}
	// u1: email + SMS (high risk) + 2 push; u2: SMS; u4: guardian e-mail; u3: unreachable.
	if st.People != 4 || st.Notices != 6 || st.Unreachable != 1 || st.Supplementary != 3 || st.New != 7 {
		t.Errorf("got %+v, want 4 people, 6 notices, 1 unreachable, 3 supplementary, 7 ledger rows", st)
	}
	if len(sink.jobs) != 6 {
		t.Errorf("got %d jobs enqueued, want 6", len(sink.jobs))
	}
	counts, _ := led.Counts(ctx, "INC-1")
	if counts[ChannelNone][StateUnreachable] != 1 || counts[ChannelEmail][StatePending] != 2 || counts[ChannelPush][StatePending] != 2 {
		t.Errorf("got ledger counts %v", counts)
	}
	st2, err := p.Run(ctx, c, src)
	if err != nil {
		t.Fatal(err)
	}
	if st2.New != 0 {
		t.Errorf("second run created %d ledger rows, want 0 (idempotent)", st2.New)
	}
	for _, j := range sink.jobs {
		if j.Route.Guardian && j.SubjectID != "u4" {
			t.Errorf("guardian route for %s", j.SubjectID)
		}
	}
}

// reconcilingNotifier fails ambiguously once, having in fact delivered.
type reconcilingNotifier struct {
	sends int
	found bool
}

func (n *reconcilingNotifier) Notify(context.Context, *Message) (string, error) {
	n.sends++
	return "", Temporary("ambiguous-timeout", "no reply after the request was sent", nil)
}

func (n *reconcilingNotifier) FindSent(context.Context, *Message, time.Time) (string, error) {
	if n.sends > 0 {
		n.found = true
		return "SM123", nil
	}
	return "", nil
}

func TestWorkerReconcilesAmbiguousAttempt(t *testing.T) {
	ctx := context.Background()
	led := NewMemoryLedger()
	n := &reconcilingNotifier{}
	w := NewWorker(WorkerConfig{Channel: ChannelSMS, MaxDeliver: 5}, n, led, fakeRenderer{}, &recordingSink{}, logging.Discard(), fixedNow)
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelSMS, To: "+15555550100"}, nil)
	led.Plan(ctx, []Entry{job.Entry()})
	if d := w.Deliver(ctx, job, nil, 1); d.Action != Retry {
		t.Fatalf("first attempt: got %v, want Retry", d.Action)
	}
	if d := w.Deliver(ctx, job, nil, 2); d.Action != Ack {
		t.Fatalf("second attempt: got %v, want Ack after reconciliation", d.Action)
	}
	e, _ := led.Get(ctx, job.Key)
	if e.State != StateSent || e.ProviderID != "SM123" || n.sends != 1 {
		t.Errorf("got state %s id %q after %d sends, want sent SM123 after exactly 1 send", e.State, e.ProviderID, n.sends)
	}
}

// blockingNotifier holds each send until released, as a slow provider
// call does, counting the sends that went out.
type blockingNotifier struct {
	started chan struct{}
	release chan struct{}
	mu      sync.Mutex
	sends   int
}

func (n *blockingNotifier) Notify(ctx context.Context, m *Message) (string, error) {
	n.started <- struct{}{}
	select {
	case <-n.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sends++
	return "pid-" + m.Key, nil
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestWorkerBusyCopyRetried delivers a second copy of a job while a live
// worker is sending the first: the copy must neither send nor be
// acknowledged, but come back after the claim lease, and then be
// acknowledged as already sent.
func TestWorkerBusyCopyRetried(t *testing.T) {
	ctx := context.Background()
	t0 := fixedNow()
	clk := &clock{t: t0}
	led := NewMemoryLedger()
	n := &blockingNotifier{started: make(chan struct{}), release: make(chan struct{})}
	cfg := WorkerConfig{Channel: ChannelEmail, MaxDeliver: 3}
	holder := NewWorker(cfg, n, led, fakeRenderer{}, &recordingSink{}, logging.Discard(), clk.now)
	copyWorker := NewWorker(cfg, n, led, fakeRenderer{}, &recordingSink{}, logging.Discard(), clk.now)
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelEmail, To: "a@example.org"}, nil)
	if _, _, err := led.Plan(ctx, []Entry{job.Entry()}); err != nil {
		t.Fatal(err)
	}

	first := make(chan Decision, 1)
	go func() { first <- holder.Deliver(ctx, job, nil, 1) }()
	<-n.started // the holder claimed the notice and is sending it

	clk.set(t0.Add(10 * time.Second))
	d := copyWorker.Deliver(ctx, job, nil, 1)
	if want := ClaimLease - 10*time.Second; d.Action != Retry || d.Delay != want {
		t.Fatalf("copy delivered while the notice is being sent: got %+v, want Retry after %s", d, want)
	}

	close(n.release)
	if d := <-first; d.Action != Ack || d.Reason != "sent" {
		t.Fatalf("holder: got %+v, want Ack (sent)", d)
	}
	clk.set(t0.Add(ClaimLease))
	if d := copyWorker.Deliver(ctx, job, nil, 2); d.Action != Ack || d.Reason != "already sent" {
		t.Fatalf("copy redelivered after the holder finished: got %+v, want Ack (already sent)", d)
	}
	e, err := led.Get(ctx, job.Key)
	if err != nil {
		t.Fatal(err)
	}
	if n.sends != 1 || e.State != StateSent || e.Attempts != 1 {
		t.Errorf("got %d sends, state %s after %d attempts; want 1 send, sent after 1 attempt", n.sends, e.State, e.Attempts)
	}
}

// TestWorkerClaimsAfterLease has the holder of a notice crash mid-send
// (the entry stays sending): a copy is retried within the claim lease and
// sends once the lease has run out.
func TestWorkerClaimsAfterLease(t *testing.T) {
	ctx := context.Background()
	t0 := fixedNow()
	clk := &clock{t: t0}
	w, led, _, n, job := setup(t, nil, fakeRenderer{})
	w.now = clk.now
	if _, proceed, err := led.Begin(ctx, job.Key, t0); err != nil || !proceed {
		t.Fatalf("holder's claim: got proceed %v, %v; want true, nil", proceed, err)
	}
	// The holder crashed here, before recording anything.
	steps := []struct {
		name      string
		at        time.Duration // after the holder's claim
		wantRetry time.Duration // 0: want Ack
	}{
		{"just after the claim", time.Second, ClaimLease - time.Second},
		{"late in the lease", ClaimLease - 300*time.Millisecond, time.Second},
		{"at the end of the lease", ClaimLease, time.Second},
		{"after the lease", ClaimLease + time.Second, 0},
	}
	for i, s := range steps {
		clk.set(t0.Add(s.at))
		d := w.Deliver(ctx, job, nil, i+1)
		switch {
		case s.wantRetry != 0 && (d.Action != Retry || d.Delay != s.wantRetry):
			t.Errorf("%s: got %+v, want Retry after %s", s.name, d, s.wantRetry)
		case s.wantRetry == 0 && (d.Action != Ack || d.Reason != "sent"):
			t.Errorf("%s: got %+v, want Ack (sent)", s.name, d)
		}
	}
	e, err := led.Get(ctx, job.Key)
	if err != nil {
		t.Fatal(err)
	}
	if n.sent["a@example.org"] != 1 || e.State != StateSent || e.Attempts != 2 {
		t.Errorf("got %d sends, state %s after %d attempts; want 1 send, sent after 2 attempts (the crashed one and the copy)",
			n.sent["a@example.org"], e.State, e.Attempts)
	}
}

// TestPlannerRequeuesOnlyOpenNotices re-runs a campaign (a service
// restart) after some notices finished: only the open ones are queued
// again, including a pending one whose job was lost.
func TestPlannerRequeuesOnlyOpenNotices(t *testing.T) {
	ctx := context.Background()
	led := NewMemoryLedger()
	sink := &recordingSink{}
	p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: sink, BatchSize: 3, Now: fixedNow}
	var people []Recipient
	for i := range 6 {
		people = append(people, Recipient{ID: fmt.Sprintf("u%d", i), Email: fmt.Sprintf("p%d@example.org", i)})
	}
	people = append(people, Recipient{ID: "u-none"}) // unreachable: no job
	src := func(fn func(*Recipient) error) error {
		for i := range people {
			if err := fn(&people[i]); err != nil {
				return err
			}
		}
		return nil
	}
	c := Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}
	st, err := p.Run(ctx, c, src)
	if err != nil {
		t.Fatal(err)
	}
	if st.New != 7 || st.Queued != 6 || len(sink.jobs) != 6 {
		t.Fatalf("first run: got %d new, %d queued, %d jobs; want 7, 6, 6", st.New, st.Queued, len(sink.jobs))
	}
	keys := make([]string, len(sink.jobs))
	for i, j := range sink.jobs {
		keys[i] = j.Key
	}
	at := fixedNow()
	finish := func(key string, s State) {
		t.Helper()
		if _, _, err := led.Begin(ctx, key, at); err != nil {
			t.Fatal(err)
		}
		if s == StateSending {
			return
		}
		if err := led.Finish(ctx, key, Outcome{State: s, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	finish(keys[0], StateSent)
	finish(keys[1], StateFailedPermanent)
	finish(keys[2], StateSkipped)
	finish(keys[3], StateFailedTemporary)
	finish(keys[4], StateSending)
	// keys[5] stays pending, as if its job had been lost in a crash.

	sink.jobs = nil
	st, err = p.Run(ctx, c, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range sink.jobs {
		got = append(got, j.Key)
	}
	want := keys[3:]
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobs queued again on a re-run (-want +got):\n%s", diff)
	}
	if st.New != 0 || st.Queued != 3 || st.Notices != 6 {
		t.Errorf("second run: got %d new, %d queued, %d notices; want 0, 3, 6", st.New, st.Queued, st.Notices)
	}
}

// TestWorkerOutageDoesNotExhaust: with GiveUpAfter, a provider outage that
// outlasts MaxDeliver attempts keeps the notice retrying until the time has
// passed; only then is the person's next route tried.
func TestWorkerOutageDoesNotExhaust(t *testing.T) {
	ctx := context.Background()
	now := fixedNow()
	clock := func() time.Time { return now }
	led := NewMemoryLedger()
	down := Temporary("", "connection refused", nil)
	n := &scriptNotifier{script: map[string][]error{"a@example.org": {down, down, down, down, down}}, sent: map[string]int{}}
	sink := &recordingSink{}
	w := NewWorker(WorkerConfig{Channel: ChannelEmail, MaxDeliver: 2, GiveUpAfter: time.Hour, Backoff: Backoff{Base: time.Second, Max: time.Second, Factor: 1}},
		n, led, fakeRenderer{}, sink, logging.Discard(), clock)
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelEmail, To: "a@example.org"}, []Route{{Channel: ChannelSMS, To: "+15555550100"}})
	e := job.Entry()
	e.CreatedAt = now
	led.Plan(ctx, []Entry{e})
	for i := 1; i <= 4; i++ { // past MaxDeliver, within the hour
		now = now.Add(time.Minute)
		if d := w.Deliver(ctx, job, nil, i); d.Action != Retry {
			t.Fatalf("attempt %d within GiveUpAfter: got %v, want Retry", i, d.Action)
		}
	}
	now = now.Add(time.Hour)
	if d := w.Deliver(ctx, job, nil, 5); d.Action != Ack {
		t.Fatalf("after GiveUpAfter: got %v, want Ack (given up)", d.Action)
	}
	if len(sink.jobs) != 1 || sink.jobs[0].Route.Channel != ChannelSMS {
		t.Errorf("got fallback jobs %+v, want the SMS route", sink.jobs)
	}
}
