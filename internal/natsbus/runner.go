package natsbus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/logging"
)

// Handler handles one message delivered to a Runner. It settles the message
// itself (Ack, NakWithDelay, Term, or Runner.Fail); a message it leaves
// unsettled is redelivered after the consumer's AckWait. The context ends
// only when the handler's own time is up, not when the runner stops: a
// message taken in is finished.
type Handler func(ctx context.Context, m jetstream.Msg)

// RunnerConfig describes one durable consumer and how it is run.
type RunnerConfig struct {
	// Stream is the stream the consumer reads.
	Stream string
	// Consumer is the durable consumer's configuration; Durable and
	// AckPolicy explicit are required. AckWait defaults to 30s.
	Consumer jetstream.ConsumerConfig
	// Workers is how many messages are handled at once (1).
	Workers int
	// Deadletter is the subject a message is copied to, with its reason,
	// when its handler panics or Fail gives up on it.
	Deadletter string
	// NakDelay is the first redelivery delay Fail asks for; it doubles with
	// each delivery up to MaxNakDelay (1s, 1m).
	NakDelay, MaxNakDelay time.Duration
	// CheckEvery is how often the consumer's existence and pause state are
	// checked for readiness (2s).
	CheckEvery time.Duration
	// DrainTimeout bounds how long Run waits at stop for messages already
	// delivered to be handled (30s).
	DrainTimeout time.Duration
	// DeletedNotice is how long Health keeps reporting that the consumer
	// was deleted after it has been re-created, so that monitoring sees
	// what happened (30s).
	DeletedNotice time.Duration
}

// Runner runs one durable JetStream consumer: it creates the consumer,
// hands messages to a bounded pool of handlers, keeps every message it
// holds alive with InProgress (so a long handler or a rate limit never
// causes a second delivery), turns a handler's panic into a dead letter,
// drains on stop, and watches the consumer: one that is deleted under it
// is re-created (its configuration is the service's own) and one that is
// paused makes Health fail with the consumer's name until it is resumed.
// Every consumer of breach (intake, the notice channels, the workflow)
// runs through a Runner, so each has the same guarantees.
type Runner struct {
	deletedAt atomic.Int64 // unix nanos of the last deletion seen, 0 when none
	bus       *Bus
	cfg       RunnerConfig
	handler   Handler
	log       *logrus.Entry
	health    atomic.Pointer[error]
	started   atomic.Bool
}

// ErrConsumerUnhealthy is wrapped by Runner.Health when the consumer does
// not deliver: not created yet, deleted, or paused.
var ErrConsumerUnhealthy = errors.New("consumer not delivering")

// NewRunner returns a Runner for cfg on b. A nil log discards.
func (b *Bus) NewRunner(cfg RunnerConfig, h Handler, log *logrus.Entry) (*Runner, error) {
	if cfg.Consumer.Durable == "" || cfg.Stream == "" {
		return nil, errors.New("new consumer runner: stream and durable name are required")
	}
	if h == nil {
		return nil, fmt.Errorf("new consumer runner %s: no handler", cfg.Consumer.Durable)
	}
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	if cfg.Consumer.AckWait <= 0 {
		cfg.Consumer.AckWait = 30 * time.Second
	}
	cfg.Consumer.AckPolicy = jetstream.AckExplicitPolicy
	if cfg.Consumer.MaxAckPending <= 0 {
		cfg.Consumer.MaxAckPending = cfg.Workers * 4
	}
	if cfg.NakDelay <= 0 {
		cfg.NakDelay = time.Second
	}
	if cfg.MaxNakDelay < cfg.NakDelay {
		cfg.MaxNakDelay = max(time.Minute, cfg.NakDelay)
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = 2 * time.Second
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 30 * time.Second
	}
	if cfg.DeletedNotice <= 0 {
		cfg.DeletedNotice = 30 * time.Second
	}
	if log == nil {
		log = logging.Discard()
	}
	r := &Runner{bus: b, cfg: cfg, handler: h, log: log.WithField("consumer", cfg.Consumer.Durable)}
	r.setHealth(fmt.Errorf("consumer %s: %w: not started", cfg.Consumer.Durable, ErrConsumerUnhealthy))
	return r, nil
}

// Name is the durable consumer's name.
func (r *Runner) Name() string { return r.cfg.Consumer.Durable }

