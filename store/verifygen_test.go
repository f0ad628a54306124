package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/store"
)

// verifyEntries returns n verification-index entries of incident id.
func verifyEntries(secret []byte, id string, from, n int) []announce.VerifyEntry {
	var out []announce.VerifyEntry
	for i := from; i < from+n; i++ {
		out = append(out, announce.NewVerifyEntry(secret, id, "email", fmt.Sprintf("notice/%s/u-%d/email/v1", id, i)))
	}
	return out
}

// generations returns the row count of each generation of the
// verification index, oldest first.
func generations(t *testing.T, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT g.gen, (SELECT COUNT(*) FROM verify_entries v WHERE v.gen = g.gen) FROM verify_generations g ORDER BY g.gen`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var gen, n int
		if err := rows.Scan(&gen, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// TestVerifyIndexGenerations: each write of more than a few entries
// starts a generation of the index; a small one joins the newest; a
// lookup finds an entry whatever its generation, the first indexed of a
// lookup written twice.
func TestVerifyIndexGenerations(t *testing.T) {
	ctx := t.Context()
	s := openSQLite(t, filepath.Join(t.TempDir(), "breach.db"))
	db := store.RawDB(s)
	secret := bytes.Repeat([]byte{9}, 32)
	if got := generations(t, db); len(got) != 0 {
		t.Fatalf("a new index has generations %v", got)
	}
	first := verifyEntries(secret, "INC-G1", 0, 100)
	small := verifyEntries(secret, "INC-G1", 100, 3)
	second := verifyEntries(secret, "INC-G1", 103, 100)
	again := first[5]
	again.Channel = "sms" // indexed in the first generation: that entry stays
	for _, w := range [][]announce.VerifyEntry{first, small, append(second, again)} {
		if err := s.AddVerifyEntries(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	if got := generations(t, db); !slices.Equal(got, []int{103, 101}) {
		t.Errorf("rows per generation: got %v, want [103 101] (the small write joins the first; the repeated lookup is a row of the second)", got)
	}
	for i, e := range append(append(first, small...), second...) {
		got, err := s.LookupVerify(ctx, e.Lookup)
		if err != nil || got == nil || got.NoticeKey != e.NoticeKey || got.Channel != "email" {
			t.Fatalf("entry %d: got %+v, %v; want its own, on email", i, got, err)
		}
	}
}

// TestVerifyIndexMigration: the entries of a database indexed before
// generations existed are generation 0 after the migration, and found.
func TestVerifyIndexMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "breach.db")
	secret := bytes.Repeat([]byte{10}, 32)
	old := verifyEntries(secret, "INC-M1", 0, 20)
	s, err := store.Open(ctx, store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	// Back to the schema before generations, with entries in it.
	db := store.RawDB(s)
	for _, q := range []string{`DROP TABLE verify_entries`, `DROP TABLE verify_generations`,
		`DELETE FROM schema_migrations WHERE name = '0009_verify_generations.sql'`,
		`CREATE TABLE verify_index (lookup BLOB PRIMARY KEY, check_value BLOB NOT NULL, incident_id TEXT NOT NULL,
channel TEXT NOT NULL, notice_key TEXT NOT NULL) WITHOUT ROWID`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, e := range old {
		if _, err := db.ExecContext(ctx, `INSERT INTO verify_index VALUES ($1, $2, $3, $4, $5)`, e.Lookup, e.Check, e.IncidentID, e.Channel, e.NoticeKey); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openSQLite(t, path)
	if got := generations(t, store.RawDB(s)); !slices.Equal(got, []int{20}) {
		t.Fatalf("rows per generation after the migration: got %v, want [20]", got)
	}
	if err := s.AddVerifyEntries(ctx, verifyEntries(secret, "INC-M1", 20, 80)); err != nil {
		t.Fatal(err)
	}
	for i, e := range append(old, verifyEntries(secret, "INC-M1", 20, 80)...) {
		got, err := s.LookupVerify(ctx, e.Lookup)
		if err != nil || got == nil || got.NoticeKey != e.NoticeKey {
			t.Fatalf("entry %d: got %+v, %v; want its own", i, got, err)
		}
	}
}

// plannedEntries returns the pending e-mail notices of people u-0000 to
// u-(n-1) of incident id, stamped at.
func plannedEntries(id string, n int, at time.Time) []notify.Entry {
	var out []notify.Entry
	for i := range n {
		j := notify.NewJob(id, 1, 1, fmt.Sprintf("u-%04d", i), notify.Route{Channel: notify.ChannelEmail, To: fmt.Sprintf("u%d@example.com", i)}, nil)
		e := j.Entry()
		e.CreatedAt, e.UpdatedAt = at, at
		out = append(out, e)
	}
	return out
}

// checkIndexed fails t unless the code of each of entries is found.
func checkIndexed(t *testing.T, s store.Store, secret []byte, entries ...notify.Entry) {
	t.Helper()
	for _, e := range entries {
		v := announce.NewVerifyEntry(secret, e.IncidentID, string(e.Channel), e.Key)
		if got, err := s.LookupVerify(t.Context(), v.Lookup); err != nil || got == nil || got.NoticeKey != e.Key {
			t.Fatalf("%s: got %+v, %v; want its entry", e.Key, got, err)
		}
	}
}

// TestVerifyIndexResumedCampaign: planning again notices already planned
// (a campaign resumed after a restart stamps them anew) indexes only the
// notices that are new, so a resumed campaign adds no copies of its
// entries.
func TestVerifyIndexResumedCampaign(t *testing.T) {
	ctx := t.Context()
	s := openSQLite(t, filepath.Join(t.TempDir(), "breach.db"))
	ledger := announce.IndexingLedger{Ledger: s.Ledger(), Secret: bytes.Repeat([]byte{11}, 32)}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if _, n, err := ledger.Plan(ctx, plannedEntries("INC-R1", 200, at)); err != nil || n != 200 {
		t.Fatalf("first plan: %d, %v", n, err)
	}
	// Resumed a minute later with 200 more people.
	if _, n, err := ledger.Plan(ctx, plannedEntries("INC-R1", 400, at.Add(time.Minute))); err != nil || n != 200 {
		t.Fatalf("resumed plan: %d created, %v; want 200", n, err)
	}
	if got := generations(t, store.RawDB(s)); !slices.Equal(got, []int{200, 200}) {
		t.Errorf("rows per generation: got %v, want [200 200] (only the new notices indexed again)", got)
	}
	// Resumed again with nobody new: nothing indexed, no generation.
	if _, n, err := ledger.Plan(ctx, plannedEntries("INC-R1", 400, at.Add(2*time.Minute))); err != nil || n != 0 {
		t.Fatalf("second resumption: %d created, %v; want 0", n, err)
	}
	if got := generations(t, store.RawDB(s)); !slices.Equal(got, []int{200, 200}) {
		t.Errorf("rows per generation after a resumption with nobody new: got %v, want [200 200]", got)
	}
	checkIndexed(t, s, ledger.Secret, plannedEntries("INC-R1", 400, at)...)
}

// TestVerifyIndexRepeatedKey: a key given twice in one call, stamped
// differently (the first copy is the one planned), is created by this
// call and indexed, also when its copies fall either side of the
// ledger's 1,000-row statements.
func TestVerifyIndexRepeatedKey(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "breach.db"))
	ledger := announce.IndexingLedger{Ledger: s.Ledger(), Secret: bytes.Repeat([]byte{12}, 32)}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	entries := plannedEntries("INC-D1", 1001, at)
	// u-0999 and its copy sort to rows 1,000 and 1,001.
	twice := []notify.Entry{entries[5], entries[999]}
	for _, e := range twice {
		e.CreatedAt = at.Add(time.Nanosecond)
		entries = append(entries, e)
	}
	if _, n, err := ledger.Plan(t.Context(), entries); err != nil || n != 1001 {
		t.Fatalf("plan: %d created, %v; want 1001", n, err)
	}
	checkIndexed(t, s, ledger.Secret, twice...)
}
