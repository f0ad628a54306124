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
