// Package intake consumes incident documents from the INCIDENTS stream,
// validates them with incident.Decode, stores each revision once and
// announces it with a "received" event. Malformed documents go, byte for
// byte and with the reason in the Breach-Error header, to
// <prefix>.deadletter.intake; a store that fails is retried with a growing
// delay and never causes a message to be dropped or dead-lettered.
//
// Delivery is at least once. The ack is a DoubleAck (confirmed by the
// server): an ack lost in a crash or a network cut shows up as a log line and
// a redelivery, never as silence. A redelivery after the store and before the
// ack is harmless: the store reports a duplicate, intake acks it, calls
// Hooks.OnStored with dup=true and publishes the "received" event again under
// the same message id (dropped by JetStream inside the duplicate window).
// Hooks run before the ack but cannot report failure, so the service must not
// rely on OnStored alone to assess: at start it re-assesses stored incidents
// whose current revision has no assessment.
//
// A revision is accepted only when it is exactly one above the highest
// stored (1 for a new incident); one further ahead waits a few deliveries
// for the missing ones and is then dead-lettered naming the revision
// expected. A discovered_at in the future (beyond incident.MaxClockSkew) is
// refused the same way.
//
// A document without an id gets one derived from its stream sequence and
// bytes (same shape as incident.NewID, time-sortable), so a redelivered
// message is given the same id and stored once.
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/oklog/ulid/v2"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
)

// Stage is the dead-letter stage name of intake: rejected documents go to
// <prefix>.deadletter.intake.
const Stage = "intake"

// EventReceived is the lifecycle event kind published for every stored
// revision.
const EventReceived = "received"

// Saved is what the store says about one SaveIncident call.
type Saved struct {
	// Duplicate: this id and revision were already stored with the same
	// content; nothing changed.
	Duplicate bool
	// Conflicting: this id and revision were already stored with different
	// content (Duplicate may be set too). Intake dead-letters the message: a
	// revision is immutable.
	Conflicting bool
	// Stale: a higher revision of this id is already stored; this one is kept
	// for the record but is not the current one.
	Stale bool
}

// Store persists incident revisions. SaveIncident must be idempotent for the
// same id, revision and content. Its error means "try again later" (intake
// never gives up on a message because the store is down), unless it matches
// ErrPermanent: then the message is dead-lettered with the error as reason.
// HighestRevision returns the highest stored revision of an incident, 0 when
// none is stored; intake accepts a new revision only when it is exactly one
// more.
type Store interface {
	SaveIncident(ctx context.Context, in *incident.Incident, raw []byte) (Saved, error)
	HighestRevision(ctx context.Context, id string) (int, error)
}

// ErrPermanent marks a store error that retrying cannot cure (the store
// refuses this document); wrap it, e.g.
// fmt.Errorf("%w: %w", intake.ErrPermanent, err), to dead-letter the message.
var ErrPermanent = errors.New("permanently refused by the store")

// Hooks let the service react to intake. Each hook is optional, runs
// synchronously before the message is acked and must not block for long; a
// hook that panics has its message redelivered.
type Hooks struct {
	// OnStored is called after a revision is stored and its "received" event
	// published. dup is true when the store already had it (a replay), or
	// when it is stale (a higher revision is stored): nothing new to assess.
	OnStored func(in *incident.Incident, dup bool)
	// OnRejected is called with the validation error of a document that was
	// dead-lettered. The reason may quote document values: do not log it.
	OnRejected func(reason string)
	// OnRetry is called when a message is handed back for redelivery because
	// the store or NATS failed; final is true when it was the last delivery
	// MaxDeliver allows.
	OnRetry func(err error, final bool)
}

