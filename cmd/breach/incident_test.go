package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/web"
)

const submitDoc = `{
  "schema": "breach.incident/v1",
  "id": "INC-2026-0042",
  "title": "Order database copied by an intruder",
  "discovered_at": "2026-11-20T09:00:00Z",
  "cause": "exfiltration",
  "affected": [{"system": "orders-db"}]
}
`

const submitDocNoID = `{
  "schema": "breach.incident/v1",
  "title": "Laptop stolen",
  "discovered_at": "2026-11-20T09:00:00Z",
  "cause": "theft",
  "affected": [{"system": "crm"}]
}`

var cliNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// runIncident runs "breach incident args..." in-process with the given
// environment and a fixed clock, as run() does for the real binary, and
// returns the exit status and outputs.
func runIncident(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	root := &cobra.Command{Use: "breach", SilenceUsage: true, SilenceErrors: true}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.AddCommand(newIncidentCmdWith(incidentEnv{
		getenv: func(k string) string { return env[k] },
		now:    func() time.Time { return cliNow },
	}))
	var stdout, stderr bytes.Buffer
	root.SetArgs(append([]string{"incident"}, args...))
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return 0, stdout.String(), stderr.String()
	}
	stderr.WriteString("breach: " + err.Error() + "\n")
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, stdout.String(), stderr.String()
	}
	return 1, stdout.String(), stderr.String()
}

// startNATS runs an embedded nats-server with JetStream on a free loopback
// port and an INCIDENTS stream on breach.incident.>.
func startNATS(t *testing.T) (string, jetstream.Stream) {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		ServerName: "cli-test", Host: "127.0.0.1", Port: -1,
		JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	_, st := testStream(t, s.ClientURL(), "INCIDENTS", "breach.incident.>")
	return s.ClientURL(), st
}

// testStream connects to url and creates a file stream on subject, with a
// two-minute dedup window.
func testStream(t *testing.T, url, name, subject string) (jetstream.JetStream, jetstream.Stream) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: name, Subjects: []string{subject}, Storage: jetstream.FileStorage, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	return js, st
}

// storedMessage is one message of the INCIDENTS stream.
type storedMessage struct {
	Subject string
	MsgID   string
	Data    string
}

