package assess

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// benchSubjects is the size of the synthetic directory: 100k by default,
// BREACH_BENCH_SUBJECTS=1000000 for the million-person run.
func benchSubjects(b *testing.B) int {
	n := 100_000
	if v := os.Getenv("BREACH_BENCH_SUBJECTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("BREACH_BENCH_SUBJECTS=%q: want a positive number", v)
		}
	}
	return n
}

func synthFixture(b *testing.B, n int) (*inventory.Inventory, *incident.Incident) {
	b.Helper()
	res, err := inventory.Synth(inventory.SynthOptions{Subjects: n, Seed: 1, Out: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Load(res.Inventory)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(res.Incident)
	if err != nil {
		b.Fatal(err)
	}
	in, err := incident.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	return inv, in
}

// BenchmarkAssess assesses the synthetic incident against a synthetic
// directory; one op is one full pass over the directory.
func BenchmarkAssess(b *testing.B) {
	n := benchSubjects(b)
	inv, in := synthFixture(b, n)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := Assess(context.Background(), inv, in, now)
		if err != nil {
			b.Fatal(err)
		}
		if a.Subjects.Total == 0 {
			b.Fatal("no affected people")
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEachAffected streams the affected people as the notice planner
// will.
func BenchmarkEachAffected(b *testing.B) {
	n := benchSubjects(b)
	inv, in := synthFixture(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		count := 0
		err := EachAffected(context.Background(), inv, in, func(p *AffectedPerson) error {
			if len(p.Categories) > 0 {
				count++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if count == 0 {
			b.Fatal("no affected people")
		}
	}
}
