package intake

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/store"
)

// sqliteStore adapts the real store the way the service does, marking the
// store's own refusals permanent.
func sqliteStore(t testing.TB) (Store, store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Path: filepath.Join(t.TempDir(), "breach.db")})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return StoreFunc(func(ctx context.Context, in *incident.Incident, raw []byte) (Saved, error) {
		r, err := st.SaveIncident(ctx, in, raw)
		if errors.Is(err, store.ErrInvalid) {
			err = fmt.Errorf("%w: %w", ErrPermanent, err)
		}
		return Saved{Duplicate: r.Duplicate, Conflicting: r.Conflicting, Stale: r.Stale}, err
	}), st
}

func TestIntakeWithSQLiteStore(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	adapter, st := sqliteStore(t)
	var h hookLog
	in := newIntake(t, bus, adapter, h.hooks(), Config{Workers: 1})
	runIntake(t, in)
	steps := []struct {
		name  string
		data  []byte
		msgID string
		want  Stats
	}{
		{"first revision", doc("INC-sql", 1), "m1", Stats{Received: 1, Stored: 1}},
		{"replay under another id", doc("INC-sql", 1), "m2", Stats{Received: 2, Stored: 1, Duplicates: 1}},
		{"revision 3", doc("INC-sql", 3), "m3", Stats{Received: 3, Stored: 2, Duplicates: 1}},
		{"late revision 2", doc("INC-sql", 2), "m4", Stats{Received: 4, Stored: 2, Duplicates: 1, Stale: 1}},
		{"revision 1 with other content", []byte(`{"schema":"breach.incident/v1","id":"INC-sql","revision":1,"title":"Changed","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`), "m5",
			Stats{Received: 5, Stored: 2, Duplicates: 1, Stale: 1, Rejected: 1}},
	}
	for _, s := range steps {
		publishRaw(t, bus, s.data, s.msgID)
		waitFor(t, s.name, 10*time.Second, func() bool { return in.Stats().Received == s.want.Received && lagZero(in) })
		if got := in.Stats(); got != s.want {
			t.Errorf("%s: Stats got %+v, want %+v", s.name, got, s.want)
		}
	}
	rec, err := st.GetIncident(context.Background(), "INC-sql")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Incident.Revision != 3 {
		t.Errorf("current revision: got %d, want 3", rec.Incident.Revision)
	}
}

// BenchmarkIntake measures validated and stored incidents per second through
// the embedded server: the messages are published first, then intake drains
// them into the store.
func BenchmarkIntake(b *testing.B) {
	for _, bc := range []struct {
		name  string
		store func(b *testing.B) Store
	}{
		{"sqlite", func(b *testing.B) Store { s, _ := sqliteStore(b); return s }},
		{"memory", func(b *testing.B) Store { return newMemStore() }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bus := startBus(b, natsbus.Options{})
			st := bc.store(b)
			in := newIntake(b, bus, st, Hooks{}, Config{})
			publishMany(b, bus, b.N)
			b.ResetTimer()
			start := time.Now()
			runIntake(b, in)
			waitFor(b, "every incident stored", 10*time.Minute, func() bool { return in.Stats().Stored == uint64(b.N) })
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "incidents/s")
		})
	}
}

func publishMany(b *testing.B, bus *natsbus.Bus, n int) {
	b.Helper()
	js := bus.JetStream()
	for i := range n {
		id := fmt.Sprintf("INC-bench-%d", i)
		msg := &nats.Msg{Subject: bus.Subjects().IncidentSubmit(), Data: doc(id, 1), Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, id+"/1")
		if _, err := js.PublishMsgAsync(msg); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("publishing did not complete in a minute")
	}
}
