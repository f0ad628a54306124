package notify

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// ErrUnknownNotice is returned for a key the ledger has never planned.
var ErrUnknownNotice = errors.New("notice not in the ledger")

// MemoryLedger is a Ledger held in memory, for tests and benchmarks.
type MemoryLedger struct {
	mu      sync.Mutex
	entries map[string]*Entry
	// people indexes the keys of each person's notices.
	people map[person][]string
}

// person is one person in one notice version of one incident.
type person struct {
	incident, subject string
	version           int
}

func personOf(e *Entry) person { return person{e.IncidentID, e.SubjectID, e.Version} }

var (
	_ Ledger  = (*MemoryLedger)(nil)
	_ Claimer = (*MemoryLedger)(nil)
)

// NewMemoryLedger returns an empty ledger.
func NewMemoryLedger() *MemoryLedger {
	return &MemoryLedger{entries: map[string]*Entry{}, people: map[person][]string{}}
}

// Plan implements Ledger.
func (l *MemoryLedger) Plan(_ context.Context, entries []Entry) ([]bool, int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	open := make([]bool, len(entries))
	n := 0
	for i, e := range entries {
		if cur, ok := l.entries[e.Key]; ok {
			open[i] = !cur.State.Final()
			if open[i] && cur.Job.Key == "" {
				cur.Job = e.Job // a notice planned before the ledger kept jobs
			}
			continue
		}
		if e.State == "" {
			e.State = StatePending
		}
		l.entries[e.Key] = &e
		l.people[personOf(&e)] = append(l.people[personOf(&e)], e.Key)
		open[i] = !e.State.Final()
		n++
	}
	done := map[person]bool{}
	for i := range entries {
		p := personOf(&entries[i])
		if !done[p] {
			done[p] = true
			l.lift(p)
		}
	}
	return open, n, nil
}

// lift moves the unreachable entries of p out of that state when p has a
// reaching legal-notice route: a ChannelNone marker to skipped, a route
// to failed_permanent. l.mu is held.
func (l *MemoryLedger) lift(p person) {
	keys := l.people[p]
	if !slices.ContainsFunc(keys, func(k string) bool {
		e := l.entries[k]
		return e.Channel.Legal() && e.State.Reaching()
	}) {
		return
	}
	for _, k := range keys {
		if e := l.entries[k]; e.State == StateUnreachable {
			e.State = StateFailedPermanent
			if e.Channel == ChannelNone {
				e.State = StateSkipped
			}
		}
	}
}

// Told implements Ledger.
func (l *MemoryLedger) Told(_ context.Context, incidentID string, subjects []string) (map[string]Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	want := make(map[string]bool, len(subjects))
	for _, s := range subjects {
		want[s] = true
	}
	out := map[string]Entry{}
	for p, keys := range l.people {
		if p.incident != incidentID || !want[p.subject] {
			continue
		}
		for _, k := range keys {
			e := l.entries[k]
			if !e.Channel.Legal() || !e.State.Handed() || e.Version >= ResendVersionBase {
				continue
			}
			if cur, ok := out[p.subject]; !ok || e.Version > cur.Version || e.Version == cur.Version && e.Key < cur.Key {
				out[p.subject] = *e
			}
		}
	}
	return out, nil
}

// ByProvider implements Ledger.
func (l *MemoryLedger) ByProvider(_ context.Context, channel Channel, id string) (Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if id == "" {
		return Entry{}, ErrUnknownNotice
	}
	for _, e := range l.entries {
		if e.Channel == channel && e.ProviderID == id {
			return *e, nil
		}
	}
	return Entry{}, ErrUnknownNotice
}

// Begin implements Ledger.
func (l *MemoryLedger) Begin(_ context.Context, key string, at time.Time) (Entry, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.begin(key, at)
}

// Claim implements Claimer.
func (l *MemoryLedger) Claim(_ context.Context, key string, channel Channel, at time.Time) (Entry, bool, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[key]
	if !ok {
		return Entry{}, false, false, ErrUnknownNotice
	}
	if !e.Sendable(channel) {
		return *e, false, false, nil
	}
	got, proceed, err := l.begin(key, at)
	return got, true, proceed, err
}

// begin is Begin with l.mu held.
func (l *MemoryLedger) begin(key string, at time.Time) (Entry, bool, error) {
	e, ok := l.entries[key]
	if !ok {
		return Entry{}, false, ErrUnknownNotice
	}
	if e.State.Final() || e.State == StateSending && !e.UpdatedAt.Before(at.Add(-ClaimLease)) {
		return *e, false, nil
	}
	e.State, e.Attempts, e.UpdatedAt = StateSending, e.Attempts+1, at
	return *e, true, nil
}

// Finish implements Ledger.
func (l *MemoryLedger) Finish(_ context.Context, key string, o Outcome) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[key]
	if !ok {
		return ErrUnknownNotice
	}
	record(e, o)
	return nil
}

// record writes outcome o into e.
func record(e *Entry, o Outcome) {
	e.State, e.ProviderID, e.Error, e.UpdatedAt = o.State, o.ProviderID, o.Error, o.At
	e.TemplateVersion, e.ContentHash = o.TemplateVersion, o.ContentHash
	if o.State == StateSent || o.State == StateWritten {
		e.SentAt = o.At
	}
}

// Settle implements Ledger.
func (l *MemoryLedger) Settle(_ context.Context, key string, others []string, o Outcome) (State, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[key]
	if !ok {
		return "", ErrUnknownNotice
	}
	if o.State == StateFailedPermanent && !l.anyLive(key, others) {
		o.State = StateUnreachable
	}
	record(e, o)
	return o.State, nil
}

// anyLive reports whether an entry of keys other than key is live; l.mu
// is held.
func (l *MemoryLedger) anyLive(key string, keys []string) bool {
	for _, k := range keys {
		if e, ok := l.entries[k]; ok && k != key && e.State.Live() {
			return true
		}
	}
	return false
}

// Get implements Ledger.
func (l *MemoryLedger) Get(_ context.Context, key string) (Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.entries[key]; ok {
		return *e, nil
	}
	return Entry{}, ErrUnknownNotice
}

// Counts implements Ledger.
func (l *MemoryLedger) Counts(_ context.Context, incidentID string) (Counts, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := Counts{}
	for _, e := range l.entries {
		if e.IncidentID != incidentID {
			continue
		}
		if c[e.Channel] == nil {
			c[e.Channel] = map[State]int{}
		}
		c[e.Channel][e.State]++
	}
	return c, nil
}

// Each implements Ledger.
func (l *MemoryLedger) Each(_ context.Context, incidentID string, fn func(Entry) error) error {
	l.mu.Lock()
	var es []Entry
	for _, e := range l.entries {
		if e.IncidentID == incidentID {
			es = append(es, *e)
		}
	}
	l.mu.Unlock()
	slices.SortFunc(es, func(a, b Entry) int {
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	for _, e := range es {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}
