package regulators

import "testing"

func TestUSNY(t *testing.T) {
	dos, police, dfs, cra := "New York Department of State", "New York State Police", "?New York Department of Financial Services", "nationwide consumer reporting agencies"
	runCases(t, DecideUSNY, []ruleCase{
		{
			name:  "100 residents: residents within 30 days, AG, DOS, State Police",
			law:   "N.Y. Gen. Bus. Law § 899-aa(2): 30 days after discovery; (8)(a): AG, Department of State and State Police whenever residents are notified (with the consumer notice: by its deadline until it is sent, then at it)",
			facts: facts("US-NY", 100),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{dos, police, dfs}},
		},
		{
			name:  "5,000 residents: no consumer reporting agencies",
			law:   "N.Y. Gen. Bus. Law § 899-aa(8)(b): more than 5,000",
			facts: facts("US-NY", 5000),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{dos, police, dfs}},
		},
		{
			name:  "5,001 residents: consumer reporting agencies too",
			law:   "N.Y. Gen. Bus. Law § 899-aa(8)(b): more than 5,000 New York residents at one time",
			facts: facts("US-NY", 5001),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{dos, police, dfs, cra}},
		},
		{
			name:  "inadvertent misdelivery, harm unlikely",
			law:   "N.Y. Gen. Bus. Law § 899-aa(2)(a): inadvertent disclosure by authorised persons, misuse unlikely -> no notice; written determination",
			facts: facts("US-NY", 40, accidental, cause("misdelivery"), conf("known_recipients"), risk(RiskLow), determined("US-NY", ExceptionNYInadvertent)),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "inadvertent misdelivery to 501 residents: determination to the AG within 10 days",
			law:   "N.Y. Gen. Bus. Law § 899-aa(2)(a): more than 500 -> determination to the AG within 10 days",
			facts: facts("US-NY", 501, accidental, cause("misdelivery"), conf("known_recipients"), risk(RiskLow), determined("US-NY", ExceptionNYInadvertent)),
			want:  summary{SafeHarbour: true, Others: []string{"New York Attorney General@" + daysIn(zoneUSEastern, 10).Format("2006-01-02T15:04:05Z07:00")}},
		},
		{
			name:  "malicious insider is not inadvertent",
			law:   "N.Y. Gen. Bus. Law § 899-aa(2)(a) requires an inadvertent disclosure",
			facts: facts("US-NY", 40, cause("insider"), risk(RiskLow)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{dos, police, dfs}},
		},
		{
			name:  "intruder access without proof of copying",
			law:   "N.Y. Gen. Bus. Law § 899-aa(1)(c): unauthorised access is a breach",
			facts: facts("US-NY", 40, conf("none"), cause("hacking")),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{dos, police, dfs}},
		},
		{
			name:  "HIPAA covered entity with health data: AG within 5 business days of HHS",
			law:   "N.Y. Gen. Bus. Law § 899-aa(9)",
			facts: facts("US-NY", 40, hipaaEntity, cats(catName, catHlth)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{dos, police, dfs, "New York Attorney General"}},
		},
		{
			name:  "SSN with an e-mail address, no name",
			law:   "N.Y. Gen. Bus. Law § 899-aa(1)(a)-(b): any identifier (name, number, personal mark) with a data element",
			facts: facts("US-NY", 40, cats(catEmail, catSSN)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 30), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 30), Others: []string{dos, police, dfs}},
		},
		{
			name:  "name and e-mail only",
			law:   "N.Y. Gen. Bus. Law § 899-aa(1)(b): no data element",
			facts: facts("US-NY", 40, cats(catName, catEmail)),
			want:  summary{},
		},
		{
			name:  "encrypted, key safe",
			law:   "N.Y. Gen. Bus. Law § 899-aa(1)(b): encrypted data excluded unless the key was acquired",
			facts: facts("US-NY", 40, encrypted),
			want:  summary{SafeHarbour: true},
		},
	})
}
