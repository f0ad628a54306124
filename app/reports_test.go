package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/web"
)

// post sends body as JSON to path with the admin token.
func post(t *testing.T, svc *running, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+svc.HTTPAddr()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+svc.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// TestFilingShrinksDeadlines: an assessed incident has open obligations;
// filing its GDPR report through the API takes it off /api/v1/deadlines,
// records who filed it, and the draft is served in every format.
func TestFilingShrinksDeadlines(t *testing.T) {
	svc := startService(t, testConfig(t.TempDir(), testInventory))
	id := "INC-OBLIGATIONS-1"
	publish(t, svc, testIncident(id, 1, incident.Affected{System: "crm"}, incident.Affected{System: "billing"}))
	waitAssessment(t, svc, id, 1)

	var obs web.ObligationList
	eventually(t, "obligations recorded", func() error {
		code, body := get(t, svc, "/api/v1/incidents/"+id+"/obligations")
		if code != http.StatusOK {
			return fmt.Errorf("status %d: %s", code, body)
		}
		if err := json.Unmarshal(body, &obs); err != nil {
			return err
		}
		if len(obs.Obligations) == 0 {
			return fmt.Errorf("none yet")
		}
		return nil
	})
	i := obligation.Find(obs.Obligations, obligation.Key{Incident: id, Jurisdiction: "EU-GDPR", Duty: obligation.DutyRegulator, Filing: "EU-GDPR"})
	if i < 0 || obs.Obligations[i].State != obligation.StateOpen || obs.Obligations[i].Due == nil {
		t.Fatalf("GDPR regulator obligation: got %+v, want an open, dated EU-GDPR filing", obs.Obligations)
	}

	// The gauge counts down to the 72-hour deadline from the service's
	// clock, one day after discovery.
	if _, body := get(t, svc, "/metrics"); !strings.Contains(string(body),
		`breach_obligation_due_seconds{duty="regulator",incident="`+id+`",jurisdiction="EU-GDPR"} 172800`) {
		t.Errorf("metrics: want the GDPR regulator duty due in 172800 s:\n%s", grepLines(string(body), "breach_obligation_due_seconds"))
	}

	deadlines := func() []obligation.Deadline {
		code, body := get(t, svc, "/api/v1/deadlines")
		var dl web.DeadlineList
		if err := json.Unmarshal(body, &dl); code != http.StatusOK || err != nil {
			t.Fatalf("deadlines: got %d %s (%v)", code, body, err)
		}
		return dl.Deadlines
	}
	listed := func(ds []obligation.Deadline) bool {
		return obligation.Find(func() []obligation.Obligation {
			var out []obligation.Obligation
			for _, d := range ds {
				out = append(out, d.Obligation)
			}
			return out
		}(), obs.Obligations[i].Key) >= 0
	}
	if !listed(deadlines()) {
		t.Fatalf("the open GDPR filing is not among the deadlines")
	}

	for format, ct := range map[string]string{"md": "text/markdown; charset=utf-8", "json": "application/json; charset=utf-8"} {
		req, _ := http.NewRequest("GET", "http://"+svc.HTTPAddr()+"/api/v1/incidents/"+id+"/reports/EU-GDPR?format="+format, nil)
		req.Header.Set("Authorization", "Bearer "+svc.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ct || !strings.Contains(string(body), id) {
			t.Errorf("draft as %s: got %d %q, want 200 %q naming the incident: %.300s", format, resp.StatusCode, resp.Header.Get("Content-Type"), ct, body)
		}
	}

	// The PDF needs the default font (report.DefaultFontFile); without it
	// the answer is 503 naming the setting.
	req, _ := http.NewRequest("GET", "http://"+svc.HTTPAddr()+"/api/v1/incidents/"+id+"/reports/EU-GDPR?format=pdf", nil)
	req.Header.Set("Authorization", "Bearer "+svc.token)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(pdf), "report.font_file"):
			t.Logf("PDF not checked: %s (install fonts-dejavu-core)", pdf)
		case resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-"):
			t.Errorf("draft as pdf: got %d %q %.20q, want 200 application/pdf", resp.StatusCode, resp.Header.Get("Content-Type"), pdf)
		}
	}

	// Drafting moved the GDPR report to drafted.
	_, again := get(t, svc, "/api/v1/incidents/"+id+"/obligations")
	_ = json.Unmarshal(again, &obs)
	if o := obs.Obligations[obligation.Find(obs.Obligations, obs.Obligations[i].Key)]; o.State != obligation.StateDrafted || o.By == "" || o.By == obligation.System {
		t.Errorf("after the draft: got %s by %q, want drafted by the token's principal", o.State, o.By)
	}

	code, body := post(t, svc, "/api/v1/incidents/"+id+"/reports/EU-GDPR/filing", `{"reference": "BFDI-2026-7"}`)
	if code != http.StatusOK {
		t.Fatalf("file: got %d %s, want 200", code, body)
	}
	var filed obligation.Obligation
	if err := json.Unmarshal(body, &filed); err != nil || filed.State != obligation.StateFiled || filed.Reference != "BFDI-2026-7" || filed.By == "" {
		t.Errorf("filed: got %s, want filed under BFDI-2026-7 by the token's principal", body)
	}
	if listed(deadlines()) {
		t.Errorf("the filed GDPR report is still among the deadlines")
	}
	if code, body := post(t, svc, "/api/v1/incidents/"+id+"/reports/EU-GDPR/filing", `{"reference": "again"}`); code != http.StatusBadRequest {
		t.Errorf("filing twice: got %d %s, want 400", code, body)
	}
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
