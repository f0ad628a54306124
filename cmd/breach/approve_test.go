package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
	"github.com/breach-notify/breach/web/client/clienttest"
	"github.com/breach-notify/breach/workflow"
)

// previewAssessment tells EU-GDPR's people, not US-TX's, and has a person
// in CN-PIPL that no obligation covers.
const previewAssessment = `{
  "schema": "breach.assessment/v1", "incident": "INC-2026-0042", "revision": 1,
  "assessed_at": "2026-11-20T10:00:00Z", "discovered_at": "2026-11-20T09:00:00Z",
  "title": "Order database copied by an intruder", "cause": "exfiltration", "risk": "high",
  "subjects": {"total": 4, "by_jurisdiction": {"EU-GDPR": 2, "US-TX": 1, "CN-PIPL": 1}, "without_contact": 1},
  "obligations": [
    {"jurisdiction": "EU-GDPR", "subjects": 2, "notify_regulator": true, "regulator": "lead supervisory authority",
     "notify_individuals": true, "individual_deadline_text": "without undue delay", "reasons": ["high risk"]},
    {"jurisdiction": "US-TX", "subjects": 1, "notify_regulator": false, "notify_individuals": false,
     "reasons": ["names with a data element", "no sensitive personal information was acquired"]}
  ]
}`

// approveRun runs "breach incident approve args..." against url with
// standard input in and stdin a terminal when tty.
func approveRun(t *testing.T, url string, tty bool, in string, args ...string) (int, string, string) {
	t.Helper()
	env := incidentEnv{
		getenv: func(k string) string {
			return map[string]string{envServer: url, envAPIToken: clienttest.Token}[k]
		},
		now:      func() time.Time { return cliNow },
		stdinTTY: func(io.Reader) bool { return tty },
	}
	root := &cobra.Command{Use: "breach", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(newIncidentCmdWith(env))
	var stdout, stderr bytes.Buffer
	code := runRoot(context.Background(), root, append([]string{"incident", "approve", "INC-2026-0042"}, args...), strings.NewReader(in), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestApproveConfirmation(t *testing.T) {
	const approved = "INC-2026-0042 revision 1 approved by alice at 2026-11-21 09:00 UTC\n"
	tests := []struct {
		name       string
		tty        bool
		in         string
		args       []string
		wantCode   int
		wantOut    []string // in stdout
		wantErr    []string // in stderr
		notInOut   string
		wantApprov bool
	}{
		{name: "terminal, confirmed", tty: true, in: "y\n", args: []string{"--reason", "counsel agreed"}, wantApprov: true,
			wantOut: []string{approved},
			wantErr: []string{"Approving INC-2026-0042 revision 1 (risk high)", "4 people affected: 2 to be told, 2 not told",
				"EU-GDPR       2       yes   the law requires telling them (without undue delay)",
				"US-TX         1       no    no duty to tell them: no sensitive personal information was acquired",
				"CN-PIPL       1       no    no breach-notification law of theirs covers this incident", "1 person has no usable contact",
				"GET /api/v1/incidents/{id}/plan", "Approve INC-2026-0042 revision 1 and start its campaign? [y/N]"}},
		{name: "terminal, yes in words", tty: true, in: "YES\n", args: []string{"--reason", "ok"}, wantApprov: true, wantOut: []string{approved}},
		{name: "terminal, refused", tty: true, in: "n\n", args: []string{"--reason", "ok"}, wantCode: 1,
			wantErr: []string{"INC-2026-0042 not approved: not confirmed"}},
		{name: "terminal, end of input", tty: true, in: "", args: []string{"--reason", "ok"}, wantCode: 1,
			wantErr: []string{"not confirmed"}},
		{name: "terminal, --yes asks nothing", tty: true, args: []string{"--reason", "ok", "--yes"}, wantApprov: true,
			wantOut: []string{approved}},
		{name: "not a terminal needs --yes", tty: false, in: "y\n", args: []string{"--reason", "ok"}, wantCode: 2,
			wantErr: []string{"standard input is not a terminal", "add --yes"}},
		{name: "not a terminal with --yes", tty: false, args: []string{"--reason", "ok", "-y"}, wantApprov: true,
			wantOut: []string{approved}},
		{name: "dry run shows and approves nothing", tty: false, args: []string{"--dry-run"},
			wantOut:  []string{"4 people affected: 2 to be told, 2 not told", "US-TX", "needs the service's GET /api/v1/incidents/{id}/plan"},
			notInOut: "approved by"},
		{name: "dry run on a terminal asks nothing", tty: true, in: "y\n", args: []string{"--dry-run", "--reason", "ok"},
			wantOut: []string{"Approving INC-2026-0042"}, notInOut: "approved by"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startAPI(t)
			code, stdout, stderr := approveRun(t, srv.URL, tc.tty, tc.in, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit: got %d, want %d; stdout %q stderr %q", code, tc.wantCode, stdout, stderr)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout: got %q, want it to contain %q", stdout, w)
				}
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr: got %q, want it to contain %q", stderr, w)
				}
			}
			if tc.notInOut != "" && strings.Contains(stdout, tc.notInOut) {
				t.Errorf("stdout: got %q, want no %q", stdout, tc.notInOut)
			}
			if got := len(srv.Approvals) == 1; got != tc.wantApprov {
				t.Errorf("approved: got %v (%+v), want %v", got, srv.Approvals, tc.wantApprov)
			}
		})
	}
}

