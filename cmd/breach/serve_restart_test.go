package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

func requireIntegration(t *testing.T) {
	t.Helper()
	if os.Getenv("BREACH_TEST_INTEGRATION") == "" {
		t.Skipf("set BREACH_TEST_INTEGRATION=1 to run the tests that start `breach serve` (make test-integration)")
	}
}

func restartID(i int) string { return fmt.Sprintf("INC-RESTART-%04d", i) }

func incidentDoc(i int) []byte {
	return fmt.Appendf(nil, `{"schema":"breach.incident/v1","id":%q,"title":"Restart test %d",
"discovered_at":"2026-11-20T09:00:00Z","cause":"exfiltration","malicious":true,
"effects":{"confidentiality":"unknown_recipients"},"affected":[{"system":"orders-db"}]}`, restartID(i), i)
}

// publishRestartIncidents publishes n incidents to p's embedded NATS with
// their Nats-Msg-Id and waits until JetStream has acknowledged every one.
func publishRestartIncidents(t *testing.T, ctx context.Context, p *serveProc, n int) {
	t.Helper()
	docs := make([][]byte, n)
	ids := make([]string, n)
	for i := range n {
		docs[i], ids[i] = incidentDoc(i), restartID(i)+"/1"
	}
	if err := publishAll(ctx, p.detector(t), "breach.incident.submit", docs, ids); err != nil {
		t.Fatal(err)
	}
}

// interruptMidIntake waits until intake has stored at least one of the n
// incidents, then interrupts p with stop. It fails the test when intake
// was already done, since then nothing was interrupted.
func interruptMidIntake(t *testing.T, ctx context.Context, p *serveProc, n int, stop func()) float64 {
	t.Helper()
	stored, err := p.waitMetric(ctx, "breach_incidents_stored_total", func(v float64) bool { return v > 0 })
	if err != nil {
		t.Fatalf("waiting for intake to store something: %v\n%s", err, p.logs)
	}
	stop()
	if stored >= float64(n) {
		t.Fatalf("intake had stored all %d incidents before the interruption; the test exercised nothing", n)
	}
	return stored
}

