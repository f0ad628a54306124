package store

import (
	"context"
	"database/sql"
	"runtime"
	"sync"
)

// groupCommit gathers the small ledger writes (Begin, Finish) that notice
// workers make at the same time and commits them in one transaction. On
// SQLite a commit costs far more than one row's UPDATE (a WAL frame per
// page touched, and the only writer connection held for the round trip),
// so sixteen workers that each commit alone spend their time queued for
// the writer; gathered, they share one commit. Every caller still waits
// until its own write is committed, and gets its own result.
//
// There is no background goroutine: the first caller to find no batch
// running becomes the leader and commits what is pending, its own write
// among it; writes that arrive meanwhile are committed by a goroutine it
// starts afterwards.
type groupCommit struct {
	mu      sync.Mutex
	pending []*commitOp
	running bool
}

// maxGroup bounds the writes of one transaction, so that a batch never
// holds the writer long.
const maxGroup = 256

// commitOp is one caller's write. run executes it in tx and returns only
// database errors (a result such as "unknown key" is the op's own
// business, kept in its closure); it must be safe to run again in another
// transaction when the batch it was in is rolled back.
type commitOp struct {
	ctx  context.Context
	run  func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// do runs fn in a transaction shared with other concurrent writes and
// returns once it is committed (or failed). fn may run twice: a batch in
// which any write fails is rolled back and each of its writes is then run
// in a transaction of its own, so one caller's failure is never another's.
func (g *groupCommit) do(ctx context.Context, s *sqlStore, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	op := &commitOp{ctx: ctx, run: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, op)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		g.drain(s, true)
	}
	select {
	case err := <-op.done:
		return err
	case <-ctx.Done():
		// The write may still be committed; the caller treats it as
		// failed, as it would a commit whose answer it never got.
		return ctx.Err()
	}
}

// drain commits pending batches. The caller that became leader commits
// one batch (its own write is in it) and hands what arrived meanwhile to
// a goroutine, so that it is not held up by later writers.
func (g *groupCommit) drain(s *sqlStore, leader bool) {
	for {
		// Let the writers that are about to arrive (those whose last write
		// was just committed) join the batch: on a small machine this
		// triples the writes per commit.
		runtime.Gosched()
		g.mu.Lock()
		n := min(len(g.pending), maxGroup)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		batch := make([]*commitOp, n)
		copy(batch, g.pending)
		g.pending = append(g.pending[:0], g.pending[n:]...)
		g.mu.Unlock()
		g.commit(s, batch)
		if leader {
			go g.drain(s, false)
			return
		}
	}
}

// commit runs batch in one transaction; when any of it fails, it rolls
// back and runs each write alone.
func (g *groupCommit) commit(s *sqlStore, batch []*commitOp) {
	live := batch[:0:0]
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.done <- err
			continue
		}
		live = append(live, op)
	}
	if len(live) == 0 {
		return
	}
	if len(live) > 1 {
		ctx := context.Background()
		err := s.writeTx(ctx, func(tx *sql.Tx) error {
			for _, op := range live {
				if err := op.run(context.WithoutCancel(op.ctx), tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			for _, op := range live {
				op.done <- nil
			}
			return
		}
	}
	for _, op := range live {
		op.done <- s.writeTx(op.ctx, func(tx *sql.Tx) error { return op.run(op.ctx, tx) })
	}
}
