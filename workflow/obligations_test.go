package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
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

// californiaBreach stores an incident that exposes the names and card
// numbers of 600 Californians and 3 Texans, with its assessment.
func californiaBreach(t *testing.T, st store.Store) (*inventory.Inventory, *incident.Incident, *assess.Assessment) {
	t.Helper()
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n")
	for i := range 603 {
		region := "CA"
		if i >= 600 {
			region = "TX"
		}
		fmt.Fprintf(&csv, "p%03d,Person %d,p%03d@mail.example,,en-US,US,%s,false,,,,shop\n", i, i, i, region)
	}
	yaml := "schema: breach.inventory/v1\norganization:\n  name: Shop\n  establishment: US\n  contact: { name: Privacy, email: privacy@shop.example }\n" +
		"systems:\n  - { id: shop, name: Shop, categories: [name, email, payment_card] }\nsubjects: subjects.csv\n"
	for name, content := range map[string]string{"inventory.yaml": yaml, "subjects.csv": csv.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	in := &incident.Incident{Schema: incident.Schema, ID: "INC-CA", Revision: 1, Title: "Card numbers copied",
		Description: "An intruder copied names and card numbers.", Cause: incident.CauseExfiltration, Malicious: true,
		DiscoveredAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Effects:      incident.Effects{Confidentiality: incident.ConfidentialityUnknownRecipients, Integrity: incident.IntegrityNone, Availability: incident.AvailabilityNone},
		Affected:     []incident.Affected{{System: "shop"}}}
	doc, _, err := store.EncodeIncident(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveIncident(t.Context(), in, doc); err != nil {
		t.Fatal(err)
	}
	a, err := assess.Assess(t.Context(), inv, in, in.DiscoveredAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(a)
	if err := st.SaveAssessment(t.Context(), in.ID, 1, a.AssessedAt, raw, store.AssessmentSummary{Risk: string(a.Risk)}); err != nil {
		t.Fatal(err)
	}
	return inv, in, a
}

// californiaSynced stores californiaBreach and syncs its obligations an
// hour after discovery; it returns them, that hour and the key of the
// Attorney General copy.
func californiaSynced(t *testing.T, st store.Store) (*inventory.Inventory, *incident.Incident, *assess.Assessment, time.Time, obligation.Key) {
	t.Helper()
	inv, in, a := californiaBreach(t, st)
	now := in.DiscoveredAt.Add(time.Hour)
	if err := SyncObligations(t.Context(), st, inv, in, a, nil, now); err != nil {
		t.Fatal(err)
	}
	return inv, in, a, now, obligation.Key{Incident: in.ID, Jurisdiction: "US-CA", Duty: obligation.DutyRegulator, Filing: "US-CA"}
}

// sendNotice records in the ledger one notice to a person of jurisdiction
// jur handed over at the given time, as a campaign worker does.
func sendNotice(t *testing.T, l notify.Ledger, id, subject, jur string, ch notify.Channel, at time.Time) {
	t.Helper()
	j := notify.NewJob(id, 1, 1, subject, notify.Route{Channel: ch, To: subject + "@mail.example"}, nil)
	j.Jurisdiction = jur
	if _, _, err := l.Plan(t.Context(), []notify.Entry{j.Entry()}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := l.Begin(t.Context(), j.Key, at); err != nil || !ok {
		t.Fatalf("begin %s: %v %v", j.Key, ok, err)
	}
	if err := l.Finish(t.Context(), j.Key, notify.Outcome{State: notify.StateSent, ProviderID: "m-" + subject, At: at}); err != nil {
		t.Fatal(err)
	}
}

// TestCaliforniaAGDatedFromTheConsumerNotice runs California's Attorney
// General copy (Cal. Civ. Code § 1798.82(f), SB 446: within 15 calendar
// days of notifying affected consumers, more than 500 residents) through
// the service's obligations: undated and worded "15 days after the
// consumer notice (not yet sent)" until a notice is out, then due at the
// end of the 15th day after the first notice to a Californian, Pacific
// time, in the list of deadlines the API, the CLI and the gauge read; a
// new revision keeps that date; and a copy filed early stays filed.
func TestCaliforniaAGDatedFromTheConsumerNotice(t *testing.T) {
	ctx := t.Context()
	st := testStore(t)
	inv, in, _, now, ag := californiaSynced(t, st)
	o := get(t, st, ag)
	if !o.Required || o.Due != nil || !strings.HasPrefix(o.DueText, "15 days after the consumer notice (not yet sent)") {
		t.Fatalf("before any notice: got required %v, due %v, text %q; want required, undated, 15 days after the consumer notice (not yet sent)", o.Required, o.Due, o.DueText)
	}
	ds := obligation.Deadlines(mustObligations(t, st, in.ID), now)
	if len(ds) == 0 || ds[0].Key != ag {
		t.Errorf("before any notice: the undated Attorney General copy should lead the deadlines, got %+v", ds)
	}

	// The notices go out: a push (an accelerator, not the notice) and a
	// Texan's e-mail first, then the first Californian's e-mail at 18:00
	// UTC on 23 November, another two days later.
	l := st.Ledger()
	sendNotice(t, l, in.ID, "p601", "US-TX", notify.ChannelEmail, time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	sendNotice(t, l, in.ID, "p000", "US-CA", notify.ChannelPush, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	first := time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
	sendNotice(t, l, in.ID, "p001", "US-CA", notify.ChannelEmail, first)
	sendNotice(t, l, in.ID, "p002", "US-CA", notify.ChannelEmail, first.Add(48*time.Hour))

	w := &noticeClocks{store: st, log: logging.Discard(), settled: map[string]string{}}
	w.check(ctx)
	want := time.Date(2026, 12, 9, 7, 59, 59, 0, time.UTC) // end of 8 December, Pacific
	o = get(t, st, ag)
	if o.Due == nil || !o.Due.Equal(want) || o.State != obligation.StateOpen {
		t.Fatalf("after the first notice: got due %v state %s, want %s, open", o.Due, o.State, want)
	}
	if !strings.Contains(o.DueText, "first consumer notice sent 2026-11-23 18:00 UTC") {
		t.Errorf("after the first notice: text %q, want the date of the first notice", o.DueText)
	}
	check := first.Add(24 * time.Hour)
	for _, d := range obligation.Deadlines(mustObligations(t, st, in.ID), check) {
		if d.Key == ag && (d.LeftSeconds == nil || *d.LeftSeconds != int64(want.Sub(check).Seconds())) {
			t.Errorf("deadline list: got %v seconds left, want %v", d.LeftSeconds, want.Sub(check).Seconds())
		}
	}
	if got, ok := gaugeValue(t, st, check, in.ID, "US-CA", obligation.DutyRegulator); !ok || got != want.Sub(check).Seconds() {
		t.Errorf("gauge %s: got %v (exported %v), want %v seconds", obligation.GaugeName, got, ok, want.Sub(check).Seconds())
	}
	if w.settled[in.ID] == "" {
		t.Error("the watch should not read the ledger again for a dated assessment")
	}
	// An hour before the dated deadline, the deadline watch warns of it.
	var warned eventRecorder
	checkDeadlines(ctx, st, &warned, want.Add(-time.Hour), logging.Discard())
	if !warned.has(func(e incident.Event) bool {
		dw, ok := e.(incident.DeadlineWarning)
		return ok && dw.Jurisdiction == "US-CA" && dw.Threshold == "1h" && dw.Due.Equal(want)
	}) {
		t.Errorf("an hour before the Attorney General copy is due, no 1h warning for it: %+v", warned.events)
	}

	// The copy is filed; a revision changing the title keeps the date and
	// the filing.
	if _, err := st.UpdateObligations(ctx, in.ID, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		return cur, cur[obligation.Find(cur, ag)].File(obligation.Filing{At: check, By: "jane", Reference: "AG-1"})
	}); err != nil {
		t.Fatal(err)
	}
	var afterFiling eventRecorder
	checkDeadlines(ctx, st, &afterFiling, want.Add(time.Hour), logging.Discard())
	if afterFiling.has(func(e incident.Event) bool {
		dw, ok := e.(incident.DeadlineWarning)
		return ok && dw.Jurisdiction == "US-CA" && dw.To == o.To
	}) {
		t.Errorf("the filed Attorney General copy still warns: %+v", afterFiling.events)
	}
	in2 := *in
	in2.Revision, in2.Title = 2, in.Title+" (update)"
	a2, err := assess.Assess(ctx, inv, &in2, check)
	if err != nil {
		t.Fatal(err)
	}
	if err := SyncObligations(ctx, st, inv, &in2, a2, nil, check); err != nil {
		t.Fatal(err)
	}
	o = get(t, st, ag)
	if o.State != obligation.StateFiled || o.Due == nil || !o.Due.Equal(want) {
		t.Errorf("revision 2: got state %s due %v, want filed, %s", o.State, o.Due, want)
	}
}

// TestCaliforniaAGFiledBeforeTheNotice: a copy filed before any consumer
// notice stays filed when the notice dates it.
func TestCaliforniaAGFiledBeforeTheNotice(t *testing.T) {
	ctx := t.Context()
	st := testStore(t)
	inv, in, a, now, ag := californiaSynced(t, st)
	if _, err := st.UpdateObligations(ctx, in.ID, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		return cur, cur[obligation.Find(cur, ag)].File(obligation.Filing{At: now, By: "jane", Reference: "AG-0"})
	}); err != nil {
		t.Fatal(err)
	}
	sendNotice(t, st.Ledger(), in.ID, "p001", "US-CA", notify.ChannelLetter, now.Add(time.Hour))
	if err := SyncObligations(ctx, st, inv, in, a, nil, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if o := get(t, st, ag); o.State != obligation.StateFiled || o.Reference != "AG-0" || o.Due == nil {
		t.Errorf("got state %s reference %q due %v, want filed AG-0, dated", o.State, o.Reference, o.Due)
	}
}

func mustObligations(t *testing.T, st store.Store, id string) []obligation.Obligation {
	t.Helper()
	obs, err := st.IncidentObligations(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

// gaugeValue scrapes breach_obligation_due_seconds at now and returns the
// series of one incident, jurisdiction and duty.
func gaugeValue(t *testing.T, st store.Store, now time.Time, id, jur, duty string) (float64, bool) {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(obligation.NewGauge(st, func() time.Time { return now }))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != obligation.GaugeName {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["incident"] == id && labels["jurisdiction"] == jur && labels["duty"] == duty {
				return m.GetGauge().GetValue(), true
			}
		}
	}
	return 0, false
}

// eventRecorder is a Publisher that keeps what it was given.
type eventRecorder struct{ events []incident.Event }

func (r *eventRecorder) Publish(_ context.Context, e incident.Event) error {
	r.events = append(r.events, e)
	return nil
}

func (r *eventRecorder) has(match func(incident.Event) bool) bool {
	return slices.ContainsFunc(r.events, match)
}

// TestAssessmentCountsPeopleInItsWalk: the EU-GDPR report of an
// organisation without an EU establishment is split per member state, and
// the assessor counts the people for it in the one walk that assesses,
// instead of the obligations walking the directory a second time.
func TestAssessmentCountsPeopleInItsWalk(t *testing.T) {
	ctx := t.Context()
	st := testStore(t)
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n")
	for i, country := range []string{"FR", "FR", "DE"} {
		fmt.Fprintf(&csv, "p%d,Person %d,p%d@mail.example,,en,%s,,false,,,,shop\n", i, i, i, country)
	}
	yaml := "schema: breach.inventory/v1\norganization:\n  name: Shop\n  establishment: US\n  contact: { name: Privacy, email: privacy@shop.example }\n" +
		"systems:\n  - { id: shop, name: Shop, categories: [name, email, payment_card] }\nsubjects: subjects.csv\n"
	for name, content := range map[string]string{"inventory.yaml": yaml, "subjects.csv": csv.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	walks := 0
	inv.Source = &inventory.Source{Name: "subjects.csv", Open: func(context.Context) (inventory.SubjectReader, error) {
		walks++
		return inventory.OpenDirectory(filepath.Join(dir, "subjects.csv"), inv)
	}}
	in := &incident.Incident{Schema: incident.Schema, ID: "INC-EU", Revision: 1, Title: "Card numbers copied",
		Description: "An intruder copied names and card numbers.", Cause: incident.CauseExfiltration, Malicious: true,
		DiscoveredAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Effects:      incident.Effects{Confidentiality: incident.ConfidentialityUnknownRecipients, Integrity: incident.IntegrityNone, Availability: incident.AvailabilityNone},
		Affected:     []incident.Affected{{System: "shop"}}}
	doc, _, err := store.EncodeIncident(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveIncident(ctx, in, doc); err != nil {
		t.Fatal(err)
	}
	a := &assessor{store: st, events: &eventRecorder{}, inv: inv, log: logging.Discard(),
		now:     func() time.Time { return in.DiscoveredAt.Add(time.Hour) },
		metrics: &metrics{assessSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "test_seconds"})}}
	if err := a.assessOne(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	if walks != 1 {
		t.Errorf("got %d walks over the directory, want 1: the assessment's walk counts the people per member state", walks)
	}
	var filings []string
	for _, o := range mustObligations(t, st, in.ID) {
		if o.Jurisdiction == "EU-GDPR" && o.Duty == obligation.DutyRegulator {
			filings = append(filings, o.Filing)
		}
	}
	if want := []string{"EU-GDPR/DE", "EU-GDPR/FR"}; !slices.Equal(filings, want) {
		t.Errorf("got EU-GDPR regulator filings %v, want %v (one per member state)", filings, want)
	}
}
