package store_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
