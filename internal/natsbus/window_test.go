package natsbus

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A window smaller than the messages published still stores every one of
// them, and never has more unacknowledged than its size.
func TestPublishWindowStoresEverything(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	w := NewPublishWindow(b.JetStream(), 7)
	const n = 100
	for i := range n {
		msg := &nats.Msg{Subject: b.Topics().Notice("email"), Data: []byte("x"), Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, "window-"+strconv.Itoa(i))
		if err := w.Publish(ctx, msg); err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
		if pending := w.sent - w.acked; pending > 7 {
			t.Fatalf("after message %d: %d unacknowledged, want at most 7", i, pending)
		}
	}
	if err := w.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if got := streamInfo(t, b, b.Streams().Notices).State.Msgs; got != n {
		t.Errorf("NOTICES holds %d messages, want %d", got, n)
	}
}

// A message no stream takes fails: Wait (or the Publish that waits for
// room) returns the acknowledgement's error.
func TestPublishWindowReportsAFailedAck(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w := NewPublishWindow(b.JetStream(), 2)
	var err error
	for i := 0; i < 3 && err == nil; i++ {
		err = w.Publish(ctx, &nats.Msg{Subject: "no.stream.here", Data: []byte("x")})
	}
	if err == nil {
		err = w.Wait(ctx)
	}
	if err == nil || ctx.Err() != nil {
		t.Fatalf("publish to a subject no stream takes: got %v (context %v), want the acknowledgement's error", err, ctx.Err())
	}
}
