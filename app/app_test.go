package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
)

// testNow is the service's fixed clock: one day after the test incidents
// were discovered.
var testNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// testInventory is the small shop of testdata/: crm holds p-a, p-b, p-c,
// p-e and p-f; billing holds p-b, p-d and p-g.
var testInventory = filepath.Join("testdata", "inventory.yaml")

// waitFor bounds every wait for the service's background work.
const waitFor = 20 * time.Second

// testConfig is the default configuration, in-process only, storing in
// dataDir and assessing against inv ("" for no inventory).
func testConfig(dataDir, inv string) config.Config {
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.NATS.Listen = ""
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Public.Addr = "127.0.0.1:0"
	cfg.Inventory = inv
	cfg.Campaign.AutoApprove = false
	// The test incidents carry no translations of their text.
	cfg.Campaign.MaxUntranslated = -1
	return cfg
}

// running is a service started by startService.
type running struct {
	*app.Service
	stop  func() // cancels Run and waits for it to return; safe to call twice
	token string // the admin token the first start wrote
}

// startService starts the service and runs it until the test ends or stop
// is called. Run must return nil after a clean stop.
func startService(t *testing.T, cfg config.Config) *running {
	t.Helper()
	return startServiceLog(t, cfg, logging.Discard())
}

// startServiceLog is startService logging to log.
func startServiceLog(t *testing.T, cfg config.Config, log *logrus.Entry) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	svc, err := app.Start(ctx, cfg, log, app.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		cancel()
		t.Fatalf("start: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: got %v, want nil after a clean stop", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("run did not return within 30s of the stop")
		}
	}
	t.Cleanup(stop)
	tok, err := os.ReadFile(filepath.Join(cfg.DataDir, "admin.token"))
	if err != nil {
		t.Fatalf("admin token of the first start: %v", err)
	}
	r := &running{Service: svc, stop: stop, token: strings.TrimSpace(string(tok))}
	// Ready means every consumer delivers; they start with Run.
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := get(t, r, "/readyz")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("service not ready 20s after start: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

// testIncident is an incident of the test shop discovered a day before
// testNow.
func testIncident(id string, revision int, affected ...incident.Affected) *incident.Incident {
	return &incident.Incident{Schema: incident.Schema, ID: id, Revision: revision,
		Title: "Customer database copied by an intruder", Cause: incident.CauseHacking, Malicious: true,
		DiscoveredAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Effects:      incident.Effects{Confidentiality: "unknown_recipients", Integrity: "none", Availability: "none"},
		Affected:     affected,
		Mitigation:   incident.Mitigation{Contained: true}}
}

func publish(t *testing.T, svc *running, in *incident.Incident) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dup, err := natsbus.PublishIncident(ctx, svc.Bus().JetStream(), svc.Bus().Topics(), in, nil)
	if err != nil {
		t.Fatalf("publish %s: %v", in.Key(), err)
	}
	if dup {
		t.Fatalf("publish %s: got a duplicate, want a new message", in.Key())
	}
}

// get fetches path from the service's API and returns status and body.
func get(t *testing.T, svc *running, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+svc.HTTPAddr()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+svc.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, body
}

