package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/time/rate"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/store"
)

const testIncident = "INC-2026-0042"

// testTickets seals and opens the tests' notices.
var testTickets = func() *notify.Tickets {
	t, err := notify.NewTickets([]byte("queue test notice key, 32 bytes."))
	if err != nil {
		panic(err)
	}
	return t
}()

var fixedNow = func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) }

// startBus runs an in-process embedded server with its store in a
// temporary directory.
func startBus(t *testing.T) *natsbus.Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := natsbus.Start(ctx, natsbus.Options{StoreDir: t.TempDir(), Listen: ""}, logging.Discard())
	if err != nil {
		t.Fatalf("start bus: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// sqliteLedger opens the SQLite store in a temporary directory.
func sqliteLedger(t *testing.T) notify.Ledger {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{Path: filepath.Join(t.TempDir(), "breach.db"), Log: logging.Discard()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s.Ledger()
}

// plainRenderer renders a fixed text addressed to the job's route.
type plainRenderer struct{}

func (plainRenderer) Render(_ context.Context, j *notify.Job) (*notify.Message, notify.Rendering, error) {
	return &notify.Message{Key: j.Key, IncidentID: j.IncidentID, SubjectID: j.SubjectID, Channel: j.Route.Channel,
			To: j.Route.To, Text: "notice " + j.Key},
		notify.Rendering{TemplateVersion: "t1", ContentHash: "h-" + j.Key}, nil
}

// countingNotifier counts sends per key. It fails the first failFirst
// attempts of each key temporarily and takes delay per attempt.
type countingNotifier struct {
	delay     time.Duration
	failFirst int

	mu       sync.Mutex
	attempts map[string]int
	sent     map[string]int
	started  int
}

func newCountingNotifier() *countingNotifier {
	return &countingNotifier{attempts: map[string]int{}, sent: map[string]int{}}
}

func (n *countingNotifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	n.mu.Lock()
	n.started++
	n.attempts[m.Key]++
	attempt := n.attempts[m.Key]
	n.mu.Unlock()
	if n.delay > 0 {
		// A provider call that does not honour cancellation: the worker
		// must let it finish.
		time.Sleep(n.delay)
	}
	if attempt <= n.failFirst {
		return "", notify.Temporary("451", "try again later", nil)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent[m.Key]++
	return fmt.Sprintf("pid-%s-%d", m.Key, attempt), nil
}

func (n *countingNotifier) snapshot() (sent map[string]int, attempts map[string]int, started int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	sent, attempts = map[string]int{}, map[string]int{}
	for k, v := range n.sent {
		sent[k] = v
	}
	for k, v := range n.attempts {
		attempts[k] = v
	}
	return sent, attempts, n.started
}

// makeJobs returns n e-mail jobs of testIncident and plans them in l.
func makeJobs(t *testing.T, l notify.Ledger, n int) []notify.Job {
	t.Helper()
	jobs := make([]notify.Job, n)
	entries := make([]notify.Entry, n)
	for i := range jobs {
		jobs[i] = notify.NewJob(testIncident, 1, 1, fmt.Sprintf("u-%03d", i),
			notify.Route{Channel: notify.ChannelEmail, To: fmt.Sprintf("person.%03d@mail.example", i)}, nil)
		entries[i] = jobs[i].Entry()
		entries[i].CreatedAt, entries[i].UpdatedAt = fixedNow(), fixedNow()
	}
	if _, _, err := l.Plan(context.Background(), entries); err != nil {
		t.Fatalf("plan: %v", err)
	}
	return jobs
}

// runConsumer starts Consume in the background and returns a function that
// cancels it and waits for it to return, reporting how long that took.
func runConsumer(t *testing.T, bus *natsbus.Bus, cfg ConsumerConfig, w *notify.Worker) (stop func() time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Consume(ctx, bus, cfg, w, logging.Discard()) }()
	var once sync.Once
	var took time.Duration
	stop = func() time.Duration {
		once.Do(func() {
			cancel()
			start := time.Now()
			select {
			case err := <-done:
				took = time.Since(start)
				if err != nil {
					t.Errorf("Consume: got %v, want nil after cancel", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("Consume did not return 20s after its context was cancelled")
			}
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return stop
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func streamMsgs(t *testing.T, bus *natsbus.Bus, name string) uint64 {
	t.Helper()
	ctx := context.Background()
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

// allInState reports whether every job is in state in l.
func allInState(t *testing.T, l notify.Ledger, jobs []notify.Job, state notify.State) bool {
	t.Helper()
	for _, j := range jobs {
		e, err := l.Get(context.Background(), j.Key)
		if err != nil {
			t.Fatalf("ledger get: %v", err)
		}
		if e.State != state {
			return false
		}
	}
	return true
}

func onceEach(jobs []notify.Job) map[string]int {
	want := map[string]int{}
	for _, j := range jobs {
		want[j.Key] = 1
	}
	return want
}

func TestEnqueueTwiceStoredAndSentOnce(t *testing.T) {
	bus := startBus(t)
	led := notify.NewMemoryLedger()
	jobs := makeJobs(t, led, 5)
	sink := NewSink(bus, WithTickets(testTickets))
	ctx := context.Background()
	if err := sink.Enqueue(ctx, jobs...); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	// A replanned campaign enqueues the same notices again, plus one
	// twice in the same call.
	if err := sink.Enqueue(ctx, append(jobs, jobs[0])...); err != nil {
		t.Fatalf("Enqueue again: %v", err)
	}
	if got, want := streamMsgs(t, bus, bus.Streams().Notices), uint64(len(jobs)); got != want {
		t.Fatalf("NOTICES messages: got %d, want %d (Nats-Msg-Id dedup)", got, want)
	}

	n := newCountingNotifier()
	w := notify.NewWorker(notify.WorkerConfig{Tickets: testTickets, Channel: notify.ChannelEmail, MaxDeliver: 3}, n, led, plainRenderer{}, sink, logging.Discard(), fixedNow)
	stop := runConsumer(t, bus, ConsumerConfig{Channel: notify.ChannelEmail, Concurrency: 2, AckWait: 5 * time.Second}, w)
	waitFor(t, 15*time.Second, "every notice sent", func() bool { return allInState(t, led, jobs, notify.StateSent) })
	waitFor(t, 5*time.Second, "NOTICES to empty", func() bool { return streamMsgs(t, bus, bus.Streams().Notices) == 0 })
	stop()

	sent, _, _ := n.snapshot()
	if diff := cmp.Diff(onceEach(jobs), sent); diff != "" {
		t.Errorf("sends per notice (-want +got):\n%s", diff)
	}
}

// Several large batches enqueued at once, as the planner does, stay under
// the client's limit of unacknowledged publishes (4,000 with a 200 ms
// stall before it refuses) and every job is stored.
func TestEnqueueConcurrentLargeBatches(t *testing.T) {
	bus := startBus(t)
	led := notify.NewMemoryLedger()
	jobs := makeJobs(t, led, 4*(enqueueWindow*3+7))
	sink := NewSink(bus, WithTickets(testTickets))
	quarter := len(jobs) / 4
	errs := make(chan error, 4)
	for b := range 4 {
		go func() { errs <- sink.Enqueue(context.Background(), jobs[b*quarter:(b+1)*quarter]...) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("Enqueue: %v", err)
		}
	}
	if got, want := streamMsgs(t, bus, bus.Streams().Notices), uint64(len(jobs)); got != want {
		t.Fatalf("NOTICES messages: got %d, want %d", got, want)
	}
}

// TestHeldNoticesOutliveAckWait is the regression test for duplicate sends
// under a slow provider: with a 1s AckWait and a 5/s rate limit, notices
// wait for the limiter far longer than AckWait. JetStream must not
// redeliver them while this process holds them.
func TestHeldNoticesOutliveAckWait(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 6s")
	}
	bus := startBus(t)
	led := sqliteLedger(t)
	jobs := makeJobs(t, led, 30)
	sink := NewSink(bus, WithTickets(testTickets))
	if err := sink.Enqueue(context.Background(), jobs...); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	n := newCountingNotifier()
	n.delay = 50 * time.Millisecond
	w := notify.NewWorker(notify.WorkerConfig{Tickets: testTickets, Channel: notify.ChannelEmail, MaxDeliver: 5, Limiter: rate.NewLimiter(5, 1)},
		n, led, plainRenderer{}, sink, logging.Discard(), fixedNow)
	start := time.Now()
	stop := runConsumer(t, bus, ConsumerConfig{Channel: notify.ChannelEmail, Concurrency: 4, AckWait: time.Second, MaxDeliver: 20}, w)
	// NumRedelivered counts redelivered messages still pending, so it is
	// sampled while the campaign runs.
	redelivered := 0
	waitFor(t, 30*time.Second, "every notice sent", func() bool {
		c, err := bus.JetStream().Consumer(context.Background(), bus.Streams().Notices, "notify-email")
		if err == nil { // not found until Consume has created it
			if info, err := c.Info(context.Background()); err == nil {
				redelivered = max(redelivered, info.NumRedelivered)
			}
		}
		return allInState(t, led, jobs, notify.StateSent)
	})
	took := time.Since(start)
	waitFor(t, 5*time.Second, "NOTICES to empty", func() bool { return streamMsgs(t, bus, bus.Streams().Notices) == 0 })
	// Leave time for a late redelivery to show up as a second send.
	time.Sleep(1500 * time.Millisecond)
	stop()

	sent, attempts, _ := n.snapshot()
	if diff := cmp.Diff(onceEach(jobs), sent); diff != "" {
		t.Errorf("sends per notice (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(onceEach(jobs), attempts); diff != "" {
		t.Errorf("provider calls per notice (-want +got):\n%s", diff)
	}
	if redelivered != 0 {
		t.Errorf("consumer redelivered: got %d messages pending redelivery, want 0 (held notices must be kept alive)", redelivered)
	}
	for _, j := range jobs {
		e, err := led.Get(context.Background(), j.Key)
		if err != nil {
			t.Fatal(err)
		}
		if e.Attempts != 1 {
			t.Errorf("ledger attempts of %s: got %d, want 1", j.SubjectID, e.Attempts)
		}
	}
	// 30 notices at 5/s with a burst of 1: about 6s. Much faster means the
	// limiter was bypassed; much slower means notices waited on AckWait.
	if took < 5*time.Second || took > 12*time.Second {
		t.Errorf("campaign took %s, want about 6s (30 notices at 5/s)", took)
	}
	t.Logf("30 notices at 5/s with AckWait 1s: %s, %d redeliveries", took.Round(10*time.Millisecond), redelivered)
}

// TestRetriesBeyondDefaultMaxDeliver is the regression test for a server
// MaxDeliver below the worker's: a notice that fails 25 times must still be
// sent on attempt 26 when the worker allows 30 attempts.
func TestRetriesBeyondDefaultMaxDeliver(t *testing.T) {
	bus := startBus(t)
	led := notify.NewMemoryLedger()
	jobs := makeJobs(t, led, 1)
	sink := NewSink(bus, WithTickets(testTickets))
	if err := sink.Enqueue(context.Background(), jobs...); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	n := newCountingNotifier()
	n.failFirst = 25
	w := notify.NewWorker(notify.WorkerConfig{Tickets: testTickets, Channel: notify.ChannelEmail, MaxDeliver: 30,
		Backoff: notify.Backoff{Base: 10 * time.Millisecond, Max: 20 * time.Millisecond, Factor: 2}},
		n, led, plainRenderer{}, sink, logging.Discard(), fixedNow)
	stop := runConsumer(t, bus, ConsumerConfig{Channel: notify.ChannelEmail, Concurrency: 2, AckWait: 5 * time.Second, MaxDeliver: 60}, w)
	waitFor(t, 30*time.Second, "the notice to be sent", func() bool { return allInState(t, led, jobs, notify.StateSent) })
	waitFor(t, 5*time.Second, "NOTICES to empty", func() bool { return streamMsgs(t, bus, bus.Streams().Notices) == 0 })
	stop()

	e, err := led.Get(context.Background(), jobs[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	if e.Attempts != 26 {
		t.Errorf("ledger attempts: got %d, want 26", e.Attempts)
	}
	sent, attempts, _ := n.snapshot()
	if got := attempts[jobs[0].Key]; got != 26 {
		t.Errorf("provider calls: got %d, want 26", got)
	}
	if got := sent[jobs[0].Key]; got != 1 {
		t.Errorf("sends: got %d, want 1", got)
	}
	// The notice.sent event carries the delivery count JetStream reported.
	ev := lastEvent(t, bus, testIncident, "notice.sent")
	if got := ev["attempt"]; got != float64(26) {
		t.Errorf("notice.sent attempt: got %v, want 26", got)
	}
	if got := streamMsgs(t, bus, bus.Streams().Deadletter); got != 0 {
		t.Errorf("DEADLETTER messages: got %d, want 0", got)
	}
}

func lastEvent(t *testing.T, bus *natsbus.Bus, incidentID, kind string) map[string]any {
	t.Helper()
	ctx := context.Background()
	st, err := bus.JetStream().Stream(ctx, bus.Streams().Events)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.GetLastMsgForSubject(ctx, bus.Topics().Event(incidentID, kind))
	if err != nil {
		t.Fatalf("last %s event: %v", kind, err)
	}
	var payload map[string]any
	if err := json.Unmarshal(m.Data, &payload); err != nil {
		t.Fatalf("decode %s event: %v", kind, err)
	}
	return payload
}

// TestRejectedMessagesDeadLettered publishes, next to a genuine notice,
// what an attacker with access to the bus would: a job with their own
// address (the old full-job format), a ticket under another key, a ticket
// for a key the ledger never planned, and a replay of the genuine ticket
// after it was sent. None is sent; each lands in DEADLETTER with its
// reason and is counted.
func TestRejectedMessagesDeadLettered(t *testing.T) {
	bus := startBus(t)
	led := sqliteLedger(t)
	jobs := makeJobs(t, led, 1)
	ctx := context.Background()
	sink := NewSink(bus, WithTickets(testTickets))
	attacker, err := notify.NewTickets([]byte("the attacker's own key, 32 bytes"))
	if err != nil {
		t.Fatal(err)
	}
	forgedJob := jobs[0]
	forgedJob.Route.To = "attacker@evil.example"
	forgedJob.Revision = 99
	full, _ := json.Marshal(forgedJob)
	subject := bus.Topics().Notice(string(notify.ChannelEmail))
	publish := func(body []byte, id string) {
		t.Helper()
		msg := &nats.Msg{Subject: subject, Data: body, Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, id)
		if _, err := bus.JetStream().PublishMsg(ctx, msg); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	publish(full, "forged-full")
	publish(attacker.Seal(jobs[0].Key), "forged-mac")
	publish(testTickets.Seal("notice/INC-2026-0042/u-999/email/v1"), "unknown")

	n := newCountingNotifier()
	var mu sync.Mutex
	rejected := map[string]int{}
	w := notify.NewWorker(notify.WorkerConfig{Tickets: testTickets, Channel: notify.ChannelEmail,
		Rejected: func(r string) { mu.Lock(); rejected[r]++; mu.Unlock() }}, n, led, plainRenderer{}, sink, logging.Discard(), fixedNow)
	stop := runConsumer(t, bus, ConsumerConfig{Channel: notify.ChannelEmail, Concurrency: 1, AckWait: 5 * time.Second}, w)
	waitFor(t, 10*time.Second, "three dead letters", func() bool { return streamMsgs(t, bus, bus.Streams().Deadletter) == 3 })
	if err := sink.Enqueue(ctx, jobs...); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the genuine notice sent", func() bool { return allInState(t, led, jobs, notify.StateSent) })
	// The replay: the genuine ticket published again under a fresh id.
	publish(testTickets.Seal(jobs[0].Key), "replay")
	waitFor(t, 10*time.Second, "four dead letters", func() bool { return streamMsgs(t, bus, bus.Streams().Deadletter) == 4 })
	waitFor(t, 5*time.Second, "NOTICES to empty", func() bool { return streamMsgs(t, bus, bus.Streams().Notices) == 0 })
	stop()

	sent, _, started := n.snapshot()
	if diff := cmp.Diff(onceEach(jobs), sent); diff != "" || started != 1 {
		t.Errorf("sends (-want +got):\n%s (provider calls %d, want 1)", diff, started)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{notify.RejectMalformed: 1, notify.RejectForged: 1, notify.RejectUnknown: 1, notify.RejectFinal: 1}
	if diff := cmp.Diff(want, rejected); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
	st, err := bus.JetStream().Stream(ctx, bus.Streams().Deadletter)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for seq := uint64(1); seq <= 4; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("dead letter %d: %v", seq, err)
		}
		reasons = append(reasons, m.Header.Get(natsbus.HeaderError))
		if seq > 1 && strings.Contains(string(m.Data), "@") {
			t.Errorf("dead letter %d keeps contact data: %s", seq, m.Data)
		}
	}
	for i, r := range []string{notify.RejectMalformed, notify.RejectForged, notify.RejectUnknown, notify.RejectFinal} {
		if !strings.HasPrefix(reasons[i], "notice rejected ("+r+")") {
			t.Errorf("dead letter %d: got %s %q, want the reason %q", i+1, natsbus.HeaderError, reasons[i], r)
		}
	}
	if e, _ := led.Get(ctx, jobs[0].Key); e.Job.Route.To != jobs[0].Route.To || e.State != notify.StateSent {
		t.Errorf("ledger row: got state %s, want sent to the planned address", e.State)
	}
}

// TestEnqueueWithoutTicketsRefused checks a Sink built without the notice
// key refuses to enqueue rather than publish unsealed notices.
func TestEnqueueWithoutTicketsRefused(t *testing.T) {
	bus := startBus(t)
	err := NewSink(bus).Enqueue(context.Background(), makeJobs(t, notify.NewMemoryLedger(), 1)...)
	if !errors.Is(err, ErrNoTickets) {
		t.Errorf("Enqueue: got %v, want ErrNoTickets", err)
	}
	if got := streamMsgs(t, bus, bus.Streams().Notices); got != 0 {
		t.Errorf("NOTICES messages: got %d, want 0", got)
	}
}

func TestConsumeFinishesInFlightOnCancel(t *testing.T) {
	bus := startBus(t)
	led := notify.NewMemoryLedger()
	jobs := makeJobs(t, led, 4)
	sink := NewSink(bus, WithTickets(testTickets))
	if err := sink.Enqueue(context.Background(), jobs...); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	n := newCountingNotifier()
	n.delay = 300 * time.Millisecond
	w := notify.NewWorker(notify.WorkerConfig{Tickets: testTickets, Channel: notify.ChannelEmail}, n, led, plainRenderer{}, sink, logging.Discard(), fixedNow)
	stop := runConsumer(t, bus, ConsumerConfig{Channel: notify.ChannelEmail, Concurrency: 4, AckWait: 5 * time.Second}, w)
	waitFor(t, 10*time.Second, "four provider calls in flight", func() bool {
		_, _, started := n.snapshot()
		return started == len(jobs)
	})
	took := stop()

	for _, j := range jobs {
		e, err := led.Get(context.Background(), j.Key)
		if err != nil {
			t.Fatal(err)
		}
		if e.State != notify.StateSent {
			t.Errorf("ledger state of %s after Consume returned: got %s, want %s", j.SubjectID, e.State, notify.StateSent)
		}
	}
	if got := streamMsgs(t, bus, bus.Streams().Notices); got != 0 {
		t.Errorf("NOTICES messages after Consume returned: got %d, want 0 (in-flight notices acknowledged)", got)
	}
	sent, _, _ := n.snapshot()
	if diff := cmp.Diff(onceEach(jobs), sent); diff != "" {
		t.Errorf("sends per notice (-want +got):\n%s", diff)
	}
	if took > 5*time.Second {
		t.Errorf("Consume took %s to return after cancel, want well under 5s", took)
	}
}

// TestSinkEventDedupsByKey: a notice event is published with its
// catalogue payload and stored once per notice key and state.
func TestSinkEventDedupsByKey(t *testing.T) {
	bus := startBus(t)
	sink := NewSink(bus, WithTickets(testTickets))
	ctx := context.Background()
	ev := func(kind incident.EventKind, key, state string, attempt int) incident.NoticeOutcome {
		return incident.NoticeOutcome{Kind: kind, Incident: testIncident, Key: key, Subject: "s-1", Channel: "email",
			State: state, Attempt: attempt}
	}
	for _, e := range []incident.NoticeOutcome{
		ev(incident.EventNoticeSent, "notice/a", "sent", 1),
		// The same notice again (a redelivery after a crash): same key
		// and state, another attempt; stored once.
		ev(incident.EventNoticeSent, "notice/a", "sent", 2),
		ev(incident.EventNoticeSent, "notice/b", "sent", 1),
		// Same key under another kind is another event, and so is
		// another state of it.
		ev(incident.EventNoticeFailed, "notice/a", "failed_permanent", 1),
		ev(incident.EventNoticeFailed, "notice/a", "unreachable", 1),
		ev(incident.EventNoticeDelivered, "notice/b", "delivered", 0),
	} {
		if err := sink.Event(ctx, e); err != nil {
			t.Fatalf("Event %s: %v", e.Kind, err)
		}
	}
	st, err := bus.JetStream().Stream(ctx, bus.Streams().Events)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(bus.Topics().Event(testIncident, ">")))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{
		bus.Topics().Event(testIncident, "notice.sent"):      2,
		bus.Topics().Event(testIncident, "notice.failed"):    2,
		bus.Topics().Event(testIncident, "notice.delivered"): 1,
	}
	if diff := cmp.Diff(want, info.State.Subjects); diff != "" {
		t.Errorf("events per subject (-want +got):\n%s", diff)
	}
	m, err := st.GetLastMsgForSubject(ctx, bus.Topics().Event(testIncident, "notice.sent"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Header.Get(jetstream.MsgIDHeader), testIncident+"/notice.sent/notice/b/sent"; got != want {
		t.Errorf("Nats-Msg-Id: got %q, want %q", got, want)
	}
	var got map[string]any
	if err := json.Unmarshal(m.Data, &got); err != nil {
		t.Fatal(err)
	}
	wantPayload := map[string]any{"incident": testIncident, "key": "notice/b", "subject": "s-1", "channel": "email",
		"state": "sent", "attempt": float64(1)}
	if diff := cmp.Diff(wantPayload, got); diff != "" {
		t.Errorf("notice.sent payload (-want +got):\n%s", diff)
	}
}

func TestEnqueueWithoutStreamFails(t *testing.T) {
	bus := startBus(t)
	ctx := context.Background()
	if err := bus.JetStream().DeleteStream(ctx, bus.Streams().Notices); err != nil {
		t.Fatalf("delete NOTICES: %v", err)
	}
	led := notify.NewMemoryLedger()
	jobs := makeJobs(t, led, 3)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- NewSink(bus, WithTickets(testTickets)).Enqueue(ctx, jobs...) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("Enqueue without a NOTICES stream: got nil, want an error")
		}
		if !errors.Is(err, jetstream.ErrNoStreamResponse) && !errors.Is(err, nats.ErrNoResponders) {
			t.Logf("Enqueue error (not no-responders): %v", err)
		}
		t.Logf("Enqueue without a stream failed in %s: %v", time.Since(start).Round(time.Millisecond), err)
	case <-time.After(15 * time.Second):
		t.Fatalf("Enqueue without a NOTICES stream with a background context: still waiting after 15s, want an error")
	}
}
