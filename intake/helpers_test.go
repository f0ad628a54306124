package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
)

// memStore is an in-memory Store with the semantics of the real one: a
// revision is stored once; the same revision with other bytes conflicts; a
// revision below the highest stored is stale. failFirst makes the first N
// calls fail as a database outage would.
type memStore struct {
	mu        sync.Mutex
	revs      map[string][32]byte // key -> hash of raw
	incidents map[string]*incident.Incident
	highest   map[string]int
	failFirst int
	calls     int
	// failHighest makes the first N HighestRevision calls fail.
	failHighest int
	block       chan struct{} // when set, SaveIncident waits for it to close
	entered     chan struct{} // when set, closed on the first call
}

func newMemStore() *memStore {
	return &memStore{revs: map[string][32]byte{}, incidents: map[string]*incident.Incident{}, highest: map[string]int{}}
}

var errOutage = errors.New("database is restarting")

func (s *memStore) SaveIncident(ctx context.Context, in *incident.Incident, raw []byte) (Saved, error) {
	s.mu.Lock()
	entered, block := s.entered, s.block
	s.entered = nil
	s.mu.Unlock()
	if entered != nil {
		close(entered)
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return Saved{}, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= s.failFirst {
		return Saved{}, errOutage
	}
	if in.Title == "refused" {
		return Saved{}, fmt.Errorf("%w: title not allowed", ErrPermanent)
	}
	sum := sha256.Sum256(raw)
	if prev, ok := s.revs[in.Key()]; ok {
		if prev != sum {
			return Saved{Conflicting: true}, nil
		}
		return Saved{Duplicate: true}, nil
	}
	s.revs[in.Key()] = sum
	s.incidents[in.Key()] = in
	stale := in.Revision < s.highest[in.ID]
	if !stale {
		s.highest[in.ID] = in.Revision
	}
	return Saved{Stale: stale}, nil
}

func (s *memStore) HighestRevision(_ context.Context, id string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failHighest > 0 {
		s.failHighest--
		return 0, errOutage
	}
	return s.highest[id], nil
}

func (s *memStore) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.revs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *memStore) get(key string) *incident.Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.incidents[key]
}

func (s *memStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.revs)
}

func quietLog() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

func startBus(t testing.TB, opts natsbus.Options) *natsbus.Bus {
	t.Helper()
	if opts.URL == "" && opts.StoreDir == "" {
		opts.StoreDir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bus, err := natsbus.Start(ctx, opts, quietLog())
	if err != nil {
		t.Fatalf("natsbus.Start: %v", err)
	}
	t.Cleanup(bus.Close)
	return bus
}

// runIntake runs in until the test ends and checks that Run returns nil.
func runIntake(t testing.TB, in *Intake) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: got error %v, want nil", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("Run did not return 30s after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func newIntake(t testing.TB, bus *natsbus.Bus, store Store, hooks Hooks, cfg Config) *Intake {
	t.Helper()
	if cfg.NakDelay == 0 {
		cfg.NakDelay = 20 * time.Millisecond
		cfg.MaxNakDelay = 100 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) }
	}
	in, err := New(cfg, bus, store, hooks, quietLog())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return in
}

func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func publishRaw(t testing.TB, bus *natsbus.Bus, data []byte, msgID string) {
	t.Helper()
	msg := &nats.Msg{Subject: bus.Topics().IncidentSubmit(), Data: data, Header: nats.Header{}}
	if msgID != "" {
		msg.Header.Set(jetstream.MsgIDHeader, msgID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := bus.JetStream().PublishMsg(ctx, msg); err != nil {
		t.Fatalf("publish %d bytes: %v", len(data), err)
	}
}

func streamMsgs(t testing.TB, bus *natsbus.Bus, name string) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := bus.JetStream().Stream(ctx, name)
	if err != nil {
		t.Fatalf("stream %s: %v", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatalf("stream %s info: %v", name, err)
	}
	var out []*jetstream.RawStreamMsg
	if info.State.Msgs == 0 {
		return nil
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("stream %s message %d: %v", name, seq, err)
		}
		out = append(out, m)
	}
	return out
}

func streamCount(t testing.TB, bus *natsbus.Bus, name string) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := bus.JetStream().Stream(ctx, name)
	if err != nil {
		t.Fatalf("stream %s: %v", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatalf("stream %s info: %v", name, err)
	}
	return info.State.Msgs
}

// doc is a minimal valid incident document.
func doc(id string, rev int) []byte {
	idField := ""
	if id != "" {
		idField = fmt.Sprintf(`"id":%q,"revision":%d,`, id, rev)
	}
	return fmt.Appendf(nil, `{"schema":"breach.incident/v1",%s"title":"Order database copied","discovered_at":"2026-11-20T09:00:00Z","cause":"exfiltration","affected":[{"system":"orders-db"}]}`, idField)
}

func findByData(msgs []*jetstream.RawStreamMsg, data []byte) *jetstream.RawStreamMsg {
	for _, m := range msgs {
		if bytes.Equal(m.Data, data) {
			return m
		}
	}
	return nil
}
