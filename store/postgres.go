package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

//go:embed migrations/postgres/*.sql
var postgresMigrations embed.FS

// postgresMigrationLock is the pg_advisory_xact_lock key that serialises
// migrations of concurrently starting processes ("breach" in ASCII).
const postgresMigrationLock = `SELECT pg_advisory_xact_lock(108243466675048)`

// openPostgres opens the PostgreSQL store of a scaled-out deployment. The
// statements are those of SQLite; reads and writes share one pool, since
// PostgreSQL has no single-writer limit.
func openPostgres(ctx context.Context, opts Options) (Store, error) {
	if opts.DSN == "" {
		return nil, fmt.Errorf("open postgres store: no DSN: %w", ErrInvalid)
	}
	db, err := sql.Open("pgx", opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	db.SetMaxOpenConns(opts.ReadConns + 4)
	db.SetMaxIdleConns(opts.ReadConns + 4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	ms, err := loadMigrations(postgresMigrations, "migrations/postgres")
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := migrate(ctx, db, postgresMigrationLock, ms, opts.Now, opts.Log); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate postgres store: %w", err)
	}
	return &sqlStore{w: db, r: db, now: opts.Now, log: opts.Log, d: dialect{name: DriverPostgres}}, nil
}
