// Package workflow runs what happens to an incident after intake stored
// it: the assessment against the inventory, the notice campaign once a
// person approved it, and the watch over legal deadlines. Each step is
// driven by lifecycle events (incident.Event) read through durable
// JetStream consumers, so several replicas of the service share the work
// and nothing depends on one process's memory: the assessment consumer
// reads "received" and "assessment.requested", the campaign consumer
// "assessed", "approved" and "campaign.requested". Every goroutine belongs
// to Run's context and wait group.
package workflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/store"
)

// Config is what the workflow needs. Composer and Planner are nil when no
// inventory is configured: incidents are then stored, not assessed.
type Config struct {
	Store     store.Store
	Bus       *natsbus.Bus
	Inventory *inventory.Inventory
	Composer  *compose.Composer
	Planner   *notify.Planner
	// Events publishes the lifecycle events; the bus (with retries) when
	// nil. Tests inject faults here.
	Events      Publisher
	AutoApprove bool
	NotifyAll   bool
	// DeviceKey keys the digests of the push devices recorded gone (the
	// notice key, shared by the replicas); campaigns, follow-ups,
	// re-sends and previews skip those devices. Nil skips none.
	DeviceKey []byte
	// MaxUntranslated is campaign.max_untranslated: how many people of a
	// high-risk campaign may get the incident's text untranslated (0 by
	// default, -1 any number).
	MaxUntranslated int
	// ApprovalsRequired is campaign.approvals_required: how many distinct
	// principals approve a revision before its campaign starts (1 when 0).
	ApprovalsRequired int
	Now               func() time.Time
	Log               *logrus.Entry
	// Registerer receives the workflow's metrics; none when nil.
	Registerer prometheus.Registerer
	// Announce, when set, indexes affected addresses for "am I affected?"
	// and watches whether a public notice is owed.
	Announce *AnnounceConfig
	// DeadlineEvery is how often deadlines are checked (1m);
	// CompletionEvery how often campaigns are checked for completion (5s).
	DeadlineEvery, CompletionEvery time.Duration
}

// Workflow is the assessment, campaign and deadline loops of one replica.
type Workflow struct {
	cfg      Config
	events   Publisher
	assess   *assessor
	camp     *campaigner
	announce *announcer
	log      *logrus.Entry
}

// metrics are the workflow's Prometheus series.
type metrics struct {
	assessFailures prometheus.Counter
	assessSeconds  prometheus.Histogram
}

// Durable consumer names of the workflow.
const (
	ConsumerAssess   = "workflow-assess"
	ConsumerCampaign = "workflow-campaign"
)

