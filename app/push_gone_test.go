package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/notify/push/pushtest"
)

// TestGonePushDeviceSkippedByLaterCampaigns: FCM answers UNREGISTERED for
// one person's phone in a first campaign; the device is recorded (by a
// keyed digest, not its token), the second incident's plan counts it as
// skipped, and the second campaign pushes to everyone else's device but
// not to it. The person is still told by e-mail in both.
func TestGonePushDeviceSkippedByLaterCampaigns(t *testing.T) {
	fake, err := pushtest.NewFCM(t, "shop-app")
	if err != nil {
		t.Fatal(err)
	}
	const goneToken = "gone-device-token:APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ"
	var mu sync.Mutex
	pushes := map[string]int{} // token → pushes FCM received
	fake.Reply = func(tok string, n int) pushtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		pushes[tok] = n
		if tok == goneToken {
			return pushtest.Reply{Reason: "UNREGISTERED"}
		}
		return pushtest.Reply{}
	}
	dir := t.TempDir()
	creds := filepath.Join(dir, "service-account.json")
	if err := os.WriteFile(creds, fake.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	people := []struct{ id, token string }{{"p-1", "live-token-1:APA91b"}, {"p-2", goneToken}, {"p-3", "live-token-3:APA91b"}}
	var rows strings.Builder
	for _, p := range people {
		fmt.Fprintf(&rows, `{"id":%q,"name":"Person %s","email":"%s@mail.example","locale":"de-DE","country":"DE","systems":["crm"],"devices":[{"platform":"fcm","token":%q}]}`+"\n",
			p.id, p.id, p.id, p.token)
	}
	inv, err := os.ReadFile(testInventory)
	if err != nil {
		t.Fatal(err)
	}
	invPath := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(invPath, []byte(strings.Replace(string(inv), "subjects: subjects.csv", "subjects: subjects.jsonl", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "subjects.jsonl"), []byte(rows.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	cfg := testConfig(filepath.Join(dir, "data"), invPath)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	cfg.Campaign.OutboxFallback = true // e-mail goes to the outbox: push is the provider under test
	cfg.Channels.Push.FCM.CredentialsFile = creds
	cfg.Channels.Push.FCM.ProjectID = "shop-app"
	cfg.Channels.Push.FCM.BaseURL = fake.Server.URL
	logs := notifytest.NewLog()
	svc := startLoggedService(t, cfg, logs)

	submit := func(id string) {
		t.Helper()
		in := testIncident(id, 1, incident.Affected{System: "crm"})
		in.Mitigation.Measures = []string{"Closed the access path"}
		publish(t, svc, in)
		waitAssessment(t, svc, id, 1)
	}
	campaign := func(id string) {
		t.Helper()
		if _, err := svc.Approve(t.Context(), id, "tester"); err != nil {
			t.Fatalf("approve %s: %v", id, err)
		}
		eventually(t, "campaign "+id+" complete", func() error {
			code, body := get(t, svc, "/api/v1/incidents/"+id+"/notices")
			var st noticeStatus
			if code != http.StatusOK || json.Unmarshal(body, &st) != nil || !st.Complete {
				return errNotYet
			}
			if st.Channels[notify.ChannelEmail][notify.StateWritten] != len(people) {
				return fmt.Errorf("e-mail notices %v, want %d written", st.Channels[notify.ChannelEmail], len(people))
			}
			return nil
		})
	}

	submit("INC-GONE-1")
	campaign("INC-GONE-1")
	gone, err := svc.Store().GoneDevices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(gone) != 1 || gone[0].Platform != "fcm" || gone[0].Reason != "UNREGISTERED" || !strings.Contains(gone[0].Notice, "/INC-GONE-1/p-2/push/") {
		t.Fatalf("gone devices after the first campaign: %+v; want p-2's FCM device, UNREGISTERED, reported by its notice", gone)
	}
	if strings.Contains(gone[0].Digest, "gone-device-token") || len(gone[0].Digest) != 64 {
		t.Errorf("gone device digest %q: want a 64-digit keyed digest, not the token", gone[0].Digest)
	}

	// The second incident's plan counts the skipped device.
	const second = "INC-GONE-2"
	submit(second)
	code, body := get(t, svc, "/api/v1/incidents/"+second+"/plan")
	var plan struct {
		People          int `json:"people"`
		PushDevicesGone int `json:"push_devices_gone"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &plan) != nil {
		t.Fatalf("GET plan: %d %s", code, body)
	}
	if plan.People != len(people) || plan.PushDevicesGone != 1 {
		t.Errorf("plan: %s; want %d people and push_devices_gone 1", body, len(people))
	}
	campaign(second)

	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{people[0].token: 2, goneToken: 1, people[2].token: 2}
	for tok, n := range want {
		if pushes[tok] != n {
			t.Errorf("FCM got %d pushes for %s's device, want %d", pushes[tok], tok[:12], n)
		}
	}
	// The second campaign planned no push to the gone device: its ledger
	// holds two push notices, not three.
	pushNotices := 0
	if err := svc.Store().Ledger().Each(t.Context(), second, func(e notify.Entry) error {
		if e.Channel == notify.ChannelPush {
			pushNotices++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if pushNotices != 2 {
		t.Errorf("second campaign: %d push notices in the ledger, want 2", pushNotices)
	}
	notifytest.AssertNoLeak(t, nil, []string{goneToken, "live-token-1"}, nil, logs.String())
}
