package regulators

import "testing"

func TestCAQC(t *testing.T) {
	runCases(t, DecideCAQC, []ruleCase{
		{
			name:  "risk of serious injury: CAI and persons promptly",
			law:   "CQLR c P-39.1 s. 3.5: risk of serious injury -> notify the Commission and the persons promptly (no fixed time)",
			facts: facts("CA-QC", 20),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true, Others: []string{"?any person or body that could reduce the risk"}},
		},
		{
			name:  "no risk of serious injury: register only",
			law:   "CQLR c P-39.1 ss. 3.5, 3.8: below the threshold, record the incident in the register",
			facts: facts("CA-QC", 20, risk(RiskLow)),
			want:  summary{},
		},
		{
			name:  "no contact information: public notice",
			law:   "Regulation respecting confidentiality incidents s. 5: public notice when there is no contact information",
			facts: facts("CA-QC", 20, noContact(3)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNotice: true, PublicNoticeAllowed: true, Others: []string{"?any person or body that could reduce the risk"}},
		},
	})
}

func TestCAAB(t *testing.T) {
	runCases(t, DecideCAAB, []ruleCase{
		{
			name:  "real risk of significant harm: OIPC without unreasonable delay",
			law:   "PIPA (Alberta) s. 34.1(1): real risk of significant harm -> Commissioner; s. 37.1: individuals as required",
			facts: facts("CA-AB", 20),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true},
		},
		{
			name:  "no real risk: nothing",
			law:   "PIPA (Alberta) s. 34.1(1): a reasonable person would not consider there is a real risk",
			facts: facts("CA-AB", 20, risk(RiskLow)),
			want:  summary{},
		},
	})
}
