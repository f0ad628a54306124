package store

import "database/sql"

// RawDB returns the writing database handle of a store opened by Open, so
// that contract tests can change rows behind the store's back (tampering).
func RawDB(s Store) *sql.DB { return s.(*sqlStore).w }

// SQLitePageSize is the page size of a new SQLite database.
const SQLitePageSize = sqlitePageSize
