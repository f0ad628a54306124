package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/incident"
)

// Kind classifies an API error; the status code and the "code" field of the
// error body follow from it, in kindTable and nowhere else.
type Kind int

// The kinds of API error.
const (
	KindInternal           Kind = iota // a bug or an unexpected failure
	KindInvalid                        // the request is malformed
	KindInvalidIncident                // the incident document was rejected
	KindUnauthorized                   // missing or wrong API token
	KindNotFound                       // no such resource
	KindNotAssessed                    // the incident exists but has no assessment yet
	KindAwaitingAssessment             // the action needs an assessment of the current revision
	KindAlreadyApproved                // another approver approved the current revision first
	KindMethodNotAllowed               // the route exists, the method does not
	KindTooLarge                       // the body is over the limit
	KindUnsupportedMedia               // the body is not JSON
	KindUnavailable                    // a dependency is down or slow; retry later
	KindCampaignBlocked                // the campaign cannot start until the incident is corrected
	KindRevisionConflict               // the same id and revision were received with other content
	KindForbidden                      // the principal's role does not allow the action, or a cross-origin request
	KindMisdirected                    // the Host header is not a name of this server
	KindAssessmentFailed               // the current revision cannot be assessed until corrected
	KindSameApprover                   // the principal already approved; another principal must approve
	KindDeadLetterRefused              // the dead letter cannot be replayed or resolved as asked
)

var kindTable = map[Kind]struct {
	status int
	code   string
}{
	KindInternal:           {http.StatusInternalServerError, "internal"},
	KindInvalid:            {http.StatusBadRequest, "invalid_request"},
	KindInvalidIncident:    {http.StatusBadRequest, "invalid_incident"},
	KindUnauthorized:       {http.StatusUnauthorized, "unauthorized"},
	KindNotFound:           {http.StatusNotFound, "not_found"},
	KindNotAssessed:        {http.StatusNotFound, "not_assessed"},
	KindAwaitingAssessment: {http.StatusConflict, "awaiting_assessment"},
	KindAlreadyApproved:    {http.StatusConflict, "already_approved"},
	KindMethodNotAllowed:   {http.StatusMethodNotAllowed, "method_not_allowed"},
	KindTooLarge:           {http.StatusRequestEntityTooLarge, "too_large"},
	KindUnsupportedMedia:   {http.StatusUnsupportedMediaType, "unsupported_media_type"},
	KindUnavailable:        {http.StatusServiceUnavailable, "unavailable"},
	KindCampaignBlocked:    {http.StatusUnprocessableEntity, "campaign_blocked"},
	KindRevisionConflict:   {http.StatusConflict, "revision_conflict"},
	KindForbidden:          {http.StatusForbidden, "forbidden"},
	KindMisdirected:        {http.StatusMisdirectedRequest, "misdirected_request"},
	KindAssessmentFailed:   {http.StatusUnprocessableEntity, "assessment_failed"},
	KindSameApprover:       {http.StatusConflict, "same_approver"},
	KindDeadLetterRefused:  {http.StatusConflict, "deadletter_refused"},
}

// Error is an API error: a kind and a message a person can act on. Err, when
// set, is the underlying cause; it is logged, never sent to the client.
type Error struct {
	Kind     Kind
	Message  string
	Problems []incident.Problem
	Err      error
}

// Error returns the message with its cause, for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func newError(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error     string             `json:"error"`
	Code      string             `json:"code"`
	Problems  []incident.Problem `json:"problems,omitempty"`
	RequestID string             `json:"request_id,omitempty"`
}

// classify turns any error into an *Error. Known kinds of failure from
// collaborators and the standard library are recognised here, so handlers
// can return what they got.
func classify(err error) *Error {
	var e *Error
	var ve *incident.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &ve):
		return &Error{Kind: KindInvalidIncident, Message: ve.Error(), Problems: ve.Problems}
	case errors.Is(err, access.ErrForbidden):
		return &Error{Kind: KindForbidden, Message: err.Error()}
	case errors.Is(err, access.ErrUnauthenticated):
		return &Error{Kind: KindUnauthorized, Message: err.Error()}
	case errors.As(err, &mbe):
		return &Error{Kind: KindTooLarge, Message: fmt.Sprintf("the request body is larger than the %d-byte limit", mbe.Limit)}
	case errors.Is(err, ErrNotFound):
		return &Error{Kind: KindNotFound, Message: "not found", Err: err}
	case errors.Is(err, ErrCampaignBlocked):
		return &Error{Kind: KindCampaignBlocked, Message: err.Error(), Err: err}
	case errors.Is(err, ErrNotAssessed):
		return &Error{Kind: KindAwaitingAssessment, Message: "the incident's current revision is not assessed yet; wait for its assessment", Err: err}
	case errors.Is(err, ErrInvalidCursor):
		return &Error{Kind: KindInvalid, Message: "the cursor is not valid; start again without one", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Kind: KindUnavailable, Message: "the request timed out; retry later", Err: err}
	case errors.Is(err, context.Canceled):
		return &Error{Kind: KindUnavailable, Message: "the request was cancelled", Err: err}
	}
	return &Error{Kind: KindInternal, Message: "internal error", Err: err}
}

// writeError sends err as JSON with the status of its kind and logs the
// cause of server-side failures.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	k, ok := kindTable[e.Kind]
	if !ok {
		k = kindTable[KindInternal]
	}
	id := RequestID(r.Context())
	msg := e.Message
	if e.Kind == KindInternal {
		msg = "internal error; quote request id " + id + " when reporting it"
	}
	if k.status >= 500 {
		a.log.WithFields(requestFields(r)).WithError(err).Error("request failed")
	}
	switch e.Kind {
	case KindUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(5))
	case KindUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="breach"`)
	}
	writeJSON(w, k.status, ErrorBody{Error: msg, Code: k.code, Problems: e.Problems, RequestID: id})
}

// writeJSON sends v with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error": "internal error: response could not be encoded", "code": "internal"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
