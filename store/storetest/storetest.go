// Package storetest is the contract every store.Store implementation must
// pass. An implementation's test calls Run with a function that opens a
// fresh, empty store; Run exercises it through the interface only.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

// Run runs the contract suite. open must return a new, empty store for each
// call and arrange for it to be closed when the test ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"SaveIncidentNew", testSaveNew},
		{"SaveIncidentDuplicate", testSaveDuplicate},
		{"SaveIncidentConflictingDuplicate", testSaveConflicting},
		{"SaveIncidentNewRevision", testSaveNewRevision},
		{"SaveIncidentStaleRevision", testSaveStale},
		{"RevisionHistory", testRevisionHistory},
		{"SaveIncidentInvalid", testSaveInvalid},
		{"ListPagination", testListPagination},
		{"ListInvalidCursor", testListInvalidCursor},
		{"Assessments", testAssessments},
		{"ListUnassessed", testListUnassessed},
		{"RecordAffectedNewly", testRecordAffected},
		{"RecordAffectedLarge", testRecordAffectedLarge},
		{"ImportReplace", testImportReplace},
		{"ImportRejected", testImportRejected},
		{"ImportFailFast", testImportFailFast},
		{"ImportReadError", testImportReadError},
		{"ImportErrorsCapped", testImportErrorsCapped},
		{"Approvals", testApprovals},
		{"TwoPersonApproval", testTwoPersonApproval},
		{"ConcurrentApprovals", testConcurrentApprovals},
		{"NotFound", testNotFound},
		{"ConcurrentSaveIncident", testConcurrentSave},
		{"LedgerPlan", testLedgerPlan},
		{"LedgerPlanLarge", testLedgerPlanLarge},
		{"LedgerLiftLarge", testLedgerLiftLarge},
		{"LedgerTransitions", testLedgerTransitions},
		{"LedgerBeginByState", testLedgerBeginByState},
		{"LedgerUnknownKey", testLedgerUnknown},
		{"LedgerCounts", testLedgerCounts},
		{"LedgerEach", testLedgerEach},
		{"LedgerTimes", testLedgerTimes},
		{"LedgerMatchesMemory", testLedgerMatchesMemory},
		{"LedgerConcurrent", testLedgerConcurrent},
		{"LedgerSettle", testLedgerSettle},
		{"LedgerSettleConcurrent", testLedgerSettleConcurrent},
		{"Public", testPublic},
		{"Obligations", testObligations},
		{"GoneDevices", testGoneDevices},
		{"GoneDevicesConcurrent", testGoneDevicesConcurrent},
		{"Ping", func(t *testing.T, s store.Store) {
			if err := s.Ping(t.Context()); err != nil {
				t.Fatalf("Ping: got %v, want nil", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

var base = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// newIncident returns a valid incident revision.
func newIncident(id string, revision int, title string, discovered time.Time) *incident.Incident {
	occurred := discovered.Add(-6 * time.Hour)
	return &incident.Incident{
		Schema:       incident.Schema,
		ID:           id,
		Revision:     revision,
		Title:        title,
		Description:  "An intruder copied the order database.",
		Source:       "detector:waf-7",
		OccurredAt:   &occurred,
		DiscoveredAt: discovered,
		Cause:        incident.CauseExfiltration,
		Malicious:    true,
		Effects:      incident.Effects{Confidentiality: incident.ConfidentialityUnknownRecipients},
		Affected:     []incident.Affected{{System: "orders-db"}},
		Mitigation:   incident.Mitigation{Contained: true, Measures: []string{"Revoked the leaked API key"}},
	}
}

func rawOf(t *testing.T, in *incident.Incident) []byte {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte("  "), b...) // raw bytes differ from the normalised document
}

func mustSave(t *testing.T, s store.Store, in *incident.Incident) store.SaveResult {
	t.Helper()
	res, err := s.SaveIncident(t.Context(), in, rawOf(t, in))
	if err != nil {
		t.Fatalf("SaveIncident(%s): got error %v, want nil", in.Key(), err)
	}
	return res
}

func testSaveNew(t *testing.T, s store.Store) {
	in := newIncident("INC-1", 1, "Order database copied", base)
	got := mustSave(t, s, in)
	if diff := cmp.Diff(store.SaveResult{Created: true, Current: 1}, got); diff != "" {
		t.Errorf("SaveIncident result (-want +got):\n%s", diff)
	}
	rec, err := s.GetIncident(t.Context(), "INC-1")
	if err != nil {
		t.Fatalf("GetIncident: got error %v, want nil", err)
	}
	if diff := cmp.Diff(in, rec.Incident); diff != "" {
		t.Errorf("stored incident (-want +got):\n%s", diff)
	}
	if rec.Revision != 1 || rec.Revisions != 1 || rec.Status != store.StatusReceived {
		t.Errorf("GetIncident: got revision %d, revisions %d, status %q; want 1, 1, %q", rec.Revision, rec.Revisions, rec.Status, store.StatusReceived)
	}
	if rec.FirstReceived.IsZero() || !rec.FirstReceived.Equal(rec.LastReceived) {
		t.Errorf("GetIncident: got first received %v, last %v; want equal and set", rec.FirstReceived, rec.LastReceived)
	}
	if rec.Assessment != nil || rec.Approval != nil {
		t.Errorf("GetIncident: got assessment %v, approval %v; want none", rec.Assessment, rec.Approval)
	}
}

func testSaveDuplicate(t *testing.T, s store.Store) {
	in := newIncident("INC-1", 1, "Order database copied", base)
	mustSave(t, s, in)
	got := mustSave(t, s, in)
	if diff := cmp.Diff(store.SaveResult{Duplicate: true, Current: 1}, got); diff != "" {
		t.Errorf("second SaveIncident (-want +got):\n%s", diff)
	}
	// Different raw bytes with the same content are still the same revision.
	other, err := s.SaveIncident(t.Context(), in, []byte(`{"wrapped":"differently"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !other.Duplicate || other.Conflicting {
		t.Errorf("replay with other raw bytes: got %+v, want duplicate, not conflicting", other)
	}
	revs, err := s.IncidentRevisions(t.Context(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1 {
		t.Errorf("revisions after duplicates: got %d, want 1", len(revs))
	}
	rec, err := s.GetIncident(t.Context(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Revisions != 1 {
		t.Errorf("revision count after duplicates: got %d, want 1", rec.Revisions)
	}
}

func testSaveConflicting(t *testing.T, s store.Store) {
	mustSave(t, s, newIncident("INC-1", 1, "Order database copied", base))
	changed := newIncident("INC-1", 1, "Something else entirely", base)
	got := mustSave(t, s, changed)
	if diff := cmp.Diff(store.SaveResult{Duplicate: true, Conflicting: true, Current: 1}, got); diff != "" {
		t.Errorf("conflicting replay (-want +got):\n%s", diff)
	}
	rec, err := s.GetIncident(t.Context(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Incident.Title != "Order database copied" {
		t.Errorf("title after conflicting replay: got %q, want the first one kept", rec.Incident.Title)
	}
}

func testSaveNewRevision(t *testing.T, s store.Store) {
	mustSave(t, s, newIncident("INC-1", 1, "Order database copied", base))
	in2 := newIncident("INC-1", 2, "Order and account databases copied", base.Add(time.Hour))
	in2.Affected = append(in2.Affected, incident.Affected{System: "accounts", Subjects: []string{"u-17"}})
	got := mustSave(t, s, in2)
	if diff := cmp.Diff(store.SaveResult{Current: 2}, got); diff != "" {
		t.Errorf("new revision (-want +got):\n%s", diff)
	}
	rec, err := s.GetIncident(t.Context(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in2, rec.Incident); diff != "" {
		t.Errorf("current incident (-want +got):\n%s", diff)
	}
	if rec.Revision != 2 || rec.Revisions != 2 {
		t.Errorf("got revision %d of %d, want 2 of 2", rec.Revision, rec.Revisions)
	}
	if rec.LastReceived.Before(rec.FirstReceived) {
		t.Errorf("last received %v is before first received %v", rec.LastReceived, rec.FirstReceived)
	}
	// A jump over missing revisions is fine.
	got = mustSave(t, s, newIncident("INC-1", 5, "Five", base))
	if got.Current != 5 || got.Stale || got.Duplicate {
		t.Errorf("revision 5: got %+v, want current 5", got)
	}
}

func testSaveStale(t *testing.T, s store.Store) {
	mustSave(t, s, newIncident("INC-1", 1, "One", base))
	mustSave(t, s, newIncident("INC-1", 3, "Three", base))
	got := mustSave(t, s, newIncident("INC-1", 2, "Two", base))
	if diff := cmp.Diff(store.SaveResult{Stale: true, Current: 3}, got); diff != "" {
		t.Errorf("late revision (-want +got):\n%s", diff)
	}
	rec, err := s.GetIncident(t.Context(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Revision != 3 || rec.Incident.Title != "Three" || rec.Revisions != 3 {
		t.Errorf("after late revision: got revision %d %q of %d, want 3 \"Three\" of 3", rec.Revision, rec.Incident.Title, rec.Revisions)
	}
	// The late revision replayed is a duplicate, still not current.
	got = mustSave(t, s, newIncident("INC-1", 2, "Two", base))
	if !got.Duplicate || got.Current != 3 {
		t.Errorf("late revision replayed: got %+v, want duplicate with current 3", got)
	}
}

func testRevisionHistory(t *testing.T, s store.Store) {
	ins := []*incident.Incident{
		newIncident("INC-H", 2, "Two", base),
		newIncident("INC-H", 1, "One", base),
		newIncident("INC-H", 3, "Three", base),
	}
	raws := map[int][]byte{}
	for _, in := range ins {
		raw := rawOf(t, in)
		raws[in.Revision] = raw
		if _, err := s.SaveIncident(t.Context(), in, raw); err != nil {
			t.Fatal(err)
		}
	}
	revs, err := s.IncidentRevisions(t.Context(), "INC-H")
	if err != nil {
		t.Fatalf("IncidentRevisions: got error %v, want nil", err)
	}
	var got []string
	for _, r := range revs {
		var in incident.Incident
		if err := json.Unmarshal(r.Doc, &in); err != nil {
			t.Fatalf("revision %d document: %v", r.Revision, err)
		}
		if string(r.Raw) != string(raws[r.Revision]) {
			t.Errorf("revision %d raw: got %q, want %q", r.Revision, r.Raw, raws[r.Revision])
		}
		if r.ReceivedAt.IsZero() || len(r.Digest) != 64 {
			t.Errorf("revision %d: got received %v digest %q, want both set", r.Revision, r.ReceivedAt, r.Digest)
		}
		got = append(got, fmt.Sprintf("%d %s current=%v", r.Revision, in.Title, r.Current))
	}
	want := []string{"1 One current=false", "2 Two current=false", "3 Three current=true"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("revisions (-want +got):\n%s", diff)
	}
}

func testSaveInvalid(t *testing.T, s store.Store) {
	tests := []struct {
		name string
		in   *incident.Incident
	}{
		{"nil", nil},
		{"no id", newIncident("", 1, "x", base)},
		{"bad id", newIncident("a.b", 1, "x", base)},
		{"revision 0", newIncident("INC-1", 0, "x", base)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.SaveIncident(t.Context(), tc.in, nil)
			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func testListPagination(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, next, err := s.ListIncidents(ctx, store.ListOptions{})
	if err != nil || len(got) != 0 || next != "" {
		t.Fatalf("empty list: got %d items, cursor %q, error %v; want none", len(got), next, err)
	}
	// Ties on discovered_at are ordered by id, descending.
	disc := map[string]time.Time{
		"INC-A": base, "INC-B": base.Add(time.Hour), "INC-C": base.Add(time.Hour),
		"INC-D": base.Add(-time.Hour), "INC-E": base.Add(2 * time.Hour), "INC-F": base.Add(time.Hour),
		"INC-G": base.Add(1500 * time.Microsecond),
	}
	for id, d := range disc {
		mustSave(t, s, newIncident(id, 1, "Incident "+id, d))
	}
	// A new revision moves discovery; the list follows the current revision.
	mustSave(t, s, newIncident("INC-D", 2, "Incident INC-D", base.Add(3*time.Hour)))
	want := []string{"INC-D", "INC-E", "INC-F", "INC-C", "INC-B", "INC-G", "INC-A"}
	for _, limit := range []int{1, 2, 3, 7, 100} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			var ids []string
			cursor := ""
			for page := 0; ; page++ {
				if page > 10 {
					t.Fatal("pagination does not end")
				}
				items, next, err := s.ListIncidents(ctx, store.ListOptions{Limit: limit, After: cursor})
				if err != nil {
					t.Fatalf("ListIncidents page %d: %v", page, err)
				}
				if len(items) > limit {
					t.Fatalf("page %d: got %d items, want at most %d", page, len(items), limit)
				}
				for _, it := range items {
					ids = append(ids, it.ID)
					if it.Title != "Incident "+it.ID || it.Status != store.StatusReceived || it.Revision < 1 {
						t.Errorf("summary %s: got %+v", it.ID, it)
					}
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if diff := cmp.Diff(want, ids); diff != "" {
				t.Errorf("ids over all pages (-want +got):\n%s", diff)
			}
		})
	}
	items, _, err := s.ListIncidents(ctx, store.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if items[0].Revision != 2 || items[0].Revisions != 2 || !items[0].DiscoveredAt.Equal(base.Add(3*time.Hour)) {
		t.Errorf("first summary: got revision %d of %d discovered %v, want 2 of 2 discovered %v",
			items[0].Revision, items[0].Revisions, items[0].DiscoveredAt, base.Add(3*time.Hour))
	}
}

func testListInvalidCursor(t *testing.T, s store.Store) {
	for _, c := range []string{"!!!", "bm9wZQ", "MTIzOmEuYg"} {
		_, _, err := s.ListIncidents(t.Context(), store.ListOptions{After: c})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("cursor %q: got %v, want ErrInvalid", c, err)
		}
	}
	if _, _, err := s.ListIncidents(t.Context(), store.ListOptions{Limit: -1}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("limit -1: got %v, want ErrInvalid", err)
	}
}

func testAssessments(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, _, err := s.GetAssessment(ctx, "INC-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAssessment of unknown incident: got %v, want ErrNotFound", err)
	}
	mustSave(t, s, newIncident("INC-1", 1, "One", base))
	if _, _, err := s.GetAssessment(ctx, "INC-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAssessment before assessing: got %v, want ErrNotFound", err)
	}
	sum := store.AssessmentSummary{Risk: "high", Level: "very_high", Subjects: 1200}
	if err := s.SaveAssessment(ctx, "INC-1", 2, base, []byte(`{}`), sum); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SaveAssessment of unknown revision: got %v, want ErrNotFound", err)
	}
	if err := s.SaveAssessment(ctx, "INC-1", 1, base, []byte(`not json`), sum); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("SaveAssessment of non-JSON: got %v, want ErrInvalid", err)
	}
	doc1 := []byte(`{"schema":"breach.assessment/v1","incident":"INC-1","risk":"high"}`)
	if err := s.SaveAssessment(ctx, "INC-1", 1, base.Add(time.Hour), doc1, sum); err != nil {
		t.Fatalf("SaveAssessment: got %v, want nil", err)
	}
	assertAssessment(t, s, "INC-1", doc1, 1)
	rec, err := s.GetIncident(ctx, "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	wantRef := &store.AssessmentRef{Revision: 1, AssessedAt: base.Add(time.Hour), AssessmentSummary: sum}
	if diff := cmp.Diff(wantRef, rec.Assessment); diff != "" || rec.Status != store.StatusAssessed {
		t.Errorf("GetIncident after assessment: status %q, want %q; assessment (-want +got):\n%s", rec.Status, store.StatusAssessed, diff)
	}
	// A re-assessment of the same revision later wins.
	doc1b := []byte(`{"schema":"breach.assessment/v1","incident":"INC-1","risk":"risk"}`)
	if err := s.SaveAssessment(ctx, "INC-1", 1, base.Add(2*time.Hour), doc1b, store.AssessmentSummary{Risk: "risk", Level: "high", Subjects: 1}); err != nil {
		t.Fatal(err)
	}
	assertAssessment(t, s, "INC-1", doc1b, 1)
	// A new revision needs a new assessment.
	mustSave(t, s, newIncident("INC-1", 2, "Two", base))
	if rec, _ := s.GetIncident(ctx, "INC-1"); rec.Status != store.StatusReceived {
		t.Errorf("status after a new revision: got %q, want %q", rec.Status, store.StatusReceived)
	}
	doc2 := []byte(`{"schema":"breach.assessment/v1","incident":"INC-1","revision":2}`)
	if err := s.SaveAssessment(ctx, "INC-1", 2, base.Add(3*time.Hour), doc2, sum); err != nil {
		t.Fatal(err)
	}
	// A late assessment of the older revision does not hide the newer one.
	if err := s.SaveAssessment(ctx, "INC-1", 1, base.Add(4*time.Hour), doc1, sum); err != nil {
		t.Fatal(err)
	}
	assertAssessment(t, s, "INC-1", doc2, 2)
	items, _, err := s.ListIncidents(ctx, store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Assessment == nil || items[0].Assessment.Revision != 2 || items[0].Status != store.StatusAssessed {
		t.Errorf("list after assessments: got %+v, want one assessed item with assessment of revision 2", items)
	}
}

func assertAssessment(t *testing.T, s store.Store, id string, wantDoc []byte, wantRev int) {
	t.Helper()
	doc, rev, err := s.GetAssessment(t.Context(), id)
	if err != nil {
		t.Fatalf("GetAssessment: got %v, want nil", err)
	}
	if string(doc) != string(wantDoc) || rev != wantRev {
		t.Errorf("GetAssessment: got %s (revision %d), want %s (revision %d)", doc, rev, wantDoc, wantRev)
	}
}

func testListUnassessed(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSave(t, s, newIncident("INC-1", 1, "One", base))
	mustSave(t, s, newIncident("INC-2", 1, "Two", base.Add(time.Hour)))
	mustSave(t, s, newIncident("INC-3", 1, "Three", base.Add(-time.Hour)))
	for _, id := range []string{"INC-1", "INC-2"} {
		if err := s.SaveAssessment(ctx, id, 1, base, []byte(`{}`), store.AssessmentSummary{}); err != nil {
			t.Fatal(err)
		}
	}
	mustSave(t, s, newIncident("INC-2", 2, "Two", base.Add(time.Hour)))
	items, err := s.ListUnassessed(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if diff := cmp.Diff([]string{"INC-3", "INC-2"}, ids); diff != "" {
		t.Errorf("unassessed (-want +got):\n%s", diff)
	}
}

func seq(ids ...string) iter.Seq[string] { return slices.Values(ids) }

func collect(t *testing.T, it iter.Seq2[string, error]) []string {
	t.Helper()
	var out []string
	for id, err := range it {
		if err != nil {
			t.Fatalf("iterating: %v", err)
		}
		out = append(out, id)
	}
	return out
}

func testRecordAffected(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, err := s.RecordAffected(ctx, "INC-1", 1, seq("a")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RecordAffected of unknown incident: got %v, want ErrNotFound", err)
	}
	for r := 1; r <= 3; r++ {
		mustSave(t, s, newIncident("INC-1", r, "x", base))
	}
	mustSave(t, s, newIncident("INC-2", 1, "x", base))
	steps := []struct {
		name     string
		revision int
		ids      []string
		want     int
	}{
		{"first revision", 1, []string{"a", "b", "c", "c", "b"}, 3},
		{"second revision adds d and e", 2, []string{"b", "c", "d", "e"}, 2},
		{"second revision recorded again", 2, []string{"b", "c", "d", "e"}, 2},
		{"nobody new", 3, []string{"a", "e"}, 0},
		{"empty", 3, nil, 0},
	}
	for _, st := range steps {
		got, err := s.RecordAffected(ctx, "INC-1", st.revision, seq(st.ids...))
		if err != nil {
			t.Fatalf("%s: got error %v", st.name, err)
		}
		if got != st.want {
			t.Errorf("%s: got %d newly affected, want %d", st.name, got, st.want)
		}
	}
	if diff := cmp.Diff([]string{"d", "e"}, collect(t, s.AffectedSubjects(ctx, "INC-1", 2, true))); diff != "" {
		t.Errorf("newly affected by revision 2 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b", "c", "d", "e"}, collect(t, s.AffectedSubjects(ctx, "INC-1", 2, false))); diff != "" {
		t.Errorf("affected by revision 2 (-want +got):\n%s", diff)
	}
	// Other incidents do not count.
	if got, err := s.RecordAffected(ctx, "INC-2", 1, seq("a", "b")); err != nil || got != 2 {
		t.Errorf("other incident: got %d, %v; want 2, nil", got, err)
	}
	if _, err := s.RecordAffected(ctx, "INC-1", 9, seq("a")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RecordAffected of unknown revision: got %v, want ErrNotFound", err)
	}
}

func testRecordAffectedLarge(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSave(t, s, newIncident("INC-1", 1, "x", base))
	mustSave(t, s, newIncident("INC-1", 2, "x", base))
	ids := func(from, to int) iter.Seq[string] {
		return func(yield func(string) bool) {
			for i := from; i < to; i++ {
				// Every id twice, far apart, so repeats span batches.
				if !yield(fmt.Sprintf("u-%07d", i)) {
					return
				}
			}
			for i := from; i < to; i++ {
				if !yield(fmt.Sprintf("u-%07d", i)) {
					return
				}
			}
		}
	}
	if got, err := s.RecordAffected(ctx, "INC-1", 1, ids(0, 6000)); err != nil || got != 6000 {
		t.Errorf("revision 1: got %d, %v; want 6000, nil", got, err)
	}
	if got, err := s.RecordAffected(ctx, "INC-1", 2, ids(4000, 9001)); err != nil || got != 3001 {
		t.Errorf("revision 2: got %d, %v; want 3001, nil", got, err)
	}
}

// subjectRows yields the given rows and errors through one reused Subject,
// as inventory.DirectoryReader does.
func subjectRows(items []any) iter.Seq2[*inventory.Subject, error] {
	return func(yield func(*inventory.Subject, error) bool) {
		var reused inventory.Subject
		for _, it := range items {
			switch v := it.(type) {
			case inventory.Subject:
				sys := reused.Systems[:0]
				reused = v
				reused.Systems = append(sys, v.Systems...)
				if !yield(&reused, nil) {
					return
				}
			case error:
				if !yield(nil, v) {
					return
				}
			}
		}
	}
}

func person(id string, systems ...string) inventory.Subject {
	return inventory.Subject{ID: id, Name: "Person " + id, Email: id + "@example.com", Locale: "en",
		Country: "DE", Systems: systems}
}

func storedIDs(t *testing.T, s store.Store) []string {
	t.Helper()
	var ids []string
	for sub, err := range s.Subjects(t.Context()) {
		if err != nil {
			t.Fatalf("Subjects: %v", err)
		}
		ids = append(ids, sub.ID)
	}
	return ids
}

func testImportReplace(t *testing.T, s store.Store) {
	ctx := t.Context()
	full := inventory.Subject{ID: "u-1", Name: "Ana Example", Email: "ana@example.com", Phone: "+4915550000001",
		Locale: "de-DE", Country: "DE", Region: "BY", Minor: true, GuardianEmail: "guardian@example.com",
		GuardianPhone: "+4915550000002", PostalAddress: "Beispielweg 1, 80331 München",
		Systems: []string{"orders-db", "accounts"},
		Devices: []inventory.Device{{Platform: "webpush", Token: "", Subscription: json.RawMessage(`{"endpoint":"https://push.example/x"}`)},
			{Platform: "fcm", Token: "tok-1"}}}
	var progress [][2]int
	res, err := s.ImportSubjects(ctx, subjectRows([]any{full, person("u-2", "orders-db"), person("u-3", "accounts")}),
		store.ImportOptions{Progress: func(taken, rejected int) { progress = append(progress, [2]int{taken, rejected}) }})
	if err != nil {
		t.Fatalf("ImportSubjects: got %v, want nil", err)
	}
	if diff := cmp.Diff(store.ImportResult{Taken: 3}, res); diff != "" {
		t.Errorf("first import (-want +got):\n%s", diff)
	}
	if len(progress) == 0 || progress[len(progress)-1] != [2]int{3, 0} {
		t.Errorf("progress: got %v, want it to end with [3 0]", progress)
	}
	got, err := s.GetSubject(ctx, "u-1")
	if err != nil {
		t.Fatalf("GetSubject: %v", err)
	}
	if diff := cmp.Diff(&full, got); diff != "" {
		t.Errorf("stored subject (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"u-1", "u-2", "u-3"}, storedIDs(t, s)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
	p3, err := s.GetSubject(ctx, "u-3")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"accounts"}, p3.Systems); diff != "" {
		t.Errorf("systems of u-3, read through a reused Subject (-want +got):\n%s", diff)
	}
	// A second import replaces the directory.
	res, err = s.ImportSubjects(ctx, subjectRows([]any{person("u-9", "accounts"), person("u-2", "accounts")}), store.ImportOptions{})
	if err != nil || res.Taken != 2 {
		t.Fatalf("second import: got %+v, %v; want 2 taken", res, err)
	}
	if n, err := s.CountSubjects(ctx); err != nil || n != 2 {
		t.Errorf("CountSubjects: got %d, %v; want 2", n, err)
	}
	if _, err := s.GetSubject(ctx, "u-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSubject of a replaced row: got %v, want ErrNotFound", err)
	}
	if p, err := s.GetSubject(ctx, "u-2"); err != nil || !slices.Equal(p.Systems, []string{"accounts"}) {
		t.Errorf("u-2 after replace: got %+v, %v; want systems [accounts]", p, err)
	}
}

func testImportRejected(t *testing.T, s store.Store) {
	ctx := t.Context()
	var items []any
	wantIDs := []string{}
	for i := range 1200 {
		id := fmt.Sprintf("u-%05d", i)
		switch {
		case i%100 == 7:
			items = append(items, &inventory.RowError{File: "subjects.csv", Line: i + 2, ID: id, Reason: "unknown system \"x\""})
			continue
		case i == 900 || i == 1100:
			// Repeats of rows in an earlier batch and in the same batch.
			items = append(items, person(fmt.Sprintf("u-%05d", 10), "a"), person(fmt.Sprintf("u-%05d", i-1), "a"))
		}
		items = append(items, person(id, "a"))
		wantIDs = append(wantIDs, id)
	}
	res, err := s.ImportSubjects(ctx, subjectRows(items), store.ImportOptions{})
	if err != nil {
		t.Fatalf("ImportSubjects: got %v, want nil", err)
	}
	if res.Taken != len(wantIDs) || res.Rejected != 12+4 {
		t.Errorf("got taken %d, rejected %d; want %d, %d", res.Taken, res.Rejected, len(wantIDs), 16)
	}
	if len(res.Errors) != res.Rejected {
		t.Fatalf("got %d reasons, want %d", len(res.Errors), res.Rejected)
	}
	if !strings.Contains(res.Errors[0], "subjects.csv:9") || !strings.Contains(res.Errors[0], `unknown system "x"`) {
		t.Errorf("first reason: got %q, want the row error's line and reason", res.Errors[0])
	}
	var dups int
	for _, e := range res.Errors {
		if strings.Contains(e, "repeats an earlier row") {
			dups++
		}
	}
	if dups != 4 {
		t.Errorf("got %d repeated-id reasons, want 4: %q", dups, res.Errors)
	}
	if n, err := s.CountSubjects(ctx); err != nil || n != len(wantIDs) {
		t.Errorf("CountSubjects: got %d, %v; want %d", n, err, len(wantIDs))
	}
	sort.Strings(wantIDs)
	if diff := cmp.Diff(wantIDs, storedIDs(t, s)); diff != "" {
		t.Errorf("stored ids (-want +got):\n%s", diff)
	}
}

func testImportFailFast(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, err := s.ImportSubjects(ctx, subjectRows([]any{person("old-1", "a"), person("old-2", "a")}), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var items []any
	for i := range 700 {
		items = append(items, person(fmt.Sprintf("u-%d", i), "a"))
	}
	bad := &inventory.RowError{File: "subjects.csv", Line: 703, ID: "u-bad", Reason: "country \"Germany\" is not a 2-letter code"}
	items = append(items, bad, person("u-after", "a"))
	res, err := s.ImportSubjects(ctx, subjectRows(items), store.ImportOptions{FailFast: true})
	var re *inventory.RowError
	if !errors.As(err, &re) || re.Line != 703 {
		t.Fatalf("fail-fast import: got error %v, want the *inventory.RowError of line 703", err)
	}
	if res.Rejected != 1 {
		t.Errorf("fail-fast result: got %+v, want 1 rejected", res)
	}
	if diff := cmp.Diff([]string{"old-1", "old-2"}, storedIDs(t, s)); diff != "" {
		t.Errorf("directory after a failed import must be unchanged (-want +got):\n%s", diff)
	}
	// A repeated id stops a fail-fast import too.
	_, err = s.ImportSubjects(ctx, subjectRows([]any{person("x", "a"), person("x", "a")}), store.ImportOptions{FailFast: true})
	var de *store.DuplicateError
	if !errors.As(err, &de) || de.Row != 2 || de.ID != "x" {
		t.Errorf("fail-fast on repeated id: got %v, want a *store.DuplicateError for row 2", err)
	}
	if n, _ := s.CountSubjects(ctx); n != 2 {
		t.Errorf("CountSubjects after failed imports: got %d, want 2", n)
	}
}

func testImportReadError(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, err := s.ImportSubjects(ctx, subjectRows([]any{person("old-1", "a")}), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ioErr := errors.New("disk on fire")
	_, err := s.ImportSubjects(ctx, subjectRows([]any{person("u-1", "a"), ioErr, person("u-2", "a")}), store.ImportOptions{})
	if !errors.Is(err, ioErr) {
		t.Errorf("import with a read error: got %v, want it to wrap the read error", err)
	}
	if diff := cmp.Diff([]string{"old-1"}, storedIDs(t, s)); diff != "" {
		t.Errorf("directory after an aborted import must be unchanged (-want +got):\n%s", diff)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.ImportSubjects(cctx, subjectRows([]any{person("u-1", "a")}), store.ImportOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("import with a cancelled context: got %v, want context.Canceled", err)
	}
}

func testImportErrorsCapped(t *testing.T, s store.Store) {
	var items []any
	for i := range 250 {
		items = append(items, &inventory.RowError{File: "subjects.csv", Line: i + 2, ID: fmt.Sprint(i), Reason: "bad"}, person(fmt.Sprint("ok-", i), "a"))
	}
	res, err := s.ImportSubjects(t.Context(), subjectRows(items), store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Taken != 250 || res.Rejected != 250 || len(res.Errors) != store.MaxImportErrors {
		t.Errorf("got taken %d, rejected %d, %d reasons; want 250, 250, %d", res.Taken, res.Rejected, len(res.Errors), store.MaxImportErrors)
	}
}

func testApprovals(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := base.Add(5 * time.Hour)
	if err := s.SetApproval(ctx, "INC-1", "dpo", at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("approving an unknown incident: got %v, want ErrNotFound", err)
	}
	mustSave(t, s, newIncident("INC-1", 1, "One", base))
	if err := s.SetApproval(ctx, "INC-1", "dpo", at); !errors.Is(err, store.ErrConflict) {
		t.Errorf("approving before assessment: got %v, want ErrConflict", err)
	}
	if err := s.SaveAssessment(ctx, "INC-1", 1, base, []byte(`{}`), store.AssessmentSummary{Risk: "high"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetApproval(ctx, "INC-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetApproval before approval: got %v, want ErrNotFound", err)
	}
	if err := s.SetApproval(ctx, "INC-1", "", at); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("approval without approver: got %v, want ErrInvalid", err)
	}
	if err := s.SetApproval(ctx, "INC-1", "dpo", at); err != nil {
		t.Fatalf("SetApproval: got %v, want nil", err)
	}
	want := store.Approval{IncidentID: "INC-1", Revision: 1, By: "dpo", At: at}
	got, err := s.GetApproval(ctx, "INC-1")
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("GetApproval: error %v, (-want +got):\n%s", err, diff)
	}
	if err := s.SetApproval(ctx, "INC-1", "dpo", at.Add(time.Hour)); err != nil {
		t.Errorf("same approver again: got %v, want nil", err)
	}
	if got, _ := s.GetApproval(ctx, "INC-1"); !got.At.Equal(at) {
		t.Errorf("approval time after repeat: got %v, want the first %v", got.At, at)
	}
	if err := s.SetApproval(ctx, "INC-1", "ciso", at); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second approver: got %v, want ErrConflict", err)
	}
	rec, err := s.GetIncident(ctx, "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != store.StatusApproved || rec.Approval == nil || *rec.Approval != want {
		t.Errorf("GetIncident after approval: got status %q approval %+v, want %q %+v", rec.Status, rec.Approval, store.StatusApproved, want)
	}
	// A new revision needs assessing and approving again.
	mustSave(t, s, newIncident("INC-1", 2, "Two", base))
	if rec, _ := s.GetIncident(ctx, "INC-1"); rec.Status != store.StatusReceived {
		t.Errorf("status after new revision: got %q, want %q", rec.Status, store.StatusReceived)
	}
	if err := s.SaveAssessment(ctx, "INC-1", 2, base, []byte(`{}`), store.AssessmentSummary{}); err != nil {
		t.Fatal(err)
	}
	if rec, _ := s.GetIncident(ctx, "INC-1"); rec.Status != store.StatusAssessed {
		t.Errorf("status after re-assessment: got %q, want %q", rec.Status, store.StatusAssessed)
	}
	if err := s.SetApproval(ctx, "INC-1", "ciso", at); err != nil {
		t.Errorf("approving revision 2: got %v, want nil", err)
	}
	if got, _ := s.GetApproval(ctx, "INC-1"); got.Revision != 2 || got.By != "ciso" {
		t.Errorf("GetApproval: got %+v, want revision 2 by ciso", got)
	}
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	checks := []struct {
		name string
		call func() error
	}{
		{"GetIncident", func() error { _, err := s.GetIncident(ctx, "INC-none"); return err }},
		{"IncidentRevisions", func() error { _, err := s.IncidentRevisions(ctx, "INC-none"); return err }},
		{"GetAssessment", func() error { _, _, err := s.GetAssessment(ctx, "INC-none"); return err }},
		{"SaveAssessment", func() error {
			return s.SaveAssessment(ctx, "INC-none", 1, base, []byte(`{}`), store.AssessmentSummary{})
		}},
		{"GetApproval", func() error { _, err := s.GetApproval(ctx, "INC-none"); return err }},
		{"SetApproval", func() error { return s.SetApproval(ctx, "INC-none", "dpo", base) }},
		{"GetSubject", func() error { _, err := s.GetSubject(ctx, "u-none"); return err }},
		{"RecordAffected", func() error { _, err := s.RecordAffected(ctx, "INC-none", 1, seq("a")); return err }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		})
	}
	if n, err := s.CountSubjects(ctx); err != nil || n != 0 {
		t.Errorf("CountSubjects of an empty store: got %d, %v; want 0, nil", n, err)
	}
}

func testConcurrentSave(t *testing.T, s store.Store) {
	const workers, perWorker = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	results := make(chan store.SaveResult, workers*perWorker)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				// Everyone saves the same shared revisions and some of their own.
				in := newIncident("INC-shared", i%5+1, "Shared", base)
				if i%2 == 1 {
					in = newIncident(fmt.Sprintf("INC-w%d-%d", w, i), 1, "Own", base.Add(time.Duration(i)*time.Minute))
				}
				res, err := s.SaveIncident(context.Background(), in, nil)
				if err != nil {
					errs <- err
					continue
				}
				results <- res
			}
		})
	}
	wg.Wait()
	close(errs)
	close(results)
	for err := range errs {
		t.Errorf("concurrent SaveIncident: %v", err)
	}
	created := 0
	for r := range results {
		if r.Created {
			created++
		}
	}
	// One shared incident plus 12 own per worker.
	if want := 1 + workers*(perWorker/2); created != want {
		t.Errorf("created incidents: got %d, want %d", created, want)
	}
	rec, err := s.GetIncident(t.Context(), "INC-shared")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Revision != 5 || rec.Revisions != 5 {
		t.Errorf("shared incident: got revision %d of %d, want 5 of 5", rec.Revision, rec.Revisions)
	}
}
