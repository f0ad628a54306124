package natsbus

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// startRunner runs a runner on the EVENTS stream of b and returns it with a
// stop function that waits for Run to return.
func startRunner(t *testing.T, b *Bus, h Handler) (*Runner, func()) {
	t.Helper()
	r, err := b.NewRunner(RunnerConfig{
		Stream:        b.Streams().Events,
		Consumer:      jetstream.ConsumerConfig{Durable: "test-runner", FilterSubject: b.Topics().Event("INC-1", "ping"), AckWait: 2 * time.Second, MaxDeliver: 3},
		Workers:       2,
		Deadletter:    b.Topics().Deadletter("test"),
		NakDelay:      50 * time.Millisecond,
		CheckEvery:    100 * time.Millisecond,
		DeletedNotice: time.Second,
	}, h, quietLog())
	if err != nil {
		t.Fatalf("NewRunner: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitFor(t, "runner healthy", func() bool { return r.Health(ctx) == nil })
	return r, func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: got %v, want nil after cancel", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return 20s after cancel")
		}
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func publishPings(t *testing.T, b *Bus, n int, from int) {
	t.Helper()
	for i := range n {
		if err := b.PublishEvent(context.Background(), "INC-1", "ping", map[string]int{"n": from + i}); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
}

// TestRunnerRecreatesADeletedConsumer: deleting the consumer under a
// running runner makes Health name it, then the runner re-creates it and
// messages published meanwhile are delivered.
func TestRunnerRecreatesADeletedConsumer(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	var got atomic.Int64
	r, stop := startRunner(t, b, func(ctx context.Context, m jetstream.Msg) {
		got.Add(1)
		_ = m.Ack()
	})
	defer stop()
	publishPings(t, b, 3, 0)
	waitFor(t, "3 deliveries", func() bool { return got.Load() == 3 })

	if err := b.JetStream().DeleteConsumer(context.Background(), b.Streams().Events, "test-runner"); err != nil {
		t.Fatalf("DeleteConsumer: %v", err)
	}
	sawUnhealthy := false
	waitFor(t, "health to name the deleted consumer", func() bool {
		err := r.Health(context.Background())
		if err != nil && strings.Contains(err.Error(), "test-runner") && errors.Is(err, ErrConsumerUnhealthy) {
			sawUnhealthy = true
		}
		return sawUnhealthy
	})
	waitFor(t, "health back after re-creating", func() bool { return r.Health(context.Background()) == nil })
	publishPings(t, b, 2, 3)
	// The re-created consumer delivers everything in the stream again
	// (DeliverAll): at least the two new ones arrive.
	waitFor(t, "deliveries after re-creation", func() bool { return got.Load() >= 5 })
}

// TestRunnerReportsAPausedConsumer: a paused consumer fails Health with its
// name; resuming it makes the runner healthy and delivering again.
func TestRunnerReportsAPausedConsumer(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	var got atomic.Int64
	r, stop := startRunner(t, b, func(ctx context.Context, m jetstream.Msg) {
		got.Add(1)
		_ = m.Ack()
	})
	defer stop()
	ctx := context.Background()
	if _, err := b.JetStream().PauseConsumer(ctx, b.Streams().Events, "test-runner", time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("PauseConsumer: %v", err)
	}
	waitFor(t, "health to report the pause", func() bool {
		err := r.Health(ctx)
		return err != nil && strings.Contains(err.Error(), "test-runner") && strings.Contains(err.Error(), "paused")
	})
	publishPings(t, b, 2, 0)
	time.Sleep(300 * time.Millisecond)
	if n := got.Load(); n != 0 {
		t.Fatalf("deliveries while paused: got %d, want 0", n)
	}
	if _, err := b.JetStream().ResumeConsumer(ctx, b.Streams().Events, "test-runner"); err != nil {
		t.Fatalf("ResumeConsumer: %v", err)
	}
	waitFor(t, "health after resume", func() bool { return r.Health(ctx) == nil })
	waitFor(t, "deliveries after resume", func() bool { return got.Load() == 2 })
}

// TestRunnerDeadLettersAPanic: a handler that panics does not crash the
// process; the message is copied to the dead-letter subject with the reason
// and not redelivered.
func TestRunnerDeadLettersAPanic(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	var calls atomic.Int64
	_, stop := startRunner(t, b, func(ctx context.Context, m jetstream.Msg) {
		calls.Add(1)
		panic("boom")
	})
	defer stop()
	publishPings(t, b, 1, 0)
	dl := deadletters(t, b, 1)
	if got := dl[0].Headers().Get(HeaderError); !strings.Contains(got, "panic") || !strings.Contains(got, "boom") {
		t.Errorf("dead letter reason: got %q, want the panic named", got)
	}
	time.Sleep(300 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("handler calls: got %d, want 1 (terminated after the panic)", n)
	}
}

// TestRunnerFailGivesUpOnTheLastDelivery: Fail redelivers a temporary
// failure with a delay until the consumer's MaxDeliver, then dead-letters
// it naming the number of deliveries.
func TestRunnerFailGivesUpOnTheLastDelivery(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	var calls atomic.Int64
	var r *Runner
	r, stop := startRunner(t, b, func(ctx context.Context, m jetstream.Msg) {
		calls.Add(1)
		r.Fail(ctx, m, errors.New("store down"), false)
	})
	defer stop()
	publishPings(t, b, 1, 0)
	dl := deadletters(t, b, 1)
	if got := dl[0].Headers().Get(HeaderError); !strings.Contains(got, "gave up after 3 deliveries: store down") {
		t.Errorf("dead letter reason: got %q", got)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("handler calls: got %d, want 3 (MaxDeliver)", n)
	}
}

func deadletters(t *testing.T, b *Bus, n int) []jetstream.Msg {
	t.Helper()
	ctx := context.Background()
	cons, err := b.JetStream().CreateOrUpdateConsumer(ctx, b.Streams().Deadletter, jetstream.ConsumerConfig{AckPolicy: jetstream.AckNonePolicy})
	if err != nil {
		t.Fatalf("dead-letter consumer: %v", err)
	}
	var out []jetstream.Msg
	deadline := time.Now().Add(15 * time.Second)
	for len(out) < n && time.Now().Before(deadline) {
		batch, err := cons.Fetch(n-len(out), jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			t.Fatalf("fetch dead letters: %v", err)
		}
		for m := range batch.Messages() {
			out = append(out, m)
		}
	}
	if len(out) < n {
		t.Fatalf("dead letters: got %d, want %d", len(out), n)
	}
	return out
}
