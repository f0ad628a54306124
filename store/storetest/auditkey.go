package storetest

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
)

// testAuditKeyed: entries written before the chain was keyed still verify;
// keyed entries carry a MAC; once keyed, an unkeyed log refuses to append;
// a tail rewritten by someone without the key — hashes recomputed — passes
// the hash check but fails the MAC check at its first entry, and a tail
// rewritten as unkeyed entries fails with or without the key.
func testAuditKeyed(t *testing.T, s store.Store, db *sql.DB) {
	ctx := t.Context()
	key, err := audit.DeriveKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	plain := audit.New(s, clock())
	keyed := plain.WithKey(key)
	var entries []audit.Entry
	for i := range 5 {
		l := plain
		if i >= 2 {
			l = keyed
		}
		entries = append(entries, mustAppend(t, l, "admin", audit.ActionTokenCreated, fmt.Sprintf("token/t%d", i+1), map[string]string{"role": "analyst"}))
	}
	if entries[1].Version != audit.VersionHashed || entries[1].MAC != "" || entries[2].Version != audit.VersionKeyed || entries[2].MAC == "" {
		t.Fatalf("entries: got versions %d/%d and MACs %q/%q; want an unkeyed then a keyed entry",
			entries[1].Version, entries[2].Version, entries[1].MAC, entries[2].MAC)
	}
	rep, err := keyed.Verify(ctx)
	if err != nil || !rep.OK() || rep.Unkeyed != 2 || rep.Keyed != 3 || !rep.MACsChecked {
		t.Fatalf("Verify with the key: got %+v, %v; want intact, 2 unkeyed and 3 keyed entries, MACs checked", rep, err)
	}
	if _, err := plain.Append(ctx, audit.Event{Principal: "admin", Action: audit.ActionTokenRevoked, Object: "token/t1"}); !errors.Is(err, audit.ErrNoKey) {
		t.Errorf("unkeyed append after keyed entries: got %v, want ErrNoKey", err)
	}
	other, _ := audit.DeriveKey([]byte("another secret of at least 16 bytes"))
	if rep, _ := plain.WithKey(other).Verify(ctx); rep.OK() || rep.Broken.Seq != 3 || !strings.Contains(rep.Broken.Reason, "MAC does not match") {
		t.Errorf("Verify with another key: got %+v, want broken at entry 3 (MAC)", rep)
	}

	dropAppendOnly(t, db)
	// rewrite replaces entries 4 and 5 as someone who can write the
	// database but lacks the key would: new principal, hashes recomputed
	// and chained, at the given version with the old MACs (or none).
	rewrite := func(t *testing.T, version int) {
		t.Helper()
		prev := entries[2].Hash
		for _, e := range entries[3:] {
			e.Principal, e.Prev, e.Version = "mallory", prev, version
			if version == audit.VersionHashed {
				e.MAC = ""
			}
			e.Hash = audit.Hash(e)
			if _, err := db.ExecContext(ctx, `UPDATE audit_log SET principal = $1, prev_hash = $2, hash = $3, version = $4, mac = $5 WHERE seq = $6`,
				e.Principal, e.Prev, e.Hash, e.Version, e.MAC, e.Seq); err != nil {
				t.Fatal(err)
			}
			prev = e.Hash
		}
	}
	rewrite(t, audit.VersionKeyed)
	if rep, err := plain.Verify(ctx); err != nil || !rep.OK() || rep.MACsChecked {
		t.Errorf("Verify of a rewritten keyed tail without the key: got %+v, %v; want the hashes to hold (MACs not checked)", rep, err)
	}
	if rep, _ := keyed.Verify(ctx); rep.OK() || rep.Broken.Seq != 4 || !strings.Contains(rep.Broken.Reason, "MAC does not match") {
		t.Errorf("Verify of a rewritten keyed tail with the key: got %+v, want broken at entry 4 (MAC)", rep)
	}
	rewrite(t, audit.VersionHashed)
	for name, l := range map[string]*audit.Log{"without": plain, "with": keyed} {
		if rep, _ := l.Verify(ctx); rep.OK() || rep.Broken.Seq != 4 || !strings.Contains(rep.Broken.Reason, "unkeyed entry after keyed entries") {
			t.Errorf("Verify %s the key of a tail rewritten unkeyed: got %+v, want broken at entry 4", name, rep)
		}
	}
}
