package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

// The public cases check store.Public: announcement versions, the
// verification index, the affected-address index and re-send counts. They
// share one store, each on incidents of its own.

func testPublic(t *testing.T, s store.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"AnnouncementVersions", testAnnouncementVersions},
		{"AnnouncementLists", testAnnouncementLists},
		{"VerifyIndex", testVerifyIndex},
		{"VerifyIndexMany", testVerifyIndexMany},
		{"PlanIndexed", testPlanIndexed},
		{"AffectedAddresses", testAffectedAddresses},
		{"TakeResend", testTakeResend},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, s) })
	}
}

func sampleContent(ref string) *announce.Content {
	return &announce.Content{Reference: ref, Title: "Order database copied", DiscoveredAt: base,
		Org:           announce.Org{Name: "Seestar Store", ContactEmail: "privacy@store.example"},
		Jurisdictions: []string{"EU-GDPR", "US-CA"},
		Texts: []announce.Text{{Locale: "en", Sections: []announce.Section{{Heading: "What happened",
			Blocks: []announce.Block{{Text: "An intruder copied it."}, {Items: []string{"a", "b"}}, {Text: "x\ny", Pre: true}}}}},
			{Locale: "de", Variant: "US-CA", Sections: []announce.Section{{Heading: "Was ist passiert"}}}}}
}

