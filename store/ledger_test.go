package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
	"github.com/sirupsen/logrus"
)

// ledgerEntry is the pending entry the planner makes for person i.
func ledgerEntry(incidentID string, i int, ch notify.Channel) notify.Entry {
	e := notify.NewJob(incidentID, 1, 1, "u-"+strconv.Itoa(1000000+i), notify.Route{Channel: ch, To: "x"}, nil).Entry()
	e.CreatedAt = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	return e
}

// TestLedgerTwoHandles has 8 channel workers claim and finish notices
// through two stores on one SQLite file, as two processes would, while a
// planner adds notices: the single writer, busy_timeout and BEGIN
// IMMEDIATE must keep SQLITE_BUSY away.
func TestLedgerTwoHandles(t *testing.T) {
	const workers, notices = 8, 400
	path := filepath.Join(t.TempDir(), "breach.db")
	ledgers := []notify.Ledger{openSQLite(t, path).Ledger(), openSQLite(t, path).Ledger()}
	var entries []notify.Entry
	for i := range notices {
		entries = append(entries, ledgerEntry("INC-1", i, notify.ChannelEmail))
	}
	if _, n, err := ledgers[0].Plan(t.Context(), entries); err != nil || n != notices {
		t.Fatalf("Plan: got %d, %v; want %d, nil", n, err, notices)
	}
	var (
		next    atomic.Int64
		claimed atomic.Int64
		wg      sync.WaitGroup
		mu      sync.Mutex
		errs    []error
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for w := range workers {
		wg.Go(func() {
			l := ledgers[w%2]
			for {
				i := int(next.Add(1)) - 1
				if i >= notices {
					return
				}
				key := entries[i].Key
				// Every notice is delivered twice (a redelivery): the second
				// claim must see it sent and refuse.
				for range 2 {
					_, proceed, err := l.Begin(context.Background(), key, at)
					if err != nil {
						fail(err)
						break
					}
					if !proceed {
						break
					}
					claimed.Add(1)
					if err := l.Finish(context.Background(), key, notify.Outcome{State: notify.StateSent, ProviderID: "m", At: at}); err != nil {
						fail(err)
					}
				}
			}
		})
	}
	wg.Go(func() {
		for b := range 20 {
			var batch []notify.Entry
			for i := range 100 {
				batch = append(batch, ledgerEntry("INC-1", 10000+b*100+i, notify.ChannelSMS))
			}
			if _, _, err := ledgers[1].Plan(context.Background(), batch); err != nil {
				fail(err)
			}
		}
	})
	wg.Wait()
	for _, err := range errs {
		t.Errorf("concurrent ledger use: %v", err)
	}
	if got := claimed.Load(); got != notices {
		t.Errorf("claims that proceeded: got %d, want %d (one per notice)", got, notices)
	}
	c, err := ledgers[0].Counts(t.Context(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c[notify.ChannelEmail][notify.StateSent], notices; got != want {
		t.Errorf("sent e-mail notices: got %d, want %d", got, want)
	}
	if got, want := c[notify.ChannelSMS][notify.StatePending], 2000; got != want {
		t.Errorf("pending SMS notices: got %d, want %d", got, want)
	}
}

// TestLedgerEachStreams walks an incident of 30,000 notices and stops
// early: Each must hand over the first entries without reading them all
// first, and may be left at any point.
func TestLedgerEachStreams(t *testing.T) {
	l := openSQLite(t, filepath.Join(t.TempDir(), "breach.db")).Ledger()
	var entries []notify.Entry
	for i := range 30000 {
		entries = append(entries, ledgerEntry("INC-1", i, notify.ChannelEmail))
	}
	if _, _, err := l.Plan(t.Context(), entries); err != nil {
		t.Fatal(err)
	}
	stop := fmt.Errorf("enough")
	var prev string
	n := 0
	err := l.Each(t.Context(), "INC-1", func(e notify.Entry) error {
		if e.Key <= prev {
			return fmt.Errorf("key %q after %q: not in key order", e.Key, prev)
		}
		prev = e.Key
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Fatalf("Each: got %v, want the error of fn", err)
	}
	// The reader connection went back to the pool: more walks succeed.
	for range 8 {
		total := 0
		if err := l.Each(t.Context(), "INC-1", func(notify.Entry) error { total++; return nil }); err != nil {
			t.Fatal(err)
		}
		if total != 30000 {
			t.Fatalf("Each: got %d entries, want 30000", total)
		}
	}
}

// BenchmarkLedgerPlan measures planning new notices in batches of 1,000
// (the planner's batch), each batch one Plan call.
func BenchmarkLedgerPlan(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			l := open(b).Ledger()
			ctx := context.Background()
			batch := make([]notify.Entry, 1000)
			next := 0
			var total time.Duration
			for b.Loop() {
				b.StopTimer()
				for i := range batch {
					batch[i] = ledgerEntry("INC-1", next, notify.ChannelEmail)
					next++
				}
				b.StartTimer()
				start := time.Now()
				open, n, err := l.Plan(ctx, batch)
				total += time.Since(start)
				if err != nil || n != len(batch) || len(open) != len(batch) || !open[0] {
					b.Fatalf("Plan: got %d new, %d open flags, %v; want %d, %d, nil", n, len(open), err, len(batch), len(batch))
				}
			}
			b.ReportMetric(float64(next)/total.Seconds(), "entries/s")
		})
	}
}

// BenchmarkLedgerBeginFinish measures the worker's ledger calls: 16
// goroutines (a channel's workers) each claim (Begin) and record (Finish)
// notices of a planned campaign.
func BenchmarkLedgerBeginFinish(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			l := open(b).Ledger()
			ctx := context.Background()
			keys := planBench(b, l, func(i int) notify.Entry { return ledgerEntry("INC-1", i, notify.ChannelEmail) })
			at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
			benchWorkers(b, 16, func(i int) error {
				if _, proceed, err := l.Begin(ctx, keys[i], at); err != nil || !proceed {
					return fmt.Errorf("Begin: got proceed %v, %v", proceed, err)
				}
				return l.Finish(ctx, keys[i], notify.Outcome{State: notify.StateSent, ProviderID: "msg-1",
					TemplateVersion: "v1", ContentHash: "sha256:00", At: at})
			})
		})
	}
}

