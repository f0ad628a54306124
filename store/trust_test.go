package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/store/storetest"
)

func TestSQLiteTrust(t *testing.T) {
	storetest.RunTrust(t, func(t *testing.T) (store.Store, *sql.DB) {
		s := openSQLite(t, filepath.Join(t.TempDir(), "breach.db"))
		return s, store.RawDB(s)
	})
}

// postgresDSN returns BREACH_TEST_POSTGRES_DSN, or skips the test when it
// is not set.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("BREACH_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skipf("BREACH_TEST_POSTGRES_DSN is not set; set it to a PostgreSQL URL (postgres://user@host:port/db) to run this test against PostgreSQL")
	}
	return dsn
}

// openPostgresSchema creates the schema name in the database of dsn, drops
// it when the test ends, and opens a store in it, closed before the drop.
func openPostgresSchema(t *testing.T, dsn, name string) store.Store {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA IF NOT EXISTS "+name); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE")
		admin.Close()
	})
	s, err := store.Open(t.Context(), store.Options{Driver: store.DriverPostgres, DSN: withSearchPath(t, dsn, name)})
	if err != nil {
		t.Fatalf("Open(postgres): %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPostgresTrust runs the trust contract (tokens, audit log, tampering)
// against PostgreSQL, each case in a schema of its own.
func TestPostgresTrust(t *testing.T) {
	dsn := postgresDSN(t)
	n := 0
	storetest.RunTrust(t, func(t *testing.T) (store.Store, *sql.DB) {
		n++
		s := openPostgresSchema(t, dsn, fmt.Sprintf("breach_trust_%d_%d", os.Getpid(), n))
		return s, store.RawDB(s)
	})
}

// TestPostgresAuditReplicas appends through two stores on one PostgreSQL
// schema at once, as two replicas of breach serve would: the advisory lock
// must keep one chain.
func TestPostgresAuditReplicas(t *testing.T) {
	dsn := postgresDSN(t)
	schema := fmt.Sprintf("breach_trust_%d_replicas", os.Getpid())
	logs := []*audit.Log{
		audit.New(openPostgresSchema(t, dsn, schema), nil),
		audit.New(openPostgresSchema(t, dsn, schema), nil),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 120)
	for w := range 6 {
		wg.Go(func() {
			for range 20 {
				if _, err := logs[w%2].Append(context.Background(), audit.Event{Principal: fmt.Sprintf("replica-%d", w%2),
					Action: audit.ActionIncidentSubmitted}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Append: %v", err)
	}
	rep, err := logs[1].Verify(t.Context())
	if err != nil || !rep.OK() || rep.Checked != 120 {
		t.Errorf("Verify: got %+v, %v; want 120 intact entries", rep, err)
	}
}
