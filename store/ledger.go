package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/notify"
)

// sqlLedger is the proof-of-notice ledger (notify.Ledger) kept in the
// notices table of the store's database. Its semantics are those of
// notify.MemoryLedger, the reference implementation, with two differences
// of representation: times come back in UTC (exact to the nanosecond), and
// a time outside the years 1678 to 2262 is refused with ErrInvalid rather
// than stored inexactly. Writes go through the writer (one connection on
// SQLite, so concurrent workers queue instead of meeting SQLITE_BUSY);
// reads use the reader pool.
type sqlLedger struct{ s *sqlStore }

var (
	_ notify.Ledger  = sqlLedger{}
	_ notify.Claimer = sqlLedger{}
)

// Ledger implements Store.
func (s *sqlStore) Ledger() notify.Ledger { return sqlLedger{s: s} }

// noticeColumns are the columns of the notices table, in insert and scan
// order.
const noticeColumns = `key, incident_id, subject_id, channel, version, guardian, state, attempts,
    provider_id, error, template_version, content_hash, created_at, updated_at, sent_at, job`

const noticeColumnCount = 16

// noticeBatch is how many rows one INSERT of Plan carries: 16,000
// parameters, under SQLite's 32,766 and PostgreSQL's 65,535.
const noticeBatch = 1000

// idleStates is the SQL list of the states Begin claims outright: those
// neither final nor sending.
var idleStates = func() string {
	var q []string
	for _, st := range notify.States {
		if !st.Final() && st != notify.StateSending {
			q = append(q, "'"+string(st)+"'")
		}
	}
	return strings.Join(q, ", ")
}()

// Statements of the ledger, prepared once per database handle.
var (
	// noticeBegin claims an idle notice, or a sending one whose claim
	// lease ran out before $2 ($3 is $2 - notify.ClaimLease).
	noticeBegin = `UPDATE notices SET state = '` + string(notify.StateSending) + `', attempts = attempts + 1, updated_at = $2
WHERE key = $1 AND (state IN (` + idleStates + `)
    OR (state = '` + string(notify.StateSending) + `' AND (updated_at IS NULL OR updated_at < $3)))
RETURNING ` + noticeColumns
	// noticeClaim is noticeBegin without the row: Claim has read it.
	noticeClaim = `UPDATE notices SET state = '` + string(notify.StateSending) + `', attempts = attempts + 1, updated_at = $2
WHERE key = $1 AND (state IN (` + idleStates + `)
    OR (state = '` + string(notify.StateSending) + `' AND (updated_at IS NULL OR updated_at < $3)))`
	noticeFinish = `UPDATE notices
SET state = $2, provider_id = $3, error = $4, template_version = $5, content_hash = $6, updated_at = $7
WHERE key = $1`
	// noticeFinishSent records a notice handed over (sent or written):
	// sent_at is the time it left the engine.
	noticeFinishSent = `UPDATE notices
SET state = $2, provider_id = $3, error = $4, template_version = $5, content_hash = $6, updated_at = $7, sent_at = $7
WHERE key = $1`
	// noticeByProvider finds a notice of a channel other than e-mail by
	// its provider id; its conditions are notices_by_provider's, so that
	// the index serves it.
	noticeByProvider = `SELECT ` + noticeColumns + ` FROM notices
WHERE channel = $1 AND provider_id = $2 AND provider_id <> '' AND channel <> '` + string(notify.ChannelEmail) + `' LIMIT 1`
	// noticeByMessageID finds an e-mail by its Message-ID, which no
	// index holds (migration 0010): it reads the whole ledger. Nothing in
	// the service looks e-mails up this way; it keeps ByProvider whole.
	noticeByMessageID = `SELECT ` + noticeColumns + ` FROM notices WHERE channel = '` + string(notify.ChannelEmail) + `' AND provider_id = $1 LIMIT 1`
	// noticeLock takes the row lock of one notice (PostgreSQL) without
	// changing it; on SQLite the write transaction already excludes every
	// other writer.
	noticeLock   = `UPDATE notices SET state = state WHERE key = $1`
	noticeGet    = `SELECT ` + noticeColumns + ` FROM notices WHERE key = $1`
	noticeCounts = `SELECT channel, state, COUNT(*) FROM notices WHERE incident_id = $1 GROUP BY channel, state`
	noticeEach   = `SELECT ` + noticeColumns + ` FROM notices WHERE incident_id = $1 ORDER BY key`
)

// noticeInsert is a multi-row INSERT of n notices that skips keys already
// in the ledger (and repeats of a key within the statement).
func (d dialect) noticeInsert(n int) string {
	return d.multiRowInsert("notices", noticeColumns, noticeColumnCount, n, "key")
}

// stateList is the SQL list of states.
func stateList(keep func(notify.State) bool) string {
	var q []string
	for _, st := range notify.States {
		if keep(st) {
			q = append(q, "'"+string(st)+"'")
		}
	}
	return strings.Join(q, ", ")
}

