package twiliotest

import (
	"strings"
	"testing"
)

// Refusal is a scripted refusal and the classification every Twilio
// channel must give it.
type Refusal struct {
	// Name names the case.
	Name string
	// Failure is what the fake answers.
	Failure Failure
	// Permanent says whether the *notify.DeliveryError must be permanent.
	Permanent bool
	// Code is the *notify.DeliveryError's code.
	Code string
}

// Refusals are the refusals every Twilio channel must classify, with the
// classification each must get; the sentinel error each wraps is the
// channel's own.
var Refusals = []Refusal{
	{"21211 invalid number", InvalidNumber, true, "21211"},
	{"21610 unsubscribed", Unsubscribed, true, "21610"},
	{"21614 not mobile", NotMobile, true, "21614"},
	{"20429 too many requests", TooManyRequests, false, "20429"},
	{"500 server error", ServerError, false, "20500"},
	{"503 page", Unavailable, false, "http-503"},
}

// AssertKeys reports whether err names every configuration key of keys
// as "key:", a nil keys wanting a nil err, and fails tb otherwise.
func AssertKeys(tb testing.TB, err error, keys []string) bool {
	tb.Helper()
	switch {
	case keys == nil && err != nil:
		tb.Errorf("got error %q, want nil", err)
		return false
	case keys == nil:
		return true
	case err == nil:
		tb.Errorf("got nil error, want one naming %v", keys)
		return false
	}
	ok := true
	for _, key := range keys {
		if !strings.Contains(err.Error(), key+":") {
			tb.Errorf("got error %q, want it to name %s", err, key)
			ok = false
		}
	}
	return ok
}
