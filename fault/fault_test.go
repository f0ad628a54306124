package fault_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/breach-notify/breach/fault"
)

var (
	errGone    = fault.New(fault.NotFound, "gone")
	errMissing = fault.New(fault.NotFound, "gone") // same code and text, another sentinel
)

func TestSentinelsMatchByIdentity(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"itself", errGone},
		{"fmt.Errorf %w", fmt.Errorf("incident INC-1: %w", errGone)},
		{"joined", errors.Join(errors.New("other"), errGone)},
		{"Errorf %w", fault.Errorf(fault.NotFound, "no incident %q: %w", "INC-1", errGone)},
		{"Errorf two %w", fault.Errorf(fault.CampaignBlocked, "%w: %w", errors.New("blocked"), errGone)},
		{"Wrap", fault.Wrap(errGone, fault.Unavailable, "try later")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, errGone) {
				t.Errorf("errors.Is(%v, errGone) = false, want true", tc.err)
			}
			if errors.Is(tc.err, errMissing) {
				t.Errorf("errors.Is(%v, errMissing) = true: sentinels with the same code and text must stay distinct", tc.err)
			}
		})
	}
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want fault.Code
	}{
		{"nil", nil, ""},
		{"plain error", errors.New("boom"), fault.Internal},
		{"sentinel", errGone, fault.NotFound},
		{"wrapped sentinel", fmt.Errorf("get: %w", errGone), fault.NotFound},
		{"outermost wins", fault.Wrap(errGone, fault.Unavailable, "later"), fault.Unavailable},
		{"Errorf", fault.Errorf(fault.AlreadyApproved, "approved by %s", "someone"), fault.AlreadyApproved},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), fault.Unavailable},
		{"cancelled", context.Canceled, fault.Unavailable},
		{"empty code", &fault.Error{Message: "x"}, fault.Internal},
	}
	for _, tc := range tests {
		if got := fault.CodeOf(tc.err); got != tc.want {
			t.Errorf("%s: CodeOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMessageOfShowsNoCause(t *testing.T) {
	secret := errors.New("dial tcp 10.0.0.5:5432: password=hunter2 rejected")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"plain error is internal", secret, "internal error"},
		{"wrapped plain error is internal", fmt.Errorf("save: %w", secret), "internal error"},
		{"internal code hides its message", fault.Wrap(secret, fault.Internal, "password=hunter2"), "internal error"},
		{"Wrap keeps the cause out", fault.Wrap(secret, fault.Unavailable, "the store is unavailable"), "the store is unavailable"},
		{"sentinel", fmt.Errorf("incident %s: %w", "INC-1", errGone), "gone"},
		{"Errorf quotes its %w", fault.Errorf(fault.NotFound, "incident INC-1: %w", errGone), "incident INC-1: gone"},
		{"deadline", context.DeadlineExceeded, "the request timed out; retry later"},
	}
	for _, tc := range tests {
		got := fault.MessageOf(tc.err)
		if got != tc.want {
			t.Errorf("%s: MessageOf = %q, want %q", tc.name, got, tc.want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("%s: MessageOf leaks the cause: %q", tc.name, got)
		}
	}
}

func TestErrorTextForLogs(t *testing.T) {
	cause := errors.New("connection refused")
	tests := []struct {
		err  error
		want string
	}{
		{fault.New(fault.NotFound, "gone"), "gone"},
		{fault.Wrap(cause, fault.Unavailable, "store down"), "store down: connection refused"},
		{fault.Wrap(cause, fault.Internal, ""), "connection refused"},
		{fault.Errorf(fault.NotFound, "incident %s: %w", "INC-1", errGone), "incident INC-1: gone"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestCodesAreDistinct(t *testing.T) {
	seen := map[fault.Code]bool{}
	for _, c := range fault.Codes {
		if c == "" || seen[c] {
			t.Errorf("code %q is empty or listed twice", c)
		}
		seen[c] = true
	}
}
