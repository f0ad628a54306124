package assess

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
	"github.com/google/go-cmp/cmp"
)

var scopeNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// orgInventory loads an inventory of organisation "Org" with the given
// organisation lines (establishment, targets, HIPAA flags...) and systems
// (one flow mapping per line), and the subject directory csv.
func orgInventory(t *testing.T, org, systems, csv string) *inventory.Inventory {
	t.Helper()
	var b strings.Builder
	b.WriteString("schema: breach.inventory/v1\norganization:\n  name: Org\n")
	for _, l := range strings.Split(org, "\n") {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("  contact: { name: DPO, email: dpo@org.example }\nsystems:\n")
	for _, l := range strings.Split(systems, "\n") {
		b.WriteString("  - " + l + "\n")
	}
	b.WriteString("subjects: subjects.csv\n")
	return loadInventory(t, b.String(), csv)
}

// findObligation returns the obligation of jurisdiction j, if any.
func findObligation(a *Assessment, j string) (regulators.Obligation, bool) {
	for _, ob := range a.Obligations {
		if ob.Jurisdiction == j {
			return ob, true
		}
	}
	return regulators.Obligation{}, false
}

// TestScopeByEstablishmentAndProcessing checks that a law covering the
// processing of an establishment, or processing on its territory, covers
// every affected person whoever they are, with the reason printed: a German
// controller's breach of US, Chinese and Swiss customers' data is a GDPR
// breach (GDPR Art. 3(1)); data processed in India is under the DPDP Act
// whoever the person (s. 3(a)); data processed in China is under PIPL
// (Art. 3(1)).
func TestScopeByEstablishmentAndProcessing(t *testing.T) {
	inv := orgInventory(t, "establishment: DE", "{ id: shop, name: Shop, categories: [name, email, payment_card] }\n{ id: support, name: Support desk, categories: [name, email], processing_locations: [IN] }", subjectsHeader+`u1,Ann Lee,u1@x.example,,en-US,US,CA,false,,,,shop
c1,Li Wei,c1@x.example,,zh-CN,CN,,false,,,,shop
s1,Urs Amm,s1@x.example,,de-CH,CH,,false,,,,shop;support
`)
	in := testIncident(incident.Affected{System: "shop"}, incident.Affected{System: "support"})
	a, err := Assess(context.Background(), inv, in, scopeNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, jurisdiction string
		subjects           int
		regulator          bool
		because            string
	}{
		{"GDPR Art. 3(1): the German establishment covers everyone", "EU-GDPR", 3, true, "establishment"},
		{"PIPL Art. 3(1): the Chinese resident", "CN-PIPL", 1, true, "residence"},
		{"DPDP Act s. 3(a): processing in India covers the people of that system", "IN-DPDP", 1, false, "processing"},
		{"Cal. Civ. Code § 1798.82: residence", "US-CA", 1, false, "residence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ob, ok := findObligation(a, tt.jurisdiction)
			if !ok {
				t.Fatalf("no %s obligation; got %d obligations", tt.jurisdiction, len(a.Obligations))
			}
			if ob.Subjects != tt.subjects {
				t.Errorf("subjects: got %d, want %d", ob.Subjects, tt.subjects)
			}
			if ob.NotifyRegulator != tt.regulator {
				t.Errorf("notify regulator: got %v, want %v (reasons %q)", ob.NotifyRegulator, tt.regulator, ob.Reasons)
			}
			if !strings.Contains(ob.AppliesBecause, tt.because) {
				t.Errorf("applies_because: got %q, want it to say %q", ob.AppliesBecause, tt.because)
			}
		})
	}
	if got := a.Subjects.ByJurisdiction["EU-GDPR"]; got != 0 {
		t.Errorf("by_jurisdiction counts residence: got EU-GDPR %d, want 0", got)
	}
}

