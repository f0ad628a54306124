package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/store"
)

// Lifecycle events of the assessment.
const (
	EventAssessed         = "assessed"
	EventAssessmentFailed = "assessment.failed"
)

// assessor assesses every stored incident revision against the inventory,
// one at a time, in the background. Intake hands it incident ids; at start
// it picks up every incident whose current revision has no assessment yet,
// so a crash between storing and assessing loses nothing.
type assessor struct {
	store   store.Store
	bus     *natsbus.Bus
	inv     *inventory.Inventory
	log     *logrus.Entry
	now     func() time.Time
	onDone  func(id string, a *assess.Assessment)
	metrics *serviceMetrics

	more bool // the backlog had a full page: list again when idle

	mu      sync.Mutex
	pending map[string]bool
	wake    chan struct{}
}

func newAssessor(s store.Store, b *natsbus.Bus, inv *inventory.Inventory, log *logrus.Entry, now func() time.Time, m *serviceMetrics) *assessor {
	return &assessor{store: s, bus: b, inv: inv, log: log.WithField("component", "assess"), now: now, metrics: m,
		pending: map[string]bool{}, wake: make(chan struct{}, 1)}
}

// enqueue asks for incident id to be (re)assessed.
func (a *assessor) enqueue(id string) {
	a.mu.Lock()
	a.pending[id] = true
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

func (a *assessor) next() (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id := range a.pending {
		delete(a.pending, id)
		return id, true
	}
	return "", false
}

// run works until ctx is cancelled.
func (a *assessor) run(ctx context.Context) {
	if a.inv == nil {
		a.log.Warn("no inventory configured (config inventory: or serve --inventory): incidents are stored but not assessed")
		return
	}
	a.more = a.backlog(ctx)
	for {
		id, ok := a.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-a.wake:
				continue
			}
		}
		if err := a.safeAssess(ctx, id); err != nil {
			if ctx.Err() != nil {
				return
			}
			a.metrics.assessFailures.Inc()
			var in *inputFailure
			if errors.As(err, &in) {
				// Kept as an event with its reason, so it is on record
				// beyond this log line; a new revision is assessed anew.
				_ = a.bus.PublishEvent(ctx, id, EventAssessmentFailed, map[string]any{"id": id, "reason": logging.Scrub(err.Error())})
				a.log.WithError(err).WithField("incident", id).Error("incident cannot be assessed against the inventory; send a corrected revision")
				continue
			}
			a.log.WithError(err).WithField("incident", id).Warn("assessment failed; retrying in 5s")
			time.AfterFunc(5*time.Second, func() { a.enqueue(id) })
		}
		if a.more && a.idle() {
			a.more = a.backlog(ctx)
		}
	}
}

// backlog queues incidents stored but not assessed (a crash between the
// two, or a service run without inventory). It reports whether there may
// be more than one page; run lists again once the queue is empty.
func (a *assessor) backlog(ctx context.Context) bool {
	rows, err := a.store.ListUnassessed(ctx, store.MaxListLimit)
	if err != nil {
		a.log.WithError(err).Error("list incidents awaiting assessment")
		return false
	}
	for _, r := range rows {
		a.enqueue(r.ID)
	}
	if len(rows) > 0 {
		a.log.WithField("count", len(rows)).Info("assessing incidents left from before the restart")
	}
	return len(rows) == store.MaxListLimit
}

func (a *assessor) idle() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.pending) == 0
}

// safeAssess is assessOne with a panic turned into an input failure, so one
// incident cannot crash the service at every start.
func (a *assessor) safeAssess(ctx context.Context, id string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &inputFailure{fmt.Errorf("assess incident %s: internal error (panic): %v", id, r)}
		}
	}()
	return a.assessOne(ctx, id)
}

// assessOne assesses the current revision of incident id, stores the
// assessment, records who is affected (and who is newly affected by this
// revision) and publishes the assessed event.
func (a *assessor) assessOne(ctx context.Context, id string) error {
	rec, err := a.store.GetIncident(ctx, id)
	if err != nil {
		return err
	}
	in := rec.Incident
	if rec.Assessment != nil && rec.Assessment.Revision >= in.Revision {
		return nil // already assessed (a replay)
	}
	began := time.Now()
	var res *assess.Assessment
	var walkErr error
	stop := errors.New("stop")
	ids := func(yield func(string) bool) {
		res, walkErr = assess.AssessEach(ctx, a.inv, in, a.now(), func(p *assess.AffectedPerson) error {
			if !yield(p.ID) {
				return stop
			}
			return nil
		})
	}
	// The directory is walked once, inside RecordAffected's transaction:
	// the assessment and the record of who is affected come from the same
	// read.
	newly, err := a.store.RecordAffected(ctx, id, in.Revision, ids)
	if err == nil {
		err = walkErr
	}
	if err == nil && res == nil {
		err = fmt.Errorf("the store did not read the affected people")
	}
	if err != nil {
		if errors.Is(err, assess.ErrInput) {
			return &inputFailure{fmt.Errorf("assess incident %s: %w", id, err)}
		}
		return fmt.Errorf("assess incident %s: %w", id, err)
	}
	doc, err := json.Marshal(struct {
		*assess.Assessment
		NewlyAffected int `json:"newly_affected"`
	}{res, newly})
	if err != nil {
		return fmt.Errorf("encode assessment of %s: %w", id, err)
	}
	// The event goes first: if it cannot be published the assessment is
	// not saved and the whole step is retried; its key (the revision) makes
	// a replay harmless.
	ev := map[string]any{"id": id, "revision": in.Revision, "risk": res.Risk, "level": res.Severity.Level,
		"subjects": res.Subjects.Total, "newly_affected": newly, "by_jurisdiction": res.Subjects.ByJurisdiction}
	if err := a.bus.PublishEvent(ctx, id, EventAssessed, ev, natsbus.EventKey(fmt.Sprint(in.Revision))); err != nil {
		return fmt.Errorf("publish assessed event of %s: %w", id, err)
	}
	if err := a.store.SaveAssessment(ctx, id, in.Revision, res.AssessedAt, doc,
		store.AssessmentSummary{Risk: string(res.Risk), Level: res.Severity.Level, Subjects: res.Subjects.Total}); err != nil {
		return fmt.Errorf("save assessment of %s: %w", id, err)
	}
	a.metrics.assessSeconds.Observe(time.Since(began).Seconds())
	a.log.WithFields(logrus.Fields{"incident": id, "revision": in.Revision, "risk": res.Risk, "subjects": res.Subjects.Total,
		"newly_affected": newly, "took": time.Since(began).Round(time.Millisecond).String()}).Info("incident assessed")
	if a.onDone != nil {
		a.onDone(id, res)
	}
	return nil
}

// inputFailure is an assessment that cannot succeed until the incident or
// the inventory changes: it is recorded, not retried.
type inputFailure struct{ err error }

func (e *inputFailure) Error() string { return e.err.Error() }
func (e *inputFailure) Unwrap() error { return e.err }
