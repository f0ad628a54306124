package regulators

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAllOrderAndLookup(t *testing.T) {
	want := slices.Concat([]string{"EU-GDPR", "UK-GDPR", "CN-PIPL", "US-HIPAA", "US-CA", "US-NY", "US-TX", "US-FL", "US-MA", "US-WA", "US-IL"}, usTableIDs, []string{"CA-PIPEDA", "CA-QC", "CA-AB", "AU-NDB", "SG-PDPA", "BR-LGPD", "JP-APPI", "IN-DPDP"})
	var got []string
	for _, r := range All() {
		got = append(got, r.ID)
		if r.Name == "" || r.Law == "" || r.Regulator == "" || r.Decide == nil {
			t.Errorf("rule %s: got Name %q Law %q Regulator %q Decide set %v, want all set", r.ID, r.Name, r.Law, r.Regulator, r.Decide != nil)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All() ids: got %v, want %v (-want +got):\n%s", got, want, diff)
	}
	lookups := []struct {
		name string
		id   string
		want string
		ok   bool
	}{
		{"exact id", "EU-GDPR", "EU-GDPR", true},
		{"lower case", "us-ca", "US-CA", true},
		{"surrounding space", " JP-APPI ", "JP-APPI", true},
		{"country without a rule", "MX", "", false},
		{"US state from the table", "us-oh", "US-OH", true},
		{"US territory without a breach statute", "US-AS", "", false},
		{"empty", "", "", false},
	}
	for _, c := range lookups {
		t.Run(c.name, func(t *testing.T) {
			r, ok := Lookup(c.id)
			if ok != c.ok || r.ID != c.want {
				t.Errorf("Lookup(%q): got (%q, %v), want (%q, %v)", c.id, r.ID, ok, c.want, c.ok)
			}
		})
	}
}

// variants are fact patterns every rule must handle without breaking an
// invariant.
func variants(j string) map[string]Facts {
	return map[string]Facts{
		"high risk exfiltration":    facts(j, 1200),
		"large scale":               facts(j, 2_000_000, noContact(40)),
		"low risk":                  facts(j, 10, risk(RiskLow), accidental, cause("misdelivery"), conf("known_recipients")),
		"no risk":                   facts(j, 10, risk(RiskNone)),
		"encrypted":                 facts(j, 800, encrypted),
		"no effect":                 facts(j, 50, noEffect),
		"nobody":                    facts(j, 0),
		"availability only":         facts(j, 300, conf("none"), cause("ransomware"), func(f *Facts) { f.Availability = "permanent" }),
		"health, covered entity":    facts(j, 700, hipaaEntity, cats(catName, catHlth)),
		"credentials only":          facts(j, 600, cats(catEmail, catCreds)),
		"children without contact":  facts(j, 40, cats(catName, catKids), minors(40), noContact(40)),
		"zero value":                {Jurisdiction: j},
		"discovered on a Saturday":  facts(j, 1200, discovered(time.Date(2026, time.November, 21, 23, 0, 0, 0, time.UTC))),
		"discovered after DPDP day": facts(j, 1200, discovered(time.Date(2027, time.June, 1, 0, 0, 0, 0, time.UTC))),
	}
}

func TestEveryRuleInvariants(t *testing.T) {
	for _, r := range All() {
		for name, f := range variants(r.ID) {
			t.Run(r.ID+"/"+name, func(t *testing.T) {
				o := r.Decide(f)
				if o.Jurisdiction != r.ID {
					t.Errorf("Jurisdiction: got %q, want %q", o.Jurisdiction, r.ID)
				}
				if o.Law == "" || o.Regulator == "" {
					t.Errorf("Law/Regulator: got %q/%q, want both named", o.Law, o.Regulator)
				}
				checkInvariants(t, f, o)
				if o.NotifyRegulator && o.RegulatorDeadline == nil && o.RegulatorDeadlineText == "" {
					t.Errorf("regulator notice: got neither deadline nor deadline text, want one")
				}
				if o.NotifyIndividuals && o.IndividualDeadline == nil && o.IndividualDeadlineText == "" {
					t.Errorf("individual notice: got neither deadline nor deadline text, want one")
				}
				for _, c := range o.Citations {
					if strings.TrimSpace(c) == "" {
						t.Errorf("Citations: got an empty citation")
					}
				}
				if _, err := json.Marshal(o); err != nil {
					t.Errorf("json.Marshal: got error %v, want nil", err)
				}
				if again := r.Decide(f); !cmp.Equal(o, again) {
					t.Errorf("Decide is not deterministic: got %v then %v", o, again)
				}
			})
		}
	}
}

func TestFallback(t *testing.T) {
	cases := []struct {
		name      string
		law       string
		facts     Facts
		wantInd   bool
		wantWords []string
	}{
		{
			name:      "country without a rule",
			law:       "no rule encoded: say so, recommend legal review, set no deadline",
			facts:     facts("MX", 30),
			wantWords: []string{"No breach-notification rule is encoded", "lawyer"},
		},
		{
			name:      "US state without a rule, name with SSN exposed",
			law:       "every US state has a breach statute whose common core is engaged by unencrypted name + SSN",
			facts:     facts("US-OH", 30),
			wantInd:   true,
			wantWords: []string{"Every US state", "US-OH"},
		},
		{
			name:      "US state without a rule, encrypted",
			law:       "encryption is a safe harbour common to every state statute",
			facts:     facts("us-oh", 30, encrypted),
			wantWords: []string{"Every US state"},
		},
		{
			name:      "US state without a rule, e-mail only",
			law:       "no name + element combination: the common trigger is not met",
			facts:     facts("US-OH", 30, cats(catName, catEmail)),
			wantWords: []string{"usual trigger"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Fallback(c.facts)
			checkInvariants(t, c.facts, o)
			if o.NotifyRegulator || o.RegulatorDeadline != nil || o.IndividualDeadline != nil {
				t.Errorf("%s: got regulator %v, deadlines %v/%v, want no regulator duty and no deadline", c.law, o.NotifyRegulator, o.RegulatorDeadline, o.IndividualDeadline)
			}
			if o.NotifyIndividuals != c.wantInd {
				t.Errorf("%s: NotifyIndividuals got %v, want %v", c.law, o.NotifyIndividuals, c.wantInd)
			}
			if len(o.Unverified) == 0 {
				t.Errorf("Unverified: got none, want the whole jurisdiction flagged")
			}
			all := strings.Join(o.Reasons, " ")
			for _, w := range c.wantWords {
				if !strings.Contains(all, w) {
					t.Errorf("reasons: got %q, want them to mention %q", all, w)
				}
			}
		})
	}
}