// legalList is the SQL list of the legal-notice channels.
var legalList = func() string {
	var q []string
	for _, c := range notify.LegalChannels() {
		q = append(q, "'"+string(c)+"'")
	}
	return strings.Join(q, ", ")
}()

// noticeLift moves the unreachable notices of n people ($3…, of incident
// $1 and version $2) out of that state when the person has a reaching
// legal-notice route: a ChannelNone marker to skipped, a route to
// failed_permanent (notify.Ledger.Plan).
func (d dialect) noticeLift(n int) string {
	var b strings.Builder
	b.WriteString(`UPDATE notices SET state = CASE WHEN channel = '` + string(notify.ChannelNone) + `' THEN '` +
		string(notify.StateSkipped) + `' ELSE '` + string(notify.StateFailedPermanent) + `' END
WHERE incident_id = $1 AND version = $2 AND state = '` + string(notify.StateUnreachable) + `' AND subject_id IN (`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		d.param(&b, i+3)
	}
	b.WriteString(`) AND EXISTS (SELECT 1 FROM notices o WHERE o.incident_id = notices.incident_id
    AND o.subject_id = notices.subject_id AND o.version = notices.version
    AND o.channel IN (` + legalList + `) AND o.state IN (` + stateList(notify.State.Reaching) + `))`)
	return b.String()
}

// liftPeople runs noticeLift for the people of entries, grouped by
// incident and version, with lift (noticeLift of noticeBatch people,
// prepared) when it is not nil: a shorter list repeats its last person,
// so one prepared statement serves every batch.
func (l sqlLedger) liftPeople(ctx context.Context, tx *sql.Tx, lift *sql.Stmt, entries []notify.Entry, batch []int) error {
	type group struct {
		incident string
		version  int
		args     []any // incident, version, then the people
	}
	var groups []group
	for _, i := range batch {
		e := &entries[i]
		g := -1
		for k := range groups {
			if groups[k].incident == e.IncidentID && groups[k].version == e.Version {
				g = k
				break
			}
		}
		if g < 0 {
			groups = append(groups, group{e.IncidentID, e.Version, []any{e.IncidentID, e.Version}})
			g = len(groups) - 1
		}
		// Entries come in key order, which keeps a person's notices
		// together: a person repeated further on only repeats a value
		// of the IN list.
		if args := groups[g].args; args[len(args)-1] != any(e.SubjectID) {
			groups[g].args = append(args, e.SubjectID)
		}
	}
	for _, g := range groups {
		var err error
		if lift != nil { // room for a whole batch's people
			for len(g.args) < noticeBatch+2 {
				g.args = append(g.args, g.args[len(g.args)-1])
			}
			_, err = tx.StmtContext(ctx, lift).ExecContext(ctx, g.args...)
		} else {
			_, err = tx.ExecContext(ctx, l.s.d.noticeLift(len(g.args)-2), g.args...)
		}
		if err != nil {
			return fmt.Errorf("lift unreachable marks: %w", err)
		}
	}
	return nil
}

// noticeTold selects the handed legal-notice routes of n people ($2…) of
// incident $1, re-sends aside, highest version first, then in key order.
func (d dialect) noticeTold(n int) string {
	var b strings.Builder
	b.WriteString(`SELECT ` + noticeColumns + ` FROM notices WHERE incident_id = $1 AND subject_id IN (`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		d.param(&b, i+2)
	}
	b.WriteString(`) AND version < ` + strconv.Itoa(notify.ResendVersionBase) + ` AND channel IN (` + legalList + `) AND state IN (` +
		stateList(notify.State.Handed) + `) ORDER BY subject_id, version DESC, key`)
	return b.String()
}

// Told implements notify.Ledger, in queries of noticeBatch people.
func (l sqlLedger) Told(ctx context.Context, incidentID string, subjects []string) (map[string]notify.Entry, error) {
	out := make(map[string]notify.Entry)
	for start := 0; start < len(subjects); start += noticeBatch {
		batch := subjects[start:min(start+noticeBatch, len(subjects))]
		args := make([]any, 0, len(batch)+1)
		args = append(args, incidentID)
		for _, s := range batch {
			args = append(args, s)
		}
		rows, err := l.s.r.QueryContext(ctx, l.s.d.noticeTold(len(batch)), args...)
		if err != nil {
			return nil, fmt.Errorf("ledger notices told of incident %s: %w", incidentID, err)
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				e, err := scanNotice(rows)
				if err != nil {
					return err
				}
				if _, ok := out[e.SubjectID]; !ok {
					out[e.SubjectID] = e
				}
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, fmt.Errorf("ledger notices told of incident %s: %w", incidentID, err)
		}
	}
	return out, nil
}

