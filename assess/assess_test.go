package assess

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
	"github.com/google/go-cmp/cmp"
)

const testInventory = `schema: breach.inventory/v1
organization:
  name: Test Clinic
  establishment: DE
  hipaa_covered_entity: true
  contact: { name: Privacy, email: privacy@clinic.example }
categories:
  - { id: visit_notes, class: sensitive, label: Visit notes, health: true, special: true }
systems:
  - id: crm
    name: CRM
    categories: [name, email, phone, purchase_history]
    phi: false
  - id: vault
    name: Encrypted vault
    categories: [name, national_id, payment_card]
    encrypted_at_rest: true
    phi: false
  - id: ehr
    name: Records
    categories: [name, date_of_birth, visit_notes]
subjects: subjects.csv
`

const testSubjects = `id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems
a,Ann,ann@mail.example,,de,DE,,false,,,,crm;vault
b,Bob,,,en,US,CA,false,,,,vault
c,Cid,,,en,US,CA,true,,,,ehr;crm;crm
d,Dee,dee@mail.example,,en,GB,,false,,,,ehr
bad,,,,en,XX,,false,,,,crm
e,Eve,eve@mail.example,,fr,US,,false,,,,crm
f,Fay,fay@mail.example,,en,MX,,false,,,,crm
g,Gus,gus@mail.example,,en,DE,,false,,,,vault
`

// fixture writes the test inventory and returns it loaded.
func fixture(t *testing.T) *inventory.Inventory {
	t.Helper()
	return loadInventory(t, testInventory, testSubjects)
}

func boolp(b bool) *bool { return &b }

func testIncident(affected ...incident.Affected) *incident.Incident {
	return &incident.Incident{Schema: incident.Schema, ID: "INC-T", Revision: 1, Title: "t", Cause: incident.CauseHacking, Malicious: true,
		DiscoveredAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Effects:      incident.Effects{Confidentiality: "unknown_recipients", Integrity: "none", Availability: "none"},
		Affected:     affected}
}

type seen struct {
	Jurisdiction   string
	Categories     []string
	Systems        []string
	Minor          bool
	Unintelligible bool
	HIPAA          bool
}

// TestEachAffected checks matching, narrowing, per-entry encryption and
// that the callback sees every affected person once.
func TestEachAffected(t *testing.T) {
	inv := fixture(t)
	tests := []struct {
		name string
		in   *incident.Incident
		want map[string]seen
	}{
		{name: "whole systems",
			in: testIncident(incident.Affected{System: "crm"}, incident.Affected{System: "vault"}),
			want: map[string]seen{
				"a": {Jurisdiction: "EU-GDPR", Categories: []string{"email", "name", "national_id", "payment_card", "phone", "purchase_history"}, Systems: []string{"crm", "vault"}},
				"b": {Jurisdiction: "US-CA", Categories: []string{"name", "national_id", "payment_card"}, Systems: []string{"vault"}, Unintelligible: true},
				"c": {Jurisdiction: "US-CA", Categories: []string{"email", "name", "phone", "purchase_history"}, Systems: []string{"crm"}, Minor: true},
				"f": {Jurisdiction: "MX", Categories: []string{"email", "name", "phone", "purchase_history"}, Systems: []string{"crm"}},
				"g": {Jurisdiction: "EU-GDPR", Categories: []string{"name", "national_id", "payment_card"}, Systems: []string{"vault"}, Unintelligible: true},
			}},
		{name: "narrowed categories and subjects, key compromised",
			in: testIncident(incident.Affected{System: "crm", Categories: []string{"email"}, Subjects: []string{"a", "c", "zz"}},
				incident.Affected{System: "vault", Subjects: []string{"b"}, KeyCompromised: boolp(true)}),
			want: map[string]seen{
				"a": {Jurisdiction: "EU-GDPR", Categories: []string{"email"}, Systems: []string{"crm"}},
				"b": {Jurisdiction: "US-CA", Categories: []string{"name", "national_id", "payment_card"}, Systems: []string{"vault"}},
				"c": {Jurisdiction: "US-CA", Categories: []string{"email"}, Systems: []string{"crm"}, Minor: true},
			}},
		{name: "encrypted override on one entry only",
			in: testIncident(incident.Affected{System: "ehr", Encrypted: boolp(true)}, incident.Affected{System: "crm", Subjects: []string{"c"}}),
			want: map[string]seen{
				"c": {Jurisdiction: "US-CA", Categories: []string{"date_of_birth", "email", "name", "phone", "purchase_history", "visit_notes"}, Systems: []string{"ehr", "crm"}, Minor: true, HIPAA: true},
				"d": {Jurisdiction: "UK-GDPR", Categories: []string{"date_of_birth", "name", "visit_notes"}, Systems: []string{"ehr"}, Unintelligible: true, HIPAA: true},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]seen{}
			err := EachAffected(context.Background(), inv, tt.in, func(p *AffectedPerson) error {
				if _, dup := got[p.ID]; dup {
					t.Errorf("person %s reported twice", p.ID)
				}
				got[p.ID] = seen{Jurisdiction: p.Jurisdiction, Categories: append([]string(nil), p.Categories...),
					Systems: append([]string(nil), p.Systems...), Minor: p.Minor, Unintelligible: p.Unintelligible, HIPAA: p.HIPAA}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("affected people: got %v, want %v (-want +got)\n%s", got, tt.want, diff)
			}
		})
	}
}

