package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/store"
)

// fakeCampaigns is an in-memory Campaigns over fixed incidents.
type fakeCampaigns struct {
	mu         sync.Mutex
	known      map[string]bool // incidents that exist
	assessed   map[string]bool // incidents whose current revision is assessed
	counts     map[string]notify.Counts
	entries    map[string][]notify.Entry
	approveErr error
	countErr   error
	exportErr  error // returned after exportErrAfter entries
	errAfter   int
	approvals  []Approval
	// contactAccepted records whether the last approval accepted the
	// incident's own contact.
	contactAccepted bool
}

func (f *fakeCampaigns) Approve(ctx context.Context, id, by string) (Approval, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contactAccepted = ContactAccepted(ctx)
	switch {
	case f.approveErr != nil:
		return Approval{}, f.approveErr
	case !f.known[id]:
		return Approval{}, fmt.Errorf("incident %s: %w", id, ErrNotFound)
	case !f.assessed[id]:
		return Approval{}, fmt.Errorf("approve %s: %w: wait", id, ErrNotAssessed)
	}
	ap := Approval{Incident: id, Revision: 2, By: by, At: fixedNow}
	f.approvals = append(f.approvals, ap)
	return ap, nil
}

func (f *fakeCampaigns) NoticeCounts(ctx context.Context, id string) (notify.Counts, error) {
	if f.countErr != nil {
		return nil, f.countErr
	}
	return f.counts[id], nil
}

