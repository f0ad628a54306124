package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

// RunTrust runs the contract of the token store and the audit log. open
// must return a new, empty store and a handle on its database through which
// the tests change rows behind the store's back, as an attacker with access
// to the database would; it arranges for both to be closed.
func RunTrust(t *testing.T, open func(t *testing.T) (store.Store, *sql.DB)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, db *sql.DB)
	}{
		{"Tokens", testTokens},
		{"TokenConflicts", testTokenConflicts},
		{"TokenInvalid", testTokenInvalid},
		{"AuditAppendList", testAuditAppendList},
		{"AuditAppendChecks", testAuditAppendChecks},
		{"AuditConcurrent", testAuditConcurrent},
		{"AuditAppendOnly", testAuditAppendOnly},
		{"AuditTamper", testAuditTamper},
		{"AuditKeyed", testAuditKeyed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, db := open(t)
			tc.fn(t, s, db)
		})
	}
}

func token(name, role, hash string, at time.Time) store.TokenRecord {
	return store.TokenRecord{Name: name, Role: role, Hash: hash, CreatedAt: at, CreatedBy: "system:test"}
}

func testTokens(t *testing.T, s store.Store, _ *sql.DB) {
	ctx := t.Context()
	if got, err := s.ListTokens(ctx); err != nil || len(got) != 0 {
		t.Fatalf("ListTokens of an empty store: got %v, %v; want none", got, err)
	}
	b := token("bob", "analyst", "hash-b", base.Add(time.Second))
	a := token("alice", "admin", "hash-a", base)
	for _, tok := range []store.TokenRecord{b, a} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatalf("CreateToken(%s): %v", tok.Name, err)
		}
	}
	got, err := s.TokenByHash(ctx, "hash-b")
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	if diff := cmp.Diff(b, got); diff != "" {
		t.Errorf("TokenByHash (-want +got):\n%s", diff)
	}
	if _, err := s.TokenByHash(ctx, "hash-x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TokenByHash of an unknown hash: got %v, want ErrNotFound", err)
	}

	at := base.Add(time.Hour)
	rev, err := s.RevokeToken(ctx, "bob", at)
	if err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	if rev.RevokedAt == nil || !rev.RevokedAt.Equal(at) {
		t.Errorf("RevokeToken: got revoked_at %v, want %v", rev.RevokedAt, at)
	}
	again, err := s.RevokeToken(ctx, "bob", at.Add(time.Hour))
	if err != nil {
		t.Fatalf("RevokeToken again: %v", err)
	}
	if again.RevokedAt == nil || !again.RevokedAt.Equal(at) {
		t.Errorf("RevokeToken again: got revoked_at %v, want the first time %v kept", again.RevokedAt, at)
	}
	if _, err := s.RevokeToken(ctx, "carol", at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RevokeToken of an unknown name: got %v, want ErrNotFound", err)
	}

	list, err := s.ListTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.RevokedAt = &at
	if diff := cmp.Diff([]store.TokenRecord{a, b}, list); diff != "" {
		t.Errorf("ListTokens (-want +got):\n%s", diff)
	}
	// A revoked token is still found by hash (the caller refuses it).
	if got, err := s.TokenByHash(ctx, "hash-b"); err != nil || got.RevokedAt == nil {
		t.Errorf("TokenByHash of a revoked token: got %+v, %v; want it with revoked_at", got, err)
	}
}

func testTokenConflicts(t *testing.T, s store.Store, _ *sql.DB) {
	ctx := t.Context()
	if err := s.CreateToken(ctx, token("alice", "admin", "h1", base)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeToken(ctx, "alice", base); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tok  store.TokenRecord
	}{
		{"same name, revoked", token("alice", "analyst", "h2", base)},
		{"same hash", token("bob", "analyst", "h1", base)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.CreateToken(ctx, tc.tok); !errors.Is(err, store.ErrConflict) {
				t.Errorf("CreateToken: got %v, want ErrConflict", err)
			}
		})
	}
	if list, _ := s.ListTokens(ctx); len(list) != 1 {
		t.Errorf("ListTokens after refused creations: got %d tokens, want 1", len(list))
	}
}

func testTokenInvalid(t *testing.T, s store.Store, _ *sql.DB) {
	tests := []struct {
		name string
		tok  store.TokenRecord
	}{
		{"no name", token("", "admin", "h", base)},
		{"no role", token("a", "", "h", base)},
		{"no hash", token("a", "admin", "", base)},
		{"no creator", store.TokenRecord{Name: "a", Role: "admin", Hash: "h", CreatedAt: base}},
		{"no time", token("a", "admin", "h", time.Time{})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.CreateToken(t.Context(), tc.tok); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("CreateToken: got %v, want ErrInvalid", err)
			}
		})
	}
}