func TestEachAffectedStopsOnCallbackError(t *testing.T) {
	inv := fixture(t)
	stop := errors.New("stop")
	calls := 0
	err := EachAffected(context.Background(), inv, testIncident(incident.Affected{System: "crm"}), func(*AffectedPerson) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("got error %v after %d calls, want %v after 1", err, calls, stop)
	}
}

func TestAssessCancelled(t *testing.T) {
	inv := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Assess(ctx, inv, testIncident(incident.Affected{System: "crm"}), time.Now()); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestAssessCounts checks the aggregate: counts, records, rejected rows,
// the per-jurisdiction facts and the HIPAA addition.
func TestAssessCounts(t *testing.T) {
	inv := fixture(t)
	in := testIncident(incident.Affected{System: "crm"}, incident.Affected{System: "vault"}, incident.Affected{System: "ehr"})
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	a, err := Assess(context.Background(), inv, in, now)
	if err != nil {
		t.Fatal(err)
	}
	type counts struct {
		Total, Minors, WithoutContact, Unintelligible, HealthData, Rejected int
		Records                                                             int64
		ByJur                                                               map[string]int
	}
	got := counts{a.Subjects.Total, a.Subjects.Minors, a.Subjects.WithoutContact, a.Subjects.Unintelligible, a.Subjects.HealthData, a.RejectedRows, a.Records, a.Subjects.ByJurisdiction}
	// c lists crm twice: one record per system. b (no contact, encrypted
	// vault only) and c (a minor without contact or guardian) cannot be
	// reached. The bad country row and the US row without a state are
	// rejected.
	want := counts{Total: 6, Minors: 1, WithoutContact: 2, Unintelligible: 2, HealthData: 2, Rejected: 2, Records: 8,
		ByJur: map[string]int{"EU-GDPR": 2, "MX": 1, "UK-GDPR": 1, "US-CA": 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts: got %+v, want %+v (-want +got)\n%s", got, want, diff)
	}
	if len(a.RowErrors) != 2 || strings.Contains(strings.Join(a.RowErrors, " "), "Eve") {
		t.Errorf("row errors: got %q, want two without personal data", a.RowErrors)
	}
	var jurs []string
	for _, ob := range a.Obligations {
		jurs = append(jurs, ob.Jurisdiction)
	}
	if diff := cmp.Diff([]string{"EU-GDPR", "MX", "UK-GDPR", "US-CA", "US-HIPAA"}, jurs); diff != "" {
		t.Errorf("obligations: got %v, want them sorted with US-HIPAA added", jurs)
	}
	if a.Schema != Schema || !a.AssessedAt.Equal(now) || a.Incident != "INC-T" {
		t.Errorf("header: got %q %v %q", a.Schema, a.AssessedAt, a.Incident)
	}
	if a.Severity.DPC != 4 || a.Risk != regulators.RiskHigh {
		t.Errorf("severity and risk: got DPC %d risk %q, want 4 and high", a.Severity.DPC, a.Risk)
	}
	if !strings.Contains(strings.Join(a.Explanation, " "), "2 subject-directory rows could not be read") {
		t.Errorf("explanation: got %q, want it to mention the rejected rows", a.Explanation)
	}
}

// TestFacts checks what each jurisdiction's rule is told, in particular
// the name-with-element trigger of US laws and unintelligibility.
func TestFacts(t *testing.T) {
	inv := fixture(t)
	tests := []struct {
		name               string
		in                 *incident.Incident
		jur                string
		wantSubjects       int
		wantNameElem       bool
		wantUnintelligible bool
		wantWithoutContact int
		wantCategoryIDs    []string
	}{
		{name: "encrypted vault only: unintelligible, element counted for the safe harbour",
			in: testIncident(incident.Affected{System: "vault"}), jur: "US-CA", wantSubjects: 1, wantNameElem: true, wantUnintelligible: true, wantWithoutContact: 1,
			wantCategoryIDs: []string{"name", "national_id", "payment_card"}},
		{name: "readable crm and encrypted vault: no readable element",
			in: testIncident(incident.Affected{System: "vault", Subjects: []string{"a"}}, incident.Affected{System: "crm", Subjects: []string{"a"}}), jur: "EU-GDPR", wantSubjects: 1,
			wantCategoryIDs: []string{"email", "name", "national_id", "payment_card", "phone", "purchase_history"}},
		{name: "key compromised: readable element",
			in: testIncident(incident.Affected{System: "vault", KeyCompromised: boolp(true)}), jur: "EU-GDPR", wantSubjects: 2, wantNameElem: true,
			wantCategoryIDs: []string{"name", "national_id", "payment_card"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := newMatcher(inv, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.scan(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			agg := res.byJur[tt.jur]
			if agg == nil {
				t.Fatalf("no people in %s", tt.jur)
			}
			f := m.facts(agg, factsInput{inv: inv, in: tt.in, effects: EffectiveCircumstances(tt.in), risks: map[string]groupRisk{tt.jur: {risk: regulators.RiskHigh}}, total: res.total})
			var ids []string
			for _, c := range f.Categories {
				ids = append(ids, c.ID)
			}
			got := []any{f.Subjects, f.NameWithElement, f.Unintelligible, f.WithoutContact, ids, f.Establishment, f.HIPAACoveredEntity, f.Confidentiality, f.Integrity}
			want := []any{tt.wantSubjects, tt.wantNameElem, tt.wantUnintelligible, tt.wantWithoutContact, tt.wantCategoryIDs, "DE", true, "unknown_recipients", ""}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("facts: got %v, want %v (-want +got)\n%s", got, want, diff)
			}
		})
	}
}

func TestInputErrors(t *testing.T) {
	inv := fixture(t)
	tests := []struct {
		name      string
		affected  []incident.Affected
		wantField string
	}{
		{"unknown system", []incident.Affected{{System: "crm"}, {System: "billing"}}, "affected[1].system"},
		{"category not held", []incident.Affected{{System: "crm", Categories: []string{"email", "health"}}}, "affected[0].categories[1]"},
		{"unknown category", []incident.Affected{{System: "crm", Categories: []string{"shoe_size"}}}, "affected[0].categories[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Assess(context.Background(), inv, testIncident(tt.affected...), time.Now())
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInput) {
				t.Fatalf("got %v, want an *InputError", err)
			}
			if ie.Field != tt.wantField {
				t.Errorf("field: got %q, want %q", ie.Field, tt.wantField)
			}
		})
	}
}

func TestWriteTextDeadlines(t *testing.T) {
	inv := fixture(t)
	in := testIncident(incident.Affected{System: "ehr"})
	a, err := Assess(context.Background(), inv, in, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, a, time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"UK-GDPR", "OVERDUE by 1d 1h 30m", "US-HIPAA", "Risk: high", "[special-categories]", "SE = DPC 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("report: got\n%s\nwant it to contain %q", out, want)
		}
	}
	for _, personal := range []string{"Dee", "dee@mail.example", "Cid"} {
		if strings.Contains(out, personal) {
			t.Errorf("report: got personal data %q, want none", personal)
		}
	}
}

