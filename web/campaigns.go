package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
)

// ErrNotAssessed is returned (possibly wrapped) by Campaigns.Approve when
// the current revision of the incident has no assessment yet. The API
// answers 409 and tells the caller to wait for the assessment.
var ErrNotAssessed = fault.New(fault.AwaitingAssessment, "the incident's current revision is not assessed yet; wait for its assessment")

// ErrCampaignBlocked is returned (possibly wrapped) by Campaigns.Approve
// when the campaign cannot start as the incident stands (a notice would lack
// a required fact, or the incident's text would carry leaked data). The API
// answers 422 with the reason, which names the field to correct.
var ErrCampaignBlocked = fault.New(fault.CampaignBlocked, "campaign blocked")

// ErrAlreadyApproved is returned (possibly wrapped) by Campaigns.Approve
// when someone else already approved the current revision and that first
// approval stands. The API answers 409.
var ErrAlreadyApproved = fault.New(fault.AlreadyApproved, "already approved")

// ErrSameApprover is returned (possibly wrapped) by Campaigns.Approve when
// the principal already approved the current revision and it needs the
// approval of another principal (campaign.approvals_required). The API
// answers 409 same_approver.
var ErrSameApprover = fault.New(fault.SameApprover, "same approver")

// Campaigns approves incidents for notification and reports on their notice
// campaigns from the proof-of-notice ledger.
type Campaigns interface {
	// Approve records that by approved the current revision of incident id
	// for notification and starts its campaign. It fails with ErrNotFound
	// for an unknown incident, ErrNotAssessed before the current revision
	// is assessed and ErrAlreadyApproved when another approver was first.
	// Approving again under the same name returns the existing approval.
	Approve(ctx context.Context, id, by string) (Approval, error)
	// NoticeCounts totals the incident's ledger entries by channel and
	// state; an incident without a campaign has none.
	NoticeCounts(ctx context.Context, id string) (notify.Counts, error)
	// ExportNotices calls fn for each ledger entry of the incident, in key
	// order, and stops at the first error fn returns.
	ExportNotices(ctx context.Context, id string, fn func(notify.Entry) error) error
}

