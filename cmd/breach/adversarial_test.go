package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/internal/natsbus"
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

// TestAdversarialNATS repeats, against a real `breach serve`, what a local
// attacker tried on the embedded NATS: connecting without a credential;
// with the detector's credential reading the notice jobs, deleting a
// notice consumer through the JetStream API and queueing a forged notice
// job; with the operator's credential (or anyone who can publish on the
// queue) queueing a forged job. Each is refused: the detector may only
// publish incidents, and a forged job is never sent but dead-lettered,
// counted and recorded in the audit chain. An admin then sees it through
// the API (`breach deadletter list --server`), and the chain verifies with
// the service's key (`breach audit verify --server`).
func TestAdversarialNATS(t *testing.T) {
	requireIntegration(t)
	inv, err := filepath.Abs("../../examples/seestar/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := newServeProc(t, t.TempDir(), "--inventory", inv)
	p.start()
	admin := readToken(t, filepath.Join(p.dataDir, "admin.token"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	operator := p.jetStream(t)
	// A deleted or paused consumer makes /readyz fail naming it.
	ready := func() error {
		resp, err := http.Get("http://" + p.httpAddr + "/readyz")
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(string(body))
		}
		return nil
	}
	const consumer = "notify-email"

	t.Run("no credential cannot connect", func(t *testing.T) {
		nc, err := nats.Connect(p.natsURL(), nats.MaxReconnects(0), nats.Timeout(5*time.Second))
		if err == nil {
			nc.Close()
			t.Fatal("connected to the embedded NATS without a credential")
		}
		if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(strings.ToLower(err.Error()), "authorization") {
			t.Errorf("connect without a credential: got %v, want an authorization refusal", err)
		}
	})

	// The detector's connection, with every asynchronous refusal kept.
	refusals := make(chan error, 16)
	creds := p.creds(natsbus.RoleDetector)
	prefix, err := natsbus.CredsInboxPrefix(creds)
	if err != nil {
		t.Fatal(err)
	}
	opts := []nats.Option{nats.UserCredentials(creds), nats.MaxReconnects(0),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { refusals <- err })}
	if prefix != "" {
		opts = append(opts, nats.CustomInboxPrefix(prefix))
	}
	det, err := nats.Connect(p.natsURL(), opts...)
	if err != nil {
		t.Fatalf("detector connect: %v", err)
	}
	defer det.Close()
	detJS, err := jetstream.New(det)
	if err != nil {
		t.Fatal(err)
	}
	refused := func(t *testing.T, what string) {
		t.Helper()
		defer func() { // one refusal per attempt: drop repeats
			for len(refusals) > 0 {
				<-refusals
			}
		}()
		select {
		case err := <-refusals:
			if !strings.Contains(strings.ToLower(err.Error()), "permissions violation") {
				t.Errorf("%s: got %v, want a permissions violation", what, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: no refusal from the server", what)
		}
	}

	t.Run("detector publishes an incident", func(t *testing.T) {
		doc, err := os.ReadFile("../../examples/seestar/incidents/01-exfiltration-orders.json")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := detJS.Publish(ctx, "breach.incident.submit", doc); err != nil {
			t.Errorf("detector publish of an incident: %v", err)
		}
	})
	t.Run("detector cannot read notice jobs", func(t *testing.T) {
		sub, err := det.SubscribeSync("breach.notice.>")
		if err == nil {
			defer sub.Unsubscribe()
		}
		refused(t, "subscribe to breach.notice.>")
		sctx, scancel := context.WithTimeout(ctx, 3*time.Second)
		defer scancel()
		if _, err := detJS.Stream(sctx, natsbus.StreamNotices); err == nil {
			t.Errorf("the detector reads the NOTICES stream's description")
		}
		refused(t, "the NOTICES stream's description")
	})
	t.Run("detector cannot delete or pause a notice consumer", func(t *testing.T) {
		for _, api := range []string{"$JS.API.CONSUMER.DELETE.", "$JS.API.CONSUMER.PAUSE."} {
			rctx, rcancel := context.WithTimeout(ctx, 3*time.Second)
			_, err := det.RequestWithContext(rctx, api+natsbus.StreamNotices+"."+consumer, []byte(`{}`))
			rcancel()
			if err == nil {
				t.Errorf("%s answered the detector", api)
			}
			refused(t, api)
		}
		time.Sleep(time.Second)
		if err := ready(); err != nil {
			t.Errorf("after the detector's attempts the service is not ready: %v", err)
		}
	})
	t.Run("detector cannot queue a notice job", func(t *testing.T) {
		pctx, pcancel := context.WithTimeout(ctx, 3*time.Second)
		defer pcancel()
		if _, err := detJS.Publish(pctx, "breach.notice.email", []byte(`{"key":"notice/INC-X/u-1/email/v1","mac":"AAAA"}`)); err == nil {
			t.Errorf("the detector queued a notice job")
		}
		refused(t, "publish on breach.notice.email")
	})
	t.Run("a forged job is never sent, dead-lettered and audited", func(t *testing.T) {
		forged := []byte(`{"key":"notice/INC-2026-0042/u-attacker/email/v1","mac":"bm90IGEgbWFj"}`)
		if _, err := operator.Publish(ctx, "breach.notice.email", forged); err != nil {
			t.Fatalf("operator publish of a forged job: %v", err)
		}
		var out []byte
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			out, err = exec.CommandContext(ctx, breachBinary(t), "deadletter", "list", "--server", "http://"+p.httpAddr,
				"--token", admin, "--stage", "email", "--json").Output()
			if err == nil && strings.Contains(string(out), "forged") || time.Now().After(deadline) {
				break
			}
		}
		if err != nil || !strings.Contains(string(out), "forged") || strings.Contains(string(out), "u-attacker") {
			t.Fatalf("deadletter list --server: %v\n%s\nwant the forged job listed without its body\n%s", err, out, p.logs)
		}
		if strings.Contains(p.logs.String(), "u-attacker") {
			t.Errorf("the service logged the forged job's key")
		}
		var written []string
		filepath.WalkDir(filepath.Join(p.dataDir, "outbox"), func(path string, d os.DirEntry, err error) error {
			if info, ierr := os.Stat(path); err == nil && ierr == nil && d.Type().IsRegular() && info.Size() > 0 {
				written = append(written, path)
			}
			return nil
		})
		if len(written) != 0 {
			t.Errorf("outbox: got %v, want nothing written for a forged job", written)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			out, err = exec.CommandContext(ctx, breachBinary(t), "audit", "list", "--data-dir", p.dataDir, "--action", "notice.rejected", "-o", "json").Output()
			if err == nil && strings.Contains(string(out), "forged") || time.Now().After(deadline) {
				break
			}
		}
		if !strings.Contains(string(out), "forged") || !strings.Contains(string(out), "system:notify") || strings.Contains(string(out), "u-attacker") {
			t.Errorf("audit list: the forged job is not recorded by the system, or its key is quoted:\n%s", out)
		}
		if out, err := exec.CommandContext(ctx, breachBinary(t), "audit", "verify", "--server", "http://"+p.httpAddr, "--token", admin, "-o", "json").CombinedOutput(); err != nil ||
			!strings.Contains(string(out), `"macs_checked": true`) {
			t.Errorf("audit verify --server: %v\n%s", err, out)
		}
	})
}
