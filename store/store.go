// Package store persists what breach knows: every revision of every incident
// (validated JSON and the original bytes), assessments, who each revision
// affects, approvals, the imported subject directory and the proof-of-notice
// ledger of the notice campaigns (Store.Ledger). Callers depend on
// the Store interface; Open picks the implementation. SQLite is the default
// (one file under the data directory, WAL, one writer connection and a pool
// of readers); the SQL is kept portable ($n placeholders, TEXT ids, UTC
// TIMESTAMP columns — Unix nanoseconds in the ledger, which must round-trip
// exactly — ON CONFLICT, no AUTOINCREMENT) so that a PostgreSQL
// implementation can share it for scaled-out deployments.
package store

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/sirupsen/logrus"
)

// ErrNotFound is returned (wrapped) when an incident, revision, assessment,
// approval or subject does not exist. Match it with errors.Is.
var ErrNotFound = fault.New(fault.NotFound, "not found")

// ErrConflict is returned (wrapped) when a request contradicts what is
// stored, such as approving an incident whose current revision has not been
// assessed, or a second approval by someone else. Match it with errors.Is.
var ErrConflict = fault.New(fault.Conflict, "conflict")

// ErrInvalid is returned (wrapped) for arguments the store cannot accept: an
// empty or malformed id, a revision below 1, a malformed list cursor, an
// assessment that is not JSON. Match it with errors.Is.
var ErrInvalid = fault.New(fault.Invalid, "invalid argument")

// Drivers accepted in Options.Driver.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Options chooses and configures the store implementation.
type Options struct {
	// Driver is DriverSQLite (the default when empty) or DriverPostgres.
	Driver string
	// Path is the SQLite database file; it is created when absent.
	Path string
	// DSN is the PostgreSQL connection string.
	DSN string
	// Now is the clock used for received_at times; time.Now when nil.
	Now func() time.Time
	// ReadConns bounds the pool of reading connections (default 4).
	ReadConns int
	// Log receives migration notices; a discarding logger when nil.
	Log *logrus.Entry
}

