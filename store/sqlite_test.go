package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/store/storetest"
	"github.com/google/go-cmp/cmp"
)

func openSQLite(t testing.TB, path string) store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "breach.db"))
	})
}

// TestPostgres runs the contract suite against PostgreSQL, each case in a
// schema of its own, when BREACH_TEST_POSTGRES_DSN names a database.
func TestPostgres(t *testing.T) {
	dsn := os.Getenv("BREACH_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skipf("BREACH_TEST_POSTGRES_DSN is not set; set it to a PostgreSQL URL (postgres://user@host:port/db) to run the contract suite against PostgreSQL")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	n := 0
	storetest.Run(t, func(t *testing.T) store.Store {
		n++
		schema := fmt.Sprintf("breach_test_%d_%d", os.Getpid(), n)
		if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				t.Errorf("drop schema: %v", err)
			}
		})
		s, err := store.Open(t.Context(), store.Options{Driver: store.DriverPostgres, DSN: withSearchPath(t, dsn, schema)})
		if err != nil {
			t.Fatalf("Open(postgres): %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func withSearchPath(t *testing.T, dsn, schema string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		t.Fatalf("BREACH_TEST_POSTGRES_DSN must be a URL such as postgres://user@host:5432/db, got an unparsable value")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestMigrationsAppliedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "breach.db")
	for range 3 {
		s, err := store.Open(t.Context(), store.Options{Path: path})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s", v, name))
	}
	entries, err := os.ReadDir("migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, e := range entries {
		want = append(want, fmt.Sprintf("%d %s", i+1, e.Name()))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schema_migrations after three opens (-want +got):\n%s", diff)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "breach.db")
	s := openSQLite(t, path)
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', '2026-11-22 00:00:00+00:00')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = store.Open(t.Context(), store.Options{Path: path})
	if err == nil {
		t.Fatal("Open of a database from a newer binary: got nil error, want a refusal")
	}
	if want := "newer than this binary"; !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to contain %q", err, want)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		opts store.Options
		want error
	}{
		{"unknown driver", store.Options{Driver: "mysql", Path: "x"}, store.ErrInvalid},
		{"postgres without DSN", store.Options{Driver: store.DriverPostgres}, store.ErrInvalid},
		{"no path", store.Options{}, store.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := store.Open(t.Context(), tc.opts)
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if s != nil {
				s.Close()
			}
		})
	}
}

// TestConcurrentSaveTwoHandles saves from several goroutines through two
// stores on one file, as two processes would: busy_timeout and BEGIN
// IMMEDIATE must keep SQLITE_BUSY away.
func TestConcurrentSaveTwoHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "breach.db")
	handles := []store.Store{openSQLite(t, path), openSQLite(t, path)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for w := range 6 {
		wg.Go(func() {
			s := handles[w%2]
			for i := range 40 {
				in := &incident.Incident{Schema: incident.Schema, ID: fmt.Sprintf("INC-%d", i%10), Revision: w + 1,
					Title: "t", DiscoveredAt: base, Cause: incident.CauseHacking,
					Affected: []incident.Affected{{System: "s"}}}
				if _, err := s.SaveIncident(context.Background(), in, nil); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				if _, _, err := s.ListIncidents(context.Background(), store.ListOptions{Limit: 5}); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("concurrent use: %v", err)
	}
	rec, err := handles[0].GetIncident(t.Context(), "INC-3")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Revision != 6 || rec.Revisions != 6 {
		t.Errorf("INC-3: got revision %d of %d, want 6 of 6", rec.Revision, rec.Revisions)
	}
}

// TestPostgresConcurrentOpen opens one fresh PostgreSQL schema from several
// goroutines at once: the advisory lock must let each migration run once.
func TestPostgresConcurrentOpen(t *testing.T) {
	dsn := os.Getenv("BREACH_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skipf("BREACH_TEST_POSTGRES_DSN is not set; set it to a PostgreSQL URL to run this test")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("breach_test_%d_open", os.Getpid())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := store.Open(context.Background(), store.Options{Driver: store.DriverPostgres, DSN: withSearchPath(t, dsn, schema)})
			if err != nil {
				errs <- err
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Open: %v", err)
	}
	var n int
	if err := admin.QueryRow("SELECT COUNT(*) FROM " + schema + ".schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir("migrations/postgres")
	if err != nil {
		t.Fatal(err)
	}
	if n != len(files) {
		t.Errorf("schema_migrations rows: got %d, want %d (one per migration)", n, len(files))
	}
}

// TestOpenOddPath opens a database whose path holds characters that mean
// something in a URI; the file must land exactly there.
func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my data #1 ?x=%20", "breach.db")
	s := openSQLite(t, path)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: got %v, want it at %q", err, path)
	}
}

// TestSQLitePageSize: a new database gets sqlitePageSize pages and WAL
// mode; an existing one keeps its page size.
func TestSQLitePageSize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	pageSize := func(path string) (size int, mode string) {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		return size, mode
	}

	fresh := filepath.Join(dir, "fresh.db")
	s, err := store.Open(ctx, store.Options{Path: fresh})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if size, mode := pageSize(fresh); size != store.SQLitePageSize || mode != "wal" {
		t.Errorf("new database: page size %d, journal mode %q; want %d, wal", size, mode, store.SQLitePageSize)
	}

	old := filepath.Join(dir, "old.db")
	db, err := sql.Open("sqlite", "file:"+old+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE before_breach (a)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = store.Open(ctx, store.Options{Path: old})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if size, _ := pageSize(old); size != 4096 {
		t.Errorf("existing database: page size %d, want the 4096 it was created with", size)
	}
}

// TestSQLiteConcurrentCreate: two opens of the same new database at once
// both succeed (the creation waits for the other's lock instead of
// failing with SQLITE_BUSY).
func TestSQLiteConcurrentCreate(t *testing.T) {
	dir := t.TempDir()
	for i := range 20 {
		path := filepath.Join(dir, fmt.Sprintf("new-%d.db", i))
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				s, err := store.Open(t.Context(), store.Options{Path: path})
				if err == nil {
					err = s.Close()
				}
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("database %d: open while another opens it: %v", i, err)
			}
		}
	}
}

// TestClaimRowWithAnotherKeysJob: a ledger row whose job is another
// notice's (which only a hand edit of the database makes) is never sent:
// Claim refuses it, on its own channel too, and leaves it as it was.
func TestClaimRowWithAnotherKeysJob(t *testing.T) {
	path := filepath.Join(t.TempDir(), "breach.db")
	s := openSQLite(t, path)
	ctx := t.Context()
	route := notify.Route{Channel: notify.ChannelEmail, To: "a@example.org"}
	mine := notify.NewJob("INC-CLX", 1, 1, "u-1", route, nil)
	other := notify.NewJob("INC-CLX", 1, 1, "u-2", route, nil)
	e := mine.Entry()
	e.CreatedAt, e.UpdatedAt = time.Now(), time.Now()
	if _, _, err := s.Ledger().Plan(ctx, []notify.Entry{e}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	forged, _ := json.Marshal(other)
	if _, err := db.Exec(`UPDATE notices SET job = $1 WHERE key = $2`, string(forged), mine.Key); err != nil {
		t.Fatal(err)
	}
	got, accepted, proceed, err := s.Ledger().(notify.Claimer).Claim(ctx, mine.Key, notify.ChannelEmail, time.Now())
	if err != nil || accepted || proceed || got.State != notify.StatePending {
		t.Errorf("Claim: got %s, accepted %t, proceed %t, %v; want the pending row refused", got.State, accepted, proceed, err)
	}
}
