package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"
)

// AuditRecord is one row of the audit log as stored. The audit package
// computes Digest and Hash; the store keeps them as given.
type AuditRecord struct {
	Seq       int64
	At        time.Time // UTC, microsecond precision
	Principal string
	Action    string
	Object    string
	Details   string // canonical JSON
	Digest    string // hex SHA-256 of Details
	Prev      string // Hash of the entry Seq-1
	Hash      string
	// Version is how the entry is sealed: 0 hashed only (entries written
	// before the chain was keyed), 1 hashed and MACed with the service's
	// key.
	Version int
	// MAC is the hex HMAC of Hash under the audit key ("" for version 0).
	MAC string
}

// AuditHead is the last entry of the audit log: its seq and hash, both zero
// values when the log is empty.
type AuditHead struct {
	Seq  int64
	Hash string
	// Version is the last entry's Version: an append after a keyed entry
	// must be keyed too.
	Version int
}

// AuditQuery selects one page of ListAudit. Empty fields select everything.
type AuditQuery struct {
	Principal string
	Action    string
	Object    string
	// Since and Until bound the entry time: Since <= At < Until.
	Since, Until time.Time
	// AfterSeq starts the page after this seq (0: from the first entry).
	AfterSeq int64
	// Limit is the page size: DefaultListLimit when 0, at most MaxListLimit.
	Limit int
}

// AuditStore keeps the append-only audit log.
type AuditStore interface {
	// AppendAudit appends one entry. In one transaction that excludes every
	// other append (of this process and of any other sharing the
	// database), it reads the head of the log, calls build with it, and
	// stores the record build returns, whose Seq must be head.Seq+1 and
	// whose Prev must be head.Hash (else ErrInvalid). So the chain never
	// forks. An error of build is returned as it is, and nothing is stored.
	AppendAudit(ctx context.Context, build func(head AuditHead) (AuditRecord, error)) (AuditRecord, error)
	// ListAudit returns one page of entries in seq order.
	ListAudit(ctx context.Context, q AuditQuery) ([]AuditRecord, error)
	// AuditRecords yields every entry after afterSeq in seq order,
	// streaming, as stored: a removed entry leaves a gap, a changed one
	// comes back changed.
	AuditRecords(ctx context.Context, afterSeq int64) iter.Seq2[AuditRecord, error]
	// AuditHead returns the seq and hash of the last entry, zero values
	// when the log is empty.
	AuditHead(ctx context.Context) (AuditHead, error)
}

// postgresAuditLock is the pg_advisory_xact_lock key that serialises audit
// appends of every replica ("audit" in ASCII).
const postgresAuditLock = `SELECT pg_advisory_xact_lock(418581342580)`

const auditColumns = `seq, at_us, principal, action, object, details, digest, prev_hash, hash, version, mac`

func scanAudit(sc interface{ Scan(...any) error }) (AuditRecord, error) {
	var r AuditRecord
	var us int64
	if err := sc.Scan(&r.Seq, &us, &r.Principal, &r.Action, &r.Object, &r.Details, &r.Digest, &r.Prev, &r.Hash, &r.Version, &r.MAC); err != nil {
		return AuditRecord{}, err
	}
	r.At = time.UnixMicro(us).UTC()
	return r, nil
}

// AppendAudit implements AuditStore. SQLite's BEGIN IMMEDIATE holds the
// database's write lock from the first statement; PostgreSQL takes an
// advisory transaction lock.
func (s *sqlStore) AppendAudit(ctx context.Context, build func(head AuditHead) (AuditRecord, error)) (AuditRecord, error) {
	var rec AuditRecord
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if s.d.name == DriverPostgres {
			if _, err := tx.ExecContext(ctx, postgresAuditLock); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		head, err := auditHead(ctx, tx)
		if err != nil {
			return fmt.Errorf("read head: %w", err)
		}
		rec, err = build(head)
		if err != nil {
			return err
		}
		if rec.Seq != head.Seq+1 || rec.Prev != head.Hash {
			return fmt.Errorf("entry %d does not follow the head %d: %w", rec.Seq, head.Seq, ErrInvalid)
		}
		if !rec.At.Equal(utc(rec.At)) {
			return fmt.Errorf("entry %d: time is not UTC microseconds: %w", rec.Seq, ErrInvalid)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			rec.Seq, rec.At.UnixMicro(), rec.Principal, rec.Action, rec.Object, rec.Details, rec.Digest, rec.Prev, rec.Hash, rec.Version, rec.MAC)
		return err
	})
	if err != nil {
		return AuditRecord{}, fmt.Errorf("append audit entry: %w", err)
	}
	return rec, nil
}

// auditHead reads the last entry's seq and hash.
func auditHead(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (AuditHead, error) {
	var head AuditHead
	err := q.QueryRowContext(ctx, `SELECT seq, hash, version FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&head.Seq, &head.Hash, &head.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return AuditHead{}, nil
	}
	return head, err
}

// AuditHead implements AuditStore.
func (s *sqlStore) AuditHead(ctx context.Context) (AuditHead, error) {
	head, err := auditHead(ctx, s.r)
	if err != nil {
		return AuditHead{}, fmt.Errorf("read audit log head: %w", err)
	}
	return head, nil
}

// ListAudit implements AuditStore.
func (s *sqlStore) ListAudit(ctx context.Context, q AuditQuery) ([]AuditRecord, error) {
	limit := q.Limit
	switch {
	case limit < 0:
		return nil, fmt.Errorf("list audit log: limit %d is negative: %w", limit, ErrInvalid)
	case limit == 0:
		limit = DefaultListLimit
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	query := `SELECT ` + auditColumns + ` FROM audit_log WHERE seq > $1`
	args := []any{q.AfterSeq}
	add := func(cond string, v any) {
		args = append(args, v)
		query += fmt.Sprintf(" AND "+cond, len(args))
	}
	if q.Principal != "" {
		add("principal = $%d", q.Principal)
	}
	if q.Action != "" {
		add("action = $%d", q.Action)
	}
	if q.Object != "" {
		add("object = $%d", q.Object)
	}
	if !q.Since.IsZero() {
		add("at_us >= $%d", utc(q.Since).UnixMicro())
	}
	if !q.Until.IsZero() {
		add("at_us < $%d", utc(q.Until).UnixMicro())
	}
	args = append(args, limit)
	query += fmt.Sprintf(" ORDER BY seq LIMIT $%d", len(args))
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditRecord{}
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("list audit log: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return out, nil
}

// AuditRecords implements AuditStore.
func (s *sqlStore) AuditRecords(ctx context.Context, afterSeq int64) iter.Seq2[AuditRecord, error] {
	return func(yield func(AuditRecord, error) bool) {
		rows, err := s.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > $1 ORDER BY seq`, afterSeq)
		if err != nil {
			yield(AuditRecord{}, fmt.Errorf("read audit log: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanAudit(rows)
			if err != nil {
				yield(AuditRecord{}, fmt.Errorf("read audit log: %w", err))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(AuditRecord{}, fmt.Errorf("read audit log: %w", err))
		}
	}
}
