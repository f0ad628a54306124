package workflow

import (
	"context"
	"encoding/json"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/store"
)

// deadlineThresholds are the times left at which a warning is raised; the
// last, 0, means overdue.
var deadlineThresholds = []time.Duration{24 * time.Hour, 6 * time.Hour, time.Hour, 0}

// dueWarnings returns, for each deadline of the assessment, the tightest
// threshold it has crossed at now (none when more than a day is left).
func dueWarnings(a *assess.Assessment, now time.Time) []incident.DeadlineWarning {
	var out []incident.DeadlineWarning
	for _, d := range a.Deadlines {
		left := d.Due.Sub(now)
		for i := len(deadlineThresholds) - 1; i >= 0; i-- {
			th := deadlineThresholds[i]
			if left > th {
				continue
			}
			name := "overdue"
			if th > 0 {
				name = th.String()
				name = name[:len(name)-4] // "24h0m0s" → "24h"
			}
			out = append(out, incident.DeadlineWarning{Jurisdiction: d.Jurisdiction, To: d.To, Due: d.Due, Threshold: name, TimeLeft: left.Round(time.Minute).String()})
			break
		}
	}
	return out
}

// deadlineWatch remembers each incident's deadlines by assessment, so the
// minutely check reads an assessment document only when it changed.
type deadlineWatch struct {
	store  store.Store
	events Publisher
	log    *logrus.Entry
	seen   map[string]cachedAssessment
}

type cachedAssessment struct {
	revision   int
	assessedAt time.Time
	a          *assess.Assessment
}

// watchDeadlines checks every assessed incident's deadlines each interval
// and publishes a deadline.warning event (deduplicated by deadline and
// threshold) when one comes within a day, six hours, an hour, or passes.
func watchDeadlines(ctx context.Context, st store.Store, events Publisher, now func() time.Time, interval time.Duration, log *logrus.Entry) {
	w := &deadlineWatch{store: st, events: events, log: log, seen: map[string]cachedAssessment{}}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		w.check(ctx, now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *deadlineWatch) check(ctx context.Context, now time.Time) {
	cursor := ""
	for ctx.Err() == nil {
		rows, next, err := w.store.ListIncidents(ctx, store.ListOptions{Limit: store.MaxListLimit, After: cursor})
		if err != nil {
			w.log.WithError(err).Warn("deadline check: list incidents")
			return
		}
		for _, r := range rows {
			if r.Assessment == nil {
				continue
			}
			a := w.assessment(ctx, r.ID, r.Assessment)
			if a == nil {
				continue
			}
			for _, dw := range dueWarnings(a, now) {
				dw.ID = r.ID
				if err := w.events.Publish(ctx, dw); err != nil {
					// Not lost: the next check publishes it again.
					w.log.WithError(err).WithField("incident", r.ID).Warn("publish deadline warning; retrying at the next check")
				}
			}
		}
		if next == "" {
			return
		}
		cursor = next
	}
}

// assessment returns the incident's assessment, read from the store only
// when it is not the one seen before.
func (w *deadlineWatch) assessment(ctx context.Context, id string, ref *store.AssessmentRef) *assess.Assessment {
	if c, ok := w.seen[id]; ok && c.revision == ref.Revision && c.assessedAt.Equal(ref.AssessedAt) {
		return c.a
	}
	doc, _, err := w.store.GetAssessment(ctx, id)
	if err != nil {
		return nil
	}
	var a assess.Assessment
	if json.Unmarshal(doc, &a) != nil {
		return nil
	}
	slim := &assess.Assessment{Deadlines: a.Deadlines} // only the deadlines are kept
	w.seen[id] = cachedAssessment{revision: ref.Revision, assessedAt: ref.AssessedAt, a: slim}
	return slim
}
