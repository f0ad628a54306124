package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"

	"github.com/breach-notify/breach/incident"
)

// Renderer turns a job into the exact message to send.
type Renderer interface {
	Render(ctx context.Context, j *Job) (*Message, Rendering, error)
}

// Fingerprinter is a Renderer that can make its checks of a job and
// identify the rendering (template version, content hash) without
// producing the message. The planner, which renders every notice only to
// record that, uses it when its Renderer offers it.
type Fingerprinter interface {
	Fingerprint(ctx context.Context, j *Job) (Rendering, error)
}

// Rendering identifies what was rendered: the template version and a hash
// of the exact content, recorded in the ledger as proof.
type Rendering struct {
	TemplateVersion string
	ContentHash     string
}

// Sink is where a worker sends what follows a delivery: fallback jobs,
// notice events, and dead letters.
type Sink interface {
	Enqueue(ctx context.Context, jobs ...Job) error
	// Event publishes one notice event of the catalogue (notice.sent,
	// notice.failed, …).
	Event(ctx context.Context, ev incident.NoticeOutcome) error
	DeadLetter(ctx context.Context, stage string, data []byte, reason string) error
}

// Action is what to do with a work-queue message after a delivery attempt.
type Action int

// Actions.
const (
	// Ack removes the message: delivered, or finally failed and handled.
	Ack Action = iota
	// Retry redelivers the message after Decision.Delay.
	Retry
)

// Decision is the outcome of Deliver for the transport.
type Decision struct {
	Action Action
	Delay  time.Duration
	Reason string
}

// WorkerConfig configures one channel's worker.
type WorkerConfig struct {
	Channel Channel
	// MaxDeliver is how many attempts a notice gets before it is
	// dead-lettered and its person's next route is tried.
	MaxDeliver int
	// GiveUpAfter, when set, also requires that much time since the notice
	// was planned before giving up, so an outage of the provider longer
	// than the backoff does not exhaust everyone's attempts.
	GiveUpAfter time.Duration
	Backoff     Backoff
	// Limiter is the provider's token bucket (nil = unlimited).
	Limiter *rate.Limiter
	// Outbox marks a channel without a provider whose notifier writes
	// notices to files: what it hands over is recorded written, not sent.
	Outbox bool
	// Tickets opens the NOTICES messages Handle is given; without it
	// Handle refuses every message.
	Tickets *Tickets
	// Rejected, when set, is called with the reason (RejectForged, ...)
	// of each message Handle dead-letters unsent, for a counter such as
	// breach_notices_rejected_total{reason}.
	Rejected func(reason string)
	// OnRejected, when set, is called after Rejected with the reason and
	// the message body (a ticket: a notice key and its MAC, no personal
	// data), for an audit entry. It must not block delivery.
	OnRejected func(reason string, raw []byte)
	// EventWindow, when above 0, publishes the worker's lifecycle events
	// (notice.sent, notice.failed, …) in the background, at most that
	// many at a time, instead of waiting for each before the notice's
	// message is acknowledged: a failed publish is retried, then
	// dead-lettered. Call WaitEvents before closing the bus. A notice
	// whose message is redelivered after it was recorded has its event
	// published again (events are deduplicated by notice key), so a
	// crash between the two loses no event.
	EventWindow int
}

// Worker delivers the notices of one channel: the chain dedup (ledger
// Begin, whose claim lease keeps two copies of a job from both sending) →
// rate limit → render → send → record (ledger Finish) → fallback. It is
// transport-free; the JetStream consumer maps its Decisions to
// Ack and NakWithDelay.
type Worker struct {
	cfg      WorkerConfig
	notifier Notifier
	ledger   Ledger
	render   Renderer
	sink     Sink
	log      *logrus.Entry
	now      func() time.Time
	// events publishes in the background (nil: each event is published
	// before Deliver returns).
	events *eventWindow
}