// Config tunes the consumer. Zero fields take the defaults shown.
type Config struct {
	// Durable is the durable consumer name ("intake"); every process sharing
	// it shares the work.
	Durable string
	// MaxDeliver bounds deliveries of one message (50). A message whose
	// deliveries are used up (the store kept failing) is copied to
	// DEADLETTER with the cause, for replay, and counted in
	// Stats.Exhausted; it is never deleted.
	MaxDeliver int
	// NakDelay is the first redelivery delay after a store failure (1s); it
	// doubles with each delivery up to MaxNakDelay.
	NakDelay time.Duration
	// MaxNakDelay caps the redelivery delay (1m).
	MaxNakDelay time.Duration
	// Workers is how many messages are handled at once (4).
	Workers int
	// Batch is how many messages each worker pulls ahead (8).
	Batch int
	// AckWait is how long the server waits for an ack before redelivering
	// (30s).
	AckWait time.Duration
	// HandleTimeout bounds the handling of one message, store call and
	// publishes included (AckWait minus 5s, at least 1s).
	HandleTimeout time.Duration
	// DrainTimeout bounds how long Run waits, once ctx is cancelled, for
	// messages already pulled to be handled (HandleTimeout plus 10s).
	DrainTimeout time.Duration
	// GapDeliveries is how many deliveries a revision more than one above
	// the highest stored waits for the missing ones (published just before
	// it and handled by another worker) before it is dead-lettered with the
	// revision expected (5, at most MaxDeliver).
	GapDeliveries int
	// Now is the clock used for the "received" event and to refuse a
	// discovered_at in the future (time.Now).
	Now func() time.Time
}

func (c Config) withDefaults() (Config, error) {
	if c.Durable == "" {
		c.Durable = "intake"
	}
	if strings.ContainsAny(c.Durable, " \t\r\n.*>") {
		return c, fmt.Errorf("durable name %q may not hold spaces, '.', '*' or '>'", c.Durable)
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = 50
	}
	if c.NakDelay == 0 {
		c.NakDelay = time.Second
	}
	if c.MaxNakDelay == 0 {
		c.MaxNakDelay = time.Minute
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.Batch == 0 {
		c.Batch = 8
	}
	if c.AckWait == 0 {
		c.AckWait = 30 * time.Second
	}
	if c.HandleTimeout == 0 {
		c.HandleTimeout = max(c.AckWait-5*time.Second, time.Second)
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = c.HandleTimeout + 10*time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.GapDeliveries == 0 {
		c.GapDeliveries = 5
	}
	c.GapDeliveries = min(c.GapDeliveries, c.MaxDeliver)
	switch {
	case c.MaxDeliver < 1:
		return c, fmt.Errorf("max deliver %d: must be 1 or more", c.MaxDeliver)
	case c.NakDelay < 0 || c.MaxNakDelay < c.NakDelay:
		return c, fmt.Errorf("nak delay %s, max %s: need 0 <= delay <= max", c.NakDelay, c.MaxNakDelay)
	case c.Workers < 1 || c.Batch < 1:
		return c, fmt.Errorf("workers %d, batch %d: both must be 1 or more", c.Workers, c.Batch)
	case c.AckWait < time.Second:
		return c, fmt.Errorf("ack wait %s: must be at least 1s", c.AckWait)
	case c.GapDeliveries < 1:
		return c, fmt.Errorf("gap deliveries %d: must be 1 or more", c.GapDeliveries)
	case c.HandleTimeout < 0 || c.DrainTimeout < 0:
		return c, fmt.Errorf("handle timeout %s, drain timeout %s: neither may be negative", c.HandleTimeout, c.DrainTimeout)
	}
	return c, nil
}

// Stats are intake's counters since New; the service exports them as
// Prometheus counters.
type Stats struct {
	Received    uint64 // messages handled (each delivery counts)
	Stored      uint64 // new revisions stored
	Duplicates  uint64 // replays the store already had
	Stale       uint64 // revisions older than the stored one
	Rejected    uint64 // documents dead-lettered
	Retried     uint64 // deliveries handed back for redelivery
	Exhausted   uint64 // messages not stored after MaxDeliver deliveries (dead-lettered for replay)
	IDsAssigned uint64 // documents without an id that were given one
}

type counters struct {
	received, stored, duplicates, stale, rejected, retried, exhausted, assigned atomic.Uint64
}

// ReceivedEvent is the payload of the "received" lifecycle event.
type ReceivedEvent struct {
	ID         string    `json:"id"`
	Revision   int       `json:"revision"`
	Duplicate  bool      `json:"duplicate"`
	Stale      bool      `json:"stale,omitempty"`
	IDAssigned bool      `json:"id_assigned,omitempty"`
	Stream     string    `json:"stream"`
	Sequence   uint64    `json:"sequence"`
	ReceivedAt time.Time `json:"received_at"`
}

// Intake is the consumer of the INCIDENTS stream.
type Intake struct {
	cfg   Config
	bus   *natsbus.Bus
	store Store
	hooks Hooks
	log   *logrus.Entry
	c     counters
	// runner runs the durable consumer.
	runner *natsbus.Runner
}

// New checks cfg and returns an Intake; Run starts consuming.
func New(cfg Config, bus *natsbus.Bus, store Store, hooks Hooks, log *logrus.Entry) (*Intake, error) {
	if bus == nil || store == nil {
		return nil, errors.New("new intake: bus and store are required")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new intake: %w", err)
	}
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = logrus.NewEntry(l)
	}
	i := &Intake{cfg: cfg, bus: bus, store: store, hooks: hooks, log: log.WithField("component", "intake")}
	i.runner, err = bus.NewRunner(natsbus.RunnerConfig{
		Stream: bus.Streams().Incidents, Consumer: i.consumerConfig(), Workers: cfg.Workers,
		Deadletter: bus.Topics().Deadletter(Stage), DrainTimeout: cfg.DrainTimeout,
	}, i.handle, i.log)
	if err != nil {
		return nil, fmt.Errorf("new intake: %w", err)
	}
	return i, nil
}

// Stats returns a snapshot of the counters.
func (i *Intake) Stats() Stats {
	return Stats{
		Received: i.c.received.Load(), Stored: i.c.stored.Load(), Duplicates: i.c.duplicates.Load(),
		Stale: i.c.stale.Load(), Rejected: i.c.rejected.Load(), Retried: i.c.retried.Load(),
		Exhausted: i.c.exhausted.Load(), IDsAssigned: i.c.assigned.Load(),
	}
}

func (i *Intake) consumerConfig() jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       i.cfg.Durable,
		Description:   "breach intake: validate, store, announce",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       i.cfg.AckWait,
		MaxDeliver:    i.cfg.MaxDeliver,
		MaxAckPending: i.cfg.Workers * i.cfg.Batch * 2,
		FilterSubject: i.bus.Topics().AllIncidents(),
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
}