func (f *fakeCampaigns) ExportNotices(ctx context.Context, id string, fn func(notify.Entry) error) error {
	for i, e := range f.entries[id] {
		if f.exportErr != nil && i == f.errAfter {
			return f.exportErr
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if f.exportErr != nil && f.errAfter >= len(f.entries[id]) {
		return f.exportErr
	}
	return nil
}

func newCampaignFixture(t *testing.T, mod func(*fakeCampaigns)) (*fixture, *fakeCampaigns) {
	t.Helper()
	c := &fakeCampaigns{
		known:    map[string]bool{"INC-2026-0042": true, "INC-NEW": true},
		assessed: map[string]bool{"INC-2026-0042": true},
		counts: map[string]notify.Counts{"INC-2026-0042": {
			notify.ChannelEmail:  {notify.StateSent: 7, notify.StatePending: 2, notify.StateFailedPermanent: 1},
			notify.ChannelLetter: {notify.StateSent: 1},
			notify.ChannelNone:   {notify.StateUnreachable: 2},
			notify.ChannelSMS:    {}, // a channel without entries is left out
		}},
		entries: map[string][]notify.Entry{"INC-2026-0042": sampleEntries},
	}
	if mod != nil {
		mod(c)
	}
	f := newFixture(t, Config{}, func(d *Deps) { d.Campaigns = c })
	return f, c
}

var sampleEntries = []notify.Entry{
	{Key: "INC-2026-0042/s-1/email/1", IncidentID: "INC-2026-0042", SubjectID: "s-1", Channel: notify.ChannelEmail, Version: 1,
		State: notify.StateSent, Attempts: 1, ProviderID: "<m1@mail.example>", TemplateVersion: "v3", ContentHash: "sha256:ab",
		CreatedAt: fixedNow, UpdatedAt: fixedNow.Add(1500 * time.Millisecond), SentAt: fixedNow.Add(1500 * time.Millisecond)},
	{Key: "INC-2026-0042/s-2/sms/1", IncidentID: "INC-2026-0042", SubjectID: "s-2", Channel: notify.ChannelSMS, Version: 1, Guardian: true,
		State: notify.StateFailedPermanent, Attempts: 3, Error: "550 mailbox jane.doe@example.org unknown, call +44 20 7946 0958",
		CreatedAt: fixedNow.In(time.FixedZone("CET", 3600)), UpdatedAt: fixedNow.Add(time.Minute)},
	{Key: "INC-2026-0042/s-3/none/1", IncidentID: "INC-2026-0042", SubjectID: "s-3", Channel: notify.ChannelNone, Version: 1,
		State: notify.StateUnreachable, Error: "=HYPERLINK(\"http://x\")", CreatedAt: fixedNow, UpdatedAt: fixedNow},
}

const sampleCSV = `key,incident,subject,channel,version,guardian,state,attempts,provider_id,error,template_version,content_hash,created_at,updated_at,sent_at
INC-2026-0042/s-1/email/1,INC-2026-0042,s-1,email,1,false,sent,1,<m1@mail.example>,,v3,sha256:ab,2026-11-21T10:00:00Z,2026-11-21T10:00:01.5Z,2026-11-21T10:00:01.5Z
INC-2026-0042/s-2/sms/1,INC-2026-0042,s-2,sms,1,true,failed_permanent,3,,"550 mailbox [redacted] unknown, call [redacted]",,,2026-11-21T10:00:00Z,2026-11-21T10:01:00Z,
INC-2026-0042/s-3/none/1,INC-2026-0042,s-3,none,1,false,unreachable,0,,"'=HYPERLINK(""http://x"")",,,2026-11-21T10:00:00Z,2026-11-21T10:00:00Z,
`

func TestApprove(t *testing.T) {
	tests := []struct {
		name        string
		path        string
		method      string
		contentType string
		body        string
		mod         func(*fakeCampaigns)
		noCampaigns bool
		wantStatus  int
		wantCode    string
		wantMsg     string
		wantBy      string // recorded approver on success
	}{
		{name: "approver is the principal", contentType: "application/json", body: `{"reason": "  counsel agreed "}`, wantStatus: 200, wantBy: "tester"},
		{name: "by in the body is ignored", contentType: "application/json", body: `{"reason": "ok", "by": "Alice Martin"}`, wantStatus: 200, wantBy: "tester"},
		{name: "no body", wantStatus: 415, wantCode: "unsupported_media_type", wantMsg: `{"reason"`},
		{name: "empty object", contentType: "application/json", body: `{}`, wantStatus: 400, wantCode: "invalid_request", wantMsg: "reason is required"},
		{name: "body without content type", body: `{"reason": "ok"}`, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "unknown incident", path: "/api/v1/incidents/INC-NOPE/approve", contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 404, wantCode: "not_found", wantMsg: "incident INC-NOPE not found"},
		{name: "not assessed", path: "/api/v1/incidents/INC-NEW/approve", contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 409, wantCode: "awaiting_assessment",
			wantMsg: "wait for the assessment (GET /api/v1/incidents/INC-NEW/assessment) and approve again"},
		{name: "not assessed from the service", mod: func(c *fakeCampaigns) {
			c.approveErr = fmt.Errorf("approve x: %w", fmt.Errorf("%w: wait", ErrNotAssessed))
		}, contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 409, wantCode: "awaiting_assessment"},
		{name: "approved by someone else", mod: func(c *fakeCampaigns) {
			c.approveErr = fmt.Errorf("approve x: %w: revision 2 is already approved by someone else", ErrAlreadyApproved)
		}, contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 409, wantCode: "already_approved", wantMsg: "already approved by someone else; the first approval stands"},
		{name: "same approver twice", mod: func(c *fakeCampaigns) {
			c.approveErr = fmt.Errorf("approve x: %w (1 of 2 approvals)", ErrSameApprover)
		}, contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 409, wantCode: "same_approver", wantMsg: "needs the approval of another principal"},
		{name: "bad id", path: "/api/v1/incidents/a.b/approve", contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 400, wantCode: "invalid_request", wantMsg: "is not an incident id"},
		{name: "malformed JSON", contentType: "application/json", body: `{"reason": `, wantStatus: 400, wantCode: "invalid_request", wantMsg: `like {"reason": "…"}`},
		{name: "unknown field", contentType: "application/json", body: `{"approver": "x"}`, wantStatus: 400, wantCode: "invalid_request", wantMsg: `unknown field "approver"`},
		{name: "reason not a string", contentType: "application/json", body: `{"reason": 7}`, wantStatus: 400, wantCode: "invalid_request", wantMsg: "reason must be a string"},
		{name: "two objects", contentType: "application/json", body: `{} {}`, wantStatus: 400, wantCode: "invalid_request", wantMsg: "single JSON object"},
		{name: "reason too long", contentType: "application/json", body: `{"reason": "` + strings.Repeat("x", 1001) + `"}`,
			wantStatus: 400, wantCode: "invalid_request", wantMsg: "at most 1000 characters"},
		{name: "control characters", contentType: "application/json", body: `{"reason": "a\u0007b"}`, wantStatus: 400, wantCode: "invalid_request", wantMsg: "control characters"},
		{name: "form body", contentType: "application/x-www-form-urlencoded", body: `reason=x`, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "huge body", contentType: "application/json", body: `{"reason": "` + strings.Repeat("x", 5000) + `"}`, wantStatus: 413, wantCode: "too_large"},
		{name: "GET not allowed", method: "GET", wantStatus: 405, wantCode: "method_not_allowed", wantMsg: "use POST"},
		{name: "no campaigns", noCampaigns: true, contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 503, wantCode: "unavailable", wantMsg: "not configured"},
		{name: "service failure", mod: func(c *fakeCampaigns) { c.approveErr = errors.New("disk full") }, contentType: "application/json", body: `{"reason": "ok"}`, wantStatus: 500, wantCode: "internal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newCampaignFixture(t, tc.mod)
			if tc.noCampaigns {
				f = newFixture(t, Config{}, nil)
			}
			path := tc.path
			if path == "" {
				path = "/api/v1/incidents/INC-2026-0042/approve"
			}
			method := tc.method
			if method == "" {
				method = "POST"
			}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			resp, b := f.do(t, method, path, tc.contentType, body)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tc.wantStatus, b)
			}
			if tc.wantCode != "" {
				e := decodeError(t, b)
				if e.Code != tc.wantCode {
					t.Errorf("code: got %q, want %q", e.Code, tc.wantCode)
				}
				if !strings.Contains(e.Error, tc.wantMsg) {
					t.Errorf("error: got %q, want it to contain %q", e.Error, tc.wantMsg)
				}
				if strings.Contains(e.Error, "disk full") {
					t.Errorf("error %q leaks the cause", e.Error)
				}
				if len(c.approvals) != 0 {
					t.Errorf("approvals: got %v, want none", c.approvals)
				}
				return
			}
			var got Approval
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("answer is not an approval: %v\n%s", err, b)
			}
			want := Approval{Incident: "INC-2026-0042", Revision: 2, By: tc.wantBy, At: fixedNow}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("approval (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]Approval{want}, c.approvals); diff != "" {
				t.Errorf("recorded approvals (-want +got):\n%s", diff)
			}
			for _, e := range f.logs.AllEntries() {
				line, _ := e.String()
				if strings.Contains(line, "Alice") {
					t.Errorf("log line names the approver: %s", line)
				}
			}
		})
	}
}

