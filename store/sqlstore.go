package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/sirupsen/logrus"
)

// dialect holds what differs between the SQL backends. The statements
// themselves are shared and written with $n placeholders.
type dialect struct {
	name string
	// anonymousBulk makes the generated bulk statements use anonymous "?"
	// placeholders. SQLite looks every named ($n) parameter up in a list
	// when binding, which makes binding thousands of them quadratic
	// (≈15 s for 100,000 subject rows instead of ≈1 s).
	anonymousBulk bool
}

// param returns the placeholder of the n-th (from 1) parameter of a
// generated bulk statement.
func (d dialect) param(b *strings.Builder, n int) {
	if d.anonymousBulk {
		b.WriteByte('?')
		return
	}
	b.WriteByte('$')
	b.WriteString(strconv.Itoa(n))
}

// sqlStore implements Store over database/sql: w is the writer (one
// connection for SQLite), r the reader pool.
type sqlStore struct {
	w, r *sql.DB
	now  func() time.Time
	log  *logrus.Entry
	d    dialect
	// stmts holds the ledger's prepared statements.
	stmts stmtCache
	// commits gathers the ledger's concurrent Begins and Finishes into
	// shared transactions (SQLite only).
	commits groupCommit
}

var _ Store = (*sqlStore)(nil)

func checkID(id string) error {
	if !incident.ValidID(id) {
		return fmt.Errorf("incident id %q: %w", id, ErrInvalid)
	}
	return nil
}

// SaveIncident implements Store.
func (s *sqlStore) SaveIncident(ctx context.Context, in *incident.Incident, raw []byte) (SaveResult, error) {
	if in == nil {
		return SaveResult{}, fmt.Errorf("save incident: nil incident: %w", ErrInvalid)
	}
	if err := checkID(in.ID); err != nil {
		return SaveResult{}, fmt.Errorf("save incident: %w", err)
	}
	if in.Revision < 1 {
		return SaveResult{}, fmt.Errorf("save incident %s: revision %d is below 1: %w", in.ID, in.Revision, ErrInvalid)
	}
	doc, digest, err := EncodeIncident(in)
	if err != nil {
		return SaveResult{}, fmt.Errorf("save incident %s: encode: %w", in.ID, err)
	}
	if len(raw) == 0 {
		raw = doc
	}
	now := utc(s.now())
	discovered := utc(in.DiscoveredAt)

	var res SaveResult
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		res = SaveResult{}
		created, err := tx.ExecContext(ctx, `INSERT INTO incidents
    (id, current_revision, title, cause, discovered_at, first_received_at, last_received_at, revision_count)
VALUES ($1, $2, $3, $4, $5, $6, $6, 1)
ON CONFLICT (id) DO NOTHING`, in.ID, in.Revision, in.Title, string(in.Cause), discovered, now)
		if err != nil {
			return err
		}
		if n, err := created.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			res.Created = true
			res.Current = in.Revision
			_, err := tx.ExecContext(ctx, `INSERT INTO incident_revisions (incident_id, revision, doc, raw, digest, received_at)
VALUES ($1, $2, $3, $4, $5, $6)`, in.ID, in.Revision, string(doc), raw, digest, now)
			return err
		}
		ins, err := tx.ExecContext(ctx, `INSERT INTO incident_revisions (incident_id, revision, doc, raw, digest, received_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (incident_id, revision) DO NOTHING`, in.ID, in.Revision, string(doc), raw, digest, now)
		if err != nil {
			return err
		}
		if n, err := ins.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var stored string
			if err := tx.QueryRowContext(ctx, `SELECT r.digest, i.current_revision FROM incident_revisions r
JOIN incidents i ON i.id = r.incident_id
WHERE r.incident_id = $1 AND r.revision = $2`, in.ID, in.Revision).Scan(&stored, &res.Current); err != nil {
				return err
			}
			res.Duplicate = true
			res.Conflicting = stored != digest
			return nil
		}
		up, err := tx.ExecContext(ctx, `UPDATE incidents
SET current_revision = $2, title = $3, cause = $4, discovered_at = $5,
    last_received_at = $6, revision_count = revision_count + 1
WHERE id = $1 AND current_revision < $2`, in.ID, in.Revision, in.Title, string(in.Cause), discovered, now)
		if err != nil {
			return err
		}
		if n, err := up.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			res.Current = in.Revision
			return nil
		}
		res.Stale = true
		return tx.QueryRowContext(ctx, `UPDATE incidents
SET last_received_at = $2, revision_count = revision_count + 1
WHERE id = $1
RETURNING current_revision`, in.ID, now).Scan(&res.Current)
	})
	if err != nil {
		return SaveResult{}, fmt.Errorf("save incident %s revision %d: %w", in.ID, in.Revision, err)
	}
	return res, nil
}

