package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
)

// breachCmd runs the command line in-process and returns its exit status,
// standard output and standard error.
func breachCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// openDataStore opens the store of a data directory as the service would.
func openDataStore(t *testing.T, dir string) store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(dir, "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var tokenLine = regexp.MustCompile(`^brt_[A-Za-z0-9_-]{43}\n$`)

func TestTokenCreateListRevoke(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	code, out, errOut := breachCmd(t, "token", "create", "--name", "alice", "--role", "approver", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errOut)
	}
	if !tokenLine.MatchString(out) {
		t.Fatalf("token create: got stdout %q, want the token alone on one line", out)
	}
	tok := strings.TrimSpace(out)
	if !strings.Contains(errOut, "shown only now") {
		t.Errorf("token create: got stderr %q, want a note that the token is shown once", errOut)
	}

	code, out, errOut = breachCmd(t, "token", "create", "--name", "ci", "--role", "detector", "--data-dir", dir, "-o", "json")
	if code != 0 {
		t.Fatalf("token create -o json: exit %d: %s", code, errOut)
	}
	var created struct{ Name, Role, Token, CreatedBy string }
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("token create -o json: %v in %q", err, out)
	}
	if created.Name != "ci" || created.Role != "detector" || !tokenLine.MatchString(created.Token+"\n") {
		t.Errorf("token create -o json: got %+v", created)
	}

	st := openDataStore(t, dir)
	m := access.NewManager(st, audit.New(st, nil), nil)
	p, err := m.Authenticate(t.Context(), tok)
	if err != nil || p != (access.Principal{Name: "alice", Role: access.RoleApprover}) {
		t.Errorf("Authenticate(the printed token): got %+v, %v; want alice the approver", p, err)
	}

	code, out, _ = breachCmd(t, "token", "list", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "alice") || !strings.Contains(out, "approver") || !strings.Contains(out, "ci") {
		t.Errorf("token list: exit %d, got %q; want alice and ci", code, out)
	}
	for _, secret := range []string{tok, created.Token, access.HashToken(tok)} {
		if strings.Contains(out, secret) {
			t.Errorf("token list prints a token or its hash: %q", out)
		}
	}

	if code, out, errOut = breachCmd(t, "token", "revoke", "ci", "--data-dir", dir); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("token revoke: exit %d, got %q %q", code, out, errOut)
	}
	if _, err := m.Authenticate(t.Context(), created.Token); err == nil {
		t.Errorf("Authenticate(revoked token): got nil error")
	}
	code, out, _ = breachCmd(t, "token", "list", "--data-dir", dir, "-o", "json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil {
		t.Fatalf("token list -o json: exit %d, %v in %q", code, err, out)
	}
	if len(list) != 2 || list[0]["name"] != "alice" || list[0]["revoked_at"] != nil || list[1]["revoked_at"] == nil {
		t.Errorf("token list -o json: got %v, want alice valid and ci revoked", list)
	}
	for _, item := range list {
		for _, k := range []string{"token", "hash", "Hash"} {
			if _, ok := item[k]; ok {
				t.Errorf("token list -o json has the field %q: %v", k, item)
			}
		}
	}

	es, _, err := audit.New(st, nil).List(t.Context(), audit.Filter{}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Principal+" "+string(e.Action)+" "+e.Object)
	}
	want := "system:cli token.created token/alice,system:cli token.created token/ci,system:cli token.revoked token/ci"
	if strings.Join(got, ",") != want {
		t.Errorf("audit log: got %q, want %q", strings.Join(got, ","), want)
	}
}

func TestTokenCommandErrors(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := breachCmd(t, "token", "create", "--name", "taken", "--role", "admin", "--data-dir", dir); code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errOut)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no name", []string{"token", "create", "--role", "admin", "--data-dir", dir}, "--name and --role are required"},
		{"bad role", []string{"token", "create", "--name", "x", "--role", "root", "--data-dir", dir}, `role "root" is not one of`},
		{"bad name", []string{"token", "create", "--name", "a b", "--role", "admin", "--data-dir", dir}, "--name: token name"},
		{"taken name", []string{"token", "create", "--name", "taken", "--role", "admin", "--data-dir", dir}, "is taken"},
		{"bad format", []string{"token", "list", "--data-dir", dir, "-o", "yaml"}, "want table or json"},
		{"unknown token", []string{"token", "revoke", "nobody", "--data-dir", dir}, "not found"},
		{"no revoke name", []string{"token", "revoke", "--data-dir", dir}, "accepts 1 arg"},
		{"no database", []string{"token", "list", "--data-dir", filepath.Join(dir, "nope")}, "no database at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := breachCmd(t, tc.args...)
			if code != 2 {
				t.Errorf("exit status: got %d, want 2 (stderr %q)", code, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr: got %q, want it to contain %q", errOut, tc.want)
			}
			if strings.Contains(out, "brt_") {
				t.Errorf("a refused command printed a token: %q", out)
			}
		})
	}
}
