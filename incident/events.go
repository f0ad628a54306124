package incident

import (
	"strconv"
	"time"

	"github.com/breach-notify/breach/internal/jsonenc"
)

// EventKind names a lifecycle event of an incident. Events are published
// on the subject <prefix>.event.<incident>.<kind> of the EVENTS stream,
// one JSON payload each; detectors and dashboards subscribe to them.
type EventKind string

// The event catalogue: every lifecycle event breach publishes, with the
// payload type each carries.
const (
	// EventReceived (Received): intake stored a revision, or saw a replay.
	EventReceived EventKind = "received"
	// EventAssessmentRequested (AssessmentRequested): a revision is
	// waiting for its assessment (published again at start for every
	// revision left unassessed, so any replica picks it up).
	EventAssessmentRequested EventKind = "assessment.requested"
	// EventAssessed (Assessed): a revision was assessed.
	EventAssessed EventKind = "assessed"
	// EventAssessmentFailed (AssessmentFailed): a revision cannot be
	// assessed until the incident or the inventory is corrected.
	EventAssessmentFailed EventKind = "assessment.failed"
	// EventApproved (Approved): a person approved the campaign of a
	// revision.
	EventApproved EventKind = "approved"
	// EventCampaignRequested (CampaignRequested): an approved campaign is
	// to be planned again (at start, after a new revision).
	EventCampaignRequested EventKind = "campaign.requested"
	// EventAwaitingApproval (CampaignNote): the current revision waits for
	// a person's approval.
	EventAwaitingApproval EventKind = "campaign.awaiting_approval"
	// EventCampaignSkipped (CampaignNote): no law requires telling the
	// people, so there is no campaign.
	EventCampaignSkipped EventKind = "campaign.not_required"
	// EventCampaignPlanned (CampaignPlanned): the notices of a campaign
	// are in the ledger and queued.
	EventCampaignPlanned EventKind = "campaign.planned"
	// EventCampaignCompleted (CampaignCompleted): every notice of the
	// campaign is final.
	EventCampaignCompleted EventKind = "campaign.completed"
	// EventNoticeSent (NoticeOutcome): one notice went out.
	EventNoticeSent EventKind = "notice.sent"
	// EventNoticeWritten (NoticeOutcome): one notice of a channel without
	// a provider was written to the outbox for someone to send.
	EventNoticeWritten EventKind = "notice.written"
	// EventNoticeDelivered (NoticeOutcome): the provider confirmed that
	// a sent notice reached the person.
	EventNoticeDelivered EventKind = "notice.delivered"
	// EventNoticeFailed (NoticeOutcome): one notice failed for good (the
	// person's next route is tried) or the person is unreachable.
	EventNoticeFailed EventKind = "notice.failed"
	// EventDeadlineWarning (DeadlineWarning): a legal deadline is a day,
	// six hours or an hour away, or passed.
	EventDeadlineWarning EventKind = "deadline.warning"
	// EventAnnouncementDue (AnnouncementNote): a public notice is
	// required (by law, or because too many people are unreachable) and
	// none is published yet.
	EventAnnouncementDue EventKind = "announcement.due"
	// EventAnnouncementPublished (AnnouncementNote): a version of the
	// public notice was published, updated, corrected or withdrawn.
	EventAnnouncementPublished EventKind = "announcement.published"
)

// Kinds lists the catalogue in the order of an incident's life.
func Kinds() []EventKind {
	return []EventKind{EventReceived, EventAssessmentRequested, EventAssessed, EventAssessmentFailed, EventApproved,
		EventCampaignRequested, EventAwaitingApproval, EventCampaignSkipped, EventCampaignPlanned, EventCampaignCompleted,
		EventNoticeSent, EventNoticeWritten, EventNoticeDelivered, EventNoticeFailed, EventDeadlineWarning,
		EventAnnouncementDue, EventAnnouncementPublished}
}

// Event is one lifecycle event: its kind, the incident it concerns and
// the key that makes a republication of the same fact a duplicate.
type Event interface {
	EventKind() EventKind
	EventIncident() string
	// EventKey is the same each time the same fact is published (a
	// revision, a notice key); "" lets the publisher hash the payload.
	EventKey() string
}