// writeTx runs fn in a transaction on the writer and commits it.
func (s *sqlStore) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

const incidentColumns = `i.id, i.title, i.cause, i.current_revision, i.revision_count, i.discovered_at,
    i.first_received_at, i.last_received_at,
    a.revision, a.assessed_at, a.risk, a.level, a.subjects,
    p.revision, p.approved_by, p.approved_at`

// incidentJoins attaches the latest assessment and the latest approval.
const incidentJoins = `
LEFT JOIN assessments a ON a.incident_id = i.id AND a.revision = (
    SELECT MAX(revision) FROM assessments WHERE incident_id = i.id)
  AND a.assessed_at = (
    SELECT MAX(assessed_at) FROM assessments WHERE incident_id = i.id AND revision = a.revision)
LEFT JOIN approvals p ON p.incident_id = i.id AND p.revision = (
    SELECT MAX(revision) FROM approvals WHERE incident_id = i.id)`

type incidentRow struct {
	IncidentSummary
	firstReceived time.Time
	approval      *Approval
}

func scanIncident(sc interface{ Scan(...any) error }) (*incidentRow, error) {
	var (
		row                   incidentRow
		aRev, aSubjects, pRev sql.NullInt64
		aAt, pAt              sql.NullTime
		aRisk, aLevel, pBy    sql.NullString
		cause                 string
	)
	err := sc.Scan(&row.ID, &row.Title, &cause, &row.Revision, &row.Revisions, &row.DiscoveredAt,
		&row.firstReceived, &row.LastReceived,
		&aRev, &aAt, &aRisk, &aLevel, &aSubjects,
		&pRev, &pBy, &pAt)
	if err != nil {
		return nil, err
	}
	row.Cause = incident.Cause(cause)
	row.DiscoveredAt = row.DiscoveredAt.UTC()
	row.firstReceived = row.firstReceived.UTC()
	row.LastReceived = row.LastReceived.UTC()
	row.Status = StatusReceived
	if aRev.Valid {
		row.Assessment = &AssessmentRef{Revision: int(aRev.Int64), AssessedAt: aAt.Time.UTC(),
			AssessmentSummary: AssessmentSummary{Risk: aRisk.String, Level: aLevel.String, Subjects: int(aSubjects.Int64)}}
		if row.Assessment.Revision == row.Revision {
			row.Status = StatusAssessed
		}
	}
	if pRev.Valid {
		row.approval = &Approval{IncidentID: row.ID, Revision: int(pRev.Int64), By: pBy.String, At: pAt.Time.UTC()}
		if row.approval.Revision == row.Revision && row.Status == StatusAssessed {
			row.Status = StatusApproved
		}
	}
	return &row, nil
}

// GetIncident implements Store.
func (s *sqlStore) GetIncident(ctx context.Context, id string) (*IncidentRecord, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("get incident: %w", err)
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("get incident %s: %w", id, err)
	}
	defer tx.Rollback()
	row, err := scanIncident(tx.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents i`+incidentJoins+`
WHERE i.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get incident %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get incident %s: %w", id, err)
	}
	var doc string
	if err := tx.QueryRowContext(ctx, `SELECT doc FROM incident_revisions WHERE incident_id = $1 AND revision = $2`,
		id, row.Revision).Scan(&doc); err != nil {
		return nil, fmt.Errorf("get incident %s revision %d: %w", id, row.Revision, err)
	}
	var in incident.Incident
	if err := json.Unmarshal([]byte(doc), &in); err != nil {
		return nil, fmt.Errorf("get incident %s revision %d: decode stored document: %w", id, row.Revision, err)
	}
	return &IncidentRecord{
		Incident:      &in,
		Revision:      row.Revision,
		Revisions:     row.Revisions,
		FirstReceived: row.firstReceived,
		LastReceived:  row.LastReceived,
		Status:        row.Status,
		Assessment:    row.Assessment,
		Approval:      row.approval,
	}, nil
}

