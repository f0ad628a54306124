package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrSameApprover is returned (wrapped, together with ErrConflict) by
// Approve when the principal already approved the revision and more
// approvals, by other principals, are still needed.
var ErrSameApprover = errors.New("already approved by this principal; another principal must approve")

// ErrApprovedByOthers is returned (wrapped, together with ErrConflict) by
// Approve when the revision is already approved and the principal is not
// one of its approvers: the approval stands as it is.
var ErrApprovedByOthers = errors.New("already approved by others")

// ApprovalVote is one principal's approval of one revision.
type ApprovalVote struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// ApprovalState is where the approval of an incident's current revision
// stands: who approved it so far, in order, and whether enough did.
type ApprovalState struct {
	IncidentID string `json:"incident"`
	Revision   int    `json:"revision"`
	// Votes are the approvals of Revision by distinct principals, oldest
	// first.
	Votes []ApprovalVote `json:"approvals"`
	// Approved is true once the revision has its approval (Approval).
	Approved bool `json:"approved"`
}

// HasVoted reports whether by is among the approvers.
func (a ApprovalState) HasVoted(by string) bool {
	return slices.ContainsFunc(a.Votes, func(v ApprovalVote) bool { return v.By == by })
}

// Approvers lists the approvers' names, oldest first.
func (a ApprovalState) Approvers() []string {
	out := make([]string, len(a.Votes))
	for i, v := range a.Votes {
		out[i] = v.By
	}
	return out
}

// ApprovalStore records approvals by several distinct principals (the
// two-person rule).
type ApprovalStore interface {
	// Approve records that by approved the current, assessed revision of
	// incident id at the given time. Once required distinct principals
	// (at least 1) have approved it, the revision is approved: GetApproval
	// returns it, with by as the approver who completed it, and the
	// incident's status is approved. In one transaction that excludes
	// every other approval of the incident (also by another replica), so
	// two approvers at once never leave a revision short of its approval.
	// Approving again by an approver of an approved revision changes
	// nothing and returns its state; by someone else it is
	// ErrApprovedByOthers. A principal approving a revision it already
	// approved while more approvers are needed is ErrSameApprover. An
	// unknown incident is ErrNotFound; a current revision not yet
	// assessed ErrConflict.
	Approve(ctx context.Context, id, by string, at time.Time, required int) (ApprovalState, error)
	// ApprovalState returns the approvals of the current revision of
	// incident id so far, or ErrNotFound for an unknown incident.
	ApprovalState(ctx context.Context, id string) (ApprovalState, error)
}

// Approve implements ApprovalStore.
func (s *sqlStore) Approve(ctx context.Context, id, by string, at time.Time, required int) (ApprovalState, error) {
	if err := checkID(id); err != nil {
		return ApprovalState{}, fmt.Errorf("approve incident: %w", err)
	}
	switch {
	case strings.TrimSpace(by) == "":
		return ApprovalState{}, fmt.Errorf("approve incident %s: approver is empty: %w", id, ErrInvalid)
	case required < 1:
		return ApprovalState{}, fmt.Errorf("approve incident %s: %d approvals required, want 1 or more: %w", id, required, ErrInvalid)
	}
	var st ApprovalState
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		current, err := s.assessedRevision(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if st, err = approvalState(ctx, tx, id, current); err != nil {
			return err
		}
		switch {
		case st.Approved && st.HasVoted(by):
			return nil
		case st.Approved:
			return fmt.Errorf("revision %d is already approved by %s: %w: %w", current, strings.Join(st.Approvers(), " and "), ErrConflict, ErrApprovedByOthers)
		case st.HasVoted(by):
			return fmt.Errorf("revision %d: %w: %w", current, ErrConflict, ErrSameApprover)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO approval_votes (incident_id, revision, principal, approved_at)
VALUES ($1, $2, $3, $4)`, id, current, by, utc(at)); err != nil {
			return err
		}
		st.Votes = append(st.Votes, ApprovalVote{By: by, At: utc(at)})
		if len(st.Votes) < required {
			return nil
		}
		// A revision approved before votes were kept (or through
		// SetApproval) has its row already: keep it.
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (incident_id, revision, approved_by, approved_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (incident_id, revision) DO NOTHING`, id, current, by, utc(at)); err != nil {
			return err
		}
		st.Approved = true
		return nil
	})
	if err != nil {
		return ApprovalState{}, fmt.Errorf("approve incident %s: %w", id, err)
	}
	return st, nil
}

// ApprovalState implements ApprovalStore.
func (s *sqlStore) ApprovalState(ctx context.Context, id string) (ApprovalState, error) {
	if err := checkID(id); err != nil {
		return ApprovalState{}, fmt.Errorf("get approvals: %w", err)
	}
	var current int
	err := s.r.QueryRowContext(ctx, `SELECT current_revision FROM incidents WHERE id = $1`, id).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return ApprovalState{}, fmt.Errorf("get approvals of incident %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return ApprovalState{}, fmt.Errorf("get approvals of incident %s: %w", id, err)
	}
	st, err := approvalState(ctx, s.r, id, current)
	if err != nil {
		return ApprovalState{}, fmt.Errorf("get approvals of incident %s: %w", id, err)
	}
	return st, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// approvalState reads the votes and the approval of one revision. An
// approval stored without votes (before they were kept) counts as its
// approver's vote.
func approvalState(ctx context.Context, q querier, id string, rev int) (ApprovalState, error) {
	st := ApprovalState{IncidentID: id, Revision: rev, Votes: []ApprovalVote{}}
	rows, err := q.QueryContext(ctx, `SELECT principal, approved_at FROM approval_votes
WHERE incident_id = $1 AND revision = $2 ORDER BY approved_at, principal`, id, rev)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var v ApprovalVote
		if err := rows.Scan(&v.By, &v.At); err != nil {
			return st, err
		}
		v.At = v.At.UTC()
		st.Votes = append(st.Votes, v)
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	var by string
	var at time.Time
	err = q.QueryRowContext(ctx, `SELECT approved_by, approved_at FROM approvals WHERE incident_id = $1 AND revision = $2`,
		id, rev).Scan(&by, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, nil
	case err != nil:
		return st, err
	}
	st.Approved = true
	if !st.HasVoted(by) {
		st.Votes = append([]ApprovalVote{{By: by, At: at.UTC()}}, st.Votes...)
	}
	return st, nil
}

// assessedRevision reads the current revision of incident id inside tx, and
// refuses one that is not assessed yet (ErrConflict) or an unknown
// incident (ErrNotFound). With lock, the incident's row stays locked until
// tx ends (PostgreSQL; SQLite's writer already holds the database).
func (s *sqlStore) assessedRevision(ctx context.Context, tx *sql.Tx, id string, lock bool) (int, error) {
	q := `SELECT current_revision FROM incidents WHERE id = $1`
	if lock && s.d.name == DriverPostgres {
		q += ` FOR UPDATE`
	}
	var current int
	err := tx.QueryRowContext(ctx, q, id).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	var assessed int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM assessments WHERE incident_id = $1 AND revision = $2`,
		id, current).Scan(&assessed); err != nil {
		return 0, err
	}
	if assessed == 0 {
		return 0, fmt.Errorf("revision %d is not assessed yet: %w", current, ErrConflict)
	}
	return current, nil
}
