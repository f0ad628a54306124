package access

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/store"
)

// AdminTokenFile is the file, in the data directory, where Bootstrap writes
// the first admin token.
const AdminTokenFile = "admin.token"

// BootstrapName is the name of the admin token Bootstrap creates.
const BootstrapName = "admin"

// Manager creates, lists, revokes and authenticates tokens. Every creation
// and revocation is an audit entry. It is safe for concurrent use.
type Manager struct {
	tokens store.TokenStore
	log    *audit.Log
	now    func() time.Time
}

// NewManager returns a Manager over the tokens of st that records changes
// in log; now stamps them (time.Now when nil).
func NewManager(st store.TokenStore, log *audit.Log, now func() time.Time) *Manager {
	if now == nil {
		now = time.Now
	}
	return &Manager{tokens: st, log: log, now: now}
}

// Create makes a new token for the principal name with role, on behalf of
// by, and returns its record and the token, which is shown once and never
// again. A taken name (also of a revoked token) is store.ErrConflict; a bad
// name or role is store.ErrInvalid; by without ActionAdminTokens is
// ErrForbidden.
func (m *Manager) Create(ctx context.Context, by Principal, name string, role Role) (store.TokenRecord, config.Secret, error) {
	tok, err := NewToken()
	if err != nil {
		return store.TokenRecord{}, config.Secret{}, err
	}
	rec, err := m.create(ctx, by, name, role, tok)
	if err != nil {
		return store.TokenRecord{}, config.Secret{}, err
	}
	return rec, tok, nil
}

func (m *Manager) create(ctx context.Context, by Principal, name string, role Role, tok config.Secret) (store.TokenRecord, error) {
	if !by.Can(ActionAdminTokens) {
		return store.TokenRecord{}, fault.Errorf(fault.Forbidden, "create token: %w", forbidden(by, ActionAdminTokens))
	}
	if err := CheckName(name); err != nil {
		return store.TokenRecord{}, fmt.Errorf("create token: %v: %w", err, store.ErrInvalid)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return store.TokenRecord{}, fmt.Errorf("create token %s: %v: %w", name, err, store.ErrInvalid)
	}
	rec := store.TokenRecord{Name: name, Role: string(role), Hash: HashToken(tok.Reveal()),
		CreatedAt: m.now().UTC().Truncate(time.Microsecond), CreatedBy: by.Name}
	if err := m.tokens.CreateToken(ctx, rec); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return store.TokenRecord{}, fmt.Errorf("create token: the name %s is taken (names of revoked tokens stay taken): %w", name, store.ErrConflict)
		}
		return store.TokenRecord{}, err
	}
	_, err := m.log.Append(ctx, audit.Event{Principal: by.Name, Action: audit.ActionTokenCreated, Object: tokenObject(name),
		Details: map[string]string{"role": string(role)}})
	if err != nil {
		// No token may be valid without its audit entry.
		if _, rerr := m.tokens.RevokeToken(context.WithoutCancel(ctx), name, m.now()); rerr != nil {
			return store.TokenRecord{}, fmt.Errorf("create token %s: %w (and revoking it again: %v)", name, err, rerr)
		}
		return store.TokenRecord{}, fmt.Errorf("create token %s (revoked again): %w", name, err)
	}
	return rec, nil
}

func tokenObject(name string) string { return "token/" + name }

// List returns every token's record, revoked ones too, by name. No record
// holds a token.
func (m *Manager) List(ctx context.Context) ([]store.TokenRecord, error) {
	return m.tokens.ListTokens(ctx)
}

// Revoke revokes the named token on behalf of by and returns its record;
// from now on Authenticate refuses it. Revoking a revoked token changes
// nothing and records nothing. An unknown name is store.ErrNotFound.
func (m *Manager) Revoke(ctx context.Context, by Principal, name string) (store.TokenRecord, error) {
	if !by.Can(ActionAdminTokens) {
		return store.TokenRecord{}, fault.Errorf(fault.Forbidden, "revoke token: %w", forbidden(by, ActionAdminTokens))
	}
	at := m.now().UTC().Truncate(time.Microsecond)
	rec, err := m.tokens.RevokeToken(ctx, name, at)
	if err != nil {
		return store.TokenRecord{}, err
	}
	if rec.RevokedAt == nil || !rec.RevokedAt.Equal(at) {
		return rec, nil
	}
	_, err = m.log.Append(ctx, audit.Event{Principal: by.Name, Action: audit.ActionTokenRevoked, Object: tokenObject(name),
		Details: map[string]string{"role": rec.Role}})
	if err != nil {
		return store.TokenRecord{}, fmt.Errorf("revoke token %s (revoked, not recorded): %w", name, err)
	}
	return rec, nil
}

// Authenticate returns the principal of a bearer token (the token itself,
// without "Bearer "). A missing, malformed, unknown or revoked token is
// ErrUnauthenticated; any other error is the store failing.
func (m *Manager) Authenticate(ctx context.Context, token string) (Principal, error) {
	if !wellFormed(token) {
		return Principal{}, ErrUnauthenticated
	}
	hash := HashToken(token)
	rec, err := m.tokens.TokenByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(rec.Hash), []byte(hash)) != 1 || rec.RevokedAt != nil {
		return Principal{}, ErrUnauthenticated
	}
	role, err := ParseRole(rec.Role)
	if err != nil {
		return Principal{}, fmt.Errorf("token %s: stored %v: %w", rec.Name, err, ErrUnauthenticated)
	}
	return Principal{Name: rec.Name, Role: role}, nil
}

// Bootstrap gives a fresh installation its first admin: when the store has
// no token at all (revoked ones count), it creates the token "admin" with
// RoleAdmin on behalf of System("serve") and writes it to
// <dataDir>/admin.token, mode 0600, replacing any such file. It returns the
// file's path and whether it created the token, so the service can say
// where it is. When another process sharing the store bootstraps at the
// same moment, one of them creates the token and the other returns false.
func (m *Manager) Bootstrap(ctx context.Context, dataDir string) (path string, created bool, err error) {
	path = filepath.Join(dataDir, AdminTokenFile)
	toks, err := m.tokens.ListTokens(ctx)
	if err != nil {
		return path, false, fmt.Errorf("bootstrap admin token: %w", err)
	}
	if len(toks) > 0 {
		return path, false, nil
	}
	tok, err := NewToken()
	if err != nil {
		return path, false, err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return path, false, fmt.Errorf("bootstrap admin token: %w", err)
	}
	// Write the file aside first: the token goes live only once it is
	// safely on disk, and the file appears only once the token is live.
	tmp, err := writeTemp(dataDir, tok.Reveal()+"\n")
	if err != nil {
		return path, false, fmt.Errorf("bootstrap admin token: %w", err)
	}
	defer os.Remove(tmp)
	if _, err := m.create(ctx, System("serve"), BootstrapName, RoleAdmin, tok); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return path, false, nil
		}
		return path, false, fmt.Errorf("bootstrap admin token: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		if _, rerr := m.Revoke(context.WithoutCancel(ctx), System("serve"), BootstrapName); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return path, false, fmt.Errorf("bootstrap admin token (revoked again): %w", err)
	}
	return path, true, nil
}

// writeTemp writes s to a new file of mode 0600 in dir, synced, and returns
// its path.
func writeTemp(dir, s string) (string, error) {
	f, err := os.CreateTemp(dir, "."+AdminTokenFile+"-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
