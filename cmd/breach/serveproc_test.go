package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/internal/natsbus"
)

// This file runs `breach serve` as a real subprocess for the crash, stop,
// start-up and intake tests.

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// breachBinary builds cmd/breach once per test run; TestMain removes it.
func breachBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "breach-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "breach")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer is a bytes.Buffer the process's output can be copied into
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// httpClient bounds every request the tests make, so a hung server fails the
// test instead of hanging it.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// serveProc is one running `breach serve`.
type serveProc struct {
	t        testing.TB
	cmd      *exec.Cmd
	dataDir  string
	httpAddr string
	natsAddr string
	extra    []string
	// env holds BREACH_* settings for the process. Inherited BREACH_*
	// variables are dropped, so a developer's own settings (BREACH_NATS_URL,
	// say) cannot point a test at another server.
	env  []string
	logs *syncBuffer
	done chan struct{}
}

func newServeProc(t testing.TB, dataDir string, extra ...string) *serveProc {
	return &serveProc{t: t, dataDir: dataDir, httpAddr: freePort(t), natsAddr: freePort(t), extra: extra}
}

// processEnv is the test's environment without BREACH_* variables, plus
// extra.
func processEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BREACH_") {
			env = append(env, kv)
		}
	}
	return append(append(env, "BREACH_LOG_LEVEL=info", "BREACH_PUBLIC_ADDR=127.0.0.1:0"), extra...)
}

// start launches the process and waits until /readyz answers 200. It
// returns the time from exec to ready.
func (p *serveProc) start() time.Duration {
	p.t.Helper()
	args := append([]string{"serve", "--data-dir", p.dataDir, "--http-addr", p.httpAddr, "--nats-listen", p.natsAddr, "--log-format", "json"}, p.extra...)
	p.cmd = exec.Command(breachBinary(p.t), args...)
	p.logs = &syncBuffer{}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	p.cmd.Env = processEnv(p.env...)
	began := time.Now()
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	done := make(chan struct{})
	p.done = done
	cmd := p.cmd
	go func() { _ = cmd.Wait(); close(done) }()
	p.t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			p.t.Fatalf("breach serve exited early (%v):\n%s", cmd.ProcessState, p.logs)
		default:
		}
		resp, err := httpClient.Get("http://" + p.httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(began)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatalf("breach serve not ready after 60s:\n%s", p.logs)
	return 0
}

// kill sends SIGKILL and waits for the process to go.
func (p *serveProc) kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends SIGTERM and waits up to within for the process to exit with
// status 0. It returns how long the exit took.
//
// It first closes the test client's idle keep-alive connections: the HTTP
// transport sometimes dials a spare connection that never carries a
// request, and net/http's Server.Shutdown waits up to 5 s for such a
// connection before treating it as idle. TestStopOnSIGTERM measures that
// case on purpose.
func (p *serveProc) stop(within time.Duration) (time.Duration, error) {
	httpClient.CloseIdleConnections()
	began := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	select {
	case <-p.done:
		took := time.Since(began)
		if st := p.cmd.ProcessState; st != nil && !st.Success() {
			return took, fmt.Errorf("exit status %v after %s:\n%s", st, took, p.logs)
		}
		return took, nil
	case <-time.After(within):
		return within, fmt.Errorf("breach serve did not exit within %s of SIGTERM:\n%s", within, p.logs)
	}
}

func (p *serveProc) natsURL() string { return "nats://" + p.natsAddr }

// request is a GET of the process's API with the admin token its first
// start wrote into the data directory.
func (p *serveProc) request(ctx context.Context, path string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.httpAddr+path, nil)
	if err != nil {
		return nil, err
	}
	if tok, err := os.ReadFile(filepath.Join(p.dataDir, "admin.token")); err == nil {
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	}
	return req, nil
}

// jetStream connects to the process's NATS server for the rest of the test.
// creds is the path of the credential file of role the process wrote.
func (p *serveProc) creds(role string) string {
	return natsbus.CredsPath(filepath.Join(p.dataDir, "nats"), role)
}

// jetStream connects to the process's NATS server as the operator, which
// reads the streams' state and dead letters, for the rest of the test.
func (p *serveProc) jetStream(t testing.TB) jetstream.JetStream {
	t.Helper()
	return connectJetStreamCreds(t, p.natsURL(), p.creds(natsbus.RoleOperator))
}

// detector connects to the process's NATS server with the detector
// credential, as a detector publishing incidents does.
func (p *serveProc) detector(t testing.TB) jetstream.JetStream {
	t.Helper()
	return connectJetStreamCreds(t, p.natsURL(), p.creds(natsbus.RoleDetector))
}

func connectJetStream(t testing.TB, url string) jetstream.JetStream {
	t.Helper()
	return connectJetStreamCreds(t, url, "")
}