// Run creates or updates the durable consumer and handles messages until ctx
// is cancelled. It then stops pulling, lets every message already delivered
// finish and returns nil. A consumer deleted under it is re-created, and
// Health names it meanwhile.
func (i *Intake) Run(ctx context.Context) error {
	i.log.WithFields(logrus.Fields{"stream": i.bus.Streams().Incidents, "durable": i.cfg.Durable, "workers": i.cfg.Workers}).Info("intake running")
	err := i.runner.Run(ctx)
	i.log.Info("intake stopped")
	return err
}

// Health is nil while intake's consumer delivers, else an error naming it.
func (i *Intake) Health(ctx context.Context) error { return i.runner.Health(ctx) }

// Lag is how many messages the consumer has not finished: not yet delivered
// plus delivered and not yet acked.
func (i *Intake) Lag(ctx context.Context) (uint64, error) {
	cons, err := i.bus.JetStream().Consumer(ctx, i.bus.Streams().Incidents, i.cfg.Durable)
	if err != nil {
		return 0, fmt.Errorf("intake lag: %w", err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("intake lag: %w", err)
	}
	return info.NumPending + uint64(max(info.NumAckPending, 0)), nil
}

// handle takes one message to exactly one of: ack (stored), term (dead-
// lettered) or nak with delay (retry later).
func (i *Intake) handle(parent context.Context, m jetstream.Msg) {
	ctx, cancel := context.WithTimeout(parent, i.cfg.HandleTimeout)
	defer cancel()
	i.c.received.Add(1)
	meta, err := m.Metadata()
	if err != nil {
		// Not a JetStream message: nothing to ack. Cannot happen on a
		// consumer, but never panic on it.
		i.log.WithError(err).Error("intake got a message without JetStream metadata")
		return
	}
	log := i.log.WithFields(logrus.Fields{"stream_seq": meta.Sequence.Stream, "delivered": meta.NumDelivered})
	defer func() {
		if r := recover(); r != nil {
			i.retry(m, meta, log, fmt.Errorf("panic while handling: %v", r))
		}
	}()

	if submit := i.bus.Topics().IncidentSubmit(); m.Subject() != submit {
		i.reject(ctx, m, meta, log, fmt.Errorf("published on %s; incidents are accepted on %s only (`breach deadletter replay` sends it there)", m.Subject(), submit))
		return
	}
	in, err := incident.Decode(m.Data())
	if err != nil {
		i.reject(ctx, m, meta, log, err)
		return
	}
	assigned := false
	if in.ID == "" {
		in.ID = deriveID(meta, m.Data())
		assigned = true
	}
	log = log.WithFields(logrus.Fields{"incident": in.ID, "revision": in.Revision})
	if err := incident.CheckDiscoveredAt(in, i.cfg.Now()); err != nil {
		i.reject(ctx, m, meta, log, err)
		return
	}
	highest, err := i.store.HighestRevision(ctx, in.ID)
	if err != nil {
		i.retry(m, meta, log, fmt.Errorf("highest stored revision of %s: %w", in.ID, err))
		return
	}
	if in.Revision > highest+1 {
		if meta.NumDelivered < uint64(i.cfg.GapDeliveries) {
			// The missing revision may be in another worker's hands.
			log.WithField("highest", highest).Debug("revision ahead of the stored ones; waiting for the missing ones")
			if err := m.NakWithDelay(i.gapBackoff(meta.NumDelivered, in.Revision-highest-1)); err != nil {
				log.WithError(err).Warn("nak not sent; the server redelivers after the ack wait")
			}
			return
		}
		i.reject(ctx, m, meta, log, revisionGap(in, highest))
		return
	}
	saved, err := i.store.SaveIncident(ctx, in, m.Data())
	if errors.Is(err, ErrPermanent) {
		i.reject(ctx, m, meta, log, fmt.Errorf("store incident %s: %w", in.Key(), err))
		return
	}
	if err != nil {
		i.retry(m, meta, log, fmt.Errorf("store incident %s: %w", in.Key(), err))
		return
	}
	if saved.Conflicting {
		reason := fmt.Sprintf("incident %s revision %d was already received with different content; send the change as revision %d or higher", in.ID, in.Revision, in.Revision+1)
		i.reject(ctx, m, meta, log, errors.New(reason))
		return
	}
	if assigned {
		i.c.assigned.Add(1)
		log.Info("incident had no id; assigned one")
	}
	ev := ReceivedEvent{ID: in.ID, Revision: in.Revision, Duplicate: saved.Duplicate, Stale: saved.Stale,
		IDAssigned: assigned, Stream: meta.Stream, Sequence: meta.Sequence.Stream, ReceivedAt: i.cfg.Now().UTC()}
	if err := i.bus.PublishEvent(ctx, in.ID, EventReceived, ev, natsbus.EventKey(strconv.Itoa(in.Revision))); err != nil {
		// Stored but not announced: retry; the store will say duplicate.
		i.retry(m, meta, log, err)
		return
	}
	dup := saved.Duplicate || saved.Stale
	if i.hooks.OnStored != nil {
		i.hooks.OnStored(in, dup)
	}
	switch {
	case saved.Duplicate:
		i.c.duplicates.Add(1)
	case saved.Stale:
		i.c.stale.Add(1)
	default:
		i.c.stored.Add(1)
	}
	// DoubleAck waits for the server to confirm: a lost ack is logged, and
	// the redelivery it causes is harmless because the store is idempotent.
	if err := m.DoubleAck(ctx); err != nil {
		log.WithError(err).Warn("ack not confirmed; the message may be redelivered and stored as a duplicate")
		return
	}
	log.WithFields(logrus.Fields{"duplicate": saved.Duplicate, "stale": saved.Stale}).Debug("incident received")
}

// revisionGap explains a revision that does not follow the stored ones.
func revisionGap(in *incident.Incident, highest int) error {
	if highest == 0 {
		return fmt.Errorf("incident %s revision %d: expected revision 1, as no revision of it is stored; revisions count up by one", in.ID, in.Revision)
	}
	return fmt.Errorf("incident %s revision %d: expected revision %d, one above the highest stored (%d); revisions count up by one",
		in.ID, in.Revision, highest+1, highest)
}

// reject dead-letters m with reason and terminates it. If the dead-letter
// publish fails, m is retried instead: it is never terminated unrecorded.
func (i *Intake) reject(ctx context.Context, m jetstream.Msg, meta *jetstream.MsgMetadata, log *logrus.Entry, reason error) {
	var fields []string
	var ve *incident.ValidationError
	if errors.As(reason, &ve) {
		for _, p := range ve.Problems {
			if p.Message == "unknown field" {
				// The name is the sender's key and could be anything.
				fields = append(fields, "(unknown field)")
				continue
			}
			fields = append(fields, p.Field)
		}
	}
	subject := i.bus.Topics().Deadletter(Stage)
	if err := natsbus.PublishDeadletter(ctx, i.bus.JetStream(), subject, m, reason.Error()); err != nil {
		i.retry(m, meta, log, err)
		return
	}
	i.c.rejected.Add(1)
	if i.hooks.OnRejected != nil {
		i.hooks.OnRejected(reason.Error())
	}
	if err := i.bus.Term(m, termReason(reason.Error())); err != nil {
		log.WithError(err).Warn("term not sent; the message will be redelivered and dead-lettered once more (deduplicated)")
	}
	// Only field names: the reason can quote values from the document.
	log.WithField("fields", fields).Info("incident rejected to dead-letter")
}

// retry hands m back for redelivery after a delay that doubles with each
// delivery. On the last delivery MaxDeliver allows, the message is copied
// to DEADLETTER with the cause and terminated, so `breach deadletter
// replay` can bring it back once the store works again; if even that
// fails, it stays in INCIDENTS.
func (i *Intake) retry(m jetstream.Msg, meta *jetstream.MsgMetadata, log *logrus.Entry, cause error) {
	final := meta.NumDelivered >= uint64(i.cfg.MaxDeliver)
	i.c.retried.Add(1)
	if i.hooks.OnRetry != nil {
		i.hooks.OnRetry(cause, final)
	}
	if !final {
		log.WithError(cause).Warn("incident not stored yet; will retry")
		if err := m.NakWithDelay(i.backoff(meta.NumDelivered)); err != nil {
			log.WithError(err).Warn("nak not sent; the server redelivers after the ack wait")
		}
		return
	}
	i.c.exhausted.Add(1)
	reason := fmt.Sprintf("not stored after %d deliveries; the document was not judged invalid, replay it once the cause is fixed: %v", meta.NumDelivered, cause)
	ctx, cancel := context.WithTimeout(context.Background(), i.cfg.HandleTimeout)
	defer cancel()
	if err := natsbus.PublishDeadletter(ctx, i.bus.JetStream(), i.bus.Topics().Deadletter(Stage), m, reason); err != nil {
		log.WithError(cause).WithField("deadletter_error", err.Error()).Error("incident not stored after the last delivery and not dead-lettered; it stays in INCIDENTS")
		if err := m.NakWithDelay(i.backoff(meta.NumDelivered)); err != nil {
			log.WithError(err).Warn("nak not sent; the server redelivers after the ack wait")
		}
		return
	}
	if err := i.bus.Term(m, termReason(reason)); err != nil {
		log.WithError(err).Warn("term not sent after dead-lettering")
	}
	log.WithError(cause).Error("incident not stored after the last delivery; copied to DEADLETTER for replay")
}

func (i *Intake) backoff(delivered uint64) time.Duration {
	d := i.cfg.NakDelay
	for n := uint64(1); n < delivered && d < i.cfg.MaxNakDelay; n++ {
		d *= 2
	}
	return min(d, i.cfg.MaxNakDelay)
}

// gapBackoff is the wait of a revision missing behind others: one nak
// delay more for each missing revision (at most ten), so that revisions
// waiting together come back in order, the lower first, and each finds the
// one before it stored instead of using up its deliveries beside it.
func (i *Intake) gapBackoff(delivered uint64, missing int) time.Duration {
	return i.backoff(delivered) + time.Duration(min(max(missing, 0), 10))*i.cfg.NakDelay
}

func termReason(s string) string {
	s = natsbus.HeaderValue(s)
	if len(s) > 200 {
		return natsbus.HeaderValue(s[:200]) + "…"
	}
	return s
}

// deriveID gives a document without an id the same id on every delivery:
// an incident.NewID-style ULID whose time is when the stream stored the
// message and whose entropy is a hash of the stream, sequence and bytes. A
// crash between store and ack therefore cannot store it twice under two ids.
func deriveID(meta *jetstream.MsgMetadata, data []byte) string {
	h := sha256.New()
	h.Write([]byte(meta.Stream))
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], meta.Sequence.Stream)
	h.Write(seq[:])
	h.Write(data)
	sum := h.Sum(nil)
	var id ulid.ULID
	if err := id.SetTime(ulid.Timestamp(meta.Timestamp)); err != nil {
		// A time beyond the ULID range: keep the zero time, still unique.
		_ = id.SetTime(0)
	}
	if err := id.SetEntropy(sum[:10]); err != nil {
		return incident.NewID(meta.Timestamp)
	}
	return "INC-" + id.String()
}