func streamMessages(t *testing.T, st jetstream.Stream) []storedMessage {
	t.Helper()
	ctx := context.Background()
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []storedMessage
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, storedMessage{Subject: m.Subject, MsgID: m.Header.Get(jetstream.MsgIDHeader), Data: string(m.Data)})
	}
	return out
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIncidentSubmit(t *testing.T) {
	natsURL, st := startNATS(t)
	file := writeFile(t, "incident.json", submitDoc)

	code, stdout, stderr := runIncident(t, nil, "", "submit", "-f", file, "--nats-url", natsURL)
	if code != 0 || stdout != "INC-2026-0042\n" {
		t.Fatalf("first submit: got exit %d, stdout %q, stderr %q; want 0 and the id", code, stdout, stderr)
	}
	// Again: JetStream drops it by Nats-Msg-Id and says so.
	code, stdout, stderr = runIncident(t, map[string]string{envNATSURL: natsURL}, "", "submit", "-f", file)
	if code != 0 || stdout != "INC-2026-0042 duplicate\n" {
		t.Fatalf("second submit: got exit %d, stdout %q, stderr %q; want 0 and \"INC-2026-0042 duplicate\"", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "submit it as revision 2") {
		t.Errorf("second submit: stderr %q, want advice to raise the revision if the document changed", stderr)
	}
	want := []storedMessage{{Subject: "breach.incident.submit", MsgID: incidentMsgID("INC-2026-0042", 1, submitDoc), Data: submitDoc}}
	if diff := cmp.Diff(want, streamMessages(t, st)); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}

	// A new revision is a new message.
	rev2 := strings.Replace(submitDoc, `"id": "INC-2026-0042",`, `"id": "INC-2026-0042", "revision": 2,`, 1)
	code, stdout, stderr = runIncident(t, nil, rev2, "submit", "-f", "-", "--nats-url", natsURL)
	if code != 0 || stdout != "INC-2026-0042\n" {
		t.Fatalf("revision 2: got exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	msgs := streamMessages(t, st)
	if want := incidentMsgID("INC-2026-0042", 2, rev2); len(msgs) != 2 || msgs[1].MsgID != want || msgs[1].Data != rev2 {
		t.Errorf("after revision 2: got %+v, want a second message with id %s", msgs, want)
	}
}

// incidentMsgID is the Nats-Msg-Id of a published document:
// <id>/<revision>/<first 16 bytes of its SHA-256 in hex>.
func incidentMsgID(id string, rev int, doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return fmt.Sprintf("%s/%d/%s", id, rev, hex.EncodeToString(sum[:16]))
}

func TestIncidentSubmitAssignsID(t *testing.T) {
	natsURL, st := startNATS(t)
	code, stdout, stderr := runIncident(t, map[string]string{envNATSURL: natsURL}, submitDocNoID, "submit", "-f", "-")
	if code != 0 {
		t.Fatalf("got exit %d, stderr %q; want 0", code, stderr)
	}
	id := strings.TrimSpace(stdout)
	if !incident.ValidID(id) || !strings.HasPrefix(id, incident.NewID(cliNow)[:14]) {
		t.Fatalf("stdout: got %q, want an id made at %s", stdout, cliNow)
	}
	if !strings.Contains(stderr, "was given "+id) {
		t.Errorf("stderr: got %q, want a note that the document was given %s", stderr, id)
	}
	msgs := streamMessages(t, st)
	if len(msgs) != 1 {
		t.Fatalf("stream: got %+v, want one message", msgs)
	}
	if want := incidentMsgID(id, 1, msgs[0].Data); msgs[0].MsgID != want {
		t.Fatalf("stream: got Nats-Msg-Id %s, want %s", msgs[0].MsgID, want)
	}
	in, err := incident.Decode([]byte(msgs[0].Data))
	if err != nil {
		t.Fatalf("published document: %v", err)
	}
	if in.ID != id || in.Title != "Laptop stolen" {
		t.Errorf("published incident: got id %q title %q, want %q and \"Laptop stolen\"", in.ID, in.Title, id)
	}
}

func TestIncidentSubmitRealRun(t *testing.T) {
	// Through main's run(), with the environment variable.
	natsURL, st := startNATS(t)
	t.Setenv(envNATSURL, natsURL)
	file := writeFile(t, "incident.json", submitDoc)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"incident", "submit", "-f", file}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("got exit %d, stderr %q; want 0", code, stderr.String())
	}
	if stdout.String() != "INC-2026-0042\n" {
		t.Errorf("stdout: got %q, want the id", stdout.String())
	}
	if n := len(streamMessages(t, st)); n != 1 {
		t.Errorf("stream holds %d messages, want 1", n)
	}
}

