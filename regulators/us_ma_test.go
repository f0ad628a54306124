package regulators

import "testing"

func TestUSMA(t *testing.T) {
	ocabr := "Massachusetts Office of Consumer Affairs and Business Regulation"
	runCases(t, DecideUSMA, []ruleCase{
		{
			name:  "acquired by an unknown party: AG, OCABR and residents, no fixed days",
			law:   "Mass. Gen. Laws ch. 93H, § 3(b): acquisition by an unauthorised person -> notice as soon as practicable, no risk test on that prong",
			facts: facts("US-MA", 10, risk(RiskLow)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, Others: []string{ocabr}},
		},
		{
			name:  "exposure only and no substantial risk",
			law:   "Mass. Gen. Laws ch. 93H, § 1(a): a breach of security needs a substantial risk of identity theft or fraud",
			facts: facts("US-MA", 10, conf("possible"), risk(RiskLow)),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "exposure with risk",
			law:   "Mass. Gen. Laws ch. 93H, § 1(a): substantial risk -> breach of security",
			facts: facts("US-MA", 10, conf("possible"), risk(RiskRisk)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, Others: []string{ocabr}},
		},
		{
			name:  "health data with a name is not Massachusetts personal information",
			law:   "Mass. Gen. Laws ch. 93H, § 1(a): SSN, licence or state ID, financial account or card number only",
			facts: facts("US-MA", 10, cats(catName, catHlth)),
			want:  summary{},
		},
		{
			name:  "card number with a name",
			law:   "Mass. Gen. Laws ch. 93H, § 1(a): credit or debit card number",
			facts: facts("US-MA", 10, cats(catName, catCard)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, Others: []string{ocabr}},
		},
		{
			name:  "encrypted, key safe",
			law:   "Mass. Gen. Laws ch. 93H, § 1(a): encrypted data excluded unless the key was acquired",
			facts: facts("US-MA", 10, encrypted),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "over 500,000 residents: substitute notice allowed",
			law:   "Mass. Gen. Laws ch. 93H, § 1(a) 'substitute notice': affected class over 500,000",
			facts: facts("US-MA", 500_001),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true, Others: []string{ocabr}},
		},
	})
}
