package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/incident"
)

const validDoc = `{
  "schema": "breach.incident/v1",
  "id": "INC-2026-0042",
  "title": "Order database copied by an intruder",
  "discovered_at": "2026-11-20T09:00:00Z",
  "cause": "exfiltration",
  "affected": [{"system": "orders-db"}],
  "contact": {"name": "Privacy Office", "email": "privacy@example.org"}
}`

const noIDDoc = `{
  "schema": "breach.incident/v1",
  "title": "Laptop stolen from a car",
  "discovered_at": "2026-11-20T09:00:00Z",
  "occurred_at": "2026-11-19T21:00:00Z",
  "cause": "theft",
  "affected": [{"system": "crm", "categories": ["email"], "encrypted": false}],
  "mitigation": {"contained": true, "measures": ["Remote wipe sent"]}
}`

var fixedNow = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// fakeIncidents is an in-memory Incidents.
type fakeIncidents struct {
	mu          sync.Mutex
	views       map[string]IncidentView
	assessments map[string]json.RawMessage
	list        []IncidentSummary
	next        string
	listErr     error
	getErr      error
	gotLimit    int
	gotCursor   string
	panicOnGet  bool
}

func (f *fakeIncidents) GetIncident(ctx context.Context, id string) (IncidentView, error) {
	if f.panicOnGet {
		panic("store exploded")
	}
	if f.getErr != nil {
		return IncidentView{}, f.getErr
	}
	v, ok := f.views[id]
	if !ok {
		return IncidentView{}, fmt.Errorf("incident %s: %w", id, ErrNotFound)
	}
	return v, nil
}

func (f *fakeIncidents) ListIncidents(ctx context.Context, limit int, cursor string) ([]IncidentSummary, string, error) {
	f.mu.Lock()
	f.gotLimit, f.gotCursor = limit, cursor
	f.mu.Unlock()
	if f.listErr != nil {
		return nil, "", f.listErr
	}
	return f.list, f.next, nil
}

func (f *fakeIncidents) GetAssessment(ctx context.Context, id string) (json.RawMessage, error) {
	a, ok := f.assessments[id]
	if !ok {
		return nil, ErrNotFound
	}
	return a, nil
}

// published is one PublishIncident call.
type published struct {
	ID       string
	Revision int
	Raw      string
}

// fakePublisher records what it is given; it reports a duplicate for a
// key seen before, like JetStream within its duplicate window.
type fakePublisher struct {
	mu    sync.Mutex
	calls []published
	seen  map[string]bool
	err   error
}

func (p *fakePublisher) PublishIncident(ctx context.Context, in *incident.Incident, raw []byte) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return false, p.err
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	dup := p.seen[in.Key()]
	p.seen[in.Key()] = true
	p.calls = append(p.calls, published{ID: in.ID, Revision: in.Revision, Raw: string(raw)})
	return dup, nil
}

type fixture struct {
	srv   *httptest.Server
	inc   *fakeIncidents
	pub   *fakePublisher
	logs  *logtest.Hook
	reg   *prometheus.Registry
	token string
}