// Received is the payload of EventReceived.
type Received struct {
	ID         string    `json:"id"`
	Revision   int       `json:"revision"`
	Duplicate  bool      `json:"duplicate"`
	Stale      bool      `json:"stale,omitempty"`
	IDAssigned bool      `json:"id_assigned,omitempty"`
	Stream     string    `json:"stream"`
	Sequence   uint64    `json:"sequence"`
	ReceivedAt time.Time `json:"received_at"`
}

// AssessmentRequested is the payload of EventAssessmentRequested.
type AssessmentRequested struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	// Nonce tells requests apart so a later request is not a duplicate of
	// an earlier one.
	Nonce string `json:"nonce,omitempty"`
}

// Assessed is the payload of EventAssessed.
type Assessed struct {
	ID             string         `json:"id"`
	Revision       int            `json:"revision"`
	Risk           string         `json:"risk"`
	Level          string         `json:"level"`
	Subjects       int            `json:"subjects"`
	NewlyAffected  int            `json:"newly_affected"`
	ByJurisdiction map[string]int `json:"by_jurisdiction,omitempty"`
}

// AssessmentFailed is the payload of EventAssessmentFailed.
type AssessmentFailed struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	Reason   string `json:"reason"`
}

// Approved is the payload of EventApproved. The approver's name is in the
// store, not on the bus.
type Approved struct {
	ID       string    `json:"id"`
	Revision int       `json:"revision"`
	At       time.Time `json:"at"`
}

// CampaignRequested is the payload of EventCampaignRequested.
type CampaignRequested struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	Nonce    string `json:"nonce,omitempty"`
}

// CampaignNote is the payload of EventAwaitingApproval and
// EventCampaignSkipped.
type CampaignNote struct {
	Kind     EventKind `json:"-"`
	ID       string    `json:"id"`
	Revision int       `json:"revision"`
	Risk     string    `json:"risk,omitempty"`
	Reason   string    `json:"reason"`
}

// CampaignPlanned is the payload of EventCampaignPlanned.
type CampaignPlanned struct {
	ID            string         `json:"id"`
	Revision      int            `json:"revision"`
	People        int            `json:"people"`
	Notices       int            `json:"notices"`
	New           int            `json:"new"`
	Queued        int            `json:"queued"`
	Unreachable   int            `json:"unreachable"`
	Failed        int            `json:"failed"`
	ByChannel     map[string]int `json:"by_channel,omitempty"`
	Jurisdictions []string       `json:"jurisdictions,omitempty"`
}

// CampaignCompleted is the payload of EventCampaignCompleted.
type CampaignCompleted struct {
	ID       string                    `json:"id"`
	Revision int                       `json:"revision"`
	Counts   map[string]map[string]int `json:"counts"`
	Totals   map[string]int            `json:"totals"`
}

// NoticeOutcome is the payload of the notice events (EventNoticeSent,
// EventNoticeWritten, EventNoticeDelivered, EventNoticeFailed). It names
// the person by subject id only, never by address.
type NoticeOutcome struct {
	Kind     EventKind `json:"-"`
	Incident string    `json:"incident"`
	Key      string    `json:"key"`
	Subject  string    `json:"subject"`
	Channel  string    `json:"channel"`
	State    string    `json:"state"`
	Provider string    `json:"provider_id,omitempty"`
	Error    string    `json:"error,omitempty"`
	Fallback string    `json:"fallback,omitempty"`
	// Attempt is which attempt at the notice, as the ledger counts them
	// (1 for the first), sent, wrote or failed it, when a channel worker
	// did.
	Attempt int `json:"attempt,omitempty"`
}

// DeadlineWarning is the payload of EventDeadlineWarning.
type DeadlineWarning struct {
	ID           string `json:"id"`
	Jurisdiction string `json:"jurisdiction"`
	// Filing names the regulator report of a jurisdiction with several
	// ("EU-GDPR/FR" when each member state's authority is told).
	Filing    string    `json:"filing,omitempty"`
	To        string    `json:"to"`
	Due       time.Time `json:"due"`
	Threshold string    `json:"threshold"` // "24h", "6h", "1h" or "overdue"
	TimeLeft  string    `json:"time_left"`
}