// noticeStates is a SELECT of the key and state of n notices by key.
func (d dialect) noticeStates(n int) string { return d.selectByKeys("key, state", n) }

// noticeStatesJobless is noticeStates with, third, whether the row keeps
// no job and, fourth, when it was created (PlanIndexed tells a row this
// call created from one an earlier call did by it).
func (d dialect) noticeStatesJobless(n int) string {
	return d.selectByKeys("key, state, job = '', created_at", n)
}

// noticeBackfill gives a row written before the ledger kept jobs its job.
const noticeBackfill = `UPDATE notices SET job = $2 WHERE key = $1 AND job = ''`

// selectByKeys is a SELECT of columns of n notices by key.
func (d dialect) selectByKeys(columns string, n int) string {
	var b strings.Builder
	b.Grow(60 + n*6)
	b.WriteString("SELECT " + columns + " FROM notices WHERE key IN (")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		d.param(&b, i+1)
	}
	b.WriteByte(')')
	return b.String()
}

// Plan implements notify.Ledger: every entry in one transaction, in
// multi-row INSERTs of noticeBatch rows, each followed by a SELECT of the
// states of its keys (which says which entries are open). Entries are
// inserted in key order (the first of repeated keys wins, as in
// MemoryLedger), so concurrent planners lock keys in the same order and
// cannot deadlock on PostgreSQL.
func (l sqlLedger) Plan(ctx context.Context, entries []notify.Entry) ([]bool, int, error) {
	return l.PlanIndexed(ctx, entries, nil)
}