// Health is nil while the consumer delivers; otherwise an error naming the
// consumer and what is wrong (wrapping ErrConsumerUnhealthy). The service's
// readiness check reports it.
func (r *Runner) Health(context.Context) error {
	if p := r.health.Load(); p != nil {
		return *p
	}
	if at := r.deletedAt.Load(); at != 0 {
		when := time.Unix(0, at)
		if time.Since(when) < r.cfg.DeletedNotice {
			return fmt.Errorf("consumer %s: %w: deleted at %s by someone else and re-created; check who can manage consumers",
				r.Name(), ErrConsumerUnhealthy, when.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func (r *Runner) setHealth(err error) {
	if err == nil {
		r.health.Store(nil)
		return
	}
	r.health.Store(&err)
}

// Run consumes until ctx ends, then stops pulling, lets the messages
// already delivered finish (up to DrainTimeout) and returns nil. A consumer
// deleted while running is re-created; one that cannot be created is
// retried every CheckEvery while Health reports it.
func (r *Runner) Run(ctx context.Context) error {
	if !r.started.CompareAndSwap(false, true) {
		return fmt.Errorf("consumer %s: Run called twice", r.Name())
	}
	for {
		cons, err := r.create(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.setHealth(fmt.Errorf("consumer %s: %w: %v", r.Name(), ErrConsumerUnhealthy, err))
			r.log.WithError(err).Warn("consumer cannot be created; retrying")
			if !sleep(ctx, r.cfg.CheckEvery) {
				return nil
			}
			continue
		}
		s, err := r.start(ctx, cons)
		if err != nil {
			r.setHealth(fmt.Errorf("consumer %s: %w: %v", r.Name(), ErrConsumerUnhealthy, err))
			r.log.WithError(err).Warn("consumer cannot start; retrying")
			if !sleep(ctx, r.cfg.CheckEvery) {
				return nil
			}
			continue
		}
		r.setHealth(nil)
		gone := r.watch(ctx, cons, s.gone)
		s.stop(r.cfg.DrainTimeout, r.log)
		if !gone {
			return nil
		}
		r.deletedAt.Store(time.Now().UnixNano())
		r.setHealth(fmt.Errorf("consumer %s: %w: deleted; re-creating it", r.Name(), ErrConsumerUnhealthy))
		r.log.Error("consumer was deleted while running; re-creating it")
	}
}

func (r *Runner) create(ctx context.Context) (jetstream.Consumer, error) {
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return r.bus.js.CreateOrUpdateConsumer(cctx, r.cfg.Stream, r.cfg.Consumer)
}

// watch checks the consumer every CheckEvery until ctx ends (false) or the
// consumer is gone (true).
func (r *Runner) watch(ctx context.Context, cons jetstream.Consumer, gone <-chan struct{}) bool {
	t := time.NewTicker(r.cfg.CheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-gone:
			if r.missing(ctx, cons) {
				return true
			}
		case <-t.C:
			if r.missing(ctx, cons) {
				return true
			}
		}
	}
}

// missing looks the consumer up, records its health, and reports whether
// it no longer exists.
func (r *Runner) missing(ctx context.Context, cons jetstream.Consumer) bool {
	cctx, cancel := context.WithTimeout(ctx, r.cfg.CheckEvery+5*time.Second)
	defer cancel()
	info, err := cons.Info(cctx)
	switch {
	case errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrConsumerDeleted):
		return true
	case err != nil:
		if ctx.Err() == nil {
			r.setHealth(fmt.Errorf("consumer %s: %w: %v", r.Name(), ErrConsumerUnhealthy, err))
		}
	case info.Paused:
		if r.Health(ctx) == nil {
			r.log.WithField("pause_remaining", info.PauseRemaining.String()).Error("consumer is paused: nothing is delivered until it is resumed")
		}
		r.setHealth(fmt.Errorf("consumer %s: %w: paused for %s (resume it with `nats consumer resume %s %s`)",
			r.Name(), ErrConsumerUnhealthy, info.PauseRemaining.Round(time.Second), r.cfg.Stream, r.Name()))
	default:
		if r.Health(ctx) != nil {
			r.log.Info("consumer delivers again")
		}
		r.setHealth(nil)
	}
	return false
}

// session is one Consume of the consumer with its workers.
type session struct {
	cc       jetstream.ConsumeContext
	work     chan jetstream.Msg
	workers  sync.WaitGroup
	held     *held
	stopBeat chan struct{}
	beatDone chan struct{}
	gone     chan struct{}
}

func (r *Runner) start(ctx context.Context, cons jetstream.Consumer) (*session, error) {
	s := &session{work: make(chan jetstream.Msg, r.cfg.Consumer.MaxAckPending), held: newHeld(),
		stopBeat: make(chan struct{}), beatDone: make(chan struct{}), gone: make(chan struct{}, 1)}
	handleCtx := context.WithoutCancel(ctx)
	for range r.cfg.Workers {
		s.workers.Go(func() {
			for m := range s.work {
				r.safeHandle(handleCtx, m)
				s.held.remove(m)
			}
		})
	}
	go s.beat(r.cfg.Consumer.AckWait / 3)
	// A pull that stalls (seen in intake's tests as pauses of exactly the
	// pull expiry) is renewed after 5s instead of nats.go's default 30s.
	cc, err := cons.Consume(func(m jetstream.Msg) {
		s.held.add(m)
		s.work <- m // never blocks: MaxAckPending bounds what the server hands out
	}, jetstream.PullMaxMessages(max(1, r.cfg.Workers)), jetstream.PullExpiry(5*time.Second), jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		switch {
		case errors.Is(err, jetstream.ErrConsumerDeleted), errors.Is(err, jetstream.ErrConsumerNotFound), errors.Is(err, jetstream.ErrNoHeartbeat):
			select {
			case s.gone <- struct{}{}:
			default:
			}
		default:
			r.log.WithError(err).Warn("consumer trouble; retrying")
		}
	}))
	if err != nil {
		close(s.work)
		s.workers.Wait()
		close(s.stopBeat)
		<-s.beatDone
		return nil, err
	}
	s.cc = cc
	return s, nil
}

