// Package queue carries notice jobs over the NOTICES work-queue stream of
// JetStream: a Sink that enqueues jobs (Nats-Msg-Id = the notice's
// idempotency key, so a replanned notice is queued once), publishes
// lifecycle events and dead letters, and a Consumer per channel that feeds a
// notify.Worker with bounded concurrency and maps its decisions onto Ack and
// NakWithDelay.
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/notify"
)

// Sink implements notify.Sink on a natsbus.Bus.
type Sink struct {
	bus *natsbus.Bus
}

var _ notify.Sink = (*Sink)(nil)

// NewSink returns a Sink publishing on bus.
func NewSink(bus *natsbus.Bus) *Sink { return &Sink{bus: bus} }

// Enqueue publishes jobs asynchronously and waits until JetStream has
// stored every one (or reported it a duplicate).
func (s *Sink) Enqueue(ctx context.Context, jobs ...notify.Job) error {
	js := s.bus.JetStream()
	futures := make([]jetstream.PubAckFuture, 0, len(jobs))
	for i := range jobs {
		body, err := json.Marshal(&jobs[i])
		if err != nil {
			return fmt.Errorf("enqueue notice: encode: %w", err)
		}
		msg := &nats.Msg{Subject: s.bus.Subjects().Notice(string(jobs[i].Route.Channel)), Data: body, Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, jobs[i].Key)
		msg.Header.Set(natsbus.HeaderIncident, jobs[i].IncidentID)
		f, err := js.PublishMsgAsync(msg)
		if err != nil {
			return fmt.Errorf("enqueue notice: %w", err)
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("enqueue notice: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Event publishes a lifecycle event, deduplicated by the payload's "key"
// when it has one.
func (s *Sink) Event(ctx context.Context, incidentID, kind string, payload any) error {
	var opts []natsbus.EventOption
	if m, ok := payload.(map[string]any); ok {
		if k, ok := m["key"].(string); ok {
			opts = append(opts, natsbus.EventKey(k))
		}
	}
	return s.bus.PublishEvent(ctx, incidentID, kind, payload, opts...)
}

// DeadLetter keeps data on <prefix>.deadletter.<stage> with the reason in
// the Breach-Error header.
func (s *Sink) DeadLetter(ctx context.Context, stage string, data []byte, reason string) error {
	msg := &nats.Msg{Subject: s.bus.Subjects().Deadletter(stage), Data: data, Header: nats.Header{}}
	msg.Header.Set(natsbus.HeaderError, natsbus.HeaderValue(reason))
	if _, err := s.bus.JetStream().PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("dead-letter %s: %w", stage, err)
	}
	return nil
}

// ConsumerConfig configures one channel's consumer.
type ConsumerConfig struct {
	Channel     notify.Channel
	Concurrency int
	// AckWait is how long JetStream waits for a sign of life before it
	// redelivers a notice (30s). Held notices are kept alive, so in
	// practice it is the delay before a crashed process's notices are
	// picked up again.
	AckWait time.Duration
	// MaxDeliver is the server-side backstop; Consume raises it to at least
	// twice the worker's own limit.
	MaxDeliver int
}

// Consume runs a durable consumer "notify-<channel>" on the NOTICES stream
// until ctx is cancelled, handing each job to w. In-flight deliveries finish
// before it returns.
func Consume(ctx context.Context, bus *natsbus.Bus, cfg ConsumerConfig, w *notify.Worker, log *logrus.Entry) error {
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 4
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = 30 * time.Second // held notices are kept alive; this is the wait after a crash
	}
	// The server's redelivery limit must stay above the worker's own, or
	// JetStream would stop redelivering a notice the worker still retries.
	cfg.MaxDeliver = max(cfg.MaxDeliver, 20, 2*w.MaxDeliver())
	if w.GiveUpAfter() > 0 {
		cfg.MaxDeliver = -1 // the worker decides by time: never strand a notice server-side
	}
	name := "notify-" + string(cfg.Channel)
	cons, err := bus.JetStream().CreateOrUpdateConsumer(ctx, bus.Streams().Notices, jetstream.ConsumerConfig{
		Durable:       name,
		FilterSubject: bus.Subjects().Notice(string(cfg.Channel)),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		MaxDeliver:    cfg.MaxDeliver,
		MaxAckPending: cfg.Concurrency * 4, // = the work channel's capacity
	})
	if err != nil {
		return fmt.Errorf("consume %s notices: %w", cfg.Channel, err)
	}
	// Every message received is kept alive with InProgress until it is
	// handled, whether it waits for a worker or for the provider's rate
	// limit: JetStream never redelivers a notice this process still holds,
	// so a slow provider cannot cause a second send. Only a crash lets a
	// held notice go back to the queue.
	pending := cfg.Concurrency * 4
	work := make(chan jetstream.Msg, pending)
	live := newHeld()
	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range work {
				if ctx.Err() != nil {
					// Shutting down: a notice not started yet goes back
					// to the queue instead of through the rate limit.
					_ = m.Nak()
					live.remove(m)
					continue
				}
				handle(context.WithoutCancel(ctx), m, w, bus, cfg.Channel, log)
				live.remove(m)
			}
		}()
	}
	stopBeat := make(chan struct{})
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-stopBeat:
				return
			case <-t.C:
				live.each(func(m jetstream.Msg) { _ = m.InProgress() })
			}
		}
	}()
	cc, err := cons.Consume(func(m jetstream.Msg) {
		live.add(m)
		work <- m // never blocks: MaxAckPending bounds what the server hands out
	}, jetstream.PullMaxMessages(cfg.Concurrency), jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		if !errors.Is(err, jetstream.ErrNoHeartbeat) {
			log.WithError(err).Debug("notice consumer")
		}
	}))
	if err != nil {
		close(work)
		wg.Wait()
		close(stopBeat)
		return fmt.Errorf("consume %s notices: %w", cfg.Channel, err)
	}
	<-ctx.Done()
	cc.Drain()
	<-cc.Closed()
	close(work)
	wg.Wait()
	close(stopBeat)
	<-beatDone
	return nil
}

