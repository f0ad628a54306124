package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/intake"
	"github.com/breach-notify/breach/notify"
)

// serviceMetrics are the service's own Prometheus series (the API registers
// its HTTP series on the same registry).
type serviceMetrics struct {
	reg *prometheus.Registry
}

func newServiceMetrics() *serviceMetrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &serviceMetrics{reg: reg}
}

// registerIntake exports intake's counters and consumer lag.
func (m *serviceMetrics) registerIntake(in *intake.Intake) {
	counter := func(name, help string, get func(intake.Stats) uint64) {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(get(in.Stats())) }))
	}
	counter("breach_incidents_received_total", "Incident messages handled by intake (each delivery counts).", func(s intake.Stats) uint64 { return s.Received })
	counter("breach_incidents_stored_total", "New incident revisions stored.", func(s intake.Stats) uint64 { return s.Stored })
	counter("breach_incidents_duplicate_total", "Replayed incident revisions the store already had.", func(s intake.Stats) uint64 { return s.Duplicates })
	counter("breach_incidents_rejected_total", "Incident messages rejected and dead-lettered with their reason.", func(s intake.Stats) uint64 { return s.Rejected })
	counter("breach_incidents_retried_total", "Incident deliveries handed back for redelivery after a transient failure.", func(s intake.Stats) uint64 { return s.Retried })
	counter("breach_incidents_exhausted_total", "Incident messages whose redeliveries ran out (copied to DEADLETTER for replay, not stored): alert on any.", func(s intake.Stats) uint64 { return s.Exhausted })
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "breach_intake_consumer_lag",
		Help: "Incident messages waiting for the intake consumer (pending plus unacknowledged)."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := in.Lag(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// countingSink counts the notice outcomes the workers report, per channel,
// so that "the SMTP relay is down" shows on /metrics before anyone asks.
type countingSink struct {
	notify.Sink
	outcomes *prometheus.CounterVec
}

func (m *serviceMetrics) countNotices(s notify.Sink) notify.Sink {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "breach_notices_total",
		Help: "Notice outcomes by channel: sent, failed (permanently, after retries, or unreachable)."}, []string{"channel", "outcome"})
	m.reg.MustRegister(v)
	return countingSink{Sink: s, outcomes: v}
}

// Event counts ev's outcome and publishes it. The outcome is counted
// whether or not the bus takes the event, so the series goes on counting
// while NATS is in trouble; a worker republishes through Republish,
// which does not count again.
func (c countingSink) Event(ctx context.Context, ev incident.NoticeOutcome) error {
	c.count(ev)
	return c.Sink.Event(ctx, ev)
}

// Republish implements notify.Republisher: it publishes without counting.
func (c countingSink) Republish(ctx context.Context, ev incident.NoticeOutcome) error {
	return c.Sink.Event(ctx, ev)
}

// count counts ev's outcome.
func (c countingSink) count(ev incident.NoticeOutcome) {
	switch ev.Kind {
	case incident.EventNoticeSent:
		c.outcomes.WithLabelValues(ev.Channel, "sent").Inc()
	case incident.EventNoticeWritten:
		c.outcomes.WithLabelValues(ev.Channel, "written").Inc()
	case incident.EventNoticeFailed:
		c.outcomes.WithLabelValues(ev.Channel, ev.State).Inc()
	}
}

// noticesRejected registers breach_notices_rejected_total{reason} and
// returns the hook the notice workers call (notify.WorkerConfig.Rejected).
func (m *serviceMetrics) noticesRejected() func(reason string) {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "breach_notices_rejected_total",
		Help: "NOTICES messages dead-lettered unsent: forged, malformed, unknown key, replayed (final), no job."}, []string{"reason"})
	for _, r := range notify.RejectReasons {
		v.WithLabelValues(r)
	}
	m.reg.MustRegister(v)
	return func(reason string) { v.WithLabelValues(reason).Inc() }
}
