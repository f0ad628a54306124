package workflow

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/obligation"
)

// deadlineThresholds are the times left at which a warning is raised; the
// last, 0, means overdue.
var deadlineThresholds = []time.Duration{24 * time.Hour, 6 * time.Hour, time.Hour, 0}

// dueWarnings returns, for each pending dated obligation, the tightest
// threshold it has crossed at now (none when more than a day is left).
// Filed duties and duties no longer required raise nothing; a duty dated
// from another act (the Californian attorney general's copy, 15 days after
// the consumer notice) warns once that act has dated it.
func dueWarnings(obs []obligation.Obligation, now time.Time) []incident.DeadlineWarning {
	var out []incident.DeadlineWarning
	for _, d := range obligation.Deadlines(obs, now) {
		if d.Due == nil {
			continue
		}
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
			out = append(out, incident.DeadlineWarning{ID: d.Incident, Jurisdiction: d.Jurisdiction, Filing: d.Filing, To: d.To, Due: d.Due.UTC(),
				Threshold: name, TimeLeft: left.Round(time.Minute).String()})
			break
		}
	}
	return out
}

// pendingObligations lists the obligations still to be met.
type pendingObligations interface {
	PendingObligations(ctx context.Context) ([]obligation.Obligation, error)
}

// watchDeadlines checks the pending obligations each interval and
// publishes a deadline.warning event (deduplicated by deadline and
// threshold) when one comes within a day, six hours, an hour, or passes.
func watchDeadlines(ctx context.Context, st pendingObligations, events Publisher, now func() time.Time, interval time.Duration, log *logrus.Entry) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		checkDeadlines(ctx, st, events, now(), log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func checkDeadlines(ctx context.Context, st pendingObligations, events Publisher, now time.Time, log *logrus.Entry) {
	obs, err := st.PendingObligations(ctx)
	if err != nil {
		log.WithError(err).Warn("deadline check: pending obligations; retrying at the next check")
		return
	}
	for _, dw := range dueWarnings(obs, now) {
		if err := events.Publish(ctx, dw); err != nil {
			// Not lost: the next check publishes it again.
			log.WithError(err).WithField("incident", dw.ID).Warn("publish deadline warning; retrying at the next check")
		}
	}
}