// TestApproveBeyondResidence: a law that covers people who live elsewhere
// (establishment, processing location) tells them too.
func TestApproveBeyondResidence(t *testing.T) {
	tests := []struct {
		name     string
		covered  string // EU-GDPR's subjects
		wantOut  []string
		told     int
		notTold  int
		wantNote bool
	}{
		{name: "everyone", covered: "4", told: 4, notTold: 0,
			wantOut: []string{"US-TX         1       yes   told under EU-GDPR, which covers everyone affected"}},
		{name: "some", covered: "3", told: 2, notTold: 2, wantNote: true,
			wantOut: []string{"NOTE: EU-GDPR also covers 1 of the people who live elsewhere and tells them too: up to 1 of those counted as not told are told."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startAPI(t)
			srv.Assessments["INC-2026-0042"] = json.RawMessage(strings.Replace(previewAssessment,
				`{"jurisdiction": "EU-GDPR", "subjects": 2,`, `{"jurisdiction": "EU-GDPR", "subjects": `+tc.covered+`,`, 1))
			code, stdout, stderr := approveRun(t, srv.URL, false, "", "--dry-run")
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout: got %q, want it to contain %q", stdout, w)
				}
			}
			if got := strings.Contains(stdout, "NOTE:"); got != tc.wantNote {
				t.Errorf("note: got %v, want %v in %q", got, tc.wantNote, stdout)
			}
			code, stdout, _ = approveRun(t, srv.URL, false, "", "--dry-run", "--json")
			var pv preview
			if err := json.Unmarshal([]byte(stdout), &pv); code != 0 || err != nil || pv.Told != tc.told || pv.NotTold != tc.notTold {
				t.Errorf("--json: got exit %d, %v, told %d not told %d; want %d and %d", code, err, pv.Told, pv.NotTold, tc.told, tc.notTold)
			}
		})
	}
}

// TestApproveNotAssessed: an incident without an assessment is shown as
// such and not put to the question.
func TestApproveNotAssessed(t *testing.T) {
	srv := startAPI(t)
	delete(srv.Assessments, "INC-2026-0042")
	code, stdout, stderr := approveRun(t, srv.URL, true, "y\n", "--reason", "ok")
	if code != 1 || !strings.Contains(stderr, "is not assessed yet") || strings.Contains(stderr, "[y/N]") {
		t.Errorf("got exit %d, stdout %q, stderr %q; want 1, the incident shown as not assessed and no question", code, stdout, stderr)
	}
	if len(srv.Approvals) != 0 {
		t.Errorf("approvals: got %+v, want none", srv.Approvals)
	}
}

