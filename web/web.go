// Package web is breach's HTTP API: incident submission (published to NATS
// like any other source), incident and assessment reads, approval of an
// incident for notification, the status and CSV export of its notice
// campaign, health and readiness probes and Prometheus metrics. It depends
// only on the small interfaces it declares (Incidents, Publisher,
// Campaigns, Check); the service wires the store, the ledger and the
// message bus behind them.
//
// Every error leaves as JSON, {"error": "...", "code": "...",
// "request_id": "..."} plus "problems" for a rejected incident, with a status
// chosen in one place (errors.go). Requests are logged without bodies or
// query strings, by route pattern, under a request id that is echoed in the
// X-Request-Id header.
package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
)

// ErrNotFound is returned (possibly wrapped) by an Incidents implementation
// when the incident, or its assessment, does not exist. The service maps the
// store's own sentinel onto it.
var ErrNotFound = fault.New(fault.NotFound, "not found")

// ErrInvalidCursor is returned (possibly wrapped) by ListIncidents when the
// cursor was not produced by an earlier call. The API answers 400.
var ErrInvalidCursor = fault.New(fault.Invalid, "the cursor is not valid; start again without one")

// Incidents reads stored incidents and their assessments.
type Incidents interface {
	// GetIncident returns the current revision of an incident with its
	// history, or an error matching ErrNotFound.
	GetIncident(ctx context.Context, id string) (IncidentView, error)
	// ListIncidents returns up to limit incidents, newest first, starting
	// after cursor ("" for the first page), and the cursor of the next page
	// ("" when there is none).
	ListIncidents(ctx context.Context, limit int, cursor string) ([]IncidentSummary, string, error)
	// GetAssessment returns the latest assessment document of an incident
	// (docs/assessment.md), or an error matching ErrNotFound when it has not been
	// assessed.
	GetAssessment(ctx context.Context, id string) (json.RawMessage, error)
}

// RevisionChecker is implemented by an Incidents reader that can tell
// whether a revision it stored differs from a document submitted again
// under the same id and revision. JetStream drops such a resubmission as a
// duplicate (its message id is id/revision), so without this check a
// changed document would be silently ignored.
type RevisionChecker interface {
	// ConflictsWithStored reports whether in.ID's revision in.Revision is
	// stored with other content; false when it is not stored (yet).
	ConflictsWithStored(ctx context.Context, in *incident.Incident) (bool, error)
	// NextRevision is the revision the next change of incident id must
	// carry: one above the highest stored (1 for a new incident).
	NextRevision(ctx context.Context, id string) (int, error)
}

// Publisher hands a validated incident to the message bus, where intake
// stores it exactly as it stores incidents from detectors. raw is the
// document to publish; dup reports that the bus already had this id and
// revision.
type Publisher interface {
	PublishIncident(ctx context.Context, in *incident.Incident, raw []byte) (dup bool, err error)
}

// PublisherFunc adapts a function, such as a closure over
// natsbus.PublishIncident, to Publisher.
type PublisherFunc func(ctx context.Context, in *incident.Incident, raw []byte) (dup bool, err error)

// PublishIncident calls f.
func (f PublisherFunc) PublishIncident(ctx context.Context, in *incident.Incident, raw []byte) (bool, error) {
	return f(ctx, in, raw)
}

var _ Publisher = PublisherFunc(nil)

// SubmissionChecker checks an incident against the service's inventory.
type SubmissionChecker interface {
	Warnings(in *incident.Incident) []string
}

// AssessmentFailures reports why an incident could not be assessed.
type AssessmentFailures interface {
	// AssessmentFailure returns the reason the current revision of id
	// could not be assessed, and whether it failed.
	AssessmentFailure(ctx context.Context, id string) (reason string, failed bool)
}

// Check is one named readiness check, such as "nats", "streams" or "store".
// Run returns nil when the dependency is usable.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Deps are the collaborators of the API. A nil Incidents, Publisher or
// Campaigns makes the routes that need it answer 503; a nil Registry gets a
// private one.
type Deps struct {
	Incidents Incidents
	Publisher Publisher
	// Campaigns serves approval and the notice routes.
	Campaigns Campaigns
	// Readiness lists the checks /readyz runs; every one must pass.
	Readiness []Check
	// Registry receives the HTTP metrics and is served on /metrics.
	Registry *prometheus.Registry
	// Auth turns bearer tokens into principals; every route but the probes
	// (and /metrics when Config.MetricsPublic) needs one. Nil refuses
	// every token.
	Auth access.Authenticator
	// Audit, when set, records refusals of authenticated principals and
	// the approvals made through the API.
	Audit *audit.Log
	// Announcements publishes and reads public notices.
	Announcements Announcements
	// Plans previews campaigns for GET /api/v1/incidents/{id}/plan.
	Plans Plans
	// Checker, when set, checks a submission against what the service
	// knows (the inventory) and returns warnings: the submission is still
	// accepted, and the answer carries them.
	Checker SubmissionChecker
	// Failures, when set, says why an incident's current revision could
	// not be assessed.
	Failures AssessmentFailures
	// Reports drafts regulator reports and keeps the obligations.
	Reports Reports
	// DeadLetters administers the dead-letter stream; nil answers 503.
	DeadLetters DeadLetters
	// Extra are routes the service adds, each with its decision.
	Extra []Route
}

