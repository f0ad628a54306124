package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/breach-notify/breach/incident"
)

// Publisher publishes one lifecycle event of the catalogue. natsbus.Bus
// implements it.
type Publisher interface {
	Publish(ctx context.Context, ev incident.Event) error
}

// Retrying returns a Publisher that tries p up to attempts times, waiting
// delay, then twice as long, between tries. The event's key makes a retry
// of a publication that did reach the stream a duplicate, so retrying
// never stores an event twice.
func Retrying(p Publisher, attempts int, delay time.Duration) Publisher {
	return retrying{p: p, attempts: max(1, attempts), delay: delay}
}

type retrying struct {
	p        Publisher
	attempts int
	delay    time.Duration
}

func (r retrying) Publish(ctx context.Context, ev incident.Event) error {
	var err error
	d := r.delay
	for i := range r.attempts {
		if err = r.p.Publish(ctx, ev); err == nil {
			return nil
		}
		if errors.Is(err, context.Canceled) || i == r.attempts-1 {
			break
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("publish %s event of %s: %w (last error: %v)", ev.EventKind(), ev.EventIncident(), ctx.Err(), err)
		case <-t.C:
		}
		d *= 2
	}
	return fmt.Errorf("publish %s event of %s after %d attempts: %w", ev.EventKind(), ev.EventIncident(), r.attempts, err)
}
