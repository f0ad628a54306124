package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// sqliteDSN is the connection string of the SQLite driver's documented settings: WAL, a busy
// timeout, foreign keys, synchronous NORMAL, BEGIN IMMEDIATE for every
// transaction (so a writer never has to upgrade a read lock and hit
// SQLITE_BUSY) and sortable UTC time text. The single writer connection
// also gets a 64 MiB page cache, so a directory import spills fewer pages
// to the WAL and reads fewer back.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_txlock=immediate&_time_format=sqlite"
}

// sqliteReadDSN is sqliteDSN for the reader pool: the same pragmas, but
// read-only (query_only) and with deferred transactions, so readers never
// take the write lock.
func sqliteReadDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_pragma=query_only(1)&_txlock=deferred&_time_format=sqlite"
}

// sqlitePageSize is the page size of a new database. A ledger row (its
// job included) is about 700 bytes: a 4 KiB page holds five, a 16 KiB
// page twenty-three, so planning a campaign splits fewer pages and writes
// fewer, larger WAL frames (make bench-e2e: 8 KiB took about 15% less
// CPU per planned notice than 4 KiB, 16 KiB 3–8% less again, delivery
// unchanged; 32 KiB planned faster still but made delivery slower, each
// claim and record rewriting a larger page). A database keeps the page
// size it was created with.
const sqlitePageSize = 16384

// createSQLite creates the empty database file at path (URI-escaped) with
// sqlitePageSize pages, in WAL mode. It cannot be a DSN pragma: the driver
// runs those in alphabetical order, and journal_mode, which comes first,
// fixes the page size of a new file. The busy timeout (which the driver
// runs first) lets two processes opening a new store at once wait for
// each other where SQLite can.
func createSQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA page_size = " + strconv.Itoa(sqlitePageSize), "PRAGMA journal_mode = WAL"} {
		if _, err = db.ExecContext(ctx, q); err != nil {
			break
		}
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func openSQLite(ctx context.Context, opts Options) (Store, error) {
	if opts.Path == "" {
		return nil, fmt.Errorf("open sqlite store: no database path: %w", ErrInvalid)
	}
	if dir := filepath.Dir(opts.Path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open sqlite store: %w", err)
		}
	}
	// Escape what would end the path inside a URI (?, #, %).
	p := (&url.URL{Path: opts.Path}).EscapedPath()
	// A new database, or an empty file (a creation interrupted before
	// its first page was written), gets sqlitePageSize pages.
	if fi, err := os.Stat(opts.Path); errors.Is(err, fs.ErrNotExist) || err == nil && fi.Size() == 0 {
		// Best effort: when it fails (another process creating the same
		// store at this moment holds the lock), the open below creates or
		// opens it as before, with the default page size at worst, and
		// reports any error that is real (a directory it cannot write).
		_ = createSQLite(ctx, p)
	}
	w, err := sql.Open("sqlite", sqliteDSN(p))
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", opts.Path, err)
	}
	// SQLite has one writer: a single connection serialises writers in
	// this process without SQLITE_BUSY; busy_timeout covers other ones.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", opts.Path, err)
	}
	ms, err := loadMigrations(sqliteMigrations, "migrations/sqlite")
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, w, "", ms, opts.Now, opts.Log); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate sqlite store %s: %w", opts.Path, err)
	}
	r, err := sql.Open("sqlite", sqliteReadDSN(p))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", opts.Path, err)
	}
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", opts.Path, err)
	}
	return &sqlStore{w: w, r: r, now: opts.Now, log: opts.Log, d: dialect{name: DriverSQLite, anonymousBulk: true}}, nil
}
