package main

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
	"github.com/breach-notify/breach/web/client/clienttest"
)

func TestUnknownSubcommands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string // in stderr
		wantOut  string // in stdout
	}{
		{name: "mistyped incident subcommand", args: []string{"incident", "lst"}, wantCode: 2,
			wantErr: `unknown command "lst" for "breach incident"; did you mean list?`},
		{name: "mistyped subcommand with its flags", args: []string{"incident", "lst", "--server", "http://127.0.0.1:1", "-o", "json"}, wantCode: 2,
			wantErr: `did you mean list?`},
		{name: "mistyped top-level command", args: []string{"incidnt", "list"}, wantCode: 2,
			wantErr: `unknown command "incidnt" for "breach"; did you mean incident?`},
		{name: "mistyped notices subcommand", args: []string{"notices", "statsu", "INC-1"}, wantCode: 2,
			wantErr: `did you mean status?`},
		{name: "nothing like it", args: []string{"incident", "frobnicate"}, wantCode: 2,
			wantErr: `unknown command "frobnicate" for "breach incident" (see breach incident --help)`},
		{name: "shell completion of a partial word", args: []string{cobra.ShellCompRequestCmd, "incident", "l"}, wantCode: 0, wantOut: "list"},
		{name: "group alone prints its help", args: []string{"incident"}, wantCode: 0, wantOut: "Available Commands:"},
		{name: "help command", args: []string{"help", "incident"}, wantCode: 0, wantOut: "Available Commands:"},
		{name: "old notice render still runs", args: []string{"notice", "render", "--help"}, wantCode: 0, wantOut: "breach notice render [flags]"},
		{name: "notices render", args: []string{"notices", "render", "--help"}, wantCode: 0, wantOut: "breach notices render"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := breachCmd(t, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit: got %d, want %d; stdout %q stderr %q", code, tc.wantCode, stdout, stderr)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, tc.wantErr)
			}
			if !strings.Contains(stdout, tc.wantOut) {
				t.Errorf("stdout: got %q, want it to contain %q", stdout, tc.wantOut)
			}
			if tc.wantCode != 0 && stdout != "" {
				t.Errorf("stdout: got %q, want nothing (no help) on a mistake", stdout)
			}
		})
	}
	code, stdout, _ := breachCmd(t, "--help")
	if code != 0 || strings.Contains(stdout, "\n  notice ") {
		t.Errorf("breach --help: got exit %d and a listed `notice` command, want 0 and the old name hidden:\n%s", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/breach-notify/breach", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	info := func() buildInfo { return buildInfoOf(bi) }
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "version command", args: []string{"version"}, want: "breach v1.4.0 (revision 0123abcd, 2026-12-01T10:00:00Z, modified)\ngo1.26.0\n"},
		{name: "--version flag", args: []string{"--version"}, want: "breach v1.4.0 (revision 0123abcd, 2026-12-01T10:00:00Z, modified)\n"},
		{name: "json", args: []string{"version", "-o", "json"},
			want: "{\n  \"version\": \"v1.4.0\",\n  \"revision\": \"0123abcd\",\n  \"time\": \"2026-12-01T10:00:00Z\",\n  \"modified\": true,\n  \"go\": \"go1.26.0\"\n}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runRoot(context.Background(), newRootCmdWith(info), tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			if diff := cmp.Diff(tc.want, stdout.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
	if got := buildInfoOf(&debug.BuildInfo{GoVersion: "go1.26.0"}).String(); got != "(devel)" {
		t.Errorf("no module version: got %q, want (devel)", got)
	}
	// The binary under test reports some version.
	if code, stdout, _ := breachCmd(t, "version"); code != 0 || !strings.HasPrefix(stdout, "breach ") {
		t.Errorf("breach version: got exit %d, %q; want 0 and a line starting with breach", code, stdout)
	}
}

// startAPI runs the real API over clienttest's service, with the extra
// routes, and one submitted, assessed incident whose campaign has started.
func startAPI(t *testing.T, extra ...web.Route) *clienttest.Server {
	t.Helper()
	srv := clienttest.Start(t, extra...)
	c, err := client.New(client.Config{Server: srv.URL, Token: clienttest.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Submit(context.Background(), []byte(submitDoc)); err != nil {
		t.Fatal(err)
	}
	srv.Assessments["INC-2026-0042"] = json.RawMessage(previewAssessment)
	srv.Counts["INC-2026-0042"] = notify.Counts{notify.ChannelEmail: {notify.StateSent: 1}}
	return srv
}

func TestReadCommandsOutput(t *testing.T) {
	srv := startAPI(t)
	env := map[string]string{envServer: srv.URL, envAPIToken: clienttest.Token}
	commands := []struct {
		name string
		args []string
		// want is a field of the document printed, by JSON path.
		wantKey string
	}{
		{name: "incident list", args: []string{"incident", "list"}, wantKey: "incidents"},
		{name: "incident show", args: []string{"incident", "show", "INC-2026-0042"}, wantKey: "assessment"},
		{name: "notices status", args: []string{"notices", "status", "INC-2026-0042"}, wantKey: "totals"},
		{name: "deadlines", args: []string{"deadlines"}, wantKey: "generated_at"},
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			run := func(extra ...string) (int, string, string) {
				mk := map[string]func(incidentEnv) *cobra.Command{"incident": newIncidentCmdWith, "notices": newNoticesCmdWith,
					"deadlines": newDeadlinesCmdWith}[c.args[0]]
				return cliRun(t, context.Background(), mk, envWith(env), append(c.args[1:], extra...)...)
			}
			var docs []map[string]any
			for _, flags := range [][]string{{"-o", "json"}, {"--json"}, {"--output", "json"}} {
				code, stdout, stderr := run(flags...)
				if code != 0 {
					t.Fatalf("%v: exit %d, stderr %q", flags, code, stderr)
				}
				var doc map[string]any
				if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
					t.Fatalf("%v: output is not JSON: %v\n%s", flags, err, stdout)
				}
				docs = append(docs, doc)
			}
			code, stdout, stderr := run("-o", "yaml")
			if code != 0 {
				t.Fatalf("-o yaml: exit %d, stderr %q", code, stderr)
			}
			var doc map[string]any
			if err := yaml.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("-o yaml: output is not YAML: %v\n%s", err, stdout)
			}
			if _, ok := doc[c.wantKey]; !ok {
				t.Errorf("-o yaml: got keys %v, want %q", keys(doc), c.wantKey)
			}
			if c.args[0] != "deadlines" && !strings.Contains(stdout, "INC-2026-0042") {
				t.Errorf("-o yaml: got %q, want the incident id", stdout)
			}
			for i, d := range docs {
				if diff := cmp.Diff(docs[0], d); diff != "" {
					t.Errorf("JSON spelling %d differs from -o json (-first +this):\n%s", i, diff)
				}
			}
			if code, stdout, _ := run(); code != 0 || strings.HasPrefix(strings.TrimSpace(stdout), "{") {
				t.Errorf("default: got exit %d and %.40q, want 0 and a table", code, stdout)
			}
			for _, bad := range [][]string{{"-o", "xml"}, {"--json", "-o", "yaml"}} {
				if code, _, stderr := run(bad...); code != 2 {
					t.Errorf("%v: got exit %d (%q), want 2", bad, code, stderr)
				}
			}
		})
	}
}

