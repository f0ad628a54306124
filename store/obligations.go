package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/breach-notify/breach/obligation"
)

// Obligations keeps the obligations of every incident (package
// obligation) and their states.
type Obligations interface {
	// UpdateObligations reads the obligations of an incident, passes them
	// to fn and stores what fn returns in their place, in one transaction
	// that concurrent updates of the same incident wait for. Every
	// returned obligation must belong to the incident, with a duty and a
	// valid state. It returns what was stored; an error from fn changes
	// nothing and is returned as is.
	UpdateObligations(ctx context.Context, incidentID string, fn func([]obligation.Obligation) ([]obligation.Obligation, error)) ([]obligation.Obligation, error)
	// IncidentObligations returns the obligations of an incident in
	// obligation.Compare order (none when it has none).
	IncidentObligations(ctx context.Context, incidentID string) ([]obligation.Obligation, error)
	// PendingObligations returns every open or drafted obligation across
	// incidents, in obligation.Compare order.
	PendingObligations(ctx context.Context) ([]obligation.Obligation, error)
}

var _ Obligations = (*sqlStore)(nil)

const obligationColumns = `incident_id, jurisdiction, duty, filing, addressee, required, revision, subjects, due_at, due_text,
    state, state_since, principal, reference, copy_sha256, reason`

// UpdateObligations implements Obligations.
func (s *sqlStore) UpdateObligations(ctx context.Context, incidentID string, fn func([]obligation.Obligation) ([]obligation.Obligation, error)) ([]obligation.Obligation, error) {
	if err := checkID(incidentID); err != nil {
		return nil, fmt.Errorf("update obligations: %w", err)
	}
	var stored []obligation.Obligation
	var fnErr error
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if s.d.name == DriverPostgres {
			// SQLite has one writer; PostgreSQL serialises per incident.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "obligations/"+incidentID); err != nil {
				return err
			}
		}
		cur, err := s.obligations(ctx, tx, `WHERE incident_id = $1`, incidentID)
		if err != nil {
			return err
		}
		next, err := fn(cur)
		if err != nil {
			fnErr = err
			return err
		}
		for _, o := range next {
			if err := checkObligation(incidentID, o); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM obligations WHERE incident_id = $1`, incidentID); err != nil {
			return err
		}
		for _, o := range next {
			var due any
			if o.Due != nil {
				due = utc(*o.Due)
			}
			req := 0
			if o.Required {
				req = 1
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO obligations (`+obligationColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
				o.Incident, o.Jurisdiction, o.Duty, o.Filing, o.To, req, o.Revision, o.Subjects, due, o.DueText,
				string(o.State), utc(o.Since), o.By, o.Reference, o.CopySHA256, o.Reason)
			if err != nil {
				return err
			}
		}
		stored = slices.Clone(next)
		return nil
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("update obligations of %s: %w", incidentID, err)
	}
	for i := range stored {
		normalise(&stored[i])
	}
	slices.SortStableFunc(stored, obligation.Compare)
	return stored, nil
}

// checkObligation refuses an obligation the table cannot hold as asked.
func checkObligation(incidentID string, o obligation.Obligation) error {
	switch {
	case o.Incident != incidentID:
		return fmt.Errorf("obligation %s does not belong to incident %s: %w", o.Key, incidentID, ErrInvalid)
	case o.Jurisdiction == "" || o.Duty == "":
		return fmt.Errorf("obligation %s: jurisdiction and duty are required: %w", o.Key, ErrInvalid)
	case !o.State.Valid():
		return fmt.Errorf("obligation %s: state %q: %w", o.Key, o.State, ErrInvalid)
	case o.Since.IsZero():
		return fmt.Errorf("obligation %s: since is required: %w", o.Key, ErrInvalid)
	}
	return nil
}

// normalise gives an obligation the precision and zone a read returns.
func normalise(o *obligation.Obligation) {
	o.Since = utc(o.Since)
	if o.Due != nil {
		t := utc(*o.Due)
		o.Due = &t
	}
}

// IncidentObligations implements Obligations.
func (s *sqlStore) IncidentObligations(ctx context.Context, incidentID string) ([]obligation.Obligation, error) {
	if err := checkID(incidentID); err != nil {
		return nil, fmt.Errorf("obligations: %w", err)
	}
	out, err := s.obligations(ctx, s.r, `WHERE incident_id = $1`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("obligations of %s: %w", incidentID, err)
	}
	return out, nil
}

// PendingObligations implements Obligations.
func (s *sqlStore) PendingObligations(ctx context.Context) ([]obligation.Obligation, error) {
	out, err := s.obligations(ctx, s.r, `WHERE state IN ($1, $2)`, string(obligation.StateOpen), string(obligation.StateDrafted))
	if err != nil {
		return nil, fmt.Errorf("pending obligations: %w", err)
	}
	return out, nil
}

// obligations reads the obligations a WHERE clause selects.
func (s *sqlStore) obligations(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, where string, args ...any) ([]obligation.Obligation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+obligationColumns+` FROM obligations `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []obligation.Obligation{}
	for rows.Next() {
		var (
			o     obligation.Obligation
			req   int
			due   sql.NullTime
			state string
			since time.Time
		)
		if err := rows.Scan(&o.Incident, &o.Jurisdiction, &o.Duty, &o.Filing, &o.To, &req, &o.Revision, &o.Subjects, &due, &o.DueText,
			&state, &since, &o.By, &o.Reference, &o.CopySHA256, &o.Reason); err != nil {
			return nil, err
		}
		o.Required, o.State, o.Since = req != 0, obligation.State(state), since.UTC()
		if due.Valid {
			t := due.Time.UTC()
			o.Due = &t
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, obligation.Compare)
	return out, nil
}
