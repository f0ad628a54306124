package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/store"
)

// fakeReports keeps obligations in memory and drafts a fixed text per
// format.
type fakeReports struct {
	obs []obligation.Obligation
}

func (f *fakeReports) Draft(_ context.Context, id, jur, format, _ string) ([]byte, error) {
	switch {
	case id == "INC-NEW":
		return nil, ErrNotAssessed
	case id != "INC-2026-0042":
		return nil, ErrNotFound
	case format == "pdf" && jur == "CN-PIPL":
		return nil, fmt.Errorf("%w: report.cjk_font_file: open /nonexistent.ttf: no such file", ErrRenderUnavailable)
	case jur != "EU-GDPR":
		return nil, fmt.Errorf("%w: jurisdiction %q is not in the assessment (it has: EU-GDPR)", ErrUnknownJurisdiction, jur)
	}
	return []byte(format + " draft of " + id + " " + jur), nil
}

func (f *fakeReports) File(_ context.Context, id, jur string, req FilingRequest, by string) (obligation.Obligation, error) {
	for i := range f.obs {
		o := &f.obs[i]
		if o.Incident == id && o.Jurisdiction == jur && o.Filing == orDefault(req.Filing, jur) {
			err := o.File(obligation.Filing{At: fixedNow, By: by, Reference: req.Reference, CopySHA256: req.CopySHA256})
			if err != nil {
				return obligation.Obligation{}, fmt.Errorf("%w: %w", ErrFilingRefused, err)
			}
			return *o, nil
		}
	}
	return obligation.Obligation{}, fmt.Errorf("%w: no filing %q", ErrFilingRefused, req.Filing)
}

func (f *fakeReports) Obligations(_ context.Context, id string) ([]obligation.Obligation, error) {
	if id != "INC-2026-0042" {
		return nil, ErrNotFound
	}
	return f.obs, nil
}

func (f *fakeReports) Deadlines(_ context.Context, now time.Time) ([]obligation.Deadline, error) {
	return obligation.Deadlines(f.obs, now), nil
}

func TestReportDraftFormats(t *testing.T) {
	fr := &fakeReports{}
	f := newFixture(t, Config{}, func(d *Deps) { d.Reports = fr })
	for _, tc := range []struct {
		name, path string
		wantCode   int
		wantType   string
		wantBody   string
	}{
		{"markdown by default", "/api/v1/incidents/INC-2026-0042/reports/eu-gdpr", 200, "text/markdown; charset=utf-8", "md draft of INC-2026-0042 EU-GDPR"},
		{"html", "/api/v1/incidents/INC-2026-0042/reports/EU-GDPR?format=html", 200, "text/html; charset=utf-8", "html draft of INC-2026-0042 EU-GDPR"},
		{"json", "/api/v1/incidents/INC-2026-0042/reports/EU-GDPR?format=json", 200, "application/json; charset=utf-8", "json draft of INC-2026-0042 EU-GDPR"},
		{"pdf", "/api/v1/incidents/INC-2026-0042/reports/EU-GDPR?format=pdf", 200, "application/pdf", "pdf draft of INC-2026-0042 EU-GDPR"},
		{"unknown format", "/api/v1/incidents/INC-2026-0042/reports/EU-GDPR?format=docx", 400, "", `format: "docx" is not one of md, html, json, pdf`},
		{"bad jurisdiction", "/api/v1/incidents/INC-2026-0042/reports/EU_GDPR!", 400, "", "jurisdiction:"},
		{"jurisdiction not assessed", "/api/v1/incidents/INC-2026-0042/reports/US-CA", 404, "", "(it has: EU-GDPR)"},
		{"not assessed", "/api/v1/incidents/INC-NEW/reports/EU-GDPR", 404, "", "not assessed yet"},
		{"font missing", "/api/v1/incidents/INC-2026-0042/reports/CN-PIPL?format=pdf", 503, "", "report.cjk_font_file"},
		{"unknown incident", "/api/v1/incidents/INC-NONE/reports/EU-GDPR", 404, "", "incident INC-NONE not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, "GET", tc.path, "", nil)
			if resp.StatusCode != tc.wantCode {
				t.Fatalf("status: got %d, want %d: %s", resp.StatusCode, tc.wantCode, body)
			}
			if tc.wantType != "" {
				if got := resp.Header.Get("Content-Type"); got != tc.wantType {
					t.Errorf("Content-Type: got %q, want %q", got, tc.wantType)
				}
				if string(body) != tc.wantBody {
					t.Errorf("body: got %q, want %q", body, tc.wantBody)
				}
				return
			}
			if e := decodeError(t, body); !strings.Contains(e.Error, tc.wantBody) {
				t.Errorf("error: got %q, want it to contain %q", e.Error, tc.wantBody)
			}
		})
	}
}