func TestApproveJSONShape(t *testing.T) {
	f, _ := newCampaignFixture(t, nil)
	resp, b := f.do(t, "POST", "/api/v1/incidents/INC-2026-0042/approve", "application/json", strings.NewReader(`{"reason":"ops"}`))
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d, want 200; body %s", resp.StatusCode, b)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"incident": "INC-2026-0042", "revision": float64(2), "by": "tester", "at": "2026-11-21T10:00:00Z"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("approval JSON (-want +got):\n%s", diff)
	}
}

func TestNoticeStatus(t *testing.T) {
	zero := func(over map[notify.State]int) map[string]any {
		m := map[string]any{}
		for _, st := range notify.States {
			m[string(st)] = float64(over[st])
		}
		return m
	}
	tests := []struct {
		name        string
		path        string
		mod         func(*fakeCampaigns)
		noCampaigns bool
		wantStatus  int
		wantBody    map[string]any
		wantCode    string
		wantMsg     string
	}{
		{name: "campaign under way", path: "/api/v1/incidents/INC-2026-0042/notices", wantStatus: 200, wantBody: map[string]any{
			"incident": "INC-2026-0042",
			"channels": map[string]any{
				"email":  zero(map[notify.State]int{notify.StateSent: 7, notify.StatePending: 2, notify.StateFailedPermanent: 1}),
				"letter": zero(map[notify.State]int{notify.StateSent: 1}),
				"none":   zero(map[notify.State]int{notify.StateUnreachable: 2}),
			},
			"totals":             zero(map[notify.State]int{notify.StateSent: 8, notify.StatePending: 2, notify.StateFailedPermanent: 1, notify.StateUnreachable: 2}),
			"people_unreachable": float64(2),
			"complete":           false,
		}},
		{name: "no campaign yet", path: "/api/v1/incidents/INC-NEW/notices", wantStatus: 200, wantBody: map[string]any{
			"incident": "INC-NEW", "channels": map[string]any{}, "totals": zero(nil), "people_unreachable": float64(0), "complete": false,
		}},
		{name: "unknown incident", path: "/api/v1/incidents/INC-NOPE/notices", wantStatus: 404, wantCode: "not_found", wantMsg: "incident INC-NOPE not found"},
		{name: "unknown to the ledger", path: "/api/v1/incidents/INC-2026-0042/notices", mod: func(c *fakeCampaigns) {
			c.countErr = fmt.Errorf("count: %w", ErrNotFound)
		}, wantStatus: 404, wantCode: "not_found"},
		{name: "bad id", path: "/api/v1/incidents/a.b/notices", wantStatus: 400, wantCode: "invalid_request"},
		{name: "no campaigns", path: "/api/v1/incidents/INC-2026-0042/notices", noCampaigns: true, wantStatus: 503, wantCode: "unavailable", wantMsg: "not configured"},
		{name: "ledger failure", path: "/api/v1/incidents/INC-2026-0042/notices", mod: func(c *fakeCampaigns) { c.countErr = errors.New("locked") },
			wantStatus: 500, wantCode: "internal"},
		{name: "ledger timeout", path: "/api/v1/incidents/INC-2026-0042/notices", mod: func(c *fakeCampaigns) { c.countErr = context.DeadlineExceeded },
			wantStatus: 503, wantCode: "unavailable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := newCampaignFixture(t, tc.mod)
			if tc.noCampaigns {
				f = newFixture(t, Config{}, nil)
			}
			resp, b := f.do(t, "GET", tc.path, "", nil)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tc.wantStatus, b)
			}
			if tc.wantCode != "" {
				e := decodeError(t, b)
				if e.Code != tc.wantCode || !strings.Contains(e.Error, tc.wantMsg) {
					t.Errorf("error: got %q %q, want %q containing %q", e.Code, e.Error, tc.wantCode, tc.wantMsg)
				}
				return
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, b)
			}
			if diff := cmp.Diff(tc.wantBody, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
	f, _ := newCampaignFixture(t, nil)
	if resp, b := f.do(t, "DELETE", "/api/v1/incidents/INC-2026-0042/notices", "", nil); resp.StatusCode != 405 {
		t.Errorf("DELETE: got %d %s, want 405", resp.StatusCode, b)
	}
}

