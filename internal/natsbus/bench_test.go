package natsbus

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// BenchmarkNoticeBacklog fills the embedded server's NOTICES stream with a
// campaign's worth of notices (BREACH_BENCH_NOTICES, 100,000 by default) of
// about 700 bytes, each with its own Nats-Msg-Id as queue.Sink publishes
// them, and reports the heap the process keeps for that backlog once the
// publishes are acknowledged. BREACH_BENCH_HEAPPROFILE=<file> writes a heap
// profile taken at that moment (go tool pprof -sample_index=inuse_space);
// BREACH_BENCH_NOTICE_WINDOW=10s sets Options.NoticeDuplicateWindow.
func BenchmarkNoticeBacklog(b *testing.B) {
	n := 100_000
	if s := os.Getenv("BREACH_BENCH_NOTICES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("BREACH_BENCH_NOTICES=%q is not a positive number", s)
		}
		n = v
	}
	var window time.Duration
	if s := os.Getenv("BREACH_BENCH_NOTICE_WINDOW"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			b.Fatalf("BREACH_BENCH_NOTICE_WINDOW=%q: %v", s, err)
		}
		window = d
	}
	body := []byte(`{"key":"` + strings.Repeat("k", 60) + `","body":"` + strings.Repeat("x", 560) + `"}`)
	ctx := context.Background()
	var held, peak uint64
	for i := 0; b.Loop(); i++ {
		stop := peakHeap()
		bus, err := Start(ctx, Options{StoreDir: b.TempDir(), NoticeDuplicateWindow: window}, quietLog())
		if err != nil {
			b.Fatal(err)
		}
		js := bus.JetStream()
		subj := bus.Topics().Notice("email")
		const inflight = 4096
		futures := make([]jetstream.PubAckFuture, 0, inflight)
		wait := func() {
			for _, f := range futures {
				select {
				case <-f.Ok():
				case err := <-f.Err():
					b.Fatal(err)
				}
			}
			futures = futures[:0]
		}
		for j := range n {
			msg := &nats.Msg{Subject: subj, Data: body, Header: nats.Header{}}
			msg.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("INC-%d/1/1/subject-%09d/email", i, j))
			msg.Header.Set(HeaderIncident, "INC-"+strconv.Itoa(i))
			f, err := js.PublishMsgAsync(msg)
			if err != nil {
				b.Fatal(err)
			}
			if futures = append(futures, f); len(futures) == inflight {
				wait()
			}
		}
		wait()
		peak = max(peak, stop())
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		held = max(held, ms.HeapInuse)
		if p := os.Getenv("BREACH_BENCH_HEAPPROFILE"); p != "" {
			f, err := os.Create(p)
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		bus.Close()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(held)/(1<<20), "held-heap-MB")
	b.ReportMetric(float64(n), "notices")
}

// peakHeap samples HeapInuse every 20ms, as app's BenchmarkCampaignPlan
// does, until stop is called, and returns the highest value seen.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
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
	})
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}
