package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/store"
)

// EventDeadlineWarning is published when a legal deadline of an assessed
// incident comes near or passes (DESIGN §7).
const EventDeadlineWarning = "deadline.warning"

// deadlineThresholds are the times left at which a warning is raised; the
// last, 0, means overdue.
var deadlineThresholds = []time.Duration{24 * time.Hour, 6 * time.Hour, time.Hour, 0}

// deadlineWarning is one threshold crossed by one deadline.
type deadlineWarning struct {
	Jurisdiction string    `json:"jurisdiction"`
	To           string    `json:"to"`
	Due          time.Time `json:"due"`
	Threshold    string    `json:"threshold"` // "24h", "6h", "1h" or "overdue"
	TimeLeft     string    `json:"time_left"`
}

func (w deadlineWarning) key() string {
	return fmt.Sprintf("%s/%s/%s/%s", w.Jurisdiction, w.To, w.Due.UTC().Format(time.RFC3339), w.Threshold)
}

// dueWarnings returns, for each deadline of the assessment, the tightest
// threshold it has crossed at now (none when more than a day is left).
func dueWarnings(a *assess.Assessment, now time.Time) []deadlineWarning {
	var out []deadlineWarning
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
			out = append(out, deadlineWarning{Jurisdiction: d.Jurisdiction, To: d.To, Due: d.Due, Threshold: name, TimeLeft: left.Round(time.Minute).String()})
			break
		}
	}
	return out
}

// deadlineWatch remembers each incident's deadlines by assessment, so the
// minutely check reads an assessment document only when it changed.
type deadlineWatch struct {
	store store.Store
	bus   *natsbus.Bus
	log   *logrus.Entry
	seen  map[string]cachedAssessment
}

type cachedAssessment struct {
	revision   int
	assessedAt time.Time
	a          *assess.Assessment
}

// watchDeadlines checks every assessed incident's deadlines each interval
// and publishes a deadline.warning event (deduplicated by deadline and
// threshold) when one comes within a day, six hours, an hour, or passes.
func watchDeadlines(ctx context.Context, st store.Store, bus *natsbus.Bus, now func() time.Time, interval time.Duration, log *logrus.Entry) {
	w := &deadlineWatch{store: st, bus: bus, log: log, seen: map[string]cachedAssessment{}}
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
				if err := w.bus.PublishEvent(ctx, r.ID, EventDeadlineWarning, dw, natsbus.EventKey(dw.key())); err != nil {
					w.log.WithError(err).WithField("incident", r.ID).Warn("publish deadline warning")
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