// IncidentRevisions implements Store.
func (s *sqlStore) IncidentRevisions(ctx context.Context, id string) ([]Revision, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("incident revisions: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.revision, r.received_at, r.doc, r.raw, r.digest, r.revision = i.current_revision
FROM incident_revisions r JOIN incidents i ON i.id = r.incident_id
WHERE r.incident_id = $1
ORDER BY r.revision`, id)
	if err != nil {
		return nil, fmt.Errorf("incident %s revisions: %w", id, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var rv Revision
		var doc string
		if err := rows.Scan(&rv.Revision, &rv.ReceivedAt, &doc, &rv.Raw, &rv.Digest, &rv.Current); err != nil {
			return nil, fmt.Errorf("incident %s revisions: %w", id, err)
		}
		rv.ReceivedAt = rv.ReceivedAt.UTC()
		rv.Doc = []byte(doc)
		out = append(out, rv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("incident %s revisions: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("incident %s revisions: %w", id, ErrNotFound)
	}
	return out, nil
}

// encodeCursor makes the opaque cursor of a list position.
func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + ":" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("list cursor %q is malformed: %w", c, ErrInvalid)
	}
	us, id, ok := strings.Cut(string(b), ":")
	n, err := strconv.ParseInt(us, 10, 64)
	if !ok || err != nil || !incident.ValidID(id) {
		return time.Time{}, "", fmt.Errorf("list cursor %q is malformed: %w", c, ErrInvalid)
	}
	return time.UnixMicro(n).UTC(), id, nil
}

// ListIncidents implements Store.
func (s *sqlStore) ListIncidents(ctx context.Context, opts ListOptions) ([]IncidentSummary, string, error) {
	limit := opts.Limit
	switch {
	case limit < 0:
		return nil, "", fmt.Errorf("list incidents: limit %d is negative: %w", limit, ErrInvalid)
	case limit == 0:
		limit = DefaultListLimit
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	q := `SELECT ` + incidentColumns + ` FROM incidents i` + incidentJoins
	args := []any{limit + 1}
	if opts.After != "" {
		t, id, err := decodeCursor(opts.After)
		if err != nil {
			return nil, "", fmt.Errorf("list incidents: %w", err)
		}
		q += `
WHERE i.discovered_at < $2 OR (i.discovered_at = $2 AND i.id < $3)`
		args = append(args, t, id)
	}
	q += `
ORDER BY i.discovered_at DESC, i.id DESC
LIMIT $1`
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	out := []IncidentSummary{}
	for rows.Next() {
		row, err := scanIncident(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list incidents: %w", err)
		}
		out = append(out, row.IncidentSummary)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list incidents: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(last.DiscoveredAt, last.ID)
	}
	return out, next, nil
}

// ListUnassessed implements Store.
func (s *sqlStore) ListUnassessed(ctx context.Context, limit int) ([]IncidentSummary, error) {
	if limit <= 0 || limit > MaxListLimit {
		limit = MaxListLimit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+incidentColumns+` FROM incidents i`+incidentJoins+`
WHERE NOT EXISTS (SELECT 1 FROM assessments x WHERE x.incident_id = i.id AND x.revision = i.current_revision)
ORDER BY i.discovered_at, i.id
LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list unassessed incidents: %w", err)
	}
	defer rows.Close()
	out := []IncidentSummary{}
	for rows.Next() {
		row, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("list unassessed incidents: %w", err)
		}
		out = append(out, row.IncidentSummary)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list unassessed incidents: %w", err)
	}
	return out, nil
}