// TestAssessEach checks that the one-pass API streams the people
// EachAffected reports and returns the assessment Assess does.
func TestAssessEach(t *testing.T) {
	inv := fixture(t)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   *incident.Incident
	}{
		{name: "whole systems", in: testIncident(incident.Affected{System: "crm"}, incident.Affected{System: "vault"}, incident.Affected{System: "ehr"})},
		{name: "narrowed", in: testIncident(incident.Affected{System: "crm", Categories: []string{"email"}, Subjects: []string{"a", "c", "zz"}},
			incident.Affected{System: "vault", Subjects: []string{"b"}, KeyCompromised: boolp(true)})},
		{name: "nobody", in: testIncident(incident.Affected{System: "crm", Subjects: []string{"zz"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var wantIDs []string
			if err := EachAffected(context.Background(), inv, tt.in, func(p *AffectedPerson) error {
				wantIDs = append(wantIDs, p.ID)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			want, err := Assess(context.Background(), inv, tt.in, now)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			got, err := AssessEach(context.Background(), inv, tt.in, now, func(p *AffectedPerson) error {
				gotIDs = append(gotIDs, p.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
				t.Errorf("streamed ids: got %v, want %v (-want +got)\n%s", gotIDs, wantIDs, diff)
			}
			if len(gotIDs) != got.Subjects.Total {
				t.Errorf("streamed %d people, assessment counts %d", len(gotIDs), got.Subjects.Total)
			}
			if diff := cmp.Diff(asJSON(t, want), asJSON(t, got)); diff != "" {
				t.Errorf("assessment differs from Assess's (-want +got)\n%s", diff)
			}
		})
	}
}

// asJSON returns v's JSON form decoded into generic values: the assessment
// as its readers see it.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAssessEachStopsOnCallbackError(t *testing.T) {
	inv := fixture(t)
	stop := errors.New("stop")
	calls := 0
	a, err := AssessEach(context.Background(), inv, testIncident(incident.Affected{System: "crm"}), time.Now(), func(*AffectedPerson) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 || a != nil {
		t.Errorf("got assessment %v, error %v after %d calls, want nil, %v after 1", a, err, calls, stop)
	}
}

// TestHIPAAMediaNoticeByState checks that HIPAA's media notice (45 CFR §
// 164.406: more than 500 residents of one State) counts each State
// separately, territories included, and no one outside the States.
func TestHIPAAMediaNoticeByState(t *testing.T) {
	tests := []struct {
		name       string
		people     map[string]int // "country/region" → people with health data exposed
		wantStates map[string]int
		wantMedia  bool
	}{
		{name: "800 people split 400/400: no State above 500",
			people: map[string]int{"US/CA": 400, "US/TX": 400}, wantStates: map[string]int{"CA": 400, "TX": 400}},
		{name: "501 in one State",
			people: map[string]int{"US/CA": 501, "US/TX": 10}, wantStates: map[string]int{"CA": 501, "TX": 10}, wantMedia: true},
		{name: "territory as region and as country count together",
			people: map[string]int{"US/PR": 300, "PR/": 201}, wantStates: map[string]int{"PR": 501}, wantMedia: true},
		{name: "people abroad are residents of no State",
			people: map[string]int{"DE/": 600, "US/NY": 3}, wantStates: map[string]int{"NY": 3}},
	}
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var b strings.Builder
			b.WriteString("id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n")
			n := 0
			for where, count := range tt.people {
				country, region, _ := strings.Cut(where, "/")
				for range count {
					n++
					fmt.Fprintf(&b, "p%d,P,p%d@mail.example,,en,%s,%s,false,,,,ehr\n", n, n, country, region)
				}
			}
			for name, content := range map[string]string{"inventory.yaml": testInventory, "subjects.csv": b.String()} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			in := testIncident(incident.Affected{System: "ehr"})
			m, err := newMatcher(inv, in)
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.scan(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.hipaa == nil {
				t.Fatal("no HIPAA aggregate for a covered entity")
			}
			f := m.facts(res.hipaa, factsInput{inv: inv, in: in, effects: EffectiveCircumstances(in), risks: map[string]groupRisk{hipaaJurisdiction: {risk: regulators.RiskHigh}}, total: res.total})
			if diff := cmp.Diff(tt.wantStates, f.SubjectsByState); diff != "" {
				t.Errorf("SubjectsByState: got %v, want %v (-want +got)\n%s", f.SubjectsByState, tt.wantStates, diff)
			}

			a, err := Assess(context.Background(), inv, in, now)
			if err != nil {
				t.Fatal(err)
			}
			gotMedia := false
			for _, ob := range a.Obligations {
				if ob.Jurisdiction != "US-HIPAA" {
					continue
				}
				for _, n := range ob.OtherNotices {
					if strings.Contains(n.To, "media") && n.Required {
						gotMedia = true
					}
				}
			}
			if gotMedia != tt.wantMedia {
				t.Errorf("HIPAA media notice required: got %v, want %v", gotMedia, tt.wantMedia)
			}
		})
	}
}
