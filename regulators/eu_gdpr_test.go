package regulators

import (
	"strings"
	"testing"
)

func TestEUGDPR(t *testing.T) {
	runCases(t, DecideEUGDPR, []ruleCase{
		{
			name:  "high risk: authority within 72 hours and data subjects",
			law:   "GDPR Art. 33(1): 72 hours from awareness (Fri 09:00 -> Mon 09:00); Art. 34(1): high risk -> communicate without undue delay (no fixed time)",
			facts: facts("EU-GDPR", 900),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72), NotifyIndividuals: true},
		},
		{
			name:  "risk but not high: authority only",
			law:   "GDPR Art. 33(1) applies unless unlikely to result in a risk; Art. 34(1) only for high risk",
			facts: facts("EU-GDPR", 900, risk(RiskRisk)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72)},
		},
		{
			name:  "low risk: document only",
			law:   "GDPR Art. 33(1): unlikely to result in a risk -> no notification; Art. 33(5) documentation",
			facts: facts("EU-GDPR", 900, risk(RiskLow)),
			want:  summary{},
		},
		{
			name:  "no risk: document only",
			law:   "GDPR Art. 33(1) as above",
			facts: facts("EU-GDPR", 900, risk(RiskNone)),
			want:  summary{},
		},
		{
			name:  "encrypted, key safe: authority still, no communication",
			law:   "GDPR Art. 34(3)(a): encrypted, key safe -> no communication to data subjects, but Art. 33 still applies",
			facts: facts("EU-GDPR", 900, encrypted),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72), SafeHarbour: true},
		},
		{
			name:  "people without contact: public communication for them",
			law:   "GDPR Art. 34(3)(c): disproportionate effort -> public communication in an equally effective manner",
			facts: facts("EU-GDPR", 900, noContact(12)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72), NotifyIndividuals: true, PublicNotice: true, PublicNoticeAllowed: true},
		},
		{
			name:  "contained and recovered but still high risk",
			law:   "GDPR Art. 34(3)(b) applies only if the high risk is no longer likely; the assessment says it is",
			facts: facts("EU-GDPR", 900, recovered),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72), NotifyIndividuals: true},
		},
		{
			name:  "no effect on the data",
			law:   "GDPR Art. 4(12): no destruction, loss, alteration, disclosure or access -> no personal data breach",
			facts: facts("EU-GDPR", 900, noEffect),
			want:  summary{},
		},
		{
			name:  "nobody in the EU",
			law:   "no data subject under the GDPR -> nothing to notify",
			facts: facts("EU-GDPR", 0),
			want:  summary{},
		},
	})
}

func TestEUGDPRRegulatorName(t *testing.T) {
	cases := []struct {
		name string
		law  string
		est  string
		want string
	}{
		{"Irish main establishment", "GDPR Art. 56(1): lead authority of the main establishment", "IE", "Data Protection Commission (Ireland)"},
		{"French main establishment", "GDPR Art. 56(1)", "fr", "CNIL"},
		{"Greece as EL", "GDPR Art. 56(1)", "EL", "Hellenic Data Protection Authority"},
		{"establishment outside the EU", "no one-stop-shop without an EU main establishment: each Member State's authority", "CN", "each Member State"},
		{"establishment unknown", "same as outside the EU", "", "each Member State"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := DecideEUGDPR(facts("EU-GDPR", 10, est(c.est)))
			if !strings.Contains(o.Regulator, c.want) {
				t.Errorf("%s: Regulator got %q, want it to contain %q", c.law, o.Regulator, c.want)
			}
		})
	}
}

// TestEUGDPRTerritories: an organisation established in an outermost
// region or in Åland is established in the EU (the Treaties apply there:
// TEU Art. 52(2), TFEU Art. 355(1) and (4)), so the one-stop-shop applies
// and its lead authority is that of the member state the territory belongs
// to (GDPR Arts. 51(1), 56(1)), not "each Member State" as for a company
// outside the EU.
func TestEUGDPRTerritories(t *testing.T) {
	cases := []struct {
		est, law, want, cite string
	}{
		{"RE", "Réunion is France: TFEU Art. 355(1), outermost region", "CNIL", "TFEU Art. 355(1)"},
		{"GP", "Guadeloupe is France: TFEU Art. 355(1)", "CNIL", "TFEU Art. 355(1)"},
		{"MQ", "Martinique is France: TFEU Art. 355(1)", "CNIL", "TFEU Art. 355(1)"},
		{"GF", "French Guiana is France: TFEU Art. 355(1)", "CNIL", "TFEU Art. 355(1)"},
		{"YT", "Mayotte is France: TFEU Art. 355(1)", "CNIL", "TFEU Art. 355(1)"},
		{"mf", "Saint-Martin is France: TFEU Art. 355(1); the code is read in any case", "CNIL", "TFEU Art. 355(1)"},
		{"AX", "Åland is Finland: TFEU Art. 355(4)", "Office of the Data Protection Ombudsman (Finland)", "TFEU Art. 355(4)"},
	}
	for _, c := range cases {
		t.Run(c.est, func(t *testing.T) {
			o := DecideEUGDPR(facts("EU-GDPR", 10, est(c.est)))
			if !strings.Contains(o.Regulator, c.want) {
				t.Errorf("%s: Regulator got %q, want it to contain %q", c.law, o.Regulator, c.want)
			}
			for _, cite := range []string{"TEU Art. 52(2)", c.cite, "GDPR Art. 56(1)"} {
				if !contains(o.Citations, cite) {
					t.Errorf("%s: citations %v lack %q", c.law, o.Citations, cite)
				}
			}
			if contains(o.Citations, "GDPR Art. 27") {
				t.Errorf("%s: treated as established outside the EU (cites Art. 27)", c.law)
			}
			if !o.NotifyRegulator {
				t.Errorf("%s: high risk in the EU must be notified (Art. 33(1))", c.law)
			}
		})
	}
	// Outside the EU although French or Danish: overseas countries and
	// territories (Annex II TFEU) and the Faroe Islands (Art. 355(5)(a)).
	for _, e := range []string{"BL", "PM", "NC", "PF", "GL", "FO"} {
		o := DecideEUGDPR(facts("EU-GDPR", 10, est(e)))
		if !strings.Contains(o.Regulator, "each Member State") {
			t.Errorf("establishment %s (not part of the EU): Regulator got %q, want each Member State's authority", e, o.Regulator)
		}
	}
}

func TestEUGDPRChildren(t *testing.T) {
	o := DecideEUGDPR(facts("EU-GDPR", 10, minors(3)))
	if !strings.Contains(strings.Join(o.Reasons, " "), "children") || !contains(o.Citations, "GDPR Art. 12(1)") {
		t.Errorf("GDPR Art. 12(1): got reasons %q citations %v, want a child-friendly-language reason citing Art. 12(1)", o.Reasons, o.Citations)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
