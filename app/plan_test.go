package app_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
)

// TestPlanMatchesTheCampaign: GET /api/v1/incidents/{id}/plan says, before
// approval, how many people each channel will carry; after approval the
// ledger holds exactly those notices.
func TestPlanMatchesTheCampaign(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	cfg.Campaign.MaxUntranslated = -1
	svc := startService(t, cfg)
	in := testIncident("INC-PLAN", 1, incident.Affected{System: "crm"}, incident.Affected{System: "billing"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	code, body := get(t, svc, "/api/v1/incidents/"+in.ID+"/plan")
	if code != http.StatusOK {
		t.Fatalf("GET plan: %d %s", code, body)
	}
	var plan struct {
		People      int            `json:"people"`
		ByChannel   map[string]int `json:"by_channel"`
		Unreachable int            `json:"unreachable"`
	}
	if err := json.Unmarshal(body, &plan); err != nil {
		t.Fatal(err)
	}
	if plan.People == 0 {
		t.Fatalf("plan: %s, want people to tell", body)
	}
	if _, err := svc.Approve(t.Context(), in.ID, "tester"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	var st noticeStatus
	eventually(t, "campaign complete", func() error {
		code, body := get(t, svc, "/api/v1/incidents/"+in.ID+"/notices")
		if code != http.StatusOK {
			return errNotYet
		}
		if err := json.Unmarshal(body, &st); err != nil || !st.Complete {
			return errNotYet
		}
		return nil
	})
	for ch, n := range plan.ByChannel {
		got := 0
		for _, c := range st.Channels[notifyChannel(ch)] {
			got += c
		}
		if got < n {
			t.Errorf("channel %s: plan said %d people, the ledger holds %d notices", ch, n, got)
		}
	}
	if st.PeopleUnreachable != plan.Unreachable {
		t.Errorf("unreachable: plan said %d, the campaign ended with %d", plan.Unreachable, st.PeopleUnreachable)
	}
}

func notifyChannel(s string) notify.Channel { return notify.Channel(s) }
