package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/web"
)

// The codes of the API's error body that callers commonly act on (the
// full list is the web package's kind table).
const (
	CodeNotFound           = "not_found"
	CodeNotAssessed        = "not_assessed"
	CodeAssessmentFailed   = "assessment_failed"
	CodeAwaitingAssessment = "awaiting_assessment"
	CodeAlreadyApproved    = "already_approved"
	CodeSameApprover       = "same_approver"
	CodeCampaignBlocked    = "campaign_blocked"
	CodeUnauthorized       = "unauthorized"
	CodeForbidden          = "forbidden"
	CodeUnavailable        = "unavailable"
)

// Error is an error answer of the API: its HTTP status and the code,
// message, problems and request id of its body (web.ErrorBody). An answer
// whose body is not such JSON gets a message naming the status.
type Error struct {
	Status    int
	Code      string
	Message   string
	Problems  []incident.Problem
	RequestID string
}

// Error returns the server's message followed by each problem the message
// does not already name.
func (e *Error) Error() string {
	msg := e.Message
	for _, p := range e.Problems {
		if !strings.Contains(msg, p.Field) {
			msg += "; " + p.String()
		}
	}
	return msg
}

// Temporary reports whether retrying may succeed: a server error or 429.
func (e *Error) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// HasCode reports whether err is (or wraps) an *Error with this code.
func HasCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// UnreachableError means no answer came from the server: it is down, the
// address is wrong, or the connection broke.
type UnreachableError struct {
	// Server is the base URL, without any password.
	Server string
	Err    error
}

// Error names the server and the cause.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the breach server at %s: %v", e.Server, e.Err)
}

// Unwrap returns the cause.
func (e *UnreachableError) Unwrap() error { return e.Err }

// readError turns a non-success answer into an *Error.
func readError(resp *http.Response) *Error {
	e := &Error{Status: resp.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var body web.ErrorBody
	if json.Unmarshal(b, &body) != nil || body.Error == "" {
		e.Message = fmt.Sprintf("the server answered %s", resp.Status)
		return e
	}
	e.Code, e.Message, e.Problems, e.RequestID = body.Code, body.Error, body.Problems, body.RequestID
	return e
}
