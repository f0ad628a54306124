package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
)

// statusOf is the HTTP status of each error code, and the one place that
// says so (docs/api.md lists the same table). A code missing here answers
// 500.
var statusOf = map[fault.Code]int{
	fault.Internal:           http.StatusInternalServerError,
	fault.Invalid:            http.StatusBadRequest,
	fault.InvalidIncident:    http.StatusBadRequest,
	fault.Unauthorized:       http.StatusUnauthorized,
	fault.Forbidden:          http.StatusForbidden,
	fault.NotFound:           http.StatusNotFound,
	fault.NotAssessed:        http.StatusNotFound,
	fault.MethodNotAllowed:   http.StatusMethodNotAllowed,
	fault.AwaitingAssessment: http.StatusConflict,
	fault.AlreadyApproved:    http.StatusConflict,
	fault.SameApprover:       http.StatusConflict,
	fault.DeadLetterRefused:  http.StatusConflict,
	fault.RevisionConflict:   http.StatusConflict,
	fault.Conflict:           http.StatusConflict,
	fault.TooLarge:           http.StatusRequestEntityTooLarge,
	fault.UnsupportedMedia:   http.StatusUnsupportedMediaType,
	fault.Misdirected:        http.StatusMisdirectedRequest,
	fault.AssessmentFailed:   http.StatusUnprocessableEntity,
	fault.CampaignBlocked:    http.StatusUnprocessableEntity,
	fault.Unavailable:        http.StatusServiceUnavailable,
}

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error     string             `json:"error"`
	Code      string             `json:"code"` // a fault.Code
	Problems  []incident.Problem `json:"problems,omitempty"`
	RequestID string             `json:"request_id,omitempty"`
}

// problemsError is a fault that names the fields at fault, for the
// "problems" of the error body.
type problemsError struct {
	err      *fault.Error
	problems []incident.Problem
}

func (e *problemsError) Error() string { return e.err.Error() }
func (e *problemsError) Unwrap() error { return e.err }

// invalidField is an invalid request whose message is msg and whose one
// problem is field's.
func invalidField(msg, field, problem string) error {
	return &problemsError{err: fault.New(fault.Invalid, msg), problems: []incident.Problem{{Field: field, Message: problem}}}
}

// errorBody turns any error into the body of its answer and the status
// that goes with it. The code comes from fault.CodeOf, so handlers return
// what they got; the only errors recognised here are those that carry
// more than a code: a rejected incident's problems, and the standard
// library's body limit.
func errorBody(err error) (int, ErrorBody) {
	var ve *incident.ValidationError
	var pe *problemsError
	var mbe *http.MaxBytesError
	code, msg := fault.CodeOf(err), fault.MessageOf(err)
	var problems []incident.Problem
	switch {
	case errors.As(err, &ve):
		code, msg, problems = fault.InvalidIncident, ve.Error(), ve.Problems
	case errors.As(err, &pe):
		problems = pe.problems
	case errors.As(err, &mbe) && !errors.As(err, new(*fault.Error)):
		code, msg = fault.TooLarge, fmt.Sprintf("the request body is larger than the %d-byte limit", mbe.Limit)
	}
	status, ok := statusOf[code]
	if !ok {
		status, code, msg = http.StatusInternalServerError, fault.Internal, "internal error"
	}
	return status, ErrorBody{Code: string(code), Error: msg, Problems: problems}
}

// writeError sends err as JSON with the status of its code and logs the
// cause of server-side failures.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorBody(err)
	body.RequestID = RequestID(r.Context())
	if body.Code == string(fault.Internal) {
		body.Error = "internal error; quote request id " + body.RequestID + " when reporting it"
	}
	if status >= 500 {
		a.log.WithFields(requestFields(r)).WithError(err).Error("request failed")
	}
	switch fault.Code(body.Code) {
	case fault.Unavailable:
		w.Header().Set("Retry-After", strconv.Itoa(5))
	case fault.Unauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="breach"`)
	}
	writeJSON(w, status, body)
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