// eventually polls cond until it returns nil or waitFor passes, then fails
// with cond's last error.
func eventually(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, waitFor, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// servedAssessment is the assessment document as the API serves it.
type servedAssessment struct {
	Revision      int  `json:"revision"`
	NewlyAffected *int `json:"newly_affected"`
	raw           []byte
}

// waitAssessment waits until the API serves an assessment of id for
// revision (or later) and returns it.
func waitAssessment(t *testing.T, svc *running, id string, revision int) servedAssessment {
	t.Helper()
	var a servedAssessment
	eventually(t, fmt.Sprintf("assessment of %s revision %d", id, revision), func() error {
		code, body := get(t, svc, "/api/v1/incidents/"+id+"/assessment")
		if code != http.StatusOK {
			return fmt.Errorf("status %d: %s", code, body)
		}
		a = servedAssessment{raw: body}
		if err := json.Unmarshal(body, &a); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if a.Revision < revision {
			return fmt.Errorf("revision %d served", a.Revision)
		}
		return nil
	})
	if a.Revision != revision {
		t.Fatalf("assessment of %s: got revision %d, want %d", id, a.Revision, revision)
	}
	return a
}

// assessedEvent returns the last breach.event.<id>.assessed message of the
// EVENTS stream, decoded.
func assessedEvent(t *testing.T, svc *running, id string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	subject := svc.Bus().Topics().Event(id, string(incident.EventAssessed))
	if want := "breach.event." + id + ".assessed"; subject != want {
		t.Fatalf("event subject: got %q, want %q", subject, want)
	}
	stream, err := svc.Bus().JetStream().Stream(ctx, svc.Bus().Streams().Events)
	if err != nil {
		t.Fatalf("events stream: %v", err)
	}
	if stream.CachedInfo().Config.Name != "EVENTS" {
		t.Errorf("events stream: got %q, want EVENTS", stream.CachedInfo().Config.Name)
	}
	var msg *jetstream.RawStreamMsg
	eventually(t, "assessed event of "+id, func() error {
		msg, err = stream.GetLastMsgForSubject(ctx, subject)
		return err
	})
	if got := msg.Header.Get(natsbus.HeaderIncident); got != id {
		t.Errorf("event header %s: got %q, want %q", natsbus.HeaderIncident, got, id)
	}
	var ev map[string]any
	if err := json.Unmarshal(msg.Data, &ev); err != nil {
		t.Fatalf("decode assessed event: %v", err)
	}
	return ev
}

// localAssessment assesses in directly with the engine, as the service
// should have, and returns its JSON as generic values.
func localAssessment(t *testing.T, in *incident.Incident) map[string]any {
	t.Helper()
	inv, err := inventory.Load(testInventory)
	if err != nil {
		t.Fatal(err)
	}
	a, err := assess.Assess(context.Background(), inv, in, testNow)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAssessedOnIntake publishes an incident on NATS and checks that the
// service stores it, assesses it with the engine, serves the assessment
// with the fields of docs/assessment.md and announces it on the EVENTS stream.
func TestAssessedOnIntake(t *testing.T) {
	svc := startService(t, testConfig(t.TempDir(), testInventory))
	if code, body := get(t, svc, "/readyz"); code != http.StatusOK {
		t.Fatalf("GET /readyz: got %d (%s), want 200", code, body)
	}

	in := testIncident(incident.NewID(testNow), 1, incident.Affected{System: "crm"})
	publish(t, svc, in)
	served := waitAssessment(t, svc, in.ID, 1)

	var doc map[string]any
	if err := json.Unmarshal(served.raw, &doc); err != nil {
		t.Fatal(err)
	}
	// The docs/assessment.md contract, field by field.
	for _, f := range []string{"schema", "incident", "assessed_at", "subjects", "records", "categories", "severity", "risk",
		"obligations", "public_notice", "explanation"} {
		if _, ok := doc[f]; !ok {
			t.Errorf("assessment: no field %q", f)
		}
	}
	want := map[string]any{"schema": assess.Schema, "incident": in.ID, "assessed_at": testNow.Format(time.RFC3339)}
	got := map[string]any{"schema": doc["schema"], "incident": doc["incident"], "assessed_at": doc["assessed_at"]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assessment header: got %v, want %v (-want +got)\n%s", got, want, diff)
	}
	var contract struct {
		Subjects struct {
			Total          int            `json:"total"`
			ByJurisdiction map[string]int `json:"by_jurisdiction"`
			Minors         int            `json:"minors"`
			WithoutContact int            `json:"without_contact"`
		} `json:"subjects"`
		Records    int      `json:"records"`
		Categories []string `json:"categories"`
		Severity   struct {
			Method string `json:"method"`
			Level  string `json:"level"`
		} `json:"severity"`
		Risk        string `json:"risk"`
		Obligations []map[string]any
	}
	if err := json.Unmarshal(served.raw, &contract); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"EU-GDPR": 3, "UK-GDPR": 1, "US-CA": 1}, contract.Subjects.ByJurisdiction); diff != "" {
		t.Errorf("subjects.by_jurisdiction (-want +got)\n%s", diff)
	}
	gotCounts := []any{contract.Subjects.Total, contract.Subjects.Minors, contract.Subjects.WithoutContact, contract.Records, contract.Severity.Method}
	wantCounts := []any{5, 1, 1, 5, "ENISA-2013"}
	if diff := cmp.Diff(wantCounts, gotCounts); diff != "" {
		t.Errorf("total, minors, without_contact, records, severity.method: got %v, want %v", gotCounts, wantCounts)
	}
	if diff := cmp.Diff([]string{"email", "name", "phone", "purchase_history"}, contract.Categories); diff != "" {
		t.Errorf("categories (-want +got)\n%s", diff)
	}
	if len(contract.Obligations) != 3 {
		t.Errorf("obligations: got %d, want 3 (EU-GDPR, UK-GDPR, US-CA)", len(contract.Obligations))
	}
	for _, ob := range contract.Obligations {
		for _, f := range []string{"jurisdiction", "subjects", "notify_regulator", "regulator", "regulator_deadline",
			"notify_individuals", "individual_deadline", "public_notice", "reasons", "citations"} {
			if _, ok := ob[f]; !ok {
				t.Errorf("obligation %v: no field %q", ob["jurisdiction"], f)
			}
		}
	}
	if n := served.NewlyAffected; n == nil || *n != 5 {
		t.Errorf("newly_affected of the first revision: got %v, want 5 (everyone affected)", n)
	}

	// The service's assessment is the engine's, plus newly_affected.
	delete(doc, "newly_affected")
	if diff := cmp.Diff(localAssessment(t, in), doc); diff != "" {
		t.Errorf("served assessment differs from assess.Assess at the service's clock (-engine +served)\n%s", diff)
	}

	ev := assessedEvent(t, svc, in.ID)
	gotEv := []any{ev["id"], ev["revision"], ev["risk"], ev["subjects"], ev["newly_affected"]}
	wantEv := []any{in.ID, 1.0, contract.Risk, 5.0, 5.0}
	if diff := cmp.Diff(wantEv, gotEv); diff != "" {
		t.Errorf("assessed event id, revision, risk, subjects, newly_affected: got %v, want %v", gotEv, wantEv)
	}

	if code, body := get(t, svc, "/readyz"); code != http.StatusOK {
		t.Errorf("GET /readyz after assessing: got %d (%s), want 200", code, body)
	}
}

