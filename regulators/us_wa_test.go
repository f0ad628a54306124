package regulators

import "testing"

func TestUSWA(t *testing.T) {
	runCases(t, DecideUSWA, []ruleCase{
		{
			name:  "100 residents: individuals within 30 days, no AG",
			law:   "RCW 19.255.010(1), (8): 30 calendar days; (7): AG above 500",
			facts: facts("US-WA", 100),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "500 residents: no AG",
			law:   "RCW 19.255.010(7): more than 500",
			facts: facts("US-WA", 500),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "501 residents: AG within 30 days",
			law:   "RCW 19.255.010(7), (8): more than 500 -> AG within 30 days of discovery",
			facts: facts("US-WA", 501),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSPacific, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "no risk of harm",
			law:   "RCW 19.255.010(1): no notice when not reasonably likely to subject consumers to a risk of harm",
			facts: facts("US-WA", 501, risk(RiskLow)),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "full date of birth with a name",
			law:   "RCW 19.255.005(2): full date of birth is a data element in Washington",
			facts: facts("US-WA", 10, cats(catName, catDOB)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "SSN without a linked name",
			law:   "RCW 19.255.005(2)(a)(iii): data elements without a name are covered when they would enable identity theft",
			facts: facts("US-WA", 10, nameNoElem),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "name and e-mail only",
			law:   "RCW 19.255.005(2)(a): no data element exposed",
			facts: facts("US-WA", 10, cats(catName, catEmail)),
			want:  summary{},
		},
		{
			name:  "encrypted, key safe",
			law:   "RCW 19.255.010(1): only unsecured personal information",
			facts: facts("US-WA", 10, encrypted),
			want:  summary{SafeHarbour: true},
		},
	})
}