// TestShowAssessmentFailed: an incident the service could not assess says
// why, in the table and in JSON, and approving it says why it cannot be.
func TestShowAssessmentFailed(t *testing.T) {
	srv := startAPI(t)
	delete(srv.Assessments, "INC-2026-0042")
	srv.Failures["INC-2026-0042"] = `system "order" is not in the inventory`
	env := envWith(map[string]string{envServer: srv.URL, envAPIToken: clienttest.Token})
	code, stdout, stderr := cliRun(t, context.Background(), newIncidentCmdWith, env, "show", "INC-2026-0042")
	want := "\nAssessment: FAILED: incident INC-2026-0042 could not be assessed: system \"order\" is not in the inventory; send a corrected revision\n"
	if code != 0 || !strings.HasSuffix(stdout, want) {
		t.Errorf("show: got exit %d, stdout ending %q, stderr %q; want 0 and %q", code, stdout[max(0, len(stdout)-120):], stderr, want)
	}
	code, stdout, _ = cliRun(t, context.Background(), newIncidentCmdWith, env, "show", "INC-2026-0042", "-o", "json")
	var doc incidentReport
	if err := json.Unmarshal([]byte(stdout), &doc); code != 0 || err != nil || !strings.Contains(doc.AssessmentError, `system "order"`) || doc.Assessment != nil {
		t.Errorf("show -o json: got exit %d, %v, %+v; want the reason in assessment_error and no assessment", code, err, doc)
	}
	code, _, stderr = approveRun(t, srv.URL, true, "y\n", "--reason", "ok")
	if code != 1 || !strings.Contains(stderr, `cannot be approved: incident INC-2026-0042 could not be assessed: system "order"`) {
		t.Errorf("approve: got exit %d, stderr %q; want 1 and the reason", code, stderr)
	}
}

