package notify

import (
	"context"
	"time"
)

// State is where one notice stands in the proof-of-notice ledger.
type State string

// Ledger states. A notice moves pending → sending → sent (or written, when
// its channel has no provider and the outbox kept it in a file), or to
// failed_temporary (and back to sending on retry), or to failed_permanent
// (its person's next route is then planned). A sent notice moves on to
// delivered when the provider confirms it reached the person, or to
// failed_permanent when the provider reports it never will. skipped means
// not sent on purpose (duplicate route, superseded); unreachable marks a
// person with no legal-notice route left: it is the state of the last of
// their routes to fail (see Ledger.Settle), or of a ChannelNone entry for a
// person planned without any route. A person is never unreachable beside
// a route that is sent, written, delivered or still open: planning a route
// for them lifts the mark (see Ledger.Plan).
const (
	StatePending         State = "pending"
	StateSending         State = "sending"
	StateSent            State = "sent"
	StateDelivered       State = "delivered"
	StateWritten         State = "written"
	StateFailedTemporary State = "failed_temporary"
	StateFailedPermanent State = "failed_permanent"
	StateSkipped         State = "skipped"
	StateUnreachable     State = "unreachable"
)

// States lists every state in lifecycle order.
var States = []State{StatePending, StateSending, StateSent, StateDelivered, StateWritten, StateFailedTemporary,
	StateFailedPermanent, StateSkipped, StateUnreachable}

// Final reports whether no further attempt will be made in this state.
func (s State) Final() bool {
	switch s {
	case StateSent, StateDelivered, StateWritten, StateFailedPermanent, StateSkipped, StateUnreachable:
		return true
	}
	return false
}

// Handed reports whether the notice left the engine: sent to a provider,
// delivered, or written to the outbox.
func (s State) Handed() bool { return s == StateSent || s == StateDelivered || s == StateWritten }

// Reaching reports whether a legal-notice route in this state reaches or
// may still reach its person: handed over (sent, delivered, written) or
// open (pending, sending, failed_temporary).
func (s State) Reaching() bool { return s.Handed() || !s.Final() }

// Live reports whether a legal-notice route in this state still counts
// for its person: reaching, or the person's unreachable mark itself. A
// person is unreachable only when none of their legal-notice routes is
// live.
func (s State) Live() bool { return s.Reaching() || s == StateUnreachable }

