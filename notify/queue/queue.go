// Package queue carries notices over the NOTICES work-queue stream of
// JetStream: a Sink that enqueues them (Nats-Msg-Id = the notice's
// idempotency key, so a replanned notice is queued once), publishes
// lifecycle events and dead letters, and a Consumer per channel that feeds a
// notify.Worker with bounded concurrency and maps its decisions onto Ack and
// NakWithDelay. A NOTICES message is a ticket (notify.Tickets): the notice
// key and a MAC over it, no personal data; the worker reads everything
// else from the ledger.
package queue

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/notify"
)

// Sink implements notify.Sink on a natsbus.Bus.
type Sink struct {
	bus     *natsbus.Bus
	tickets *notify.Tickets
}

var _ notify.Sink = (*Sink)(nil)

// SinkOption configures a Sink.
type SinkOption func(*Sink)

// WithTickets seals each enqueued notice's key with t; the workers open
// them with the same notice key (notify.WorkerConfig.Tickets). A Sink
// without tickets refuses to enqueue.
func WithTickets(t *notify.Tickets) SinkOption { return func(s *Sink) { s.tickets = t } }

// NewSink returns a Sink publishing on bus.
func NewSink(bus *natsbus.Bus, opts ...SinkOption) *Sink {
	s := &Sink{bus: bus}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ErrNoTickets means a Sink was built without WithTickets.
var ErrNoTickets = errors.New("enqueue notice: no notice key to seal notice tickets (queue.WithTickets)")

// Enqueue publishes the tickets of jobs asynchronously and waits until
// JetStream has stored every one (or reported it a duplicate). The jobs
// themselves must already be in the ledger: only their keys travel.
func (s *Sink) Enqueue(ctx context.Context, jobs ...notify.Job) error {
	if s.tickets == nil {
		return ErrNoTickets
	}
	w := natsbus.NewPublishWindow(s.bus.JetStream(), enqueueWindow)
	for i := range jobs {
		body := s.tickets.Seal(jobs[i].Key)
		msg := &nats.Msg{Subject: s.bus.Topics().Notice(string(jobs[i].Route.Channel)), Data: body, Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, jobs[i].Key)
		msg.Header.Set(natsbus.HeaderIncident, jobs[i].IncidentID)
		if err := w.Publish(ctx, msg); err != nil {
			return fmt.Errorf("enqueue notice: %w", err)
		}
	}
	if err := w.Wait(ctx); err != nil {
		return fmt.Errorf("enqueue notice: %w", err)
	}
	return nil
}

// enqueueWindow bounds one Enqueue call's unacknowledged publishes: the
// planner enqueues several batches at once (natsbus.PublishWindow says
// why the client's own limit must not be reached); four calls at once stay
// at half of it.
const enqueueWindow = 512

// Event publishes a notice event on <prefix>.event.<incident>.<kind>,
// deduplicated by the notice's key and state.
func (s *Sink) Event(ctx context.Context, ev incident.NoticeOutcome) error {
	return s.bus.Publish(ctx, ev)
}

// DeadLetter keeps data on <prefix>.deadletter.<stage> with the reason in
// the Breach-Error header.
func (s *Sink) DeadLetter(ctx context.Context, stage string, data []byte, reason string) error {
	msg := &nats.Msg{Subject: s.bus.Topics().Deadletter(stage), Data: data, Header: nats.Header{}}
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

// NewConsumer returns the runner of the durable consumer
// "notify-<channel>" on the NOTICES stream, handing each job to w. Run it
// with Run; its Health names the consumer when it is deleted (it is then
// re-created) or paused.
func NewConsumer(bus *natsbus.Bus, cfg ConsumerConfig, w *notify.Worker, log *logrus.Entry) (*natsbus.Runner, *Stopping, error) {
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
	if log == nil {
		log = logging.Discard()
	}
	stopping := &Stopping{}
	deadletter := bus.Topics().Deadletter(string(cfg.Channel))
	var r *natsbus.Runner
	r, err := bus.NewRunner(natsbus.RunnerConfig{
		Stream: bus.Streams().Notices,
		Consumer: jetstream.ConsumerConfig{
			Durable:       "notify-" + string(cfg.Channel),
			Description:   "breach notices: " + string(cfg.Channel),
			FilterSubject: bus.Topics().Notice(string(cfg.Channel)),
			AckWait:       cfg.AckWait,
			MaxDeliver:    cfg.MaxDeliver,
			MaxAckPending: cfg.Concurrency * 4,
		},
		Workers:    cfg.Concurrency,
		Deadletter: deadletter,
	}, func(ctx context.Context, m jetstream.Msg) {
		if stopping.stopped() {
			// Shutting down: a notice not started yet goes back to the
			// queue instead of through the rate limit.
			_ = m.Nak()
			return
		}
		handle(ctx, m, w, log)
	}, log)
	if err != nil {
		return nil, nil, fmt.Errorf("consume %s notices: %w", cfg.Channel, err)
	}
	return r, stopping, nil
}

// Stopping tells a notice consumer that the service is stopping, so that
// notices delivered but not started go back to the queue at once.
type Stopping struct{ flag atomic.Bool }

// Stop marks the consumer as stopping.
func (s *Stopping) Stop() { s.flag.Store(true) }

func (s *Stopping) stopped() bool { return s != nil && s.flag.Load() }

// Consume runs the consumer of NewConsumer until ctx is cancelled. In-flight
// deliveries finish before it returns, their acknowledgements reach the
// server and the worker's background events are published (Flush); those
// not started go back to the queue.
func Consume(ctx context.Context, bus *natsbus.Bus, cfg ConsumerConfig, w *notify.Worker, log *logrus.Entry) error {
	r, stopping, err := NewConsumer(bus, cfg, w, log)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, stopping.Stop)
	defer stop()
	if err := r.Run(ctx); err != nil {
		return err
	}
	return Flush(context.WithoutCancel(ctx), bus, w)
}

// flushTimeout bounds Flush.
const flushTimeout = 20 * time.Second

// Flush waits, after a notice consumer has stopped, until worker w's
// background events are published and the server has every
// acknowledgement the consumer sent (acks are not confirmed one by one).
func Flush(ctx context.Context, bus *natsbus.Bus, w *notify.Worker) error {
	ctx, cancel := context.WithTimeout(ctx, flushTimeout)
	defer cancel()
	if err := w.WaitEvents(ctx); err != nil {
		return err
	}
	if err := bus.Conn().FlushWithContext(ctx); err != nil {
		return fmt.Errorf("flush notice acknowledgements: %w", err)
	}
	return nil
}

func handle(ctx context.Context, m jetstream.Msg, w *notify.Worker, log *logrus.Entry) {
	delivered := 1
	if md, err := m.Metadata(); err == nil {
		delivered = int(md.NumDelivered)
	}
	// The worker opens the ticket, reads the notice from the ledger and
	// dead-letters what it rejects.
	d := w.Handle(ctx, m.Data(), delivered)
	switch d.Action {
	case notify.Ack:
		// Not DoubleAck: the outcome is already in the ledger, so an ack
		// the server never gets only means a redelivery, which the
		// worker acknowledges without sending (it finds the notice
		// final). Waiting for the server's confirmation would hold the
		// worker for a round trip per notice.
		if err := m.Ack(); err != nil {
			log.WithError(err).Warn("ack notice")
		}
	case notify.Retry:
		if err := m.NakWithDelay(d.Delay); err != nil {
			log.WithError(err).Warn("nak notice")
		}
	}
}
