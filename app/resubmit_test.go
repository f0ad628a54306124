package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
)

// TestResubmitSameRevision submits an incident through the API, then the
// same id and revision twice more: unchanged (a harmless duplicate, 202)
// and changed (409 naming the revision to use). JetStream drops both as
// duplicates of id/revision, so without the comparison the change would be
// silently lost.
func TestResubmitSameRevision(t *testing.T) {
	t.Run("within the dedup window", func(t *testing.T) { testResubmit(t, 0) })
	// After the window JetStream no longer drops the copy; the API must
	// still refuse the change rather than let intake dead-letter it.
	t.Run("after the dedup window", func(t *testing.T) { testResubmit(t, 300*time.Millisecond) })
}

func testResubmit(t *testing.T, window time.Duration) {
	cfg := testConfig(t.TempDir(), "")
	if window > 0 {
		cfg.NATS.DuplicateWindow = window
	}
	svc := startService(t, cfg)
	in := testIncident("INC-RESUBMIT", 1, incident.Affected{System: "crm"})
	doc, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	post := func(body []byte) (int, string) { return postIncident(t, svc, body) }
	if code, body := post(doc); code != http.StatusAccepted {
		t.Fatalf("first submission: %d %s", code, body)
	}
	eventually(t, "stored", func() error {
		if code, _ := get(t, svc, "/api/v1/incidents/INC-RESUBMIT"); code != http.StatusOK {
			return fmt.Errorf("GET returned %d", code)
		}
		return nil
	})
	if window > 0 {
		time.Sleep(2 * window)
	}
	if code, body := post(doc); code != http.StatusAccepted || (window == 0 && !strings.Contains(strings.ReplaceAll(body, " ", ""), `"duplicate":true`)) {
		t.Errorf("same document again: got %d %s, want 202 (a duplicate within the window)", code, body)
	}
	changed := bytes.Replace(doc, []byte("Customer database copied by an intruder"), []byte("Customer database copied by an insider"), 1)
	code, body := post(changed)
	if code != http.StatusConflict || !strings.Contains(body, "revision_conflict") || !strings.Contains(body, "as revision 2") {
		t.Errorf("changed document, same revision: got %d %s, want 409 revision_conflict asking for revision 2", code, body)
	}
}

// postIncident submits body over the API with the admin token and returns
// the status and the answer.
func postIncident(t *testing.T, svc *running, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+svc.HTTPAddr()+"/api/v1/incidents", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+svc.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSubmissionWarnsAboutAMisspelledSystem: an incident naming a system
// the inventory does not have is accepted, and the answer says so with the
// nearest system's id.
func TestSubmissionWarnsAboutAMisspelledSystem(t *testing.T) {
	svc := startService(t, testConfig(t.TempDir(), testInventory))
	in := testIncident("INC-TYPO", 1, incident.Affected{System: "bill"})
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	code, answer := postIncident(t, svc, body)
	var res struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(answer), &res); err != nil || code != http.StatusAccepted {
		t.Fatalf("submit: status %d, %v", code, err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `did you mean "billing"?`) {
		t.Errorf("warnings: got %q, want one suggesting billing", res.Warnings)
	}
}
