package regulators

import (
	"testing"
	"time"
)

func TestINDPDP(t *testing.T) {
	after := time.Date(2027, time.June, 1, 9, 0, 0, 0, time.UTC)
	certIn := "CERT-In@" + hours(6).Format(time.RFC3339)
	certInAfter := "CERT-In@" + after.Add(6*time.Hour).Format(time.RFC3339)
	dpb := after.Add(72 * time.Hour)
	runCases(t, DecideINDPDP, []ruleCase{
		{
			name:  "before rule 7 commences: CERT-In 6 hours only",
			law:   "DPDP Rules 2025 r. 1(3): r. 7 in force 18 months after publication (May 2027); CERT-In Directions 2022: 6 hours",
			facts: facts("IN-DPDP", 100),
			want:  summary{Others: []string{certIn}},
		},
		{
			name:  "after commencement: Board within 72 hours, Data Principals without delay",
			law:   "DPDP Rules 2025 r. 7(1), 7(2)(b): every breach, 72 hours for the detailed report",
			facts: facts("IN-DPDP", 100, discovered(after)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: &dpb, NotifyIndividuals: true, Others: []string{certInAfter}},
		},
		{
			name:  "after commencement, encrypted and low risk: still every breach",
			law:   "DPDP Act s. 8(6): no risk threshold and no encryption exemption",
			facts: facts("IN-DPDP", 100, discovered(after), encrypted, risk(RiskNone)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: &dpb, NotifyIndividuals: true, Others: []string{certInAfter}},
		},
		{
			name:  "no effect on the data",
			law:   "DPDP Act s. 2(u): no personal data breach",
			facts: facts("IN-DPDP", 100, noEffect, discovered(after)),
			want:  summary{},
		},
	})
}
