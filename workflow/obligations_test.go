package workflow

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/store"
)

// exampleIncident loads the example inventory and incident 01, whose
// organisation has no EU establishment.
func exampleIncident(t *testing.T) (*inventory.Inventory, *incident.Incident) {
	t.Helper()
	inv, err := inventory.Load(filepath.Join("..", "examples", "seestar", "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "examples", "seestar", "incidents", "01-exfiltration-orders.json"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	in.ID, in.Revision = "INC-OB1", 1
	return inv, in
}

func TestSyncObligationsAcrossRevisions(t *testing.T) {
	ctx := t.Context()
	st := testStore(t)
	inv, in := exampleIncident(t)
	now := in.DiscoveredAt.Add(time.Hour)
	assessAt := func(in *incident.Incident) *assess.Assessment {
		a, err := assess.Assess(ctx, inv, in, now)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if err := SyncObligations(ctx, st, inv, in, assessAt(in), nil, now); err != nil {
		t.Fatalf("SyncObligations: %v", err)
	}
	obs, err := st.IncidentObligations(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var gdpr []obligation.Obligation
	for _, o := range obs {
		if o.Duty == obligation.DutyRegulator && strings.HasPrefix(o.Filing, "EU-GDPR/") {
			gdpr = append(gdpr, o)
		}
	}
	if len(gdpr) < 2 {
		t.Fatalf("GDPR filings without an EU establishment: got %d, want one per member state (at least 2): %+v", len(gdpr), obs)
	}
	first := gdpr[0]
	if first.State != obligation.StateOpen || first.Due == nil || !first.Due.Equal(in.DiscoveredAt.Add(72*time.Hour)) {
		t.Fatalf("first GDPR filing: got state %s due %v, want open, due 72 h after discovery", first.State, first.Due)
	}
	if _, err := st.UpdateObligations(ctx, in.ID, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		i := obligation.Find(cur, first.Key)
		return cur, cur[i].File(obligation.Filing{At: now, By: "jane", Reference: "REF-1"})
	}); err != nil {
		t.Fatal(err)
	}

	// Revision 2 changes the title only: the filing stands.
	in2 := *in
	in2.Revision, in2.Title = 2, in.Title+" (update)"
	if err := SyncObligations(ctx, st, inv, &in2, assessAt(&in2), nil, now); err != nil {
		t.Fatal(err)
	}
	if o := get(t, st, first.Key); o.State != obligation.StateFiled || o.Reference != "REF-1" || o.Revision != 2 {
		t.Errorf("after a revision that changes no duty: got %s ref %q revision %d, want filed REF-1 revision 2", o.State, o.Reference, o.Revision)
	}

	// Revision 3 moves the discovery a day later: every deadline moves, so
	// the filing is re-opened with the reason.
	in3 := in2
	in3.Revision, in3.DiscoveredAt = 3, in.DiscoveredAt.Add(24*time.Hour)
	if err := SyncObligations(ctx, st, inv, &in3, assessAt(&in3), nil, now); err != nil {
		t.Fatal(err)
	}
	o := get(t, st, first.Key)
	if o.State != obligation.StateOpen || !strings.Contains(o.Reason, "re-opened by revision 3: the due date changed") ||
		!strings.Contains(o.Reason, "REF-1") {
		t.Errorf("after a revision that moves the deadline: got %s, %q; want open with the reason and the earlier reference", o.State, o.Reason)
	}

	// The campaign of revision 2 does not meet duties revision 3 recorded;
	// that of revision 3 does.
	if err := MeetDuty(ctx, st, in.ID, obligation.DutyIndividuals, 2, now, campaignPrincipal, "campaign complete"); err != nil {
		t.Fatal(err)
	}
	obs, _ = st.IncidentObligations(ctx, in.ID)
	for _, o := range obs {
		if o.Duty == obligation.DutyIndividuals && o.State == obligation.StateFiled {
			t.Errorf("%s after the campaign of an earlier revision: got filed, want it pending", o.Key)
		}
	}
	if err := MeetDuty(ctx, st, in.ID, obligation.DutyIndividuals, 3, now, campaignPrincipal, "campaign complete"); err != nil {
		t.Fatal(err)
	}
	obs, _ = st.IncidentObligations(ctx, in.ID)
	for _, o := range obs {
		if o.Duty == obligation.DutyIndividuals && o.Required && o.State != obligation.StateFiled {
			t.Errorf("%s after the campaign: got %s, want filed", o.Key, o.State)
		}
	}
}

func get(t *testing.T, st store.Store, k obligation.Key) obligation.Obligation {
	t.Helper()
	obs, err := st.IncidentObligations(t.Context(), k.Incident)
	if err != nil {
		t.Fatal(err)
	}
	i := obligation.Find(obs, k)
	if i < 0 {
		t.Fatalf("obligation %s not recorded", k)
	}
	return obs[i]
}

func TestPublicNoticePublishedMeetsThePublicDuty(t *testing.T) {
	ctx := t.Context()
	st := testStore(t)
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	public := obligation.Obligation{Key: obligation.Key{Incident: "INC-P", Jurisdiction: "US-CA", Duty: obligation.DutyPublic},
		Required: true, State: obligation.StateOpen, Since: at, By: obligation.System}
	if _, err := st.UpdateObligations(ctx, "INC-P", func([]obligation.Obligation) ([]obligation.Obligation, error) {
		return []obligation.Obligation{public}, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		kind      announce.Kind
		wantState obligation.State
	}{
		{"a withdrawal meets nothing", announce.KindWithdrawal, obligation.StateOpen},
		{"a publication meets it", announce.KindPublish, obligation.StateFiled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := announce.Version{IncidentID: "INC-P", Version: 2, Kind: tc.kind, PublishedAt: at.Add(time.Hour)}
			if err := PublicNoticePublished(ctx, st, v); err != nil {
				t.Fatal(err)
			}
			o := get(t, st, public.Key)
			if o.State != tc.wantState {
				t.Errorf("got %s, want %s", o.State, tc.wantState)
			}
			if tc.wantState == obligation.StateFiled && (o.Reference != "public notice version 2 published" || !o.Since.Equal(v.PublishedAt) || o.By != announcePrincipal) {
				t.Errorf("met: got %+v, want the version, its time and %s", o, announcePrincipal)
			}
		})
	}
}

func TestBackfillObligations(t *testing.T) {
	ctx := t.Context()
	st := testStore(t)
	inv, in := exampleIncident(t)
	now := in.DiscoveredAt.Add(time.Hour)
	doc, _, err := store.EncodeIncident(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveIncident(ctx, in, doc); err != nil {
		t.Fatal(err)
	}
	// A second incident stored but never assessed is left alone.
	other := *in
	other.ID = "INC-OB2"
	if _, err := st.SaveIncident(ctx, &other, doc); err != nil {
		t.Fatal(err)
	}
	a, err := assess.Assess(ctx, inv, in, now)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(a)
	if err := st.SaveAssessment(ctx, in.ID, 1, a.AssessedAt, raw, store.AssessmentSummary{Risk: string(a.Risk)}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{1, 0} { // the second run finds nothing to fill
		n, err := BackfillObligations(ctx, st, inv, now)
		if err != nil || n != want {
			t.Fatalf("BackfillObligations: got %d, %v; want %d, nil", n, err, want)
		}
	}
	if obs, _ := st.IncidentObligations(ctx, in.ID); len(obs) == 0 {
		t.Errorf("no obligations recorded for the assessed incident")
	}
	if obs, _ := st.IncidentObligations(ctx, other.ID); len(obs) != 0 {
		t.Errorf("obligations recorded for an incident never assessed: %+v", obs)
	}
}

// testStore opens a SQLite store in a temporary directory.
func testStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "b.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
