package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
)

// TestPublicNoticeTriggeredByTheUnreachableCount: a breach whose
// assessment does not require a public notice gets one once the
// campaign's unreachable count reaches campaign.public_notice_unreachable:
// the announcement route says "outstanding since" with the reason, until
// an approver publishes it.
func TestPublicNoticeTriggeredByTheUnreachableCount(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	cfg.Campaign.Channels = "email" // Dana has only a postal address: nobody can reach her
	cfg.Campaign.PublicNoticeUnreachable = 1
	svc := startService(t, cfg)
	in := testIncident("INC-UNREACH", 1, incident.Affected{System: "billing"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)

	type status struct {
		Required         bool     `json:"required"`
		Reasons          []string `json:"reasons"`
		OutstandingSince *string  `json:"outstanding_since"`
		Versions         []struct {
			Version int `json:"version"`
		} `json:"versions"`
	}
	read := func() status {
		code, body := get(t, svc, "/api/v1/incidents/"+in.ID+"/announcement")
		if code != http.StatusOK {
			t.Fatalf("GET announcement: %d %s", code, body)
		}
		var st status
		if err := json.Unmarshal(body, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := read(); st.Required {
		t.Fatalf("before the campaign: got required (%q), want not required by the assessment", st.Reasons)
	}
	if _, err := svc.Approve(t.Context(), in.ID, "tester"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	eventually(t, "public notice outstanding after the unreachable count crossed the threshold", func() error {
		st := read()
		if !st.Required || st.OutstandingSince == nil || !strings.Contains(strings.Join(st.Reasons, " "), "could not be reached") {
			return fmt.Errorf("got %+v", st)
		}
		return nil
	})
	// The event says so too.
	eventually(t, "announcement.due event", func() error {
		stream, err := svc.Bus().JetStream().Stream(t.Context(), svc.Bus().Streams().Events)
		if err != nil {
			return err
		}
		_, err = stream.GetLastMsgForSubject(t.Context(), svc.Bus().Topics().Event(in.ID, string(incident.EventAnnouncementDue)))
		return err
	})
}
