package regulators

import "testing"

func TestUSTX(t *testing.T) {
	cra := "nationwide consumer reporting agencies"
	runCases(t, DecideUSTX, []ruleCase{
		{
			name:  "249 Texans: individuals within 60 days, no AG",
			law:   "Tex. Bus. & Com. Code § 521.053(b): 60th day; (i): AG from 250 residents",
			facts: facts("US-TX", 249),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSCentral, 60)},
		},
		{
			name:  "250 Texans: AG within 30 days",
			law:   "Tex. Bus. & Com. Code § 521.053(i) (SB 768): at least 250 residents -> AG not later than 30th day",
			facts: facts("US-TX", 250),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSCentral, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSCentral, 60)},
		},
		{
			name:  "10,000 persons in all: no consumer reporting agencies",
			law:   "Tex. Bus. & Com. Code § 521.053(h): more than 10,000",
			facts: facts("US-TX", 300, total(10000)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSCentral, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSCentral, 60)},
		},
		{
			name:  "10,001 persons in all: consumer reporting agencies",
			law:   "Tex. Bus. & Com. Code § 521.053(h): more than 10,000 persons notified at one time, residents of any state",
			facts: facts("US-TX", 300, total(10001)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSCentral, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSCentral, 60), Others: []string{cra}},
		},
		{
			name:  "online credentials alone are not sensitive personal information",
			law:   "Tex. Bus. & Com. Code § 521.002(a)(2) does not list credentials",
			facts: facts("US-TX", 300, cats(catEmail, catCreds)),
			want:  summary{},
		},
		{
			name:  "health information with a name",
			law:   "Tex. Bus. & Com. Code § 521.002(a)(2)(B): information on health condition or care",
			facts: facts("US-TX", 10, cats(catName, catHlth)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSCentral, 60)},
		},
		{
			name:  "health information with an e-mail address, no name",
			law:   "Tex. Bus. & Com. Code § 521.002(a)(2)(B): information that identifies an individual and relates to health needs no name",
			facts: facts("US-TX", 10, cats(catEmail, catHlth)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSCentral, 60)},
		},
		{
			name:  "low risk does not matter",
			law:   "Tex. Bus. & Com. Code § 521.053(b) has no risk-of-harm test",
			facts: facts("US-TX", 10, risk(RiskNone)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSCentral, 60)},
		},
		{
			name:  "encrypted, key safe",
			law:   "Tex. Bus. & Com. Code § 521.053(a): encrypted data only if the key was obtained",
			facts: facts("US-TX", 300, encrypted),
			want:  summary{SafeHarbour: true},
		},
	})
}