// beat keeps every held message alive until stop.
func (s *session) beat(every time.Duration) {
	defer close(s.beatDone)
	t := time.NewTicker(max(every, 100*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-s.stopBeat:
			return
		case <-t.C:
			s.held.each(func(m jetstream.Msg) { _ = m.InProgress() })
		}
	}
}

// stop stops pulling and waits for the handlers to finish what was
// delivered; past timeout it stops waiting (the rest is redelivered).
func (s *session) stop(timeout time.Duration, log *logrus.Entry) {
	done := make(chan struct{})
	go func() {
		s.cc.Drain()
		<-s.cc.Closed()
		close(s.work)
		s.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
		log.WithField("timeout", timeout.String()).Warn("drain timed out; unfinished messages will be redelivered")
	}
	close(s.stopBeat)
	<-s.beatDone
}

// safeHandle runs the handler; a panic dead-letters the message with the
// reason instead of crashing every process that picks it up.
func (r *Runner) safeHandle(ctx context.Context, m jetstream.Msg) {
	defer func() {
		if p := recover(); p != nil {
			r.log.WithField("panic", fmt.Sprint(p)).Error("a message crashed its handler; dead-lettering it")
			r.reject(ctx, m, fmt.Sprintf("internal error while handling (panic): %v", p))
		}
	}()
	r.handler(ctx, m)
}

// Fail settles a message its handler could not handle. A permanent cause
// (or the last delivery the consumer allows) copies it to the dead-letter
// subject with the reason and terminates it; otherwise it is redelivered
// after a delay that doubles with each delivery. If the dead letter cannot
// be written the message is redelivered instead: it is never dropped
// unrecorded.
func (r *Runner) Fail(ctx context.Context, m jetstream.Msg, cause error, permanent bool) {
	delivered := uint64(1)
	if md, err := m.Metadata(); err == nil {
		delivered = md.NumDelivered
	}
	last := r.cfg.Consumer.MaxDeliver > 0 && delivered >= uint64(r.cfg.Consumer.MaxDeliver)
	if permanent || last {
		reason := cause.Error()
		if !permanent {
			reason = fmt.Sprintf("gave up after %d deliveries: %v", delivered, cause)
		}
		r.reject(ctx, m, reason)
		return
	}
	d := r.cfg.NakDelay
	for n := uint64(1); n < delivered && d < r.cfg.MaxNakDelay; n++ {
		d *= 2
	}
	if err := m.NakWithDelay(min(d, r.cfg.MaxNakDelay)); err != nil {
		r.log.WithError(err).Warn("nak not sent; the server redelivers after the ack wait")
	}
}

func (r *Runner) reject(ctx context.Context, m jetstream.Msg, reason string) {
	if r.cfg.Deadletter == "" {
		_ = m.NakWithDelay(time.Minute)
		return
	}
	if err := PublishDeadletter(ctx, r.bus.js, r.cfg.Deadletter, m, reason); err != nil {
		r.log.WithError(err).Warn("dead letter not written; the message is redelivered")
		_ = m.NakWithDelay(time.Minute)
		return
	}
	if err := r.bus.Term(m, HeaderValue(reason)); err != nil {
		r.log.WithError(err).Warn("term not sent after dead-lettering")
	}
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

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