func newFixture(t *testing.T, cfg Config, mod func(*Deps)) *fixture {
	t.Helper()
	logger, hook := logtest.NewNullLogger()
	logger.SetLevel(logrus.DebugLevel)
	f := &fixture{
		inc: &fakeIncidents{
			views: map[string]IncidentView{
				"INC-2026-0042": {
					Incident: mustDecode(t, validDoc),
					Status:   "assessed",
					Revisions: []RevisionInfo{
						{Revision: 2, ReceivedAt: fixedNow.Add(time.Hour), Title: "Order database copied by an intruder"},
						{Revision: 1, ReceivedAt: fixedNow, Title: "Order database copied"},
					},
					FirstReceivedAt: fixedNow,
					LastReceivedAt:  fixedNow.Add(time.Hour),
				},
				"INC-NEW": {Incident: mustDecode(t, strings.Replace(validDoc, "INC-2026-0042", "INC-NEW", 1)), Status: "received"},
			},
			assessments: map[string]json.RawMessage{
				"INC-2026-0042": json.RawMessage(`{"schema":"breach.assessment/v1","incident":"INC-2026-0042","risk":"high"}`),
			},
		},
		pub:  &fakePublisher{},
		logs: hook,
		reg:  prometheus.NewRegistry(),
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	deps := Deps{Incidents: f.inc, Publisher: f.pub, Registry: f.reg,
		Auth: StaticToken{Token: adminToken, Principal: access.Principal{Name: "tester", Role: access.RoleAdmin}}}
	if mod != nil {
		mod(&deps)
	}
	f.srv = httptest.NewServer(New(cfg, deps, logrus.NewEntry(logger)))
	t.Cleanup(f.srv.Close)
	return f
}

func mustDecode(t *testing.T, doc string) *incident.Incident {
	t.Helper()
	in, err := incident.Decode([]byte(doc))
	if err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	return in
}

// do sends one request and returns the response with its body read.
func (f *fixture) do(t *testing.T, method, path, contentType string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func decodeError(t *testing.T, b []byte) ErrorBody {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body is not JSON: %v\n%s", err, b)
	}
	if e.Error == "" || e.Code == "" || e.RequestID == "" {
		t.Errorf("error body %s lacks error, code or request_id", b)
	}
	return e
}

func TestRoutesStatusAndErrors(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		wantStatus  int
		wantCode    string // error code, "" for a success
		wantMsg     string // fragment of the error message
	}{
		{name: "healthz", method: "GET", path: "/healthz", wantStatus: 200},
		{name: "readyz without checks", method: "GET", path: "/readyz", wantStatus: 200},
		{name: "metrics", method: "GET", path: "/metrics", wantStatus: 200},
		{name: "list", method: "GET", path: "/api/v1/incidents", wantStatus: 200},
		{name: "get incident", method: "GET", path: "/api/v1/incidents/INC-2026-0042", wantStatus: 200},
		{name: "get assessment", method: "GET", path: "/api/v1/incidents/INC-2026-0042/assessment", wantStatus: 200},
		{name: "submit", method: "POST", path: "/api/v1/incidents", contentType: "application/json", body: validDoc, wantStatus: 202},
		{name: "submit cloudevent media type", method: "POST", path: "/api/v1/incidents", contentType: "application/cloudevents+json; charset=utf-8",
			body: strings.Replace(validDoc, "0042", "0043", 1), wantStatus: 202},
		{name: "unknown incident", method: "GET", path: "/api/v1/incidents/INC-NOPE", wantStatus: 404, wantCode: "not_found", wantMsg: "incident INC-NOPE not found"},
		{name: "bad incident id", method: "GET", path: "/api/v1/incidents/a.b", wantStatus: 400, wantCode: "invalid_request", wantMsg: "is not an incident id"},
		{name: "assessment of unknown incident", method: "GET", path: "/api/v1/incidents/INC-NOPE/assessment", wantStatus: 404, wantCode: "not_found", wantMsg: "incident INC-NOPE not found"},
		{name: "not assessed yet", method: "GET", path: "/api/v1/incidents/INC-NEW/assessment", wantStatus: 404, wantCode: "not_assessed", wantMsg: "has not been assessed yet"},
		{name: "unknown route", method: "GET", path: "/api/v2/things", wantStatus: 404, wantCode: "not_found", wantMsg: "no such route"},
		{name: "wrong method on list", method: "DELETE", path: "/api/v1/incidents", wantStatus: 405, wantCode: "method_not_allowed", wantMsg: "use GET or HEAD or POST"},
		{name: "wrong method on incident", method: "POST", path: "/api/v1/incidents/INC-2026-0042", wantStatus: 405, wantCode: "method_not_allowed"},
		{name: "wrong method on healthz", method: "POST", path: "/healthz", wantStatus: 405, wantCode: "method_not_allowed"},
		{name: "invalid incident", method: "POST", path: "/api/v1/incidents", contentType: "application/json", body: `{"schema":"breach.incident/v1"}`,
			wantStatus: 400, wantCode: "invalid_incident", wantMsg: "title: is required"},
		{name: "not JSON", method: "POST", path: "/api/v1/incidents", contentType: "application/json", body: `hello`,
			wantStatus: 400, wantCode: "invalid_incident", wantMsg: "not a JSON object"},
		{name: "form body", method: "POST", path: "/api/v1/incidents", contentType: "application/x-www-form-urlencoded", body: `a=b`,
			wantStatus: 415, wantCode: "unsupported_media_type", wantMsg: "send the incident as JSON"},
		{name: "limit zero", method: "GET", path: "/api/v1/incidents?limit=0", wantStatus: 400, wantCode: "invalid_request", wantMsg: "limit must be"},
		{name: "limit too high", method: "GET", path: "/api/v1/incidents?limit=501", wantStatus: 400, wantCode: "invalid_request", wantMsg: "from 1 to 500"},
		{name: "limit not a number", method: "GET", path: "/api/v1/incidents?limit=ten", wantStatus: 400, wantCode: "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			resp, b := f.do(t, tc.method, tc.path, tc.contentType, body)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tc.wantStatus, b)
			}
			if tc.path != "/metrics" {
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type: got %q, want application/json", ct)
				}
			}
			if resp.Header.Get(RequestIDHeader) == "" {
				t.Errorf("no %s header", RequestIDHeader)
			}
			if tc.wantCode == "" {
				return
			}
			e := decodeError(t, b)
			if e.Code != tc.wantCode {
				t.Errorf("code: got %q, want %q", e.Code, tc.wantCode)
			}
			if !strings.Contains(e.Error, tc.wantMsg) {
				t.Errorf("error: got %q, want it to contain %q", e.Error, tc.wantMsg)
			}
			if e.RequestID != resp.Header.Get(RequestIDHeader) {
				t.Errorf("request_id: got %q, want the header's %q", e.RequestID, resp.Header.Get(RequestIDHeader))
			}
			if tc.wantStatus == 405 && resp.Header.Get("Allow") == "" {
				t.Errorf("405 without an Allow header")
			}
		})
	}
}

