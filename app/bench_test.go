package app

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/notify/queue"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/templates"
)

// benchSubjects is the directory size of BenchmarkCampaignPlan: 100,000 by
// default, BREACH_BENCH_SUBJECTS=1000000 for the million-person figure.
func benchSubjects(b *testing.B) int {
	if s := os.Getenv("BREACH_BENCH_SUBJECTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("BREACH_BENCH_SUBJECTS=%q is not a positive number", s)
		}
		return n
	}
	return 100_000
}

// peakHeap samples the heap in use until stop is called and returns the
// highest value seen.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// BenchmarkCampaignPlan measures planning + rendering + enqueueing: the
// affected people streamed from the directory, each person's channel plan,
// every notice rendered (its content hash recorded), a SQLite ledger row and
// a verification-index row per notice (as the service wraps its ledger) and
// one JetStream message per notice on the embedded server. It reports
// notices/s and the peak heap.
func BenchmarkCampaignPlan(b *testing.B) {
	n := benchSubjects(b)
	dir := b.TempDir()
	if _, err := inventory.Synth(inventory.SynthOptions{Subjects: n, Seed: 7, Out: dir}); err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "incident.json"))
	if err != nil {
		b.Fatal(err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	if len(in.Mitigation.Measures) == 0 {
		in.Mitigation.Measures = []string{"Closed the access path"}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "breach.db"), Log: logging.Discard()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// With BREACH_TEST_NATS_URL the notices go to that server, so the peak
	// heap measures this process alone (an embedded server caches the
	// stream's blocks in the same heap).
	def := config.Default().NATS // the service's defaults, dedup windows included
	opts := natsbus.Options{StoreDir: filepath.Join(dir, "nats"), DuplicateWindow: def.DuplicateWindow, NoticeDuplicateWindow: def.NoticeDuplicateWindow}
	if url := os.Getenv("BREACH_TEST_NATS_URL"); url != "" {
		suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
		opts = natsbus.Options{URL: url, Prefix: "bench" + suffix, Streams: natsbus.StreamNames{Incidents: "BI" + suffix,
			Notices: "BN" + suffix, Deadletter: "BD" + suffix, Events: "BE" + suffix}}
	}
	bus, err := natsbus.Start(ctx, opts, logging.Discard())
	if err != nil {
		b.Fatal(err)
	}
	defer bus.Close()
	if opts.URL != "" {
		defer func() {
			for _, name := range []string{opts.Streams.Incidents, opts.Streams.Notices, opts.Streams.Deadletter, opts.Streams.Events} {
				_ = bus.JetStream().DeleteStream(context.Background(), name)
			}
		}()
	}
	set, err := templates.New(templates.Options{})
	if err != nil {
		b.Fatal(err)
	}
	comp, err := compose.New(compose.Config{Templates: set, Inventory: inv, Secret: []byte("benchmark-notice-key-0123456789")},
		compose.IncidentsFunc(func(context.Context, string, int) (*incident.Incident, error) { return in, nil }))
	if err != nil {
		b.Fatal(err)
	}
	key := []byte("benchmark-notice-key-0123456789")
	tickets, err := notify.NewTickets(key)
	if err != nil {
		b.Fatal(err)
	}
	ledger := announce.IndexingLedger{Ledger: st.Ledger(), Secret: key}
	planner := &notify.Planner{Policy: notify.DefaultPolicy(), Ledger: ledger, Sink: queue.NewSink(bus, queue.WithTickets(tickets)), Render: comp}
	b.ResetTimer()
	var notices int
	var elapsed time.Duration
	var peak uint64
	for i := 0; b.Loop(); i++ {
		in.ID = "BENCH-" + strconv.Itoa(i)
		stop := peakHeap()
		began := time.Now()
		people := func(fn func(*notify.Recipient) error) error {
			var r notify.Recipient
			return assess.EachAffected(ctx, inv, in, func(p *assess.AffectedPerson) error {
				compose.Recipient(&r, p)
				return fn(&r)
			})
		}
		stats, err := planner.Run(ctx, notify.Campaign{IncidentID: in.ID, Revision: 1, Version: 1, HighRisk: true}, people)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(began)
		notices += stats.Notices
		peak = max(peak, stop())
	}
	b.ReportMetric(float64(notices)/elapsed.Seconds(), "notices/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(n), "subjects")
}
