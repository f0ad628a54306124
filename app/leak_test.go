package app_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/breach-notify/breach/incident"
)

// TestNoGoroutineOutlivesTheService: after a service has run a campaign
// and stopped, none of the goroutines it started (consumers, workflow
// loops, channel workers, the embedded NATS server) is left running.
func TestNoGoroutineOutlivesTheService(t *testing.T) {
	before := goleak.IgnoreCurrent()
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	cfg.Campaign.AutoApprove = true
	svc := startService(t, cfg)
	in := testIncident("INC-LEAK", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	svc.stop()
	goleak.VerifyNone(t, before)
}
