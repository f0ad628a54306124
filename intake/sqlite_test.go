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
	return sqliteAdapter{st}, st
}

// sqliteAdapter is the adapter the service uses, over store.Store.
type sqliteAdapter struct{ st store.Store }

func (a sqliteAdapter) SaveIncident(ctx context.Context, in *incident.Incident, raw []byte) (Saved, error) {
	r, err := a.st.SaveIncident(ctx, in, raw)
	if errors.Is(err, store.ErrInvalid) {
		err = fmt.Errorf("%w: %w", ErrPermanent, err)
	}
	return Saved{Duplicate: r.Duplicate, Conflicting: r.Conflicting, Stale: r.Stale}, err
}

func (a sqliteAdapter) HighestRevision(ctx context.Context, id string) (int, error) {
	revs, err := a.st.IncidentRevisions(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil || len(revs) == 0 {
		return 0, err
	}
	return revs[len(revs)-1].Revision, nil
}

func TestIntakeWithSQLiteStore(t *testing.T) {
	bus := startBus(t, natsbus.Options{})
	adapter, st := sqliteStore(t)
	var h hookLog
	in := newIntake(t, bus, adapter, h.hooks(), Config{Workers: 1, GapDeliveries: 2})
	runIntake(t, in)
	steps := []struct {
		name  string
		data  []byte
		msgID string
		want  Stats
	}{
		{"first revision", doc("INC-sql", 1), "m1", Stats{Received: 1, Stored: 1}},
		{"replay under another id", doc("INC-sql", 1), "m2", Stats{Received: 2, Stored: 1, Duplicates: 1}},
		// Revision 3 before 2 waits one more delivery for 2, then is refused.
		{"revision 3 skipping 2", doc("INC-sql", 3), "m3", Stats{Received: 4, Stored: 1, Duplicates: 1, Rejected: 1}},
		{"revision 2", doc("INC-sql", 2), "m4", Stats{Received: 5, Stored: 2, Duplicates: 1, Rejected: 1}},
		{"revision 3", doc("INC-sql", 3), "m5", Stats{Received: 6, Stored: 3, Duplicates: 1, Rejected: 1}},
		{"revision 1 with other content", []byte(`{"schema":"breach.incident/v1","id":"INC-sql","revision":1,"title":"Changed","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`), "m6",
			Stats{Received: 7, Stored: 3, Duplicates: 1, Rejected: 2}},
	}
	for _, s := range steps {
		publishRaw(t, bus, s.data, s.msgID)
		waitFor(t, s.name, 10*time.Second, func() bool { return in.Stats().Received == s.want.Received && lagZero(in) })
		if got := in.Stats(); got != s.want {
			t.Errorf("%s: Stats got %+v, want %+v", s.name, got, s.want)
		}
	}
	dl := streamMsgs(t, bus, bus.Streams().Deadletter)
	if len(dl) != 2 {
		t.Fatalf("DEADLETTER: got %d messages, want 2", len(dl))
	}
	if got, want := dl[0].Header.Get(natsbus.HeaderError), "incident INC-sql revision 3: expected revision 2, one above the highest stored (1); revisions count up by one"; got != want {
		t.Errorf("reason of the early revision 3: got %q, want %q", got, want)
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
		msg := &nats.Msg{Subject: bus.Topics().IncidentSubmit(), Data: doc(id, 1), Header: nats.Header{}}
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