func TestSubmitWithID(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	resp, b := f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(validDoc))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status: got %d, want 202; body %s", resp.StatusCode, b)
	}
	var got SubmitResult
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(SubmitResult{ID: "INC-2026-0042", Revision: 1}, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if loc := resp.Header.Get("Location"); loc != "/api/v1/incidents/INC-2026-0042" {
		t.Errorf("Location: got %q, want /api/v1/incidents/INC-2026-0042", loc)
	}
	want := []published{{ID: "INC-2026-0042", Revision: 1, Raw: validDoc}}
	if diff := cmp.Diff(want, f.pub.calls); diff != "" {
		t.Errorf("published (-want +got):\n%s", diff)
	}

	// The same id and revision again is a duplicate, still accepted.
	resp, b = f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(validDoc))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("resubmit status: got %d, want 202; body %s", resp.StatusCode, b)
	}
	got = SubmitResult{}
	json.Unmarshal(b, &got)
	if !got.Duplicate {
		t.Errorf("resubmit: got duplicate=false, want true")
	}
}

func TestSubmitAssignsID(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	resp, b := f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(noIDDoc))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status: got %d, want 202; body %s", resp.StatusCode, b)
	}
	var got SubmitResult
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	wantPrefix := incident.NewID(fixedNow)[:14] // "INC-" + the 10-character ULID time
	if !strings.HasPrefix(got.ID, wantPrefix) || !got.Assigned || got.Revision != 1 {
		t.Errorf("got %+v, want an assigned id starting %s, revision 1", got, wantPrefix)
	}
	if loc := resp.Header.Get("Location"); loc != "/api/v1/incidents/"+got.ID {
		t.Errorf("Location: got %q, want /api/v1/incidents/%s", loc, got.ID)
	}
	if len(f.pub.calls) != 1 {
		t.Fatalf("published %d messages, want 1", len(f.pub.calls))
	}
	// What goes on the bus carries the assigned id, so intake stores the
	// incident under the id the submitter was told.
	onBus, err := incident.Decode([]byte(f.pub.calls[0].Raw))
	if err != nil {
		t.Fatalf("published document does not decode: %v", err)
	}
	want := mustDecode(t, noIDDoc)
	want.ID = got.ID
	if diff := cmp.Diff(want, onBus); diff != "" {
		t.Errorf("published incident (-want +got):\n%s", diff)
	}
}

