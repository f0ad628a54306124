package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/breach-notify/breach/announce"
)

// Public is what the public site keeps: the versions of announcements
// (announce.Store), the verification index of planned notices and the
// keyed index of affected people's addresses, and the count of re-sends
// asked for through the site.
type Public interface {
	announce.Store
	// AddVerifyEntries adds rows to the verification index; a row whose
	// lookup is already there is kept as it was (an entry written again in
	// a later generation is a second row, and LookupVerify returns the
	// first).
	AddVerifyEntries(ctx context.Context, entries []announce.VerifyEntry) error
	// LookupVerify returns the verification entry of lookup with the time
	// its notice was sent (from the ledger), or nil when there is none.
	LookupVerify(ctx context.Context, lookup []byte) (*announce.VerifyEntry, error)
	// AddAffectedAddresses adds rows to the affected-address index
	// (duplicates are ignored).
	AddAffectedAddresses(ctx context.Context, entries []announce.AddressEntry) error
	// LookupAffected returns every (incident, person) an address lookup
	// was recorded for.
	LookupAffected(ctx context.Context, lookup []byte) ([]announce.AddressEntry, error)
	// TakeResend counts one re-send to the address of lookup on day (UTC,
	// "2006-01-02") and reports true, unless limit were already counted
	// that day. Counts of earlier days are dropped.
	TakeResend(ctx context.Context, lookup []byte, day string, limit int) (bool, error)
}

var _ Public = (*sqlStore)(nil)

// AddAnnouncementVersion implements announce.Store.
func (s *sqlStore) AddAnnouncementVersion(ctx context.Context, v announce.Version) error {
	if err := checkID(v.IncidentID); err != nil {
		return fmt.Errorf("add announcement version: %w", err)
	}
	if v.Version < 1 || !v.Kind.Valid() {
		return fmt.Errorf("add announcement version %s/%d (%s): %w", v.IncidentID, v.Version, v.Kind, ErrInvalid)
	}
	content := ""
	if v.Content != nil {
		b, err := json.Marshal(v.Content)
		if err != nil {
			return fmt.Errorf("add announcement version %s/%d: %w", v.IncidentID, v.Version, err)
		}
		content = string(b)
	}
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO announcement_versions
    (incident_id, version, kind, published_at, approver, note, content)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (incident_id, version) DO NOTHING`,
			v.IncidentID, v.Version, string(v.Kind), utc(v.PublishedAt), v.Approver, v.Note, content)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("add announcement version %s/%d: %w", v.IncidentID, v.Version, err)
	}
	if n == 0 {
		return fmt.Errorf("announcement %s already has a version %d: %w", v.IncidentID, v.Version, errors.Join(ErrConflict, announce.ErrConflict))
	}
	return nil
}

const versionColumns = `incident_id, version, kind, published_at, approver, note, content`

func scanVersion(rows *sql.Rows) (announce.Version, error) {
	var v announce.Version
	var kind, content string
	var at time.Time
	if err := rows.Scan(&v.IncidentID, &v.Version, &kind, &at, &v.Approver, &v.Note, &content); err != nil {
		return v, err
	}
	v.Kind, v.PublishedAt = announce.Kind(kind), at.UTC()
	if content != "" {
		v.Content = new(announce.Content)
		if err := json.Unmarshal([]byte(content), v.Content); err != nil {
			return v, fmt.Errorf("announcement %s/%d: stored content: %w", v.IncidentID, v.Version, err)
		}
	}
	return v, nil
}

func (s *sqlStore) versions(ctx context.Context, what, q string, args ...any) ([]announce.Version, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []announce.Version{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// AnnouncementVersions implements announce.Store.
func (s *sqlStore) AnnouncementVersions(ctx context.Context, incidentID string) ([]announce.Version, error) {
	if err := checkID(incidentID); err != nil {
		return nil, fmt.Errorf("announcement versions: %w", err)
	}
	return s.versions(ctx, "announcement versions of "+incidentID,
		`SELECT `+versionColumns+` FROM announcement_versions WHERE incident_id = $1 ORDER BY version`, incidentID)
}

// RecentAnnouncementVersions implements announce.Store.
func (s *sqlStore) RecentAnnouncementVersions(ctx context.Context, limit int) ([]announce.Version, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("recent announcement versions: limit %d is below 1: %w", limit, ErrInvalid)
	}
	return s.versions(ctx, "recent announcement versions",
		`SELECT `+versionColumns+` FROM announcement_versions ORDER BY published_at DESC, incident_id DESC, version DESC LIMIT $1`, limit)
}

// AnnouncedIncidents implements announce.Store.
func (s *sqlStore) AnnouncedIncidents(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT incident_id FROM announcement_versions
GROUP BY incident_id ORDER BY MAX(published_at) DESC, incident_id`)
	if err != nil {
		return nil, fmt.Errorf("announced incidents: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("announced incidents: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("announced incidents: %w", err)
	}
	return out, nil
}

