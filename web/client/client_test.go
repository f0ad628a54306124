package client_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
	"github.com/breach-notify/breach/web/client/clienttest"
)

const doc = `{
  "schema": "breach.incident/v1",
  "id": "INC-2026-0042",
  "title": "Order database copied by an intruder",
  "discovered_at": "2026-11-20T09:00:00Z",
  "cause": "exfiltration",
  "affected": [{"system": "orders-db"}]
}`

const assessment = `{"schema": "breach.assessment/v1", "incident": "INC-2026-0042", "revision": 1, "risk": "high",
  "subjects": {"total": 3, "by_jurisdiction": {"EU-GDPR": 2, "US-CA": 1}}}`

func newClient(t *testing.T, url, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Server: url + "/", Token: token, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// submitted starts a server and submits doc through the client.
func submitted(t *testing.T) (*clienttest.Server, *client.Client) {
	t.Helper()
	srv := clienttest.Start(t)
	c := newClient(t, srv.URL, clienttest.Token)
	res, err := c.Submit(context.Background(), []byte(doc))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if diff := cmp.Diff(web.SubmitResult{ID: "INC-2026-0042", Revision: 1}, res); diff != "" {
		t.Fatalf("submit result (-want +got):\n%s", diff)
	}
	return srv, c
}

func TestSubmitGetList(t *testing.T) {
	srv, c := submitted(t)
	ctx := context.Background()
	res, err := c.Submit(ctx, []byte(doc))
	if err != nil || !res.Duplicate {
		t.Errorf("second submit: got %+v, %v; want a duplicate", res, err)
	}
	v, err := c.Get(ctx, "INC-2026-0042")
	if err != nil {
		t.Fatal(err)
	}
	if v.Incident.Title != "Order database copied by an intruder" || v.Status != "received" {
		t.Errorf("get: got %q (%s), want the submitted incident, received", v.Incident.Title, v.Status)
	}
	l, err := c.List(ctx, client.ListOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Incidents) != 1 || l.Incidents[0].ID != "INC-2026-0042" {
		t.Errorf("list: got %+v, want INC-2026-0042", l.Incidents)
	}
	if len(srv.Published) != 1 {
		t.Errorf("published: got %d incidents, want 1", len(srv.Published))
	}
}

func TestErrors(t *testing.T) {
	srv, c := submitted(t)
	ctx := context.Background()
	tests := []struct {
		name       string
		call       func() error
		wantStatus int
		wantCode   fault.Code
		wantMsg    string
	}{
		{name: "unknown incident", call: func() error { _, err := c.Get(ctx, "INC-NOPE"); return err },
			wantStatus: 404, wantCode: fault.NotFound, wantMsg: "not found"},
		{name: "not assessed", call: func() error { _, err := c.Assessment(ctx, "INC-2026-0042"); return err },
			wantStatus: 404, wantCode: fault.NotAssessed, wantMsg: "not been assessed yet"},
		{name: "approve before assessment", call: func() error { _, err := c.Approve(ctx, "INC-2026-0042", "r"); return err },
			wantStatus: 409, wantCode: fault.AwaitingAssessment, wantMsg: "before its current revision is assessed"},
		{name: "invalid incident", call: func() error { _, err := c.Submit(ctx, []byte(`{"schema": "breach.incident/v1"}`)); return err },
			wantStatus: 400, wantCode: fault.InvalidIncident, wantMsg: "title"},
		{name: "wrong token", call: func() error { _, err := newClient(t, srv.URL, "nope").List(ctx, client.ListOptions{}); return err },
			wantStatus: 401, wantCode: fault.Unauthorized},
		{name: "bad cursor", call: func() error { _, err := c.List(ctx, client.ListOptions{Cursor: "zzz"}); return err },
			wantStatus: 400, wantCode: fault.Invalid, wantMsg: "cursor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var e *client.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want a *client.Error", err, err)
			}
			if e.Status != tc.wantStatus || e.Code != tc.wantCode || !strings.Contains(e.Error(), tc.wantMsg) {
				t.Errorf("got %d %s %q, want %d %s containing %q", e.Status, e.Code, e.Error(), tc.wantStatus, tc.wantCode, tc.wantMsg)
			}
			if e.RequestID == "" {
				t.Error("got no request id, want the server's")
			}
			if code, msg := fault.CodeOf(err), fault.MessageOf(err); code != tc.wantCode || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("fault.CodeOf, MessageOf: got %s %q, want the answer's %s containing %q", code, msg, tc.wantCode, tc.wantMsg)
			}
		})
	}
}

