package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
)

// TestFollowUpAfterItsOwnApproval: revision 2 adds advice. Nobody hears
// of it before revision 2 is approved; then everyone told about revision
// 1 gets a version 2 update notice naming the new advice, and the ledger
// keeps both versions.
func TestFollowUpAfterItsOwnApproval(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	svc := startService(t, cfg)
	ctx := context.Background()
	in := testIncident("INC-FOLLOW", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	in.Mitigation.Advice = []string{"Change your password"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	if _, err := svc.Approve(ctx, in.ID, "tester"); err != nil {
		t.Fatalf("approve revision 1: %v", err)
	}
	byVersion := func() (told map[int][]string, open int) {
		told = map[int][]string{}
		if err := svc.Store().Ledger().Each(ctx, in.ID, func(e notify.Entry) error {
			switch {
			case !e.State.Final():
				open++
			case e.State.Handed() && e.Channel.Legal() && !slices.Contains(told[e.Version], e.SubjectID):
				told[e.Version] = append(told[e.Version], e.SubjectID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return told, open
	}
	var first []string
	eventually(t, "revision 1 told", func() error {
		told, open := byVersion()
		if open > 0 || len(told[1]) == 0 {
			return errNotYet
		}
		first = told[1]
		return nil
	})

	in2 := testIncident("INC-FOLLOW", 2, incident.Affected{System: "crm"})
	in2.Mitigation.Measures = in.Mitigation.Measures
	in2.Mitigation.Advice = []string{"Change your password", "Watch for messages that quote this incident"}
	publish(t, svc, in2)
	waitAssessment(t, svc, in.ID, 2)
	if told, _ := byVersion(); len(told[2]) != 0 {
		t.Fatalf("before revision 2 was approved: got version 2 notices to %v, want none", told[2])
	}
	if _, err := svc.Approve(ctx, in.ID, "tester"); err != nil {
		t.Fatalf("approve revision 2: %v", err)
	}
	eventually(t, "the updates told", func() error {
		told, open := byVersion()
		if open > 0 || len(told[2]) < len(first) {
			return errNotYet
		}
		return nil
	})
	told, _ := byVersion()
	slices.Sort(first)
	slices.Sort(told[2])
	if !slices.Equal(first, told[2]) || !slices.Equal(first, told[1]) {
		t.Errorf("told: version 1 %v, version 2 %v; want the same people in both", told[1], told[2])
	}
	if err := svc.Store().Ledger().Each(ctx, in.ID, func(e notify.Entry) error {
		if e.Version == 2 && e.Job.Key != "" && (e.Job.Revision != 2 || !slices.Contains(e.Job.Changes, notify.ChangeAdvice)) {
			return fmt.Errorf("update %s: revision %d, changes %v; want revision 2 with advice", e.Key, e.Job.Revision, e.Job.Changes)
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
}
