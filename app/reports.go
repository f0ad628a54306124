package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/report"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/workflow"
)

// webReports adapts the store, the ledger and the report builder to the
// API's report routes.
type webReports struct{ s *Service }

var _ web.Reports = webReports{}

// webReports returns the API's reports and registers the
// breach_obligation_due_seconds gauge on the service's registry.
func (s *Service) webReports() web.Reports {
	if err := s.metrics.reg.Register(obligation.NewGauge(s.store, s.now)); err != nil {
		s.log.WithError(err).Warn("obligation gauge not registered")
	}
	return webReports{s}
}

// assessed returns the assessment of an incident with the revision it
// assessed.
func (r webReports) assessed(ctx context.Context, id string) (*incident.Incident, *assess.Assessment, error) {
	if _, err := r.s.store.GetIncident(ctx, id); err != nil {
		return nil, nil, mapErr(err)
	}
	in, a, err := workflow.Assessed(ctx, r.s.store, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: %w", web.ErrNotAssessed, err)
	}
	return in, a, err
}

// Draft implements web.Reports. Drafting moves the jurisdiction's open
// regulator duties to drafted.
func (r webReports) Draft(ctx context.Context, id, jurisdiction, format, by string) ([]byte, error) {
	in, a, err := r.assessed(ctx, id)
	if err != nil {
		return nil, err
	}
	camp, err := r.campaign(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("campaign figures of %s: %w", id, err)
	}
	now := r.s.now().UTC()
	d, err := workflow.BuildDraft(ctx, r.s.inv, in, a, jurisdiction, camp, now)
	if errors.Is(err, report.ErrJurisdiction) {
		return nil, fmt.Errorf("%w: %w", web.ErrUnknownJurisdiction, err)
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, d, format, report.PDFOptions{}); err != nil {
		var fe *report.FontError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("%w: %w", web.ErrRenderUnavailable, err)
		}
		return nil, fmt.Errorf("render the %s draft of %s: %w", jurisdiction, id, err)
	}
	if _, err := r.s.store.UpdateObligations(ctx, id, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		for i := range cur {
			if o := &cur[i]; o.Jurisdiction == d.Jurisdiction && o.Duty == obligation.DutyRegulator && o.State == obligation.StateOpen {
				_ = o.Draft(now, by) // open may always become drafted
			}
		}
		return cur, nil
	}); err != nil {
		r.s.log.WithError(err).WithField("incident", id).Warn("record the regulator duties as drafted")
	}
	return buf.Bytes(), nil
}

// campaign reads the campaign's figures from the ledger: people told per
// channel, when notices first and last went out, who could not be
// reached, and the public notice's address once it is published.
func (r webReports) campaign(ctx context.Context, id string) (*report.Campaign, error) {
	led := r.s.store.Ledger()
	counts, err := led.Counts(ctx, id)
	if err != nil {
		return nil, err
	}
	c := &report.Campaign{Told: map[string]int{}}
	totals := counts.Totals()
	for ch, by := range counts {
		if n := by[notify.StateSent]; n > 0 {
			c.Told[string(ch)] = n
		}
	}
	c.Unreachable = totals[notify.StateUnreachable]
	open, total := counts.Open()
	c.Pending, c.Complete = open, total > 0 && open == 0
	err = led.Each(ctx, id, func(e notify.Entry) error {
		if e.State != notify.StateSent || e.SentAt.IsZero() {
			return nil
		}
		t := e.SentAt.UTC()
		if c.FirstSent == nil || t.Before(*c.FirstSent) {
			c.FirstSent = &t
		}
		if c.LastSent == nil || t.After(*c.LastSent) {
			c.LastSent = &t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	n, err := announce.Load(ctx, r.s.store, id)
	switch {
	case err == nil && !n.Withdrawn():
		c.PublicNoticeURL = r.s.cfg.Public.PageURL(id)
	case err != nil && !errors.Is(err, announce.ErrNotFound):
		return nil, err
	}
	return c, nil
}

// File implements web.Reports.
func (r webReports) File(ctx context.Context, id, jurisdiction string, req web.FilingRequest, by string) (obligation.Obligation, error) {
	if _, _, err := r.assessed(ctx, id); err != nil {
		return obligation.Obligation{}, err
	}
	jurisdiction = strings.ToUpper(jurisdiction)
	want := strings.ToUpper(strings.TrimSpace(req.Filing))
	var filed obligation.Obligation
	_, err := r.s.store.UpdateObligations(ctx, id, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		var ids []string
		for _, o := range cur {
			if o.Jurisdiction == jurisdiction && o.Duty == obligation.DutyRegulator {
				ids = append(ids, o.Filing)
			}
		}
		switch {
		case len(ids) == 0:
			return nil, fmt.Errorf("%w: jurisdiction: incident %s has no report to file for %s", web.ErrFilingRefused, id, jurisdiction)
		case want == "" && len(ids) > 1:
			return nil, fmt.Errorf("%w: filing: %s has %d reports (%s); name the one filed", web.ErrFilingRefused, jurisdiction, len(ids), strings.Join(ids, ", "))
		case want == "":
			want = ids[0]
		case !slices.Contains(ids, want):
			return nil, fmt.Errorf("%w: filing: %q is not a report of %s (it has: %s)", web.ErrFilingRefused, req.Filing, jurisdiction, strings.Join(ids, ", "))
		}
		i := obligation.Find(cur, obligation.Key{Incident: id, Jurisdiction: jurisdiction, Duty: obligation.DutyRegulator, Filing: want})
		if err := cur[i].File(obligation.Filing{At: r.s.now(), By: by, Reference: req.Reference, CopySHA256: strings.ToLower(strings.TrimSpace(req.CopySHA256))}); err != nil {
			return nil, fmt.Errorf("%w: %w", web.ErrFilingRefused, err)
		}
		filed = cur[i]
		return cur, nil
	})
	if err != nil {
		return obligation.Obligation{}, err
	}
	return filed, nil
}

// Obligations implements web.Reports.
func (r webReports) Obligations(ctx context.Context, id string) ([]obligation.Obligation, error) {
	if _, err := r.s.store.GetIncident(ctx, id); err != nil {
		return nil, mapErr(err)
	}
	return r.s.store.IncidentObligations(ctx, id)
}

// Deadlines implements web.Reports.
func (r webReports) Deadlines(ctx context.Context, now time.Time) ([]obligation.Deadline, error) {
	obs, err := r.s.store.PendingObligations(ctx)
	if err != nil {
		return nil, err
	}
	return obligation.Deadlines(obs, now), nil
}