// New builds the workflow; Run starts it.
func New(cfg Config) (*Workflow, error) {
	if cfg.Store == nil || cfg.Bus == nil {
		return nil, errors.New("new workflow: store and bus are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = logging.Discard()
	}
	if cfg.DeadlineEvery <= 0 {
		cfg.DeadlineEvery = time.Minute
	}
	if cfg.CompletionEvery <= 0 {
		cfg.CompletionEvery = 5 * time.Second
	}
	events := cfg.Events
	if events == nil {
		events = Retrying(cfg.Bus, 5, 200*time.Millisecond)
	}
	m := &metrics{
		assessFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "breach_assessment_failures_total",
			Help: "Assessments that failed (input errors or storage)."}),
		assessSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "breach_assessment_seconds",
			Help: "Time to assess one incident revision against the inventory.", Buckets: prometheus.ExponentialBuckets(0.01, 3, 10)}),
	}
	if cfg.Registerer != nil {
		if err := errors.Join(cfg.Registerer.Register(m.assessFailures), cfg.Registerer.Register(m.assessSeconds)); err != nil {
			return nil, fmt.Errorf("new workflow: metrics: %w", err)
		}
	}
	w := &Workflow{cfg: cfg, events: events, log: cfg.Log}
	w.assess = &assessor{store: cfg.Store, events: events, inv: cfg.Inventory, log: cfg.Log.WithField("component", "assess"), now: cfg.Now, metrics: m}
	if cfg.Announce != nil && cfg.Inventory != nil {
		w.announce = &announcer{cfg: *cfg.Announce, store: cfg.Store, inv: cfg.Inventory, events: events,
			log: cfg.Log.WithField("component", "announce"), now: cfg.Now, told: map[string]bool{}}
		w.assess.announce = w.announce
	}
	subjects := cfg.Bus.Topics()
	var err error
	// One durable consumer per event kind: a consumer with several filter
	// subjects needs NATS 2.10, and a shared cluster may run 2.9.
	w.assess.runners, err = kindRunners(cfg.Bus, ConsumerAssess, "assess stored revisions",
		[]incident.EventKind{incident.EventReceived, incident.EventAssessmentRequested},
		natsbus.RunnerConfig{Consumer: jetstream.ConsumerConfig{AckWait: 30 * time.Second, MaxDeliver: 10},
			Deadletter: subjects.Deadletter("assess"), NakDelay: time.Second, MaxNakDelay: time.Minute},
		w.assess.handle, w.assess.log)
	if err != nil {
		return nil, fmt.Errorf("new workflow: %w", err)
	}
	if cfg.Planner != nil {
		clog := cfg.Log.WithField("component", "campaign")
		w.camp = &campaigner{store: cfg.Store, ledger: cfg.Planner.Ledger, events: events, inv: cfg.Inventory, composer: cfg.Composer,
			planner: cfg.Planner, autoApprove: cfg.AutoApprove, notifyAll: cfg.NotifyAll, log: clog, now: cfg.Now, active: map[string]int{},
			announce: w.announce, maxUntranslated: cfg.MaxUntranslated, deviceKey: cfg.DeviceKey, approvalsRequired: max(cfg.ApprovalsRequired, 1)}
		// A campaign is never given up: it is retried until it plans.
		w.camp.runners, err = kindRunners(cfg.Bus, ConsumerCampaign, "plan approved campaigns",
			[]incident.EventKind{incident.EventAssessed, incident.EventApproved, incident.EventCampaignRequested},
			natsbus.RunnerConfig{Consumer: jetstream.ConsumerConfig{AckWait: 30 * time.Second},
				Deadletter: subjects.Deadletter("campaign"), NakDelay: 5 * time.Second, MaxNakDelay: time.Minute},
			w.camp.handle, clog)
		if err != nil {
			return nil, fmt.Errorf("new workflow: %w", err)
		}
		if cfg.AutoApprove {
			clog.Warn("campaign.auto_approve is on: notices go out without a person's approval (demos and tests only)")
		}
	}
	return w, nil
}

// Runners are the workflow's consumers, for the readiness checks.
func (w *Workflow) Runners() []*natsbus.Runner {
	out := append([]*natsbus.Runner(nil), w.assess.runners...)
	if w.camp != nil {
		out = append(out, w.camp.runners...)
	}
	return out
}