// TestScopeTargeting checks that residents of a territory the inventory
// says the organisation does not target are still covered (when in doubt,
// notify) but the point is marked for counsel.
func TestScopeTargeting(t *testing.T) {
	inv := orgInventory(t, "establishment: US\ntargets: [US]", "{ id: shop, name: Shop, categories: [name, email, payment_card] }", subjectsHeader+`e1,Eva Roth,e1@x.example,,de-DE,DE,,false,,,,shop
`)
	a, err := Assess(context.Background(), inv, testIncident(incident.Affected{System: "shop"}), scopeNow)
	if err != nil {
		t.Fatal(err)
	}
	ob := obligation(t, a, "EU-GDPR")
	if !ob.NotifyRegulator || !ob.Judgment || !strings.Contains(strings.Join(ob.Counsel, " "), "GDPR Art. 3(2)") {
		t.Errorf("got notify %v, judgment %v, counsel %q; want notify, judgment, and Art. 3(2) for counsel", ob.NotifyRegulator, ob.Judgment, ob.Counsel)
	}
}

// TestHIPAAPHIBeyondHealthCategories checks that, for a covered entity,
// every system holds PHI unless the inventory says phi: false: a billing
// system breach (name, SSN, card) is a HIPAA breach (45 CFR § 160.103
// "individually identifiable health information" includes demographic and
// payment data), staff HR data is not.
func TestHIPAAPHIBeyondHealthCategories(t *testing.T) {
	inv := orgInventory(t, "establishment: US\nhipaa_covered_entity: true", "{ id: billing, name: Patient billing, categories: [name, postal_address, national_id, payment_card] }\n{ id: hr, name: Staff HR, categories: [name, national_id, bank_account], phi: false }", subjectsHeader+`p1,Pat One,p1@x.example,,en-US,US,TX,false,,,,billing
p2,Pat Two,p2@x.example,,en-US,US,TX,false,,,,billing
s1,Sam Staff,s1@x.example,,en-US,US,TX,false,,,,hr
`)
	for _, tt := range []struct {
		name, system string
		wantHIPAA    bool
		wantSubjects int
	}{
		{"billing system of a covered entity: PHI", "billing", true, 2},
		{"staff HR marked phi: false: not PHI", "hr", false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Assess(context.Background(), inv, testIncident(incident.Affected{System: tt.system}), scopeNow)
			if err != nil {
				t.Fatal(err)
			}
			ob, ok := findObligation(a, "US-HIPAA")
			if ok != tt.wantHIPAA {
				t.Fatalf("US-HIPAA obligation present: got %v, want %v", ok, tt.wantHIPAA)
			}
			if !ok {
				return
			}
			if ob.Subjects != tt.wantSubjects || !ob.NotifyRegulator || !ob.NotifyIndividuals {
				t.Errorf("got %d subjects, regulator %v, individuals %v; want %d, true, true (reasons %q)", ob.Subjects, ob.NotifyRegulator, ob.NotifyIndividuals, tt.wantSubjects, ob.Reasons)
			}
		})
	}
}

// TestHIPAABusinessAssociate checks that a business associate must notify
// the covered entity within 60 days of discovery (45 CFR § 164.410(b)).
func TestHIPAABusinessAssociate(t *testing.T) {
	inv := orgInventory(t, "establishment: US\nhipaa_business_associate: true", "{ id: claims, name: Claims, categories: [name, national_id] }", subjectsHeader+`p1,Pat One,p1@x.example,,en-US,US,TX,false,,,,claims
`)
	a, err := Assess(context.Background(), inv, testIncident(incident.Affected{System: "claims"}), scopeNow)
	if err != nil {
		t.Fatal(err)
	}
	ob := obligation(t, a, "US-HIPAA")
	var got *regulators.Notice
	for i, n := range ob.OtherNotices {
		if strings.Contains(n.To, "covered entity") {
			got = &ob.OtherNotices[i]
		}
	}
	if got == nil || !got.Required || got.Deadline == nil {
		t.Fatalf("got notices %+v, want a required, dated notice to the covered entity", ob.OtherNotices)
	}
	if max := in60(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)); got.Deadline.After(max) {
		t.Errorf("deadline: got %s, want no later than %s", got.Deadline, max)
	}
}

// in60 is the end of the 60th calendar day after t in US Eastern time, the
// latest a 60-day limit may end.
func in60(t time.Time) time.Time {
	ny, _ := time.LoadLocation("America/New_York")
	l := t.In(ny)
	return time.Date(l.Year(), l.Month(), l.Day()+61, 0, 0, 0, 0, ny).Add(-time.Second)
}