func TestSubmitInvalidListsProblems(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	doc := `{"schema":"breach.incident/v1","title":"x","discovered_at":"yesterday","cause":"aliens","affected":[]}`
	resp, b := f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(doc))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status: got %d, want 400; body %s", resp.StatusCode, b)
	}
	e := decodeError(t, b)
	var fields []string
	for _, p := range e.Problems {
		fields = append(fields, p.Field)
		if p.Message == "" {
			t.Errorf("problem %q has no message", p.Field)
		}
	}
	if diff := cmp.Diff([]string{"discovered_at", "cause", "affected"}, fields); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s", diff)
	}
	if len(f.pub.calls) != 0 {
		t.Errorf("an invalid incident was published: %d calls", len(f.pub.calls))
	}
}

func TestSubmitTooLarge(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	big := `{"schema":"breach.incident/v1","description":"` + strings.Repeat("a", incident.MaxDocumentBytes) + `"}`
	tests := []struct {
		name string
		body io.Reader
	}{
		// With a Content-Length the server refuses before reading.
		{name: "declared length", body: strings.NewReader(big)},
		// Chunked: the limit cuts the read short.
		{name: "chunked", body: io.MultiReader(strings.NewReader(big))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := f.do(t, "POST", "/api/v1/incidents", "application/json", tc.body)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status: got %d, want 413; body %.200s", resp.StatusCode, b)
			}
			e := decodeError(t, b)
			if e.Code != "too_large" || !strings.Contains(e.Error, "1048576-byte limit") {
				t.Errorf("got %+v, want code too_large naming the 1048576-byte limit", e)
			}
		})
	}
	if len(f.pub.calls) != 0 {
		t.Errorf("an oversized incident was published")
	}
}

func TestSubmitPublishFailure(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		wantMsg []string
	}{
		{name: "with id", doc: validDoc, wantMsg: []string{"could not be handed to the message bus"}},
		{name: "assigned id", doc: noIDDoc, wantMsg: []string{"could not be handed to the message bus", `with "id": "INC-`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{}, nil)
			f.pub.err = errors.New("nats: no responders available for request")
			resp, b := f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(tc.doc))
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status: got %d, want 503; body %s", resp.StatusCode, b)
			}
			if resp.Header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After")
			}
			e := decodeError(t, b)
			for _, m := range tc.wantMsg {
				if !strings.Contains(e.Error, m) {
					t.Errorf("error: got %q, want it to contain %q", e.Error, m)
				}
			}
			if strings.Contains(e.Error, "no responders") {
				t.Errorf("error %q leaks the bus's internal error", e.Error)
			}
		})
	}
}

func TestMissingDependencies(t *testing.T) {
	f := newFixture(t, Config{}, func(d *Deps) { d.Incidents, d.Publisher = nil, nil })
	for _, tc := range []struct{ name, method, path, body string }{
		{"submit", "POST", "/api/v1/incidents", validDoc},
		{"list", "GET", "/api/v1/incidents", ""},
		{"get", "GET", "/api/v1/incidents/INC-1", ""},
		{"assessment", "GET", "/api/v1/incidents/INC-1/assessment", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := f.do(t, tc.method, tc.path, "application/json", strings.NewReader(tc.body))
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status: got %d, want 503; body %s", resp.StatusCode, b)
			}
			if e := decodeError(t, b); !strings.Contains(e.Error, "not configured") {
				t.Errorf("error: got %q, want it to say what is not configured", e.Error)
			}
		})
	}
}