// kindRunners builds one runner per event kind for a workflow step: the
// durable consumer <name>-<kind> reading <prefix>.event.*.<kind>, one
// message at a time, all handled by h.
func kindRunners(bus *natsbus.Bus, name, what string, kinds []incident.EventKind, base natsbus.RunnerConfig, h natsbus.Handler, log *logrus.Entry) ([]*natsbus.Runner, error) {
	var out []*natsbus.Runner
	for _, k := range kinds {
		cfg := base
		cfg.Stream = bus.Streams().Events
		cfg.Workers = 1
		cfg.Consumer.Durable = name + "-" + strings.ReplaceAll(string(k), ".", "-")
		cfg.Consumer.Description = "breach workflow: " + what + " (" + string(k) + ")"
		cfg.Consumer.FilterSubject = bus.Topics().Event("*", string(k))
		r, err := bus.NewRunner(cfg, h, log)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Run runs the consumers, the deadline watch and the completion watch
// until ctx ends, and returns once every one of its goroutines has.
func (w *Workflow) Run(ctx context.Context) error {
	if w.cfg.Inventory == nil {
		w.log.Warn("no inventory configured (config inventory: or serve --inventory): incidents are stored but not assessed")
	}
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	for _, r := range w.Runners() {
		wg.Go(func() {
			if err := r.Run(ctx); err != nil {
				errc <- err
			}
		})
	}
	wg.Go(func() {
		watchDeadlines(ctx, w.cfg.Store, w.events, w.cfg.Now, w.cfg.DeadlineEvery, w.log.WithField("component", "deadlines"))
	})
	if w.camp != nil {
		wg.Go(func() { w.camp.watch(ctx, w.cfg.CompletionEvery) })
		// Regulator deadlines that run from the consumer notice are dated
		// once its first notice is out.
		wg.Go(func() {
			watchNoticeClocks(ctx, w.cfg.Store, w.cfg.DeadlineEvery, w.log.WithField("component", "notice-clocks"))
		})
	}
	// What a crash left behind is requested again through the bus, so
	// whichever replica is free does it.
	wg.Go(func() {
		nonce := strconv.FormatInt(w.cfg.Now().UnixNano(), 36)
		if w.cfg.Inventory != nil {
			// Incidents assessed before obligations were kept get theirs.
			if _, err := BackfillObligations(ctx, w.cfg.Store, w.cfg.Inventory, w.cfg.Now()); err != nil && ctx.Err() == nil {
				w.log.WithError(err).Error("backfill obligations")
			}
			if err := w.assess.backlog(ctx, nonce); err != nil && ctx.Err() == nil {
				w.log.WithError(err).Error("request assessments left from before the restart")
			}
		}
		if w.camp != nil {
			if err := w.camp.resume(ctx, nonce); err != nil && ctx.Err() == nil {
				w.log.WithError(err).Error("resume approved campaigns")
			}
		}
	})
	wg.Wait()
	close(errc)
	return <-errc
}

// Approve records by's approval of the current, assessed revision of
// incident id; once campaign.approvals_required distinct principals
// approved it, its campaign starts. It fails with ErrNotAssessed,
// ErrCampaignBlocked, ErrAlreadyApproved or ErrSameApprover (wrapped) when
// it cannot.
func (w *Workflow) Approve(ctx context.Context, id, by string) (Approval, error) {
	if w.camp == nil {
		return Approval{}, fmt.Errorf("approve %s: no inventory configured, so there is no campaign to approve", id)
	}
	return w.camp.approve(ctx, id, by)
}

// Approvals returns who approved the current revision of incident id so
// far and how many approvals it needs.
func (w *Workflow) Approvals(ctx context.Context, id string) (Approval, error) {
	st, err := w.cfg.Store.ApprovalState(ctx, id)
	if err != nil {
		return Approval{}, err
	}
	required := 1
	if w.camp != nil {
		required = w.camp.approvalsRequired
	}
	ap := Approval{State: st, Required: required}
	if st.Approved {
		if a, err := w.cfg.Store.GetApproval(ctx, id); err == nil {
			ap.Approval = a
		}
	}
	return ap, nil
}

// Preview computes what the campaign of incident id would do (people per
// channel, locale and jurisdiction, unreachable, stranded for lack of a
// provider, untranslated per locale) without planning anything: the
// approval preview.
func (w *Workflow) Preview(ctx context.Context, id string) (notify.Preview, error) {
	if w.camp == nil {
		return notify.Preview{}, errors.New("preview campaign: no inventory, no campaign")
	}
	return w.camp.Preview(ctx, id)
}

// Campaigns reports whether the workflow runs campaigns (an inventory is
// configured).
func (w *Workflow) Campaigns() bool { return w.camp != nil }

// Announce records a version of an incident's public notice (publish,
// update, correction, withdrawal) approved by approver, against its
// current revision and assessment, and announces it.
func (w *Workflow) Announce(ctx context.Context, id string, req announce.Request) (announce.Version, error) {
	if w.announce == nil {
		return announce.Version{}, fault.Errorf(fault.Conflict, "announce %s: no inventory configured, so there is no public notice", id)
	}
	rec, err := w.cfg.Store.GetIncident(ctx, id)
	if err != nil {
		return announce.Version{}, err
	}
	var a *assess.Assessment
	if req.Kind != announce.KindWithdrawal {
		if a, err = readAssessment(ctx, w.cfg.Store, id); err != nil {
			return announce.Version{}, fmt.Errorf("announce %s: %w", id, err)
		}
	}
	v, err := w.announce.cfg.Service.Apply(ctx, rec.Incident, a, req)
	if err != nil {
		return announce.Version{}, err
	}
	if err := w.announce.published(ctx, id, v.Version); err != nil {
		return v, fmt.Errorf("announce %s: version %d is published, but its event is not: %w", id, v.Version, err)
	}
	if err := PublicNoticePublished(ctx, w.cfg.Store, v); err != nil {
		return v, fmt.Errorf("announce %s: version %d published, obligation not recorded: %w", id, v.Version, err)
	}
	return v, nil
}

// fail settles m through the runner that delivered it (the one of its
// consumer), so its redelivery limit and dead-letter subject apply.
func fail(runners []*natsbus.Runner, ctx context.Context, m jetstream.Msg, cause error, permanent bool) {
	r := runners[0]
	if md, err := m.Metadata(); err == nil {
		for _, x := range runners {
			if x.Name() == md.Consumer {
				r = x
			}
		}
	}
	r.Fail(ctx, m, cause, permanent)
}