// IncidentView is one incident as GET /api/v1/incidents/{id} shows it.
type IncidentView struct {
	// Incident is the current (highest) revision.
	Incident *incident.Incident `json:"incident"`
	// Status is the incident's lifecycle state as the store records it
	// (for example "received", "assessed", "approved").
	Status string `json:"status"`
	// Revisions lists every stored revision, oldest first.
	Revisions       []RevisionInfo `json:"revisions"`
	FirstReceivedAt time.Time      `json:"first_received_at"`
	LastReceivedAt  time.Time      `json:"last_received_at"`
	// Approvals says who approved the current revision so far and how
	// many approvals it needs (campaign.approvals_required); nil when the
	// server does not say.
	Approvals *ApprovalStatus `json:"approvals,omitempty"`
}

// ApprovalStatus is where the approval of an incident's current revision
// stands.
type ApprovalStatus struct {
	Revision int `json:"revision"`
	// Required is how many distinct principals must approve.
	Required int `json:"required"`
	// Approvers are the principals who approved the revision so far,
	// oldest first.
	Approvers []Approver `json:"approvers"`
	// Missing is how many more distinct principals must approve; 0 once
	// the revision is approved.
	Missing  int  `json:"missing"`
	Approved bool `json:"approved"`
}

// Approver is one principal's approval.
type Approver struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// RevisionInfo describes one stored revision of an incident.
type RevisionInfo struct {
	Revision   int       `json:"revision"`
	ReceivedAt time.Time `json:"received_at"`
	Title      string    `json:"title,omitempty"`
	Source     string    `json:"source,omitempty"`
}

// IncidentSummary is one row of GET /api/v1/incidents. Risk and Level are
// empty until the incident is assessed.
type IncidentSummary struct {
	ID           string         `json:"id"`
	Revision     int            `json:"revision"`
	Title        string         `json:"title"`
	Status       string         `json:"status"`
	Cause        incident.Cause `json:"cause"`
	DiscoveredAt time.Time      `json:"discovered_at"`
	ReceivedAt   time.Time      `json:"received_at"`
	Risk         string         `json:"risk,omitempty"`
	Level        string         `json:"level,omitempty"`
	Subjects     *int           `json:"subjects,omitempty"`
}

// Config tunes the API. The zero value is usable.
type Config struct {
	// Addr is where a Server listens, "127.0.0.1:8080" when empty.
	Addr string
	// Hosts are the names clients may use in the Host header besides
	// loopback addresses, localhost and Addr's own host (config
	// http.hosts); any other Host is refused (DNS rebinding).
	Hosts []string
	// MetricsPublic serves /metrics without a token.
	MetricsPublic bool
	// MaxBodyBytes limits a submitted document; larger bodies get 413.
	// Default incident.MaxDocumentBytes (the decoder's own limit).
	MaxBodyBytes int64
	// DefaultLimit and MaxLimit bound ?limit= on the incident list
	// (defaults 50 and 500).
	DefaultLimit int
	MaxLimit     int
	// RequestTimeout bounds the work of one API request, including the
	// wait for the bus to acknowledge a submission (default 15s).
	RequestTimeout time.Duration
	// ExportTimeout bounds one notice export, which streams the whole
	// ledger of an incident (default 30m). A client must also accept each
	// batch of rows within a minute.
	ExportTimeout time.Duration
	// CheckTimeout bounds each readiness check (default 2s).
	CheckTimeout time.Duration
	// Now is the clock used to assign incident ids (time.Now when nil).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = incident.MaxDocumentBytes
	}
	if c.DefaultLimit <= 0 {
		c.DefaultLimit = 50
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = 500
	}
	if c.DefaultLimit > c.MaxLimit {
		c.DefaultLimit = c.MaxLimit
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 15 * time.Second
	}
	if c.ExportTimeout <= 0 {
		c.ExportTimeout = 30 * time.Minute
	}
	if c.CheckTimeout <= 0 {
		c.CheckTimeout = 2 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// api holds what the handlers share.
type api struct {
	cfg     Config
	deps    Deps
	log     *logrus.Entry
	metrics *metrics
}

// New returns the API handler with every route, wrapped in request-id,
// logging, metrics and panic-recovery middleware. Metrics are registered on
// deps.Registry; calling New twice with the same registry reuses them.
func New(cfg Config, deps Deps, log *logrus.Entry) http.Handler {
	cfg = cfg.withDefaults()
	log = orDiscard(log).WithField("component", "web")
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	if deps.Incidents == nil {
		log.Warn("no incident reader configured: incident reads answer 503")
	}
	if deps.Publisher == nil {
		log.Warn("no publisher configured: incident submission answers 503")
	}
	if deps.Campaigns == nil {
		log.Warn("no campaigns configured: approval and notice routes answer 503")
	}
	a := &api{cfg: cfg, deps: deps, log: log, metrics: newMetrics(deps.Registry, log)}
	return a.middleware(a.protect(a.routes()))
}

// orDiscard returns log, or a logger that writes nowhere when log is nil.
func orDiscard(log *logrus.Entry) *logrus.Entry {
	if log != nil {
		return log
	}
	l := logrus.New()
	l.Out = discard{}
	return logrus.NewEntry(l)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
