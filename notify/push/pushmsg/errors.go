package pushmsg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/breach-notify/breach/notify"
)

// ErrDeviceGone marks a permanent failure after which the device will never
// receive a push again: the Web Push subscription expired or was
// unsubscribed (404, 410), FCM answered UNREGISTERED, APNs Unregistered or
// BadDeviceToken. The engine matches it with errors.Is and deactivates the
// device for later campaigns.
var ErrDeviceGone = errors.New("push device is gone")

// ErrThrottled marks a temporary failure because the push service limits
// the sender (HTTP 429, FCM QUOTA_EXCEEDED, APNs TooManyRequests).
var ErrThrottled = errors.New("push service throttled the request")

// ErrUnavailable marks a temporary failure of the push service (5xx, FCM
// UNAVAILABLE or INTERNAL) or of the way to it (connection, timeout).
var ErrUnavailable = errors.New("push service unavailable")

// ErrRejected marks a permanent refusal of this one push: a bad request, a
// payload too large, a token for another app or project.
var ErrRejected = errors.New("push service rejected the notice")

// ErrCredentials marks a refusal of the sender's own credentials (VAPID
// key, OAuth2 service account, APNs provider token): a configuration
// problem that affects every push of the platform.
var ErrCredentials = errors.New("push service refused the sender credentials")

// DeviceGone returns the permanent delivery error for a device that is
// gone; it wraps ErrDeviceGone.
func DeviceGone(code, reason string) error {
	return notify.Permanent(code, reason, ErrDeviceGone)
}

// RetryAfterError carries the delay a push service asked for before the
// next attempt (the Retry-After header).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

// Unwrap returns the cause (ErrThrottled or ErrUnavailable).
func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryDelay returns After. It lets code that cannot import this package
// (the notify worker) find the delay with errors.As and
// interface{ RetryDelay() time.Duration }.
func (e *RetryAfterError) RetryDelay() time.Duration { return e.After }

// Temporary returns a temporary delivery error wrapping cause; after > 0
// adds "retry after <after>" to the reason and a *RetryAfterError that
// RetryAfter finds.
func Temporary(code, reason string, after time.Duration, cause error) error {
	if after > 0 {
		return notify.Temporary(code, fmt.Sprintf("%s; retry after %s", reason, after), &RetryAfterError{After: after, Err: cause})
	}
	return notify.Temporary(code, reason, cause)
}

// RetryAfter returns the delay the push service asked for, if err carries
// one.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return ra.After, true
	}
	return 0, false
}

// MaxRetryAfter caps the delay ParseRetryAfter returns: a campaign does not
// wait a day because a header said so.
const MaxRetryAfter = time.Hour

// ParseRetryAfter reads a Retry-After header value, delay-seconds or an
// HTTP date (RFC 9110 §10.2.3), relative to now. It returns 0 when the
// value is empty, malformed or in the past, and at most MaxRetryAfter.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := time.Parse(time.RFC1123, v); err == nil {
		d = t.Sub(now).Round(time.Second)
	}
	return min(max(d, 0), MaxRetryAfter)
}

// TransportError classifies an error from sending a request that got no
// HTTP reply: temporary, wrapping ErrUnavailable (or the context's error
// when ctx ended). It keeps only the network detail of err: a *url.Error
// would quote the request URL, which holds the device token or the
// subscription endpoint.
func TransportError(ctx context.Context, service string, err error) error {
	switch {
	case ctx.Err() != nil:
		return notify.Temporary("", "cancelled before "+service+" answered", fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err()))
	case isTimeout(err):
		return notify.Temporary("timeout", service+" did not answer in time", fmt.Errorf("%w: timeout", ErrUnavailable))
	}
	detail := "connection failed"
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.As(err, &op):
		detail = op.Error()
	case errors.As(err, &dns):
		detail = dns.Error()
	}
	return notify.Temporary("connection", "cannot reach "+service, fmt.Errorf("%w: %s", ErrUnavailable, detail))
}

func isTimeout(err error) bool {
	var ne net.Error
	var ue *url.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) || (errors.As(err, &ue) && ue.Timeout())
}