func TestListIncidents(t *testing.T) {
	f := newFixture(t, Config{DefaultLimit: 20}, nil)
	three := 3
	f.inc.list = []IncidentSummary{
		{ID: "INC-2", Revision: 1, Title: "Second", Status: "received", Cause: "theft", DiscoveredAt: fixedNow, ReceivedAt: fixedNow},
		{ID: "INC-1", Revision: 3, Title: "First", Status: "assessed", Cause: "hacking", DiscoveredAt: fixedNow.Add(-time.Hour),
			ReceivedAt: fixedNow, Risk: "high", Level: "very_high", Subjects: &three},
	}
	f.inc.next = "opaque-cursor"

	resp, b := f.do(t, "GET", "/api/v1/incidents?limit=2&cursor=abc", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d, want 200; body %s", resp.StatusCode, b)
	}
	var got IncidentList
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(IncidentList{Incidents: f.inc.list, NextCursor: "opaque-cursor"}, got); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	if f.inc.gotLimit != 2 || f.inc.gotCursor != "abc" {
		t.Errorf("store asked for limit %d cursor %q, want 2 and \"abc\"", f.inc.gotLimit, f.inc.gotCursor)
	}

	f.do(t, "GET", "/api/v1/incidents", "", nil)
	if f.inc.gotLimit != 20 || f.inc.gotCursor != "" {
		t.Errorf("default: store asked for limit %d cursor %q, want 20 and \"\"", f.inc.gotLimit, f.inc.gotCursor)
	}

	// An empty page is an empty array, not null.
	f.inc.list, f.inc.next = nil, ""
	_, b = f.do(t, "GET", "/api/v1/incidents", "", nil)
	if !bytes.Contains(b, []byte(`"incidents": []`)) || bytes.Contains(b, []byte("next_cursor")) {
		t.Errorf("empty page: got %s, want an empty incidents array and no next_cursor", b)
	}

	f.inc.listErr = fmt.Errorf("decode cursor: %w", ErrInvalidCursor)
	resp, b = f.do(t, "GET", "/api/v1/incidents?cursor=zzz", "", nil)
	if resp.StatusCode != 400 {
		t.Fatalf("bad cursor status: got %d, want 400; body %s", resp.StatusCode, b)
	}
	if e := decodeError(t, b); !strings.Contains(e.Error, "cursor is not valid") {
		t.Errorf("bad cursor error: got %q, want it to say the cursor is not valid", e.Error)
	}
}

func TestGetIncident(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	resp, b := f.do(t, "GET", "/api/v1/incidents/INC-2026-0042", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d, want 200; body %s", resp.StatusCode, b)
	}
	var got IncidentView
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := f.inc.views["INC-2026-0042"]
	want.Revisions = []RevisionInfo{want.Revisions[1], want.Revisions[0]} // oldest first
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("incident (-want +got):\n%s", diff)
	}
}

func TestGetAssessment(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	resp, b := f.do(t, "GET", "/api/v1/incidents/INC-2026-0042/assessment", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d, want 200; body %s", resp.StatusCode, b)
	}
	want := `{"schema":"breach.assessment/v1","incident":"INC-2026-0042","risk":"high"}` + "\n"
	if string(b) != want {
		t.Errorf("body: got %s, want %s", b, want)
	}
}

func TestInternalErrorHidesCause(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	f.inc.getErr = errors.New("sqlite: database disk image is malformed")
	resp, b := f.do(t, "GET", "/api/v1/incidents/INC-2026-0042", "", nil)
	if resp.StatusCode != 500 {
		t.Fatalf("status: got %d, want 500; body %s", resp.StatusCode, b)
	}
	e := decodeError(t, b)
	if strings.Contains(e.Error, "sqlite") || !strings.Contains(e.Error, e.RequestID) {
		t.Errorf("error: got %q, want a generic message quoting request id %s", e.Error, e.RequestID)
	}
	var logged bool
	for _, en := range f.logs.AllEntries() {
		if err, ok := en.Data[logrus.ErrorKey].(error); ok && strings.Contains(err.Error(), "malformed") {
			logged = true
		}
	}
	if !logged {
		t.Errorf("the cause of a 500 was not logged")
	}
}

func TestPanicRecovered(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	f.inc.panicOnGet = true
	resp, b := f.do(t, "GET", "/api/v1/incidents/INC-2026-0042", "", nil)
	if resp.StatusCode != 500 {
		t.Fatalf("status: got %d, want 500; body %s", resp.StatusCode, b)
	}
	if e := decodeError(t, b); e.Code != "internal" {
		t.Errorf("code: got %q, want internal", e.Code)
	}
	// The server keeps serving.
	if resp, _ := f.do(t, "GET", "/healthz", "", nil); resp.StatusCode != 200 {
		t.Errorf("healthz after panic: got %d, want 200", resp.StatusCode)
	}
	var stack bool
	for _, en := range f.logs.AllEntries() {
		if strings.Contains(en.Message, "panic") && en.Data["stack"] != nil {
			stack = true
		}
	}
	if !stack {
		t.Errorf("the panic was not logged with its stack")
	}
}

