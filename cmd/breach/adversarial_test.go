package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAdversarialAPI repeats, against a real `breach serve`, what a local
// attacker tried on the HTTP API: calls without a token, a detector's
// token used to approve or read, an approver naming someone else, a
// cross-origin request from a web page, a rebound Host, a request with no
// Content-Type. Each is refused with a clear answer, and the refused
// approval leaves an audit entry.
func TestAdversarialAPI(t *testing.T) {
	requireIntegration(t)
	inv, err := filepath.Abs("../../examples/seestar/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := newServeProc(t, t.TempDir(), "--inventory", inv)
	p.start()
	admin := readToken(t, filepath.Join(p.dataDir, "admin.token"))
	detector := createToken(t, p.dataDir, "det-1", "detector")
	approver := createToken(t, p.dataDir, "appr-1", "approver")
	base := "http://" + p.httpAddr
	doc, err := os.ReadFile("../../examples/seestar/incidents/01-exfiltration-orders.json")
	if err != nil {
		t.Fatal(err)
	}

	type call struct {
		name, method, path, token, ctype, body string
		hdr                                    map[string]string
		host                                   string
		want                                   int
		wantCode                               string
	}
	for _, c := range []call{
		{name: "list without a token", method: "GET", path: "/api/v1/incidents", want: 401, wantCode: "unauthorized"},
		{name: "export without a token", method: "GET", path: "/api/v1/incidents/INC-2026-0042/notices/export", want: 401},
		{name: "metrics without a token", method: "GET", path: "/metrics", want: 401},
		{name: "a forged token", method: "GET", path: "/api/v1/incidents", token: "brt_" + strings.Repeat("A", 43), want: 401},
		{name: "detector approves", method: "POST", path: "/api/v1/incidents/INC-2026-0042/approve", token: detector,
			ctype: "application/json", body: `{"reason": "x", "by": "the CISO"}`, want: 403, wantCode: "forbidden"},
		{name: "detector reads the ledger", method: "GET", path: "/api/v1/incidents/INC-2026-0042/notices/export", token: detector, want: 403},
		{name: "detector lists incidents", method: "GET", path: "/api/v1/incidents", token: detector, want: 403},
		{name: "approver publishes from a web page", method: "POST", path: "/api/v1/incidents/INC-2026-0042/approve", token: approver,
			ctype: "application/json", body: `{"reason": "x"}`, hdr: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, want: 403},
		{name: "rebound host", method: "GET", path: "/api/v1/incidents", token: admin, host: "evil.example:8080", want: 421},
		{name: "submit without a content type", method: "POST", path: "/api/v1/incidents", token: detector, body: string(doc), want: 415},
		{name: "approval without a reason", method: "POST", path: "/api/v1/incidents/INC-2026-0042/approve", token: approver,
			ctype: "application/json", body: `{"by": "someone else"}`, want: 400},
		{name: "detector submits", method: "POST", path: "/api/v1/incidents", token: detector, ctype: "application/json", body: string(doc), want: 202},
		{name: "health stays open", method: "GET", path: "/healthz", want: 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			for k, v := range c.hdr {
				req.Header.Set(k, v)
			}
			if c.host != "" {
				req.Host = c.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, c.want, body)
			}
			if c.wantCode != "" && !strings.Contains(string(body), `"code": "`+c.wantCode+`"`) {
				t.Errorf("body: got %s, want code %s", body, c.wantCode)
			}
			for _, secret := range []string{admin, detector, approver} {
				if strings.Contains(string(body), secret) {
					t.Errorf("the answer carries a token")
				}
			}
		})
	}
	// The detector's refused approval is on record.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, breachBinary(t), "audit", "list", "--data-dir", p.dataDir, "--action", "access.denied", "-o", "json").Output()
	if err != nil {
		t.Fatalf("audit list: %v", err)
	}
	if !strings.Contains(string(out), "det-1") {
		t.Errorf("audit: the detector's refused approval is not recorded:\n%s", out)
	}
	if out, err := exec.CommandContext(ctx, breachBinary(t), "audit", "verify", "--data-dir", p.dataDir).CombinedOutput(); err != nil {
		t.Errorf("audit verify: %v\n%s", err, out)
	}
}

func readToken(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// createToken makes a named token with `breach token create` on the
// service's data directory, as an operator on its machine would.
func createToken(t *testing.T, dataDir, name, role string) string {
	t.Helper()
	out, err := exec.Command(breachBinary(t), "token", "create", "--data-dir", dataDir, "--name", name, "--role", role).Output()
	if err != nil {
		t.Fatalf("token create %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}
