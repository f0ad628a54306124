// Package fault is the service's one error type: an error with a Code a
// program can act on and a Message a person can read.
//
// Domain packages declare their sentinel errors with New, so that
// errors.Is keeps working and every caller up to the HTTP API knows what
// kind of failure it has:
//
//	var ErrNotFound = fault.New(fault.NotFound, "not found")
//
// A failure with its own wording is made with Errorf (the message may
// quote a sentinel with %w) or Wrap (the cause is kept for logs, out of
// the message):
//
//	return fault.Errorf(fault.NotFound, "no incident %q", id)
//	return fault.Wrap(err, fault.Unavailable, "the store is unavailable; retry later")
//
// CodeOf and MessageOf read them back: the web package turns the code into
// an HTTP status in one table, the CLI into an exit status. An error
// without a code is Internal, and the message of an internal error is
// generic, so no cause, secret or internal detail reaches a client.
package fault

import (
	"context"
	"errors"
	"fmt"
)

// Code names a kind of failure. Its value is the "code" field of the API's
// error body, so a value never changes once published.
type Code string

// The codes. Each one's HTTP status is in the web package's table and in
// docs/api.md.
const (
	Internal           Code = "internal"               // a bug or an unexpected failure
	Invalid            Code = "invalid_request"        // the request is malformed
	InvalidIncident    Code = "invalid_incident"       // the incident document was rejected
	Unauthorized       Code = "unauthorized"           // missing, unknown or revoked credentials
	Forbidden          Code = "forbidden"              // the principal may not do this
	NotFound           Code = "not_found"              // no such thing
	NotAssessed        Code = "not_assessed"           // the incident exists but has no assessment yet
	AwaitingAssessment Code = "awaiting_assessment"    // the action needs an assessment of the current revision
	AlreadyApproved    Code = "already_approved"       // someone else approved the current revision first
	SameApprover       Code = "same_approver"          // this principal already approved; another must (campaign.approvals_required)
	DeadLetterRefused  Code = "deadletter_refused"     // the dead letter cannot be replayed or resolved as asked
	RevisionConflict   Code = "revision_conflict"      // the same id and revision came with other content
	Conflict           Code = "conflict"               // the change clashes with the current state
	AssessmentFailed   Code = "assessment_failed"      // the current revision cannot be assessed until corrected
	CampaignBlocked    Code = "campaign_blocked"       // the campaign cannot start as the incident stands
	TooLarge           Code = "too_large"              // the input is over its limit
	UnsupportedMedia   Code = "unsupported_media_type" // the body is not in a format the route takes
	MethodNotAllowed   Code = "method_not_allowed"     // the route exists, the method does not
	Misdirected        Code = "misdirected_request"    // the request named a host this server is not
	Unavailable        Code = "unavailable"            // a dependency is down or slow, or not configured; retry later
)

// Codes lists every code, for tables and their tests.
var Codes = []Code{
	Internal, Invalid, InvalidIncident, Unauthorized, Forbidden, NotFound, NotAssessed,
	AwaitingAssessment, AlreadyApproved, SameApprover, DeadLetterRefused, RevisionConflict, Conflict, AssessmentFailed,
	CampaignBlocked, TooLarge, UnsupportedMedia, MethodNotAllowed, Misdirected, Unavailable,
}

// internalMessage is the message of every internal error.
const internalMessage = "internal error"

// Error is a failure with a code. Message is written for the person at
// the other end (an API client, a CLI user); Err, when set, is the cause,
// which goes to logs only.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// New returns an error with code and message and no cause: the form of a
// sentinel error. errors.Is matches it by identity, through any wrapping.
func New(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Errorf returns an error with code and a formatted message. A %w verb
// wraps its operand (errors.Is and errors.As find it) and quotes its text
// in the message, so wrap only errors whose text a client may read: the
// sentinels of this package's kind, not a driver's or a provider's error
// (use Wrap for those).
func Errorf(code Code, format string, args ...any) *Error {
	w := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: w.Error()}
	if errors.Unwrap(w) != nil || wrapsMany(w) {
		e.Err = w
	}
	return e
}

// Wrap returns an error with code and a formatted message whose cause is
// err. The cause's text stays out of the message: it is logged, not shown.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

func wrapsMany(err error) bool {
	u, ok := err.(interface{ Unwrap() []error })
	return ok && len(u.Unwrap()) > 0
}

// Error returns the message followed by the cause, for logs.
func (e *Error) Error() string {
	if e.Err == nil || e.Err.Error() == e.Message {
		return e.Message
	}
	if e.Message == "" {
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// CodeOf returns the code of the first *Error in err's chain, Unavailable
// for a deadline or a cancellation without one, Internal for any other
// error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := find(err); ok && e.Code != "" {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return Unavailable
	}
	return Internal
}

// MessageOf returns the message a client may read for err: the message of
// the first *Error in its chain, or a generic one for an internal error,
// so that neither a cause nor a secret is shown. It is "" for nil.
func MessageOf(err error) string {
	switch e, ok := find(err); {
	case err == nil:
		return ""
	case ok && e.Code != Internal && e.Code != "" && e.Message != "":
		return e.Message
	case errors.Is(err, context.DeadlineExceeded):
		return "the request timed out; retry later"
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	}
	return internalMessage
}

func find(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