// AddVerifyEntries implements Public.
func (s *sqlStore) AddVerifyEntries(ctx context.Context, entries []announce.VerifyEntry) error {
	if len(entries) == 0 {
		return nil // no write transaction for nothing
	}
	if err := checkVerifyEntries(entries); err != nil {
		return fmt.Errorf("add verify entries: %w", err)
	}
	st, err := s.verifyInsertFull(ctx)
	if err != nil {
		return fmt.Errorf("add verify entries: %w", err)
	}
	chunks := verifyChunks(entries)
	if err := s.writeTx(ctx, func(tx *sql.Tx) error { return insertVerifyChunks(ctx, tx, s.d, st, chunks, len(entries)) }); err != nil {
		return fmt.Errorf("add verify entries: %w", err)
	}
	return nil
}

// verifyColumns are the verification index's columns, in insert order;
// verifyColumnCount counts them.
const (
	verifyColumns     = "gen, lookup, check_value, incident_id, channel, notice_key"
	verifyColumnCount = 6
)

// verifyBatch is how many rows of the verification index one INSERT
// writes (six parameters each): one statement per row cost a fifth of
// planning's database time.
const verifyBatch = 500

// verifyInsert adds n rows to the verification index, keeping a row whose
// lookup is already in its generation.
func (d dialect) verifyInsert(n int) string {
	return d.multiRowInsert("verify_entries", verifyColumns, verifyColumnCount, n, "gen, lookup")
}

// verifySmallWrite is the most rows a write adds to the newest generation
// of the verification index rather than starting one: a notice recorded
// alone (a failure, a re-send) must not add a generation that every
// lookup then probes.
const verifySmallWrite = 64

