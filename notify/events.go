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
func (w *Worker) publishAsync(ctx context.Context, log attemptLog, ev incident.NoticeOutcome) {
	ew := w.events
	select {
	case ew.slots <- struct{}{}:
	case <-ctx.Done():
		// Stopping: publish in this goroutine instead, as before the
		// window existed, rather than drop the event.
		w.publishRetrying(context.WithoutCancel(ctx), log, ev)
		return
	}
	ew.pending.Add(1)
	go func() {
		defer ew.pending.Done()
		defer func() { <-ew.slots }()
		w.publishRetrying(context.WithoutCancel(ctx), log, ev)
	}()
}

// publishRetrying publishes one event, retrying, then dead-letters it.
func (w *Worker) publishRetrying(ctx context.Context, log attemptLog, ev incident.NoticeOutcome) {
	pause := eventPause
	var err error
	for attempt := range eventAttempts {
		if attempt > 0 {
			time.Sleep(pause)
			pause *= 2
		}
		actx, cancel := context.WithTimeout(ctx, eventTimeout)
		err = w.sink.Event(actx, ev)
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