// AnnouncementNote is the payload of EventAnnouncementDue and
// EventAnnouncementPublished.
type AnnouncementNote struct {
	Kind    EventKind `json:"-"`
	ID      string    `json:"id"`
	Version int       `json:"version,omitempty"`
	// Since is when the public notice became required (due events).
	Since       time.Time `json:"since,omitzero"`
	Unreachable int       `json:"unreachable,omitempty"`
	Reasons     []string  `json:"reasons,omitempty"`
	URL         string    `json:"url,omitempty"`
}

func (e AnnouncementNote) EventKind() EventKind  { return e.Kind }
func (e AnnouncementNote) EventIncident() string { return e.ID }
func (e AnnouncementNote) EventKey() string      { return itoa(e.Version) }

func (e Received) EventKind() EventKind  { return EventReceived }
func (e Received) EventIncident() string { return e.ID }
func (e Received) EventKey() string      { return itoa(e.Revision) }

func (e AssessmentRequested) EventKind() EventKind  { return EventAssessmentRequested }
func (e AssessmentRequested) EventIncident() string { return e.ID }
func (e AssessmentRequested) EventKey() string      { return itoa(e.Revision) + "-" + e.Nonce }

func (e Assessed) EventKind() EventKind  { return EventAssessed }
func (e Assessed) EventIncident() string { return e.ID }
func (e Assessed) EventKey() string      { return itoa(e.Revision) }

func (e AssessmentFailed) EventKind() EventKind  { return EventAssessmentFailed }
func (e AssessmentFailed) EventIncident() string { return e.ID }
func (e AssessmentFailed) EventKey() string      { return itoa(e.Revision) }

func (e Approved) EventKind() EventKind  { return EventApproved }
func (e Approved) EventIncident() string { return e.ID }
func (e Approved) EventKey() string      { return itoa(e.Revision) }

func (e CampaignRequested) EventKind() EventKind  { return EventCampaignRequested }
func (e CampaignRequested) EventIncident() string { return e.ID }
func (e CampaignRequested) EventKey() string      { return itoa(e.Revision) + "-" + e.Nonce }

func (e CampaignNote) EventKind() EventKind  { return e.Kind }
func (e CampaignNote) EventIncident() string { return e.ID }
func (e CampaignNote) EventKey() string      { return itoa(e.Revision) }

func (e CampaignPlanned) EventKind() EventKind  { return EventCampaignPlanned }
func (e CampaignPlanned) EventIncident() string { return e.ID }
func (e CampaignPlanned) EventKey() string      { return itoa(e.Revision) + "-" + itoa(e.New) }

func (e CampaignCompleted) EventKind() EventKind  { return EventCampaignCompleted }
func (e CampaignCompleted) EventIncident() string { return e.ID }
func (e CampaignCompleted) EventKey() string {
	return itoa(e.Revision) + "-" + itoa(e.Totals["sent"]) + "-" + itoa(e.Totals["unreachable"])
}

func (e NoticeOutcome) EventKind() EventKind  { return e.Kind }
func (e NoticeOutcome) EventIncident() string { return e.Incident }
func (e NoticeOutcome) EventKey() string      { return e.Key + "/" + e.State }

// AppendJSON appends e encoded as encoding/json's Marshal encodes it (a
// test compares the two): one is published for every notice, and
// Marshal's reflection was 2–3 % of an e-mail campaign's processor time.
func (e NoticeOutcome) AppendJSON(b []byte) []byte {
	o := jsonenc.NewObject(b)
	o.String("incident", e.Incident, false)
	o.String("key", e.Key, false)
	o.String("subject", e.Subject, false)
	o.String("channel", e.Channel, false)
	o.String("state", e.State, false)
	o.String("provider_id", e.Provider, true)
	o.String("error", e.Error, true)
	o.String("fallback", e.Fallback, true)
	o.Int("attempt", e.Attempt, true)
	return o.End()
}

func (e DeadlineWarning) EventKind() EventKind  { return EventDeadlineWarning }
func (e DeadlineWarning) EventIncident() string { return e.ID }
func (e DeadlineWarning) EventKey() string {
	key := e.Jurisdiction + "/" + e.To + "/" + e.Due.UTC().Format(time.RFC3339) + "/" + e.Threshold
	if e.Filing != "" {
		key += "/" + e.Filing
	}
	return key
}

func itoa(n int) string { return strconv.Itoa(n) }
