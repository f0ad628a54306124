package regulators

import "testing"

func TestUSFL(t *testing.T) {
	cra := "nationwide consumer reporting agencies"
	dept := "Florida Department of Legal Affairs@" + daysIn(zoneUSEastern, 30).Format("2006-01-02T15:04:05Z07:00")
	runCases(t, DecideUSFL, []ruleCase{
		{
			name:  "499 Floridians: individuals within 30 days, no Department",
			law:   "Fla. Stat. § 501.171(4)(a): 30 days; (3)(a): Department from 500",
			facts: facts("US-FL", 499),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30)},
		},
		{
			name:  "500 Floridians: Department within 30 days",
			law:   "Fla. Stat. § 501.171(3)(a): 500 or more individuals in this state",
			facts: facts("US-FL", 500),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30)},
		},
		{
			name:  "1,000: no consumer reporting agencies",
			law:   "Fla. Stat. § 501.171(5): more than 1,000",
			facts: facts("US-FL", 1000),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30)},
		},
		{
			name:  "1,001: consumer reporting agencies",
			law:   "Fla. Stat. § 501.171(5): more than 1,000 individuals at a single time",
			facts: facts("US-FL", 1001),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{cra}},
		},
		{
			name:  "no financial harm likely: no individual notice, determination to the Department",
			law:   "Fla. Stat. § 501.171(4)(c): written determination after consulting law enforcement, sent to the Department within 30 days",
			facts: facts("US-FL", 100, risk(RiskLow), determined("US-FL", ExceptionFLNoHarm)),
			want:  summary{SafeHarbour: true, Others: []string{dept}},
		},
		{
			name:  "no harm likely but 600 people: Department notice still due",
			law:   "Fla. Stat. § 501.171(3)(a) is independent of the (4)(c) exception to individual notice",
			facts: facts("US-FL", 600, risk(RiskLow), determined("US-FL", ExceptionFLNoHarm)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), SafeHarbour: true, Others: []string{dept}},
		},
		{
			name:  "intruder access without proof of copying",
			law:   "Fla. Stat. § 501.171(1)(a): breach means unauthorised access",
			facts: facts("US-FL", 10, conf("none"), cause("ransomware")),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30)},
		},
		{
			name:  "geolocation with a name",
			law:   "Fla. Stat. § 501.171(1)(g)1.a.(VII): any information regarding an individual's geolocation is a data element",
			facts: facts("US-FL", 10, cats(catName, Category{ID: "location", Class: "behavioural"})),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30)},
		},
		{
			name:  "encrypted, key safe",
			law:   "Fla. Stat. § 501.171(1)(g)2.: encrypted information is not personal information",
			facts: facts("US-FL", 600, encrypted),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "no e-mail or postal address: substitute notice allowed",
			law:   "Fla. Stat. § 501.171(4)(f)",
			facts: facts("US-FL", 10, noContact(2)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), PublicNoticeAllowed: true},
		},
	})
}
