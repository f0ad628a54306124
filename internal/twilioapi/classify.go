package twilioapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"

	tclient "github.com/twilio/twilio-go/client"

	"github.com/breach-notify/breach/notify"
)

// Sentinel errors of the failures every Twilio channel shares; the
// channels re-export them. Match them with errors.Is.
var (
	// ErrInvalidNumber: the recipient number is malformed (refused
	// before sending) or invalid for Twilio.
	ErrInvalidNumber = errors.New("invalid recipient number")
	// ErrThrottled: too many requests (HTTP 429, code 20429).
	ErrThrottled = errors.New("twilio throttled the request")
	// ErrServer: Twilio answered 5xx or something that is not its API.
	ErrServer = errors.New("twilio server error")
	// ErrAuth: Twilio refused the credentials, the account or the
	// endpoint (a configuration problem).
	ErrAuth = errors.New("twilio refused the credentials")
	// ErrConnection: Twilio could not be reached.
	ErrConnection = errors.New("cannot connect to twilio")
	// ErrTimeout: Twilio did not answer in time.
	ErrTimeout = errors.New("twilio timed out")
	// ErrCanceled: the caller's context ended before a reply.
	ErrCanceled = errors.New("twilio request cancelled")
)

// APIError is a refusal by the Twilio API, reduced to its codes: Twilio's
// message text is dropped because it can echo the phone number.
type APIError struct {
	// HTTPStatus is the HTTP status of the reply.
	HTTPStatus int
	// Code is Twilio's error code (https://www.twilio.com/docs/api/errors),
	// 0 when the reply was not a Twilio error document.
	Code int
	kind error
}

// NewAPIError returns the APIError of a reply with status and code whose
// class of refusal is the sentinel kind.
func NewAPIError(status, code int, kind error) *APIError {
	return &APIError{HTTPStatus: status, Code: code, kind: kind}
}

func (e *APIError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("twilio http %d", e.HTTPStatus)
	}
	return fmt.Sprintf("twilio error %d (http %d)", e.Code, e.HTTPStatus)
}

// Unwrap returns the sentinel describing the class of refusal.
func (e *APIError) Unwrap() error { return e.kind }

// Reply returns the HTTP status and Twilio error code of a failed request:
// those of Twilio's error document when err carries one, else the status
// the transport saw (0 when no reply came) and code 0. restErr reports
// whether err carries Twilio's error document; moreInfo is its link.
func Reply(o Outcome, err error) (status, code int, moreInfo string, restErr bool) {
	status = o.Status
	var te *tclient.TwilioRestError
	if errors.As(err, &te) {
		if te.Status != 0 {
			status = te.Status
		}
		return status, te.Code, te.MoreInfo, true
	}
	return status, 0, "", false
}

// Code is the notify.DeliveryError code of a reply: Twilio's code, else
// "http-" and the status, else "".
func Code(status, code int) string {
	switch {
	case code != 0:
		return strconv.Itoa(code)
	case status != 0:
		return "http-" + strconv.Itoa(status)
	}
	return ""
}

// Class is the kind of failure an error reply from Twilio describes.
type Class int

// The classes of error replies, from Classify.
const (
	// Refused: a Twilio error code refusing this one request for good.
	Refused Class = iota
	// Throttled: too many requests (429, 20429); temporary.
	Throttled
	// ServerFailure: Twilio answered 5xx; temporary.
	ServerFailure
	// BadCredentials: Twilio refused the credentials (401, 20003); a
	// configuration problem, temporary.
	BadCredentials
	// BadAccount: Twilio refused the account (suspended or closed, 20005)
	// or the endpoint (403, 404, 405, 20404); a configuration problem,
	// temporary.
	BadAccount
	// Unexpected: an error reply that is not a Twilio error document (a
	// proxy, a load balancer or a wrong base URL answered): not evidence
	// against the recipient, temporary.
	Unexpected
)

// Classify returns the class of an error reply with HTTP status and
// Twilio code (0 when the reply was not a Twilio error document).
func Classify(status, code int) Class {
	switch {
	case code == 20429 || status == http.StatusTooManyRequests:
		return Throttled
	case status >= 500:
		return ServerFailure
	case code == 20003 || status == http.StatusUnauthorized:
		return BadCredentials
	case code == 20005 || code == 20404 || status == http.StatusForbidden || status == http.StatusNotFound ||
		status == http.StatusMethodNotAllowed:
		return BadAccount
	case code == 0:
		return Unexpected
	}
	return Refused
}

// Refusals describes how one channel words the Twilio codes that refuse
// one request for good.
type Refusals struct {
	// Reasons are the reasons of known codes, in words free of personal
	// data.
	Reasons map[int]string
	// Default is the reason of another code.
	Default string
	// Kinds are the sentinel errors of particular codes.
	Kinds map[int]error
	// Rejected is the sentinel error of the other codes.
	Rejected error
}

// Failure returns the class of an error reply with HTTP status and Twilio
// code, and its *notify.DeliveryError: permanent for Refused, temporary
// otherwise, with Code(status, code) as code and wrapping an *APIError.
func (r Refusals) Failure(status, code int) (Class, error) {
	class := Classify(status, code)
	scode := Code(status, code)
	apiErr := func(kind error) error { return NewAPIError(status, code, kind) }
	switch class {
	case Throttled:
		return class, notify.Temporary(scode, "twilio throttled the request", apiErr(ErrThrottled))
	case ServerFailure:
		return class, notify.Temporary(scode, "twilio server error", apiErr(ErrServer))
	case BadCredentials:
		return class, notify.Temporary(scode, "twilio refused the credentials", apiErr(ErrAuth))
	case BadAccount:
		return class, notify.Temporary(scode, "twilio refused the account or endpoint", apiErr(ErrAuth))
	case Unexpected:
		return class, notify.Temporary(scode, "unexpected reply from twilio", apiErr(ErrServer))
	}
	reason, known := r.Reasons[code]
	if !known {
		reason = r.Default
	}
	kind, special := r.Kinds[code]
	if !special {
		kind = r.Rejected
	}
	return class, notify.Permanent(scode, reason, apiErr(kind))
}

// IsTimeout reports whether err is a deadline or a network timeout.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// NetDetail describes a network error without the request URL, e.g.
// "dial tcp 127.0.0.1:443: connect: connection refused"; "" for others.
func NetDetail(err error) string {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Error()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Error()
	}
	return ""
}
