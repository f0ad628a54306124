package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/web"
)

// TestServeReportFileShrinksDeadlines drives a real `breach serve` with
// the CLI: the example incident is assessed, its GDPR reports (one per
// member state: the Seestar store has no EU establishment) are among the
// deadlines, one is drafted and filed with that copy, and the
// deadlines no longer list it.
func TestServeReportFileShrinksDeadlines(t *testing.T) {
	requireIntegration(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	inv, _ := filepath.Abs("../../examples/seestar/inventory.yaml")
	file, _ := filepath.Abs("../../examples/seestar/incidents/01-exfiltration-orders.json")
	p := newServeProc(t, t.TempDir(), "--inventory", inv)
	p.start()
	t.Setenv("BREACH_DATA_DIR", p.dataDir)
	tok, err := os.ReadFile(filepath.Join(p.dataDir, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	env := envWith(map[string]string{envAPIToken: strings.TrimSpace(string(tok))})
	server := "http://" + p.httpAddr
	if _, errOut, code := serveCLI(t, "incident", "submit", "-f", file, "--nats-url", p.natsURL()); code != 0 {
		t.Fatalf("incident submit: exit %d, stderr %q", code, errOut)
	}
	const id = "INC-2026-0042"

	gdpr := func() []string {
		_, out, errOut := cliRun(t, ctx, newDeadlinesCmdWith, env, "-o", "json", "--server", server)
		var dl web.DeadlineList
		if err := json.Unmarshal([]byte(out), &dl); err != nil {
			t.Fatalf("deadlines -o json: %v (stderr %q)", err, errOut)
		}
		var out2 []string
		for _, d := range dl.Deadlines {
			if d.Incident == id && strings.HasPrefix(d.Filing, "EU-GDPR/") {
				out2 = append(out2, d.Filing)
			}
		}
		return out2
	}
	var filings []string
	for filings = gdpr(); len(filings) == 0; filings = gdpr() {
		if ctx.Err() != nil {
			t.Fatalf("no GDPR filing among the deadlines; server log:\n%s", p.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(filings) < 2 {
		t.Errorf("GDPR filings: got %v, want one per member state", filings)
	}

	draft := filepath.Join(t.TempDir(), "report.md")
	if _, errOut, code := serveCLI(t, "report", "draft", id, "--jurisdiction", "EU-GDPR", "--out", draft, "--server", server); code != 0 {
		t.Fatalf("report draft: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code := serveCLI(t, "report", "file", id, "--jurisdiction", "EU-GDPR", "--filing", filings[0],
		"--reference", "REF-2026-1", "--copy", draft, "--server", server)
	if code != 0 || !strings.Contains(out, "filed "+filings[0]+" of "+id) || !strings.Contains(out, "reference REF-2026-1, copy sha256 ") {
		t.Fatalf("report file: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	after := gdpr()
	for _, f := range after {
		if f == filings[0] {
			t.Errorf("deadlines after filing %s: still listed in %v", f, after)
		}
	}
	if len(after) != len(filings)-1 {
		t.Errorf("deadlines after filing: got %v, want %d GDPR filings", after, len(filings)-1)
	}
	if _, errOut, code := serveCLI(t, "report", "file", id, "--jurisdiction", "EU-GDPR", "--reference", "R", "--server", server); code == 0 ||
		!strings.Contains(errOut, "name the one filed") {
		t.Errorf("filing without --filing where there are several: exit %d, stderr %q", code, errOut)
	}
}