// Approval records who approved which revision of an incident, and when.
// With campaign.approvals_required above 1, By and At are the approval just
// recorded and Approvals says whether the revision is approved or who else
// must approve.
type Approval struct {
	Incident string    `json:"incident"`
	Revision int       `json:"revision"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	// Approvals is where the approval of the revision stands; nil from a
	// server that does not say (approved then).
	Approvals *ApprovalStatus `json:"approvals,omitempty"`
}

// Pending reports whether the revision still needs approvals by other
// principals before its campaign starts.
func (a Approval) Pending() bool { return a.Approvals != nil && !a.Approvals.Approved }

// DefaultApprover is no longer used: the approver is the authenticated
// principal. Kept for callers that named it.
// none.
const DefaultApprover = "api"

// maxReason bounds the length, in characters, of an approval's reason.
const maxReason = 1000

// ApproveRequest is the optional body of POST
// /api/v1/incidents/{id}/approve.
type ApproveRequest struct {
	// Reason says why the campaign may go out (required); it is kept in
	// the audit log with the approver.
	Reason string `json:"reason"`
	// AcceptContact accepts the incident's own contact when it is not the
	// organisation's: the approver saw it (the preview shows it).
	AcceptContact bool `json:"accept_contact,omitempty"`
	// By is ignored: the approver is the principal whose token approves.
	// It is accepted so that older clients are not refused.
	By string `json:"by,omitempty"`
}

// NoticeStatus is the body of GET /api/v1/incidents/{id}/notices: the
// ledger's counts of an incident's notices.
type NoticeStatus struct {
	Incident string `json:"incident"`
	// Channels has, for each channel with notices, the count of every
	// state (notify.States, zeros included). Channel "none" books the
	// people planned without any usable route.
	Channels map[notify.Channel]map[notify.State]int `json:"channels"`
	// Totals sums Channels by state, zeros included.
	Totals map[notify.State]int `json:"totals"`
	// PeopleUnreachable counts the entries in state unreachable: each is
	// one person the campaign has no route left to.
	PeopleUnreachable int `json:"people_unreachable"`
	// Complete is true when there is at least one notice and every notice
	// is in a final state (no further attempt will be made).
	Complete bool `json:"complete"`
}

// Summarise turns ledger counts into the NoticeStatus of incident id.
func Summarise(id string, counts notify.Counts) NoticeStatus {
	s := NoticeStatus{Incident: id, Channels: map[notify.Channel]map[notify.State]int{}, Totals: zeroStates()}
	for ch, byState := range counts {
		row := zeroStates()
		n := 0
		for st, c := range byState {
			row[st] += c
			n += c
		}
		if n > 0 {
			s.Channels[ch] = row
		}
	}
	for st, n := range counts.Totals() {
		s.Totals[st] += n
	}
	s.PeopleUnreachable = s.Totals[notify.StateUnreachable]
	s.Complete = counts.Complete()
	return s
}

func zeroStates() map[notify.State]int {
	m := make(map[notify.State]int, len(notify.States))
	for _, st := range notify.States {
		m[st] = 0
	}
	return m
}

// ExportHeader is the header row of the notice export, one column per
// notify.Entry field.
var ExportHeader = []string{"key", "incident", "subject", "channel", "version", "guardian", "state", "attempts",
	"provider_id", "error", "template_version", "content_hash", "created_at", "updated_at", "sent_at"}

// ExportRecord is the CSV row of one ledger entry: times in RFC 3339 (UTC,
// with the fraction the ledger kept), an empty sent_at when the notice was
// not sent. The error column has e-mail addresses and phone numbers
// scrubbed, since providers sometimes quote the recipient in a rejection;
// provider_id is kept whole (an SMTP Message-ID looks like an address but
// is the proof of hand-over). Both have a leading = + - @ neutralised with a
// quote so that a spreadsheet does not run them as formulas.
func ExportRecord(e notify.Entry, rec []string) []string {
	return append(rec[:0], e.Key, e.IncidentID, e.SubjectID, string(e.Channel), strconv.Itoa(e.Version),
		strconv.FormatBool(e.Guardian), string(e.State), strconv.Itoa(e.Attempts),
		defuse(e.ProviderID), defuse(logging.Scrub(e.Error)), e.TemplateVersion, e.ContentHash,
		rfc3339(e.CreatedAt), rfc3339(e.UpdatedAt), rfc3339(e.SentAt))
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// defuse keeps a spreadsheet from reading a value as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (a *api) approveIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	req, err := a.readApproveRequest(w, r)
	if err != nil {
		return err
	}
	if a.deps.Campaigns == nil {
		return fault.Errorf(fault.Unavailable, "notice campaigns are not configured on this server")
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if req.AcceptContact {
		ctx = context.WithValue(ctx, contactAcceptedKey{}, true)
	}
	ap, err := a.deps.Campaigns.Approve(ctx, id, p.Name)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFoundIncident(id)
	case errors.Is(err, ErrNotAssessed):
		return fault.Wrap(err, fault.AwaitingAssessment,
			"incident %s cannot be approved before its current revision is assessed; wait for the assessment "+
				"(GET /api/v1/incidents/%s/assessment) and approve again", id, id)
	case errors.Is(err, ErrAlreadyApproved):
		return fault.Wrap(err, fault.AlreadyApproved,
			"the current revision of incident %s is already approved by someone else; the first approval stands", id)
	case errors.Is(err, ErrSameApprover):
		return fault.Wrap(err, fault.SameApprover,
			"you already approved the current revision of incident %s; it needs the approval of another principal (campaign.approvals_required)", id)
	case err != nil:
		return fmt.Errorf("approve incident %s: %w", id, err)
	}
	if a.deps.Audit != nil {
		details := map[string]any{"revision": ap.Revision, "reason": req.Reason}
		if s := ap.Approvals; s != nil {
			details["approvals"], details["required"], details["approved"] = len(s.Approvers), s.Required, s.Approved
		}
		action := audit.ActionIncidentApproved
		if ap.Pending() {
			action = audit.ActionApprovalRecorded
		}
		if _, err := a.deps.Audit.Append(r.Context(), audit.Event{Principal: p.Name, Action: action,
			Object: "incident/" + ap.Incident, Details: details}); err != nil {
			return fmt.Errorf("approve incident %s: approved, but the audit entry was not written: %w", id, err)
		}
	}
	// The approver's name is personal data: it is answered, never logged.
	msg := "incident approved for notification"
	if ap.Pending() {
		msg = "approval recorded; the incident needs another approver"
	}
	a.log.WithFields(requestFields(r)).WithFields(map[string]any{"incident": ap.Incident, "revision": ap.Revision}).Info(msg)
	writeJSON(w, http.StatusOK, ap)
	return nil
}

// readApproveRequest reads the optional JSON body of an approval.
func (a *api) readApproveRequest(w http.ResponseWriter, r *http.Request) (ApproveRequest, error) {
	const limit = 4 << 10
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return ApproveRequest{}, fault.Errorf(fault.TooLarge, "the approval body is larger than the %d-byte limit", limit)
		}
		return ApproveRequest{}, fault.Wrap(err, fault.Invalid, "the request body could not be read")
	}
	var req ApproveRequest
	if !acceptedType(r.Header.Get("Content-Type")) {
		return req, fault.Errorf(fault.UnsupportedMedia, `send the approval as JSON, {"reason": "why it may go out"} (Content-Type: application/json)`)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, invalidApproval(fmt.Sprintf(`the approval body must be a JSON object like {"reason": "…"}: %v`, jsonProblem(err)))
	}
	if dec.More() {
		return req, invalidApproval(`the approval body must be a single JSON object like {"reason": "…"}`)
	}
	req.Reason = strings.TrimSpace(req.Reason)
	switch {
	case req.Reason == "":
		return req, invalidApproval("reason is required: say why the notices may go out (it is kept in the audit log)")
	case utf8.RuneCountInString(req.Reason) > maxReason:
		return req, invalidApproval(fmt.Sprintf("reason must be at most %d characters", maxReason))
	case strings.ContainsFunc(req.Reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }):
		return req, invalidApproval("reason must not contain control characters")
	}
	return req, nil
}

func invalidApproval(msg string) error {
	return invalidField(msg, "reason", msg)
}

// jsonProblem describes a decoding error without echoing the body.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s must be a %s", te.Field, te.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed JSON"
}

// knownIncident answers nil when incident id exists or when there is no
// incident reader to ask.
func (a *api) knownIncident(ctx context.Context, id string) error {
	if a.deps.Incidents == nil {
		return nil
	}
	_, err := a.deps.Incidents.GetIncident(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFoundIncident(id)
	case err != nil:
		return fmt.Errorf("get incident %s: %w", id, err)
	}
	return nil
}

func (a *api) noticeStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Campaigns == nil {
		return fault.Errorf(fault.Unavailable, "notice campaigns are not configured on this server")
	}
	counts, err := a.deps.Campaigns.NoticeCounts(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		return notFoundIncident(id)
	}
	if err != nil {
		return fmt.Errorf("count notices of %s: %w", id, err)
	}
	s := Summarise(id, counts)
	if len(s.Channels) == 0 {
		// No notices: an incident not approved yet, or no incident at all.
		if err := a.knownIncident(r.Context(), id); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

// exportFlushRows is how many CSV rows are buffered between flushes; each
// flush also pushes the write deadline forward.
const exportFlushRows = 512

// exportIdle is how long a client may take to accept each flushed batch.
const exportIdle = time.Minute

// csvExport writes the notice export, sending the headers with the first
// row so that an error before it can still be answered as JSON.
type csvExport struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	cw      *csv.Writer
	id      string
	rec     []string
	rows    int
	started bool
}

func (x *csvExport) begin() error {
	x.started = true
	h := x.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+x.id+`-notices.csv"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	x.w.WriteHeader(http.StatusOK)
	x.rc.SetWriteDeadline(time.Now().Add(exportIdle))
	x.cw = csv.NewWriter(x.w)
	return x.cw.Write(ExportHeader)
}

