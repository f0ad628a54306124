package obligation

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Lister returns every pending obligation across incidents.
type Lister interface {
	PendingObligations(ctx context.Context) ([]Obligation, error)
}

// GaugeName is the name of the series Gauge exports.
const GaugeName = "breach_obligation_due_seconds"

// Gauge is a Prometheus collector of breach_obligation_due_seconds
// {incident, jurisdiction, duty}: the seconds until a pending, dated
// obligation is due, negative once overdue, so that an alert can page
// before a legal deadline. Where one duty has several filings (one per
// member state), the soonest is exported.
type Gauge struct {
	list    Lister
	now     func() time.Time
	timeout time.Duration
	desc    *prometheus.Desc
	errs    prometheus.Counter
}

var _ prometheus.Collector = (*Gauge)(nil)

// NewGauge returns the collector reading from list at scrape time; now
// nil means time.Now.
func NewGauge(list Lister, now func() time.Time) *Gauge {
	if now == nil {
		now = time.Now
	}
	return &Gauge{list: list, now: now, timeout: 5 * time.Second,
		desc: prometheus.NewDesc(GaugeName, "Seconds until a pending legal obligation is due (negative when overdue).",
			[]string{"incident", "jurisdiction", "duty"}, nil),
		errs: prometheus.NewCounter(prometheus.CounterOpts{Name: "breach_obligation_scrape_errors_total",
			Help: "Scrapes at which the obligations could not be read."}),
	}
}

// Describe implements prometheus.Collector.
func (g *Gauge) Describe(ch chan<- *prometheus.Desc) {
	ch <- g.desc
	g.errs.Describe(ch)
}

// Collect implements prometheus.Collector.
func (g *Gauge) Collect(ch chan<- prometheus.Metric) {
	defer g.errs.Collect(ch)
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	obs, err := g.list.PendingObligations(ctx)
	if err != nil {
		g.errs.Inc()
		return
	}
	type key struct{ incident, jurisdiction, duty string }
	soonest := map[key]float64{}
	var order []key
	for _, d := range Deadlines(obs, g.now()) {
		if d.LeftSeconds == nil {
			continue
		}
		k := key{d.Incident, d.Jurisdiction, d.Duty}
		if _, ok := soonest[k]; ok {
			continue // Deadlines lists the soonest first
		}
		soonest[k] = float64(*d.LeftSeconds)
		order = append(order, k)
	}
	for _, k := range order {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, soonest[k], k.incident, k.jurisdiction, k.duty)
	}
}