// NewWorker returns a worker for one channel.
func NewWorker(cfg WorkerConfig, n Notifier, l Ledger, r Renderer, s Sink, log *logrus.Entry, now func() time.Time) *Worker {
	if cfg.MaxDeliver < 1 {
		cfg.MaxDeliver = 8
	}
	if cfg.Backoff.Base == 0 {
		cfg.Backoff = DefaultBackoff()
	}
	w := &Worker{cfg: cfg, notifier: n, ledger: l, render: r, sink: s, now: now,
		log: log.WithField("channel", string(cfg.Channel))}
	if cfg.EventWindow > 0 {
		w.events = &eventWindow{slots: make(chan struct{}, cfg.EventWindow)}
	}
	return w
}

// MaxDeliver is how many attempts a notice gets from this worker.
func (w *Worker) MaxDeliver() int { return w.cfg.MaxDeliver }

// GiveUpAfter is how long temporary failures are retried (0: attempts
// alone decide).
func (w *Worker) GiveUpAfter() time.Duration { return w.cfg.GiveUpAfter }

// exhausted reports whether a notice that failed temporarily is given up:
// it has had MaxDeliver real attempts (counted in the ledger, not in
// transport redeliveries) and, with GiveUpAfter set, was first planned that
// long ago. An outage of the provider therefore delays notices; it does not
// make people "unreachable".
func (w *Worker) exhausted(e Entry) bool {
	if e.Attempts < w.cfg.MaxDeliver {
		return false
	}
	if w.cfg.GiveUpAfter <= 0 || e.CreatedAt.IsZero() {
		return true
	}
	return w.now().Sub(e.CreatedAt) >= w.cfg.GiveUpAfter
}

// Deliver makes one attempt at job, which has been delivered `delivered`
// times by the transport (1 on the first attempt). It never loses a
// notice: errors of its own collaborators (ledger, sink) answer Retry.
func (w *Worker) Deliver(ctx context.Context, job Job, raw []byte, delivered int) Decision {
	// The provider's token bucket is waited on before the notice is
	// claimed, so a claim is never held through a long wait.
	if err := w.waitLimiter(ctx); err != nil {
		return w.retry(delivered, err)
	}
	at := w.now()
	entry, proceed, err := w.ledger.Begin(ctx, job.Key, at)
	if err != nil {
		return w.retry(delivered, fmt.Errorf("ledger begin: %w", err))
	}
	return w.attempt(ctx, job, raw, delivered, entry, proceed, at)
}

// waitLimiter waits for the provider's token bucket, when there is one.
func (w *Worker) waitLimiter(ctx context.Context) error {
	if w.cfg.Limiter == nil {
		return nil
	}
	if err := w.cfg.Limiter.Wait(ctx); err != nil {
		return fmt.Errorf("rate limit: %w", err)
	}
	return nil
}

// attempt carries on Deliver once the ledger has answered the claim of
// job at time at: entry as Begin returned it, and whether it proceeded.
func (w *Worker) attempt(ctx context.Context, job Job, raw []byte, delivered int, entry Entry, proceed bool, at time.Time) Decision {
	log := attemptLog{w: w, incident: job.IncidentID, key: job.Key, attempt: delivered}
	if !proceed && entry.State == StateSending {
		// Another copy of this job is being delivered by a live worker.
		// Acknowledging this one would lose the notice if that worker
		// crashed: come back when its claim lease has run out, to find
		// the notice sent, or left by the crash and claimable.
		wait := max(entry.UpdatedAt.Add(ClaimLease).Sub(at), time.Second)
		log.entry().WithField("retry_in", wait.String()).Info("notice claimed by another worker; retrying after its lease")
		return Decision{Action: Retry, Delay: wait, Reason: "claimed by another worker"}
	}
	if !proceed {
		log.entry().WithField("state", string(entry.State)).Debug("notice already final; skipped")
		return Decision{Action: Ack, Reason: "already " + string(entry.State)}
	}
	msg, rendering, err := w.render.Render(ctx, &job)
	if err != nil {
		// A template or data error will not heal by retrying or by
		// trying another channel with the same data: dead-letter it.
		return w.finalFailure(ctx, log, job, raw, rendering, entry.Attempts, fmt.Errorf("render: %w", err), false)
	}
	if id, ok := w.reconcile(ctx, log, entry, msg); ok {
		return w.sent(ctx, log, job, rendering, id, delivered, entry.Attempts)
	}
	providerID, sendErr := w.notifier.Notify(ctx, msg)
	switch {
	case sendErr == nil:
		return w.sent(ctx, log, job, rendering, providerID, delivered, entry.Attempts)
	case IsPermanent(sendErr):
		return w.finalFailure(ctx, log, job, raw, rendering, entry.Attempts, sendErr, true)
	case w.exhausted(entry):
		return w.finalFailure(ctx, log, job, raw, rendering, entry.Attempts, fmt.Errorf("gave up after %d attempts: %w", entry.Attempts, sendErr), true)
	default:
		if err := w.ledger.Finish(ctx, job.Key, Outcome{State: StateFailedTemporary, Error: sendErr.Error(),
			TemplateVersion: rendering.TemplateVersion, ContentHash: rendering.ContentHash, At: w.now()}); err != nil {
			log.entry().WithError(err).Warn("ledger finish after a temporary failure")
		}
		log.entry().WithError(sendErr).Info("temporary delivery failure; will retry")
		return Decision{Action: Retry, Delay: w.cfg.Backoff.Delay(delivered), Reason: sendErr.Error()}
	}
}

