package access_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

var base = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

type fixture struct {
	st  store.Store
	log *audit.Log
	m   *access.Manager
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var mu sync.Mutex
	now := base
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	log := audit.New(st, clock)
	return &fixture{st: st, log: log, m: access.NewManager(st, log, clock)}
}

// entries returns the audit log as "principal action object" lines.
func (f *fixture) entries(t *testing.T) []string {
	t.Helper()
	es, _, err := f.log.List(t.Context(), audit.Filter{}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range es {
		out = append(out, e.Principal+" "+string(e.Action)+" "+e.Object+" "+string(e.Details))
	}
	return out
}

var cli = access.System("cli")

func TestCreateAuthenticateRevoke(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	rec, tok, err := f.m.Create(ctx, cli, "lead", access.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Hash != access.HashToken(tok.Reveal()) || rec.CreatedBy != "system:cli" || rec.Role != "admin" {
		t.Errorf("Create: got record %+v, want the token's hash, creator system:cli, role admin", rec)
	}
	lead, err := f.m.Authenticate(ctx, tok.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	if want := (access.Principal{Name: "lead", Role: access.RoleAdmin}); lead != want {
		t.Errorf("Authenticate: got %+v, want %+v", lead, want)
	}
	_, ciTok, err := f.m.Create(ctx, lead, "ci", access.RoleDetector)
	if err != nil {
		t.Fatal(err)
	}
	ci, err := f.m.Authenticate(ctx, ciTok.Reveal())
	if err != nil || ci.Role != access.RoleDetector {
		t.Fatalf("Authenticate(ci): got %+v, %v", ci, err)
	}
	if _, _, err := f.m.Create(ctx, ci, "sneaky", access.RoleAdmin); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("Create by a detector: got %v, want ErrForbidden", err)
	} else if msg := fault.MessageOf(err); !strings.Contains(msg, "(role detector) may not admin.tokens; a token of role admin may") {
		t.Errorf("Create by a detector: the client reads %q, want the role it has and the role that may", msg)
	}
	if _, err := f.m.Revoke(ctx, ci, "lead"); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("Revoke by a detector: got %v, want ErrForbidden", err)
	}
	if _, err := f.m.Revoke(ctx, lead, "ci"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Authenticate(ctx, ciTok.Reveal()); !errors.Is(err, access.ErrUnauthenticated) {
		t.Errorf("Authenticate of a revoked token: got %v, want ErrUnauthenticated", err)
	}
	if _, err := f.m.Revoke(ctx, lead, "ci"); err != nil {
		t.Errorf("Revoke again: got %v, want nil", err)
	}
	if _, err := f.m.Revoke(ctx, lead, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Revoke of an unknown name: got %v, want store.ErrNotFound", err)
	}
	want := []string{
		`system:cli token.created token/lead {"role":"admin"}`,
		`lead token.created token/ci {"role":"detector"}`,
		`lead token.revoked token/ci {"role":"detector"}`,
	}
	if diff := cmp.Diff(want, f.entries(t)); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
	list, err := f.m.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "ci" || list[0].RevokedAt == nil || list[1].Name != "lead" || list[1].RevokedAt != nil {
		t.Errorf("List: got %+v, want ci (revoked) and lead", list)
	}
}

func TestCreateRefused(t *testing.T) {
	f := newFixture(t)
	if _, _, err := f.m.Create(t.Context(), cli, "taken", access.RoleAnalyst); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
		role  access.Role
		want  error
	}{
		{"bad name", "has space", access.RoleAnalyst, store.ErrInvalid},
		{"bad role", "x", access.Role("root"), store.ErrInvalid},
		{"taken", "taken", access.RoleAdmin, store.ErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, tok, err := f.m.Create(t.Context(), cli, tc.token, tc.role)
			if !errors.Is(err, tc.want) {
				t.Errorf("Create: got %v, want %v", err, tc.want)
			}
			if tok.IsSet() {
				t.Errorf("Create refused but returned a token")
			}
		})
	}
	if got := len(f.entries(t)); got != 1 {
		t.Errorf("audit entries: got %d, want 1 (refusals change nothing)", got)
	}
}