// connectJetStreamCreds connects with a credential file (none when ""),
// on the inbox prefix it allows.
func connectJetStreamCreds(t testing.TB, url, creds string) jetstream.JetStream {
	t.Helper()
	opts := []nats.Option{nats.Name("breach-test"), nats.MaxReconnects(-1)}
	if creds != "" {
		prefix, err := natsbus.CredsInboxPrefix(creds)
		if err != nil {
			t.Fatalf("credential %s: %v", creds, err)
		}
		if prefix != "" {
			opts = append(opts, nats.CustomInboxPrefix(prefix))
		}
		opts = append(opts, nats.UserCredentials(creds))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		t.Fatalf("connect to NATS: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// getJSON reads one API resource into v.
func (p *serveProc) getJSON(ctx context.Context, path string, v any) error {
	req, err := p.request(ctx, path)
	if err != nil {
		return err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// listIncidents pages through GET /api/v1/incidents and counts how often
// each id is listed.
func (p *serveProc) listIncidents(ctx context.Context) (map[string]int, error) {
	seen := map[string]int{}
	cursor := ""
	for {
		var page struct {
			Incidents []struct {
				ID       string `json:"id"`
				Revision int    `json:"revision"`
			} `json:"incidents"`
			NextCursor string `json:"next_cursor"`
		}
		if err := p.getJSON(ctx, "/api/v1/incidents?limit=500&cursor="+url.QueryEscape(cursor), &page); err != nil {
			return nil, err
		}
		for _, in := range page.Incidents {
			seen[in.ID]++
		}
		if page.NextCursor == "" {
			return seen, nil
		}
		cursor = page.NextCursor
	}
}

// metrics reads /metrics and returns the value of every series without
// labels.
func (p *serveProc) metrics(ctx context.Context) (map[string]float64, error) {
	req, err := p.request(ctx, "/metrics")
	if err != nil {
		return nil, err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.Contains(line, "{") {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}

// metric reads one series without labels.
func (p *serveProc) metric(ctx context.Context, name string) (float64, error) {
	m, err := p.metrics(ctx)
	if err != nil {
		return 0, err
	}
	v, ok := m[name]
	if !ok {
		return 0, fmt.Errorf("/metrics has no series %s", name)
	}
	return v, nil
}

// waitMetric polls a series until cond holds or ctx ends, and returns the
// last value read.
func (p *serveProc) waitMetric(ctx context.Context, name string, cond func(float64) bool) (float64, error) {
	var v float64
	var err error
	for {
		v, err = p.metric(ctx, name)
		if err == nil && cond(v) {
			return v, nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = ctx.Err()
			}
			return v, fmt.Errorf("%s: last value %v: %w", name, v, err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// publishAll publishes docs to subject with the given message ids (none
// when ids is nil) and waits for every acknowledgement.
func publishAll(ctx context.Context, js jetstream.JetStream, subject string, docs [][]byte, ids []string) error {
	futures := make([]jetstream.PubAckFuture, 0, len(docs))
	for i, d := range docs {
		m := &nats.Msg{Subject: subject, Data: d, Header: nats.Header{}}
		if ids != nil {
			m.Header.Set(jetstream.MsgIDHeader, ids[i])
		}
		f, err := js.PublishMsgAsync(m)
		if err != nil {
			return fmt.Errorf("publish %d: %w", i, err)
		}
		futures = append(futures, f)
	}
	for i, f := range futures {
		select {
		case ack := <-f.Ok():
			if ack.Duplicate {
				return fmt.Errorf("publish %d: stored as a duplicate", i)
			}
		case err := <-f.Err():
			return fmt.Errorf("publish %d: %w", i, err)
		case <-ctx.Done():
			return errors.New("publish acknowledgements timed out")
		}
	}
	return nil
}

// readStream reads every message of a stream.
func readStream(ctx context.Context, js jetstream.JetStream, name string) ([]*jetstream.RawStreamMsg, error) {
	st, err := js.Stream(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("stream %s info: %w", name, err)
	}
	var out []*jetstream.RawStreamMsg
	if info.State.Msgs == 0 {
		return nil, nil
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("stream %s message %d: %w", name, seq, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// streamCount is how many messages a stream holds.
func streamCount(ctx context.Context, js jetstream.JetStream, name string) (uint64, error) {
	st, err := js.Stream(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("stream %s info: %w", name, err)
	}
	return info.State.Msgs, nil
}

// subjectCounts is how many messages a stream holds on each subject that
// matches filter.
func subjectCounts(ctx context.Context, js jetstream.JetStream, name, filter string) (map[string]uint64, error) {
	st, err := js.Stream(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", name, err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(filter))
	if err != nil {
		return nil, fmt.Errorf("stream %s info: %w", name, err)
	}
	return info.State.Subjects, nil
}
