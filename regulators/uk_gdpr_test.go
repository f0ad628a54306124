package regulators

import "testing"

func TestUKGDPR(t *testing.T) {
	runCases(t, DecideUKGDPR, []ruleCase{
		{
			name:  "high risk: ICO within 72 hours and individuals",
			law:   "UK GDPR Art. 33(1): ICO within 72 hours; Art. 34(1): high risk -> individuals without undue delay",
			facts: facts("UK-GDPR", 300),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72), NotifyIndividuals: true},
		},
		{
			name:  "risk: ICO only",
			law:   "UK GDPR Art. 33(1) yes; Art. 34(1) needs high risk",
			facts: facts("UK-GDPR", 300, risk(RiskRisk)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72)},
		},
		{
			name:  "low risk: record only",
			law:   "UK GDPR Art. 33(1) unlikely to result in a risk; Art. 33(5) record",
			facts: facts("UK-GDPR", 300, risk(RiskLow)),
			want:  summary{},
		},
		{
			name:  "encrypted: ICO, no communication",
			law:   "UK GDPR Art. 34(3)(a): unintelligible data -> no communication, Art. 33 still applies",
			facts: facts("UK-GDPR", 300, encrypted),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72), SafeHarbour: true},
		},
		{
			name:  "some without contact: public communication",
			law:   "UK GDPR Art. 34(3)(c)",
			facts: facts("UK-GDPR", 300, noContact(1)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(72), NotifyIndividuals: true, PublicNotice: true, PublicNoticeAllowed: true},
		},
	})
	o := DecideUKGDPR(facts("UK-GDPR", 300))
	if o.Regulator != "Information Commissioner's Office" {
		t.Errorf("Regulator: got %q, want %q", o.Regulator, "Information Commissioner's Office")
	}
	if !contains(o.Citations, "UK GDPR Art. 33(1)") || contains(o.Citations, "GDPR Art. 33(1)") {
		t.Errorf("Citations: got %v, want UK GDPR articles only", o.Citations)
	}
	if !contains(o.Citations, "PECR 2003 reg. 5A(2) as amended by the Data (Use and Access) Act 2025") {
		t.Errorf("Citations: got %v, want the PECR rule as amended in 2025 (72 hours) mentioned", o.Citations)
	}
	if len(o.Unverified) == 0 {
		t.Errorf("Unverified: got none, want the UK Art. 34(3) text flagged")
	}
}