// waitAllStored polls p until it lists n incidents and returns how long
// that took.
func waitAllStored(t *testing.T, ctx context.Context, p *serveProc, n int) time.Duration {
	t.Helper()
	began := time.Now()
	for {
		seen, err := p.listIncidents(ctx)
		if err == nil && len(seen) >= n {
			return time.Since(began)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after restart got %d incidents, want %d (last error %v)\n%s", len(seen), n, err, p.logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// checkStoredOnce checks that p holds exactly the incidents 0..n-1, each
// with exactly one stored revision, and, once nothing is left for the
// intake consumer, one "received" event each and nothing in DEADLETTER.
func checkStoredOnce(t *testing.T, ctx context.Context, p *serveProc, n int) {
	t.Helper()
	seen, err := p.listIncidents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Errorf("listed %d incidents, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("incident %s listed %d times, want once", id, c)
		}
	}
	for i := range n {
		if seen[restartID(i)] == 0 {
			t.Errorf("incident %s is missing", restartID(i))
		}
	}

	// Every incident has exactly one stored revision (8 readers at once).
	var mu sync.Mutex
	bad := map[string]string{}
	ids := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for id := range ids {
				var view struct {
					Revisions []struct{ Revision int } `json:"revisions"`
				}
				err := p.getJSON(ctx, "/api/v1/incidents/"+id, &view)
				var problem string
				switch {
				case err != nil:
					problem = err.Error()
				case len(view.Revisions) != 1 || view.Revisions[0].Revision != 1:
					problem = fmt.Sprintf("revisions %+v, want exactly revision 1", view.Revisions)
				}
				if problem != "" {
					mu.Lock()
					bad[id] = problem
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		ids <- restartID(i)
	}
	close(ids)
	wg.Wait()
	if len(bad) > 0 {
		t.Errorf("%d incidents are not stored as exactly one revision, e.g. %v", len(bad), firstEntries(bad, 3))
	}

	// Wait until everything delivered is acknowledged. An incident stored
	// just before a SIGKILL may have had no "received" event yet: it gets
	// one when its message is redelivered, up to the ack wait later.
	began := time.Now()
	lag, err := p.waitMetric(ctx, "breach_intake_consumer_lag", func(v float64) bool { return v == 0 })
	if err != nil {
		t.Errorf("intake consumer lag: got %v, want 0 (%v)", lag, err)
	}
	t.Logf("intake consumer lag 0 after %s", time.Since(began).Round(time.Millisecond))
	js := p.jetStream(t)
	received, err := subjectCounts(ctx, js, "EVENTS", "breach.event.*.received")
	if err != nil {
		t.Fatal(err)
	}
	if len(received) != n {
		t.Errorf("EVENTS holds \"received\" events for %d incidents, want %d", len(received), n)
	}
	for subj, c := range received {
		if c != 1 {
			t.Errorf("%s: got %d events, want 1", subj, c)
		}
	}
	if dl, err := streamCount(ctx, js, "DEADLETTER"); err != nil || dl != 0 {
		t.Errorf("DEADLETTER: got %d messages (%v), want 0", dl, err)
	}
}

// restartedWork reads the restarted process's metrics and checks that it
// stored something: otherwise the interruption came after intake was done
// and the test proved nothing.
func restartedWork(t *testing.T, ctx context.Context, p *serveProc) map[string]float64 {
	t.Helper()
	m, err := p.metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m["breach_incidents_stored_total"] == 0 {
		t.Errorf("the restarted process stored nothing new: intake had finished before the interruption")
	}
	return m
}

func firstEntries(m map[string]string, n int) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if len(out) == n {
			break
		}
		out[k] = v
	}
	return out
}

// TestRestartAfterSIGKILL publishes 1,000 incidents to a real `breach serve`,
// kills it with SIGKILL while intake is working through them, restarts it
// on the same data directory and checks every incident is stored exactly
// once.
//
// Messages the killed process had pulled but not acknowledged are
// redelivered only after the consumer's ack wait (30 s), so the restart can
// take that long to finish.
func TestRestartAfterSIGKILL(t *testing.T) {
	requireIntegration(t)
	const n = 1000
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p := newServeProc(t, t.TempDir())
	p.start()
	publishRestartIncidents(t, ctx, p, n)
	stored := interruptMidIntake(t, ctx, p, n, p.kill)
	t.Logf("SIGKILL with %v of %d stored", stored, n)

	p2 := newServeProc(t, p.dataDir)
	ready := p2.start()
	took := waitAllStored(t, ctx, p2, n)
	checkStoredOnce(t, ctx, p2, n)
	m := restartedWork(t, ctx, p2)
	t.Logf("restart: ready in %s, all %d stored %s after ready; this run stored %v, replays %v", ready.Round(time.Millisecond),
		n, took.Round(time.Millisecond), m["breach_incidents_stored_total"], m["breach_incidents_duplicate_total"])
	if took, err := p2.stop(30 * time.Second); err != nil {
		t.Errorf("clean stop after restart: %v", err)
	} else {
		t.Logf("stopped in %s", took.Round(time.Millisecond))
	}
}

// TestStopOnSIGTERM sends SIGTERM to `breach serve` while intake is working
// through 1,000 incidents: the process must exit 0 within 10 s, having
// acknowledged what it stored, and a restart must store the rest, losing
// and repeating nothing. The restarted process is then stopped while a
// client holds an HTTP connection that has sent nothing, which must not
// hold the exit past 10 s either.
func TestStopOnSIGTERM(t *testing.T) {
	requireIntegration(t)
	const n = 1000
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p := newServeProc(t, t.TempDir())
	p.start()
	publishRestartIncidents(t, ctx, p, n)
	var took time.Duration
	var stopErr error
	stored := interruptMidIntake(t, ctx, p, n, func() { took, stopErr = p.stop(10 * time.Second) })
	if stopErr != nil {
		t.Fatalf("SIGTERM with %v of %d stored: %v", stored, n, stopErr)
	}
	t.Logf("SIGTERM with %v of %d stored: exited 0 in %s", stored, n, took.Round(time.Millisecond))

	p2 := newServeProc(t, p.dataDir)
	ready := p2.start()
	all := waitAllStored(t, ctx, p2, n)
	checkStoredOnce(t, ctx, p2, n)
	m := restartedWork(t, ctx, p2)
	t.Logf("restart: ready in %s, all %d stored %s after ready; this run stored %v", ready.Round(time.Millisecond),
		n, all.Round(time.Millisecond), m["breach_incidents_stored_total"])
	// A clean stop acknowledges everything it stored: nothing comes back.
	if got := m["breach_incidents_duplicate_total"]; got != 0 {
		t.Errorf("replays after a clean stop: got %v, want 0 (a stored incident was not acknowledged)", got)
	}

	// A client (a load balancer, say) holding an open connection that has
	// not sent a request yet must not keep the process from exiting in time.
	conn, err := net.DialTimeout("tcp", p2.httpAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(50 * time.Millisecond) // let the server accept it
	took, err = p2.stop(10 * time.Second)
	if err != nil {
		t.Errorf("stop with an idle client connection open: %v", err)
	}
	t.Logf("with an idle client connection open, exited 0 in %s", took.Round(time.Millisecond))
}

// BenchmarkServeStartup measures the time from exec to a ready /readyz on
// an empty data directory (ms/ready), and from SIGTERM to exit (ms/stop).
func BenchmarkServeStartup(b *testing.B) {
	breachBinary(b) // build outside the timed loop
	var ready, stop time.Duration
	runs := 0
	for b.Loop() {
		p := newServeProc(b, b.TempDir())
		ready += p.start()
		runs++
		took, err := p.stop(30 * time.Second)
		if err != nil {
			b.Fatal(err)
		}
		stop += took
	}
	b.ReportMetric(float64(ready.Microseconds())/1e3/float64(runs), "ms/ready")
	b.ReportMetric(float64(stop.Microseconds())/1e3/float64(runs), "ms/stop")
}