func TestAssessApproveStatusExport(t *testing.T) {
	srv, c := submitted(t)
	ctx := context.Background()
	srv.Assessments["INC-2026-0042"] = json.RawMessage(assessment)
	a, err := c.Assessment(ctx, "INC-2026-0042")
	if err != nil {
		t.Fatal(err)
	}
	if a.Risk != "high" || a.Subjects.Total != 3 || a.Subjects.ByJurisdiction["EU-GDPR"] != 2 {
		t.Errorf("assessment: got risk %s, %d people %v; want high, 3, EU-GDPR 2", a.Risk, a.Subjects.Total, a.Subjects.ByJurisdiction)
	}
	ap, err := c.Approve(ctx, "INC-2026-0042", "counsel agreed")
	if err != nil {
		t.Fatal(err)
	}
	want := web.Approval{Incident: "INC-2026-0042", Revision: 1, By: clienttest.Principal, At: clienttest.Now}
	if diff := cmp.Diff(want, ap); diff != "" {
		t.Errorf("approval (-want +got):\n%s", diff)
	}

	srv.Counts["INC-2026-0042"] = notify.Counts{notify.ChannelEmail: {notify.StateSent: 2, notify.StatePending: 1}}
	s, err := c.NoticeStatus(ctx, "INC-2026-0042")
	if err != nil {
		t.Fatal(err)
	}
	if s.Totals[notify.StateSent] != 2 || s.Totals[notify.StatePending] != 1 || s.Complete {
		t.Errorf("status: got totals %v complete %v, want sent 2, pending 1, not complete", s.Totals, s.Complete)
	}

	srv.Entries["INC-2026-0042"] = []notify.Entry{
		{Key: "k1", IncidentID: "INC-2026-0042", SubjectID: "u-1", Channel: notify.ChannelEmail, Version: 1, State: notify.StateSent},
		{Key: "k2", IncidentID: "INC-2026-0042", SubjectID: "u-2", Channel: notify.ChannelEmail, Version: 1, State: notify.StatePending},
	}
	body, err := c.ExportNotices(ctx, "INC-2026-0042")
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	rows, err := csv.NewReader(body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !cmp.Equal(rows[0], web.ExportHeader) || rows[1][0] != "k1" || rows[2][0] != "k2" {
		t.Errorf("export: got %q, want the header and rows k1, k2", rows)
	}
}

func TestAssessmentFailed(t *testing.T) {
	srv, c := submitted(t)
	srv.Failures["INC-2026-0042"] = `system "order" is not in the inventory`
	_, err := c.Assessment(context.Background(), "INC-2026-0042")
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 422 || e.Code != fault.AssessmentFailed || !strings.Contains(e.Message, `system "order"`) {
		t.Errorf("got %v, want a 422 assessment_failed naming the reason", err)
	}
}

func TestAnnounce(t *testing.T) {
	_, c := submitted(t)
	ctx := context.Background()
	v, err := c.Announce(ctx, "INC-2026-0042", web.AnnounceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 1 || v.Kind != "publish" || v.Approver != clienttest.Principal {
		t.Errorf("announce: got %+v, want version 1, publish, by %s", v, clienttest.Principal)
	}
	st, err := c.Announcement(ctx, "INC-2026-0042")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Versions) != 1 || st.Versions[0].Version != 1 {
		t.Errorf("announcement: got %+v, want version 1", st.Versions)
	}
}

func TestPlanEndpointMissing(t *testing.T) {
	// An older server: its catch-all answers every unknown path.
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error": "no such route; the API lives under /api/v1/incidents", "code": "not_found"}`))
	}))
	defer old.Close()
	c, err := client.New(client.Config{Server: old.URL, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Plan(context.Background(), "INC-2026-0042")
	if !errors.Is(err, client.ErrNoPlanEndpoint) {
		t.Errorf("got %v, want ErrNoPlanEndpoint from a server without the route", err)
	}
}

func TestPlanDecodes(t *testing.T) {
	want := client.Plan{Incident: "INC-1", Revision: 2,
		Preview: notify.Preview{People: 4, ByChannel: map[notify.Channel]int{notify.ChannelEmail: 4}, ByLocale: map[string]int{"de": 4},
			ByJurisdiction: map[string]int{"EU-GDPR": 4}, Unreachable: 1, Stranded: 1, StrandedBy: map[notify.Channel]int{notify.ChannelLetter: 1},
			NoProvider: []notify.Channel{notify.ChannelLetter}, Untranslated: map[string]int{"de": 1}},
		NotTold: []client.PlanGroup{{Jurisdiction: "US-CA", People: 1, Reason: "no law requires it"}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/incidents/INC-1/plan" {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(want)
	}))
	defer srv.Close()
	got, err := newClient(t, srv.URL, "").Plan(context.Background(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestTransportErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://user:hunter2@" + ln.Addr().String()
	ln.Close()
	_, err = newClient(t, dead, "").List(context.Background(), client.ListOptions{})
	var ue *client.UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want an *UnreachableError", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %q", err)
	}

	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html>bad gateway</html>")
	}))
	defer html.Close()
	_, err = newClient(t, html.URL, "").Get(context.Background(), "INC-1")
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 502 || e.Error() != "the server answered 502 Bad Gateway" || !e.Temporary() {
		t.Errorf("got %v, want a temporary *Error naming 502 Bad Gateway", err)
	}

	for _, bad := range []string{"127.0.0.1:8080", "ftp://x", ""} {
		if _, err := client.New(client.Config{Server: bad}); err == nil {
			t.Errorf("New(%q): got no error, want one", bad)
		}
	}
}

func TestProblemsInError(t *testing.T) {
	e := &client.Error{Message: "incident rejected", Problems: []incident.Problem{{Field: "title", Message: "is required"}}}
	if got := e.Error(); !strings.Contains(got, "title") {
		t.Errorf("got %q, want the problem's field", got)
	}
}