func TestSummariseComplete(t *testing.T) {
	tests := []struct {
		name   string
		counts notify.Counts
		want   bool
	}{
		{name: "nothing planned", counts: nil, want: false},
		{name: "only zero counts", counts: notify.Counts{notify.ChannelEmail: {notify.StatePending: 0}}, want: false},
		{name: "all final", counts: notify.Counts{
			notify.ChannelEmail: {notify.StateSent: 3, notify.StateFailedPermanent: 1, notify.StateSkipped: 1},
			notify.ChannelNone:  {notify.StateUnreachable: 1},
		}, want: true},
		{name: "one sending", counts: notify.Counts{notify.ChannelEmail: {notify.StateSent: 3, notify.StateSending: 1}}, want: false},
		{name: "one to retry", counts: notify.Counts{notify.ChannelSMS: {notify.StateSent: 3, notify.StateFailedTemporary: 1}}, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Summarise("I", tc.counts).Complete; got != tc.want {
				t.Errorf("complete: got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestExportNotices(t *testing.T) {
	f, _ := newCampaignFixture(t, nil)
	resp, b := f.do(t, "GET", "/api/v1/incidents/INC-2026-0042/notices/export", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d, want 200; body %s", resp.StatusCode, b)
	}
	if diff := cmp.Diff(sampleCSV, string(b)); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
	for k, want := range map[string]string{
		"Content-Type":        "text/csv; charset=utf-8",
		"Content-Disposition": `attachment; filename="INC-2026-0042-notices.csv"`,
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	for _, pii := range []string{"jane.doe", "7946"} {
		if strings.Contains(string(b), pii) {
			t.Errorf("the export contains %q", pii)
		}
	}

	// An incident without notices gets the header alone.
	resp, b = f.do(t, "GET", "/api/v1/incidents/INC-NEW/notices/export", "", nil)
	if want := strings.Join(ExportHeader, ",") + "\n"; resp.StatusCode != 200 || string(b) != want {
		t.Errorf("no notices: got %d %q, want 200 %q", resp.StatusCode, b, want)
	}
}

func TestExportNoticesErrors(t *testing.T) {
	tests := []struct {
		name        string
		path        string
		mod         func(*fakeCampaigns)
		noCampaigns bool
		wantStatus  int
		wantCode    string
	}{
		{name: "unknown incident", path: "/api/v1/incidents/INC-NOPE/notices/export", wantStatus: 404, wantCode: "not_found"},
		{name: "unknown to the ledger", mod: func(c *fakeCampaigns) { c.exportErr, c.errAfter = ErrNotFound, 0 }, wantStatus: 404, wantCode: "not_found"},
		{name: "failure before the first row", mod: func(c *fakeCampaigns) { c.exportErr, c.errAfter = errors.New("locked"), 0 }, wantStatus: 500, wantCode: "internal"},
		{name: "no campaigns", noCampaigns: true, wantStatus: 503, wantCode: "unavailable"},
		{name: "bad id", path: "/api/v1/incidents/a.b/notices/export", wantStatus: 400, wantCode: "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := newCampaignFixture(t, tc.mod)
			if tc.noCampaigns {
				f = newFixture(t, Config{}, nil)
			}
			path := tc.path
			if path == "" {
				path = "/api/v1/incidents/INC-2026-0042/notices/export"
			}
			resp, b := f.do(t, "GET", path, "", nil)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tc.wantStatus, b)
			}
			if e := decodeError(t, b); e.Code != tc.wantCode {
				t.Errorf("code: got %q, want %q", e.Code, tc.wantCode)
			}
		})
	}
}

// TestExportInterrupted checks that a failure after the first row breaks
// the transfer instead of ending a short file cleanly.
func TestExportInterrupted(t *testing.T) {
	many := make([]notify.Entry, 3*exportFlushRows)
	for i := range many {
		many[i] = sampleEntries[0]
	}
	f, _ := newCampaignFixture(t, func(c *fakeCampaigns) {
		c.entries["INC-2026-0042"] = many
		c.exportErr, c.errAfter = errors.New("disk I/O error"), 2*exportFlushRows
	})
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/incidents/INC-2026-0042/notices/export", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d, want 200 (the failure comes after the first rows)", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the body: got %v after %d bytes, want io.ErrUnexpectedEOF", err, len(b))
	}
	var warned bool
	for _, e := range f.logs.AllEntries() {
		warned = warned || e.Message == "notice export interrupted"
	}
	if !warned {
		t.Errorf("no log line for the interrupted export")
	}
}

// BenchmarkExportNotices measures the CSV export of a 100,000-notice
// ledger through the middleware (no network): rows/s is the figure.
func BenchmarkExportNotices(b *testing.B) {
	entries := make([]notify.Entry, 100_000)
	for i := range entries {
		e := sampleEntries[i%len(sampleEntries)]
		e.Key = fmt.Sprintf("INC-2026-0042/s-%d/%s/1", i, e.Channel)
		e.SubjectID = fmt.Sprintf("s-%d", i)
		entries[i] = e
	}
	c := &fakeCampaigns{entries: map[string][]notify.Entry{"INC-2026-0042": entries}}
	h := New(testConfig, Deps{Campaigns: c, Auth: testAuth}, nil)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, testRequest("GET", "/api/v1/incidents/INC-2026-0042/notices/export", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(len(entries)*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(size)/float64(len(entries)), "bytes/row")
}

// TestApproveAcceptContact: accept_contact reaches the campaigns as the
// approval's acceptance of the incident's own contact, and only then.
func TestApproveAcceptContact(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		{`{"reason": "ok"}`, false},
		{`{"reason": "ok", "accept_contact": true}`, true},
	} {
		f, c := newCampaignFixture(t, nil)
		resp, b := f.do(t, "POST", "/api/v1/incidents/INC-2026-0042/approve", "application/json", strings.NewReader(tc.body))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d %s", tc.body, resp.StatusCode, b)
		}
		if c.contactAccepted != tc.want {
			t.Errorf("%s: contact accepted = %v, want %v", tc.body, c.contactAccepted, tc.want)
		}
	}
}