// verifyGeneration returns the generation the write of n rows goes to in
// tx: the next one, or for a small write the newest. Two replicas that
// take the same number at once share the generation, which only makes it
// larger.
func verifyGeneration(ctx context.Context, tx *sql.Tx, n int) (int64, error) {
	var newest sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(gen) FROM verify_generations`).Scan(&newest); err != nil {
		return 0, fmt.Errorf("verification index generation: %w", err)
	}
	if newest.Valid && n <= verifySmallWrite {
		return newest.Int64, nil
	}
	gen := newest.Int64 + 1
	if _, err := tx.ExecContext(ctx, `INSERT INTO verify_generations (gen) VALUES ($1) ON CONFLICT (gen) DO NOTHING`, gen); err != nil {
		return 0, fmt.Errorf("verification index generation: %w", err)
	}
	return gen, nil
}

// verifyInsertFull prepares the insert of verifyBatch rows, on the writer
// and outside any transaction (on SQLite a transaction holds the only
// writer connection).
func (s *sqlStore) verifyInsertFull(ctx context.Context) (*sql.Stmt, error) {
	return s.stmts.get(ctx, s.w, "verify-insert-full", func() string { return s.d.verifyInsert(verifyBatch) })
}

// checkVerifyEntries refuses entries the index cannot hold.
func checkVerifyEntries(entries []announce.VerifyEntry) error {
	for i, e := range entries {
		if len(e.Lookup) != announce.LookupBytes || len(e.Check) != announce.CheckBytes {
			return fmt.Errorf("entry %d: lookup and check must be %d bytes: %w", i, announce.LookupBytes, ErrInvalid)
		}
		if err := checkID(e.IncidentID); err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
	}
	return nil
}

// verifyChunks returns the parameters of the INSERTs of entries,
// verifyBatch rows at a time, in lookup order (sortedOrder: two replicas
// indexing the same codes at once cannot deadlock, and of two entries
// with one lookup the first is inserted). A shorter last
// chunk repeats its last row up to the next of verifySizes (the repeats
// are kept out by ON CONFLICT), so that a few statements serve every
// size: PostgreSQL's driver keeps each statement text it meets prepared.
func verifyChunks(entries []announce.VerifyEntry) [][]any {
	order := sortedOrder(len(entries), func(a, b int) int { return bytes.Compare(entries[a].Lookup, entries[b].Lookup) })
	var chunks [][]any
	for start := 0; start < len(order); start += verifyBatch {
		batch := order[start:min(start+verifyBatch, len(order))]
		size := verifyBatch
		for _, n := range verifySizes {
			if n >= len(batch) {
				size = n
				break
			}
		}
		args := make([]any, 0, verifyColumnCount*size)
		for _, i := range batch {
			e := &entries[i]
			// The generation (first) is set in the transaction.
			args = append(args, nil, e.Lookup, e.Check, e.IncidentID, e.Channel, e.NoticeKey)
		}
		last := args[len(args)-verifyColumnCount:]
		for len(args) < verifyColumnCount*size {
			args = append(args, last...)
		}
		chunks = append(chunks, args)
	}
	return chunks
}

// insertVerifyChunks runs the INSERTs of verifyChunks of rows entries in tx,
// in one generation (verifyGeneration), the full ones with full (the
// prepared insert of verifyBatch rows).
func insertVerifyChunks(ctx context.Context, tx *sql.Tx, d dialect, full *sql.Stmt, chunks [][]any, rows int) error {
	if len(chunks) == 0 {
		return nil
	}
	gen, err := verifyGeneration(ctx, tx, rows)
	if err != nil {
		return err
	}
	for _, args := range chunks {
		for c := 0; c < len(args); c += verifyColumnCount {
			args[c] = gen
		}
		var err error
		if n := len(args) / verifyColumnCount; n == verifyBatch {
			_, err = tx.StmtContext(ctx, full).ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, d.verifyInsert(n), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// verifySizes are the row counts of the verification index's INSERTs,
// smallest first; the last is verifyBatch.
var verifySizes = [...]int{1, 16, 128, verifyBatch}

// verifyLookup probes every generation of the verification index for a
// lookup, oldest first; it reads every match (there is at most one but
// for a notice indexed again), so it makes the same index probes whether
// or not the lookup is there. CROSS JOIN keeps SQLite's loop over the
// generations with a primary-key search in each: with a plain JOIN and no
// statistics it scanned the whole index (80–90 ms per lookup at 1,000,000
// entries instead of well under one).
const verifyLookup = `SELECT v.lookup, v.check_value, v.incident_id, v.channel, v.notice_key, n.sent_at
FROM verify_generations g
CROSS JOIN verify_entries v
LEFT JOIN notices n ON n.key = v.notice_key
WHERE v.gen = g.gen AND v.lookup = $1
ORDER BY g.gen`

// LookupVerify implements Public: the first entry indexed under lookup.
func (s *sqlStore) LookupVerify(ctx context.Context, lookup []byte) (*announce.VerifyEntry, error) {
	rows, err := s.r.QueryContext(ctx, verifyLookup, lookup)
	if err != nil {
		return nil, fmt.Errorf("lookup verify entry: %w", err)
	}
	defer rows.Close()
	var first *announce.VerifyEntry
	for rows.Next() {
		var e announce.VerifyEntry
		var sent sql.NullInt64
		if err := rows.Scan(&e.Lookup, &e.Check, &e.IncidentID, &e.Channel, &e.NoticeKey, &sent); err != nil {
			return nil, fmt.Errorf("lookup verify entry: %w", err)
		}
		e.SentAt = fromNanos(sent)
		if first == nil {
			first = &e
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lookup verify entry: %w", err)
	}
	return first, nil
}

// AddAffectedAddresses implements Public.
func (s *sqlStore) AddAffectedAddresses(ctx context.Context, entries []announce.AddressEntry) error {
	for i, e := range entries {
		if len(e.Lookup) != announce.LookupBytes {
			return fmt.Errorf("add affected addresses: entry %d: lookup must be %d bytes: %w", i, announce.LookupBytes, ErrInvalid)
		}
		if err := checkID(e.IncidentID); err != nil {
			return fmt.Errorf("add affected addresses: entry %d: %w", i, err)
		}
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO affected_addresses (lookup, incident_id, subject_id)
VALUES ($1, $2, $3) ON CONFLICT (lookup, incident_id, subject_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, e := range entries {
			if _, err := st.ExecContext(ctx, e.Lookup, e.IncidentID, e.SubjectID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add affected addresses: %w", err)
	}
	return nil
}

// LookupAffected implements Public.
func (s *sqlStore) LookupAffected(ctx context.Context, lookup []byte) ([]announce.AddressEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT lookup, incident_id, subject_id FROM affected_addresses
WHERE lookup = $1 ORDER BY incident_id, subject_id`, lookup)
	if err != nil {
		return nil, fmt.Errorf("lookup affected address: %w", err)
	}
	defer rows.Close()
	var out []announce.AddressEntry
	for rows.Next() {
		var e announce.AddressEntry
		if err := rows.Scan(&e.Lookup, &e.IncidentID, &e.SubjectID); err != nil {
			return nil, fmt.Errorf("lookup affected address: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lookup affected address: %w", err)
	}
	return out, nil
}

// TakeResend implements Public.
func (s *sqlStore) TakeResend(ctx context.Context, lookup []byte, day string, limit int) (bool, error) {
	if _, err := time.Parse("2006-01-02", day); err != nil {
		return false, fmt.Errorf("take resend: day %q is not YYYY-MM-DD: %w", day, ErrInvalid)
	}
	if limit <= 0 {
		return false, nil
	}
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM resend_counts WHERE day < $1`, day); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO resend_counts (lookup, day, count) VALUES ($1, $2, 1)
ON CONFLICT (lookup, day) DO UPDATE SET count = resend_counts.count + 1 WHERE resend_counts.count < $3`, lookup, day, limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("take resend: %w", err)
	}
	return n == 1, nil
}
