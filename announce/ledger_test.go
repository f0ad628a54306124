package announce_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/announce/announcetest"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/verify"
)

// Every planned notice's code is checkable, whether a separate index
// writes the entries or the store's ledger writes them with the notices.
func TestIndexingLedgerMakesPlannedCodesCheckable(t *testing.T) {
	for _, separate := range []bool{true, false} {
		t.Run(fmt.Sprintf("separate_index=%t", separate), func(t *testing.T) { testPlannedCodesCheckable(t, separate) })
	}
}

func testPlannedCodesCheckable(t *testing.T, separate bool) {
	st := openStore(t)
	l := announce.IndexingLedger{Ledger: st.Ledger(), Secret: announcetest.Secret}
	if separate {
		l.Index = st
	}
	planned := notify.NewJob("INC-9", 1, 1, "u-1", notify.Route{Channel: notify.ChannelLetter, To: "x"}, nil).Entry()
	marker := notify.NewJob("INC-9", 1, 1, "u-2", notify.Route{Channel: notify.ChannelNone}, nil).Entry()
	if _, n, err := l.Plan(t.Context(), []notify.Entry{planned, marker}); err != nil || n != 2 {
		t.Fatalf("Plan: got %d new, %v; want 2, nil", n, err)
	}
	lookup, check, ok := announce.VerifyKeys(announcetest.Secret, "INC-9", verify.Code(announcetest.Secret, planned.Key))
	e, err := st.LookupVerify(t.Context(), lookup)
	if err != nil || !ok || !e.Matches(check) || e.Channel != "letter" {
		t.Errorf("code of the planned letter: got %+v, %v; want its entry", e, err)
	}
	lookup, _, _ = announce.VerifyKeys(announcetest.Secret, "INC-9", verify.Code(announcetest.Secret, marker.Key))
	if e, err := st.LookupVerify(t.Context(), lookup); err != nil || e != nil {
		t.Errorf("unreachable marker: got %+v, %v; want no entry", e, err)
	}
}

// Indexing keeps a ledger's one-step claim, and indexes what is planned
// through it.
func TestIndexingKeepsTheClaim(t *testing.T) {
	st := openStore(t)
	l := announce.Indexing(st.Ledger(), announcetest.Secret)
	if _, ok := l.(notify.Claimer); !ok {
		t.Fatalf("Indexing(the store's ledger) is a %T, not a notify.Claimer", l)
	}
	if _, ok := announce.Indexing(plainLedger{st.Ledger()}, announcetest.Secret).(notify.Claimer); ok {
		t.Error("Indexing of a ledger that cannot claim claims")
	}
	next := notify.NewJob("INC-8", 1, 1, "u-1", notify.Route{Channel: notify.ChannelSMS, To: "+4915550000001"}, nil)
	if _, n, err := l.Plan(t.Context(), []notify.Entry{next.Entry()}); err != nil || n != 1 {
		t.Fatalf("Plan: got %d new, %v", n, err)
	}
	lookup, check, _ := announce.VerifyKeys(announcetest.Secret, "INC-8", verify.Code(announcetest.Secret, next.Key))
	if e, err := st.LookupVerify(t.Context(), lookup); err != nil || e == nil || !e.Matches(check) {
		t.Errorf("code of a notice planned through Indexing: got %+v, %v; want its entry", e, err)
	}
	if _, accepted, proceed, err := l.(notify.Claimer).Claim(t.Context(), next.Key, notify.ChannelSMS, time.Now()); err != nil || !accepted || !proceed {
		t.Errorf("Claim through Indexing: accepted %t, proceed %t, %v", accepted, proceed, err)
	}
}

// plainLedger hides every method of a ledger but notify.Ledger's.
type plainLedger struct{ notify.Ledger }

func TestAddressIndexerBatches(t *testing.T) {
	st := openStore(t)
	x := &announce.AddressIndexer{Index: st, Secret: announcetest.Secret, IncidentID: "INC-9"}
	for i := range 2500 {
		if err := x.Add(t.Context(), fmt.Sprintf("u-%d", i), fmt.Sprintf("p%d@example.org", i), "", "not a phone"); err != nil {
			t.Fatal(err)
		}
	}
	if x.Added() != 2000 {
		t.Errorf("before Flush: got %d written, want 2000 (two full batches)", x.Added())
	}
	if err := x.Flush(t.Context()); err != nil || x.Added() != 2500 {
		t.Fatalf("Flush: %v, %d written, want 2500", err, x.Added())
	}
	l, _ := announce.AddressLookup(announcetest.Secret, "P2499@example.org")
	if got, err := st.LookupAffected(t.Context(), l); err != nil || len(got) != 1 || got[0].SubjectID != "u-2499" {
		t.Errorf("lookup of the last person: got %+v, %v", got, err)
	}
}

// Without an index, a ledger that cannot index is refused: a planned
// notice whose code the public site could not check is never planned.
func TestIndexingLedgerWithoutIndexNeedsAnIndexingLedger(t *testing.T) {
	l := announce.IndexingLedger{Ledger: notify.NewMemoryLedger(), Secret: announcetest.Secret}
	e := notify.NewJob("INC-9", 1, 1, "u-1", notify.Route{Channel: notify.ChannelEmail, To: "x"}, nil).Entry()
	if _, _, err := l.Plan(t.Context(), []notify.Entry{e}); err == nil {
		t.Fatal("Plan without an index on a memory ledger: got nil, want an error")
	}
	if got, _ := l.Get(t.Context(), e.Key); got.Key != "" {
		t.Errorf("the notice was planned without its code indexed: %+v", got)
	}
}

// captureIndex keeps the verification entries written to it.
type captureIndex struct{ got []announce.VerifyEntry }

func (c *captureIndex) AddVerifyEntries(_ context.Context, entries []announce.VerifyEntry) error {
	c.got = append(c.got, entries...)
	return nil
}

// The ledger derives the index key once per batch; every entry must still
// be the row NewVerifyEntry makes, for a batch mixing incidents and
// references that need normalizing.
func TestIndexingLedgerEntriesMatchNewVerifyEntry(t *testing.T) {
	st := openStore(t)
	idx := &captureIndex{}
	l := announce.IndexingLedger{Ledger: st.Ledger(), Index: idx, Secret: announcetest.Secret}
	var entries []notify.Entry
	for i, id := range []string{"INC-9", "INC-9", " inc-10 ", "INC-9", "INC-11", "INC-11"} {
		ch := []notify.Channel{notify.ChannelEmail, notify.ChannelSMS, notify.ChannelLetter}[i%3]
		entries = append(entries, notify.NewJob(id, 1, 1, fmt.Sprintf("u-%d", i), notify.Route{Channel: ch, To: "x"}, nil).Entry())
	}
	entries = append(entries, notify.NewJob("INC-9", 1, 1, "u-none", notify.Route{Channel: notify.ChannelNone}, nil).Entry())
	if _, _, err := l.Plan(t.Context(), entries); err != nil {
		t.Fatal(err)
	}
	if len(idx.got) != len(entries)-1 {
		t.Fatalf("got %d index rows, want %d", len(idx.got), len(entries)-1)
	}
	for i, got := range idx.got {
		e := entries[i]
		want := announce.NewVerifyEntry(announcetest.Secret, e.IncidentID, string(e.Channel), e.Key)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("entry %d (%s): got %+v, want %+v", i, e.IncidentID, got, want)
		}
	}
}