// clock returns a clock that advances a second per call from base.
func clock() func() time.Time {
	var mu sync.Mutex
	now := base
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}

func mustAppend(t *testing.T, l *audit.Log, principal string, action audit.Action, object string, details any) audit.Entry {
	t.Helper()
	e, err := l.Append(t.Context(), audit.Event{Principal: principal, Action: action, Object: object, Details: details})
	if err != nil {
		t.Fatalf("Append(%s %s): %v", action, object, err)
	}
	return e
}

func testAuditAppendList(t *testing.T, s store.Store, _ *sql.DB) {
	l := audit.New(s, clock())
	if h, err := l.Head(t.Context()); err != nil || h != (store.AuditHead{}) {
		t.Errorf("Head of an empty log: got %+v, %v; want zero", h, err)
	}
	var all []audit.Entry
	all = append(all,
		mustAppend(t, l, "system:serve", audit.ActionConfigLoaded, "", nil),
		mustAppend(t, l, "system:serve", audit.ActionTokenCreated, "token/admin", map[string]string{"role": "admin"}),
		mustAppend(t, l, "admin", audit.ActionTokenCreated, "token/ci", map[string]any{"role": "detector", "n": 1}),
		mustAppend(t, l, "ci", audit.ActionIncidentSubmitted, "incident/INC-1", map[string]int{"revision": 1}),
		mustAppend(t, l, "admin", audit.ActionTokenRevoked, "token/ci", map[string]string{"role": "detector"}),
	)
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d: got seq %d, want %d", i, e.Seq, i+1)
		}
		if i > 0 && e.Prev != all[i-1].Hash {
			t.Errorf("entry %d: got prev %s, want the hash of entry %d", e.Seq, e.Prev, i)
		}
	}
	if got, want := string(all[2].Details), `{"n":1,"role":"detector"}`; got != want {
		t.Errorf("details of entry 3: got %s, want canonical %s", got, want)
	}
	if got := string(all[0].Details); got != "{}" {
		t.Errorf("nil details: got %s, want {}", got)
	}

	page := func(f audit.Filter, p audit.Page) ([]int64, audit.Page) {
		t.Helper()
		es, next, err := l.List(t.Context(), f, p)
		if err != nil {
			t.Fatalf("List(%+v, %+v): %v", f, p, err)
		}
		seqs := []int64{}
		for _, e := range es {
			seqs = append(seqs, e.Seq)
		}
		return seqs, next
	}
	tests := []struct {
		name     string
		f        audit.Filter
		p        audit.Page
		want     []int64
		wantNext int64
	}{
		{"all", audit.Filter{}, audit.Page{}, []int64{1, 2, 3, 4, 5}, 0},
		{"first page", audit.Filter{}, audit.Page{Limit: 2}, []int64{1, 2}, 2},
		{"second page", audit.Filter{}, audit.Page{After: 2, Limit: 2}, []int64{3, 4}, 4},
		{"last page", audit.Filter{}, audit.Page{After: 4, Limit: 2}, []int64{5}, 0},
		{"principal", audit.Filter{Principal: "admin"}, audit.Page{}, []int64{3, 5}, 0},
		{"action", audit.Filter{Action: audit.ActionTokenCreated}, audit.Page{}, []int64{2, 3}, 0},
		{"object", audit.Filter{Object: "token/ci"}, audit.Page{}, []int64{3, 5}, 0},
		{"since", audit.Filter{Since: all[3].Time}, audit.Page{}, []int64{4, 5}, 0},
		{"until", audit.Filter{Until: all[1].Time}, audit.Page{}, []int64{1}, 0},
		{"none", audit.Filter{Principal: "nobody"}, audit.Page{}, []int64{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, next := page(tc.f, tc.p)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("seqs (-want +got):\n%s", diff)
			}
			if next.After != tc.wantNext {
				t.Errorf("next page after: got %d, want %d", next.After, tc.wantNext)
			}
		})
	}

	es, _, err := l.List(t.Context(), audit.Filter{}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, es); diff != "" {
		t.Errorf("listed entries differ from appended ones (-appended +listed):\n%s", diff)
	}
	rep, err := l.Verify(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := audit.Report{Checked: 5, HeadSeq: 5, HeadHash: all[4].Hash, Unkeyed: 5}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("Verify of an intact log (-want +got):\n%s", diff)
	}
	if h, err := l.Head(t.Context()); err != nil || h != (store.AuditHead{Seq: 5, Hash: all[4].Hash}) {
		t.Errorf("Head: got %+v, %v; want entry 5 and its hash", h, err)
	}
	for _, tc := range []struct {
		seq  int64
		hash string
		want bool
	}{{3, all[2].Hash, true}, {5, all[4].Hash, true}, {3, all[3].Hash, false}, {6, all[4].Hash, false}} {
		if got, err := l.Holds(t.Context(), tc.seq, tc.hash); err != nil || got != tc.want {
			t.Errorf("Holds(%d, %.8s): got %v, %v; want %v", tc.seq, tc.hash, got, err, tc.want)
		}
	}
}

