package deadletter_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
)

// setup starts an embedded bus with five dead letters: intake ones (with
// their origin) at 1, 3 and 5, e-mail ones (without) at 2 and 4.
func setup(t *testing.T) *deadletter.Admin {
	t.Helper()
	ctx := t.Context()
	b, err := natsbus.Start(ctx, natsbus.Options{StoreDir: filepath.Join(t.TempDir(), "nats"), Listen: "127.0.0.1:0"}, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	for i := range 5 {
		stage := []string{"intake", "email"}[i%2]
		m := &nats.Msg{Subject: b.Topics().Deadletter(stage), Data: []byte(`{"contact":"jane@example.com"}`), Header: nats.Header{}}
		m.Header.Set(natsbus.HeaderError, "reason "+stage)
		if stage == "intake" {
			m.Header.Set(natsbus.HeaderOriginalSubject, b.Topics().IncidentSubmit())
		}
		if _, err := b.JetStream().PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	a, err := deadletter.Open(ctx, b.Conn(), b.JetStream(), deadletter.Config{Stream: natsbus.StreamDeadletter, Prefix: "breach", Shown: "test", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func seqs(l *deadletter.List) []uint64 {
	var out []uint64
	for _, e := range l.Deadletters {
		out = append(out, e.Sequence)
	}
	return out
}

// TestPages: After pages oldest first and names the next page; Newest
// keeps the newest; a stage filter selects; metadata carries the size,
// never the body.
func TestPages(t *testing.T) {
	a := setup(t)
	ctx := t.Context()
	var got [][]uint64
	var after uint64
	for {
		l, err := a.After(ctx, nil, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, seqs(l))
		if l.Next == 0 {
			break
		}
		after = l.Next
	}
	if len(got) != 3 || len(got[2]) != 1 || got[2][0] != 5 || got[0][0] != 1 {
		t.Errorf("pages: got %v, want [1 2] [3 4] [5]", got)
	}
	l, err := a.Newest(ctx, []string{"intake"}, 2)
	if err != nil || len(l.Deadletters) != 2 || l.Deadletters[0].Sequence != 3 || l.Deadletters[1].Sequence != 5 || l.Matched != 3 {
		t.Errorf("newest intake: got %+v, %v; want 3 and 5 of 3 matched", l, err)
	}
	e, err := a.Show(ctx, 2)
	if err != nil || e.Stage != "email" || e.Size != len(`{"contact":"jane@example.com"}`) || e.Reason != "reason email" {
		t.Errorf("show: got %+v, %v", e, err)
	}
	if _, err := a.Show(ctx, 99); !errors.Is(err, deadletter.ErrNotFound) {
		t.Errorf("show 99: got %v, want ErrNotFound", err)
	}
}

// TestRefusals: a dead letter without an origin is not replayed, a record
// is not resolved, and nothing is published when one of several cannot go.
func TestRefusals(t *testing.T) {
	a := setup(t)
	ctx := t.Context()
	if done, err := a.ReplayAll(ctx, []uint64{1, 2}); !errors.Is(err, deadletter.ErrRefused) || len(done) != 0 {
		t.Errorf("replay 1 and 2 (no origin): got %v, %v; want ErrRefused and nothing replayed", done, err)
	}
	done, err := a.Resolve(ctx, []uint64{2}, "ops", "handled")
	if err != nil || len(done) != 1 || done[0].Record != 6 {
		t.Fatalf("resolve 2: got %+v, %v; want record 6", done, err)
	}
	if _, err := a.Resolve(ctx, []uint64{6}, "ops", "again"); !errors.Is(err, deadletter.ErrRefused) {
		t.Errorf("resolve a record: got %v, want ErrRefused", err)
	}
	if evs := deadletter.ResolveEvents(done, "handled"); len(evs) != 1 || evs[0].Object != "deadletter/2" {
		t.Errorf("audit events of the resolve: got %+v", evs)
	}
	p, err := a.PurgeOlder(context.Background(), time.Now().Add(time.Hour), time.Hour, []string{"intake"}, "ops", "retention")
	if err != nil || p.Count != 3 {
		t.Errorf("purge intake: got %+v, %v; want 3", p, err)
	}
}
