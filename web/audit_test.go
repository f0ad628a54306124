package web

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
)

// TestAuditRoutes: GET /api/v1/audit pages the log as JSON Lines, names the
// next page, quotes the chain head and records the export itself; a bad
// parameter is refused naming it; /audit/verify reports an intact, keyed
// chain with its MACs checked.
func TestAuditRoutes(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "audit.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key, err := audit.DeriveKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(st, func() time.Time { return fixedNow }).WithKey(key)
	for _, obj := range []string{"token/a", "token/b", "token/c"} {
		if _, err := log.Append(t.Context(), audit.Event{Principal: "admin", Action: audit.ActionTokenCreated, Object: obj}); err != nil {
			t.Fatal(err)
		}
	}
	f := newFixture(t, Config{}, func(d *Deps) { d.Audit = log })

	resp, body := f.do(t, "GET", "/api/v1/audit?limit=2", "", nil)
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if resp.StatusCode != 200 || len(lines) != 2 || resp.Header.Get(HeaderAuditNext) != "2" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/jsonl") {
		t.Fatalf("page 1: got %d %q next %q, want 2 lines of JSON Lines and next 2", resp.StatusCode, body, resp.Header.Get(HeaderAuditNext))
	}
	// The head is quoted after the export was recorded: entry 4.
	if resp.Header.Get(HeaderAuditHeadSeq) != "4" || len(resp.Header.Get(HeaderAuditHeadHash)) != 64 {
		t.Errorf("head: got %q %q, want entry 4 and its hash", resp.Header.Get(HeaderAuditHeadSeq), resp.Header.Get(HeaderAuditHeadHash))
	}
	resp, body = f.do(t, "GET", "/api/v1/audit?after=2", "", nil)
	var last audit.Entry
	lines = strings.Split(strings.TrimSpace(string(body)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || resp.StatusCode != 200 || len(lines) != 3 ||
		last.Action != audit.ActionAuditExported || last.Principal != "tester" || last.MAC == "" {
		t.Errorf("after 2: got %d %s, want entries 3 to 5, the last the second export by the tester, keyed", resp.StatusCode, body)
	}
	for _, q := range []string{"after=x", "limit=0", "since=yesterday"} {
		if resp, body := f.do(t, "GET", "/api/v1/audit?"+q, "", nil); resp.StatusCode != 400 || !strings.Contains(string(body), strings.Split(q, "=")[0]) {
			t.Errorf("%s: got %d %s, want 400 naming the parameter", q, resp.StatusCode, body)
		}
	}
	resp, body = f.do(t, "GET", "/api/v1/audit/verify", "", nil)
	var v AuditVerification
	if err := json.Unmarshal(body, &v); err != nil || resp.StatusCode != 200 || !v.OK || !v.MACsChecked || v.Keyed != 5 {
		t.Errorf("verify: got %d %s, want ok with 5 keyed entries, MACs checked", resp.StatusCode, body)
	}
}
