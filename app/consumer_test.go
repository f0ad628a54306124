package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
)

// TestNoticeConsumerPausedOrDeletedIsNeverSilent: pausing the e-mail
// consumer while a campaign runs makes /readyz answer 503 naming it; once it
// is resumed the campaign completes. Deleting it is named too, and the
// consumer is re-created so a second campaign completes.
func TestNoticeConsumerPausedOrDeletedIsNeverSilent(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AutoApprove = true
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	svc := startService(t, cfg)
	js := svc.Bus().JetStream()
	stream := svc.Bus().Streams().Notices
	ctx := context.Background()

	if _, err := js.PauseConsumer(ctx, stream, "notify-email", time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("pause: %v", err)
	}
	in := testIncident("INC-PAUSED", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	eventually(t, "/readyz naming the paused consumer", func() error {
		return readyzNames(t, svc, "notify-email", "paused")
	})
	if complete(t, svc, in.ID) {
		t.Fatal("campaign complete while its e-mail consumer was paused")
	}
	if _, err := js.ResumeConsumer(ctx, stream, "notify-email"); err != nil {
		t.Fatalf("resume: %v", err)
	}
	eventually(t, "campaign complete after resume", func() error {
		if !complete(t, svc, in.ID) {
			return errNotYet
		}
		return nil
	})

	if err := js.DeleteConsumer(ctx, stream, "notify-email"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	eventually(t, "/readyz naming the deleted consumer", func() error {
		return readyzNames(t, svc, "notify-email", "deleted")
	})
	in2 := testIncident("INC-DELETED", 1, incident.Affected{System: "crm"})
	in2.Mitigation.Measures = in.Mitigation.Measures
	publish(t, svc, in2)
	eventually(t, "second campaign complete after the consumer was re-created", func() error {
		if !complete(t, svc, in2.ID) {
			return errNotYet
		}
		return nil
	})
}

type notYet struct{}

func (notYet) Error() string { return "not yet" }

var errNotYet error = notYet{}

// readyzNames is nil when /readyz answers 503 with a body naming every
// word.
func readyzNames(t *testing.T, svc *running, words ...string) error {
	code, body := get(t, svc, "/readyz")
	if code != http.StatusServiceUnavailable {
		return errNotYet
	}
	for _, w := range words {
		if !strings.Contains(string(body), w) {
			return errNotYet
		}
	}
	return nil
}

func complete(t *testing.T, svc *running, id string) bool {
	code, body := get(t, svc, "/api/v1/incidents/"+id+"/notices")
	if code != http.StatusOK {
		return false
	}
	var st struct {
		Complete bool           `json:"complete"`
		Totals   map[string]int `json:"totals"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("decode notice status: %v", err)
	}
	return st.Complete && st.Totals["sent"]+st.Totals["written"] > 0
}
