package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
)

// auditedDataDir returns a data directory whose audit log holds three
// entries, made by the token commands.
func auditedDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"token", "create", "--name", "lead", "--role", "admin"},
		{"token", "create", "--name", "ci", "--role", "detector"},
		{"token", "revoke", "ci"},
	} {
		if code, _, errOut := breachCmd(t, append(args, "--data-dir", dir)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	return dir
}

func TestAuditList(t *testing.T) {
	dir := auditedDataDir(t)
	code, out, errOut := breachCmd(t, "audit", "list", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("audit list: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.Contains(lines[3], "token.revoked") || !strings.Contains(lines[3], "token/ci") {
		t.Errorf("audit list: got\n%s\nwant a header and 3 entries, the last the revocation of ci", out)
	}

	code, out, errOut = breachCmd(t, "audit", "list", "--data-dir", dir, "--object", "token/ci", "--limit", "1", "-o", "json")
	if code != 0 {
		t.Fatalf("audit list -o json: exit %d: %s", code, errOut)
	}
	var page struct {
		Entries []audit.Entry `json:"entries"`
		Next    int64         `json:"next_after"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 || page.Entries[0].Seq != 2 || page.Next != 2 {
		t.Errorf("first page of token/ci: got %+v, want entry 2 and next after 2", page)
	}
	code, out, _ = breachCmd(t, "audit", "list", "--data-dir", dir, "--object", "token/ci", "--after", "2", "-o", "json")
	page.Entries, page.Next = nil, 0
	if err := json.Unmarshal([]byte(out), &page); code != 0 || err != nil {
		t.Fatalf("second page: exit %d, %v", code, err)
	}
	if len(page.Entries) != 1 || page.Entries[0].Seq != 3 || page.Next != 0 {
		t.Errorf("second page of token/ci: got %+v, want entry 3 and no next page", page)
	}

	for _, bad := range [][]string{{"--since", "yesterday"}, {"--limit", "0"}, {"--after", "-1"}} {
		if code, _, errOut := breachCmd(t, append([]string{"audit", "list", "--data-dir", dir}, bad...)...); code != 2 {
			t.Errorf("audit list %v: got exit %d (%s), want 2", bad, code, errOut)
		}
	}
}

func TestAuditVerify(t *testing.T) {
	dir := auditedDataDir(t)
	code, out, errOut := breachCmd(t, "audit", "verify", "--data-dir", dir)
	if code != 0 || !strings.HasPrefix(out, "audit log intact: 3 entries; head 3:") {
		t.Fatalf("audit verify: exit %d, got %q %q; want an intact log of 3", code, out, errOut)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "breach.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`DROP TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET details = '{"role":"admin"}' WHERE seq = 2`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	code, out, errOut = breachCmd(t, "audit", "verify", "--data-dir", dir)
	if code != 1 {
		t.Errorf("audit verify of a tampered log: got exit %d, want 1", code)
	}
	if !strings.Contains(out, "BROKEN at entry 2") || !strings.Contains(errOut, "audit entry 2") {
		t.Errorf("audit verify of a tampered log: got %q %q, want entry 2 named", out, errOut)
	}
	code, out, _ = breachCmd(t, "audit", "verify", "--data-dir", dir, "-o", "json")
	var rep audit.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("audit verify -o json: %v in %q", err, out)
	}
	if code != 1 || rep.Broken == nil || rep.Broken.Seq != 2 || rep.Checked != 1 {
		t.Errorf("audit verify -o json: exit %d, got %+v; want entry 2 broken after 1 intact", code, rep)
	}
}

func TestAuditExport(t *testing.T) {
	dir := auditedDataDir(t)
	file := filepath.Join(t.TempDir(), "audit.jsonl")
	code, _, errOut := breachCmd(t, "audit", "export", "--data-dir", dir, "-o", file)
	if code != 0 || !strings.Contains(errOut, "wrote 3 audit entries") {
		t.Fatalf("audit export: exit %d, %q", code, errOut)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("export file mode: got %o, want 600", fi.Mode().Perm())
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var prev string
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		if e.Seq != int64(n) || e.Prev != prev || audit.Hash(e) != e.Hash || audit.Digest(e.Details) != e.Digest {
			t.Errorf("exported entry %d does not chain: %+v", n, e)
		}
		prev = e.Hash
	}
	if n != 3 {
		t.Errorf("exported entries: got %d, want 3", n)
	}

	code, out, _ := breachCmd(t, "audit", "export", "--data-dir", dir)
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("audit export to stdout: exit %d, got %q; want 3 lines", code, out)
	}
}

// TestTokenAuditPostgres runs the commands against the PostgreSQL store a
// configuration file names, when BREACH_TEST_POSTGRES_DSN is set.
func TestTokenAuditPostgres(t *testing.T) {
	dsn := os.Getenv("BREACH_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skipf("BREACH_TEST_POSTGRES_DSN is not set; set it to a PostgreSQL URL to run the token and audit commands against PostgreSQL")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("breach_cli_%d", os.Getpid())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	dir := t.TempDir()
	dsnFile, cfgFile := filepath.Join(dir, "dsn"), filepath.Join(dir, "breach.yaml")
	if err := os.WriteFile(dsnFile, []byte(u.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("data_dir: %s\nstore:\n  driver: postgres\n  dsn_file: %s\n", filepath.Join(dir, "data"), dsnFile)
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"token", "create", "--name", "pg-admin", "--role", "admin"},
		{"token", "revoke", "pg-admin"},
		{"audit", "verify"},
	} {
		if code, _, errOut := breachCmd(t, append(args, "--config", cfgFile)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	var n int
	if err := admin.QueryRow("SELECT COUNT(*) FROM " + schema + ".audit_log").Scan(&n); err != nil || n != 2 {
		t.Errorf("audit entries in PostgreSQL: got %d, %v; want 2", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "breach.db")); !os.IsNotExist(err) {
		t.Errorf("a SQLite database was created in the data dir (%v); want PostgreSQL only", err)
	}
}

// TestAuditVerifyHeadAndFile checks a recorded head against a log whose
// end was cut off, and an export file on its own.
func TestAuditVerifyHeadAndFile(t *testing.T) {
	dir := auditedDataDir(t)
	_, out, _ := breachCmd(t, "audit", "verify", "--data-dir", dir)
	head := strings.TrimSpace(out[strings.LastIndex(out, " ")+1:])
	if code, _, errOut := breachCmd(t, "audit", "verify", "--data-dir", dir, "--head", head); code != 0 {
		t.Fatalf("audit verify --head %s: exit %d: %s", head, code, errOut)
	}
	file := filepath.Join(t.TempDir(), "audit.jsonl")
	if code, _, errOut := breachCmd(t, "audit", "export", "--data-dir", dir, "-o", file); code != 0 {
		t.Fatalf("audit export: exit %d: %s", code, errOut)
	}
	if code, out, errOut := breachCmd(t, "audit", "verify", "--file", file, "--head", head); code != 0 || !strings.Contains(out, "intact: 3 entries") {
		t.Errorf("audit verify --file: exit %d, %q %q; want the export intact", code, out, errOut)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "breach.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE seq = 3`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if code, _, _ := breachCmd(t, "audit", "verify", "--data-dir", dir); code != 0 {
		t.Errorf("audit verify of a log cut short, without --head: got exit %d, want 0 (the chain alone cannot tell)", code)
	}
	code, _, errOut := breachCmd(t, "audit", "verify", "--data-dir", dir, "--head", head)
	if code != 1 || !strings.Contains(errOut, "does not hold the head") {
		t.Errorf("audit verify --head of a log cut short: exit %d, %q; want 1 and the head named", code, errOut)
	}

	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "tampered.jsonl")
	if err := os.WriteFile(tampered, []byte(strings.Replace(string(b), `"role":"detector"`, `"role":"admin"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := breachCmd(t, "audit", "verify", "--file", tampered); code != 1 || !strings.Contains(out, "BROKEN at entry 2") {
		t.Errorf("audit verify --file of a tampered export: exit %d, %q; want 1 and entry 2 named", code, out)
	}
	for _, bad := range []string{"3", "x:abc", "0:" + strings.Repeat("a", 64)} {
		if code, _, _ := breachCmd(t, "audit", "verify", "--data-dir", dir, "--head", bad); code != 2 {
			t.Errorf("audit verify --head %q: got exit %d, want 2", bad, code)
		}
	}
}

// TestAuditVerifyKeyed: with the data directory's notice key, entries are
// keyed and verify checks their MACs; an entry rewritten with a recomputed
// hash (as someone who can write the database but lacks the key would)
// fails at that entry.
func TestAuditVerifyKeyed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notice.key"), []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"token", "create", "--name", "lead", "--role", "admin"}, {"token", "create", "--name", "ci", "--role", "detector"}} {
		if code, _, errOut := breachCmd(t, append(args, "--data-dir", dir)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	code, out, errOut := breachCmd(t, "audit", "verify", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "2 entries keyed, their MACs checked") {
		t.Fatalf("audit verify: exit %d, got %q %q; want 2 keyed entries checked", code, out, errOut)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "breach.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var e audit.Entry
	var us int64
	var details string
	if err := db.QueryRow(`SELECT seq, at_us, principal, action, object, details, digest, prev_hash, version FROM audit_log WHERE seq = 2`).
		Scan(&e.Seq, &us, &e.Principal, &e.Action, &e.Object, &details, &e.Digest, &e.Prev, &e.Version); err != nil {
		t.Fatal(err)
	}
	e.Time = time.UnixMicro(us).UTC()
	e.Principal = "mallory"
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET principal = 'mallory', hash = '` + audit.Hash(e) + `' WHERE seq = 2`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	code, out, _ = breachCmd(t, "audit", "verify", "--data-dir", dir)
	if code != 1 || !strings.Contains(out, "BROKEN at entry 2: MAC does not match") {
		t.Errorf("audit verify of a rewritten entry: exit %d, got %q; want entry 2 named for its MAC", code, out)
	}
}
