package obligation

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

type listFunc func(ctx context.Context) ([]Obligation, error)

func (f listFunc) PendingObligations(ctx context.Context) ([]Obligation, error) { return f(ctx) }

func TestGauge(t *testing.T) {
	now := t0.Add(80 * time.Hour)
	fr, de := ob(DutyRegulator, "EU-GDPR/FR", StateOpen), ob(DutyRegulator, "EU-GDPR/DE", StateOpen)
	de.Due = at(70) // the soonest filing of the duty is exported
	ind := ob(DutyIndividuals, "", StateOpen)
	ind.Jurisdiction, ind.Due = "US-CA", at(24*30)
	undated := ob(DutyPublic, "", StateOpen)
	undated.Due = nil
	filed := ob(DutyRegulator, "UK-GDPR", StateFiled)
	filed.Jurisdiction = "UK-GDPR"
	g := NewGauge(listFunc(func(context.Context) ([]Obligation, error) {
		return []Obligation{fr, de, ind, undated, filed}, nil
	}), func() time.Time { return now })
	reg := prometheus.NewRegistry()
	reg.MustRegister(g)
	want := `
# HELP breach_obligation_due_seconds Seconds until a pending legal obligation is due (negative when overdue).
# TYPE breach_obligation_due_seconds gauge
breach_obligation_due_seconds{duty="individuals",incident="INC-1",jurisdiction="US-CA"} 2.304e+06
breach_obligation_due_seconds{duty="regulator",incident="INC-1",jurisdiction="EU-GDPR"} -36000
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), GaugeName); err != nil {
		t.Error(err)
	}
}

func TestGaugeReadError(t *testing.T) {
	g := NewGauge(listFunc(func(context.Context) ([]Obligation, error) { return nil, errors.New("down") }), nil)
	reg := prometheus.NewRegistry()
	reg.MustRegister(g)
	if n, err := testutil.GatherAndCount(reg, GaugeName); err != nil || n != 0 {
		t.Errorf("series while the store is down: got %d, %v; want 0, nil", n, err)
	}
	if got := testutil.ToFloat64(g.errs); got != 1 {
		t.Errorf("scrape errors: got %v, want 1", got)
	}
}
