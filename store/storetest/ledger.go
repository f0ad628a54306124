package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

// The ledger cases check store.Store.Ledger against the semantics of
// notify.MemoryLedger, the reference implementation.

// notice returns the pending entry the planner makes for one route.
func notice(incidentID, subjectID string, ch notify.Channel, version int) notify.Entry {
	e := notify.NewJob(incidentID, 1, version, subjectID, notify.Route{Channel: ch, To: "x"}, nil).Entry()
	e.CreatedAt, e.UpdatedAt = base, base
	return e
}

func mustPlan(t *testing.T, l notify.Ledger, entries ...notify.Entry) int {
	t.Helper()
	_, n := mustPlanOpen(t, l, entries...)
	return n
}

// mustPlanOpen plans entries and returns Plan's open flags (checked to be
// one per entry) and count of new entries.
func mustPlanOpen(t *testing.T, l notify.Ledger, entries ...notify.Entry) ([]bool, int) {
	t.Helper()
	open, n, err := l.Plan(t.Context(), entries)
	if err != nil {
		t.Fatalf("Plan(%d entries): got error %v, want nil", len(entries), err)
	}
	if len(open) != len(entries) {
		t.Fatalf("Plan(%d entries): got %d open flags, want one per entry", len(entries), len(open))
	}
	return open, n
}

func mustGet(t *testing.T, l notify.Ledger, key string) notify.Entry {
	t.Helper()
	e, err := l.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%s): got error %v, want nil", key, err)
	}
	return e
}

func eachKeys(t *testing.T, l notify.Ledger, incidentID string) []string {
	t.Helper()
	var keys []string
	if err := l.Each(t.Context(), incidentID, func(e notify.Entry) error {
		keys = append(keys, e.Key)
		return nil
	}); err != nil {
		t.Fatalf("Each(%s): got error %v, want nil", incidentID, err)
	}
	return keys
}

func testLedgerPlan(t *testing.T, s store.Store) {
	for _, tc := range ledgerEngineCases {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, s) })
	}
	l := s.Ledger()
	a := notice("INC-L1", "u-1", notify.ChannelEmail, 1)
	b := notice("INC-L1", "u-2", notify.ChannelEmail, 1)
	b.State = "" // pending when empty
	c := notice("INC-L1", "u-3", notify.ChannelNone, 1)
	c.State = notify.StateUnreachable
	// open: created now or existing in a state that is not final.
	open, got := mustPlanOpen(t, l, a, b, c)
	if got != 3 {
		t.Errorf("first Plan: got %d new, want 3", got)
	}
	if diff := cmp.Diff([]bool{true, true, false}, open); diff != "" {
		t.Errorf("first Plan: open (-want +got):\n%s", diff)
	}
	open, got = mustPlanOpen(t, l, a, b, c)
	if got != 0 {
		t.Errorf("second Plan of the same entries: got %d new, want 0", got)
	}
	if diff := cmp.Diff([]bool{true, true, false}, open); diff != "" {
		t.Errorf("second Plan of the same entries: open (-want +got):\n%s", diff)
	}
	// An existing key keeps its row, whatever the new entry says.
	changed := a
	changed.State, changed.Attempts, changed.ProviderID = notify.StateSent, 4, "other"
	d := notice("INC-L1", "u-4", notify.ChannelSMS, 1)
	// A key repeated within one call is planned once: the first one wins.
	d2 := d
	d2.State = notify.StateSkipped
	open, got = mustPlanOpen(t, l, changed, d, d2)
	if got != 1 {
		t.Errorf("Plan of one existing, one new and one repeated entry: got %d new, want 1", got)
	}
	if diff := cmp.Diff([]bool{true, true, true}, open); diff != "" {
		t.Errorf("Plan of one existing, one new and one repeated entry: open (-want +got):\n%s", diff)
	}
	if got := mustPlan(t, l); got != 0 {
		t.Errorf("Plan of nothing: got %d, want 0", got)
	}
	wantB := b
	wantB.State = notify.StatePending
	for _, want := range []notify.Entry{a, wantB, c, d} {
		if diff := cmp.Diff(want, mustGet(t, l, want.Key)); diff != "" {
			t.Errorf("Get(%s) (-want +got):\n%s", want.Key, diff)
		}
	}
	t.Run("open by state", func(t *testing.T) {
		var entries []notify.Entry
		var want []bool
		for _, st := range notify.States {
			e := notice("INC-L1", "u-open-"+string(st), notify.ChannelEmail, 1)
			e.State = st
			entries = append(entries, e)
			want = append(want, !st.Final())
		}
		for round, what := range []string{"created now", "existing"} {
			open, n := mustPlanOpen(t, l, entries...)
			if wantN := len(entries) * (1 - round); n != wantN {
				t.Errorf("Plan of entries %s: got %d new, want %d", what, n, wantN)
			}
			if diff := cmp.Diff(want, open); diff != "" {
				t.Errorf("Plan of entries %s in states %v: open (-want +got):\n%s", what, notify.States, diff)
			}
		}
	})
	full := notify.Entry{Key: "k-full", IncidentID: "INC-L1", SubjectID: "u-9", Channel: notify.ChannelLetter, Version: 3,
		Guardian: true, State: notify.StateFailedTemporary, Attempts: 2, ProviderID: "p-1", Error: "mailbox full",
		TemplateVersion: "t-7", ContentHash: "sha256:ab", CreatedAt: base, UpdatedAt: base.Add(time.Minute),
		SentAt: base.Add(time.Hour)}
	mustPlan(t, l, full)
	if diff := cmp.Diff(full, mustGet(t, l, "k-full")); diff != "" {
		t.Errorf("Get of an entry planned with every field set (-want +got):\n%s", diff)
	}
}