func TestAuthenticateRefuses(t *testing.T) {
	f := newFixture(t)
	_, tok, err := f.m.Create(t.Context(), cli, "a", access.RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	good := tok.Reveal()
	other := "brt_" + strings.Repeat("A", 43)
	// The same token with another last character (one whose unused low
	// bits are zero, so that the token stays well-formed).
	changed := good[:46] + "A"
	if changed == good {
		changed = good[:46] + "E"
	}
	for name, bad := range map[string]string{
		"empty": "", "garbage": "let-me-in", "unknown": other, "changed": changed,
		"hash instead of token": access.HashToken(good), "with spaces": " " + good,
	} {
		t.Run(name, func(t *testing.T) {
			p, err := f.m.Authenticate(t.Context(), bad)
			if !errors.Is(err, access.ErrUnauthenticated) {
				t.Errorf("Authenticate: got %+v, %v; want ErrUnauthenticated", p, err)
			}
			if err != nil && strings.Contains(err.Error(), good) {
				t.Errorf("the error %q holds the token", err)
			}
		})
	}
}

// TestCreateNotAuditedIsRevoked makes the audit append fail: the token
// must not stay valid.
func TestCreateNotAuditedIsRevoked(t *testing.T) {
	f := newFixture(t)
	m := access.NewManager(f.st, audit.New(failingAudit{f.st}, nil), nil)
	_, tok, err := m.Create(t.Context(), cli, "ghost", access.RoleAdmin)
	if err == nil {
		t.Fatal("Create with a failing audit log: got nil error, want one")
	}
	if tok.IsSet() {
		t.Errorf("Create failed but returned a token")
	}
	list, _ := f.st.ListTokens(t.Context())
	if len(list) != 1 || list[0].RevokedAt == nil {
		t.Errorf("tokens: got %+v, want ghost revoked", list)
	}
}

type failingAudit struct{ store.AuditStore }

func (failingAudit) AppendAudit(context.Context, func(store.AuditHead) (store.AuditRecord, error)) (store.AuditRecord, error) {
	return store.AuditRecord{}, errors.New("disk full")
}

func TestBootstrap(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "data")
	path, created, err := f.m.Bootstrap(t.Context(), dir)
	if err != nil || !created {
		t.Fatalf("first Bootstrap: got created=%v, %v; want a token created", created, err)
	}
	if want := filepath.Join(dir, access.AdminTokenFile); path != want {
		t.Errorf("path: got %s, want %s", path, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("admin.token mode: got %o, want 600", fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.m.Authenticate(t.Context(), strings.TrimSpace(string(b)))
	if err != nil || p != (access.Principal{Name: access.BootstrapName, Role: access.RoleAdmin}) {
		t.Errorf("Authenticate(admin.token): got %+v, %v; want the admin", p, err)
	}
	if _, created, err := f.m.Bootstrap(t.Context(), dir); err != nil || created {
		t.Errorf("second Bootstrap: got created=%v, %v; want nothing created", created, err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Errorf("second Bootstrap changed admin.token")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data dir: got %d files, want only admin.token (no temporary file left)", len(entries))
	}
	if diff := cmp.Diff([]string{`system:serve token.created token/admin {"role":"admin"}`}, f.entries(t)); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}

// TestBootstrapConcurrent bootstraps from several goroutines on one store,
// as replicas starting together would: exactly one creates the admin.
func TestBootstrapConcurrent(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range 4 {
		wg.Go(func() {
			_, c, err := f.m.Bootstrap(context.Background(), filepath.Join(t.TempDir(), "replica", string(rune('a'+i))))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("Bootstrap: %v", err)
			}
			if c {
				created++
			}
		})
	}
	wg.Wait()
	if created != 1 {
		t.Errorf("Bootstraps that created the admin: got %d, want 1", created)
	}
}

func TestBootstrapAfterTokens(t *testing.T) {
	f := newFixture(t)
	if _, _, err := f.m.Create(t.Context(), cli, "ops", access.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, created, err := f.m.Bootstrap(t.Context(), dir); err != nil || created {
		t.Errorf("Bootstrap with a token stored: got created=%v, %v; want nothing created", created, err)
	}
	if _, err := os.Stat(filepath.Join(dir, access.AdminTokenFile)); !os.IsNotExist(err) {
		t.Errorf("admin.token: got %v, want no file", err)
	}
}

// BenchmarkAuthenticate measures what every API request pays: one indexed
// lookup by hash in SQLite.
func BenchmarkAuthenticate(b *testing.B) {
	st, err := store.Open(context.Background(), store.Options{Path: filepath.Join(b.TempDir(), "breach.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	m := access.NewManager(st, audit.New(st, nil), nil)
	var tok string
	for i := range 100 {
		_, t, err := m.Create(context.Background(), cli, "p"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26)), access.RoleAnalyst)
		if err != nil {
			b.Fatal(err)
		}
		tok = t.Reveal()
	}
	for b.Loop() {
		if _, err := m.Authenticate(context.Background(), tok); err != nil {
			b.Fatal(err)
		}
	}
}
