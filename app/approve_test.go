package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/workflow"
)

// TestApproveBlockedByLeakedText: an incident whose description carries a
// card number cannot be approved; the reason names the field and does not
// quote the number, and nothing is approved.
func TestApproveBlockedByLeakedText(t *testing.T) {
	svc := startService(t, testConfig(t.TempDir(), testInventory))
	in := testIncident("INC-BLOCKED", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	in.Description = "The copied table included card 4111 1111 1111 1111."
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	_, err := svc.Approve(context.Background(), in.ID, "tester")
	if !errors.Is(err, workflow.ErrCampaignBlocked) {
		t.Fatalf("got %v, want ErrCampaignBlocked", err)
	}
	if !strings.Contains(err.Error(), "description") || strings.Contains(err.Error(), "4111") {
		t.Errorf("got %q, want a reason naming description without the number", err)
	}
	// What the API shows: campaign_blocked with the reason, not just the
	// sentinel's words.
	if code, msg := fault.CodeOf(err), fault.MessageOf(err); code != fault.CampaignBlocked || !strings.Contains(msg, "description") {
		t.Errorf("got code %q, message %q; want campaign_blocked with a reason naming description", code, msg)
	}
	if _, err := svc.Store().GetApproval(context.Background(), in.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("got approval lookup error %v, want ErrNotFound (nothing approved)", err)
	}
}

// TestApprovalIsPerRevision: approving revision 1 does not approve
// revision 2; its campaign waits for a new approval.
func TestApprovalIsPerRevision(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	svc := startService(t, cfg)
	ctx := context.Background()
	in := testIncident("INC-REV", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	if _, err := svc.Approve(ctx, in.ID, "tester"); err != nil {
		t.Fatalf("approve revision 1: %v", err)
	}
	in2 := testIncident("INC-REV", 2, incident.Affected{System: "billing"}, incident.Affected{System: "crm"})
	in2.Mitigation.Measures = in.Mitigation.Measures
	publish(t, svc, in2)
	waitAssessment(t, svc, in.ID, 2)
	ap, err := svc.Store().GetApproval(ctx, in.ID)
	if err != nil || ap.Revision != 1 {
		t.Fatalf("got approval %+v, %v; want the revision 1 approval only", ap, err)
	}
	ap2, err := svc.Approve(ctx, in.ID, "tester")
	if err != nil || ap2.Revision != 2 {
		t.Errorf("approve revision 2: got %+v, %v; want revision 2 approved", ap2, err)
	}
}

// TestSecondApproverGetsAlreadyApproved: once a revision is approved, a
// second approver is told so (ErrAlreadyApproved, 409 already_approved on
// the API) and the first approval stands; the same approver repeating the
// call is answered with the approval.
func TestSecondApproverGetsAlreadyApproved(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	svc := startService(t, cfg)
	ctx := context.Background()
	in := testIncident("INC-TWICE", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	if _, err := svc.Approve(ctx, in.ID, "first"); err != nil {
		t.Fatalf("first approval: %v", err)
	}
	if ap, err := svc.Approve(ctx, in.ID, "first"); err != nil || ap.By != "first" {
		t.Errorf("same approver again: got %+v, %v; want the approval", ap, err)
	}
	ap, err := svc.Approve(ctx, in.ID, "second")
	if !errors.Is(err, workflow.ErrAlreadyApproved) {
		t.Fatalf("second approver: got %v, want ErrAlreadyApproved", err)
	}
	if ap.By != "first" {
		t.Errorf("second approver: got approval by %q, want the first one's", ap.By)
	}
}

// TestForeignContactNeedsAcceptance: an incident whose contact is not the
// organisation's (every notice would print it: a forged revision could
// send people to an attacker) is not approved until the approver accepts
// that contact explicitly.
func TestForeignContactNeedsAcceptance(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	svc := startService(t, cfg)
	ctx := context.Background()
	in := testIncident("INC-CONTACT", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	in.Contact = &incident.Contact{Name: "Help desk", Email: "help@shop-support.example"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	_, err := svc.Approve(ctx, in.ID, "tester")
	if !errors.Is(err, workflow.ErrCampaignBlocked) || !strings.Contains(err.Error(), "help@shop-support.example") {
		t.Fatalf("approve with a foreign contact: got %v, want ErrCampaignBlocked naming the contact", err)
	}
	if _, err := svc.Store().GetApproval(ctx, in.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("got approval lookup %v, want nothing approved", err)
	}
	if _, err := svc.Approve(workflow.WithContactAccepted(ctx), in.ID, "tester"); err != nil {
		t.Errorf("approve accepting the contact: %v", err)
	}
}

// TestTwoPersonRule: with campaign.approvals_required 2, one principal's
// approval records a vote and starts nothing; the same principal again is
// ErrSameApprover; a second principal approves the revision and the
// campaign starts; a third is ErrAlreadyApproved. Each vote is audited.
func TestTwoPersonRule(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	cfg.Campaign.ApprovalsRequired = 2
	svc := startService(t, cfg)
	ctx := context.Background()
	in := testIncident("INC-TWO", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	ap, err := svc.Approve(ctx, in.ID, "alice")
	if err != nil || ap.Approved() || ap.Missing() != 1 || ap.Required != 2 {
		t.Fatalf("first approval: got %+v, %v; want recorded, 1 more needed", ap, err)
	}
	if _, err := svc.Store().GetApproval(ctx, in.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after one of two approvals: got approval lookup %v, want nothing approved", err)
	}
	if _, err := svc.Approve(ctx, in.ID, "alice"); !errors.Is(err, workflow.ErrSameApprover) {
		t.Errorf("same principal twice: got %v, want ErrSameApprover", err)
	}
	if counts, err := svc.Store().Ledger().Counts(ctx, in.ID); err != nil || len(counts) != 0 {
		t.Errorf("ledger after one approval: got %v, %v; want no notice planned", counts, err)
	}
	ap, err = svc.Approve(ctx, in.ID, "bob")
	if err != nil || !ap.Approved() || ap.By != "bob" || len(ap.State.Votes) != 2 {
		t.Fatalf("second approval: got %+v, %v; want approved by alice and bob", ap, err)
	}
	if _, err := svc.Approve(ctx, in.ID, "carol"); !errors.Is(err, workflow.ErrAlreadyApproved) {
		t.Errorf("third approver: got %v, want ErrAlreadyApproved", err)
	}
	waitCampaignPlanned(t, svc, in.ID)
}

// waitCampaignPlanned waits until the ledger holds notices of incident id.
func waitCampaignPlanned(t *testing.T, svc *running, id string) {
	t.Helper()
	eventually(t, "campaign of "+id+" planned", func() error {
		counts, err := svc.Store().Ledger().Counts(context.Background(), id)
		if err != nil {
			return err
		}
		if len(counts) == 0 {
			return errors.New("no notice in the ledger yet")
		}
		return nil
	})
}
