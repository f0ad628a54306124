package twilioapi

import (
	"errors"
	"testing"

	"github.com/breach-notify/breach/notify"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name         string
		status, code int
		want         Class
	}{
		{"invalid number", 400, 21211, Refused},
		{"unknown code", 400, 21999, Refused},
		{"code without status", 0, 21610, Refused},
		{"throttled by code", 400, 20429, Throttled},
		{"bare 429", 429, 0, Throttled},
		{"server error", 500, 20500, ServerFailure},
		{"bare 503", 503, 0, ServerFailure},
		{"bad credentials", 401, 20003, BadCredentials},
		{"bare 401", 401, 0, BadCredentials},
		{"inactive account", 403, 20005, BadAccount},
		{"unknown account", 404, 20404, BadAccount},
		{"bare 403", 403, 0, BadAccount},
		{"method not allowed", 405, 20004, BadAccount},
		{"html 400 from a proxy", 400, 0, Unexpected},
		{"redirect", 302, 0, Unexpected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.status, tt.code); got != tt.want {
				t.Errorf("got class %d, want %d", got, tt.want)
			}
		})
	}
}

func TestRefusalsFailure(t *testing.T) {
	errRejected, errStop := errors.New("rejected"), errors.New("stop")
	r := Refusals{
		Reasons:  map[int]string{21211: "invalid recipient number", 21610: "recipient unsubscribed"},
		Default:  "twilio rejected the message",
		Kinds:    map[int]error{21211: ErrInvalidNumber, 21610: errStop},
		Rejected: errRejected,
	}
	tests := []struct {
		name         string
		status, code int
		permanent    bool
		wantCode     string
		reason       string
		kind         error
	}{
		{"known code with its kind", 400, 21211, true, "21211", "invalid recipient number", ErrInvalidNumber},
		{"channel kind", 400, 21610, true, "21610", "recipient unsubscribed", errStop},
		{"unknown code", 400, 21999, true, "21999", "twilio rejected the message", errRejected},
		{"throttled", 429, 20429, false, "20429", "twilio throttled the request", ErrThrottled},
		{"server", 503, 0, false, "http-503", "twilio server error", ErrServer},
		{"credentials", 401, 20003, false, "20003", "twilio refused the credentials", ErrAuth},
		{"account", 404, 20404, false, "20404", "twilio refused the account or endpoint", ErrAuth},
		{"not twilio", 400, 0, false, "http-400", "unexpected reply from twilio", ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Failure(tt.status, tt.code)
			var de *notify.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("got %v (%T), want a *notify.DeliveryError", err, err)
			}
			if de.Permanent != tt.permanent || de.Code != tt.wantCode || de.Reason != tt.reason {
				t.Errorf("got permanent %v code %q reason %q, want %v %q %q", de.Permanent, de.Code, de.Reason,
					tt.permanent, tt.wantCode, tt.reason)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("got %v, want it to wrap %v", err, tt.kind)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.HTTPStatus != tt.status || ae.Code != tt.code {
				t.Errorf("got %v, want an *APIError with status %d and code %d", err, tt.status, tt.code)
			}
		})
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		name         string
		status, code int
		want         string
	}{
		{"twilio code", 400, 21211, "21211"},
		{"status only", 503, 0, "http-503"},
		{"nothing", 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Code(tt.status, tt.code); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *APIError
		want string
	}{
		{"twilio code", NewAPIError(400, 21211, ErrInvalidNumber), "twilio error 21211 (http 400)"},
		{"bare status", NewAPIError(503, 0, ErrServer), "twilio http 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
