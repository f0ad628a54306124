package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/incident"
)

// TestStateChangesAreAudited: the configuration loaded at start, a
// stored incident, its revision and an approval are entries of the audit
// chain, and the chain verifies.
func TestStateChangesAreAudited(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	cfg.Campaign.AnnouncementURL = "https://shop.example/notice"
	svc := startService(t, cfg)
	ctx := context.Background()
	in := testIncident("INC-AUDIT", 1, incident.Affected{System: "crm"})
	in.Mitigation.Measures = []string{"Closed the access path"}
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	in2 := testIncident("INC-AUDIT", 2, incident.Affected{System: "crm"})
	in2.Mitigation.Measures = in.Mitigation.Measures
	publish(t, svc, in2)
	waitAssessment(t, svc, in.ID, 2)
	log := audit.New(svc.Store(), time.Now)
	want := map[audit.Action]bool{audit.ActionConfigLoaded: false, audit.ActionIncidentSubmitted: false, audit.ActionIncidentRevised: false}
	entries, _, err := log.List(ctx, audit.Filter{}, audit.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := want[e.Action]; ok {
			want[e.Action] = true
		}
	}
	for a, seen := range want {
		if !seen {
			t.Errorf("no %s entry in the audit chain", a)
		}
	}
	rep, err := log.Verify(ctx)
	if err != nil || rep.Broken != nil {
		t.Errorf("verify: %+v, %v; want an intact chain", rep, err)
	}
}

// TestRejectedNoticeIsAudited: a forged notice job published on the
// NOTICES queue is never sent; it becomes a notice.rejected entry by the
// system with the reason and the digest of the key it claims, without the
// key itself; the chain's entries are keyed and it verifies.
func TestRejectedNoticeIsAudited(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	svc := startService(t, cfg)
	ctx := context.Background()
	key := "notice/INC-FORGED/u-1/email/v1"
	forged := `{"key":"` + key + `","mac":"AAAA"}`
	if _, err := svc.Bus().JetStream().Publish(ctx, svc.Bus().Topics().Notice("email"), []byte(forged)); err != nil {
		t.Fatal(err)
	}
	log := audit.New(svc.Store(), time.Now)
	var got audit.Entry
	eventually(t, "a notice.rejected audit entry", func() error {
		entries, _, err := log.List(ctx, audit.Filter{Action: audit.ActionNoticeRejected}, audit.Page{})
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return errors.New("none yet")
		}
		got = entries[0]
		return nil
	})
	sum := sha256.Sum256([]byte(key))
	if got.Principal != "system:notify" || !strings.Contains(string(got.Details), `"reason":"forged"`) ||
		!strings.Contains(string(got.Details), hex.EncodeToString(sum[:])) || strings.Contains(string(got.Details), "INC-FORGED") {
		t.Errorf("entry: got %+v %s; want by system:notify, reason forged, the key's digest and not the key", got, got.Details)
	}
	if got.Version != audit.VersionKeyed || got.MAC == "" {
		t.Errorf("entry: got version %d, MAC %q; want a keyed entry", got.Version, got.MAC)
	}
}
