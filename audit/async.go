package audit

import (
	"context"
	"sync/atomic"
	"time"
)

// Async appends events to a log off the caller's path, through a bounded
// queue: Submit never blocks, and an event that finds the queue full is
// dropped and reported to OnDrop. For entries that must never slow what
// they record (a rejected notice must be dead-lettered whatever the audit
// log does); an entry that must exist before an answer is given is
// appended with Log.Append instead.
type Async struct {
	log   *Log
	queue chan Event
	// OnDrop, when set, is called with each event dropped (queue full) or
	// not written (the append failed) and why; it must not block.
	OnDrop  func(ev Event, err error)
	dropped atomic.Uint64
}

// NewAsync returns an Async over log holding at most size pending events.
func NewAsync(log *Log, size int) *Async {
	return &Async{log: log, queue: make(chan Event, max(size, 1))}
}

// errQueueFull is what OnDrop is told for an event that found the queue
// full.
type errQueueFull struct{}

func (errQueueFull) Error() string { return "audit queue full" }

// Submit queues ev and reports whether it was queued.
func (a *Async) Submit(ev Event) bool {
	select {
	case a.queue <- ev:
		return true
	default:
		a.drop(ev, errQueueFull{})
		return false
	}
}

// Dropped counts the events dropped or not written so far.
func (a *Async) Dropped() uint64 { return a.dropped.Load() }

func (a *Async) drop(ev Event, err error) {
	a.dropped.Add(1)
	if a.OnDrop != nil {
		a.OnDrop(ev, err)
	}
}

// Run appends queued events until ctx ends, then for up to drain more
// appends what is still queued, and returns.
func (a *Async) Run(ctx context.Context, drain time.Duration) {
	for {
		select {
		case ev := <-a.queue:
			// Taken from the queue, the event is written even when ctx
			// ends meanwhile (select picks either ready case): a write
			// is bounded by drain, not cut short by the stop.
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drain)
			a.write(wctx, ev)
			cancel()
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drain)
			defer cancel()
			for {
				select {
				case ev := <-a.queue:
					a.write(dctx, ev)
				default:
					return
				}
			}
		}
	}
}

func (a *Async) write(ctx context.Context, ev Event) {
	if _, err := a.log.Append(ctx, ev); err != nil {
		a.drop(ev, err)
	}
}
