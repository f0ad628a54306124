package notify

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/internal/logging"
)

// The unreachable count drives the public announcement (a substitute
// notice for the people the campaign could not tell), so a person is
// unreachable only when none of their legal-notice routes — the primary
// one with its fallbacks and the extra SMS of a high-risk incident, never
// a push accelerator — was sent or may still be.

// reachPerson plans one high-risk person with e-mail and SMS (and a push
// device) under campaign.channels email,sms, and returns their jobs by
// channel.
func reachPerson(t *testing.T, led Ledger, id string) map[Channel]Job {
	t.Helper()
	sink := &recordingSink{}
	pol := DefaultPolicy()
	pol.Order = []Channel{ChannelEmail, ChannelSMS}
	r := Recipient{ID: id, Email: id + "@example.org", Phone: "+1555" + id, Devices: []Device{{Platform: "fcm", Token: "tok-" + id}}}
	p := &Planner{Policy: pol, Ledger: led, Sink: sink, Now: fixedNow}
	if _, err := p.Run(context.Background(), Campaign{IncidentID: "INC-1", Revision: 1, Version: 1, HighRisk: true},
		func(fn func(*Recipient) error) error { return fn(&r) }); err != nil {
		t.Fatal(err)
	}
	jobs := map[Channel]Job{}
	for _, j := range sink.jobs {
		jobs[j.Route.Channel] = j
	}
	if len(jobs) != 3 || len(jobs[ChannelEmail].Fallback) != 0 || !jobs[ChannelSMS].Supplementary {
		t.Fatalf("got jobs %+v, want e-mail (no fallback), the extra SMS and a push", jobs)
	}
	return jobs
}

func reachWorker(ch Channel, n Notifier, led Ledger, maxDeliver int) *Worker {
	return NewWorker(WorkerConfig{Channel: ch, MaxDeliver: maxDeliver, Backoff: Backoff{Base: time.Second, Max: time.Minute, Factor: 2, Rand: func() float64 { return 0 }}},
		n, led, fakeRenderer{}, &recordingSink{}, logging.Discard(), fixedNow)
}

func TestWorkerUnreachableOnlyWhenNoRouteLeft(t *testing.T) {
	bounce := Permanent("550 5.1.1", "mailbox unknown", nil)
	badNumber := Permanent("21211", "invalid number", nil)
	temp := Temporary("451 4.7.1", "try again later", nil)
	type step struct {
		ch    Channel
		err   error // nil: sent
		claim bool  // only claim the notice: another worker is sending it
	}
	tests := []struct {
		name       string
		maxDeliver int
		steps      []step
		want       map[Channel]State
	}{
		{name: "e-mail 550 after the SMS was sent", steps: []step{{ch: ChannelSMS}, {ch: ChannelEmail, err: bounce}},
			want: map[Channel]State{ChannelEmail: StateFailedPermanent, ChannelSMS: StateSent}},
		{name: "e-mail 550 while the SMS is pending", steps: []step{{ch: ChannelEmail, err: bounce}},
			want: map[Channel]State{ChannelEmail: StateFailedPermanent, ChannelSMS: StatePending}},
		{name: "e-mail 550 while another worker sends the SMS", steps: []step{{ch: ChannelSMS, claim: true}, {ch: ChannelEmail, err: bounce}},
			want: map[Channel]State{ChannelEmail: StateFailedPermanent, ChannelSMS: StateSending}},
		{name: "e-mail 550, then the SMS fails permanently later", steps: []step{{ch: ChannelEmail, err: bounce}, {ch: ChannelSMS, err: badNumber}},
			want: map[Channel]State{ChannelEmail: StateFailedPermanent, ChannelSMS: StateUnreachable}},
		{name: "the SMS fails first, then the e-mail", steps: []step{{ch: ChannelSMS, err: badNumber}, {ch: ChannelEmail, err: bounce}},
			want: map[Channel]State{ChannelEmail: StateUnreachable, ChannelSMS: StateFailedPermanent}},
		{name: "e-mail given up on temporary failures after the SMS was sent", maxDeliver: 1, steps: []step{{ch: ChannelSMS}, {ch: ChannelEmail, err: temp}},
			want: map[Channel]State{ChannelEmail: StateFailedPermanent, ChannelSMS: StateSent}},
		{name: "a push sent does not count as told", steps: []step{{ch: ChannelPush}, {ch: ChannelSMS, err: badNumber}, {ch: ChannelEmail, err: bounce}},
			want: map[Channel]State{ChannelEmail: StateUnreachable, ChannelSMS: StateFailedPermanent, ChannelPush: StateSent}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			led := NewMemoryLedger()
			jobs := reachPerson(t, led, "u1")
			n := &scriptNotifier{script: map[string][]error{}, sent: map[string]int{}}
			for _, s := range tc.steps {
				j := jobs[s.ch]
				if s.claim {
					if _, ok, err := led.Begin(ctx, j.Key, fixedNow()); !ok || err != nil {
						t.Fatalf("claim %s: got %v, %v", s.ch, ok, err)
					}
					continue
				}
				n.script[j.Route.To] = []error{s.err}
				md := tc.maxDeliver
				if md == 0 {
					md = 3
				}
				if d := reachWorker(s.ch, n, led, md).Deliver(ctx, j, nil, 1); d.Action != Ack {
					t.Fatalf("%s: got %+v, want Ack", s.ch, d)
				}
			}
			unreachable := 0
			for ch, j := range jobs {
				e, _ := led.Get(ctx, j.Key)
				if want, ok := tc.want[ch]; ok && e.State != want {
					t.Errorf("%s: got %q, want %q", ch, e.State, want)
				}
				if e.State == StateUnreachable {
					unreachable++
				}
			}
			wantUnreachable := 0
			for _, st := range tc.want {
				if st == StateUnreachable {
					wantUnreachable++
				}
			}
			if unreachable != wantUnreachable {
				t.Errorf("got %d entries unreachable, want %d (one per person with no route left)", unreachable, wantUnreachable)
			}
		})
	}
}