// held is the set of messages received and not yet handled.
type held struct {
	mu sync.Mutex
	m  map[jetstream.Msg]struct{}
}

func newHeld() *held { return &held{m: map[jetstream.Msg]struct{}{}} }

func (h *held) add(m jetstream.Msg) {
	h.mu.Lock()
	h.m[m] = struct{}{}
	h.mu.Unlock()
}

func (h *held) remove(m jetstream.Msg) {
	h.mu.Lock()
	delete(h.m, m)
	h.mu.Unlock()
}

func (h *held) each(fn func(jetstream.Msg)) {
	h.mu.Lock()
	ms := make([]jetstream.Msg, 0, len(h.m))
	for m := range h.m {
		ms = append(ms, m)
	}
	h.mu.Unlock()
	for _, m := range ms {
		fn(m)
	}
}

func handle(ctx context.Context, m jetstream.Msg, w *notify.Worker, bus *natsbus.Bus, channel notify.Channel, log *logrus.Entry) {
	delivered := 1
	if md, err := m.Metadata(); err == nil {
		delivered = int(md.NumDelivered)
	}
	defer func() {
		if r := recover(); r != nil {
			// A notice that crashes its worker is kept with the reason
			// instead of crashing every process that picks it up.
			reason := fmt.Sprintf("internal error while delivering (panic): %v", r)
			if err := natsbus.PublishDeadletter(ctx, bus.JetStream(), bus.Subjects().Deadletter(string(channel)), m, reason); err != nil {
				_ = m.NakWithDelay(time.Minute)
				return
			}
			log.Error("a notice crashed its worker; dead-lettered")
			_ = bus.Term(m, "panic while delivering")
		}
	}()
	job, err := notify.DecodeJob(m.Data())
	if err != nil {
		// A job nobody can read is kept with its reason, then removed.
		if dlErr := natsbus.PublishDeadletter(ctx, bus.JetStream(), bus.Subjects().Deadletter(string(channel)), m, err.Error()); dlErr != nil {
			log.WithError(dlErr).Warn("dead-letter unreadable notice job")
			_ = m.NakWithDelay(5 * time.Second)
			return
		}
		log.WithError(err).Warn("unreadable notice job dead-lettered")
		bus.Term(m, "unreadable notice job")
		return
	}
	d := w.Deliver(ctx, job, m.Data(), delivered)
	switch d.Action {
	case notify.Ack:
		if err := m.DoubleAck(ctx); err != nil {
			log.WithError(err).WithField("notice", job.Key).Warn("ack notice")
		}
	case notify.Retry:
		if err := m.NakWithDelay(d.Delay); err != nil {
			log.WithError(err).WithField("notice", job.Key).Warn("nak notice")
		}
	}
}
