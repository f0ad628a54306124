package twilioapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/notify"
)

func TestSentSince(t *testing.T) {
	since := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	str := func(s string) *string { return &s }
	stamp := func(t time.Time) *string { return str(t.Format(time.RFC1123Z)) }
	tests := []struct {
		name               string
		direction, created *string
		want               bool
	}{
		{"after since", str("outbound-api"), stamp(since.Add(time.Second)), true},
		{"at since", str("outbound-api"), stamp(since), true},
		{"within the clock skew", str("outbound-api"), stamp(since.Add(-ClockSkew)), true},
		{"before the skew", str("outbound-api"), stamp(since.Add(-ClockSkew - time.Second)), false},
		{"no direction", nil, stamp(since), true},
		{"inbound", str("inbound"), stamp(since), false},
		{"reply", str("outbound-reply"), stamp(since), false},
		{"no date", str("outbound-api"), nil, false},
		{"unreadable date", str("outbound-api"), str("2026-12-01T09:00:00Z"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SentSince(tt.direction, tt.created, since); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// listMessages is one message list request through c.
func listMessages(ctx context.Context, c *Client) (*api.ListMessageResponse, Outcome, error) {
	p := (&api.ListMessageParams{}).SetTo(testTo).SetPageSize(20)
	return Do(ctx, c, func(svc *api.ApiService) (*api.ListMessageResponse, error) { return svc.PageMessage(p, "", "") })
}

func TestLookupFailure(t *testing.T) {
	refuse := func(status, code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"code":%d,"message":"no list for %s","status":%d}`, code, testTo, status)
		}
	}
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	tests := []struct {
		name    string
		handler http.HandlerFunc // nil: nothing listens
		cancel  bool
		code    string
		reason  string
		kind    error
	}{
		{"throttled", refuse(429, 20429), false, "20429", "twilio throttled the message lookup", ErrThrottled},
		{"bad credentials", refuse(401, 20003), false, "20003", "twilio refused the credentials", ErrAuth},
		{"forbidden page", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusForbidden) },
			false, "http-403", "twilio refused the credentials", ErrAuth},
		{"server error", refuse(500, 20500), false, "20500", "twilio message lookup failed", ErrServer},
		{"unknown account", refuse(404, 20404), false, "20404", "twilio message lookup failed", ErrServer},
		{"timeout", hang, false, "", "twilio timed out listing messages", ErrTimeout},
		{"cancelled", hang, true, "", "message lookup cancelled", ErrCanceled},
		{"nothing listens", nil, false, "", "cannot connect to twilio", ErrConnection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := serve(t, tt.handler)
			ctx := t.Context()
			if tt.cancel {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			_, out, err := listMessages(ctx, newClient(t, url, 200*time.Millisecond))
			if err == nil {
				t.Fatal("got no error, want a failed lookup")
			}
			failure := LookupFailure(ctx, out, err, "message")
			var de *notify.DeliveryError
			if !errors.As(failure, &de) {
				t.Fatalf("got %v (%T), want a *notify.DeliveryError", failure, failure)
			}
			if de.Permanent || de.Code != tt.code || de.Reason != tt.reason || !errors.Is(failure, tt.kind) {
				t.Errorf("got permanent %v code %q reason %q (%v), want temporary %q %q wrapping %v",
					de.Permanent, de.Code, de.Reason, failure, tt.code, tt.reason, tt.kind)
			}
		})
	}
}
