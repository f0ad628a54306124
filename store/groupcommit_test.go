package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// openGroupTest opens a SQLite store with a table of counters.
func openGroupTest(t *testing.T) *sqlStore {
	t.Helper()
	st, err := Open(t.Context(), Options{Path: filepath.Join(t.TempDir(), "g.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := st.(*sqlStore)
	if _, err := s.w.ExecContext(t.Context(), `CREATE TABLE g (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return s
}

func insertOp(k string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO g (k, n) VALUES ($1, 1)`, k)
		return err
	}
}

func countRows(t *testing.T, s *sqlStore) int {
	t.Helper()
	var n int
	if err := s.w.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM g`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGroupCommitConcurrentWrites: every one of many concurrent writes is
// committed by the time its call returns.
func TestGroupCommitConcurrentWrites(t *testing.T) {
	s := openGroupTest(t)
	const n = 300
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			k := "k" + strconv.Itoa(i)
			if errs[i] = s.commits.do(t.Context(), s, insertOp(k)); errs[i] != nil {
				return
			}
			var got int
			errs[i] = s.r.QueryRowContext(t.Context(), `SELECT n FROM g WHERE k = $1`, k).Scan(&got)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, s); got != n {
		t.Errorf("got %d rows, want %d", got, n)
	}
}

// TestGroupCommitFailureIsolated: a write that fails inside a shared
// batch fails alone; the others of its batch are committed.
func TestGroupCommitFailureIsolated(t *testing.T) {
	s := openGroupTest(t)
	ctx := t.Context()
	if err := s.commits.do(ctx, s, insertOp("dup")); err != nil {
		t.Fatal(err)
	}
	ops := []*commitOp{
		{ctx: ctx, run: insertOp("a"), done: make(chan error, 1)},
		{ctx: ctx, run: insertOp("dup"), done: make(chan error, 1)}, // primary key conflict
		{ctx: ctx, run: insertOp("b"), done: make(chan error, 1)},
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	ops = append(ops, &commitOp{ctx: cancelled, run: insertOp("c"), done: make(chan error, 1)})
	s.commits.commit(s, ops)
	for i, want := range []bool{true, false, true, false} {
		if err := <-ops[i].done; (err == nil) != want {
			t.Errorf("op %d: got error %v, want success %t", i, err, want)
		}
	}
	if got := countRows(t, s); got != 3 {
		t.Errorf("got %d rows, want 3 (dup, a, b)", got)
	}
}