// TestShowObligations: incident show ends with the duties the service
// tracks, and -o json carries them.
func TestShowObligations(t *testing.T) {
	srv := startAPI(t)
	due := cliNow.Add(48 * time.Hour)
	srv.Duties["INC-2026-0042"] = []obligation.Obligation{{Key: obligation.Key{Incident: "INC-2026-0042", Jurisdiction: "EU-GDPR", Duty: obligation.DutyRegulator}, State: obligation.StateOpen, Due: &due, Required: true}}
	env := envWith(map[string]string{envServer: srv.URL, envAPIToken: clienttest.Token})
	code, stdout, stderr := cliRun(t, context.Background(), newIncidentCmdWith, env, "show", "INC-2026-0042")
	if code != 0 || !strings.Contains(stdout, "\nObligations\n-----------\n") || !strings.Contains(stdout, "EU-GDPR") || !strings.Contains(stdout, "2d0h0m left") {
		t.Errorf("show: got exit %d, stdout %q, stderr %q; want the obligations section with EU-GDPR due in 2d0h0m", code, stdout, stderr)
	}
	code, stdout, _ = cliRun(t, context.Background(), newIncidentCmdWith, env, "show", "INC-2026-0042", "-o", "json")
	var doc incidentReport
	if err := json.Unmarshal([]byte(stdout), &doc); code != 0 || err != nil || len(doc.Obligations) != 1 || doc.Obligations[0].Jurisdiction != "EU-GDPR" {
		t.Errorf("show -o json: got exit %d, %v, obligations %+v; want the EU-GDPR duty", code, err, doc.Obligations)
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestSubmitPositional(t *testing.T) {
	natsURL, st := startNATS(t)
	file := writeFile(t, "incident.json", submitDoc)
	code, stdout, stderr := runIncident(t, map[string]string{envNATSURL: natsURL}, "", "submit", file)
	if code != 0 || stdout != "INC-2026-0042\n" {
		t.Fatalf("submit FILE: got exit %d, stdout %q, stderr %q; want 0 and the id", code, stdout, stderr)
	}
	if msgs := streamMessages(t, st); len(msgs) != 1 || !strings.HasPrefix(msgs[0].MsgID, "INC-2026-0042/1/") {
		t.Errorf("stream: got %+v, want the one incident", msgs)
	}
	code, _, stderr = runIncident(t, map[string]string{envNATSURL: natsURL}, "", "submit", file, "-f", file)
	if code != 2 || !strings.Contains(stderr, "not both") {
		t.Errorf("FILE and -f: got exit %d, stderr %q; want 2 and \"not both\"", code, stderr)
	}
	code, _, stderr = runIncident(t, map[string]string{envNATSURL: natsURL}, "", "submit", file, file)
	if code != 2 || !strings.Contains(stderr, "accepts at most 1 arg") {
		t.Errorf("two files: got exit %d, stderr %q; want 2", code, stderr)
	}
}

// TestSubmitOverHTTP: with --server the document goes through the API,
// whose warnings are shown.
func TestSubmitOverHTTP(t *testing.T) {
	srv := clienttest.Start(t)
	srv.Systems = []string{"orders-db"}
	env := map[string]string{envAPIToken: clienttest.Token}
	code, stdout, stderr := runIncident(t, env, strings.Replace(submitDoc, `"orders-db"`, `"order"`, 1), "submit", "-", "--server", srv.URL)
	if code != 0 || stdout != "INC-2026-0042\n" {
		t.Fatalf("got exit %d, stdout %q, stderr %q; want 0 and the id", code, stdout, stderr)
	}
	if want := `breach: warning: affected[0].system: "order" is not a system of the inventory`; !strings.Contains(stderr, want) {
		t.Errorf("stderr: got %q, want %q", stderr, want)
	}
	if len(srv.Published) != 1 || srv.Published[0].Affected[0].System != "order" {
		t.Errorf("published: got %+v, want the one incident", srv.Published)
	}
	code, stdout, stderr = runIncident(t, env, submitDocNoID, "submit", "-", "--server", srv.URL)
	if code != 0 || !strings.HasPrefix(stdout, "INC-") || !strings.Contains(stderr, "had no id and was given "+strings.TrimSpace(stdout)) {
		t.Errorf("no id: got exit %d, stdout %q, stderr %q; want 0, the id given and a note", code, stdout, stderr)
	}
	code, stdout, _ = runIncident(t, env, submitDoc, "submit", "-", "--server", srv.URL)
	if code != 0 || stdout != "INC-2026-0042 duplicate\n" {
		t.Errorf("again: got exit %d, stdout %q; want 0 and a duplicate", code, stdout)
	}
	code, _, stderr = runIncident(t, map[string]string{envAPIToken: "wrong"}, submitDoc, "submit", "-", "--server", srv.URL)
	if code != 1 || !strings.Contains(stderr, "breach: ") {
		t.Errorf("wrong token: got exit %d, stderr %q; want 1", code, stderr)
	}
}

func TestCounted(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want string
	}{
		{name: "none", n: 0, want: "0 categories"},
		{name: "one", n: 1, want: "1 category"},
		{name: "many", n: 7, want: "7 categories"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := counted(tc.n, "category", "categories"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := hasHave(1) + " / " + hasHave(2); got != "1 person has / 2 people have" {
		t.Errorf("hasHave: got %q", got)
	}
}