// Store is everything the rest of breach persists. Every method honours ctx.
// Implementations are safe for concurrent use.
type Store interface {
	// SaveIncident stores one revision of an incident in one transaction:
	// in as validated JSON, raw as received, stamped with the receive time.
	// Saving the same (id, revision) again changes nothing and reports
	// Duplicate (and Conflicting when its content differs); a revision
	// below the current one is kept in the history and reported Stale.
	SaveIncident(ctx context.Context, in *incident.Incident, raw []byte) (SaveResult, error)
	// GetIncident returns the current revision of an incident with its
	// history figures and status, or ErrNotFound.
	GetIncident(ctx context.Context, id string) (*IncidentRecord, error)
	// IncidentRevisions returns every stored revision, lowest first, or
	// ErrNotFound.
	IncidentRevisions(ctx context.Context, id string) ([]Revision, error)
	// ListIncidents returns one page of incidents, newest discovery first
	// (ties by id, descending), and the cursor of the next page ("" on the
	// last page).
	ListIncidents(ctx context.Context, opts ListOptions) ([]IncidentSummary, string, error)
	// ListUnassessed returns up to limit incidents whose current revision
	// has no assessment yet, oldest discovery first, so a service that
	// crashed between storing and assessing can catch up at start.
	ListUnassessed(ctx context.Context, limit int) ([]IncidentSummary, error)

	// SaveAssessment stores the assessment document of one revision.
	// Saving again for the same revision and assessedAt replaces it.
	SaveAssessment(ctx context.Context, id string, revision int, assessedAt time.Time, doc []byte, summary AssessmentSummary) error
	// GetAssessment returns the latest assessment: that of the highest
	// assessed revision, most recent first. ErrNotFound when none.
	GetAssessment(ctx context.Context, id string) (doc []byte, revision int, err error)

	// RecordAffected records the subject ids a revision affects (duplicates
	// in ids are ignored) and returns how many of them no earlier revision
	// affected. Recording the same revision again returns the same count.
	RecordAffected(ctx context.Context, incidentID string, revision int, ids iter.Seq[string]) (newly int, err error)
	// AffectedSubjects yields, in id order, the subject ids recorded for a
	// revision; with onlyNew, only those no earlier revision affected.
	AffectedSubjects(ctx context.Context, incidentID string, revision int, onlyNew bool) iter.Seq2[string, error]

	// ImportSubjects replaces the stored subject directory with rows in
	// one transaction. A row whose error is an *inventory.RowError (or
	// whose id repeats an earlier row) is rejected and counted; with
	// FailFast the first such row aborts the import and nothing changes.
	// Any other error aborts the import and nothing changes.
	ImportSubjects(ctx context.Context, rows iter.Seq2[*inventory.Subject, error], opts ImportOptions) (ImportResult, error)
	// CountSubjects returns the number of people in the stored directory.
	CountSubjects(ctx context.Context) (int, error)
	// GetSubject returns one person of the directory, or ErrNotFound.
	GetSubject(ctx context.Context, id string) (*inventory.Subject, error)
	// Subjects yields the whole directory in id order, streaming. The
	// yielded *Subject is reused by the next iteration; copy what you keep.
	Subjects(ctx context.Context) iter.Seq2[*inventory.Subject, error]

	// SetApproval records that by approved the current, assessed revision
	// of an incident at the given time. Approving the same revision again
	// by the same person changes nothing; by someone else it is
	// ErrConflict, as is approving a revision that has not been assessed.
	SetApproval(ctx context.Context, id, by string, at time.Time) error
	// GetApproval returns the approval of the highest approved revision,
	// or ErrNotFound.
	GetApproval(ctx context.Context, id string) (Approval, error)

	// Ledger returns the proof-of-notice ledger of the notice campaigns,
	// kept in the same database. It is safe for concurrent use and valid
	// until Close.
	Ledger() notify.Ledger

	TokenStore
	AuditStore
	ApprovalStore

	// Public keeps the announcements and the indexes of the public site.
	Public

	// Obligations keeps the obligations of every incident and their states.
	Obligations

	// Devices keeps the push devices a push service reported gone.
	Devices

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// SaveResult says what SaveIncident did.
type SaveResult struct {
	// Created is true when this was the first revision of a new incident.
	Created bool `json:"created"`
	// Duplicate is true when this (id, revision) was already stored;
	// nothing was changed.
	Duplicate bool `json:"duplicate"`
	// Conflicting is true for a Duplicate whose content differs from the
	// stored revision (the stored one is kept).
	Conflicting bool `json:"conflicting"`
	// Stale is true when a revision lower than the current one arrived
	// late: it joined the history but did not become current.
	Stale bool `json:"stale"`
	// Current is the incident's current revision after the call.
	Current int `json:"current"`
}

// Status is where an incident stands in the workflow.
type Status string

// Status values. A new revision sends an incident back to StatusReceived
// until it is assessed again.
const (
	StatusReceived Status = "received" // current revision not assessed yet
	StatusAssessed Status = "assessed" // current revision assessed, not approved
	StatusApproved Status = "approved" // current revision assessed and approved
)

// IncidentRecord is an incident's current revision with its history figures.
type IncidentRecord struct {
	Incident      *incident.Incident `json:"incident"`
	Revision      int                `json:"revision"`
	Revisions     int                `json:"revisions"`
	FirstReceived time.Time          `json:"first_received"`
	LastReceived  time.Time          `json:"last_received"`
	Status        Status             `json:"status"`
	// Assessment summarises the latest assessment, nil when none.
	Assessment *AssessmentRef `json:"assessment,omitempty"`
	// Approval is the latest approval, nil when none.
	Approval *Approval `json:"approval,omitempty"`
}

// AssessmentRef summarises one stored assessment.
type AssessmentRef struct {
	Revision   int       `json:"revision"`
	AssessedAt time.Time `json:"assessed_at"`
	AssessmentSummary
}

// Revision is one stored revision of an incident.
type Revision struct {
	Revision   int       `json:"revision"`
	ReceivedAt time.Time `json:"received_at"`
	// Doc is the validated incident as JSON; Raw the bytes as received
	// (possibly a CloudEvents envelope).
	Doc []byte `json:"doc"`
	Raw []byte `json:"raw"`
	// Digest is the hex SHA-256 of Doc, used to spot conflicting replays.
	Digest  string `json:"digest"`
	Current bool   `json:"current"`
}

// IncidentSummary is one line of an incident list.
type IncidentSummary struct {
	ID           string         `json:"id"`
	Title        string         `json:"title"`
	Cause        incident.Cause `json:"cause"`
	Revision     int            `json:"revision"`
	Revisions    int            `json:"revisions"`
	DiscoveredAt time.Time      `json:"discovered_at"`
	LastReceived time.Time      `json:"last_received"`
	Status       Status         `json:"status"`
	Assessment   *AssessmentRef `json:"assessment,omitempty"`
}

// ListOptions selects one page of ListIncidents.
type ListOptions struct {
	// Limit is the page size: 50 when 0, at most 1000.
	Limit int
	// After is the cursor returned with the previous page; "" for the first.
	After string
}

// Page size bounds of ListIncidents.
const (
	DefaultListLimit = 50
	MaxListLimit     = 1000
)

// AssessmentSummary is what an incident list shows of an assessment.
type AssessmentSummary struct {
	Risk     string `json:"risk"`
	Level    string `json:"level"`
	Subjects int    `json:"subjects"`
}

// Approval records who approved which revision of an incident, and when.
type Approval struct {
	IncidentID string    `json:"incident"`
	Revision   int       `json:"revision"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// ImportOptions tunes ImportSubjects.
type ImportOptions struct {
	// FailFast aborts the import at the first rejected row.
	FailFast bool
	// Progress, when set, is called after each batch and at the end with
	// the rows taken and rejected so far.
	Progress func(taken, rejected int)
}

// MaxImportErrors is how many rejection reasons ImportResult keeps.
const MaxImportErrors = 100

// ImportResult counts what ImportSubjects did.
type ImportResult struct {
	Taken    int `json:"taken"`
	Rejected int `json:"rejected"`
	// Errors holds the reasons of the first MaxImportErrors rejections.
	Errors []string `json:"errors,omitempty"`
}

// Open opens the store chosen by opts, creating and migrating the database
// as needed.
func Open(ctx context.Context, opts Options) (Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		l := logrus.New()
		l.SetOutput(discard{})
		opts.Log = logrus.NewEntry(l)
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	switch opts.Driver {
	case "", DriverSQLite:
		return openSQLite(ctx, opts)
	case DriverPostgres:
		return openPostgres(ctx, opts)
	default:
		return nil, fmt.Errorf("open store: unknown driver %q (want %q or %q): %w", opts.Driver, DriverSQLite, DriverPostgres, ErrInvalid)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
