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

// TestPostgresTrust runs the trust contract (tokens, audit log, tampering)
// against PostgreSQL, each case in a schema of its own, when
// BREACH_TEST_POSTGRES_DSN names a database.
func TestPostgresTrust(t *testing.T) {
	dsn := os.Getenv("BREACH_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skipf("BREACH_TEST_POSTGRES_DSN is not set; set it to a PostgreSQL URL (postgres://user@host:port/db) to run the trust contract against PostgreSQL")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	n := 0
	storetest.RunTrust(t, func(t *testing.T) (store.Store, *sql.DB) {
		n++
		schema := fmt.Sprintf("breach_trust_%d_%d", os.Getpid(), n)
		if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
		s, err := store.Open(t.Context(), store.Options{Driver: store.DriverPostgres, DSN: withSearchPath(t, dsn, schema)})
		if err != nil {
			t.Fatalf("Open(postgres): %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s, store.RawDB(s)
	})
}

// TestPostgresAuditReplicas appends through two stores on one PostgreSQL
// schema at once, as two replicas of breach serve would: the advisory lock
// must keep one chain.
func TestPostgresAuditReplicas(t *testing.T) {
	dsn := os.Getenv("BREACH_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skipf("BREACH_TEST_POSTGRES_DSN is not set; set it to a PostgreSQL URL to run this test")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("breach_trust_%d_replicas", os.Getpid())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	var logs []*audit.Log
	for range 2 {
		s, err := store.Open(t.Context(), store.Options{Driver: store.DriverPostgres, DSN: withSearchPath(t, dsn, schema)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		logs = append(logs, audit.New(s, nil))
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