// TestThresholdsCountEveryone checks that APPI's "more than 1,000
// persons" (Enforcement Rules Art. 7(iv)), PDPA's 500 (Regulations 2021
// reg. 4) and PIPL's 1 million count every person the breach affects, not
// only the residents.
func TestThresholdsCountEveryone(t *testing.T) {
	tests := []struct {
		country, jurisdiction string
		others                int
	}{
		{"JP", "JP-APPI", 1001},
		{"SG", "SG-PDPA", 500},
	}
	for _, tt := range tests {
		t.Run(tt.jurisdiction, func(t *testing.T) {
			var b strings.Builder
			b.WriteString(subjectsHeader)
			fmt.Fprintf(&b, "r1,Res Ident,r1@x.example,,en,%s,,false,,,,list\n", tt.country)
			for i := range tt.others {
				fmt.Fprintf(&b, "o%d,Oth Er,o%d@x.example,,en,MX,,false,,,,list\n", i, i)
			}
			inv := orgInventory(t, "establishment: MX", "{ id: list, name: Mailing list, categories: [name, email] }", b.String())
			in := testIncident(incident.Affected{System: "list"})
			in.Cause, in.Malicious = incident.CauseMisconfiguration, false
			in.Effects.Confidentiality = incident.ConfidentialityPossible
			a, err := Assess(context.Background(), inv, in, scopeNow)
			if err != nil {
				t.Fatal(err)
			}
			ob := obligation(t, a, tt.jurisdiction)
			if !ob.NotifyRegulator {
				t.Errorf("notify regulator: got false, want true: the threshold counts all %d people (reasons %q)", tt.others+1, ob.Reasons)
			}
		})
	}
}

// TestDeterminationsReachTheRules checks that a determination recorded on
// the incident reaches its jurisdiction's rule, and that one naming an
// exception the jurisdiction does not have is rejected, naming the field.
func TestDeterminationsReachTheRules(t *testing.T) {
	inv := orgInventory(t, "establishment: US", "{ id: crm, name: CRM, categories: [name, drivers_license] }", subjectsHeader+`f1,Flo Rida,f1@x.example,,en-US,US,FL,false,,,,crm
`)
	in := testIncident(incident.Affected{System: "crm"})
	in.Cause, in.Malicious = incident.CauseMisdelivery, false
	in.Effects.Confidentiality = incident.ConfidentialityKnownRecipients
	in.Mitigation = incident.Mitigation{Contained: true, DataRecovered: true, RecipientTrusted: true}
	a, err := Assess(context.Background(), inv, in, scopeNow)
	if err != nil {
		t.Fatal(err)
	}
	if ob := obligation(t, a, "US-FL"); !ob.NotifyIndividuals {
		t.Errorf("without a determination: got notify individuals false, want true (reasons %q)", ob.Reasons)
	}
	in.Determinations = []incident.Determination{{Jurisdiction: "US-FL", Exception: regulators.ExceptionFLNoHarm, By: "GC", At: scopeNow, Text: "no harm"}}
	a, err = Assess(context.Background(), inv, in, scopeNow)
	if err != nil {
		t.Fatal(err)
	}
	if ob := obligation(t, a, "US-FL"); ob.NotifyIndividuals {
		t.Errorf("with the determination: got notify individuals true, want false (reasons %q)", ob.Reasons)
	}
	in.Determinations[0].Exception = "made_up"
	_, err = Assess(context.Background(), inv, in, scopeNow)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "determinations[0].exception") {
		t.Errorf("unknown exception: got %v, want an input error naming determinations[0].exception", err)
	}
}

// TestByMemberState checks that the EU obligation counts the affected
// people of each member state and names its supervisory authority: without
// a main establishment in the EU there is no one-stop shop, and each
// authority is told of its own residents (GDPR Arts. 55, 56(1)).
func TestByMemberState(t *testing.T) {
	inv := orgInventory(t, "establishment: US", "{ id: shop, name: Shop, categories: [name, email, payment_card] }", subjectsHeader+`d1,Eva Roth,d1@x.example,,de-DE,DE,,false,,,,shop
d2,Max Kurz,d2@x.example,,de-DE,DE,,false,,,,shop
f1,Luc Brun,f1@x.example,,fr-FR,RE,,false,,,,shop
`)
	a, err := Assess(context.Background(), inv, testIncident(incident.Affected{System: "shop"}), scopeNow)
	if err != nil {
		t.Fatal(err)
	}
	got := obligation(t, a, "EU-GDPR").ByMemberState
	de, _ := regulators.SupervisoryAuthority("DE")
	fr, _ := regulators.SupervisoryAuthority("FR")
	want := map[string]regulators.MemberStateShare{
		"DE": {Subjects: 2, Authority: de},
		"FR": {Subjects: 1, Authority: fr},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("by_member_state (-want +got):\n%s", diff)
	}
	if !strings.Contains(want["FR"].Authority, "CNIL") {
		t.Errorf("FR authority: got %q, want the CNIL", want["FR"].Authority)
	}
}