func TestReadiness(t *testing.T) {
	ok := func(context.Context) error { return nil }
	tests := []struct {
		name       string
		checks     []Check
		wantStatus int
		want       Readiness
	}{
		{
			name:       "all pass",
			checks:     []Check{{"nats", ok}, {"streams", ok}, {"store", ok}},
			wantStatus: 200,
			want:       Readiness{Status: "ready", Checks: []CheckResult{{Name: "nats", OK: true}, {Name: "streams", OK: true}, {Name: "store", OK: true}}},
		},
		{
			name: "store down",
			checks: []Check{{"nats", ok}, {"streams", ok},
				{"store", func(context.Context) error { return errors.New("database is locked") }}},
			wantStatus: 503,
			want: Readiness{Status: "unavailable", Checks: []CheckResult{{Name: "nats", OK: true}, {Name: "streams", OK: true},
				{Name: "store", Error: "database is locked"}}},
		},
		{
			name:       "check hangs",
			checks:     []Check{{"nats", func(ctx context.Context) error { <-ctx.Done(); time.Sleep(time.Second); return nil }}},
			wantStatus: 503,
			want:       Readiness{Status: "unavailable", Checks: []CheckResult{{Name: "nats", Error: "no answer within 50ms"}}},
		},
		{
			name:       "check panics",
			checks:     []Check{{"streams", func(context.Context) error { panic("boom") }}},
			wantStatus: 503,
			want:       Readiness{Status: "unavailable", Checks: []CheckResult{{Name: "streams", Error: "check panicked: boom"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{CheckTimeout: 50 * time.Millisecond}, func(d *Deps) { d.Readiness = tc.checks })
			resp, b := f.do(t, "GET", "/readyz", "", nil)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tc.wantStatus, b)
			}
			var got Readiness
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("readiness (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetricsExposed(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(validDoc))
	f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(validDoc))
	f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(`{}`))
	f.do(t, "GET", "/api/v1/incidents/INC-2026-0042", "", nil)
	f.do(t, "GET", "/api/v1/incidents/INC-NOPE", "", nil)
	f.do(t, "GET", "/no/such/thing", "", nil)
	resp, b := f.do(t, "GET", "/metrics", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d, want 200", resp.StatusCode)
	}
	for _, want := range []string{
		`breach_http_requests_total{code="202",method="POST",route="/api/v1/incidents"} 2`,
		`breach_http_requests_total{code="400",method="POST",route="/api/v1/incidents"} 1`,
		`breach_http_requests_total{code="200",method="GET",route="/api/v1/incidents/{id}"} 1`,
		`breach_http_requests_total{code="404",method="GET",route="/api/v1/incidents/{id}"} 1`,
		`breach_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`breach_http_request_duration_seconds_count{method="GET",route="/api/v1/incidents/{id}"} 2`,
		`breach_http_incidents_submitted_total{outcome="accepted"} 1`,
		`breach_http_incidents_submitted_total{outcome="duplicate"} 1`,
		`breach_http_incidents_submitted_total{outcome="invalid"} 1`,
		`breach_http_requests_in_flight 1`, // the scrape itself
	} {
		if !strings.Contains(string(b), want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Incident ids never become label values.
	if strings.Contains(string(b), "INC-") {
		t.Errorf("/metrics carries an incident id")
	}
}

func TestNewTwiceOnOneRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	h1 := New(testConfig, Deps{Registry: reg, Auth: testAuth}, nil)
	h2 := New(testConfig, Deps{Registry: reg, Auth: testAuth}, nil)
	for _, h := range []http.Handler{h1, h2} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != 200 {
			t.Fatalf("healthz: got %d, want 200", rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h1.ServeHTTP(rec, testRequest("GET", "/metrics", nil))
	if want := `breach_http_requests_total{code="200",method="GET",route="/healthz"} 2`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("/metrics lacks %q: both handlers must count on the shared registry", want)
	}
}

// adminToken is the token of the fixture's admin principal; do sends it
// unless a test sets another Authorization header.
const adminToken = "brt_test-admin-token"

// testAuth authenticates adminToken as an admin.
var testAuth = StaticToken{Token: adminToken, Principal: access.Principal{Name: "tester", Role: access.RoleAdmin}}

// testRequest is httptest.NewRequest (Host example.com, allowed by
// testConfig) with the admin token.
func testRequest(method, target string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, target, body)
	r.Header.Set("Authorization", "Bearer "+adminToken)
	return r
}

// testConfig allows httptest.NewRequest's Host.
var testConfig = Config{Hosts: []string{"example.com"}}

func TestAPIToken(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	tests := []struct {
		name       string
		path       string
		hdr        []string
		wantStatus int
	}{
		{name: "no header", path: "/api/v1/incidents", hdr: []string{"Authorization", ""}, wantStatus: 401},
		{name: "wrong token", path: "/api/v1/incidents", hdr: []string{"Authorization", "Bearer nope"}, wantStatus: 401},
		{name: "basic auth", path: "/api/v1/incidents", hdr: []string{"Authorization", "Basic czNjcmV0LXRva2Vu"}, wantStatus: 401},
		{name: "right token", path: "/api/v1/incidents", wantStatus: 200},
		{name: "healthz stays open", path: "/healthz", hdr: []string{"Authorization", ""}, wantStatus: 200},
		{name: "readyz stays open", path: "/readyz", hdr: []string{"Authorization", ""}, wantStatus: 200},
		{name: "metrics need a token", path: "/metrics", hdr: []string{"Authorization", ""}, wantStatus: 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := f.do(t, "GET", tc.path, "", nil, tc.hdr...)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tc.wantStatus, b)
			}
			if tc.wantStatus == 401 {
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
				if strings.Contains(string(b), adminToken) {
					t.Errorf("the 401 body leaks the token: %s", b)
				}
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	tests := []struct {
		name   string
		sent   string
		wantID func(string) bool
	}{
		{name: "kept", sent: "trace-abc.123", wantID: func(s string) bool { return s == "trace-abc.123" }},
		{name: "generated", sent: "", wantID: func(s string) bool { return len(s) == 24 }},
		{name: "unsafe replaced", sent: "evil id\twith spaces", wantID: func(s string) bool { return len(s) == 24 }},
		{name: "too long replaced", sent: strings.Repeat("a", 65), wantID: func(s string) bool { return len(s) == 24 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.sent != "" {
				hdr = []string{RequestIDHeader, tc.sent}
			}
			resp, _ := f.do(t, "GET", "/healthz", "", nil, hdr...)
			if got := resp.Header.Get(RequestIDHeader); !tc.wantID(got) {
				t.Errorf("got request id %q for %q", got, tc.sent)
			}
		})
	}
}

func TestRequestLogs(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(validDoc), RequestIDHeader, "req-1")
	f.do(t, "GET", "/api/v1/incidents?cursor=jane.doe%40example.org", "", nil, RequestIDHeader, "req-2")
	f.do(t, "GET", "/api/v1/incidents/INC-NOPE", "", nil, RequestIDHeader, "req-3")

	type line struct {
		Route, Method, RequestID string
		Status                   int
	}
	var got []line
	for _, en := range f.logs.AllEntries() {
		var all bytes.Buffer
		fmt.Fprint(&all, en.Message, en.Data)
		for _, secret := range []string{"privacy@example.org", "Privacy Office", "jane.doe", "cursor="} {
			if strings.Contains(all.String(), secret) {
				t.Errorf("log line %q carries %q", all.String(), secret)
			}
		}
		if en.Message != "request" {
			continue
		}
		if _, ok := en.Data["duration_ms"].(float64); !ok {
			t.Errorf("request log without duration_ms: %v", en.Data)
		}
		got = append(got, line{Route: en.Data["route"].(string), Method: en.Data["method"].(string),
			RequestID: en.Data["request_id"].(string), Status: en.Data["status"].(int)})
	}
	want := []line{
		{Route: "/api/v1/incidents", Method: "POST", RequestID: "req-1", Status: 202},
		{Route: "/api/v1/incidents", Method: "GET", RequestID: "req-2", Status: 200},
		{Route: "/api/v1/incidents/{id}", Method: "GET", RequestID: "req-3", Status: 404},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request logs (-want +got):\n%s", diff)
	}
}

func TestServerShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(Config{}, Deps{}, nil)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz: got %d, want 200", resp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve after Shutdown: got %v, want nil", err)
	}
}

func TestPrepareSubmission(t *testing.T) {
	tests := []struct {
		name         string
		doc          string
		wantAssigned bool
		wantField    string // first problem's field when rejected
	}{
		{name: "keeps id and bytes", doc: validDoc},
		{name: "assigns id", doc: noIDDoc, wantAssigned: true},
		{name: "cloudevent without id", doc: `{"specversion":"1.0","id":"e1","source":"waf","type":"breach.incident","data":` + noIDDoc + `}`, wantAssigned: true},
		{name: "rejects", doc: `{"schema":"breach.incident/v1","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":""}]}`,
			wantField: "affected[0].system"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub, err := PrepareSubmission([]byte(tc.doc), fixedNow)
			if tc.wantField != "" {
				var ve *incident.ValidationError
				if !errors.As(err, &ve) || ve.Problems[0].Field != tc.wantField {
					t.Fatalf("got %v, want a validation error naming %s", err, tc.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sub.Assigned != tc.wantAssigned {
				t.Errorf("assigned: got %v, want %v", sub.Assigned, tc.wantAssigned)
			}
			if !tc.wantAssigned && string(sub.Raw) != tc.doc {
				t.Errorf("raw: got %s, want the bytes as received", sub.Raw)
			}
			again, err := incident.Decode(sub.Raw)
			if err != nil {
				t.Fatalf("published document does not decode: %v", err)
			}
			if diff := cmp.Diff(sub.Incident, again); diff != "" {
				t.Errorf("published document decodes differently (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPublisherFunc(t *testing.T) {
	var got string
	pub := PublisherFunc(func(ctx context.Context, in *incident.Incident, raw []byte) (bool, error) {
		got = in.Key()
		return true, nil
	})
	f := newFixture(t, Config{}, func(d *Deps) { d.Publisher = pub })
	resp, b := f.do(t, "POST", "/api/v1/incidents", "application/json", strings.NewReader(validDoc))
	if resp.StatusCode != http.StatusAccepted || !strings.Contains(string(b), `"duplicate": true`) {
		t.Fatalf("got %d %s, want 202 with duplicate true", resp.StatusCode, b)
	}
	if got != "INC-2026-0042/1" {
		t.Errorf("published key: got %q, want INC-2026-0042/1", got)
	}
}

func TestStoreErrorKinds(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
	}{
		{name: "timeout", err: fmt.Errorf("query: %w", context.DeadlineExceeded), wantStatus: 503, wantCode: "unavailable"},
		{name: "cancelled", err: context.Canceled, wantStatus: 503, wantCode: "unavailable"},
		{name: "not found from list", err: fmt.Errorf("page: %w", ErrNotFound), wantStatus: 404, wantCode: "not_found"},
		{name: "anything else", err: errors.New("disk full"), wantStatus: 500, wantCode: "internal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{}, nil)
			f.inc.listErr = tc.err
			resp, b := f.do(t, "GET", "/api/v1/incidents", "", nil)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tc.wantStatus, b)
			}
			if e := decodeError(t, b); e.Code != tc.wantCode {
				t.Errorf("code: got %q, want %q", e.Code, tc.wantCode)
			}
			if tc.wantStatus == 503 && resp.Header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After")
			}
		})
	}
}

// BenchmarkSubmit measures POST /api/v1/incidents through the middleware,
// decoding and a fake publisher (no network).
func BenchmarkSubmit(b *testing.B) {
	h := New(testConfig, Deps{Publisher: &fakePublisher{}, Incidents: &fakeIncidents{}, Auth: testAuth}, nil)
	doc := []byte(validDoc)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := testRequest("POST", "/api/v1/incidents", bytes.NewReader(doc))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