// sent records a notice handed to the provider (or written to the
// outbox). The transport has delivered its message delivered times;
// attempts, the ledger's count of attempts at the notice, goes into the
// event.
func (w *Worker) sent(ctx context.Context, log attemptLog, job Job, r Rendering, providerID string, delivered, attempts int) Decision {
	state := StateSent
	if w.cfg.Outbox {
		state = StateWritten
	}
	if err := w.ledger.Finish(ctx, job.Key, Outcome{State: state, ProviderID: providerID,
		TemplateVersion: r.TemplateVersion, ContentHash: r.ContentHash, At: w.now()}); err != nil {
		// Sent but not recorded: a retry re-sends (at most the in-flight
		// window), which is better than no proof.
		return w.retry(delivered, fmt.Errorf("ledger finish: %w", err))
	}
	w.event(ctx, log, sentEvent(job, state, providerID, attempts), false)
	return Decision{Action: Ack, Reason: string(state)}
}

// noticeEvent returns the event of kind about job's notice, recorded in
// state.
func noticeEvent(kind incident.EventKind, job Job, state State) incident.NoticeOutcome {
	return incident.NoticeOutcome{Kind: kind, Incident: job.IncidentID, Key: job.Key, Subject: job.SubjectID,
		Channel: string(job.Route.Channel), State: string(state)}
}

// sentEvent is the notice.sent (or, written to the outbox,
// notice.written) event of job's notice, handed over at its attempt-th
// attempt (as the ledger counts them).
func sentEvent(job Job, state State, providerID string, attempt int) incident.NoticeOutcome {
	kind := incident.EventNoticeSent
	if state == StateWritten {
		kind = incident.EventNoticeWritten
	}
	ev := noticeEvent(kind, job, state)
	ev.Provider, ev.Attempt = providerID, attempt
	return ev
}

// reconcile asks a Reconciler, before a retry, whether an earlier attempt
// went out after all.
func (w *Worker) reconcile(ctx context.Context, log attemptLog, e Entry, m *Message) (string, bool) {
	rc, ok := w.notifier.(Reconciler)
	if !ok || e.Attempts <= 1 {
		return "", false
	}
	since := e.CreatedAt
	if since.IsZero() {
		since = w.now().Add(-24 * time.Hour)
	}
	id, err := rc.FindSent(ctx, m, since)
	if err != nil {
		log.entry().WithError(err).Warn("could not check whether an earlier attempt was delivered; sending again")
		return "", false
	}
	if id != "" {
		log.entry().Info("an earlier attempt was delivered after all; recorded without sending again")
	}
	return id, id != ""
}