// TestProvincialLawsBesidePIPEDA checks that a Quebec resident is covered
// by Quebec's private-sector Act (Law 25, notified to the CAI) and an
// Alberta resident by Alberta's PIPA (notified to the OIPC), each beside
// PIPEDA, which still applies.
func TestProvincialLawsBesidePIPEDA(t *testing.T) {
	inv := orgInventory(t, "establishment: US", "{ id: shop, name: Shop, categories: [name, email, payment_card] }", subjectsHeader+`q1,Léa Roy,q1@x.example,,fr-CA,CA,QC,false,,,,shop
a1,Sam Lee,a1@x.example,,en-CA,CA,AB,false,,,,shop
o1,Kim Park,o1@x.example,,en-CA,CA,ON,false,,,,shop
`)
	var also []string
	a, err := AssessEach(context.Background(), inv, testIncident(incident.Affected{System: "shop"}), scopeNow, func(p *AffectedPerson) error {
		also = append(also, p.Also...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id, regulator string
		subjects      int
	}{
		{"CA-PIPEDA", "Office of the Privacy Commissioner of Canada", 3},
		{"CA-QC", "Commission d'accès à l'information du Québec (CAI)", 1},
		{"CA-AB", "Office of the Information and Privacy Commissioner of Alberta (OIPC)", 1},
	} {
		ob := obligation(t, a, tt.id)
		if ob.Subjects != tt.subjects || !ob.NotifyRegulator || ob.Regulator != tt.regulator {
			t.Errorf("%s: got %d subjects, notify %v, regulator %q; want %d, true, %q", tt.id, ob.Subjects, ob.NotifyRegulator, ob.Regulator, tt.subjects, tt.regulator)
		}
	}
	if diff := cmp.Diff([]string{"CA-QC", "CA-AB"}, also); diff != "" {
		t.Errorf("AffectedPerson.Also (-want +got):\n%s", diff)
	}
}

// TestHIPAAYearEndAndIllinois checks, end to end, that a covered entity's
// small breach found at 22:00 US Eastern on 31 December goes into that
// year's HHS log, due at the end of 1 March Eastern time (45 CFR §
// 164.408(c)), and that its Illinois patients bring the Attorney General
// copy of 815 ILCS 530/50.
func TestHIPAAYearEndAndIllinois(t *testing.T) {
	inv := orgInventory(t, "establishment: US\nhipaa_covered_entity: true", "{ id: billing, name: Patient billing, categories: [name, postal_address, payment_card] }", subjectsHeader+`p1,Pat One,p1@x.example,,en-US,US,IL,false,,,,billing
`)
	in := testIncident(incident.Affected{System: "billing"})
	in.DiscoveredAt = time.Date(2027, 1, 1, 3, 0, 0, 0, time.UTC)
	a, err := Assess(context.Background(), inv, in, in.DiscoveredAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	h := obligation(t, a, "US-HIPAA")
	if want := time.Date(2027, 3, 2, 4, 59, 59, 0, time.UTC); h.RegulatorDeadline == nil || !h.RegulatorDeadline.Equal(want) {
		t.Errorf("HHS log: got %v, want %s", h.RegulatorDeadline, want)
	}
	il := obligation(t, a, "US-IL")
	found := false
	for _, n := range il.OtherNotices {
		found = found || n.Required && slices.Contains(n.Citations, "815 ILCS 530/50")
	}
	if !found {
		t.Errorf("US-IL notices: got %+v, want the Attorney General copy of 815 ILCS 530/50", il.OtherNotices)
	}
}
