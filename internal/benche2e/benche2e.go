// Package benche2e measures breach's delivery path end to end against
// reference programs run on the same machine in the same minute, so that
// a figure is a ratio that means something on any machine: campaign
// planning against raw JetStream publishing, and an e-mail campaign (from
// the incident's submission to the last notice recorded) against Postfix's
// smtp-source feeding the same smtp-sink. `make bench-e2e` runs it through
// cmd/breach-bench.
package benche2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/templates"
)

// Rate is a count of items done in a measured time.
type Rate struct {
	// Count is the number of items (notices, messages).
	Count int
	// Elapsed is the measured time.
	Elapsed time.Duration
	// CPU is the processor time this process used over Elapsed (all its
	// threads, user and system; an embedded NATS server's included), zero
	// for a reference program run in another process and on a platform
	// that does not report it (only Unix does here).
	CPU time.Duration
	// Allocs counts the heap allocations this process made over Elapsed
	// (the embedded NATS server's included). Unlike time, it hardly
	// depends on what else the machine is doing.
	Allocs uint64
}

// AllocsPerItem returns the heap allocations per item, zero when none
// were measured.
func (r Rate) AllocsPerItem() float64 {
	if r.Count == 0 {
		return 0
	}
	return float64(r.Allocs) / float64(r.Count)
}

// meter measures a timed part: wall time, processor time and heap
// allocations from startMeter to rate.
type meter struct {
	began  time.Time
	cpu    time.Duration
	allocs uint64
}

func startMeter() meter {
	return meter{began: time.Now(), cpu: processCPU(), allocs: heapAllocs()}
}

// rate returns count items over what was measured since m started.
func (m meter) rate(count int) Rate {
	return Rate{Count: count, Elapsed: time.Since(m.began), CPU: processCPU() - m.cpu, Allocs: heapAllocs() - m.allocs}
}

// heapAllocs returns the heap allocations this process has made so far,
// the tiny ones (small pointer-free objects packed together) included, as
// -benchmem counts them.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}, {Name: "/gc/heap/tiny/allocs:objects"}}
	metrics.Read(s)
	var n uint64
	for _, v := range s {
		if v.Value.Kind() == metrics.KindUint64 {
			n += v.Value.Uint64()
		}
	}
	return n
}

// CPUPerItem returns the processor time per item, zero when none was
// measured.
func (r Rate) CPUPerItem() time.Duration {
	if r.Count == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Count)
}

// PerSec returns Count per second (0 when nothing was measured).
func (r Rate) PerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Count) / r.Elapsed.Seconds()
}

// Pool returns the rate of a and b together: their counts over their
// times. A reference measured just before and just after breach is pooled,
// so that a machine that speeds up or slows down during a round moves
// both sides of the ratio alike.
func Pool(a, b Rate) Rate {
	return Rate{Count: a.Count + b.Count, Elapsed: a.Elapsed + b.Elapsed, CPU: a.CPU + b.CPU, Allocs: a.Allocs + b.Allocs}
}

// Ratio returns a/b per second, 0 when b measured nothing.
func Ratio(a, b Rate) float64 {
	if b.PerSec() == 0 {
		return 0
	}
	return a.PerSec() / b.PerSec()
}

// benchNoticeKey is the notice key of the measurements that run parts of
// the service without it (the verification codes, the job MACs).
const benchNoticeKey = "benchmark-notice-key-0123456789"

// org is a synthetic organisation written by inventory.Synth.
type org struct {
	inv      *inventory.Inventory
	invPath  string
	incident *incident.Incident
	raw      []byte
}

// synthOrg writes an organisation of subjects people under dir and loads
// it, with its incident.
func synthOrg(dir string, subjects int) (*org, error) {
	if subjects < 1 {
		return nil, fmt.Errorf("synthetic organisation: subjects must be at least 1, got %d", subjects)
	}
	res, err := inventory.Synth(inventory.SynthOptions{Subjects: subjects, Seed: 7, Out: dir})
	if err != nil {
		return nil, fmt.Errorf("synthetic organisation: %w", err)
	}
	inv, err := inventory.Load(res.Inventory)
	if err != nil {
		return nil, fmt.Errorf("synthetic organisation: %w", err)
	}
	raw, err := os.ReadFile(filepath.Clean(res.Incident))
	if err != nil {
		return nil, fmt.Errorf("synthetic incident: %w", err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("synthetic incident: %w", err)
	}
	return &org{inv: inv, invPath: res.Inventory, incident: in, raw: raw}, nil
}

// composer renders the organisation's notices of its incident with the
// embedded templates (the process's shared set, as the service uses).
func (o *org) composer() (*compose.Composer, error) {
	set, err := templates.Default()
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	in := o.incident
	return compose.New(compose.Config{Templates: set, Inventory: o.inv, Secret: []byte(benchNoticeKey)},
		compose.IncidentsFunc(func(context.Context, string, int) (*incident.Incident, error) { return in, nil }))
}