func testLedgerPlanLarge(t *testing.T, s store.Store) {
	l := s.Ledger()
	var entries []notify.Entry
	for i := range 2500 {
		entries = append(entries, notice("INC-L2", fmt.Sprintf("u-%05d", i), notify.ChannelEmail, 1))
	}
	slices.Reverse(entries)
	if got := mustPlan(t, l, entries...); got != 2500 {
		t.Errorf("Plan of 2,500 entries: got %d new, want 2500", got)
	}
	// Finish every third of the first 1,200: Plan must report the others
	// open, each at its own index although keys are planned in key order.
	for i := 0; i < 1200; i += 3 {
		if err := l.Finish(t.Context(), entries[i].Key, notify.Outcome{State: notify.StateSent, At: base}); err != nil {
			t.Fatal(err)
		}
	}
	more := append(slices.Clone(entries[:1200]), notice("INC-L2", "u-new", notify.ChannelSMS, 1))
	open, got := mustPlanOpen(t, l, more...)
	if got != 1 {
		t.Errorf("Plan of 1,200 known entries and one new: got %d new, want 1", got)
	}
	for i, o := range open {
		if want := i == 1200 || i%3 != 0; o != want {
			t.Errorf("Plan of 1,200 known entries and one new: entry %d open %v, want %v", i, o, want)
		}
	}
	c, err := l.Counts(t.Context(), "INC-L2")
	if err != nil {
		t.Fatal(err)
	}
	want := notify.Counts{notify.ChannelEmail: {notify.StatePending: 2100, notify.StateSent: 400}, notify.ChannelSMS: {notify.StatePending: 1}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

// testLedgerLiftLarge: 1,500 people marked unreachable, then planned an
// e-mail each in one call (more people than one statement lifts): every
// mark is lifted, and a person of another version keeps theirs.
func testLedgerLiftLarge(t *testing.T, s store.Store) {
	l := s.Ledger()
	var marks, routes []notify.Entry
	for i := range 1500 {
		m := notice("INC-L8", fmt.Sprintf("u-%05d", i), notify.ChannelNone, 1)
		m.State = notify.StateUnreachable
		marks = append(marks, m)
		routes = append(routes, notice("INC-L8", fmt.Sprintf("u-%05d", i), notify.ChannelEmail, 1))
	}
	kept := notice("INC-L8", "u-00007", notify.ChannelNone, 2)
	kept.State = notify.StateUnreachable
	mustPlan(t, l, append(marks, kept)...)
	if got := mustPlan(t, l, routes...); got != 1500 {
		t.Fatalf("Plan of 1,500 routes: got %d new, want 1500", got)
	}
	c, err := l.Counts(t.Context(), "INC-L8")
	if err != nil {
		t.Fatal(err)
	}
	want := notify.Counts{notify.ChannelEmail: {notify.StatePending: 1500},
		notify.ChannelNone: {notify.StateSkipped: 1500, notify.StateUnreachable: 1}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

func testLedgerTransitions(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	e := notice("INC-L3", "u-1", notify.ChannelEmail, 1)
	mustPlan(t, l, e)
	t1 := base.Add(time.Minute)
	got, proceed, err := l.Begin(ctx, e.Key, t1)
	want := e
	want.State, want.Attempts, want.UpdatedAt = notify.StateSending, 1, t1
	if err != nil || !proceed {
		t.Fatalf("Begin of a pending notice: got proceed %v, error %v; want true, nil", proceed, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Begin of a pending notice (-want +got):\n%s", diff)
	}

	t2 := t1.Add(time.Second)
	if err := l.Finish(ctx, e.Key, notify.Outcome{State: notify.StateFailedTemporary, Error: "421 try later",
		TemplateVersion: "t-1", ContentHash: "h-1", At: t2}); err != nil {
		t.Fatalf("Finish: got %v, want nil", err)
	}
	want.State, want.Error, want.TemplateVersion, want.ContentHash, want.UpdatedAt = notify.StateFailedTemporary, "421 try later", "t-1", "h-1", t2
	if diff := cmp.Diff(want, mustGet(t, l, e.Key)); diff != "" {
		t.Errorf("after a temporary failure (-want +got):\n%s", diff)
	}

	t3 := t2.Add(time.Minute)
	got, proceed, err = l.Begin(ctx, e.Key, t3)
	want.State, want.Attempts, want.UpdatedAt = notify.StateSending, 2, t3
	if err != nil || !proceed {
		t.Fatalf("Begin after a temporary failure: got proceed %v, error %v; want true, nil", proceed, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Begin after a temporary failure (-want +got):\n%s", diff)
	}

	// Sending within the claim lease belongs to a live worker: another
	// copy's Begin is refused and changes nothing.
	for _, within := range []time.Duration{0, time.Second, notify.ClaimLease - time.Nanosecond, notify.ClaimLease} {
		got, proceed, err = l.Begin(ctx, e.Key, t3.Add(within))
		if err != nil || proceed {
			t.Fatalf("Begin of a notice sending for %s: got proceed %v, error %v; want false, nil", within, proceed, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Begin of a notice sending for %s returned (-want +got):\n%s", within, diff)
		}
		if diff := cmp.Diff(want, mustGet(t, l, e.Key)); diff != "" {
			t.Errorf("a refused Begin of a notice sending for %s changed it (-want +got):\n%s", within, diff)
		}
	}

	// After the lease, sending was left by a crash mid-send: the
	// redelivery claims it again.
	t4 := t3.Add(notify.ClaimLease + time.Nanosecond)
	got, proceed, err = l.Begin(ctx, e.Key, t4)
	want.Attempts, want.UpdatedAt = 3, t4
	if err != nil || !proceed {
		t.Fatalf("Begin of a notice sending for longer than the lease: got proceed %v, error %v; want true, nil", proceed, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Begin of a notice sending for longer than the lease (-want +got):\n%s", diff)
	}

	t5 := t4.Add(time.Second)
	if err := l.Finish(ctx, e.Key, notify.Outcome{State: notify.StateSent, ProviderID: "msg-42",
		TemplateVersion: "t-2", ContentHash: "h-2", At: t5}); err != nil {
		t.Fatal(err)
	}
	want.State, want.ProviderID, want.Error, want.TemplateVersion, want.ContentHash = notify.StateSent, "msg-42", "", "t-2", "h-2"
	want.UpdatedAt, want.SentAt = t5, t5
	if diff := cmp.Diff(want, mustGet(t, l, e.Key)); diff != "" {
		t.Errorf("after sending (-want +got):\n%s", diff)
	}

	// Sent is final: Begin refuses and changes nothing.
	got, proceed, err = l.Begin(ctx, e.Key, t5.Add(time.Hour))
	if err != nil || proceed {
		t.Fatalf("Begin of a sent notice: got proceed %v, error %v; want false, nil", proceed, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Begin of a sent notice returned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, mustGet(t, l, e.Key)); diff != "" {
		t.Errorf("a refused Begin changed the entry (-want +got):\n%s", diff)
	}

	// Finish writes what it is told; sent_at stays that of the sending.
	t6 := t5.Add(time.Hour)
	if err := l.Finish(ctx, e.Key, notify.Outcome{State: notify.StateSkipped, At: t6}); err != nil {
		t.Fatal(err)
	}
	want.State, want.ProviderID, want.TemplateVersion, want.ContentHash, want.UpdatedAt = notify.StateSkipped, "", "", "", t6
	if diff := cmp.Diff(want, mustGet(t, l, e.Key)); diff != "" {
		t.Errorf("after a later Finish (-want +got):\n%s", diff)
	}
}

func testLedgerBeginByState(t *testing.T, s store.Store) {
	l := s.Ledger()
	at := base.Add(time.Hour)
	type tc struct {
		name    string
		state   notify.State
		updated time.Time // of the planned entry
		claim   bool
	}
	var cases []tc
	for _, st := range notify.States {
		cases = append(cases, tc{string(st), st, base, !st.Final()})
	}
	cases = append(cases,
		tc{"sending within the lease", notify.StateSending, at.Add(-notify.ClaimLease / 2), false},
		tc{"sending at the end of the lease", notify.StateSending, at.Add(-notify.ClaimLease), false},
		tc{"sending just after the lease", notify.StateSending, at.Add(-notify.ClaimLease - time.Nanosecond), true},
		tc{"sending never updated", notify.StateSending, time.Time{}, true},
		tc{"sending updated later than the claim", notify.StateSending, at.Add(time.Minute), false},
	)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := notice("INC-L4", fmt.Sprintf("u-%d", i), notify.ChannelEmail, 1)
			e.State, e.Attempts, e.UpdatedAt = c.state, 2, c.updated
			mustPlan(t, l, e)
			got, proceed, err := l.Begin(t.Context(), e.Key, at)
			if err != nil {
				t.Fatalf("Begin: got error %v, want nil", err)
			}
			want := e
			if c.claim {
				want.State, want.Attempts, want.UpdatedAt = notify.StateSending, 3, at
			}
			if proceed != c.claim {
				t.Errorf("Begin from %s: got proceed %v, want %v", c.name, proceed, c.claim)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Begin from %s returned (-want +got):\n%s", c.name, diff)
			}
			if diff := cmp.Diff(want, mustGet(t, l, e.Key)); diff != "" {
				t.Errorf("stored after Begin from %s (-want +got):\n%s", c.name, diff)
			}
		})
	}
}

func testLedgerUnknown(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	mustPlan(t, l, notice("INC-L5", "u-1", notify.ChannelEmail, 1))
	const key = "notice/INC-L5/u-none/email/v1"
	checks := []struct {
		name string
		call func() error
	}{
		{"Begin", func() error {
			e, proceed, err := l.Begin(ctx, key, base)
			if proceed || !cmp.Equal(e, notify.Entry{}) {
				return fmt.Errorf("got proceed %v and entry %+v with error %w", proceed, e, err)
			}
			return err
		}},
		{"Finish", func() error { return l.Finish(ctx, key, notify.Outcome{State: notify.StateSent, At: base}) }},
		{"Get", func() error { _, err := l.Get(ctx, key); return err }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, notify.ErrUnknownNotice) {
				t.Errorf("got %v, want notify.ErrUnknownNotice", err)
			}
		})
	}
	c, err := l.Counts(ctx, "INC-none")
	if err != nil || c == nil || len(c) != 0 {
		t.Errorf("Counts of an incident without notices: got %v, %v; want empty, nil", c, err)
	}
	if keys := eachKeys(t, l, "INC-none"); len(keys) != 0 {
		t.Errorf("Each of an incident without notices: got %q, want none", keys)
	}
	// A Finish of an unknown key must not have created it.
	if _, err := l.Get(ctx, key); !errors.Is(err, notify.ErrUnknownNotice) {
		t.Errorf("Get after Finish of an unknown key: got %v, want notify.ErrUnknownNotice", err)
	}
}

func testLedgerCounts(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	var entries []notify.Entry
	for i := range 7 {
		entries = append(entries, notice("INC-L6", fmt.Sprintf("u-%d", i), notify.ChannelEmail, 1))
	}
	for i := range 3 {
		entries = append(entries, notice("INC-L6", fmt.Sprintf("u-%d", i), notify.ChannelSMS, 1))
	}
	none := notice("INC-L6", "u-9", notify.ChannelNone, 1)
	none.State = notify.StateUnreachable
	other := notice("INC-L7", "u-1", notify.ChannelEmail, 1)
	mustPlan(t, l, append(entries, none, other)...)
	finish := func(e notify.Entry, st notify.State) {
		t.Helper()
		if _, _, err := l.Begin(ctx, e.Key, base); err != nil {
			t.Fatal(err)
		}
		if st == notify.StateSending {
			return
		}
		if err := l.Finish(ctx, e.Key, notify.Outcome{State: st, At: base}); err != nil {
			t.Fatal(err)
		}
	}
	finish(entries[0], notify.StateSent)
	finish(entries[1], notify.StateSent)
	finish(entries[2], notify.StateFailedTemporary)
	finish(entries[3], notify.StateFailedPermanent)
	finish(entries[4], notify.StateSending)
	finish(entries[7], notify.StateSent)
	finish(other, notify.StateSent)
	got, err := l.Counts(ctx, "INC-L6")
	if err != nil {
		t.Fatalf("Counts: got error %v, want nil", err)
	}
	want := notify.Counts{
		notify.ChannelEmail: {notify.StateSent: 2, notify.StateFailedTemporary: 1, notify.StateFailedPermanent: 1,
			notify.StateSending: 1, notify.StatePending: 2},
		notify.ChannelSMS:  {notify.StateSent: 1, notify.StatePending: 2},
		notify.ChannelNone: {notify.StateUnreachable: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

func testLedgerEach(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	// Keys whose byte order differs from a natural-language collation's.
	keys := []string{"notice/a", "notice/B", "notice/_x", "notice/a-b", "notice/ab", "notice/A", "notice/a b",
		"notice/é", "notice/z", "notice/10", "notice/9", "Notice/a"}
	var entries []notify.Entry
	for i, k := range keys {
		entries = append(entries, notify.Entry{Key: k, IncidentID: "INC-L8", SubjectID: fmt.Sprintf("u-%d", i), Channel: notify.ChannelEmail, Version: 1})
	}
	entries = append(entries, notify.Entry{Key: "notice/b-other", IncidentID: "INC-L9", SubjectID: "u-1", Channel: notify.ChannelEmail, Version: 1})
	mustPlan(t, l, entries...)
	want := slices.Clone(keys)
	slices.Sort(want)
	if diff := cmp.Diff(want, eachKeys(t, l, "INC-L8")); diff != "" {
		t.Errorf("Each order (-want +got):\n%s", diff)
	}

	// fn's error stops the walk and comes back as is.
	stop := errors.New("stop here")
	n := 0
	err := l.Each(ctx, "INC-L8", func(notify.Entry) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("Each stopped by fn: got error %v after %d calls, want %v after 3", err, n, stop)
	}

	// fn may use the ledger; the walk sees the entries as they were when it
	// started, as MemoryLedger's copy does.
	var states []notify.State
	err = l.Each(ctx, "INC-L8", func(e notify.Entry) error {
		states = append(states, e.State)
		if e.Key == want[0] {
			if _, _, err := l.Begin(ctx, want[len(want)-1], base); err != nil {
				return err
			}
			if _, err := l.Get(ctx, want[len(want)-1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Each calling the ledger: got %v, want nil", err)
	}
	if last := states[len(states)-1]; last != notify.StatePending {
		t.Errorf("Each: the last entry changed during the walk shows %q, want %q (the state when the walk began)", last, notify.StatePending)
	}
	if got := mustGet(t, l, want[len(want)-1]).State; got != notify.StateSending {
		t.Errorf("after Each: got state %q, want %q", got, notify.StateSending)
	}

	// Cancelling the context ends the walk with the context's error.
	cctx, cancel := context.WithCancel(ctx)
	err = l.Each(cctx, "INC-L8", func(notify.Entry) error { cancel(); return nil })
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Each with a cancelled context: got %v, want nil or context.Canceled", err)
	}
}

func testLedgerTimes(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	// Nanoseconds, another zone and a monotonic reading all round-trip.
	created := time.Date(2026, 11, 21, 8, 30, 0, 123456789, zone)
	e := notify.Entry{Key: "k-time", IncidentID: "INC-L10", SubjectID: "u-1", Channel: notify.ChannelEmail, Version: 1, CreatedAt: created}
	mustPlan(t, l, e)
	got := mustGet(t, l, "k-time")
	if !got.CreatedAt.Equal(created) || !got.UpdatedAt.IsZero() || !got.SentAt.IsZero() {
		t.Errorf("times after Plan: got created %v, updated %v, sent %v; want %v, zero, zero", got.CreatedAt, got.UpdatedAt, got.SentAt, created)
	}
	now := time.Now()
	if _, _, err := l.Begin(ctx, "k-time", now); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, l, "k-time"); !got.UpdatedAt.Equal(now) {
		t.Errorf("updated_at after Begin: got %v, want %v", got.UpdatedAt, now)
	}
	// A zero time is kept as zero.
	if err := l.Finish(ctx, "k-time", notify.Outcome{State: notify.StateSent}); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, l, "k-time"); !got.UpdatedAt.IsZero() || !got.SentAt.IsZero() {
		t.Errorf("times after a Finish at the zero time: got updated %v, sent %v; want zero", got.UpdatedAt, got.SentAt)
	}
	// A time the ledger cannot keep exactly is refused, not altered.
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, _, err := l.Plan(ctx, []notify.Entry{{Key: "k-far", IncidentID: "INC-L10", CreatedAt: far}}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Plan with a time in 2300: got %v, want store.ErrInvalid", err)
	}
	if err := l.Finish(ctx, "k-time", notify.Outcome{State: notify.StateSent, At: far}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Finish at a time in 2300: got %v, want store.ErrInvalid", err)
	}
}

// testLedgerMatchesMemory runs the same calls on notify.MemoryLedger and
// on the store's ledger and compares every answer: a scripted campaign,
// then random calls over a small set of keys.
func testLedgerMatchesMemory(t *testing.T, s store.Store) {
	ctx := t.Context()
	mem, sqlL := notify.NewMemoryLedger(), s.Ledger()
	tick := time.Now() // with a monotonic reading and nanoseconds
	cr := rand.New(rand.NewPCG(3, 4))
	// Mostly under a second apart, sometimes a lease or more: Begin meets
	// sending notices both within and after their claim lease.
	clock := func() time.Time {
		d := time.Duration(1 + cr.IntN(int(time.Second)))
		switch cr.IntN(40) {
		case 0:
			d += notify.ClaimLease
		case 1:
			d += time.Duration(cr.IntN(int(notify.ClaimLease)))
		}
		tick = tick.Add(d)
		return tick
	}
	step := 0
	compare := func(what string, want, got any) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("step %d, %s: MemoryLedger (-) and store ledger (+) differ:\n%s", step, what, diff)
		}
	}
	errKind := func(err error) string {
		switch {
		case err == nil:
			return "nil"
		case errors.Is(err, notify.ErrUnknownNotice):
			return "unknown notice"
		default:
			return "error: " + err.Error()
		}
	}
	incidents := []string{"INC-M1", "INC-M2"}
	channels := []notify.Channel{notify.ChannelEmail, notify.ChannelSMS, notify.ChannelPush, notify.ChannelNone}
	states := append([]notify.State{""}, notify.States...)
	var keys []string
	randEntry := func(r *rand.Rand) notify.Entry {
		inc := incidents[r.IntN(len(incidents))]
		e := notice(inc, fmt.Sprintf("u-%d", r.IntN(12)), channels[r.IntN(len(channels))], 1+r.IntN(2))
		e.State = states[r.IntN(len(states))]
		e.CreatedAt, e.UpdatedAt = clock(), time.Time{}
		if r.IntN(4) == 0 {
			e.Attempts, e.Guardian, e.ProviderID, e.Error = r.IntN(3), true, "p", "e"
			e.CreatedAt = clock().In(time.FixedZone("X", -7*3600))
		}
		return e
	}
	plan := func(entries []notify.Entry) {
		o1, n1, err1 := mem.Plan(ctx, entries)
		o2, n2, err2 := sqlL.Plan(ctx, entries)
		compare("Plan", fmt.Sprint(n1, " ", errKind(err1)), fmt.Sprint(n2, " ", errKind(err2)))
		compare("Plan open", o1, o2)
		for _, e := range entries {
			keys = append(keys, e.Key)
		}
	}
	begin := func(key string) {
		at := clock()
		e1, p1, err1 := mem.Begin(ctx, key, at)
		e2, p2, err2 := sqlL.Begin(ctx, key, at)
		compare("Begin "+key, fmt.Sprint(p1, " ", errKind(err1)), fmt.Sprint(p2, " ", errKind(err2)))
		compare("Begin "+key+" entry", e1, e2)
	}
	finish := func(key string, o notify.Outcome) {
		compare("Finish "+key, errKind(mem.Finish(ctx, key, o)), errKind(sqlL.Finish(ctx, key, o)))
	}
	settle := func(key string, others []string, o notify.Outcome) {
		s1, err1 := mem.Settle(ctx, key, others, o)
		s2, err2 := sqlL.Settle(ctx, key, others, o)
		compare("Settle "+key, fmt.Sprint(s1, " ", errKind(err1)), fmt.Sprint(s2, " ", errKind(err2)))
	}
	get := func(key string) {
		e1, err1 := mem.Get(ctx, key)
		e2, err2 := sqlL.Get(ctx, key)
		compare("Get "+key, errKind(err1), errKind(err2))
		compare("Get "+key+" entry", e1, e2)
	}
	all := func() {
		for _, inc := range incidents {
			c1, err1 := mem.Counts(ctx, inc)
			c2, err2 := sqlL.Counts(ctx, inc)
			compare("Counts "+inc, errKind(err1), errKind(err2))
			compare("Counts "+inc, c1, c2)
			var l1, l2 []notify.Entry
			err1 = mem.Each(ctx, inc, func(e notify.Entry) error { l1 = append(l1, e); return nil })
			err2 = sqlL.Each(ctx, inc, func(e notify.Entry) error { l2 = append(l2, e); return nil })
			compare("Each "+inc, errKind(err1), errKind(err2))
			compare("Each "+inc, l1, l2)
		}
	}

	// A campaign as the planner and a worker run it.
	a := notice("INC-M1", "u-1", notify.ChannelEmail, 1)
	b := notice("INC-M1", "u-2", notify.ChannelEmail, 1)
	u := notice("INC-M1", "u-3", notify.ChannelNone, 1)
	u.State = notify.StateUnreachable
	plan([]notify.Entry{a, b, u, a})
	begin(a.Key)
	finish(a.Key, notify.Outcome{State: notify.StateSent, ProviderID: "m-1", TemplateVersion: "t", ContentHash: "h", At: clock()})
	begin(a.Key)
	begin(b.Key)
	finish(b.Key, notify.Outcome{State: notify.StateFailedTemporary, Error: "421", At: clock()})
	begin(b.Key)
	fb := notice("INC-M1", "u-2", notify.ChannelSMS, 1)
	plan([]notify.Entry{fb})
	finish(b.Key, notify.Outcome{State: notify.StateFailedPermanent, Error: "550", At: clock()})
	begin(fb.Key)
	begin(fb.Key) // a copy within the claim lease: refused
	plan([]notify.Entry{a, b, u, fb})
	finish(fb.Key, notify.Outcome{State: notify.StateSent, ProviderID: "SM1", At: clock()})
	begin(u.Key)
	begin("notice/INC-M1/u-none/email/v1")
	finish("notice/INC-M1/u-none/email/v1", notify.Outcome{State: notify.StateSent, At: clock()})
	all()

	// Random calls.
	r := rand.New(rand.NewPCG(1, 2))
	for step = 1; step <= 600; step++ {
		key := "notice/INC-M1/u-missing/sms/v1"
		if len(keys) > 0 && r.IntN(10) > 0 {
			key = keys[r.IntN(len(keys))]
		}
		switch op := r.IntN(10); {
		case op < 2:
			var batch []notify.Entry
			for range 1 + r.IntN(5) {
				batch = append(batch, randEntry(r))
			}
			plan(batch)
		case op < 5:
			begin(key)
		case op < 8:
			finish(key, notify.Outcome{State: notify.States[r.IntN(len(notify.States))], ProviderID: fmt.Sprint("p-", step),
				Error: fmt.Sprint("e-", step), TemplateVersion: "t", ContentHash: fmt.Sprint("h-", step), At: clock()})
		case op < 9:
			get(key)
		default:
			all()
		}
	}
	all()

	// Random settles, mixed with claims and finishes: a settle reads the
	// states of a few other keys (some never planned), and may meet the
	// key itself among them.
	for step = 601; step <= 900; step++ {
		key := keys[r.IntN(len(keys))]
		switch op := r.IntN(4); {
		case op < 2:
			others := []string{"notice/INC-M1/u-missing/letter/v1"}
			for range r.IntN(4) {
				others = append(others, keys[r.IntN(len(keys))])
			}
			st := notify.StateFailedPermanent
			if r.IntN(5) == 0 {
				st = notify.States[r.IntN(len(notify.States))]
			}
			settle(key, others, notify.Outcome{State: st, Error: fmt.Sprint("e-", step), At: clock()})
			get(key)
		case op < 3:
			begin(key)
		default:
			finish(key, notify.Outcome{State: notify.States[r.IntN(len(notify.States))], At: clock()})
		}
	}
	settle("notice/INC-M1/u-missing/sms/v1", nil, notify.Outcome{State: notify.StateFailedPermanent, At: clock()})
	all()
}

// testLedgerConcurrent has several channel workers claim and finish the
// same notices while a planner adds more and readers count and export.
func testLedgerConcurrent(t *testing.T, s store.Store) {
	const workers, keys = 8, 120
	l := s.Ledger()
	var planned []notify.Entry
	for i := range keys {
		planned = append(planned, notice("INC-C1", fmt.Sprintf("u-%03d", i), notify.ChannelEmail, 1))
	}
	mustPlan(t, l, planned...)

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		errs     []error
		proceeds = map[string]int{}
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	ctx := context.Background()
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			order := r.Perm(keys)
			for _, i := range order {
				key := planned[i].Key
				_, proceed, err := l.Begin(ctx, key, base)
				if err != nil {
					fail(fmt.Errorf("worker %d: %w", w, err))
					continue
				}
				if !proceed {
					continue
				}
				mu.Lock()
				proceeds[key]++
				mu.Unlock()
				st := notify.StateFailedTemporary
				if r.IntN(3) == 0 {
					st = notify.StateSent
				}
				if err := l.Finish(ctx, key, notify.Outcome{State: st, ProviderID: fmt.Sprint("w", w), At: base}); err != nil {
					fail(fmt.Errorf("worker %d: %w", w, err))
				}
			}
		})
	}
	wg.Go(func() { // a planner adding people, and fallbacks
		for b := range 10 {
			var batch []notify.Entry
			for i := range 50 {
				batch = append(batch, notice("INC-C1", fmt.Sprintf("p-%d-%d", b, i), notify.ChannelSMS, 1))
			}
			if _, _, err := l.Plan(ctx, batch); err != nil {
				fail(fmt.Errorf("planner: %w", err))
			}
		}
	})
	wg.Go(func() { // a dashboard and an export
		for range 10 {
			if _, err := l.Counts(ctx, "INC-C1"); err != nil {
				fail(fmt.Errorf("counts: %w", err))
			}
			if err := l.Each(ctx, "INC-C1", func(notify.Entry) error { return nil }); err != nil {
				fail(fmt.Errorf("each: %w", err))
			}
		}
	})
	wg.Wait()
	for _, err := range errs {
		t.Errorf("concurrent ledger use: %v", err)
	}
	total := 0
	for _, e := range planned {
		got := mustGet(t, l, e.Key)
		if got.Attempts != proceeds[e.Key] {
			t.Errorf("%s: got %d attempts, want %d (the claims that proceeded)", e.Key, got.Attempts, proceeds[e.Key])
		}
		if got.State == notify.StateSending || got.State == notify.StatePending {
			t.Errorf("%s: got state %q after every worker finished, want a finished state", e.Key, got.State)
		}
		total += got.Attempts
	}
	if total < keys {
		t.Errorf("total attempts: got %d, want at least %d", total, keys)
	}
	c, err := l.Counts(ctx, "INC-C1")
	if err != nil {
		t.Fatal(err)
	}
	if got := c[notify.ChannelSMS][notify.StatePending]; got != 500 {
		t.Errorf("planned concurrently: got %d pending SMS notices, want 500", got)
	}
	sum := 0
	for _, n := range c[notify.ChannelEmail] {
		sum += n
	}
	if sum != keys {
		t.Errorf("e-mail notices counted: got %d, want %d", sum, keys)
	}
}

// testLedgerSettle checks Settle: a legal-notice route that failed with no
// fallback left marks its person unreachable only when none of the
// person's other routes is sent, still open, or already the mark (the
// unreachable count drives the public announcement, so a person who was
// told, or may still be, must not be counted).
func testLedgerSettle(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	at := base.Add(time.Hour)
	o := notify.Outcome{State: notify.StateFailedPermanent, Error: "permanent delivery failure 550 5.1.1", TemplateVersion: "t", ContentHash: "h", At: at}
	tests := []struct {
		name   string
		others []notify.State // the person's other routes: SMS, voice, letter
		want   notify.State
	}{
		{"no other route", nil, notify.StateUnreachable},
		{"SMS sent", []notify.State{notify.StateSent}, notify.StateFailedPermanent},
		{"SMS pending", []notify.State{notify.StatePending}, notify.StateFailedPermanent},
		{"SMS sending", []notify.State{notify.StateSending}, notify.StateFailedPermanent},
		{"SMS failed temporarily", []notify.State{notify.StateFailedTemporary}, notify.StateFailedPermanent},
		// An unreachable mark planned beside the e-mail being sent is
		// lifted by Plan (the person is never unreachable beside an open
		// route), so the e-mail failing last becomes the mark.
		{"SMS marked before the e-mail was planned", []notify.State{notify.StateUnreachable}, notify.StateUnreachable},
		{"SMS delivered", []notify.State{notify.StateDelivered}, notify.StateFailedPermanent},
		{"SMS written to the outbox", []notify.State{notify.StateWritten}, notify.StateFailedPermanent},
		{"every other route failed", []notify.State{notify.StateFailedPermanent, notify.StateFailedPermanent}, notify.StateUnreachable},
		{"others failed or skipped, letter sent", []notify.State{notify.StateFailedPermanent, notify.StateSkipped, notify.StateSent}, notify.StateFailedPermanent},
	}
	others := []notify.Channel{notify.ChannelSMS, notify.ChannelVoice, notify.ChannelLetter}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			subject := fmt.Sprintf("u-%d", i)
			mail := notice("INC-S1", subject, notify.ChannelEmail, 1)
			mail.State = notify.StateSending
			entries := []notify.Entry{mail}
			for k, st := range tc.others {
				e := notice("INC-S1", subject, others[k], 1)
				e.State = st
				entries = append(entries, e)
			}
			// A push sent, and the same person's route in another
			// incident and another notice version, never count.
			push := notice("INC-S1", subject, notify.ChannelPush, 1)
			push.State = notify.StateSent
			elsewhere := notice("INC-S2", subject, notify.ChannelSMS, 1)
			elsewhere.State = notify.StateSent
			mustPlan(t, l, append(entries, push, elsewhere, notice("INC-S1", subject, notify.ChannelSMS, 2))...)
			job := notify.NewJob("INC-S1", 1, 1, subject, notify.Route{Channel: notify.ChannelEmail, To: "x"}, nil)
			got, err := l.Settle(ctx, mail.Key, job.RouteKeys(), o)
			if err != nil {
				t.Fatalf("Settle: got error %v, want nil", err)
			}
			if got != tc.want {
				t.Errorf("Settle: got state %q, want %q", got, tc.want)
			}
			want := mail
			want.State, want.Error, want.TemplateVersion, want.ContentHash, want.UpdatedAt = tc.want, o.Error, o.TemplateVersion, o.ContentHash, at
			if diff := cmp.Diff(want, mustGet(t, l, mail.Key)); diff != "" {
				t.Errorf("entry after Settle (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("unknown key", func(t *testing.T) {
		if _, err := l.Settle(ctx, "notice/INC-S1/u-none/email/v1", nil, o); !errors.Is(err, notify.ErrUnknownNotice) {
			t.Errorf("got %v, want ErrUnknownNotice", err)
		}
	})
}

// testLedgerSettleConcurrent has the e-mail and SMS workers of each person
// settle their failures at the same moment: whatever the interleaving,
// each person is marked unreachable exactly once, never zero times (both
// seeing the other still open) and never twice.
func testLedgerSettleConcurrent(t *testing.T, s store.Store) {
	const people = 60
	l := s.Ledger()
	ctx := context.Background()
	channels := []notify.Channel{notify.ChannelEmail, notify.ChannelSMS, notify.ChannelLetter}
	var jobs [][]notify.Job
	for i := range people {
		var js []notify.Job
		for _, ch := range channels {
			j := notify.NewJob("INC-S3", 1, 1, fmt.Sprintf("u-%03d", i), notify.Route{Channel: ch, To: "x"}, nil)
			e := j.Entry()
			e.State, e.CreatedAt = notify.StateSending, base
			mustPlan(t, l, e)
			js = append(js, j)
		}
		jobs = append(jobs, js)
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		mu    sync.Mutex
		marks = map[string]int{}
		errs  []error
	)
	for _, js := range jobs {
		for _, j := range js {
			wg.Go(func() {
				<-start
				st, err := l.Settle(ctx, j.Key, j.RouteKeys(), notify.Outcome{State: notify.StateFailedPermanent, Error: "permanent", At: base})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				if st == notify.StateUnreachable {
					marks[j.SubjectID]++
				}
			})
		}
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		t.Errorf("Settle: %v", err)
	}
	for _, js := range jobs {
		stored := 0
		for _, j := range js {
			if mustGet(t, l, j.Key).State == notify.StateUnreachable {
				stored++
			}
		}
		if id := js[0].SubjectID; stored != 1 || marks[id] != 1 {
			t.Errorf("%s: got %d entries unreachable (%d settles answered unreachable), want exactly 1", id, stored, marks[id])
		}
	}
	c, err := l.Counts(ctx, "INC-S3")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Totals()[notify.StateUnreachable]; got != people {
		t.Errorf("people unreachable: got %d, want %d", got, people)
	}
}

// ledgerEngineCases are the ledger cases of the engine's second round
// (jobs kept in the ledger, the unreachable invariant, provider ids,
// written and delivered). They run as subtests of LedgerPlan, each on the
// store it is given, with incident ids of their own.
var ledgerEngineCases = []struct {
	name string
	fn   func(*testing.T, store.Store)
}{
	{"Jobs", testLedgerJobs},
	{"UnreachableInvariant", testLedgerInvariant},
	{"ByProvider", testLedgerByProvider},
	{"HandedStates", testLedgerHanded},
	{"Told", testLedgerTold},
	{"JobBackfill", testLedgerJobBackfill},
	{"Claim", testLedgerClaim},
}

// testLedgerClaim checks notify.Claimer, when the ledger offers it,
// against notify.MemoryLedger's: a notice a worker of the channel may not
// send (another channel's, one that keeps no job, a final one) is read
// and left alone, a sendable one is claimed as Begin claims it, one within
// its lease is not, and an unknown key is ErrUnknownNotice.
func testLedgerClaim(t *testing.T, s store.Store) {
	ctx := t.Context()
	sqlL, ok := s.Ledger().(notify.Claimer)
	if !ok {
		t.Skip("the ledger does not offer Claim")
	}
	mem := notify.NewMemoryLedger()
	job := notify.NewJob("INC-CL1", 1, 1, "u-1", notify.Route{Channel: notify.ChannelEmail, To: "a@example.org"}, nil)
	e := job.Entry()
	e.CreatedAt, e.UpdatedAt = base, base
	// A row planned before the ledger kept jobs.
	jobless := notify.NewJob("INC-CL1", 1, 1, "u-2", notify.Route{Channel: notify.ChannelEmail, To: "b@example.org"}, nil).Entry()
	jobless.Job = notify.Job{}
	jobless.CreatedAt, jobless.UpdatedAt = base, base
	mustPlan(t, s.Ledger(), e, jobless)
	mustPlan(t, mem, e, jobless)
	steps := []struct {
		name    string
		key     string
		channel notify.Channel
		at      time.Time
		finish  bool // record the notice sent before the step
		// accepted and proceed, as both ledgers must answer.
		accepted, proceed bool
	}{
		{"unknown key", "no-such-key", notify.ChannelEmail, base.Add(time.Minute), false, false, false},
		{"another channel's", e.Key, notify.ChannelSMS, base.Add(time.Minute), false, false, false},
		{"no job kept", jobless.Key, notify.ChannelEmail, base.Add(time.Minute), false, false, false},
		{"accepted and claimed", e.Key, notify.ChannelEmail, base.Add(2 * time.Minute), false, true, true},
		{"within its lease", e.Key, notify.ChannelEmail, base.Add(2*time.Minute + notify.ClaimLease/2), false, true, false},
		{"lease over", e.Key, notify.ChannelEmail, base.Add(2*time.Minute + notify.ClaimLease + time.Second), false, true, true},
		{"final", e.Key, notify.ChannelEmail, base.Add(time.Hour), true, false, false},
	}
	for _, st := range steps {
		if st.finish {
			o := notify.Outcome{State: notify.StateSent, ProviderID: "p-1", At: st.at.Add(-time.Second)}
			if err := s.Ledger().Finish(ctx, e.Key, o); err != nil {
				t.Fatal(err)
			}
			if err := mem.Finish(ctx, e.Key, o); err != nil {
				t.Fatal(err)
			}
		}
		want, wantAcc, wantProc, wantErr := mem.Claim(ctx, st.key, st.channel, st.at)
		got, gotAcc, gotProc, gotErr := sqlL.Claim(ctx, st.key, st.channel, st.at)
		if errors.Is(gotErr, notify.ErrUnknownNotice) != errors.Is(wantErr, notify.ErrUnknownNotice) || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%s: got error %v, want %v", st.name, gotErr, wantErr)
		}
		if gotAcc != wantAcc || gotProc != wantProc || gotAcc != st.accepted || gotProc != st.proceed {
			t.Errorf("%s: got accepted %t proceed %t, memory ledger %t %t, want %t %t", st.name, gotAcc, gotProc, wantAcc, wantProc, st.accepted, st.proceed)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: entry (-memory +store):\n%s", st.name, diff)
		}
		for _, k := range []string{e.Key, jobless.Key} {
			if diff := cmp.Diff(mustGet(t, mem, k), mustGet(t, s.Ledger(), k)); diff != "" {
				t.Errorf("%s: stored entry %s (-memory +store):\n%s", st.name, k, diff)
			}
		}
	}
}

// testLedgerJobBackfill: a notice planned before the ledger kept jobs
// (no job) takes the job of the next Plan while it is open, so a worker
// can send it after an upgrade; a final one is left as it is, and the
// re-plan creates nothing.
func testLedgerJobBackfill(t *testing.T, s store.Store) {
	l := s.Ledger()
	open := notice("INC-B1", "u-1", notify.ChannelEmail, 1)
	done := notice("INC-B1", "u-2", notify.ChannelEmail, 1)
	withJob := []notify.Entry{open, done}
	legacy := []notify.Entry{open, done}
	for i := range legacy {
		legacy[i].Job = notify.Job{}
	}
	mustPlan(t, l, legacy...)
	if err := l.Finish(t.Context(), done.Key, notify.Outcome{State: notify.StateSent, At: base}); err != nil {
		t.Fatal(err)
	}
	if n := mustPlan(t, l, withJob...); n != 0 {
		t.Errorf("re-plan: got %d new, want 0", n)
	}
	if diff := cmp.Diff(open.Job, mustGet(t, l, open.Key).Job); diff != "" {
		t.Errorf("open legacy notice: job (-want +got):\n%s", diff)
	}
	if j := mustGet(t, l, done.Key).Job; j.Key != "" {
		t.Errorf("sent legacy notice: got job %+v, want none", j)
	}
}

// testLedgerTold checks which notice told each person last: the highest
// version of their legal-notice routes handed over, never a push, a
// failed route or another incident's notice.
func testLedgerTold(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	const inc = "INC-T1"
	v1mail, v1sms, v2mail := notice(inc, "u-1", notify.ChannelEmail, 1), notice(inc, "u-1", notify.ChannelSMS, 1), notice(inc, "u-1", notify.ChannelEmail, 2)
	u2mail, u2push := notice(inc, "u-2", notify.ChannelEmail, 1), notice(inc, "u-2", notify.ChannelPush, 1)
	u3letter := notice(inc, "u-3", notify.ChannelLetter, 1)
	other := notice("INC-T2", "u-4", notify.ChannelEmail, 1)
	u5 := notice(inc, "u-5", notify.ChannelEmail, 1)
	resend := notice(inc, "u-3", notify.ChannelEmail, notify.ResendVersionBase)
	mustPlan(t, l, v1mail, v1sms, v2mail, u2mail, u2push, u3letter, other, u5, resend)
	finish := func(e notify.Entry, st notify.State) {
		t.Helper()
		if err := l.Finish(ctx, e.Key, notify.Outcome{State: st, At: base}); err != nil {
			t.Fatal(err)
		}
	}
	finish(v1mail, notify.StateSent)
	finish(v1sms, notify.StateDelivered)
	finish(v2mail, notify.StateSent)
	finish(u2mail, notify.StateFailedPermanent)
	finish(u2push, notify.StateSent)
	finish(u3letter, notify.StateWritten)
	finish(other, notify.StateSent)
	finish(resend, notify.StateSent) // a re-send repeats the notice: u-3 was told last by the letter
	got, err := l.Told(ctx, inc, []string{"u-1", "u-2", "u-3", "u-4", "u-5"})
	if err != nil {
		t.Fatalf("Told: %v", err)
	}
	keys := map[string]string{}
	for subject, e := range got {
		keys[subject] = e.Key
	}
	want := map[string]string{"u-1": v2mail.Key, "u-3": u3letter.Key}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("Told (-want +got):\n%s", diff)
	}
	if got, err := l.Told(ctx, inc, nil); err != nil || len(got) != 0 {
		t.Errorf("Told of nobody: got %v, %v, want empty", got, err)
	}
}

// testLedgerJobs checks that the job planned with a notice (its route,
// address, fallbacks and approved revision) comes back from Get, Begin and
// Each exactly: the ledger row is what a worker sends from.
func testLedgerJobs(t *testing.T, s store.Store) {
	l := s.Ledger()
	r := &notify.Recipient{ID: "u-1", Name: "李雷", Locale: "zh-CN", Jurisdiction: "CN-PIPL", Categories: []string{"email", "phone"}}
	job := r.NewJob("INC-J1", 3, 2, notify.Route{Channel: notify.ChannelEmail, To: "li@example.cn", ToName: "李雷"},
		[]notify.Route{{Channel: notify.ChannelSMS, To: "+8613800000000"}, {Channel: notify.ChannelLetter, To: "1 Road\nSuzhou"}})
	job.Supplementary = true
	e := job.Entry()
	e.CreatedAt, e.UpdatedAt = base, base
	none := notify.NewJob("INC-J1", 3, 2, "u-2", notify.Route{Channel: notify.ChannelNone}, nil).Entry()
	none.State, none.CreatedAt, none.UpdatedAt = notify.StateUnreachable, base, base
	mustPlan(t, l, e, none)
	if diff := cmp.Diff(job, mustGet(t, l, e.Key).Job); diff != "" {
		t.Errorf("Get: job (-planned +stored):\n%s", diff)
	}
	got, ok, err := l.Begin(t.Context(), e.Key, base.Add(time.Minute))
	if err != nil || !ok {
		t.Fatalf("Begin: got %v, %v, want a claim", ok, err)
	}
	if diff := cmp.Diff(job, got.Job); diff != "" {
		t.Errorf("Begin: job (-planned +stored):\n%s", diff)
	}
	if j := mustGet(t, l, none.Key).Job; j.Key != "" {
		t.Errorf("ChannelNone marker: got job %+v, want none", j)
	}
	var jobs []notify.Job
	if err := l.Each(t.Context(), "INC-J1", func(e notify.Entry) error { jobs = append(jobs, e.Job); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || !cmp.Equal(jobs[1], job) && !cmp.Equal(jobs[0], job) {
		t.Errorf("Each: got jobs %+v, want the planned one among them", jobs)
	}
}

// testLedgerInvariant replays the campaign of the issue where only the SMS
// provider was configured: people with only an e-mail address were marked
// unreachable, one person's SMS failed for good; then the e-mail channel
// came back (outbox fallback turned on) and a re-plan gave them e-mail.
// Afterwards nobody is unreachable beside a route that reaches them, in
// Each and in Counts, and a marker planned beside a live route never
// counts.
func testLedgerInvariant(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	const inc = "INC-INV"
	route := func(subject string, ch notify.Channel) notify.Entry { return notice(inc, subject, ch, 1) }
	marker := func(subject string) notify.Entry {
		e := route(subject, notify.ChannelNone)
		e.State = notify.StateUnreachable
		return e
	}
	// First run: u-1 and u-2 have only e-mail (no provider): unreachable;
	// u-3 has a phone: SMS, which fails for good; u-4 is unreachable for
	// real (no contact at all).
	mustPlan(t, l, marker("u-1"), marker("u-2"), route("u-3", notify.ChannelSMS), marker("u-4"))
	sms := notify.NewJob(inc, 1, 1, "u-3", notify.Route{Channel: notify.ChannelSMS}, nil)
	if st, err := l.Settle(ctx, sms.Key, sms.RouteKeys(), notify.Outcome{State: notify.StateFailedPermanent, At: base}); err != nil || st != notify.StateUnreachable {
		t.Fatalf("Settle of u-3's SMS: got %q, %v, want unreachable", st, err)
	}
	// Second run, e-mail now planned for u-1, u-2 and u-3, with the
	// markers planned again (idempotent) in the same batch.
	mustPlan(t, l, marker("u-1"), route("u-1", notify.ChannelEmail), route("u-2", notify.ChannelEmail), marker("u-2"),
		route("u-3", notify.ChannelEmail), marker("u-4"))
	if err := l.Finish(ctx, route("u-1", notify.ChannelEmail).Key, notify.Outcome{State: notify.StateWritten, At: base}); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx, route("u-2", notify.ChannelEmail).Key, notify.Outcome{State: notify.StateSent, At: base}); err != nil {
		t.Fatal(err)
	}
	// A third run where the e-mail channel is gone again: a marker planned
	// beside the sent e-mail is lifted at once.
	mustPlan(t, l, marker("u-2"))

	byPerson := map[string][]notify.State{}
	if err := l.Each(ctx, inc, func(e notify.Entry) error {
		byPerson[e.SubjectID] = append(byPerson[e.SubjectID], e.State)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for subject, states := range byPerson {
		if slices.Contains(states, notify.StateUnreachable) && slices.ContainsFunc(states, notify.State.Reaching) {
			t.Errorf("person %s: unreachable beside a reaching route: %v", subject, states)
		}
	}
	want := notify.Counts{
		notify.ChannelNone:  {notify.StateSkipped: 2, notify.StateUnreachable: 1},
		notify.ChannelEmail: {notify.StateWritten: 1, notify.StateSent: 1, notify.StatePending: 1},
		notify.ChannelSMS:   {notify.StateFailedPermanent: 1},
	}
	got, err := l.Counts(ctx, inc)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

// testLedgerByProvider checks the lookup a provider's status callback
// makes.
func testLedgerByProvider(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	a, b := notice("INC-P1", "u-1", notify.ChannelSMS, 1), notice("INC-P1", "u-2", notify.ChannelSMS, 1)
	mustPlan(t, l, a, b)
	if err := l.Finish(ctx, b.Key, notify.Outcome{State: notify.StateSent, ProviderID: "SM0123", At: base}); err != nil {
		t.Fatal(err)
	}
	e, err := l.ByProvider(ctx, notify.ChannelSMS, "SM0123")
	if err != nil || e.Key != b.Key {
		t.Errorf("ByProvider(sms, SM0123): got %q, %v, want %q", e.Key, err, b.Key)
	}
	// An e-mail's Message-ID is kept out of the provider index (nothing
	// looks it up), but the lookup still finds it.
	c := notice("INC-P1", "u-3", notify.ChannelEmail, 1)
	mustPlan(t, l, c)
	const messageID = "<5f0c2a9e41d7b3a8@notices.example.org>"
	if err := l.Finish(ctx, c.Key, notify.Outcome{State: notify.StateSent, ProviderID: messageID, At: base}); err != nil {
		t.Fatal(err)
	}
	if e, err := l.ByProvider(ctx, notify.ChannelEmail, messageID); err != nil || e.Key != c.Key {
		t.Errorf("ByProvider(email, %s): got %q, %v, want %q", messageID, e.Key, err, c.Key)
	}
	for _, tc := range []struct {
		name    string
		channel notify.Channel
		id      string
	}{{"unknown id", notify.ChannelSMS, "SM9999"}, {"other channel", notify.ChannelVoice, "SM0123"}, {"empty id", notify.ChannelSMS, ""},
		{"an e-mail's Message-ID on another channel", notify.ChannelSMS, messageID}, {"an SMS id as a Message-ID", notify.ChannelEmail, "SM0123"}} {
		if _, err := l.ByProvider(ctx, tc.channel, tc.id); !errors.Is(err, notify.ErrUnknownNotice) {
			t.Errorf("ByProvider %s: got %v, want ErrUnknownNotice", tc.name, err)
		}
	}
}

// testLedgerHanded checks written (outbox) and delivered (provider
// confirmation): both final, written stamps sent_at, delivered keeps it.
func testLedgerHanded(t *testing.T, s store.Store) {
	l := s.Ledger()
	ctx := t.Context()
	w, d := notice("INC-H1", "u-1", notify.ChannelLetter, 1), notice("INC-H1", "u-2", notify.ChannelSMS, 1)
	mustPlan(t, l, w, d)
	at := base.Add(time.Minute)
	if err := l.Finish(ctx, w.Key, notify.Outcome{State: notify.StateWritten, ProviderID: "outbox/1", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx, d.Key, notify.Outcome{State: notify.StateSent, ProviderID: "SM1", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx, d.Key, notify.Outcome{State: notify.StateDelivered, ProviderID: "SM1", At: at.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	gw, gd := mustGet(t, l, w.Key), mustGet(t, l, d.Key)
	if gw.State != notify.StateWritten || !gw.SentAt.Equal(at) {
		t.Errorf("outbox notice: got %s sent at %v, want written at %v", gw.State, gw.SentAt, at)
	}
	if gd.State != notify.StateDelivered || !gd.SentAt.Equal(at) || !gd.UpdatedAt.Equal(at.Add(time.Minute)) {
		t.Errorf("delivered notice: got %s sent %v updated %v, want delivered, sent at %v", gd.State, gd.SentAt, gd.UpdatedAt, at)
	}
	for _, e := range []notify.Entry{gw, gd} {
		if _, ok, err := l.Begin(ctx, e.Key, at.Add(time.Hour)); ok || err != nil {
			t.Errorf("Begin of a %s notice: got claim %v, %v, want none (final)", e.State, ok, err)
		}
	}
}
