package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestProviderLookupUsesItsIndex checks that SQLite answers a provider
// status callback's lookup from notices_by_provider, whose partial
// condition (no e-mail) the query must repeat for the index to serve it,
// and that the index leaves e-mails out.
func TestProviderLookupUsesItsIndex(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{Path: filepath.Join(t.TempDir(), "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.(*sqlStore).w
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+noticeByProvider, "sms", "SM0123")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX notices_by_provider") {
		t.Errorf("plan of the provider lookup: %s; want it to use notices_by_provider", got)
	}
	var def string
	if err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'notices_by_provider'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(def, "channel <> 'email'") {
		t.Errorf("notices_by_provider is %q; want e-mails left out of it", def)
	}
}