// TestRevisionReassessed checks that a revision that widens the incident
// is assessed again and counts the people it newly affects.
func TestRevisionReassessed(t *testing.T) {
	svc := startService(t, testConfig(t.TempDir(), testInventory))
	id := incident.NewID(testNow)

	rev1 := testIncident(id, 1, incident.Affected{System: "crm", Subjects: []string{"p-a", "p-b"}})
	publish(t, svc, rev1)
	a1 := waitAssessment(t, svc, id, 1)
	if n := a1.NewlyAffected; n == nil || *n != 2 {
		t.Errorf("revision 1 newly_affected: got %v, want 2", n)
	}

	// Revision 2: the whole crm (p-a, p-b, p-c, p-e, p-f) and p-b's and
	// p-g's billing data: p-c, p-e, p-f and p-g are new.
	rev2 := testIncident(id, 2, incident.Affected{System: "crm"}, incident.Affected{System: "billing", Subjects: []string{"p-b", "p-g"}})
	rev2.Title = "Customer and billing databases copied by an intruder"
	publish(t, svc, rev2)
	a2 := waitAssessment(t, svc, id, 2)
	if n := a2.NewlyAffected; n == nil || *n != 4 {
		t.Errorf("revision 2 newly_affected: got %v, want 4 (p-c, p-e, p-f, p-g)", n)
	}
	var doc map[string]any
	if err := json.Unmarshal(a2.raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "newly_affected")
	if diff := cmp.Diff(localAssessment(t, rev2), doc); diff != "" {
		t.Errorf("revision 2 assessment differs from the engine's (-engine +served)\n%s", diff)
	}

	// The store holds the same document and who exactly is new.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stored, rev, err := svc.Store().GetAssessment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var storedDoc servedAssessment
	if err := json.Unmarshal(stored, &storedDoc); err != nil {
		t.Fatal(err)
	}
	if rev != 2 || storedDoc.NewlyAffected == nil || *storedDoc.NewlyAffected != 4 {
		t.Errorf("stored assessment: got revision %d newly_affected %v, want 2 and 4", rev, storedDoc.NewlyAffected)
	}
	var newIDs []string
	for sid, err := range svc.Store().AffectedSubjects(ctx, id, 2, true) {
		if err != nil {
			t.Fatal(err)
		}
		newIDs = append(newIDs, sid)
	}
	if diff := cmp.Diff([]string{"p-c", "p-e", "p-f", "p-g"}, newIDs); diff != "" {
		t.Errorf("newly affected people of revision 2 (-want +got)\n%s", diff)
	}

	ev := assessedEvent(t, svc, id)
	gotEv := []any{ev["revision"], ev["subjects"], ev["newly_affected"]}
	wantEv := []any{2.0, 6.0, 4.0}
	if diff := cmp.Diff(wantEv, gotEv); diff != "" {
		t.Errorf("last assessed event revision, subjects, newly_affected: got %v, want %v", gotEv, wantEv)
	}

	// A replay of revision 1 changes nothing.
	if _, err := natsbus.PublishIncident(ctx, svc.Bus().JetStream(), svc.Bus().Topics(), rev1, nil); err != nil {
		t.Fatal(err)
	}
	if again := waitAssessment(t, svc, id, 2); again.NewlyAffected == nil || *again.NewlyAffected != 4 {
		t.Errorf("after replaying revision 1: got newly_affected %v, want 4", again.NewlyAffected)
	}
}