func TestIncidentSubmitRejects(t *testing.T) {
	natsURL, st := startNATS(t)
	tests := []struct {
		name      string
		doc       string
		args      []string
		wantCode  int
		wantInErr []string
	}{
		{name: "missing title", doc: strings.Replace(submitDoc, `"title": "Order database copied by an intruder",`, "", 1),
			wantCode: 2, wantInErr: []string{"invalid incident", "title: is required"}},
		{name: "bad cause and time", doc: strings.NewReplacer(`"exfiltration"`, `"aliens"`, `2026-11-20T09:00:00Z`, `yesterday`).Replace(submitDoc),
			wantCode: 2, wantInErr: []string{"discovered_at", "cause: \"aliens\" is not one of"}},
		{name: "unknown field", doc: strings.Replace(submitDoc, `"cause"`, `"severity": 3, "cause"`, 1),
			wantCode: 2, wantInErr: []string{"severity: unknown field"}},
		{name: "not JSON", doc: "title: yaml?", wantCode: 2, wantInErr: []string{"not a JSON object"}},
		{name: "empty", doc: "", wantCode: 2, wantInErr: []string{"document is empty"}},
		{name: "too large", doc: `{"description":"` + strings.Repeat("x", incident.MaxDocumentBytes) + `"}`,
			wantCode: 2, wantInErr: []string{"larger than the 1048576-byte limit"}},
		{name: "no file flag", args: []string{"submit"}, wantCode: 2, wantInErr: []string{"-f FILE"}},
		{name: "missing file", args: []string{"submit", "-f", "/nonexistent/incident.json"}, wantCode: 2, wantInErr: []string{"no such file"}},
		{name: "unknown flag", args: []string{"submit", "--bogus"}, wantCode: 2, wantInErr: []string{"unknown flag"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args == nil {
				args = []string{"submit", "-f", writeFile(t, "incident.json", tc.doc)}
			}
			args = append(args, "--nats-url", natsURL)
			code, stdout, stderr := runIncident(t, nil, "", args...)
			if code != tc.wantCode {
				t.Fatalf("exit: got %d, want %d; stderr %q", code, tc.wantCode, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
			for _, w := range tc.wantInErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr: got %q, want it to contain %q", stderr, w)
				}
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("stderr: got %q, want one line", stderr)
			}
		})
	}
	if n := len(streamMessages(t, st)); n != 0 {
		t.Errorf("stream holds %d messages after invalid submissions, want 0", n)
	}
}