func TestApproveDryRunJSON(t *testing.T) {
	srv := startAPI(t)
	code, stdout, stderr := approveRun(t, srv.URL, false, "", "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got preview
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	want := []previewGroup{
		{Jurisdiction: "CN-PIPL", People: 1, Reason: "no breach-notification law of theirs covers this incident"},
		{Jurisdiction: "EU-GDPR", People: 2, Told: true, Reason: "the law requires telling them (without undue delay)"},
		{Jurisdiction: "US-TX", People: 1, Reason: "no duty to tell them: no sensitive personal information was acquired"},
	}
	if diff := cmp.Diff(want, got.Groups); diff != "" {
		t.Errorf("jurisdictions (-want +got):\n%s", diff)
	}
	if got.Told != 2 || got.NotTold != 2 || got.People != 4 || got.Plan != nil {
		t.Errorf("got told %d, not told %d of %d, plan %v; want 2, 2 of 4 and no plan", got.Told, got.NotTold, got.People, got.Plan)
	}
}

// TestApproveShowsPlan: a server with the plan endpoint has its plan
// shown in the preview.
func TestApproveShowsPlan(t *testing.T) {
	plan := client.Plan{Incident: "INC-2026-0042", Revision: 1,
		Preview: notify.Preview{People: 2, ByChannel: map[notify.Channel]int{notify.ChannelEmail: 1, notify.ChannelLetter: 1},
			ByLocale: map[string]int{"de": 1, "fr": 1}, ByJurisdiction: map[string]int{"EU-GDPR": 2}, Unreachable: 1, Stranded: 1,
			NoProvider: []notify.Channel{notify.ChannelLetter}, Untranslated: map[string]int{"fr": 1}, PushDevicesGone: 3},
		NotTold: []client.PlanGroup{{Jurisdiction: "US-TX", People: 1, Reason: "no duty"}},
	}
	srv := startAPI(t)
	srv.Plans["INC-2026-0042"] = plan
	code, stdout, stderr := approveRun(t, srv.URL, false, "", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, w := range []string{"Plan: 2 people told.", "  by channel:      email 1, letter 1", "  by locale:       de 1, fr 1",
		"not told: 1 person in US-TX: no duty", "unreachable: 1 person, 1 of them only for lack of a provider", "channels without a provider: letter",
		"1 person in fr would get the incident's text untranslated", "push devices skipped (reported gone): 3"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout: got %q, want it to contain %q", stdout, w)
		}
	}
	if strings.Contains(stdout, "needs the service's") {
		t.Errorf("stdout: got %q, want no note about a missing plan endpoint", stdout)
	}
}

// TestPreviewCountsMatchCampaign: on every example incident of every
// example organisation, the preview's counts are those the campaign's rule
// gives person by person (workflow.Addressees over the assessed people):
// exactly, unless a law covers some people who live elsewhere, when the
// campaign tells at most that many more.
func TestPreviewCountsMatchCampaign(t *testing.T) {
	invs, err := filepath.Glob("../../examples/*/inventory.yaml")
	if err != nil || len(invs) == 0 {
		t.Fatalf("no example organisations: %v", err)
	}
	for _, invPath := range invs {
		inv, err := inventory.Load(invPath)
		if err != nil {
			t.Fatal(err)
		}
		files, err := filepath.Glob(filepath.Join(filepath.Dir(invPath), "incidents", "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no example incidents beside %s: %v", invPath, err)
		}
		for _, f := range files {
			t.Run(filepath.Base(filepath.Dir(invPath))+"/"+filepath.Base(f), func(t *testing.T) {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				in, err := incident.Decode(raw)
				if err != nil {
					t.Fatal(err)
				}
				var people []assess.AffectedPerson
				a, err := assess.AssessEach(context.Background(), inv, in, cliNow, func(p *assess.AffectedPerson) error {
					people = append(people, assess.AffectedPerson{Jurisdiction: p.Jurisdiction, HIPAA: p.HIPAA, Also: slices.Clone(p.Also)})
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				to := workflow.NewAddressees(a, false)
				told := 0
				for i := range people {
					if to.Includes(&people[i]) {
						told++
					}
				}
				pv := previewOf(incidentReport{Incident: web.IncidentView{Incident: in}, Assessment: a})
				slack := 0
				for _, b := range pv.Beyond {
					slack += b.Elsewhere
				}
				if pv.People != len(people) || pv.Told+pv.NotTold != len(people) || told < pv.Told || told > pv.Told+slack {
					t.Errorf("preview: got %d told, %d not told of %d (up to %d more told); campaign rule: %d told of %d",
						pv.Told, pv.NotTold, pv.People, slack, told, len(people))
				}
			})
		}
	}
}

// TestApproveTwoPersonRule: with two approvals required, the first
// approver is told the approval is recorded and another approver must
// approve; the same approver again is refused with same_approver.
func TestApproveTwoPersonRule(t *testing.T) {
	srv := startAPI(t)
	srv.ApprovalsRequired = 2
	code, stdout, stderr := approveRun(t, srv.URL, false, "", "--reason", "counsel agreed", "--yes")
	if code != 0 || !strings.Contains(stdout, "1 of 2 approvals (alice); another approver must approve") {
		t.Fatalf("first approval: got exit %d, stdout %q, stderr %q; want 1 of 2 approvals, another approver must approve", code, stdout, stderr)
	}
	if strings.Contains(stderr, "follow the campaign") {
		t.Errorf("stderr %q points to a campaign that has not started", stderr)
	}
	code, stdout, stderr = approveRun(t, srv.URL, false, "", "--reason", "again", "--yes")
	if code != 1 || !strings.Contains(stderr, "needs the approval of another principal") {
		t.Errorf("same approver again: got exit %d, stdout %q, stderr %q; want exit 1 naming another principal", code, stdout, stderr)
	}
	if len(srv.Approvals) != 0 {
		t.Errorf("approvals: got %+v, want none yet", srv.Approvals)
	}
}
