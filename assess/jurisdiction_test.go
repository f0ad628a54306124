package assess

import (
	"bytes"
	"context"
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

// loadInventory writes an inventory and its subject directory to a
// temporary directory and loads it.
func loadInventory(t *testing.T, yaml, csv string) *inventory.Inventory {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"inventory.yaml": yaml, "subjects.csv": csv} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

const subjectsHeader = "id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n"

// obligation returns the obligation of jurisdiction j.
func obligation(t *testing.T, a *Assessment, j string) regulators.Obligation {
	t.Helper()
	for _, ob := range a.Obligations {
		if ob.Jurisdiction == j {
			return ob
		}
	}
	t.Fatalf("no obligation for %s in %v", j, a.Obligations)
	return regulators.Obligation{}
}

// TestRiskPerJurisdiction checks that each jurisdiction's risk comes from
// its own people's data. GDPR Arts. 33 and 34 look at the risk to the
// rights and freedoms of the data subjects concerned: two German
// subscribers whose e-mail address alone leaked face a low risk, whatever
// a Californian patient's health record in the same incident means for
// that patient. The top-level risk is the highest (docs/assessment.md). The
// organisation is established in the US: an EU establishment would bring
// the Californian under the GDPR too (GDPR Art. 3(1)).
func TestRiskPerJurisdiction(t *testing.T) {
	inv := loadInventory(t, `schema: breach.inventory/v1
organization:
  name: Test Org
  establishment: US
  contact: { name: DPO, email: dpo@org.example }
systems:
  - { id: clinic, name: US telehealth records, categories: [name, email, health] }
  - { id: newsletter, name: EU newsletter list, categories: [email] }
subjects: subjects.csv
`, subjectsHeader+`u1,Ann Lee,u1@x.example,,en-US,US,CA,false,,,,clinic
e1,Eva Roth,e1@x.example,,de-DE,DE,,false,,,,newsletter
e2,Max Kurz,e2@x.example,,de-DE,DE,,false,,,,newsletter
`)
	in := testIncident(incident.Affected{System: "clinic"}, incident.Affected{System: "newsletter"})
	in.Cause, in.Malicious = incident.CauseMisconfiguration, false
	a, err := Assess(context.Background(), inv, in, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if a.Risk != regulators.RiskHigh || a.RiskJurisdiction != "US-CA" || a.Severity.Level != LevelVeryHigh {
		t.Errorf("top level: got risk %q from %q, severity %s; want high from US-CA, very_high", a.Risk, a.RiskJurisdiction, a.Severity.Level)
	}
	eu := obligation(t, a, "EU-GDPR")
	if eu.Risk != regulators.RiskLow || eu.NotifyRegulator || eu.NotifyIndividuals {
		t.Errorf("EU-GDPR: got risk %q, notify regulator %v, individuals %v; want low, false, false (reasons %q)", eu.Risk, eu.NotifyRegulator, eu.NotifyIndividuals, eu.Reasons)
	}
	if strings.Contains(strings.Join(eu.RiskReasons, " "), "health") {
		t.Errorf("EU-GDPR risk reasons: got %q, want nothing about the Californian's health data", eu.RiskReasons)
	}
	ca := obligation(t, a, "US-CA")
	if ca.Risk != regulators.RiskHigh || !ca.NotifyIndividuals {
		t.Errorf("US-CA: got risk %q, notify individuals %v; want high, true", ca.Risk, ca.NotifyIndividuals)
	}
	if ex := strings.Join(a.Explanation, "\n"); !strings.Contains(ex, "EU-GDPR low, US-CA high") {
		t.Errorf("explanation: got\n%s\nwant the risk of each jurisdiction", ex)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, a, a.AssessedAt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "risk for them:       low") {
		t.Errorf("text report: got\n%s\nwant EU-GDPR's own risk under its duties", buf.String())
	}
}

// TestLinkedPerPerson checks that the name-plus-element trigger of the US
// state statutes is decided person by person, with the "name" category
// only: an e-mail address or the ID number is not a name (Cal. Civ. Code
// § 1798.82(h)(1)), and a name in one person's data does not combine with
// another person's SSN. New York's broader identifier rule reads Linked.
func TestLinkedPerPerson(t *testing.T) {
	inv := loadInventory(t, `schema: breach.inventory/v1
organization:
  name: Test Org
  establishment: US
  contact: { name: DPO, email: dpo@org.example }
systems:
  - { id: tax, name: Tax vault, categories: [email, national_id] }
  - { id: crm, name: CRM, categories: [name, email] }
  - { id: hr, name: HR, categories: [name, national_id] }
  - { id: login, name: Login, categories: [name, email, password_hash] }
subjects: subjects.csv
`, subjectsHeader+`t1,,t1@x.example,,en-US,US,CA,false,,,,tax
c1,Cy Doe,c1@x.example,,en-US,US,CA,false,,,,crm
h1,Hal Roe,h1@x.example,,en-US,US,TX,false,,,,hr
l1,Lu Poe,l1@x.example,,en-US,US,MA,false,,,,login
n1,,n1@x.example,,en-US,US,NY,false,,,,tax
`)
	in := testIncident(incident.Affected{System: "tax"}, incident.Affected{System: "crm"}, incident.Affected{System: "hr"}, incident.Affected{System: "login"})
	m, err := newMatcher(inv, in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.scan(context.Background(), func(p *AffectedPerson) error { m.linkPerson(p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		jur      string
		nameElem bool
		linked   map[string][]string
	}{
		{jur: "US-CA", nameElem: false, linked: map[string][]string{"name": {"email"}, "email": {"name", "national_id"}, "national_id": {"email"}}},
		{jur: "US-TX", nameElem: true, linked: map[string][]string{"name": {"national_id"}, "national_id": {"name"}}},
		// A password hash is no element of the name-plus-element rule.
		{jur: "US-MA", nameElem: false, linked: map[string][]string{"name": {"email", "password_hash"}, "email": {"name", "password_hash"}}},
		{jur: "US-NY", nameElem: false, linked: map[string][]string{"email": {"national_id"}, "national_id": {"email"}}},
	}
	for _, tt := range tests {
		t.Run(tt.jur, func(t *testing.T) {
			f := m.facts(res.byJur[tt.jur], factsInput{inv: inv, in: in, effects: EffectiveCircumstances(in), total: res.total})
			if f.NameWithElement != tt.nameElem {
				t.Errorf("NameWithElement: got %v, want %v", f.NameWithElement, tt.nameElem)
			}
			if diff := cmp.Diff(tt.linked, f.Linked); diff != "" {
				t.Errorf("Linked: got %v, want %v (-want +got)\n%s", f.Linked, tt.linked, diff)
			}
		})
	}

	a, err := Assess(context.Background(), inv, in, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for j, want := range map[string]bool{"US-CA": false, "US-TX": true, "US-MA": false, "US-NY": true} {
		ob := obligation(t, a, j)
		if ob.NotifyIndividuals != want {
			t.Errorf("%s notify individuals: got %v, want %v (reasons %q)", j, ob.NotifyIndividuals, want, ob.Reasons)
		}
		if !want && strings.Contains(strings.Join(ob.Reasons, " "), "A name ") {
			t.Errorf("%s reasons: got %q, want no claim that a name was exposed with an element", j, ob.Reasons)
		}
	}
}

// TestExplanationQuotesDecisiveRule checks that the one-line risk
// explanation quotes the rule that set the final level, not the last rule
// that applied without changing it.
func TestExplanationQuotesDecisiveRule(t *testing.T) {
	step := func(rule string, from, to regulators.Risk) RiskStep {
		return RiskStep{Rule: rule, From: from, To: to, Reason: rule}
	}
	tests := []struct {
		name  string
		steps []RiskStep
		want  string
	}{
		{name: "ENISA sets the level, later rules keep it",
			steps: []RiskStep{step("enisa-severity", "", regulators.RiskHigh), step("special-categories", regulators.RiskHigh, regulators.RiskHigh), step("credentials", regulators.RiskHigh, regulators.RiskHigh)},
			want:  "enisa-severity"},
		{name: "the last change decides",
			steps: []RiskStep{step("enisa-severity", "", regulators.RiskLow), step("children", regulators.RiskLow, regulators.RiskRisk), step("financial-fraud", regulators.RiskRisk, regulators.RiskHigh), step("malicious-intent", regulators.RiskHigh, regulators.RiskHigh)},
			want:  "financial-fraud"},
		{name: "only the start", steps: []RiskStep{step("enisa-severity", "", regulators.RiskRisk)}, want: "enisa-severity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decisive(tt.steps).Rule; got != tt.want {
				t.Errorf("decisive: got %s, want %s", got, tt.want)
			}
		})
	}

	// End to end: visit notes (special category) start at high from ENISA;
	// special-categories applies but keeps high.
	a, err := Assess(context.Background(), fixture(t), testIncident(incident.Affected{System: "ehr"}), time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	last := a.RiskSteps[len(a.RiskSteps)-1]
	if last.From != last.To {
		t.Fatalf("fixture: got last step %s changing %s to %s, want one that keeps the level", last.Rule, last.From, last.To)
	}
	want := `Risk "high": ` + decisive(a.RiskSteps).Reason
	if !strings.Contains(strings.Join(a.Explanation, "\n"), want) || decisive(a.RiskSteps).Rule == last.Rule {
		t.Errorf("explanation: got %q, want the line %q", a.Explanation, want)
	}
}
