package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TokenRecord is one API token of a named principal as stored: never the
// token itself, only its hash.
type TokenRecord struct {
	// Name names the principal; it is unique, also among revoked tokens.
	Name string `json:"name"`
	// Role is the principal's role (access.Role).
	Role string `json:"role"`
	// Hash is the hex SHA-256 of the token.
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// CreatedBy names the principal who created the token.
	CreatedBy string `json:"created_by"`
	// RevokedAt is when the token was revoked, nil while it is valid.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// TokenStore keeps the API tokens of the principals breach knows.
type TokenStore interface {
	// CreateToken stores a new token. A name or hash already stored,
	// revoked or not, is ErrConflict; an empty field is ErrInvalid.
	CreateToken(ctx context.Context, t TokenRecord) error
	// TokenByHash returns the token with this hash, revoked or not, or
	// ErrNotFound.
	TokenByHash(ctx context.Context, hash string) (TokenRecord, error)
	// ListTokens returns every token, revoked ones too, by name.
	ListTokens(ctx context.Context) ([]TokenRecord, error)
	// RevokeToken marks the named token revoked at the given time and
	// returns it. Revoking it again keeps the first time. An unknown name
	// is ErrNotFound.
	RevokeToken(ctx context.Context, name string, at time.Time) (TokenRecord, error)
}

const tokenColumns = `name, role, hash, created_at, created_by, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (TokenRecord, error) {
	var t TokenRecord
	var revoked sql.NullTime
	if err := sc.Scan(&t.Name, &t.Role, &t.Hash, &t.CreatedAt, &t.CreatedBy, &revoked); err != nil {
		return TokenRecord{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if revoked.Valid {
		at := revoked.Time.UTC()
		t.RevokedAt = &at
	}
	return t, nil
}

// CreateToken implements TokenStore.
func (s *sqlStore) CreateToken(ctx context.Context, t TokenRecord) error {
	for _, f := range []struct{ name, v string }{{"name", t.Name}, {"role", t.Role}, {"hash", t.Hash}, {"created_by", t.CreatedBy}} {
		if strings.TrimSpace(f.v) == "" {
			return fmt.Errorf("create token: %s is empty: %w", f.name, ErrInvalid)
		}
	}
	if t.CreatedAt.IsZero() {
		return fmt.Errorf("create token %s: created_at is zero: %w", t.Name, ErrInvalid)
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (`+tokenColumns+`)
VALUES ($1, $2, $3, $4, $5, NULL)
ON CONFLICT DO NOTHING`, t.Name, t.Role, t.Hash, utc(t.CreatedAt), t.CreatedBy)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("a token with this name (or hash) exists: %w", ErrConflict)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create token %s: %w", t.Name, err)
	}
	return nil
}

// TokenByHash implements TokenStore.
func (s *sqlStore) TokenByHash(ctx context.Context, hash string) (TokenRecord, error) {
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return TokenRecord{}, fmt.Errorf("token by hash: %w", ErrNotFound)
	}
	if err != nil {
		return TokenRecord{}, fmt.Errorf("token by hash: %w", err)
	}
	return t, nil
}

// ListTokens implements TokenStore.
func (s *sqlStore) ListTokens(ctx context.Context) ([]TokenRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []TokenRecord{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken implements TokenStore.
func (s *sqlStore) RevokeToken(ctx context.Context, name string, at time.Time) (TokenRecord, error) {
	var t TokenRecord
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL`,
			name, utc(at)); err != nil {
			return err
		}
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE name = $1`, name))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return TokenRecord{}, fmt.Errorf("revoke token %q: %w", name, err)
	}
	return t, nil
}
