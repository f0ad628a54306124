package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/workflow"
)

// TestMarkAsSaysItOnce: a workflow error handed to the API matches the
// API's sentinel and keeps its own message, without the sentinel's words
// twice.
func TestMarkAsSaysItOnce(t *testing.T) {
	tests := []struct {
		name     string
		sentinel error
		err      error
		want     string
	}{
		{name: "campaign blocked", sentinel: web.ErrCampaignBlocked,
			err:  fault.Errorf(fault.CampaignBlocked, "%w: %w", workflow.ErrCampaignBlocked, errors.New("description carries a card number")),
			want: "campaign blocked: description carries a card number"},
		{name: "not assessed", sentinel: web.ErrNotAssessed,
			err:  fmt.Errorf("approve INC-1: %w: wait for its assessment", workflow.ErrNotAssessed),
			want: "approve INC-1: incident not assessed yet: wait for its assessment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := markAs(tc.sentinel, tc.err)
			if got.Error() != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if code, msg := fault.CodeOf(got), fault.MessageOf(got); code != fault.CodeOf(tc.err) || msg != fault.MessageOf(tc.err) {
				t.Errorf("got code %q, message %q; want the cause's %q, %q", code, msg, fault.CodeOf(tc.err), fault.MessageOf(tc.err))
			}
			if !errors.Is(got, tc.sentinel) || !errors.Is(got, tc.err) {
				t.Errorf("got an error matching sentinel %v, cause %v; want both", errors.Is(got, tc.sentinel), errors.Is(got, tc.err))
			}
		})
	}
}