// planBench plans b.N entries made by entry, in the planner's batches,
// and returns their keys.
func planBench(b *testing.B, l notify.Ledger, entry func(i int) notify.Entry) []string {
	keys := make([]string, b.N)
	batch := make([]notify.Entry, 0, notify.DefaultBatchSize)
	for i := range b.N {
		e := entry(i)
		keys[i] = e.Key
		if batch = append(batch, e); len(batch) == cap(batch) || i == b.N-1 {
			if _, _, err := l.Plan(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return keys
}

// benchWorkers times goroutines that together call work for 0 … b.N-1,
// as a channel's workers take notices, and reports notices/s; the first
// error stops its goroutine and fails the benchmark.
func benchWorkers(b *testing.B, goroutines int, work func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	b.ResetTimer()
	for range goroutines {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := work(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notices/s")
}

// BenchmarkLedgerClaimFinish measures the ledger calls of a channel's
// workers as a campaign makes them: 24 goroutines each claim (Claim) and
// record (Finish) notices of a planned campaign, with jobs of a real
// notice's size, on SQLite's group commit. Each records a provider id as
// its channel does: an e-mail its Message-ID (a hash, kept out of the
// provider index), an SMS a Twilio message SID (indexed, for status
// callbacks), so the two show what a provider-index entry at a random
// place costs the single writer.
func BenchmarkLedgerClaimFinish(b *testing.B) {
	for _, ch := range []notify.Channel{notify.ChannelEmail, notify.ChannelSMS} {
		b.Run(string(ch), func(b *testing.B) {
			l := openSQLite(b, filepath.Join(b.TempDir(), "breach.db")).Ledger()
			claimer, ok := l.(notify.Claimer)
			if !ok {
				b.Fatal("the SQLite ledger is not a notify.Claimer")
			}
			ctx := context.Background()
			keys := planBench(b, l, func(i int) notify.Entry {
				id := "u-" + strconv.Itoa(1000000+i)
				j := notify.NewJob("INC-2026-0042", 1, 1, id, notify.Route{Channel: ch, To: id + "@example.com"},
					[]notify.Route{{Channel: notify.ChannelLetter, To: "Beispielstraße 12, 10115 Berlin"}})
				j.Locale, j.Jurisdiction = "de-DE", "DE"
				j.Categories = []string{"email", "name", "postal_address", "phone", "order_history"}
				e := j.Entry()
				e.CreatedAt = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
				return e
			})
			at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
			benchWorkers(b, 24, func(i int) error {
				if _, _, proceed, err := claimer.Claim(ctx, keys[i], ch, at); err != nil || !proceed {
					return fmt.Errorf("Claim: got proceed %v, %v", proceed, err)
				}
				sum := sha256.Sum256([]byte(keys[i]))
				id := "<" + hex.EncodeToString(sum[:16]) + "@notices.example.org>"
				if ch == notify.ChannelSMS {
					id = "SM" + hex.EncodeToString(sum[:16])
				}
				return l.Finish(ctx, keys[i], notify.Outcome{State: notify.StateSent, ProviderID: id,
					TemplateVersion: "v1", ContentHash: "sha256:00", At: at})
			})
		})
	}
}

// BenchmarkPlannerLedger runs notify.Planner end to end over the SQL
// ledger (people streamed in, entries planned in batches of 1,000, jobs
// handed to a sink that drops them), the path a campaign start takes.
func BenchmarkPlannerLedger(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			const people = 20000
			notices := 0
			var total time.Duration
			campaign := 0
			for b.Loop() {
				campaign++
				p := &notify.Planner{Policy: notify.DefaultPolicy(), Ledger: s.Ledger(), Sink: dropSink{}, BatchSize: 1000,
					Now: func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }}
				start := time.Now()
				st, err := p.Run(context.Background(), notify.Campaign{IncidentID: "INC-" + strconv.Itoa(campaign), Revision: 1, Version: 1, HighRisk: true},
					func(fn func(*notify.Recipient) error) error {
						var r notify.Recipient
						for i := range people {
							id := "u-" + strconv.Itoa(1000000+i)
							r = notify.Recipient{ID: id, Email: id + "@example.com", Locale: "de-DE", Jurisdiction: "DE"}
							if i%2 == 0 {
								r.Phone = "+4915550" + strconv.Itoa(100000+i)
							}
							if err := fn(&r); err != nil {
								return err
							}
						}
						return nil
					})
				total += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if st.New != st.Notices+st.Unreachable {
					b.Fatalf("planner: got %d new entries for %d notices and %d unreachable", st.New, st.Notices, st.Unreachable)
				}
				notices += st.Notices
			}
			b.ReportMetric(float64(notices)/total.Seconds(), "notices/s")
		})
	}
}

// dropSink is a notify.Sink that discards everything.
type dropSink struct{}

func (dropSink) Enqueue(context.Context, ...notify.Job) error             { return nil }
func (dropSink) Event(context.Context, incident.NoticeOutcome) error      { return nil }
func (dropSink) DeadLetter(context.Context, string, []byte, string) error { return nil }

// TestLedgerWithWorker drives notify.Worker over the SQL ledger: an e-mail
// that bounces permanently falls back to SMS (planned in the ledger), a
// temporary SMS failure is retried, the retry is sent, and a redelivery of
// the sent notice is acknowledged without sending again.
func TestLedgerWithWorker(t *testing.T) {
	l := openSQLite(t, filepath.Join(t.TempDir(), "breach.db")).Ledger()
	ctx := t.Context()
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Second); return now }
	log := discardLog()
	job := notify.NewJob("INC-1", 1, 1, "u-1", notify.Route{Channel: notify.ChannelEmail, To: "x"},
		[]notify.Route{{Channel: notify.ChannelSMS, To: "y"}})
	if _, _, err := l.Plan(ctx, []notify.Entry{job.Entry()}); err != nil {
		t.Fatal(err)
	}
	sink := &collectSink{}
	email := notify.NewWorker(notify.WorkerConfig{Channel: notify.ChannelEmail}, &scripted{notify.Permanent("550 5.1.1", "no such mailbox", nil)},
		l, fixedRenderer{}, sink, log, clock)
	if d := email.Deliver(ctx, job, nil, 1); d.Action != notify.Ack {
		t.Fatalf("e-mail delivery: got %+v, want Ack", d)
	}
	if len(sink.jobs) != 1 || sink.jobs[0].Route.Channel != notify.ChannelSMS {
		t.Fatalf("fallback jobs: got %+v, want one SMS job", sink.jobs)
	}
	sms := sink.jobs[0]
	notifier := &scripted{notify.Temporary("30003", "unreachable handset", nil), nil}
	smsWorker := notify.NewWorker(notify.WorkerConfig{Channel: notify.ChannelSMS}, notifier, l, fixedRenderer{}, sink, log, clock)
	if d := smsWorker.Deliver(ctx, sms, nil, 1); d.Action != notify.Retry {
		t.Fatalf("first SMS delivery: got %+v, want Retry", d)
	}
	if d := smsWorker.Deliver(ctx, sms, nil, 2); d.Action != notify.Ack || d.Reason != "sent" {
		t.Fatalf("second SMS delivery: got %+v, want Ack (sent)", d)
	}
	if d := smsWorker.Deliver(ctx, sms, nil, 3); d.Action != notify.Ack || d.Reason != "already sent" {
		t.Fatalf("redelivery of a sent notice: got %+v, want Ack (already sent)", d)
	}
	if len(*notifier) != 0 {
		t.Errorf("notifier calls left unused: %d, want 0 (a sent notice is not sent again)", len(*notifier))
	}

	got, err := l.Get(ctx, job.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != notify.StateFailedPermanent || got.Attempts != 1 || got.ContentHash != "h" {
		t.Errorf("e-mail entry: got state %q, %d attempts, hash %q; want failed_permanent, 1, h", got.State, got.Attempts, got.ContentHash)
	}
	got, err = l.Get(ctx, sms.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != notify.StateSent || got.Attempts != 2 || got.ProviderID != "provider-1" || got.SentAt.IsZero() || got.Error != "" {
		t.Errorf("SMS entry: got %+v; want sent after 2 attempts by provider-1 with a send time and no error", got)
	}
}

// scripted is a notify.Notifier answering with its errors in turn (nil
// sends, with provider id "provider-1").
type scripted []error

func (s *scripted) Notify(context.Context, *notify.Message) (string, error) {
	err := (*s)[0]
	*s = (*s)[1:]
	if err != nil {
		return "", err
	}
	return "provider-1", nil
}

type fixedRenderer struct{}

func (fixedRenderer) Render(_ context.Context, j *notify.Job) (*notify.Message, notify.Rendering, error) {
	return &notify.Message{Key: j.Key, IncidentID: j.IncidentID, SubjectID: j.SubjectID, Channel: j.Route.Channel, To: j.Route.To, Text: "t"},
		notify.Rendering{TemplateVersion: "v1", ContentHash: "h"}, nil
}

// collectSink is a notify.Sink keeping the jobs it is given.
type collectSink struct{ jobs []notify.Job }

func (s *collectSink) Enqueue(_ context.Context, jobs ...notify.Job) error {
	s.jobs = append(s.jobs, jobs...)
	return nil
}
func (*collectSink) Event(context.Context, incident.NoticeOutcome) error      { return nil }
func (*collectSink) DeadLetter(context.Context, string, []byte, string) error { return nil }

func discardLog() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}
