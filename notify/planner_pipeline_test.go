package notify

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ledgerCheckingSink checks, for every job enqueued, that its notice is
// already in the ledger; block, when set, holds the first Enqueue until
// it is closed.
type ledgerCheckingSink struct {
	recordingSink
	ledger  Ledger
	block   chan struct{}
	once    sync.Once
	missing []string
}

func (s *ledgerCheckingSink) Enqueue(ctx context.Context, jobs ...Job) error {
	if s.block != nil {
		s.once.Do(func() { <-s.block })
	}
	for _, j := range jobs {
		if _, err := s.ledger.Get(ctx, j.Key); err != nil {
			s.mu.Lock()
			s.missing = append(s.missing, j.Key)
			s.mu.Unlock()
		}
	}
	return s.recordingSink.Enqueue(ctx, jobs...)
}

// signalRenderer renders like fakeRenderer and closes reached the first
// time it renders for person at.
type signalRenderer struct {
	at      string
	reached chan struct{}
	once    *sync.Once
}

func (r signalRenderer) Render(ctx context.Context, j *Job) (*Message, Rendering, error) {
	if j.SubjectID == r.at {
		r.once.Do(func() { close(r.reached) })
	}
	return fakeRenderer{}.Render(ctx, j)
}

func pipelinePeople(n int) People {
	return func(fn func(*Recipient) error) error {
		for i := range n {
			id := "u-" + strconv.Itoa(i)
			if err := fn(&Recipient{ID: id, Email: id + "@example.org"}); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestPlannerRendersWhileWriting: the next batch is rendered while the
// one before it is being written (ledger, queue), and still every job is
// published only after its ledger row exists.
func TestPlannerRendersWhileWriting(t *testing.T) {
	led := NewMemoryLedger()
	sink := &ledgerCheckingSink{ledger: led, block: make(chan struct{})}
	reached := make(chan struct{})
	// Person u-15 is in the second batch of 10: rendering them while the
	// first batch's Enqueue is held shows the two overlap.
	r := signalRenderer{at: "u-15", reached: reached, once: &sync.Once{}}
	overlapped := make(chan bool, 1)
	go func() {
		select {
		case <-reached:
			overlapped <- true
		case <-time.After(5 * time.Second):
			overlapped <- false
		}
		close(sink.block)
	}()
	p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: sink, Render: r, BatchSize: 10, Now: fixedNow}
	st, err := p.Run(context.Background(), Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}, pipelinePeople(95))
	if err != nil {
		t.Fatal(err)
	}
	if !<-overlapped {
		t.Fatal("the second batch was not rendered while the first was being enqueued")
	}
	if st.Notices != 95 || st.New != 95 || st.Queued != 95 || len(sink.jobs) != 95 {
		t.Errorf("got %d notices, %d new, %d queued, %d jobs; want 95 of each", st.Notices, st.New, st.Queued, len(sink.jobs))
	}
	if len(sink.missing) != 0 {
		t.Errorf("jobs enqueued before their ledger row: %v", sink.missing)
	}
}

// TestPlannerEnqueueFailureStopsRun: a batch that cannot be enqueued
// stops the campaign with the error, once nothing is in flight.
func TestPlannerEnqueueFailureStopsRun(t *testing.T) {
	sink := &recordingSink{failEnq: true}
	p := &Planner{Policy: DefaultPolicy(), Ledger: NewMemoryLedger(), Sink: sink, BatchSize: 10, Now: fixedNow}
	people := 0
	_, err := p.Run(context.Background(), Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}, func(fn func(*Recipient) error) error {
		return pipelinePeople(1000)(func(r *Recipient) error {
			people++
			return fn(r)
		})
	})
	if err == nil || !strings.Contains(err.Error(), "enqueue") {
		t.Fatalf("got %v, want the enqueue error", err)
	}
	// The batches in flight and the one being built, of 10 people each.
	if limit := (maxInflight + 1) * 10; people > limit {
		t.Errorf("planned %d people after the first batch failed, want the run stopped within %d (the batches in flight)", people, limit)
	}
	if errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want the sink's error", err)
	}
}

// signalLedger is a MemoryLedger that closes planned when Plan is called
// the second time.
type signalLedger struct {
	*MemoryLedger
	mu      sync.Mutex
	calls   int
	planned chan struct{}
}

func (l *signalLedger) Plan(ctx context.Context, entries []Entry) ([]bool, int, error) {
	l.mu.Lock()
	l.calls++
	if l.calls == 2 {
		close(l.planned)
	}
	l.mu.Unlock()
	return l.MemoryLedger.Plan(ctx, entries)
}

// TestPlannerPlansWhileEnqueueing: the ledger write of a batch does not
// wait for the queue to acknowledge the batch before it.
func TestPlannerPlansWhileEnqueueing(t *testing.T) {
	led := &signalLedger{MemoryLedger: NewMemoryLedger(), planned: make(chan struct{})}
	sink := &ledgerCheckingSink{ledger: led, block: make(chan struct{})}
	overlapped := make(chan bool, 1)
	go func() {
		select {
		case <-led.planned:
			overlapped <- true
		case <-time.After(5 * time.Second):
			overlapped <- false
		}
		close(sink.block)
	}()
	p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: sink, BatchSize: 10, Now: fixedNow}
	st, err := p.Run(context.Background(), Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}, pipelinePeople(45))
	if err != nil {
		t.Fatal(err)
	}
	if !<-overlapped {
		t.Fatal("the second batch was not planned in the ledger while the first was being enqueued")
	}
	if st.New != 45 || st.Queued != 45 || len(sink.missing) != 0 {
		t.Errorf("got %d new, %d queued, jobs without a ledger row %v; want 45, 45, none", st.New, st.Queued, sink.missing)
	}
}