// Entry is one ledger row: one notice to one person on one channel for one
// notice version of one incident.
type Entry struct {
	Key             string    `json:"key"`
	IncidentID      string    `json:"incident"`
	SubjectID       string    `json:"subject"`
	Channel         Channel   `json:"channel"`
	Version         int       `json:"version"`
	Guardian        bool      `json:"guardian,omitempty"`
	State           State     `json:"state"`
	Attempts        int       `json:"attempts"`
	ProviderID      string    `json:"provider_id,omitempty"`
	Error           string    `json:"error,omitempty"`
	TemplateVersion string    `json:"template_version,omitempty"`
	ContentHash     string    `json:"content_hash,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	SentAt          time.Time `json:"sent_at,omitzero"`
	// Job is what the planner decided for the notice: the person's route
	// and address, fallbacks, locale, jurisdiction, categories and the
	// approved revision. It is the source of truth a worker renders and
	// addresses from (a NOTICES message carries only the key); it holds
	// personal data, so it never leaves the ledger in an export. A zero
	// Job (no Key) means the row was written before the ledger kept jobs,
	// or is a ChannelNone marker.
	Job Job `json:"-"`
}

// Outcome is the result of one delivery attempt, written after it.
type Outcome struct {
	State           State
	ProviderID      string
	Error           string
	TemplateVersion string
	ContentHash     string
	At              time.Time
}

// ClaimLease is how long a notice claimed by Begin (state sending) belongs
// to the worker that claimed it. It is longer than the notice consumer's
// AckWait of 30 s (notify/queue), and a held notice is kept alive there
// with InProgress, so a sending entry younger than the lease belongs to a
// live worker; an older one was left by a crash mid-send and may be
// claimed again.
const ClaimLease = 45 * time.Second

// Counts are ledger totals by channel and state.
type Counts map[Channel]map[State]int

// Totals sums the counts of every channel by state.
func (c Counts) Totals() map[State]int {
	t := map[State]int{}
	for _, byState := range c {
		for st, n := range byState {
			t[st] += n
		}
	}
	return t
}

// Open returns how many notices are not in a final state, and how many
// there are in all.
func (c Counts) Open() (open, total int) {
	for st, n := range c.Totals() {
		total += n
		if !st.Final() {
			open += n
		}
	}
	return open, total
}

// Complete reports whether there is at least one notice and every notice
// is final.
func (c Counts) Complete() bool {
	open, total := c.Open()
	return total > 0 && open == 0
}

// Ledger is the proof-of-notice store the campaign engine needs. It is
// checked before a send (Begin) and written after it (Finish).
type Ledger interface {
	// Plan inserts entries that do not exist yet (in their State, pending
	// when empty; the first of repeated keys wins) and returns how many
	// were new; existing keys are left untouched, but for one thing: a
	// person never stays unreachable beside a legal-notice route that
	// reaches them, so once Plan is done, every unreachable entry of a
	// person (same incident and version) of this batch who has a reaching
	// legal-notice route is lifted — a ChannelNone marker to skipped, a
	// failed route to failed_permanent; and an open entry that keeps no
	// job (planned before the ledger kept jobs) takes entry i's. open[i]
	// reports whether entry i still needs a job: its key's state after
	// Plan (the entry's own when it was created now) is not final —
	// pending, failed_temporary or sending.
	Plan(ctx context.Context, entries []Entry) (open []bool, created int, err error)
	// Begin claims a notice for an attempt at time at: pending,
	// failed_temporary, and sending last updated more than ClaimLease
	// before at (a crash mid-send), move to sending with attempts+1 and
	// proceed is true. A final state, or a sending entry within its lease
	// (a live worker holds it), returns the entry unchanged and proceed
	// false.
	Begin(ctx context.Context, key string, at time.Time) (e Entry, proceed bool, err error)
	// Finish records an attempt's outcome.
	Finish(ctx context.Context, key string, o Outcome) error
	// Settle records that the legal-notice route key of a person failed
	// for good (o.State failed_permanent) with no fallback left. others
	// are the keys of the person's other legal-notice routes for the same
	// incident and notice version (RouteKeys); keys never planned are
	// ignored. When none of them is sent, still open, or already
	// unreachable, the route is recorded unreachable instead, marking the
	// person; otherwise o is recorded as is. Settles that share keys run
	// one after the other (row locks taken in key order), so however the
	// workers of a person's channels interleave, the person is marked
	// exactly once, when the last of their routes fails. It returns the
	// state recorded; an unknown key is ErrUnknownNotice.
	Settle(ctx context.Context, key string, others []string, o Outcome) (State, error)
	// Get returns one entry.
	Get(ctx context.Context, key string) (Entry, error)
	// Counts totals an incident's entries by channel and state.
	Counts(ctx context.Context, incidentID string) (Counts, error)
	// Each streams an incident's entries in key order.
	Each(ctx context.Context, incidentID string, fn func(Entry) error) error
	// Told returns, for each of subjects who was told about the incident,
	// the notice that told them last: of their legal-notice routes handed
	// over (sent, delivered, written), one of the highest version (the
	// first in key order among several); re-sends (versions from
	// ResendVersionBase) repeat a notice and are not counted. A subject
	// never told is absent.
	Told(ctx context.Context, incidentID string, subjects []string) (map[string]Entry, error)
	// ByProvider returns the notice of channel whose provider id is id
	// (a Twilio MessageSid, say); none is ErrUnknownNotice.
	ByProvider(ctx context.Context, channel Channel, id string) (Entry, error)
}

// Claimer is a Ledger that can read a notice and claim it in one step: a
// notice worker (Worker.Handle) uses it, when its ledger offers it,
// instead of Get then Begin, saving a read per notice.
type Claimer interface {
	// Claim reads notice key and, when a worker of channel may send it
	// (Entry.Sendable), claims it as Begin does at time at, in one step:
	// nothing can change the notice in between. It returns the entry (as
	// Begin returns it when accepted, as read otherwise), whether it was
	// sendable, and Begin's proceed. An unknown key is ErrUnknownNotice.
	Claim(ctx context.Context, key string, channel Channel, at time.Time) (e Entry, accepted, proceed bool, err error)
}

// Sendable reports whether a worker of channel may send the notice of e:
// its row keeps a job of that channel for its own key, and it is not
// final.
func (e Entry) Sendable(channel Channel) bool {
	return e.Job.Key != "" && e.Job.Key == e.Key && e.Job.Route.Channel == channel && !e.State.Final()
}