func TestFileReport(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "audit.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := audit.New(st, func() time.Time { return fixedNow })
	due := fixedNow.Add(72 * time.Hour)
	fr := &fakeReports{obs: []obligation.Obligation{
		{Key: obligation.Key{Incident: "INC-2026-0042", Jurisdiction: "EU-GDPR", Duty: obligation.DutyRegulator, Filing: "EU-GDPR"},
			Required: true, Due: &due, State: obligation.StateOpen, Since: fixedNow, By: obligation.System},
		{Key: obligation.Key{Incident: "INC-2026-0042", Jurisdiction: "EU-GDPR", Duty: obligation.DutyIndividuals},
			Required: true, State: obligation.StateOpen, Since: fixedNow, By: obligation.System},
	}}
	f := newFixture(t, Config{}, func(d *Deps) { d.Reports = fr; d.Audit = log })
	path := "/api/v1/incidents/INC-2026-0042/reports/EU-GDPR/filing"

	resp, body := f.do(t, "GET", "/api/v1/deadlines", "", nil)
	var dl DeadlineList
	if err := json.Unmarshal(body, &dl); resp.StatusCode != 200 || err != nil || len(dl.Deadlines) != 2 {
		t.Fatalf("deadlines before filing: got %d %s, want 2 deadlines", resp.StatusCode, body)
	}

	sum := strings.Repeat("ab", 32)
	resp, body = f.do(t, "POST", path, "application/json", strings.NewReader(`{"reference": "CNIL-42", "copy_sha256": "`+sum+`"}`))
	if resp.StatusCode != 200 {
		t.Fatalf("file: got %d %s, want 200", resp.StatusCode, body)
	}
	var o obligation.Obligation
	if err := json.Unmarshal(body, &o); err != nil || o.State != obligation.StateFiled || o.By != "tester" || o.Reference != "CNIL-42" {
		t.Errorf("filed obligation: got %+v (%v), want filed by tester under CNIL-42", o, err)
	}
	entries, _, err := log.List(t.Context(), audit.Filter{Action: audit.ActionReportFiled}, audit.Page{})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit entries: got %d (%v), want 1", len(entries), err)
	}
	var details map[string]any
	_ = json.Unmarshal(entries[0].Details, &details)
	want := map[string]any{"jurisdiction": "EU-GDPR", "filing": "EU-GDPR", "reference": "CNIL-42", "copy_sha256": sum, "revision": float64(0)}
	if diff := cmp.Diff(want, details); diff != "" || entries[0].Principal != "tester" || entries[0].Object != "incident/INC-2026-0042" {
		t.Errorf("audit entry %+v; details (-want +got):\n%s", entries[0], diff)
	}

	resp, body = f.do(t, "GET", "/api/v1/deadlines", "", nil)
	_ = json.Unmarshal(body, &dl)
	if resp.StatusCode != 200 || len(dl.Deadlines) != 1 || dl.Deadlines[0].Duty != obligation.DutyIndividuals {
		t.Errorf("deadlines after filing: got %s, want only the individuals' duty", body)
	}
	resp, body = f.do(t, "GET", "/api/v1/incidents/INC-2026-0042/obligations", "", nil)
	var ol ObligationList
	if err := json.Unmarshal(body, &ol); resp.StatusCode != 200 || err != nil || len(ol.Obligations) != 2 {
		t.Errorf("obligations: got %d %s, want both", resp.StatusCode, body)
	}

	for _, tc := range []struct {
		name, body, ct string
		wantCode       int
		want           string
	}{
		{"filed again", `{"reference": "CNIL-43"}`, "application/json", 400, "it cannot become filed"},
		{"unknown field", `{"ref": "x"}`, "application/json", 400, "unknown field"},
		{"not JSON", `reference=x`, "application/x-www-form-urlencoded", 415, "send the request as JSON"},
		{"no such filing", `{"filing": "EU-GDPR/XX", "reference": "R"}`, "application/json", 400, "no filing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, "POST", path, tc.ct, strings.NewReader(tc.body))
			if resp.StatusCode != tc.wantCode || !strings.Contains(decodeError(t, body).Error, tc.want) {
				t.Errorf("got %d %s, want %d with %q", resp.StatusCode, body, tc.wantCode, tc.want)
			}
		})
	}
	if resp, _ := f.do(t, "GET", path, "", nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET on the filing route: got %d, want 405", resp.StatusCode)
	}
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
