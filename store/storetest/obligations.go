package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

// The obligation cases check store.Obligations: a round trip of every
// field, the replacement of an incident's set, the pending list across
// incidents, and refusals that change nothing.

func sampleObligations(id string) []obligation.Obligation {
	due := base.Add(72 * time.Hour)
	later := base.Add(30 * 24 * time.Hour)
	return []obligation.Obligation{
		{Key: obligation.Key{Incident: id, Jurisdiction: "EU-GDPR", Duty: obligation.DutyRegulator, Filing: "EU-GDPR/FR"},
			To: "CNIL", Required: true, Revision: 1, Subjects: 900, Due: &due, DueText: "72 hours", State: obligation.StateOpen, Since: base, By: obligation.System},
		{Key: obligation.Key{Incident: id, Jurisdiction: "EU-GDPR", Duty: obligation.DutyRegulator, Filing: "EU-GDPR/DE"},
			To: "BfDI", Required: true, Revision: 1, Due: &due, State: obligation.StateFiled, Since: base.Add(time.Hour), By: "jane",
			Reference: "DE-2026-17", CopySHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{Key: obligation.Key{Incident: id, Jurisdiction: "EU-GDPR", Duty: obligation.DutyIndividuals},
			To: "individuals", Required: true, Revision: 1, DueText: "without undue delay", State: obligation.StateDrafted, Since: base, By: "ann"},
		{Key: obligation.Key{Incident: id, Jurisdiction: "US-CA", Duty: "attorney-general"},
			To: "California Attorney General", Required: true, Revision: 1, Due: &later, State: obligation.StateOpen, Since: base, By: obligation.System},
		{Key: obligation.Key{Incident: id, Jurisdiction: "US-CA", Duty: obligation.DutyIndividuals},
			To: "individuals", Revision: 1, State: obligation.StateNotRequired, Since: base, By: obligation.System, Reason: "encrypted"},
	}
}

func testObligations(t *testing.T, s store.Store) {
	ctx := t.Context()
	if got, err := s.IncidentObligations(ctx, "INC-O1"); err != nil || len(got) != 0 {
		t.Fatalf("obligations of an incident without any: got %v, %v; want none, nil", got, err)
	}
	want := sampleObligations("INC-O1")
	stored, err := s.UpdateObligations(ctx, "INC-O1", func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		if len(cur) != 0 {
			t.Errorf("first update: got %d current obligations, want 0", len(cur))
		}
		return want, nil
	})
	if err != nil {
		t.Fatalf("UpdateObligations: got %v, want nil", err)
	}
	sorted := slices.Clone(want)
	slices.SortStableFunc(sorted, obligation.Compare)
	if diff := cmp.Diff(sorted, stored); diff != "" {
		t.Errorf("UpdateObligations returned (-want +got):\n%s", diff)
	}
	got, err := s.IncidentObligations(ctx, "INC-O1")
	if err != nil {
		t.Fatalf("IncidentObligations: got %v, want nil", err)
	}
	if diff := cmp.Diff(sorted, got); diff != "" {
		t.Errorf("IncidentObligations (-want +got):\n%s", diff)
	}

	// A second incident, and a replacement of the first one's set.
	if _, err := s.UpdateObligations(ctx, "INC-O2", func([]obligation.Obligation) ([]obligation.Obligation, error) {
		return sampleObligations("INC-O2")[:1], nil
	}); err != nil {
		t.Fatalf("UpdateObligations(INC-O2): got %v, want nil", err)
	}
	if _, err := s.UpdateObligations(ctx, "INC-O1", func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		if diff := cmp.Diff(sorted, cur); diff != "" {
			t.Errorf("current obligations passed to fn (-want +got):\n%s", diff)
		}
		i := obligation.Find(cur, want[0].Key)
		cur[i].State, cur[i].Reference = obligation.StateFiled, "CNIL-1"
		return cur[i : i+1], nil
	}); err != nil {
		t.Fatalf("UpdateObligations(replace): got %v, want nil", err)
	}
	got, _ = s.IncidentObligations(ctx, "INC-O1")
	if len(got) != 1 || got[0].State != obligation.StateFiled || got[0].Reference != "CNIL-1" {
		t.Errorf("after replacement: got %+v, want the one filed obligation", got)
	}

	pending, err := s.PendingObligations(ctx)
	if err != nil {
		t.Fatalf("PendingObligations: got %v, want nil", err)
	}
	var keys []string
	for _, o := range pending {
		keys = append(keys, o.Key.String())
	}
	if diff := cmp.Diff([]string{"INC-O2 EU-GDPR regulator EU-GDPR/FR"}, keys); diff != "" {
		t.Errorf("PendingObligations keys (-want +got):\n%s", diff)
	}

	// Refusals change nothing.
	boom := errors.New("boom")
	if _, err := s.UpdateObligations(ctx, "INC-O2", func([]obligation.Obligation) ([]obligation.Obligation, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("fn error: got %v, want boom", err)
	}
	for name, o := range map[string]obligation.Obligation{
		"other incident": sampleObligations("INC-X")[0],
		"bad state":      func() obligation.Obligation { o := sampleObligations("INC-O2")[0]; o.State = "done"; return o }(),
		"no duty":        func() obligation.Obligation { o := sampleObligations("INC-O2")[0]; o.Duty = ""; return o }(),
	} {
		if _, err := s.UpdateObligations(ctx, "INC-O2", func([]obligation.Obligation) ([]obligation.Obligation, error) {
			return []obligation.Obligation{o}, nil
		}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
	if got, _ := s.IncidentObligations(ctx, "INC-O2"); len(got) != 1 || got[0].Duty != obligation.DutyRegulator {
		t.Errorf("after refused updates: got %+v, want the one regulator obligation unchanged", got)
	}
	if _, err := s.IncidentObligations(ctx, "bad id!"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("IncidentObligations(bad id): got %v, want ErrInvalid", err)
	}
}
