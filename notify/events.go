package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/breach-notify/breach/incident"
)

// eventWindow publishes a worker's lifecycle events (notice.sent, …) in
// the background, so that a delivery does not wait for the bus's
// acknowledgement of its event: at most cap(slots) events are in flight,
// and a worker with the window full waits for a slot. A publish that fails
// is retried (eventAttempts in all, with a growing pause); one that still
// fails is dead-lettered on stage "events" with its payload, and only when
// that fails too is it left to the log. Worker.WaitEvents waits for what
// is in flight, so that a stopping service does not close the bus under
// it.
type eventWindow struct {
	slots   chan struct{}
	pending sync.WaitGroup
}

// eventAttempts is how many times a background event publish is tried
// before it is dead-lettered; eventPause is the pause after the first
// failure, doubled after each.
const (
	eventAttempts = 4
	eventPause    = 100 * time.Millisecond
	// eventTimeout bounds one background publish.
	eventTimeout = 10 * time.Second
)

// publish hands one event to the window, waiting for a free slot (or
// ctx).
func (w *Worker) publishAsync(ctx context.Context, log attemptLog, ev incident.NoticeOutcome, again bool) {
	ew := w.events
	select {
	case ew.slots <- struct{}{}:
	case <-ctx.Done():
		// Stopping: publish in this goroutine instead, as before the
		// window existed, rather than drop the event.
		w.publishRetrying(context.WithoutCancel(ctx), log, ev, again)
		return
	}
	ew.pending.Add(1)
	go func() {
		defer ew.pending.Done()
		defer func() { <-ew.slots }()
		w.publishRetrying(context.WithoutCancel(ctx), log, ev, again)
	}()
}

// publishRetrying publishes one event, retrying, then dead-letters it;
// again says it was published before (see publishOnce).
func (w *Worker) publishRetrying(ctx context.Context, log attemptLog, ev incident.NoticeOutcome, again bool) {
	pause := eventPause
	var err error
	for attempt := range eventAttempts {
		if attempt > 0 {
			time.Sleep(pause)
			pause *= 2
		}
		actx, cancel := context.WithTimeout(ctx, eventTimeout)
		err = w.publishOnce(actx, ev, again || attempt > 0)
		cancel()
		if err == nil {
			return
		}
	}
	body, merr := json.Marshal(map[string]any{"incident": ev.Incident, "kind": ev.Kind, "payload": ev})
	if merr == nil {
		merr = w.sink.DeadLetter(ctx, "events", body, fmt.Sprintf("publish event %s after %d attempts: %v", ev.Kind, eventAttempts, err))
	}
	if merr != nil {
		log.entry().WithError(errors.Join(err, merr)).Error("event could not be published nor dead-lettered")
		return
	}
	log.entry().WithError(err).Warn("event could not be published; dead-lettered on stage events")
}

// Republisher is a Sink that can publish a notice event again without it
// being a new outcome: a worker's retry of a publish that failed, or the
// event of a notice whose message came again after it was recorded. (The
// service's sink counts outcomes in breach_notices_total once, as they
// happen, whether or not the bus takes the event.) A Sink that is not one
// gets Event again.
type Republisher interface {
	Republish(ctx context.Context, ev incident.NoticeOutcome) error
}

// publishOnce makes one attempt at publishing ev: as a new outcome
// (Sink.Event), or, when again, as one handed to the sink before.
func (w *Worker) publishOnce(ctx context.Context, ev incident.NoticeOutcome, again bool) error {
	if r, ok := w.sink.(Republisher); ok && again {
		return r.Republish(ctx, ev)
	}
	return w.sink.Event(ctx, ev)
}

// WaitEvents waits until the events the worker publishes in the
// background (WorkerConfig.EventWindow) are published or dead-lettered,
// or until ctx ends. Call it after the worker's consumer has stopped and
// before the bus is closed.
func (w *Worker) WaitEvents(ctx context.Context) error {
	if w.events == nil {
		return nil
	}
	done := make(chan struct{})
	go func() {
		w.events.pending.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s worker: events still being published: %w", w.cfg.Channel, ctx.Err())
	}
}
