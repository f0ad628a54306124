package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/web"
)

// deadlineAPI serves /api/v1/deadlines from obligations at cliNow, and
// records the filing requests it gets.
func deadlineAPI(t *testing.T, obs []obligation.Obligation) (string, *[]web.FilingRequest, *[]string) {
	t.Helper()
	var filings []web.FilingRequest
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+cliToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		paths = append(paths, r.Method+" "+r.URL.RequestURI())
		switch {
		case r.URL.Path == "/api/v1/deadlines":
			_ = json.NewEncoder(w).Encode(web.DeadlineList{GeneratedAt: cliNow, Deadlines: obligation.Deadlines(obs, cliNow)})
		case strings.HasSuffix(r.URL.Path, "/filing"):
			var req web.FilingRequest
			_ = json.NewDecoder(r.Body).Decode(&req)
			filings = append(filings, req)
			o := obs[0]
			_ = o.File(obligation.Filing{At: cliNow, By: "jane", Reference: req.Reference, CopySHA256: req.CopySHA256})
			_ = json.NewEncoder(w).Encode(o)
		case strings.Contains(r.URL.Path, "/reports/"):
			w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
			_, _ = io.WriteString(w, "# draft "+r.URL.Query().Get("format"))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error": "no such route", "code": "not_found"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &filings, &paths
}

// sampleDeadlines are open obligations around cliNow: one overdue, one
// undated, one due in two days, and one filed (not listed).
func sampleDeadlines() []obligation.Obligation {
	past, soon := cliNow.Add(-3*time.Hour), cliNow.Add(50*time.Hour+30*time.Minute)
	mk := func(id, jur, duty, filing string, due *time.Time, text string, st obligation.State) obligation.Obligation {
		return obligation.Obligation{Key: obligation.Key{Incident: id, Jurisdiction: jur, Duty: duty, Filing: filing},
			Required: true, Due: due, DueText: text, State: st, Since: cliNow}
	}
	return []obligation.Obligation{
		mk("INC-2", "US-CA", obligation.DutyIndividuals, "", &soon, "", obligation.StateOpen),
		mk("INC-1", "EU-GDPR", obligation.DutyRegulator, "EU-GDPR/FR", &past, "72 hours", obligation.StateDrafted),
		mk("INC-1", "EU-GDPR", obligation.DutyIndividuals, "", nil, "without undue delay", obligation.StateOpen),
		mk("INC-1", "EU-GDPR", obligation.DutyRegulator, "EU-GDPR/DE", &past, "", obligation.StateFiled),
	}
}

func TestDeadlinesTable(t *testing.T) {
	url, _, _ := deadlineAPI(t, sampleDeadlines())
	const table = "" +
		"INCIDENT  JURISDICTION  DUTY         FILING      DUE                  LEFT          STATE\n" +
		"INC-1     EU-GDPR       individuals  -           without undue delay  -             open\n" +
		"INC-1     EU-GDPR       regulator    EU-GDPR/FR  2026-11-21 06:00Z    OVERDUE 3h0m  drafted\n" +
		"INC-2     US-CA         individuals  -           2026-11-23 11:30Z    2d2h30m       open\n"
	for _, tc := range []struct {
		name string
		tty  bool
		want string
	}{
		{"not a terminal: no colour", false, table},
		{"terminal: overdue in red", true, strings.Replace(table,
			"INC-1     EU-GDPR       regulator    EU-GDPR/FR  2026-11-21 06:00Z    OVERDUE 3h0m  drafted\n",
			"\033[31mINC-1     EU-GDPR       regulator    EU-GDPR/FR  2026-11-21 06:00Z    OVERDUE 3h0m  drafted\033[0m\n", 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := incidentEnv{terminal: func(io.Writer) bool { return tc.tty }}
			code, stdout, stderr := cliRun(t, context.Background(), newDeadlinesCmdWith, env, "--server", url)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if diff := cmp.Diff(tc.want, stdout); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeadlinesJSONAndErrors(t *testing.T) {
	url, _, _ := deadlineAPI(t, sampleDeadlines())
	code, stdout, stderr := cliRun(t, context.Background(), newDeadlinesCmdWith, incidentEnv{}, "-o", "json", "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var dl web.DeadlineList
	if err := json.Unmarshal([]byte(stdout), &dl); err != nil || len(dl.Deadlines) != 3 || !dl.Deadlines[1].Overdue {
		t.Errorf("-o json: got %s (%v), want the three open deadlines, the second overdue", stdout, err)
	}
	code, stdout, stderr = cliRun(t, context.Background(), newDeadlinesCmdWith, incidentEnv{}, "-o", "yaml", "--server", url)
	var doc struct {
		Deadlines []map[string]any `yaml:"deadlines"`
	}
	if err := yaml.Unmarshal([]byte(stdout), &doc); code != 0 || err != nil || len(doc.Deadlines) != 3 {
		t.Errorf("-o yaml: got exit %d, %v, %q; want the three open deadlines as YAML", code, err, stdout)
	}
	if code, _, stderr := cliRun(t, context.Background(), newDeadlinesCmdWith, incidentEnv{}, "-o", "xml", "--server", url); code != 2 || !strings.Contains(stderr, `-o "xml"`) {
		t.Errorf("-o xml: got exit %d %q, want 2 naming -o", code, stderr)
	}
	url, _, _ = deadlineAPI(t, nil)
	if _, stdout, _ := cliRun(t, context.Background(), newDeadlinesCmdWith, incidentEnv{}, "--server", url); stdout != "no open obligations\n" {
		t.Errorf("nothing open: got %q", stdout)
	}
}

func TestReportFileAndServerDraft(t *testing.T) {
	url, filings, paths := deadlineAPI(t, sampleDeadlines())
	copyPath := filepath.Join(t.TempDir(), "copy.pdf")
	if err := os.WriteFile(copyPath, []byte("the filed copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("the filed copy"))
	code, stdout, stderr := cliRun(t, context.Background(), newReportCmdWith, incidentEnv{},
		"file", "INC-2", "--jurisdiction", "US-CA", "--reference", "AG-7", "--copy", copyPath, "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := []web.FilingRequest{{Reference: "AG-7", CopySHA256: hex.EncodeToString(sum[:])}}
	if diff := cmp.Diff(want, *filings); diff != "" {
		t.Errorf("filing request (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(stdout, "filed US-CA individuals of INC-2 at 2026-11-21T09:00:00Z by jane, reference AG-7, copy sha256 "+want[0].CopySHA256) {
		t.Errorf("stdout: got %q", stdout)
	}

	out := filepath.Join(t.TempDir(), "d.md")
	code, _, stderr = cliRun(t, context.Background(), newReportCmdWith, incidentEnv{},
		"draft", "INC-2", "--jurisdiction", "US-CA", "--format", "md", "--out", out, "--server", url)
	if b, _ := os.ReadFile(out); code != 0 || string(b) != "# draft md" {
		t.Errorf("draft against the server: exit %d %q, file %q; want 0 and the served draft", code, stderr, b)
	}
	if got := (*paths)[len(*paths)-1]; got != "GET /api/v1/incidents/INC-2/reports/US-CA?format=md" {
		t.Errorf("draft request: got %q", got)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no reference", []string{"file", "INC-2", "--jurisdiction", "US-CA"}, "--reference is required"},
		{"no jurisdiction", []string{"file", "INC-2", "--reference", "R"}, "--jurisdiction is required"},
		{"missing copy", []string{"file", "INC-2", "--jurisdiction", "US-CA", "--reference", "R", "--copy", "/nonexistent/x.pdf"}, "--copy"},
		{"offline flag with an id", []string{"draft", "INC-2", "--jurisdiction", "US-CA", "--inventory", "x.yaml"}, "--inventory is for offline drafts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := cliRun(t, context.Background(), newReportCmdWith, incidentEnv{}, append(tc.args, "--server", url)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d %q, want 2 with %q", code, stderr, tc.want)
			}
		})
	}
}

func TestWriteIncidentObligations(t *testing.T) {
	obs := sampleDeadlines()[1:]
	obs[2].Reference, obs[2].By = "BFDI-7", "jane"
	np := obligation.Obligation{Key: obligation.Key{Incident: "INC-1", Jurisdiction: "US-CA", Duty: obligation.DutyIndividuals},
		State: obligation.StateNotRequired, Reason: "the data were encrypted", Since: cliNow}
	obs = append(obs, np)
	var out strings.Builder
	if err := writeIncidentObligations(&out, obs, cliNow, true); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"JURISDICTION  DUTY         FILING      STATE         DUE                  NOTE\n" +
		"\033[31mEU-GDPR       regulator    EU-GDPR/FR  drafted       2026-11-21 06:00Z    OVERDUE 3h0m\033[0m\n" +
		"EU-GDPR       individuals  -           open          without undue delay  \n" +
		"EU-GDPR       regulator    EU-GDPR/DE  filed         2026-11-21 06:00Z    2026-11-21 09:00Z by jane: BFDI-7\n" +
		"US-CA         individuals  -           not_required  -                    the data were encrypted\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("obligations of one incident (-want +got):\n%s", diff)
	}
}
