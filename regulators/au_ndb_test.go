package regulators

import "testing"

func TestAUNDB(t *testing.T) {
	runCases(t, DecideAUNDB, []ruleCase{
		{
			name:  "likely serious harm: OAIC statement and individuals",
			law:   "Privacy Act 1988 s. 26WE(2), 26WK(2), 26WL(3): eligible data breach -> as soon as practicable (no fixed days)",
			facts: facts("AU-NDB", 100),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true},
		},
		{
			name:  "risk but not serious harm",
			law:   "Privacy Act 1988 s. 26WE(2)(a)(ii): only likely serious harm makes a breach eligible",
			facts: facts("AU-NDB", 100, risk(RiskRisk)),
			want:  summary{},
		},
		{
			name:  "encrypted, key safe",
			law:   "Privacy Act 1988 s. 26WG(h): encryption whose key was not obtained makes serious harm unlikely",
			facts: facts("AU-NDB", 100, encrypted, risk(RiskLow)),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "nobody reachable: publish the statement",
			law:   "Privacy Act 1988 s. 26WL(2)(c): neither direct option practicable -> publish and publicise",
			facts: facts("AU-NDB", 100, noContact(100)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNotice: true, PublicNoticeAllowed: true},
		},
		{
			name:  "some unreachable: publication allowed for them",
			law:   "Privacy Act 1988 s. 26WL(2)",
			facts: facts("AU-NDB", 100, noContact(5)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true},
		},
		{
			name:  "integrity only",
			law:   "Privacy Act 1988 s. 26WE(2): only unauthorised access, disclosure or loss",
			facts: facts("AU-NDB", 100, conf("none"), func(f *Facts) { f.Integrity = "altered_recovered" }),
			want:  summary{},
		},
	})
}