func (x *csvExport) write(e notify.Entry) error {
	if !x.started {
		if err := x.begin(); err != nil {
			return err
		}
	}
	x.rec = ExportRecord(e, x.rec)
	if err := x.cw.Write(x.rec); err != nil {
		return err
	}
	x.rows++
	if x.rows%exportFlushRows == 0 {
		return x.flush()
	}
	return nil
}

func (x *csvExport) flush() error {
	x.cw.Flush()
	if err := x.cw.Error(); err != nil {
		return err
	}
	x.rc.SetWriteDeadline(time.Now().Add(exportIdle)) // not supported by every writer; the server's own timeout applies then
	return nil
}

func (a *api) exportNotices(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Campaigns == nil {
		return fault.Errorf(fault.Unavailable, "notice campaigns are not configured on this server")
	}
	// The export quotes the audit chain's head: an auditor ties the
	// ledger to the audit log as it stood (audit verify --head).
	a.quoteAuditHead(w, r)
	x := &csvExport{w: w, rc: http.NewResponseController(w), id: id}
	err = a.deps.Campaigns.ExportNotices(r.Context(), id, x.write)
	if err == nil && !x.started {
		if err := a.knownIncident(r.Context(), id); err != nil {
			return err
		}
		err = x.begin()
	}
	if err == nil {
		err = x.flush()
	}
	if err == nil {
		return nil
	}
	if !x.started {
		if errors.Is(err, ErrNotFound) {
			return notFoundIncident(id)
		}
		return fmt.Errorf("export notices of %s: %w", id, err)
	}
	// The 200 and part of the file are gone: break the connection so that
	// the client sees a truncated transfer, never a short file that looks
	// complete.
	a.log.WithFields(requestFields(r)).WithError(err).WithFields(map[string]any{"incident": id, "rows": x.rows}).
		Warn("notice export interrupted")
	panic(http.ErrAbortHandler)
}

type contactAcceptedKey struct{}

// ContactAccepted reports whether the approval being served accepts the
// incident's own contact (accept_contact in the request).
func ContactAccepted(ctx context.Context) bool {
	ok, _ := ctx.Value(contactAcceptedKey{}).(bool)
	return ok
}
