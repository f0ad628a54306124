package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/incident"
)

// TestStateChangesAreAudited: the configuration loaded at start, a
// stored incident, its revision and an approval are entries of the audit
// chain, and the chain verifies.
func TestStateChangesAreAudited(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	svc := startService(t, cfg)
	ctx := context.Background()
	in := testIncident("INC-AUDIT", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	in2 := testIncident("INC-AUDIT", 2, incident.Affected{System: "crm"})
	in2.Mitigation.Measures = in.Mitigation.Measures
	publish(t, svc, in2)
	waitAssessment(t, svc, in.ID, 2)
	log := audit.New(svc.Store(), time.Now)
	want := map[audit.Action]bool{audit.ActionConfigLoaded: false, audit.ActionIncidentSubmitted: false, audit.ActionIncidentRevised: false}
	entries, _, err := log.List(ctx, audit.Filter{}, audit.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := want[e.Action]; ok {
			want[e.Action] = true
		}
	}
	for a, seen := range want {
		if !seen {
			t.Errorf("no %s entry in the audit chain", a)
		}
	}
	rep, err := log.Verify(ctx)
	if err != nil || rep.Broken != nil {
		t.Errorf("verify: %+v, %v; want an intact chain", rep, err)
	}
}
