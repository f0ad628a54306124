package natsbus

import (
	"context"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// PublishWindow publishes to JetStream asynchronously with at most a fixed
// number of messages unacknowledged, waiting for the oldest
// acknowledgement before it goes past. The client itself refuses an
// asynchronous publish past its own limit (4,000 unacknowledged) after a
// 200 ms stall instead of waiting, so a publisher that may meet a slow
// moment of the cluster, or that runs beside others on one connection,
// keeps its own smaller window. Not safe for concurrent use: one per
// publishing goroutine.
type PublishWindow struct {
	js      jetstream.JetStream
	futures []jetstream.PubAckFuture // a ring of size cap
	sent    int
	acked   int
}

// NewPublishWindow returns a window of size unacknowledged messages (at
// least 1) on js.
func NewPublishWindow(js jetstream.JetStream, size int) *PublishWindow {
	return &PublishWindow{js: js, futures: make([]jetstream.PubAckFuture, max(size, 1))}
}

// Publish publishes msg once the window has room; it returns the error of
// an earlier message's acknowledgement when waiting for room meets one.
func (w *PublishWindow) Publish(ctx context.Context, msg *nats.Msg) error {
	if w.sent-w.acked == len(w.futures) {
		if err := w.waitOldest(ctx); err != nil {
			return err
		}
	}
	f, err := w.js.PublishMsgAsync(msg)
	if err != nil {
		return err
	}
	w.futures[w.sent%len(w.futures)] = f
	w.sent++
	return nil
}

// Wait waits until every message published is acknowledged; it returns
// the first failed acknowledgement.
func (w *PublishWindow) Wait(ctx context.Context) error {
	for w.acked < w.sent {
		if err := w.waitOldest(ctx); err != nil {
			return err
		}
	}
	return nil
}

// waitOldest takes the acknowledgement of the oldest message not yet seen.
func (w *PublishWindow) waitOldest(ctx context.Context) error {
	i := w.acked % len(w.futures)
	f := w.futures[i]
	w.futures[i] = nil
	w.acked++
	select {
	case <-f.Ok():
		return nil
	case err := <-f.Err():
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