// barrierNotifier fails every send permanently, but only once both the
// e-mail and the SMS of the person are being sent: both notices are
// claimed (sending) when either worker records its failure. wait holds
// one barrier per person, under both of their addresses.
type barrierNotifier struct {
	mu   sync.Mutex
	wait map[string]*sync.WaitGroup
}

func (n *barrierNotifier) Notify(_ context.Context, m *Message) (string, error) {
	n.mu.Lock()
	wg := n.wait[m.To]
	n.mu.Unlock()
	wg.Done()
	wg.Wait()
	return "", Permanent("550", "rejected", nil)
}

// barrierLedger holds each worker's write of a final failure (Finish or
// Settle) until both workers of the person have decided what to write, as
// two processes on different channels may: a decision taken from what the
// other route looked like before its failure was written would leave the
// person unmarked.
type barrierLedger struct {
	*MemoryLedger
	wait map[string]*sync.WaitGroup // by notice key
}

func (l barrierLedger) hold(key string) {
	if wg := l.wait[key]; wg != nil {
		wg.Done()
		wg.Wait()
	}
}

func (l barrierLedger) Finish(ctx context.Context, key string, o Outcome) error {
	l.hold(key)
	return l.MemoryLedger.Finish(ctx, key, o)
}

func (l barrierLedger) Settle(ctx context.Context, key string, others []string, o Outcome) (State, error) {
	l.hold(key)
	return l.MemoryLedger.Settle(ctx, key, others, o)
}

// TestWorkerBothRoutesFailAtOnce: the e-mail and SMS workers of each
// person fail at the same moment, each having seen the other's notice
// still sending. Whatever the interleaving, each person must be counted
// unreachable exactly once: never zero times (each thinking the other
// route still open) and never twice.
func TestWorkerBothRoutesFailAtOnce(t *testing.T) {
	const people = 50
	ctx := context.Background()
	led := barrierLedger{MemoryLedger: NewMemoryLedger(), wait: map[string]*sync.WaitGroup{}}
	n := &barrierNotifier{wait: map[string]*sync.WaitGroup{}}
	email, sms := reachWorker(ChannelEmail, n, led, 3), reachWorker(ChannelSMS, n, led, 3)
	var all []map[Channel]Job
	for i := range people {
		jobs := reachPerson(t, led, fmt.Sprintf("u%d", i))
		barrier := &sync.WaitGroup{}
		barrier.Add(2)
		n.wait[jobs[ChannelEmail].Route.To], n.wait[jobs[ChannelSMS].Route.To] = barrier, barrier
		written := &sync.WaitGroup{}
		written.Add(2)
		led.wait[jobs[ChannelEmail].Key], led.wait[jobs[ChannelSMS].Key] = written, written
		all = append(all, jobs)
	}
	var wg sync.WaitGroup
	for _, jobs := range all {
		wg.Go(func() { email.Deliver(ctx, jobs[ChannelEmail], nil, 1) })
		wg.Go(func() { sms.Deliver(ctx, jobs[ChannelSMS], nil, 1) })
	}
	wg.Wait()
	for _, jobs := range all {
		marks := 0
		for _, ch := range []Channel{ChannelEmail, ChannelSMS} {
			e, _ := led.Get(ctx, jobs[ch].Key)
			switch e.State {
			case StateUnreachable:
				marks++
			case StateFailedPermanent:
			default:
				t.Errorf("%s %s: got %q, want failed_permanent or unreachable", jobs[ch].SubjectID, ch, e.State)
			}
		}
		if marks != 1 {
			t.Errorf("%s: got %d entries unreachable, want exactly 1", jobs[ChannelEmail].SubjectID, marks)
		}
	}
	c, _ := led.Counts(ctx, "INC-1")
	if got := c.Totals()[StateUnreachable]; got != people {
		t.Errorf("people unreachable: got %d, want %d", got, people)
	}
}
