package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/store"
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

// TestAnnounceErrorKeepsFailuresInTheLog: a refusal (the gate, a wrong
// kind, nothing to update) reaches the approver with its reason; a storage
// failure answers as an internal error, its text kept from the client.
func TestAnnounceErrorKeepsFailuresInTheLog(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode fault.Code
		wantMsg  string
	}{
		{name: "gate", err: compose.CheckFacts(&incident.Incident{ID: "INC-1", Description: "Please send us your password and PIN."}, inventory.Organization{}),
			wantCode: fault.CampaignBlocked, wantMsg: "asks the reader for a secret"},
		{name: "nothing published", err: fmt.Errorf("announcement INC-1: nothing published to update: publish it first: %w", announce.ErrConflict),
			wantCode: fault.CampaignBlocked, wantMsg: "publish it first"},
		{name: "storage", err: fmt.Errorf("announcement INC-1 version 2: %w", errors.New("pq: disk full at /var/lib/postgresql/secret-path")),
			wantCode: fault.Internal, wantMsg: "internal error"},
		{name: "no incident", err: fmt.Errorf("announcement INC-1: %w", store.ErrNotFound),
			wantCode: fault.NotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("the case's error is nil")
			}
			got := announceError("INC-1", tc.err)
			if code := fault.CodeOf(got); code != tc.wantCode {
				t.Fatalf("code %q, want %q (%v)", code, tc.wantCode, got)
			}
			// The API answers a refusal with its whole text and anything
			// else with fault.MessageOf.
			refused := errors.Is(got, web.ErrAnnouncementRefused)
			if refused != (tc.wantCode == fault.CampaignBlocked) {
				t.Errorf("refused = %v for code %q", refused, tc.wantCode)
			}
			shown := fault.MessageOf(got)
			if refused {
				shown = got.Error()
			}
			if !strings.Contains(shown, tc.wantMsg) {
				t.Errorf("the client reads %q, want it to hold %q", shown, tc.wantMsg)
			}
			if strings.Contains(shown, "secret-path") {
				t.Errorf("the storage failure's text reaches the client: %q", shown)
			}
		})
	}
}