// PlanIndexed implements announce.IndexedPlanner: Plan, with the
// verification entries idx written after the notices in the same
// transaction (one commit per batch), in a generation of their own
// (verifyGeneration). The entries of notices whose rows an earlier call
// created (a campaign resumed: the row's creation time is not the
// entry's) are left out: they were indexed with their rows.
func (l sqlLedger) PlanIndexed(ctx context.Context, entries []notify.Entry, idx []announce.VerifyEntry) ([]bool, int, error) {
	if len(entries) == 0 && len(idx) == 0 {
		return []bool{}, 0, nil
	}
	var verify *sql.Stmt
	if len(idx) > 0 {
		if err := checkVerifyEntries(idx); err != nil {
			return nil, 0, fmt.Errorf("ledger plan %d notices: verification index: %w", len(entries), err)
		}
		var err error
		if verify, err = l.s.verifyInsertFull(ctx); err != nil {
			return nil, 0, fmt.Errorf("ledger plan %d notices: %w", len(entries), err)
		}
	}
	order := sortedOrder(len(entries), func(a, b int) int { return strings.Compare(entries[a].Key, entries[b].Key) })
	// Every statement's parameters (the jobs encoded as JSON among them)
	// are ready before the transaction, which on SQLite holds the only
	// writer: the writer only runs the statements.
	var chunks [][]any
	for start := 0; start < len(order); start += noticeBatch {
		batch := order[start:min(start+noticeBatch, len(order))]
		args := make([]any, 0, noticeColumnCount*len(batch))
		for _, i := range batch {
			var err error
			if args, err = appendNotice(args, entries[i]); err != nil {
				return nil, 0, fmt.Errorf("ledger plan %d notices: %w", len(entries), err)
			}
		}
		chunks = append(chunks, args)
	}
	var verifyRows [][]any
	if verify != nil {
		verifyRows = verifyChunks(idx)
	}
	keys := make([]any, 0, min(len(order), noticeBatch))
	// The full-batch statements are prepared before the transaction: on
	// SQLite the transaction holds the only writer connection.
	var full, fullStates, lift *sql.Stmt
	if len(order) >= noticeBatch {
		var err error
		full, err = l.s.stmts.get(ctx, l.s.w, "notice-insert-full", func() string { return l.s.d.noticeInsert(noticeBatch) })
		if err == nil {
			fullStates, err = l.s.stmts.get(ctx, l.s.w, "notice-states-jobless-full", func() string { return l.s.d.noticeStatesJobless(noticeBatch) })
		}
		if err == nil {
			lift, err = l.s.stmts.get(ctx, l.s.w, "notice-lift-full", func() string { return l.s.d.noticeLift(noticeBatch) })
		}
		if err != nil {
			return nil, 0, fmt.Errorf("ledger plan %d notices: %w", len(entries), err)
		}
	}
	open := make([]bool, len(entries))
	states := make(map[string]notify.State, min(len(order), noticeBatch))
	jobless := map[string]bool{}
	// born holds the creation time of the rows of keys that were not all
	// created now; older holds the keys of entries that were in the
	// ledger before this call.
	born := map[string]sql.NullInt64{}
	older := map[string]bool{}
	created := 0
	err := l.s.writeTx(ctx, func(tx *sql.Tx) error {
		created = 0
		clear(older)
		for start := 0; start < len(order); start += noticeBatch {
			batch := order[start:min(start+noticeBatch, len(order))]
			args := chunks[start/noticeBatch]
			keys = keys[:0]
			for _, i := range batch {
				keys = append(keys, entries[i].Key)
			}
			var res sql.Result
			var rows *sql.Rows
			var err error
			if len(batch) == noticeBatch {
				res, err = tx.StmtContext(ctx, full).ExecContext(ctx, args...)
			} else {
				res, err = tx.ExecContext(ctx, l.s.d.noticeInsert(len(batch)), args...)
			}
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			created += int(n)
			if err := l.liftPeople(ctx, tx, lift, entries, batch); err != nil {
				return err
			}
			if int(n) == len(batch) && distinctKeys(entries, batch) {
				// Every entry was created now, in its own state: that
				// state says whether it is open (a lift only moves an
				// unreachable entry to another final state).
				for _, i := range batch {
					open[i] = !entryState(entries[i]).Final()
				}
				continue
			}
			if len(batch) == noticeBatch {
				rows, err = tx.StmtContext(ctx, fullStates).QueryContext(ctx, keys...)
			} else {
				rows, err = tx.QueryContext(ctx, l.s.d.noticeStatesJobless(len(batch)), keys...)
			}
			if err != nil {
				return fmt.Errorf("read states: %w", err)
			}
			clear(states)
			clear(jobless)
			clear(born)
			if err := scanStatesJobless(rows, states, jobless, born); err != nil {
				return fmt.Errorf("read states: %w", err)
			}
			for k, i := range batch {
				e := &entries[i]
				st, ok := states[e.Key]
				if !ok {
					return fmt.Errorf("notice %s: not found after it was planned", noticeRef(e.Key))
				}
				// Of a key repeated in entries, the first (in key order,
				// perhaps in an earlier batch) is the one inserted.
				first := start + k
				for first > 0 && entries[order[first-1]].Key == e.Key {
					first--
				}
				// (Its time was checked by appendNotice.)
				at := entries[order[first]].CreatedAt
				if !at.IsZero() && born[e.Key].Valid && born[e.Key].Int64 != at.UnixNano() {
					// Planned by an earlier call (a campaign resumed), so
					// indexed then too.
					older[e.Key] = true
				}
				open[i] = !st.Final()
				if open[i] && jobless[e.Key] && e.Job.Key != "" {
					// A notice planned before the ledger kept jobs: it
					// gets the job planned now, so that a worker can send
					// it from its row.
					if err := backfillJob(ctx, tx, e); err != nil {
						return err
					}
					jobless[e.Key] = false
				}
			}
		}
		if verify == nil {
			return nil
		}
		// The verification index after the notices: the entries of
		// notices planned by an earlier call are indexed already, and a
		// resumed campaign must not index them again in a new generation.
		rows, n := verifyRows, len(idx)
		if len(older) > 0 {
			fresh := make([]announce.VerifyEntry, 0, len(idx))
			for _, v := range idx {
				if !older[v.NoticeKey] {
					fresh = append(fresh, v)
				}
			}
			rows, n = verifyChunks(fresh), len(fresh)
		}
		if err := insertVerifyChunks(ctx, tx, l.s.d, verify, rows, n); err != nil {
			return fmt.Errorf("verification index: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("ledger plan %d notices: %w", len(entries), err)
	}
	return open, created, nil
}

// sortedOrder returns the indexes 0 to n-1 in the order cmp gives them,
// those cmp finds equal in their own order. Rows are written in such an
// order (notices by key, verification entries by lookup) so that two
// writers of the same rows at once lock them in the same order and
// cannot deadlock, and the first of repeated keys is the one kept.
func sortedOrder(n int, cmp func(a, b int) int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, cmp)
	return order
}

// distinctKeys reports whether the entries of batch (indexes in key
// order) have no key twice.
func distinctKeys(entries []notify.Entry, batch []int) bool {
	for k := 1; k < len(batch); k++ {
		if entries[batch[k]].Key == entries[batch[k-1]].Key {
			return false
		}
	}
	return true
}

// entryState is the state an entry is planned in: its own, pending when
// empty.
func entryState(e notify.Entry) notify.State {
	if e.State == "" {
		return notify.StatePending
	}
	return e.State
}

// scanStatesJobless reads rows of key, state, joblessness and creation
// time into states, jobless and born, and closes rows.
func scanStatesJobless(rows *sql.Rows, states map[string]notify.State, jobless map[string]bool, born map[string]sql.NullInt64) error {
	defer rows.Close()
	for rows.Next() {
		var key, state string
		var none bool
		var at sql.NullInt64
		if err := rows.Scan(&key, &state, &none, &at); err != nil {
			return err
		}
		states[key] = notify.State(state)
		born[key] = at
		if none {
			jobless[key] = true
		}
	}
	return rows.Err()
}

// backfillJob stores e's job in its row, which keeps none.
func backfillJob(ctx context.Context, tx *sql.Tx, e *notify.Entry) error {
	if _, err := tx.ExecContext(ctx, noticeBackfill, e.Key, string(e.Job.AppendJSON(nil))); err != nil {
		return fmt.Errorf("notice %s: keep its job: %w", noticeRef(e.Key), err)
	}
	return nil
}

// scanStates reads rows of key and state into states and closes rows.
func scanStates(rows *sql.Rows, states map[string]notify.State) error {
	defer rows.Close()
	for rows.Next() {
		var key, state string
		if err := rows.Scan(&key, &state); err != nil {
			return err
		}
		states[key] = notify.State(state)
	}
	return rows.Err()
}

// appendNotice appends the insert parameters of e.
func appendNotice(args []any, e notify.Entry) ([]any, error) {
	created, err := nanos(e.CreatedAt)
	if err != nil {
		return args, fmt.Errorf("notice %s: created_at: %w", noticeRef(e.Key), err)
	}
	updated, err := nanos(e.UpdatedAt)
	if err != nil {
		return args, fmt.Errorf("notice %s: updated_at: %w", noticeRef(e.Key), err)
	}
	sent, err := nanos(e.SentAt)
	if err != nil {
		return args, fmt.Errorf("notice %s: sent_at: %w", noticeRef(e.Key), err)
	}
	state := entryState(e)
	job := ""
	if e.Job.Key != "" {
		job = string(e.Job.AppendJSON(make([]byte, 0, 768)))
	}
	return append(args, e.Key, e.IncidentID, e.SubjectID, string(e.Channel), e.Version, e.Guardian, string(state),
		e.Attempts, e.ProviderID, e.Error, e.TemplateVersion, e.ContentHash, created, updated, sent, job), nil
}

// beginRetries bounds how often Begin re-claims a notice that a concurrent
// Finish moved out of a final state between its two statements.
const beginRetries = 8

// Begin implements notify.Ledger with one conditional UPDATE … RETURNING:
// it claims the notice unless its state is final or it is sending within
// its claim lease. When nothing was claimed, the row is read to tell
// those from an unknown key.
func (l sqlLedger) Begin(ctx context.Context, key string, at time.Time) (notify.Entry, bool, error) {
	ts, leaseEnd, err := claimTimes(at)
	if err != nil {
		return notify.Entry{}, false, fmt.Errorf("ledger begin %s: %w", noticeRef(key), err)
	}
	cutoff := at.Add(-notify.ClaimLease)
	claim, err := l.s.stmts.get(ctx, l.s.w, "notice-begin", func() string { return noticeBegin })
	if err != nil {
		return notify.Entry{}, false, fmt.Errorf("ledger begin %s: %w", noticeRef(key), err)
	}
	if l.s.d.name == DriverSQLite {
		return l.beginGrouped(ctx, claim, key, ts, leaseEnd)
	}
	for range beginRetries {
		e, err := scanNotice(claim.QueryRowContext(ctx, key, ts, leaseEnd))
		if err == nil {
			return e, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return notify.Entry{}, false, fmt.Errorf("ledger begin %s: %w", noticeRef(key), err)
		}
		e, err = l.get(ctx, key)
		if err != nil {
			return notify.Entry{}, false, fmt.Errorf("ledger begin %s: %w", noticeRef(key), err)
		}
		if e.State.Final() || e.State == notify.StateSending && !e.UpdatedAt.Before(cutoff) {
			return e, false, nil
		}
		// A concurrent Finish left a final state, or a lease ran out, in
		// between: claim again.
	}
	return notify.Entry{}, false, fmt.Errorf("ledger begin %s: its state kept changing under concurrent updates", noticeRef(key))
}

// claimTimes returns the parameters of a claim at time at: at as stored,
// and the end of the claim lease of a sending notice claimable at at.
func claimTimes(at time.Time) (ts any, leaseEnd int64, err error) {
	if ts, err = nanos(at); err != nil {
		return nil, 0, err
	}
	leaseEnd = int64(math.MinInt64) // no stored time is before it
	if cutoff := at.Add(-notify.ClaimLease); !cutoff.Before(minLedgerTime) {
		leaseEnd = cutoff.UnixNano()
	}
	return ts, leaseEnd, nil
}

// Claim implements notify.Claimer. On SQLite the read and the claim share
// a transaction of the group commit, so the row cannot change in between
// and the worker spares a read of its own; elsewhere it is Get, then
// Begin. (Reading the row's columns and decoding its job after the
// commit, off the single writer, was tried: no faster in make bench-e2e.)
func (l sqlLedger) Claim(ctx context.Context, key string, channel notify.Channel, at time.Time) (notify.Entry, bool, bool, error) {
	if l.s.d.name != DriverSQLite {
		e, err := l.Get(ctx, key)
		if err != nil || !e.Sendable(channel) {
			return e, false, false, err
		}
		e, proceed, err := l.Begin(ctx, key, at)
		return e, err == nil, proceed, err
	}
	fail := func(err error) (notify.Entry, bool, bool, error) {
		return notify.Entry{}, false, false, fmt.Errorf("ledger claim %s: %w", noticeRef(key), err)
	}
	ts, leaseEnd, err := claimTimes(at)
	if err != nil {
		return fail(err)
	}
	get, err := l.s.stmts.get(ctx, l.s.w, "notice-get-writer", func() string { return noticeGet })
	if err != nil {
		return fail(err)
	}
	claim, err := l.s.stmts.get(ctx, l.s.w, "notice-claim", func() string { return noticeClaim })
	if err != nil {
		return fail(err)
	}
	var (
		e                 notify.Entry
		accepted, proceed bool
	)
	err = l.s.commits.do(ctx, l.s, func(ctx context.Context, tx *sql.Tx) error {
		accepted, proceed = false, false
		var err error
		e, err = scanNotice(tx.StmtContext(ctx, get).QueryRowContext(ctx, key))
		if errors.Is(err, sql.ErrNoRows) {
			e = notify.Entry{}
			return nil
		}
		if err != nil || !e.Sendable(channel) {
			return err
		}
		accepted = true
		res, err := tx.StmtContext(ctx, claim).ExecContext(ctx, key, ts, leaseEnd)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		proceed = err == nil && n == 1
		return err
	})
	if err == nil && e.Key == "" {
		err = notify.ErrUnknownNotice
	}
	if err != nil {
		return fail(err)
	}
	if proceed {
		e.State, e.Attempts, e.UpdatedAt = notify.StateSending, e.Attempts+1, time.Unix(0, at.UnixNano()).UTC()
	}
	return e, accepted, proceed, nil
}

// beginGrouped is Begin on SQLite: the claim, and when nothing was
// claimed the read of the row, in a transaction shared with other
// workers' Begins and Finishes (groupCommit). The transaction holds the
// only writer, so the row cannot change between the two statements.
func (l sqlLedger) beginGrouped(ctx context.Context, claim *sql.Stmt, key string, ts any, leaseEnd int64) (notify.Entry, bool, error) {
	get, err := l.s.stmts.get(ctx, l.s.w, "notice-get-writer", func() string { return noticeGet })
	if err != nil {
		return notify.Entry{}, false, fmt.Errorf("ledger begin %s: %w", noticeRef(key), err)
	}
	var (
		e       notify.Entry
		proceed bool
	)
	err = l.s.commits.do(ctx, l.s, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		e, err = scanNotice(tx.StmtContext(ctx, claim).QueryRowContext(ctx, key, ts, leaseEnd))
		proceed = err == nil
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		e, err = scanNotice(tx.StmtContext(ctx, get).QueryRowContext(ctx, key))
		if errors.Is(err, sql.ErrNoRows) {
			err = nil // an unknown key: e has no Key
		}
		return err
	})
	if err == nil && e.Key == "" {
		err = notify.ErrUnknownNotice
	}
	if err != nil {
		return notify.Entry{}, false, fmt.Errorf("ledger begin %s: %w", noticeRef(key), err)
	}
	return e, proceed, nil
}

// Finish implements notify.Ledger. On SQLite it shares its transaction
// with other workers' Begins and Finishes (groupCommit); it returns once
// that transaction is committed.
func (l sqlLedger) Finish(ctx context.Context, key string, o notify.Outcome) error {
	ts, err := nanos(o.At)
	if err != nil {
		return fmt.Errorf("ledger finish %s: %w", noticeRef(key), err)
	}
	name, q := "notice-finish", noticeFinish
	if o.State == notify.StateSent || o.State == notify.StateWritten {
		name, q = "notice-finish-sent", noticeFinishSent
	}
	st, err := l.s.stmts.get(ctx, l.s.w, name, func() string { return q })
	if err != nil {
		return fmt.Errorf("ledger finish %s: %w", noticeRef(key), err)
	}
	args := []any{key, string(o.State), o.ProviderID, o.Error, o.TemplateVersion, o.ContentHash, ts}
	var n int64
	if l.s.d.name == DriverSQLite {
		err = l.s.commits.do(ctx, l.s, func(ctx context.Context, tx *sql.Tx) error {
			res, err := tx.StmtContext(ctx, st).ExecContext(ctx, args...)
			if err == nil {
				n, err = res.RowsAffected()
			}
			return err
		})
	} else {
		var res sql.Result
		if res, err = st.ExecContext(ctx, args...); err == nil {
			n, err = res.RowsAffected()
		}
	}
	if err != nil {
		return fmt.Errorf("ledger finish %s: %w", noticeRef(key), err)
	}
	if n == 0 {
		return fmt.Errorf("ledger finish %s: %w", noticeRef(key), notify.ErrUnknownNotice)
	}
	return nil
}

// Settle implements notify.Ledger in one write transaction: it locks the
// rows of key and others in key order (so that two settles of one person
// wait for each other instead of each reading the other's route as still
// open, and cannot deadlock), reads the states of others, and records the
// outcome, unreachable when none of others is live.
func (l sqlLedger) Settle(ctx context.Context, key string, others []string, o notify.Outcome) (notify.State, error) {
	ts, err := nanos(o.At)
	if err != nil {
		return "", fmt.Errorf("ledger settle %s: %w", noticeRef(key), err)
	}
	locks := append([]string{key}, others...)
	slices.Sort(locks)
	locks = slices.Compact(locks)
	others = slices.DeleteFunc(slices.Clone(locks), func(k string) bool { return k == key })
	// Prepared before the transaction: on SQLite it holds the only writer
	// connection.
	lock, err := l.s.stmts.get(ctx, l.s.w, "notice-lock", func() string { return noticeLock })
	if err != nil {
		return "", fmt.Errorf("ledger settle %s: %w", noticeRef(key), err)
	}
	name, q := "notice-finish", noticeFinish
	if o.State == notify.StateSent || o.State == notify.StateWritten {
		name, q = "notice-finish-sent", noticeFinishSent
	}
	finish, err := l.s.stmts.get(ctx, l.s.w, name, func() string { return q })
	if err != nil {
		return "", fmt.Errorf("ledger settle %s: %w", noticeRef(key), err)
	}
	state := o.State
	err = l.s.writeTx(ctx, func(tx *sql.Tx) error {
		for _, k := range locks {
			if _, err := tx.StmtContext(ctx, lock).ExecContext(ctx, k); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		state = o.State
		if state == notify.StateFailedPermanent {
			live, err := anyLive(ctx, tx, l.s.d, others)
			if err != nil {
				return err
			}
			if !live {
				state = notify.StateUnreachable
			}
		}
		res, err := tx.StmtContext(ctx, finish).ExecContext(ctx, key, string(state), o.ProviderID, o.Error, o.TemplateVersion, o.ContentHash, ts)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = notify.ErrUnknownNotice
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("ledger settle %s: %w", noticeRef(key), err)
	}
	return state, nil
}

// anyLive reports whether any of the notices keys is live
// (notify.State.Live); keys not in the ledger are not.
func anyLive(ctx context.Context, tx *sql.Tx, d dialect, keys []string) (bool, error) {
	if len(keys) == 0 {
		return false, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := tx.QueryContext(ctx, d.noticeStates(len(keys)), args...)
	if err != nil {
		return false, fmt.Errorf("read states: %w", err)
	}
	states := make(map[string]notify.State, len(keys))
	if err := scanStates(rows, states); err != nil {
		return false, fmt.Errorf("read states: %w", err)
	}
	for _, st := range states {
		if st.Live() {
			return true, nil
		}
	}
	return false, nil
}

// ByProvider implements notify.Ledger.
func (l sqlLedger) ByProvider(ctx context.Context, channel notify.Channel, id string) (notify.Entry, error) {
	if id == "" {
		return notify.Entry{}, fmt.Errorf("ledger notice by provider id: %w", notify.ErrUnknownNotice)
	}
	name, q, args := "notice-by-provider", noticeByProvider, []any{string(channel), id}
	if channel == notify.ChannelEmail {
		name, q, args = "notice-by-message-id", noticeByMessageID, []any{id}
	}
	st, err := l.s.stmts.get(ctx, l.s.r, name, func() string { return q })
	if err != nil {
		return notify.Entry{}, fmt.Errorf("ledger notice by provider id: %w", err)
	}
	e, err := scanNotice(st.QueryRowContext(ctx, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = notify.ErrUnknownNotice
	}
	if err != nil {
		return notify.Entry{}, fmt.Errorf("ledger notice by provider id: %w", err)
	}
	return e, nil
}

// Get implements notify.Ledger.
func (l sqlLedger) Get(ctx context.Context, key string) (notify.Entry, error) {
	e, err := l.get(ctx, key)
	if err != nil {
		return notify.Entry{}, fmt.Errorf("ledger get %s: %w", noticeRef(key), err)
	}
	return e, nil
}

// get reads one entry from the reader pool; an unknown key is
// notify.ErrUnknownNotice (not wrapped yet).
func (l sqlLedger) get(ctx context.Context, key string) (notify.Entry, error) {
	st, err := l.s.stmts.get(ctx, l.s.r, "notice-get", func() string { return noticeGet })
	if err != nil {
		return notify.Entry{}, err
	}
	e, err := scanNotice(st.QueryRowContext(ctx, key))
	if errors.Is(err, sql.ErrNoRows) {
		return notify.Entry{}, notify.ErrUnknownNotice
	}
	return e, err
}

// Counts implements notify.Ledger.
func (l sqlLedger) Counts(ctx context.Context, incidentID string) (notify.Counts, error) {
	rows, err := l.s.r.QueryContext(ctx, noticeCounts, incidentID)
	if err != nil {
		return nil, fmt.Errorf("ledger counts of incident %s: %w", incidentID, err)
	}
	defer rows.Close()
	c := notify.Counts{}
	for rows.Next() {
		var channel, state string
		var n int
		if err := rows.Scan(&channel, &state, &n); err != nil {
			return nil, fmt.Errorf("ledger counts of incident %s: %w", incidentID, err)
		}
		ch := notify.Channel(channel)
		if c[ch] == nil {
			c[ch] = map[notify.State]int{}
		}
		c[ch][notify.State(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger counts of incident %s: %w", incidentID, err)
	}
	return c, nil
}

// Each implements notify.Ledger. It streams rows from one query (a
// consistent snapshot, as MemoryLedger's copy is) without holding them
// all; fn may call the ledger. fn's error is returned as is. The walk holds
// one reader connection (and, on SQLite, a WAL snapshot that checkpoints
// cannot pass) until it ends, so fn should not linger.
func (l sqlLedger) Each(ctx context.Context, incidentID string, fn func(notify.Entry) error) error {
	rows, err := l.s.r.QueryContext(ctx, noticeEach, incidentID)
	if err != nil {
		return fmt.Errorf("ledger entries of incident %s: %w", incidentID, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanNotice(rows)
		if err != nil {
			return fmt.Errorf("ledger entries of incident %s: %w", incidentID, err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger entries of incident %s: %w", incidentID, err)
	}
	return nil
}

// scanNotice reads one row of noticeColumns.
func scanNotice(sc interface{ Scan(...any) error }) (notify.Entry, error) {
	var (
		e                      notify.Entry
		channel, state         string
		created, updated, sent sql.NullInt64
		job                    string
	)
	err := sc.Scan(&e.Key, &e.IncidentID, &e.SubjectID, &channel, &e.Version, &e.Guardian, &state, &e.Attempts,
		&e.ProviderID, &e.Error, &e.TemplateVersion, &e.ContentHash, &created, &updated, &sent, &job)
	if err != nil {
		return notify.Entry{}, err
	}
	if job != "" {
		if e.Job, err = notify.DecodeJob([]byte(job)); err != nil {
			return notify.Entry{}, fmt.Errorf("notice %s: %w", noticeRef(e.Key), err)
		}
	}
	e.Channel, e.State = notify.Channel(channel), notify.State(state)
	e.CreatedAt, e.UpdatedAt, e.SentAt = fromNanos(created), fromNanos(updated), fromNanos(sent)
	return e, nil
}

// Bounds of the times the ledger stores: those whose Unix nanoseconds fit
// an int64 (years 1678 to 2262).
var (
	minLedgerTime = time.Unix(0, math.MinInt64)
	maxLedgerTime = time.Unix(0, math.MaxInt64)
)

// nanos is how the ledger stores a time: Unix nanoseconds, nil (NULL) for
// the zero time.
func nanos(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	if t.Before(minLedgerTime) || t.After(maxLedgerTime) {
		return nil, fmt.Errorf("time %s is outside the years 1678 to 2262 the ledger stores: %w", t.UTC().Format(time.RFC3339), ErrInvalid)
	}
	return t.UnixNano(), nil
}

func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// noticeRef names a notice in an error message: its key, unless the key
// carries what looks like contact data (a subject id that is an e-mail
// address or a phone number), which stays out of messages.
func noticeRef(key string) string {
	if strings.ContainsRune(key, '@') || strings.Contains(key, "%40") || strings.Contains(key, "/+") || strings.Contains(key, "/%2B") {
		return "(key withheld: it holds contact data)"
	}
	return fmt.Sprintf("%q", key)
}

// stmtCache prepares each statement once per database handle; the
// *sql.Stmt then re-prepares itself on each connection it runs on.
type stmtCache struct {
	mu sync.Mutex
	m  map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	db   *sql.DB
	name string
}

// get returns the statement name prepared on db, preparing query() the
// first time. The lock is not held while preparing: preparing needs a
// connection, and the writer's only one may be in a transaction that is
// itself waiting for a statement.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, name string, query func() string) (*sql.Stmt, error) {
	k := stmtKey{db, name}
	c.mu.Lock()
	st, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query())
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", name, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[k]; ok {
		st.Close()
		return prev, nil
	}
	if c.m == nil {
		c.m = map[stmtKey]*sql.Stmt{}
	}
	c.m[k] = st
	return st, nil
}

// close closes every prepared statement.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for k, st := range c.m {
		errs = append(errs, st.Close())
		delete(c.m, k)
	}
	return errors.Join(errs...)
}