func TestIncidentSubmitBusProblems(t *testing.T) {
	// A port with nothing listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "nats://user:hunter2@" + ln.Addr().String()
	ln.Close()

	// A NATS server without the INCIDENTS stream.
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	defer func() { s.Shutdown(); s.WaitForShutdown() }()

	file := writeFile(t, "incident.json", submitDoc)
	tests := []struct {
		name    string
		url     string
		wantErr []string
	}{
		{name: "nothing listening", url: deadURL, wantErr: []string{"connect to NATS at nats://<secret>@127.0.0.1", "is `breach serve` running?"}},
		{name: "no stream", url: s.ClientURL(), wantErr: []string{"no JetStream stream", "breach.incident.submit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runIncident(t, nil, "", "submit", "-f", file, "--nats-url", tc.url, "--timeout", "3s")
			if code != 1 {
				t.Fatalf("exit: got %d, want 1; stderr %q", code, stderr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr: got %q, want it to contain %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "hunter2") {
				t.Errorf("stderr leaks the NATS password: %q", stderr)
			}
		})
	}
}

// Canned answers of the HTTP API.
const (
	listJSON = `{
  "incidents": [
    {"id": "INC-2026-0043", "revision": 1, "title": "Laptop stolen from a car", "status": "received",
     "cause": "theft", "discovered_at": "2026-11-21T08:00:00Z", "received_at": "2026-11-21T08:05:00Z"},
    {"id": "INC-2026-0042", "revision": 2, "title": "Order database copied by an intruder", "status": "assessed",
     "cause": "exfiltration", "discovered_at": "2026-11-20T09:00:00Z", "received_at": "2026-11-20T10:00:00Z",
     "risk": "high", "level": "very_high", "subjects": 1200}
  ],
  "next_cursor": "c2"
}
`
	viewJSON = `{
  "incident": {
    "schema": "breach.incident/v1", "id": "INC-2026-0042", "revision": 2,
    "title": "Order database copied by an intruder",
    "description": "An intruder copied the order database.",
    "source": "detector:waf-7",
    "occurred_at": "2026-11-20T02:00:00Z", "occurred_until": "2026-11-20T05:30:00Z",
    "discovered_at": "2026-11-20T09:00:00Z", "cause": "exfiltration", "malicious": true,
    "effects": {"confidentiality": "unknown_recipients", "integrity": "none", "availability": "none"},
    "affected": [{"system": "orders-db"}, {"system": "accounts", "categories": ["email", "password_hash"], "subjects": ["u-17", "u-42"], "encrypted": false}],
    "mitigation": {"contained": true, "data_recovered": false, "recipient_trusted": false,
      "measures": ["Revoked the leaked API key"], "advice": ["Change your password"], "remedies": ["12 months of credit monitoring"]},
    "contact": {"name": "Privacy Office", "email": "privacy@example.org"}
  },
  "status": "assessed",
  "revisions": [
    {"revision": 1, "received_at": "2026-11-20T09:10:00Z", "title": "Order database copied"},
    {"revision": 2, "received_at": "2026-11-20T10:00:00Z", "title": "Order database copied by an intruder"}
  ],
  "first_received_at": "2026-11-20T09:10:00Z",
  "last_received_at": "2026-11-20T10:00:00Z"
}
`
	assessmentJSON = `{
  "schema": "breach.assessment/v1", "incident": "INC-2026-0042", "revision": 2,
  "assessed_at": "2026-11-20T10:00:00Z", "discovered_at": "2026-11-20T09:00:00Z",
  "title": "Order database copied by an intruder", "cause": "exfiltration",
  "effects": {"confidentiality": "unknown_recipients", "integrity": "none", "availability": "none", "malicious": true},
  "subjects": {"total": 1200, "by_jurisdiction": {"EU-GDPR": 900, "US-CA": 300}, "minors": 4, "without_contact": 17},
  "records": 1350,
  "categories": ["email", "name", "payment_card_partial"],
  "severity": {"method": "ENISA-2013", "dpc": 3, "ei": 1, "cb": 1, "score": 4, "level": "very_high"},
  "risk": "high",
  "obligations": [
    {"jurisdiction": "EU-GDPR", "subjects": 900, "notify_regulator": true, "regulator": "lead supervisory authority",
     "regulator_deadline": "2026-11-23T09:00:00Z", "notify_individuals": true, "individual_deadline": null,
     "individual_deadline_text": "without undue delay", "public_notice": false,
     "reasons": ["high risk"], "citations": ["GDPR Art. 33(1)", "GDPR Art. 34(1)"]},
    {"jurisdiction": "US-CA", "subjects": 300, "notify_regulator": false, "regulator": "California Attorney General",
     "regulator_deadline": null, "notify_individuals": true, "individual_deadline": null, "public_notice": false,
     "public_notice_allowed": true, "reasons": ["name with an element"], "citations": ["Cal. Civ. Code 1798.82(a)"],
     "other_notices": [{"to": "Attorney General (sample copy)", "required": false, "deadline": "2026-11-20T08:00:00Z", "reasons": [], "citations": []}]}
  ],
  "public_notice": {"required": false, "allowed": true, "reasons": ["17 people have no usable contact"]},
  "explanation": ["..."]
}
`
)

// fakeAPI serves canned answers and records what it was asked.
type fakeAPI struct {
	srv        *httptest.Server
	lastQuery  string
	lastAuth   string
	assessment string // "" answers 404 not_assessed
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{assessment: assessmentJSON}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/incidents", func(w http.ResponseWriter, r *http.Request) {
		f.lastQuery, f.lastAuth = r.URL.RawQuery, r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(listJSON))
	})
	mux.HandleFunc("GET /api/v1/incidents/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.lastAuth = r.Header.Get("Authorization")
		if r.PathValue("id") != "INC-2026-0042" {
			w.WriteHeader(404)
			w.Write([]byte(`{"error": "incident ` + r.PathValue("id") + ` not found", "code": "not_found", "request_id": "r1"}`))
			return
		}
		w.Write([]byte(viewJSON))
	})
	mux.HandleFunc("GET /api/v1/incidents/{id}/assessment", func(w http.ResponseWriter, r *http.Request) {
		if f.assessment == "" {
			w.WriteHeader(404)
			w.Write([]byte(`{"error": "incident INC-2026-0042 has not been assessed yet", "code": "not_assessed", "request_id": "r2"}`))
			return
		}
		w.Write([]byte(f.assessment))
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func TestIncidentList(t *testing.T) {
	api := newFakeAPI(t)
	code, stdout, stderr := runIncident(t, nil, "", "list", "--server", api.srv.URL+"/", "--limit", "2")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := `ID             REV  STATUS    RISK  SUBJECTS  DISCOVERED            CAUSE         TITLE
INC-2026-0043  1    received  -     -         2026-11-21 08:00 UTC  theft         Laptop stolen from a car
INC-2026-0042  2    assessed  high  1200      2026-11-20 09:00 UTC  exfiltration  Order database copied by an intruder

more: breach incident list --cursor c2
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	if api.lastQuery != "limit=2" {
		t.Errorf("query: got %q, want limit=2", api.lastQuery)
	}

	code, stdout, _ = runIncident(t, map[string]string{envServer: api.srv.URL, envAPIToken: "tok"}, "", "list", "--json", "--cursor", "c2")
	if code != 0 {
		t.Fatalf("--json: got exit %d, want 0", code)
	}
	if diff := cmp.Diff(decodeJSON(t, listJSON), decodeJSON(t, stdout)); diff != "" {
		t.Errorf("--json: got the list (-want +got):\n%s", diff)
	}
	if api.lastQuery != "cursor=c2&limit=50" || api.lastAuth != "Bearer tok" {
		t.Errorf("request: got query %q auth %q, want cursor=c2&limit=50 and the token from %s", api.lastQuery, api.lastAuth, envAPIToken)
	}
}

func TestIncidentShow(t *testing.T) {
	api := newFakeAPI(t)
	code, stdout, stderr := runIncident(t, nil, "", "show", "INC-2026-0042", "--server", api.srv.URL)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := `Incident INC-2026-0042 (revision 2, assessed)
  Title:       Order database copied by an intruder
  Source:      detector:waf-7
  Cause:       exfiltration (malicious)
  Occurred:    2026-11-20 02:00 UTC to 2026-11-20 05:30 UTC
  Discovered:  2026-11-20 09:00 UTC
  Effects:     confidentiality unknown_recipients, integrity none, availability none
  Mitigation:  contained yes, data recovered no, recipient trusted no
  Contact:     Privacy Office, privacy@example.org
  Received:    2026-11-20 09:10 UTC (last revision 2026-11-20 10:00 UTC)

What happened
  An intruder copied the order database.

Affected systems
  SYSTEM     CATEGORIES            PEOPLE          ENCRYPTED
  orders-db  all it holds          everyone in it  as inventoried
  accounts   email, password_hash  2 listed        no

Measures taken
  - Revoked the leaked API key

Advice to people
  - Change your password

Remedies offered
  - 12 months of credit monitoring

Revisions
  REV  RECEIVED              TITLE
  1    2026-11-20 09:10 UTC  Order database copied
  2    2026-11-20 10:00 UTC  Order database copied by an intruder

`
	// The assessment is the report breach assess --format text prints.
	var a assess.Assessment
	if err := json.Unmarshal([]byte(assessmentJSON), &a); err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	if err := assess.WriteText(&report, &a, cliNow); err != nil {
		t.Fatal(err)
	}
	want += report.String()
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("show (-want +got):\n%s\ngot:\n%s", diff, stdout)
	}
}

func TestIncidentShowNotAssessed(t *testing.T) {
	api := newFakeAPI(t)
	api.assessment = ""
	code, stdout, stderr := runIncident(t, map[string]string{envServer: api.srv.URL}, "", "show", "INC-2026-0042")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.HasSuffix(stdout, "\nAssessment: not assessed yet\n") {
		t.Errorf("stdout ends %q, want it to say the incident is not assessed yet", stdout[max(0, len(stdout)-80):])
	}

	code, stdout, _ = runIncident(t, map[string]string{envServer: api.srv.URL}, "", "show", "INC-2026-0042", "--json")
	if code != 0 {
		t.Fatalf("--json exit %d", code)
	}
	var got struct {
		Incident   json.RawMessage `json:"incident"`
		Assessment json.RawMessage `json:"assessment"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if string(got.Assessment) != "null" || !bytes.Contains(got.Incident, []byte(`"INC-2026-0042"`)) {
		t.Errorf("--json: got assessment %s and incident %.60s, want null and the incident", got.Assessment, got.Incident)
	}
}

func TestIncidentShowJSON(t *testing.T) {
	api := newFakeAPI(t)
	code, stdout, stderr := runIncident(t, nil, "", "show", "INC-2026-0042", "--server", api.srv.URL, "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got, want incidentReport
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(viewJSON), &want.Incident); err != nil {
		t.Fatal(err)
	}
	want.Assessment = &assess.Assessment{}
	if err := json.Unmarshal([]byte(assessmentJSON), want.Assessment); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--json (-want +got):\n%s", diff)
	}
}

// decodeJSON decodes a JSON document into generic values.
func decodeJSON(t *testing.T, doc string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	return v
}

func TestIncidentReadErrors(t *testing.T) {
	api := newFakeAPI(t)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>bad gateway</html>"))
	}))
	defer broken.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
		notInErr string
	}{
		{name: "unknown incident", args: []string{"show", "INC-NOPE", "--server", api.srv.URL}, wantCode: 1,
			wantErr: "breach: incident INC-NOPE not found\n", notInErr: `"code"`},
		{name: "bad id", args: []string{"show", "../etc", "--server", api.srv.URL}, wantCode: 2, wantErr: "is not an incident id"},
		{name: "no id", args: []string{"show", "--server", api.srv.URL}, wantCode: 2, wantErr: "accepts 1 arg"},
		{name: "non-JSON error", args: []string{"list", "--server", broken.URL}, wantCode: 1,
			wantErr: "the server answered 502 Bad Gateway", notInErr: "<html>"},
		{name: "server down", args: []string{"list", "--server", dead}, wantCode: 1, wantErr: "cannot reach the breach server"},
		{name: "bad server URL", args: []string{"list", "--server", "127.0.0.1:8080"}, wantCode: 2, wantErr: "is not an http:// or https:// URL"},
		{name: "bad limit", args: []string{"list", "--server", api.srv.URL, "--limit", "0"}, wantCode: 2, wantErr: "--limit must be 1 or more"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runIncident(t, nil, "", tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit: got %d, want %d; stderr %q", code, tc.wantCode, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, tc.wantErr)
			}
			if tc.notInErr != "" && strings.Contains(stderr, tc.notInErr) {
				t.Errorf("stderr: got %q, want no %q (the server's message, not its raw body)", stderr, tc.notInErr)
			}
		})
	}
}

// TestIncidentShowApprovals: incident show says who approved the current
// revision and who is still needed under the two-person rule.
func TestIncidentShowApprovals(t *testing.T) {
	var v web.IncidentView
	if err := json.Unmarshal([]byte(viewJSON), &v); err != nil {
		t.Fatal(err)
	}
	v.Approvals = &web.ApprovalStatus{Revision: 2, Required: 2, Missing: 1,
		Approvers: []web.Approver{{By: "jane", At: cliNow}}}
	var out strings.Builder
	if err := writeIncidentView(&out, incidentReport{Incident: v}, cliNow, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "  Approval:    revision 2: 1 of 2 approvals (jane); another approver must approve\n") {
		t.Errorf("show: no approval line saying another approver must approve:\n%s", out.String())
	}
	v.Approvals = &web.ApprovalStatus{Revision: 2, Required: 2, Approved: true,
		Approvers: []web.Approver{{By: "jane", At: cliNow}, {By: "omar", At: cliNow}}}
	out.Reset()
	if err := writeIncidentView(&out, incidentReport{Incident: v}, cliNow, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "  Approval:    revision 2: approved by jane and omar\n") {
		t.Errorf("show: no approval line naming both approvers:\n%s", out.String())
	}
}
