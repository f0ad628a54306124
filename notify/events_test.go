package notify

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
)

// gatedSink is a recordingSink whose event publishes wait for gate and
// fail while failures is above 0.
type gatedSink struct {
	recordingSink
	gate     chan struct{}
	mu       sync.Mutex
	failures int
	tries    int
}

func (s *gatedSink) Event(ctx context.Context, ev incident.NoticeOutcome) error {
	if s.gate != nil {
		<-s.gate
	}
	s.mu.Lock()
	s.tries++
	fail := s.failures > 0
	if fail {
		s.failures--
	}
	s.mu.Unlock()
	if fail {
		return errors.New("nats: timeout")
	}
	return s.recordingSink.Event(ctx, ev)
}

// countingRepublisher is a gatedSink that is also a Republisher, and
// counts the calls of each kind.
type countingRepublisher struct {
	gatedSink
	firsts, agains int
}

func (s *countingRepublisher) Event(ctx context.Context, ev incident.NoticeOutcome) error {
	s.mu.Lock()
	s.firsts++
	s.mu.Unlock()
	return s.gatedSink.Event(ctx, ev)
}

func (s *countingRepublisher) Republish(ctx context.Context, ev incident.NoticeOutcome) error {
	s.mu.Lock()
	s.agains++
	s.mu.Unlock()
	return s.gatedSink.Event(ctx, ev)
}

// TestEventRepublishedIsNotANewOutcome: an event is handed to the sink as
// a new outcome once; the retries of its publish, and its publication
// again when the notice's message comes back after it was recorded, are
// republications (the service counts outcomes on the first only).
func TestEventRepublishedIsNotANewOutcome(t *testing.T) {
	sink := &countingRepublisher{gatedSink: gatedSink{failures: 2}}
	w, job := windowWorker(t, sink)
	w.Deliver(context.Background(), job, nil, 1)
	if err := w.WaitEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sink.firsts != 1 || sink.agains != 2 {
		t.Errorf("after two failed publishes: got %d new and %d again, want 1 and 2", sink.firsts, sink.agains)
	}
	// The message comes again (a redelivery after a stop between the
	// record and the acknowledgement): its event is republished.
	w.cfg.Tickets = mustTickets(t, testSecret)
	if d := w.Handle(context.Background(), w.cfg.Tickets.Seal(job.Key), 2); d.Action != Ack {
		t.Fatalf("Handle of the redelivered message: got %v (%s), want Ack", d.Action, d.Reason)
	}
	if err := w.WaitEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sink.firsts != 1 || sink.agains != 3 {
		t.Errorf("after the redelivery: got %d new and %d again, want 1 and 3", sink.firsts, sink.agains)
	}
}

func (s *gatedSink) recorded() ([]string, []string) {
	s.recordingSink.mu.Lock()
	defer s.recordingSink.mu.Unlock()
	return append([]string(nil), s.events...), append([]string(nil), s.dead...)
}

func windowWorker(t *testing.T, sink Sink) (*Worker, Job) {
	t.Helper()
	led := NewMemoryLedger()
	n := &scriptNotifier{script: map[string][]error{}, sent: map[string]int{}}
	w := NewWorker(WorkerConfig{Channel: ChannelEmail, MaxDeliver: 3, EventWindow: 2}, n, led, fakeRenderer{}, sink, logging.Discard(), fixedNow)
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelEmail, To: "a@example.org"}, nil)
	if _, _, err := led.Plan(context.Background(), []Entry{job.Entry()}); err != nil {
		t.Fatal(err)
	}
	return w, job
}

// TestEventWindowDoesNotHoldTheDelivery: with an event window, Deliver
// answers before the bus has the notice.sent event, and WaitEvents
// returns once it has.
func TestEventWindowDoesNotHoldTheDelivery(t *testing.T) {
	sink := &gatedSink{gate: make(chan struct{})}
	w, job := windowWorker(t, sink)
	if d := w.Deliver(context.Background(), job, nil, 1); d.Action != Ack {
		t.Fatalf("Deliver: got %v (%s), want Ack", d.Action, d.Reason)
	}
	if ev, _ := sink.recorded(); len(ev) != 0 {
		t.Fatalf("got events %v before the bus answered, want none yet", ev)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.WaitEvents(ctx); err == nil {
		t.Error("WaitEvents with an event in flight and a cancelled context: got nil, want an error")
	}
	close(sink.gate)
	if err := w.WaitEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ev, _ := sink.recorded(); len(ev) != 1 || ev[0] != "notice.sent" {
		t.Errorf("got events %v, want [notice.sent]", ev)
	}
}

// TestEventWindowRetries: a publish that fails is tried again.
func TestEventWindowRetries(t *testing.T) {
	sink := &gatedSink{failures: eventAttempts - 1}
	w, job := windowWorker(t, sink)
	w.Deliver(context.Background(), job, nil, 1)
	if err := w.WaitEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ev, dead := sink.recorded(); len(ev) != 1 || len(dead) != 0 {
		t.Errorf("got events %v and dead letters %v, want one event after %d failures, no dead letter", ev, dead, eventAttempts-1)
	}
}

// TestEventWindowDeadLetters: a publish that keeps failing is
// dead-lettered on stage events, never dropped silently.
func TestEventWindowDeadLetters(t *testing.T) {
	sink := &gatedSink{failures: eventAttempts}
	w, job := windowWorker(t, sink)
	w.Deliver(context.Background(), job, nil, 1)
	if err := w.WaitEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	ev, dead := sink.recorded()
	if len(ev) != 0 || len(dead) != 1 || !strings.HasPrefix(dead[0], "events: publish event notice.sent") {
		t.Errorf("got events %v and dead letters %q, want none and one on stage events", ev, dead)
	}
	if sink.tries != eventAttempts {
		t.Errorf("got %d tries, want %d", sink.tries, eventAttempts)
	}
}
