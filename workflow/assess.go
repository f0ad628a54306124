package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/report"
	"github.com/breach-notify/breach/store"
)

// assessor assesses stored incident revisions against the inventory. It
// is driven by the "received" and "assessment.requested" events through a
// durable consumer, so any replica may do the work; at start it requests
// the assessment of every revision left unassessed, so a crash between
// storing and assessing loses nothing.
type assessor struct {
	store   store.Store
	events  Publisher
	inv     *inventory.Inventory
	log     *logrus.Entry
	now     func() time.Time
	metrics *metrics
	runners []*natsbus.Runner
	mu      sync.Mutex // one assessment at a time
	// announce, when set, indexes addresses and checks the public notice
	// after each assessment.
	announce *announcer
}

// handle assesses the incident an event names, one at a time per replica.
func (a *assessor) handle(ctx context.Context, m jetstream.Msg) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var ev struct {
		ID       string `json:"id"`
		Revision int    `json:"revision"`
	}
	if err := json.Unmarshal(m.Data(), &ev); err != nil || !incident.ValidID(ev.ID) {
		fail(a.runners, ctx, m, fmt.Errorf("event is not an incident reference: %v", err), true)
		return
	}
	if a.inv == nil {
		_ = m.Ack() // nothing to assess against; logged once at start
		return
	}
	err := a.safeAssess(ctx, ev.ID)
	var in *inputFailure
	switch {
	case err == nil:
	case errors.As(err, &in):
		a.metrics.assessFailures.Inc()
		// Kept as an event with its reason, so it is on record beyond
		// this log line; a new revision is assessed anew.
		failure := incident.AssessmentFailed{ID: ev.ID, Revision: ev.Revision, Reason: logging.Scrub(err.Error())}
		if perr := a.events.Publish(ctx, failure); perr != nil {
			fail(a.runners, ctx, m, perr, false)
			return
		}
		a.log.WithError(err).WithField("incident", ev.ID).Error("incident cannot be assessed against the inventory; send a corrected revision")
	default:
		a.metrics.assessFailures.Inc()
		a.log.WithError(err).WithField("incident", ev.ID).Warn("assessment failed; will retry")
		fail(a.runners, ctx, m, err, false)
		return
	}
	if err := m.DoubleAck(ctx); err != nil {
		a.log.WithError(err).WithField("incident", ev.ID).Warn("ack not confirmed; the assessment event may be redelivered (harmless)")
	}
}

// backlog requests the assessment of every revision stored but not
// assessed (a crash between the two, or a service run without inventory).
func (a *assessor) backlog(ctx context.Context, nonce string) error {
	rows, err := a.store.ListUnassessed(ctx, store.MaxListLimit)
	if err != nil {
		return fmt.Errorf("list incidents awaiting assessment: %w", err)
	}
	for _, r := range rows {
		if err := a.events.Publish(ctx, incident.AssessmentRequested{ID: r.ID, Revision: r.Revision, Nonce: nonce}); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		a.log.WithField("count", len(rows)).Info("assessing incidents left from before the restart")
	}
	return nil
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
	// The report drafts of an assessment may count the people per member
	// state or State (mayCount): they are counted in this walk, so the
	// obligations need not walk the directory again.
	var people *report.Tally
	if mayCount(a.inv) {
		people = report.NewTally()
	}
	ids := func(yield func(string) bool) {
		res, walkErr = assess.AssessEach(ctx, a.inv, in, a.now(), func(p *assess.AffectedPerson) error {
			if !yield(p.ID) {
				return stop
			}
			if people != nil {
				people.Add(p)
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
	ev := incident.Assessed{ID: id, Revision: in.Revision, Risk: string(res.Risk), Level: res.Severity.Level,
		Subjects: res.Subjects.Total, NewlyAffected: newly, ByJurisdiction: res.Subjects.ByJurisdiction}
	if err := a.events.Publish(ctx, ev); err != nil {
		return err
	}
	if err := a.store.SaveAssessment(ctx, id, in.Revision, res.AssessedAt, doc,
		store.AssessmentSummary{Risk: string(res.Risk), Level: res.Severity.Level, Subjects: res.Subjects.Total}); err != nil {
		return fmt.Errorf("save assessment of %s: %w", id, err)
	}
	a.obligations(ctx, in, res, people)
	if a.announce != nil {
		// After the save: the directory is read again, outside the
		// transaction that recorded who is affected.
		// Neither failure undoes the assessment: each is logged, and the
		// campaign watch checks the public notice again.
		if err := a.announce.indexAddresses(ctx, in); err != nil {
			a.log.WithError(err).WithField("incident", id).Error("\"am I affected?\" cannot find this incident's people until it is assessed again")
		}
		if err := a.announce.check(ctx, in, res, 0); err != nil {
			a.log.WithError(err).WithField("incident", id).Error("public notice check")
		}
	}
	a.metrics.assessSeconds.Observe(time.Since(began).Seconds())
	a.log.WithFields(logrus.Fields{"incident": id, "revision": in.Revision, "risk": res.Risk, "subjects": res.Subjects.Total,
		"newly_affected": newly, "took": time.Since(began).Round(time.Millisecond).String()}).Info("incident assessed")
	return nil
}

// inputFailure is an assessment that cannot succeed until the incident or
// the inventory changes: it is recorded, not retried.
type inputFailure struct{ err error }

func (e *inputFailure) Error() string { return e.err.Error() }
func (e *inputFailure) Unwrap() error { return e.err }