// TestUnknownSystemNotAssessed checks that an incident naming a system the
// inventory lacks is stored but not assessed, and that the service goes on
// assessing other incidents.
func TestUnknownSystemNotAssessed(t *testing.T) {
	svc := startService(t, testConfig(t.TempDir(), testInventory))
	bad := testIncident(incident.NewID(testNow), 1, incident.Affected{System: "no-such-system"})
	publish(t, svc, bad)
	eventually(t, "incident stored", func() error {
		if code, body := get(t, svc, "/api/v1/incidents/"+bad.ID); code != http.StatusOK {
			return fmt.Errorf("status %d: %s", code, body)
		}
		return nil
	})
	eventually(t, "assessment failure counted", func() error {
		code, body := get(t, svc, "/metrics")
		if code != http.StatusOK {
			return fmt.Errorf("GET /metrics: status %d", code)
		}
		n, err := metric(body, "breach_assessment_failures_total")
		if err != nil {
			return err
		}
		if n < 1 {
			return fmt.Errorf("breach_assessment_failures_total %v", n)
		}
		return nil
	})
	// The failure is visible where the assessment would be, with its
	// reason, not only in the server's log.
	eventually(t, "assessment failure shown", func() error {
		code, body := get(t, svc, "/api/v1/incidents/"+bad.ID+"/assessment")
		var e struct {
			Code  string `json:"code"`
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		if code != http.StatusUnprocessableEntity || e.Code != "assessment_failed" || !strings.Contains(e.Error, "no-such-system") {
			return fmt.Errorf("got %d %q %q, want 422 assessment_failed naming the system", code, e.Code, e.Error)
		}
		return nil
	})

	good := testIncident(incident.NewID(testNow), 1, incident.Affected{System: "billing"})
	publish(t, svc, good)
	waitAssessment(t, svc, good.ID, 1)
	if code, body := get(t, svc, "/readyz"); code != http.StatusOK {
		t.Errorf("GET /readyz: got %d (%s), want 200", code, body)
	}
	if code, _ := get(t, svc, "/api/v1/incidents/"+bad.ID+"/assessment"); code != http.StatusUnprocessableEntity {
		t.Errorf("assessment of the bad incident later: got %d, want 422", code)
	}
}

// metric reads one unlabelled sample from a Prometheus text exposition.
func metric(exposition []byte, name string) (float64, error) {
	for line := range strings.Lines(string(exposition)) {
		rest, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(rest, &v); err != nil {
			return 0, fmt.Errorf("metric %s: %w", name, err)
		}
		return v, nil
	}
	return 0, errors.New("metric " + name + " not exposed")
}

// TestBacklogAssessedAtStart stores an incident while the service has no
// inventory (so it cannot assess), restarts it with the inventory and
// checks that the incident left behind is assessed at start.
func TestBacklogAssessedAtStart(t *testing.T) {
	dataDir := t.TempDir()
	first := startService(t, testConfig(dataDir, ""))
	in := testIncident(incident.NewID(testNow), 1, incident.Affected{System: "crm"})
	publish(t, first, in)
	eventually(t, "incident stored", func() error {
		if code, body := get(t, first, "/api/v1/incidents/"+in.ID); code != http.StatusOK {
			return fmt.Errorf("status %d: %s", code, body)
		}
		return nil
	})
	if code, body := get(t, first, "/api/v1/incidents/"+in.ID+"/assessment"); code != http.StatusNotFound {
		t.Fatalf("assessment without an inventory: got %d (%s), want 404", code, body)
	}
	first.stop()

	second := startService(t, testConfig(dataDir, testInventory))
	served := waitAssessment(t, second, in.ID, 1)
	if n := served.NewlyAffected; n == nil || *n != 5 {
		t.Errorf("newly_affected: got %v, want 5", n)
	}
	var doc map[string]any
	if err := json.Unmarshal(served.raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "newly_affected")
	if diff := cmp.Diff(localAssessment(t, in), doc); diff != "" {
		t.Errorf("backlog assessment differs from the engine's (-engine +served)\n%s", diff)
	}
	if ev := assessedEvent(t, second, in.ID); ev["revision"] != 1.0 {
		t.Errorf("assessed event revision: got %v, want 1", ev["revision"])
	}
	if code, body := get(t, second, "/readyz"); code != http.StatusOK {
		t.Errorf("GET /readyz after restart: got %d (%s), want 200", code, body)
	}
}

// TestReadyWhileRunning checks the readiness probe and that it fails once
// the service is stopped.
func TestReadyWhileRunning(t *testing.T) {
	svc := startService(t, testConfig(t.TempDir(), testInventory))
	code, body := get(t, svc, "/readyz")
	if code != http.StatusOK {
		t.Fatalf("GET /readyz: got %d (%s), want 200", code, body)
	}
	addr := svc.HTTPAddr()
	svc.stop()
	if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("GET /readyz after stop: got 200, want the server gone")
		}
	}
}