// TestApprovePendingIsAudited: an approval that leaves the revision short
// of its approvers is answered with who approved and how many are missing,
// and recorded as incident.approval_recorded (not incident.approved).
func TestApprovePendingIsAudited(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "audit.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := audit.New(st, func() time.Time { return fixedNow })
	pending := &ApprovalStatus{Revision: 2, Required: 2, Missing: 1, Approvers: []Approver{{By: "tester", At: fixedNow}}}
	f := newFixture(t, Config{}, func(d *Deps) { d.Campaigns = pendingCampaigns{pending}; d.Audit = log })
	resp, body := f.do(t, "POST", "/api/v1/incidents/INC-2026-0042/approve", "application/json", strings.NewReader(`{"reason": "counsel agreed"}`))
	var ap Approval
	if err := json.Unmarshal(body, &ap); err != nil || resp.StatusCode != 200 || !ap.Pending() || ap.Approvals.Missing != 1 {
		t.Fatalf("pending approval: got %d %s, want 200 with one approval missing", resp.StatusCode, body)
	}
	entries, _, err := log.List(t.Context(), audit.Filter{Object: "incident/INC-2026-0042"}, audit.Page{})
	if err != nil || len(entries) != 1 || entries[0].Action != audit.ActionApprovalRecorded || entries[0].Principal != "tester" {
		t.Errorf("audit: got %+v, %v; want one incident.approval_recorded by tester", entries, err)
	}
}

// pendingCampaigns answers every approval as recorded and still pending.
type pendingCampaigns struct{ st *ApprovalStatus }

func (p pendingCampaigns) Approve(_ context.Context, id, by string) (Approval, error) {
	return Approval{Incident: id, Revision: 2, By: by, At: fixedNow, Approvals: p.st}, nil
}
func (pendingCampaigns) NoticeCounts(context.Context, string) (notify.Counts, error) { return nil, nil }
func (pendingCampaigns) ExportNotices(context.Context, string, func(notify.Entry) error) error {
	return nil
}