func testAnnouncementVersions(t *testing.T, s store.Store) {
	ctx := t.Context()
	if got, err := s.AnnouncementVersions(ctx, "INC-P1"); err != nil || len(got) != 0 {
		t.Fatalf("versions of an unannounced incident: got %v, %v; want none, nil", got, err)
	}
	want := []announce.Version{
		{IncidentID: "INC-P1", Version: 1, Kind: announce.KindPublish, PublishedAt: base, Approver: "Jane", Content: sampleContent("INC-P1")},
		{IncidentID: "INC-P1", Version: 2, Kind: announce.KindCorrection, PublishedAt: base.Add(time.Hour), Approver: "Jane", Note: "date fixed", Content: sampleContent("INC-P1")},
		{IncidentID: "INC-P1", Version: 3, Kind: announce.KindWithdrawal, PublishedAt: base.Add(2 * time.Hour), Approver: "Ann", Note: "published in error"},
	}
	for _, v := range want {
		if err := s.AddAnnouncementVersion(ctx, v); err != nil {
			t.Fatalf("AddAnnouncementVersion(%d): got %v, want nil", v.Version, err)
		}
	}
	dup := want[1]
	dup.Approver = "Mallory"
	err := s.AddAnnouncementVersion(ctx, dup)
	if !errors.Is(err, store.ErrConflict) || !errors.Is(err, announce.ErrConflict) {
		t.Errorf("a version number taken: got %v, want an error matching store.ErrConflict and announce.ErrConflict", err)
	}
	got, err := s.AnnouncementVersions(ctx, "INC-P1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	for name, v := range map[string]announce.Version{
		"bad id":       {IncidentID: "bad id!", Version: 1, Kind: announce.KindPublish},
		"version 0":    {IncidentID: "INC-P1", Version: 0, Kind: announce.KindPublish},
		"unknown kind": {IncidentID: "INC-P1", Version: 9, Kind: "retract"},
	} {
		if err := s.AddAnnouncementVersion(ctx, v); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
}

func testAnnouncementLists(t *testing.T, s store.Store) {
	ctx := t.Context()
	add := func(id string, version int, at time.Time) {
		t.Helper()
		v := announce.Version{IncidentID: id, Version: version, Kind: announce.KindUpdate, PublishedAt: at, Approver: "Jane", Content: sampleContent(id)}
		if version == 1 {
			v.Kind = announce.KindPublish
		}
		if err := s.AddAnnouncementVersion(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	later := base.AddDate(1, 0, 0) // after every other case's versions
	add("INC-L-A", 1, later)
	add("INC-L-B", 1, later.Add(time.Hour))
	add("INC-L-A", 2, later.Add(2*time.Hour))
	ids, err := s.AnnouncedIncidents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return id != "INC-L-A" && id != "INC-L-B" })
	if diff := cmp.Diff([]string{"INC-L-A", "INC-L-B"}, ids); diff != "" {
		t.Errorf("announced incidents, most recently changed first (-want +got):\n%s", diff)
	}
	recent, err := s.RecentAnnouncementVersions(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range recent {
		got = append(got, v.IncidentID+"/"+string(v.Kind))
	}
	if diff := cmp.Diff([]string{"INC-L-A/update", "INC-L-B/publish"}, got); diff != "" {
		t.Errorf("two most recent versions (-want +got):\n%s", diff)
	}
	if _, err := s.RecentAnnouncementVersions(ctx, 0); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("limit 0: got %v, want ErrInvalid", err)
	}
}

func testVerifyIndex(t *testing.T, s store.Store) {
	ctx := t.Context()
	secret := bytes.Repeat([]byte{7}, 32)
	sent := notice("INC-V1", "u-1", notify.ChannelEmail, 1)
	planned := notice("INC-V1", "u-2", notify.ChannelLetter, 1)
	mustPlan(t, s.Ledger(), sent, planned)
	at := base.Add(time.Minute)
	if _, ok, err := s.Ledger().Begin(ctx, sent.Key, at); err != nil || !ok {
		t.Fatalf("Begin: %v %v", ok, err)
	}
	if err := s.Ledger().Finish(ctx, sent.Key, notify.Outcome{State: notify.StateSent, At: at.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	entries := []announce.VerifyEntry{
		announce.NewVerifyEntry(secret, "INC-V1", "email", sent.Key),
		announce.NewVerifyEntry(secret, "INC-V1", "letter", planned.Key),
	}
	if err := s.AddVerifyEntries(ctx, entries); err != nil {
		t.Fatalf("AddVerifyEntries: %v", err)
	}
	if err := s.AddVerifyEntries(ctx, entries[:1]); err != nil {
		t.Fatalf("AddVerifyEntries again: got %v, want nil (kept as it was)", err)
	}
	got, err := s.LookupVerify(ctx, entries[0].Lookup)
	if err != nil || got == nil {
		t.Fatalf("LookupVerify of a sent notice: got %v, %v; want its entry", got, err)
	}
	want := entries[0]
	want.SentAt = at.Add(time.Second)
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("entry of a sent notice (-want +got):\n%s", diff)
	}
	got, err = s.LookupVerify(ctx, entries[1].Lookup)
	if err != nil || got == nil || !got.SentAt.IsZero() || got.Channel != "letter" {
		t.Errorf("LookupVerify of a notice not sent yet: got %+v, %v; want the letter entry without SentAt", got, err)
	}
	if got, err := s.LookupVerify(ctx, make([]byte, announce.LookupBytes)); err != nil || got != nil {
		t.Errorf("LookupVerify of an unknown lookup: got %v, %v; want nil, nil", got, err)
	}
	bad := entries[0]
	bad.Check = []byte{1}
	if err := s.AddVerifyEntries(ctx, []announce.VerifyEntry{bad}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("short check value: got %v, want ErrInvalid", err)
	}
}

// testVerifyIndexMany: entries are written several hundred to a
// statement; a call with more than fit in two statements, holding lookups
// already indexed and a new lookup twice, keeps every lookup once with
// its first entry.
func testVerifyIndexMany(t *testing.T, s store.Store) {
	ctx := t.Context()
	secret := bytes.Repeat([]byte{8}, 32)
	var entries []announce.VerifyEntry
	for i := range 1203 {
		entries = append(entries, announce.NewVerifyEntry(secret, "INC-V2", "email", fmt.Sprintf("notice/INC-V2/u-%d/email/v1", i)))
	}
	if err := s.AddVerifyEntries(ctx, entries[:10]); err != nil {
		t.Fatalf("AddVerifyEntries: %v", err)
	}
	again := entries[7]
	again.Channel = "sms" // the same lookup again: the indexed entry stays
	twice := entries[1100]
	twice.Channel = "letter" // a new lookup twice in one call: the first stays
	if err := s.AddVerifyEntries(ctx, append(append([]announce.VerifyEntry{}, entries...), again, twice)); err != nil {
		t.Fatalf("AddVerifyEntries of %d: %v", len(entries)+1, err)
	}
	for i, e := range entries {
		got, err := s.LookupVerify(ctx, e.Lookup)
		if err != nil || got == nil || got.NoticeKey != e.NoticeKey || got.Channel != "email" {
			t.Fatalf("entry %d: got %+v, %v; want its own, on email", i, got, err)
		}
	}
}

func testAffectedAddresses(t *testing.T, s store.Store) {
	ctx := t.Context()
	secret := bytes.Repeat([]byte{9}, 32)
	var entries []announce.AddressEntry
	entries = append(entries, announce.AddressEntries(secret, "INC-A1", "u-1", "Jane@Example.org", "+44 20 7946 0000", "")...)
	entries = append(entries, announce.AddressEntries(secret, "INC-A2", "u-1", "jane@example.org")...)
	entries = append(entries, announce.AddressEntries(secret, "INC-A1", "u-1", "jane@example.org")...)
	if err := s.AddAffectedAddresses(ctx, entries); err != nil {
		t.Fatalf("AddAffectedAddresses: %v", err)
	}
	l, err := announce.AddressLookup(secret, "  JANE@example.ORG ")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LookupAffected(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	want := []announce.AddressEntry{{Lookup: l, IncidentID: "INC-A1", SubjectID: "u-1"}, {Lookup: l, IncidentID: "INC-A2", SubjectID: "u-1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lookup of an address in two incidents (-want +got):\n%s", diff)
	}
	phone, _ := announce.AddressLookup(secret, "0044 (20) 7946-0000")
	if got, err := s.LookupAffected(ctx, phone); err != nil || len(got) != 1 {
		t.Errorf("lookup of the phone typed differently: got %v, %v; want one entry", got, err)
	}
	other, _ := announce.AddressLookup(secret, "someone@example.org")
	if got, err := s.LookupAffected(ctx, other); err != nil || len(got) != 0 {
		t.Errorf("lookup of an unaffected address: got %v, %v; want none", got, err)
	}
}

func testTakeResend(t *testing.T, s store.Store) {
	ctx := t.Context()
	l := bytes.Repeat([]byte{3}, announce.LookupBytes)
	var got []bool
	for _, day := range []string{"2026-11-20", "2026-11-20", "2026-11-20", "2026-11-21"} {
		ok, err := s.TakeResend(ctx, l, day, 2)
		if err != nil {
			t.Fatalf("TakeResend(%s): %v", day, err)
		}
		got = append(got, ok)
	}
	if diff := cmp.Diff([]bool{true, true, false, true}, got); diff != "" {
		t.Errorf("re-sends allowed with a limit of 2 a day (-want +got):\n%s", diff)
	}
	if ok, err := s.TakeResend(ctx, l, "2026-11-22", 0); err != nil || ok {
		t.Errorf("limit 0: got %v, %v; want false, nil", ok, err)
	}
	if _, err := s.TakeResend(ctx, l, "tomorrow", 2); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad day: got %v, want ErrInvalid", err)
	}
}

// testPlanIndexed: the store's ledger plans notices and their
// verification entries in one transaction: both are there after it, and
// neither when the entries are refused.
func testPlanIndexed(t *testing.T, s store.Store) {
	ctx := t.Context()
	secret := bytes.Repeat([]byte{9}, 32)
	p, ok := s.Ledger().(announce.IndexedPlanner)
	if !ok {
		t.Fatalf("the store's ledger (%T) is not an announce.IndexedPlanner", s.Ledger())
	}
	var entries []notify.Entry
	var idx []announce.VerifyEntry
	for i := range 40 {
		e := notice("INC-PI1", fmt.Sprintf("u-%d", i), notify.ChannelEmail, 1)
		entries = append(entries, e)
		idx = append(idx, announce.NewVerifyEntry(secret, e.IncidentID, string(e.Channel), e.Key))
	}
	open, n, err := p.PlanIndexed(ctx, entries, idx)
	if err != nil || n != len(entries) || len(open) != len(entries) || !open[0] {
		t.Fatalf("PlanIndexed: got %d new, %d open flags, %v; want %d of each, nil", n, len(open), err, len(entries))
	}
	for i, e := range idx {
		got, err := s.LookupVerify(ctx, e.Lookup)
		if err != nil || got == nil || got.NoticeKey != entries[i].Key {
			t.Fatalf("entry %d: got %+v, %v; want the entry of %s", i, got, err, entries[i].Key)
		}
	}
	// Again: nothing new, nothing refused.
	if _, n, err := p.PlanIndexed(ctx, entries, idx); err != nil || n != 0 {
		t.Errorf("PlanIndexed again: got %d new, %v; want 0, nil", n, err)
	}

	// A refused entry: neither the notices nor the other entries are kept.
	fresh := notice("INC-PI2", "u-1", notify.ChannelEmail, 1)
	good := announce.NewVerifyEntry(secret, fresh.IncidentID, string(fresh.Channel), fresh.Key)
	bad := good
	bad.Lookup = bad.Lookup[:3]
	if _, _, err := p.PlanIndexed(ctx, []notify.Entry{fresh}, []announce.VerifyEntry{good, bad}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("PlanIndexed with a short lookup: got %v, want ErrInvalid", err)
	}
	if _, err := s.Ledger().Get(ctx, fresh.Key); !errors.Is(err, notify.ErrUnknownNotice) {
		t.Errorf("the notice of a refused batch: got %v, want it not planned", err)
	}
	if got, err := s.LookupVerify(ctx, good.Lookup); err != nil || got != nil {
		t.Errorf("the good entry of a refused batch: got %+v, %v; want none", got, err)
	}
	// A notice the ledger refuses inside the transaction (a time it
	// cannot store), after the entries were inserted: they go too.
	unstorable := fresh
	unstorable.CreatedAt = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, _, err := p.PlanIndexed(ctx, []notify.Entry{unstorable}, []announce.VerifyEntry{good}); err == nil {
		t.Error("PlanIndexed with a notice of year 1000: got nil, want an error")
	}
	if got, err := s.LookupVerify(ctx, good.Lookup); err != nil || got != nil {
		t.Errorf("the entry of a batch the ledger refused: got %+v, %v; want none (rolled back)", got, err)
	}
}