func testAuditAppendChecks(t *testing.T, s store.Store, _ *sql.DB) {
	ctx := t.Context()
	l := audit.New(s, clock())
	mustAppend(t, l, "admin", audit.ActionTokenCreated, "token/a", nil)
	boom := errors.New("boom")
	tests := []struct {
		name  string
		build func(h store.AuditHead) (store.AuditRecord, error)
		want  error
	}{
		{"build fails", func(store.AuditHead) (store.AuditRecord, error) { return store.AuditRecord{}, boom }, boom},
		{"seq does not follow", func(h store.AuditHead) (store.AuditRecord, error) {
			return store.AuditRecord{Seq: h.Seq + 2, At: base, Prev: h.Hash}, nil
		}, store.ErrInvalid},
		{"prev is not the head", func(h store.AuditHead) (store.AuditRecord, error) {
			return store.AuditRecord{Seq: h.Seq + 1, At: base, Prev: "x"}, nil
		}, store.ErrInvalid},
		{"time below a microsecond", func(h store.AuditHead) (store.AuditRecord, error) {
			return store.AuditRecord{Seq: h.Seq + 1, At: base.Add(time.Nanosecond), Prev: h.Hash}, nil
		}, store.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.AppendAudit(ctx, tc.build); !errors.Is(err, tc.want) {
				t.Errorf("AppendAudit: got %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := s.ListAudit(ctx, store.AuditQuery{Limit: -1}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("ListAudit with a negative limit: got %v, want ErrInvalid", err)
	}
	// Text beyond ASCII and characters JSON could escape come back as
	// they were hashed.
	odd := mustAppend(t, l, "analyst.zoë", audit.ActionIncidentRevised, "incident/INC-1",
		map[string]any{"note": "<a&b> \u2028 ünïcode \"quoted\"", "nested": map[string]any{"z": 1.5, "a": nil}})
	got, err := s.ListAudit(ctx, store.AuditQuery{AfterSeq: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("ListAudit: got %v, %v; want the second entry", got, err)
	}
	if got[0].Principal != odd.Principal || got[0].Details != string(odd.Details) || got[0].Hash != odd.Hash {
		t.Errorf("stored entry: got %+v, want it as appended: %+v", got[0], odd)
	}
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() || rep.Checked != 2 {
		t.Errorf("Verify after refused appends: got %+v, %v; want 2 intact entries", rep, err)
	}
}

// testAuditConcurrent appends from several goroutines at once: the store
// must serialise them into one chain without a fork or a gap.
func testAuditConcurrent(t *testing.T, s store.Store, _ *sql.DB) {
	l := audit.New(s, clock())
	const workers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				_, err := l.Append(context.Background(), audit.Event{Principal: fmt.Sprintf("w%d", w),
					Action: audit.ActionIncidentSubmitted, Object: fmt.Sprintf("incident/INC-%d", i)})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Append: %v", err)
	}
	rep, err := l.Verify(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Checked != workers*each || rep.HeadSeq != workers*each {
		t.Errorf("Verify after concurrent appends: got %+v, want %d intact entries", rep, workers*each)
	}
}

// testAuditAppendOnly checks that the database itself refuses to change or
// remove an entry.
func testAuditAppendOnly(t *testing.T, s store.Store, db *sql.DB) {
	l := audit.New(s, clock())
	mustAppend(t, l, "admin", audit.ActionTokenCreated, "token/a", nil)
	for _, q := range []string{
		`UPDATE audit_log SET object = 'token/b' WHERE seq = 1`,
		`DELETE FROM audit_log WHERE seq = 1`,
	} {
		if _, err := db.ExecContext(t.Context(), q); err == nil {
			t.Errorf("%s: got nil error, want the append-only trigger to refuse it", q)
		}
	}
	if rep, err := l.Verify(t.Context()); err != nil || !rep.OK() || rep.Checked != 1 {
		t.Errorf("Verify: got %+v, %v; want 1 intact entry", rep, err)
	}
}

// dropAppendOnly removes the append-only triggers, as someone with full
// access to the database can.
func dropAppendOnly(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, trg := range []string{"audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate"} {
		// PostgreSQL names the table of a trigger; SQLite does not.
		if _, err := db.ExecContext(t.Context(), `DROP TRIGGER IF EXISTS `+trg+` ON audit_log`); err == nil {
			continue
		}
		if _, err := db.ExecContext(t.Context(), `DROP TRIGGER IF EXISTS `+trg); err != nil {
			t.Fatalf("drop trigger %s: %v", trg, err)
		}
	}
}

// testAuditTamper changes the log directly in SQL and expects Verify to
// name the first entry that breaks the chain.
func testAuditTamper(t *testing.T, s store.Store, db *sql.DB) {
	ctx := t.Context()
	l := audit.New(s, clock())
	var entries []audit.Entry
	for i := range 5 {
		entries = append(entries, mustAppend(t, l, "admin", audit.ActionTokenCreated, fmt.Sprintf("token/t%d", i+1),
			map[string]string{"role": "analyst"}))
	}
	dropAppendOnly(t, db)
	// Each case tampers with a fresh copy of the five entries.
	reset := func(t *testing.T) {
		t.Helper()
		if _, err := db.ExecContext(ctx, `DELETE FROM audit_log`); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (seq, at_us, principal, action, object, details, digest, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.Seq, e.Time.UnixMicro(), e.Principal, string(e.Action), e.Object,
				string(e.Details), e.Digest, e.Prev, e.Hash); err != nil {
				t.Fatal(err)
			}
		}
	}
	rehashed := entries[2]
	rehashed.Principal = "someone-else"
	rehashed.Hash = audit.Hash(rehashed)
	tests := []struct {
		name    string
		tamper  []string
		args    [][]any
		wantSeq int64
	}{
		{"details altered", []string{`UPDATE audit_log SET details = '{"role":"admin"}' WHERE seq = 3`}, nil, 3},
		{"details and digest altered", []string{`UPDATE audit_log SET details = '{"role":"admin"}', digest = $1 WHERE seq = 3`},
			[][]any{{audit.Digest([]byte(`{"role":"admin"}`))}}, 3},
		{"principal altered", []string{`UPDATE audit_log SET principal = 'mallory' WHERE seq = 2`}, nil, 2},
		{"time altered", []string{`UPDATE audit_log SET at_us = at_us + 1 WHERE seq = 4`}, nil, 4},
		{"entry rewritten with its hash", []string{`UPDATE audit_log SET principal = $1, hash = $2 WHERE seq = 3`},
			[][]any{{rehashed.Principal, rehashed.Hash}}, 4},
		{"middle entry removed", []string{`DELETE FROM audit_log WHERE seq = 3`}, nil, 3},
		{"first entry removed", []string{`DELETE FROM audit_log WHERE seq = 1`}, nil, 1},
		{"first entries removed and renumbered", []string{
			`DELETE FROM audit_log WHERE seq <= 2`,
			`UPDATE audit_log SET seq = 1 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 4`,
			`UPDATE audit_log SET seq = 3 WHERE seq = 5`,
		}, nil, 1},
		{"two entries swapped", []string{
			`UPDATE audit_log SET seq = -3 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 3 WHERE seq = 4`,
			`UPDATE audit_log SET seq = 4 WHERE seq = -3`,
		}, nil, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reset(t)
			for i, q := range tc.tamper {
				var args []any
				if i < len(tc.args) {
					args = tc.args[i]
				}
				if _, err := db.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("tamper %q: %v", q, err)
				}
			}
			rep, err := l.Verify(ctx)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if rep.Broken == nil {
				t.Fatalf("Verify: got an intact chain (%+v), want entry %d named", rep, tc.wantSeq)
			}
			if rep.Broken.Seq != tc.wantSeq {
				t.Errorf("Verify: got first bad entry %d (%s), want %d", rep.Broken.Seq, rep.Broken.Reason, tc.wantSeq)
			}
			if rep.Checked != tc.wantSeq-1 {
				t.Errorf("Verify: got %d entries checked before the break, want %d", rep.Checked, tc.wantSeq-1)
			}
		})
	}
	t.Run("last entry removed", func(t *testing.T) {
		reset(t)
		if _, err := db.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 5`); err != nil {
			t.Fatal(err)
		}
		rep, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The chain alone cannot tell a cut-off end: the head recorded
		// earlier can.
		if !rep.OK() || rep.HeadSeq != 4 || rep.HeadHash == entries[4].Hash {
			t.Errorf("Verify: got %+v, want an intact chain whose head (4) differs from the one recorded (5)", rep)
		}
		if ok, err := l.Holds(ctx, 5, entries[4].Hash); err != nil || ok {
			t.Errorf("Holds(the head recorded before): got %v, %v; want false", ok, err)
		}
	})
}