// finalFailure records a notice that will not be sent, dead-letters its
// job when it exhausted retries or could not render, and plans the
// person's next route (or, with none left, lets the ledger settle whether
// the person is unreachable). attempts, the ledger's count of attempts
// at the notice, goes into the event.
func (w *Worker) finalFailure(ctx context.Context, log attemptLog, job Job, raw []byte, r Rendering, attempts int, cause error, fallback bool) Decision {
	next, hasNext := job.Next()
	if !fallback {
		hasNext = false
	}
	if !IsPermanent(cause) {
		if err := w.sink.DeadLetter(ctx, string(w.cfg.Channel), raw, cause.Error()); err != nil {
			return w.retry(1, fmt.Errorf("dead-letter: %w", err))
		}
	}
	if hasNext {
		if err := planFallback(ctx, w.ledger, w.sink, next, w.now()); err != nil {
			return w.retry(1, err)
		}
	}
	o := Outcome{State: StateFailedPermanent, Error: cause.Error(),
		TemplateVersion: r.TemplateVersion, ContentHash: r.ContentHash, At: w.now()}
	// A route that failed with no fallback left may be the person's last
	// live one. A notice that could not be rendered stays failed_permanent:
	// the person may be reachable, the content is at fault.
	state, err := recordFailure(ctx, w.ledger, job, o, fallback && !hasNext)
	if err != nil {
		return w.retry(1, err)
	}
	ev := noticeEvent(incident.EventNoticeFailed, job, state)
	ev.Error, ev.Attempt = cause.Error(), attempts
	if hasNext {
		ev.Fallback = string(next.Route.Channel)
	}
	w.event(ctx, log, ev, false)
	log.entry().WithError(cause).WithField("state", string(state)).Warn("notice failed permanently")
	return Decision{Action: Ack, Reason: cause.Error()}
}

// recordFailure writes the final failure o of job to ledger l and
// returns the state recorded. When last is set and the job is a
// legal-notice route, the ledger settles it (Ledger.Settle): the person
// is unreachable only when none of their legal-notice routes — the
// primary one with its fallbacks and the extra SMS of a high-risk
// incident; never push — was sent or is still open. Recording the failure
// and reading the person's other routes is one step of the ledger, so
// workers of two channels failing at once cannot both see the other's
// route still open and leave the person unmarked.
func recordFailure(ctx context.Context, l Ledger, job Job, o Outcome, last bool) (State, error) {
	if !last || !job.Route.Channel.Legal() {
		if err := l.Finish(ctx, job.Key, o); err != nil {
			return "", fmt.Errorf("ledger finish: %w", err)
		}
		return o.State, nil
	}
	state, err := l.Settle(ctx, job.Key, job.RouteKeys(), o)
	if err != nil {
		return "", fmt.Errorf("ledger settle: %w", err)
	}
	return state, nil
}

// planFallback plans next, a person's next route after their route failed
// for good, in the ledger (with its job) and enqueues it unless it is
// already final (an earlier try of the same failure planned it).
func planFallback(ctx context.Context, l Ledger, s Sink, next Job, at time.Time) error {
	e := next.Entry()
	e.CreatedAt, e.UpdatedAt = at.UTC(), at.UTC()
	open, _, err := l.Plan(ctx, []Entry{e})
	if err != nil {
		return fmt.Errorf("ledger plan fallback: %w", err)
	}
	if open[0] {
		if err := s.Enqueue(ctx, next); err != nil {
			return fmt.Errorf("enqueue fallback: %w", err)
		}
	}
	return nil
}

// attemptLog is what the log entries of one delivery attempt carry; the
// entry itself is built only when something is logged, not for every
// notice.
type attemptLog struct {
	w             *Worker
	incident, key string
	attempt       int // 0: not a delivery attempt
}

// entry returns the log entry.
func (l attemptLog) entry() *logrus.Entry {
	f := logrus.Fields{"incident": l.incident, "notice": l.key}
	if l.attempt > 0 {
		f["attempt"] = l.attempt
	}
	return l.w.log.WithFields(f)
}

func (w *Worker) retry(delivered int, err error) Decision {
	w.log.WithError(err).Warn("notice attempt interrupted; will retry")
	return Decision{Action: Retry, Delay: w.cfg.Backoff.Delay(delivered), Reason: err.Error()}
}

// event publishes ev, a new outcome, or, when again, one published before
// (the notice's message came again after it was recorded).
func (w *Worker) event(ctx context.Context, log attemptLog, ev incident.NoticeOutcome, again bool) {
	if w.events != nil {
		w.publishAsync(ctx, log, ev, again)
		return
	}
	if err := w.publishOnce(ctx, ev, again); err != nil && !errors.Is(err, context.Canceled) {
		log.entry().WithError(err).Warn("publish event")
	}
}
