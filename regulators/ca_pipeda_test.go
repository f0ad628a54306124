package regulators

import "testing"

func TestCAPIPEDA(t *testing.T) {
	others := "?other organisations or government institutions that may be able to reduce or mitigate the harm"
	runCases(t, DecideCAPIPEDA, []ruleCase{
		{
			name:  "real risk of significant harm: Commissioner and individuals as soon as feasible",
			law:   "PIPEDA s. 10.1(1), (3), (6): RROSH -> report and notify as soon as feasible (no fixed days)",
			facts: facts("CA-PIPEDA", 100, risk(RiskRisk)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true, Others: []string{others}},
		},
		{
			name:  "low risk: record only",
			law:   "PIPEDA s. 10.1(1), (8): no real risk of significant harm -> no report; s. 10.3 record 24 months",
			facts: facts("CA-PIPEDA", 100, risk(RiskLow)),
			want:  summary{},
		},
		{
			name:  "encrypted and low risk",
			law:   "PIPEDA s. 10.1(8): encryption lowers the probability of misuse below RROSH",
			facts: facts("CA-PIPEDA", 100, encrypted, risk(RiskLow)),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "no contact information: indirect notice required",
			law:   "SOR/2018-64 s. 5(1)(c): no contact information -> indirect notice (public communication)",
			facts: facts("CA-PIPEDA", 100, noContact(4)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNotice: true, PublicNoticeAllowed: true, Others: []string{others}},
		},
		{
			name:  "no effect on the data",
			law:   "PIPEDA s. 2(1): no breach of security safeguards",
			facts: facts("CA-PIPEDA", 100, noEffect),
			want:  summary{},
		},
	})
}
