package regulators

import "testing"

func TestSGPDPA(t *testing.T) {
	runCases(t, DecideSGPDPA, []ruleCase{
		{
			name:  "499 people, name and e-mail, risk: not notifiable",
			law:   "PDPA s. 26B(1): neither significant harm (no prescribed data, not high risk) nor significant scale (reg. 4: 500)",
			facts: facts("SG-PDPA", 499, cats(catName, catEmail), risk(RiskRisk)),
			want:  summary{},
		},
		{
			name:  "500 people, name and e-mail: PDPC within 3 days, individuals not",
			law:   "PDPA s. 26B(1)(b) significant scale -> s. 26D(1) PDPC within 3 calendar days; s. 26D(2) individuals only for significant harm",
			facts: facts("SG-PDPA", 500, cats(catName, catEmail), risk(RiskRisk)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneSingapore, 3)},
		},
		{
			name:  "10 people, name with card number: deemed significant harm",
			law:   "Regulations 2021 reg. 3 + Schedule: name with financial information -> significant harm -> PDPC and individuals",
			facts: facts("SG-PDPA", 10, cats(catName, catCard), risk(RiskRisk)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneSingapore, 3), NotifyIndividuals: true},
		},
		{
			name:  "credentials alone: deemed significant harm",
			law:   "Regulations 2021 Schedule Part 2: account identifier with password",
			facts: facts("SG-PDPA", 10, cats(catEmail, catCreds), risk(RiskLow)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneSingapore, 3), NotifyIndividuals: true},
		},
		{
			name:  "encrypted card data: PDPC yes, individuals no",
			law:   "PDPA s. 26D(5)(b): prior technological measure makes significant harm unlikely -> no individual notice; PDPC still",
			facts: facts("SG-PDPA", 10, cats(catName, catCard), encrypted),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneSingapore, 3), SafeHarbour: true},
		},
		{
			name:  "high risk with unreachable people",
			law:   "PDPA s. 26D(2): any reasonable manner, after the PDPC",
			facts: facts("SG-PDPA", 10, cats(catName, catEmail), noContact(2)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneSingapore, 3), NotifyIndividuals: true, PublicNoticeAllowed: true},
		},
	})
}
