package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
)

// affectedBatch is how many ids one INSERT of RecordAffected carries.
const affectedBatch = 500

// RecordAffected implements Store. All ids go in one transaction, in
// multi-row INSERTs of affectedBatch rows; the count of newly affected
// people is then read from what is stored, so it is the same however often
// a revision is recorded and in whatever order revisions arrive.
func (s *sqlStore) RecordAffected(ctx context.Context, incidentID string, revision int, ids iter.Seq[string]) (int, error) {
	if err := checkID(incidentID); err != nil {
		return 0, fmt.Errorf("record affected: %w", err)
	}
	var newly int
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM incident_revisions WHERE incident_id = $1 AND revision = $2`,
			incidentID, revision).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		full, err := tx.PrepareContext(ctx, s.d.affectedInsert(affectedBatch))
		if err != nil {
			return err
		}
		defer full.Close()
		args := make([]any, 0, 3*affectedBatch)
		flush := func() error {
			rows := len(args) / 3
			if rows == 0 {
				return nil
			}
			var err error
			if rows == affectedBatch {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, s.d.affectedInsert(rows), args...)
			}
			args = args[:0]
			return err
		}
		for id := range ids {
			if id == "" {
				continue
			}
			args = append(args, incidentID, id, revision)
			if len(args) == 3*affectedBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM affected a
WHERE a.incident_id = $1 AND a.revision = $2
  AND NOT EXISTS (SELECT 1 FROM affected b
                  WHERE b.incident_id = a.incident_id AND b.subject_id = a.subject_id AND b.revision < a.revision)`,
			incidentID, revision).Scan(&newly)
	})
	if err != nil {
		return 0, fmt.Errorf("record affected of incident %s revision %d: %w", incidentID, revision, err)
	}
	return newly, nil
}

// affectedInsert is a multi-row INSERT of n (incident, subject, revision)
// rows.
func (d dialect) affectedInsert(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO affected (incident_id, subject_id, revision) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		d.param(&b, 3*i+1)
		b.WriteByte(',')
		d.param(&b, 3*i+2)
		b.WriteByte(',')
		d.param(&b, 3*i+3)
		b.WriteByte(')')
	}
	b.WriteString(" ON CONFLICT (incident_id, subject_id, revision) DO NOTHING")
	return b.String()
}

// AffectedSubjects implements Store.
func (s *sqlStore) AffectedSubjects(ctx context.Context, incidentID string, revision int, onlyNew bool) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := checkID(incidentID); err != nil {
			yield("", fmt.Errorf("affected subjects: %w", err))
			return
		}
		q := `SELECT a.subject_id FROM affected a WHERE a.incident_id = $1 AND a.revision = $2`
		if onlyNew {
			q += `
  AND NOT EXISTS (SELECT 1 FROM affected b
                  WHERE b.incident_id = a.incident_id AND b.subject_id = a.subject_id AND b.revision < a.revision)`
		}
		q += ` ORDER BY a.subject_id`
		rows, err := s.r.QueryContext(ctx, q, incidentID, revision)
		if err != nil {
			yield("", fmt.Errorf("affected subjects of incident %s revision %d: %w", incidentID, revision, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				yield("", fmt.Errorf("affected subjects of incident %s revision %d: %w", incidentID, revision, err))
				return
			}
			if !yield(id, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield("", fmt.Errorf("affected subjects of incident %s revision %d: %w", incidentID, revision, err))
		}
	}
}