// SaveAssessment implements Store.
func (s *sqlStore) SaveAssessment(ctx context.Context, id string, revision int, assessedAt time.Time, doc []byte, summary AssessmentSummary) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("save assessment: %w", err)
	}
	if !json.Valid(doc) {
		return fmt.Errorf("save assessment of incident %s: document is not JSON: %w", id, ErrInvalid)
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM incident_revisions WHERE incident_id = $1 AND revision = $2`,
			id, revision).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO assessments (incident_id, revision, assessed_at, risk, level, subjects, doc)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (incident_id, revision, assessed_at) DO UPDATE
SET risk = excluded.risk, level = excluded.level, subjects = excluded.subjects, doc = excluded.doc`,
			id, revision, utc(assessedAt), summary.Risk, summary.Level, summary.Subjects, string(doc))
		return err
	})
	if err != nil {
		return fmt.Errorf("save assessment of incident %s revision %d: %w", id, revision, err)
	}
	return nil
}

// GetAssessment implements Store.
func (s *sqlStore) GetAssessment(ctx context.Context, id string) ([]byte, int, error) {
	if err := checkID(id); err != nil {
		return nil, 0, fmt.Errorf("get assessment: %w", err)
	}
	var doc string
	var rev int
	err := s.r.QueryRowContext(ctx, `SELECT doc, revision FROM assessments WHERE incident_id = $1
ORDER BY revision DESC, assessed_at DESC LIMIT 1`, id).Scan(&doc, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("get assessment of incident %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("get assessment of incident %s: %w", id, err)
	}
	return []byte(doc), rev, nil
}

// SetApproval implements Store.
func (s *sqlStore) SetApproval(ctx context.Context, id, by string, at time.Time) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("approve incident: %w", err)
	}
	if strings.TrimSpace(by) == "" {
		return fmt.Errorf("approve incident %s: approver is empty: %w", id, ErrInvalid)
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		current, err := s.assessedRevision(ctx, tx, id, false)
		if err != nil {
			return err
		}
		ins, err := tx.ExecContext(ctx, `INSERT INTO approvals (incident_id, revision, approved_by, approved_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (incident_id, revision) DO NOTHING`, id, current, by, utc(at))
		if err != nil {
			return err
		}
		if n, err := ins.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var prev string
		if err := tx.QueryRowContext(ctx, `SELECT approved_by FROM approvals WHERE incident_id = $1 AND revision = $2`,
			id, current).Scan(&prev); err != nil {
			return err
		}
		if prev != by {
			return fmt.Errorf("revision %d is already approved by someone else: %w", current, ErrConflict)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("approve incident %s: %w", id, err)
	}
	return nil
}

// GetApproval implements Store.
func (s *sqlStore) GetApproval(ctx context.Context, id string) (Approval, error) {
	if err := checkID(id); err != nil {
		return Approval{}, fmt.Errorf("get approval: %w", err)
	}
	a := Approval{IncidentID: id}
	err := s.r.QueryRowContext(ctx, `SELECT revision, approved_by, approved_at FROM approvals WHERE incident_id = $1
ORDER BY revision DESC LIMIT 1`, id).Scan(&a.Revision, &a.By, &a.At)
	if errors.Is(err, sql.ErrNoRows) {
		return Approval{}, fmt.Errorf("get approval of incident %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Approval{}, fmt.Errorf("get approval of incident %s: %w", id, err)
	}
	a.At = a.At.UTC()
	return a, nil
}

// Ping implements Store.
func (s *sqlStore) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping store writer: %w", err)
	}
	if s.r == s.w {
		return nil
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("ping store reader: %w", err)
	}
	return nil
}

// Close implements Store.
func (s *sqlStore) Close() error {
	stmtErr := s.stmts.close()
	if s.r == s.w {
		return errors.Join(stmtErr, s.w.Close())
	}
	return errors.Join(stmtErr, s.r.Close(), s.w.Close())
}

// EncodeIncident returns the document stored for in and its digest (hex
// SHA-256), which tells a replay from a conflicting resubmission.
func EncodeIncident(in *incident.Incident) (doc []byte, digest string, err error) {
	doc, err = json.Marshal(in)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(doc)
	return doc, hex.EncodeToString(sum[:]), nil
}
