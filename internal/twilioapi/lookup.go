package twilioapi

import (
	"context"
	"net/http"
	"time"

	"github.com/breach-notify/breach/notify"
)

// ClockSkew widens the window of a lookup: Twilio stamps date_created
// with its own clock, to the second.
const ClockSkew = 2 * time.Minute

// SentSince reports whether a listed message or call, with its direction
// and date_created (RFC 1123 with a numeric zone, as Twilio writes it), is
// an outbound API one created at or after since less ClockSkew. A missing
// direction counts as outbound; a missing or unreadable date does not
// match.
func SentSince(direction, dateCreated *string, since time.Time) bool {
	if direction != nil && *direction != "outbound-api" {
		return false
	}
	if dateCreated == nil {
		return false
	}
	created, err := time.Parse(time.RFC1123Z, *dateCreated)
	return err == nil && !created.Before(since.Add(-ClockSkew))
}

// LookupFailure classifies a failed list request (a reconciliation
// lookup) of resources named by noun ("message", "call"). Nothing is sent
// by a lookup, so nothing is ambiguous: every failure is temporary. ctx is
// the caller's context.
func LookupFailure(ctx context.Context, o Outcome, err error, noun string) error {
	status, code, _, _ := Reply(o, err)
	scode := Code(status, code)
	apiErr := func(kind error) error { return NewAPIError(status, code, kind) }
	switch {
	case status == 0 && ctx.Err() != nil:
		return notify.Temporary("", noun+" lookup cancelled", ErrCanceled)
	case status == 0 && (o.Expired || IsTimeout(err)):
		return notify.Temporary("", "twilio timed out listing "+noun+"s", ErrTimeout)
	case status == 0:
		return notify.Temporary("", "cannot connect to twilio", ErrConnection)
	case code == 20429 || status == http.StatusTooManyRequests:
		return notify.Temporary(scode, "twilio throttled the "+noun+" lookup", apiErr(ErrThrottled))
	case code == 20003 || status == http.StatusUnauthorized || status == http.StatusForbidden:
		return notify.Temporary(scode, "twilio refused the credentials", apiErr(ErrAuth))
	}
	return notify.Temporary(scode, "twilio "+noun+" lookup failed", apiErr(ErrServer))
}
