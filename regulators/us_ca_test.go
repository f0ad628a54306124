package regulators

import "testing"

func TestUSCA(t *testing.T) {
	runCases(t, DecideUSCA, []ruleCase{
		{
			name:  "name and SSN, 100 residents: individuals within 30 days",
			law:   "Cal. Civ. Code § 1798.82(a) as amended by SB 446: 30 calendar days; (f) Attorney General only above 500",
			facts: facts("US-CA", 100),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "500 residents: no Attorney General",
			law:   "Cal. Civ. Code § 1798.82(f): more than 500",
			facts: facts("US-CA", 500),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "501 residents: Attorney General sample copy",
			law:   "Cal. Civ. Code § 1798.82(f): within 15 days of notifying consumers -> undated (15 days after the consumer notice, not yet sent) until it is sent",
			facts: facts("US-CA", 501),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "low GDPR-style risk does not matter",
			law:   "Cal. Civ. Code § 1798.82(a) has no risk-of-harm test",
			facts: facts("US-CA", 100, risk(RiskLow)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "encrypted, key safe",
			law:   "Cal. Civ. Code § 1798.82(a): only unencrypted PI, or encrypted PI with the key",
			facts: facts("US-CA", 900, encrypted),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "online credentials alone",
			law:   "Cal. Civ. Code § 1798.82(h)(2): user name or e-mail with password is PI on its own",
			facts: facts("US-CA", 100, cats(catEmail, catCreds)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "name and e-mail only",
			law:   "Cal. Civ. Code § 1798.82(h): name without a data element is not PI",
			facts: facts("US-CA", 100, cats(catName, catEmail)),
			want:  summary{},
		},
		{
			name:  "SSN not linked to a name",
			law:   "Cal. Civ. Code § 1798.82(h)(1): name in combination with the element",
			facts: facts("US-CA", 100, nameNoElem),
			want:  summary{},
		},
		{
			name:  "ransomware without exfiltration",
			law:   "Cal. Civ. Code § 1798.82(a): triggered by acquisition, not by encryption of systems alone",
			facts: facts("US-CA", 100, conf("none"), cause("ransomware"), func(f *Facts) { f.Availability = "temporary" }),
			want:  summary{},
		},
		{
			name:  "more than 500,000 residents: substitute notice allowed",
			law:   "Cal. Civ. Code § 1798.82(j)(3): affected class exceeds 500,000",
			facts: facts("US-CA", 500_001),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30), PublicNoticeAllowed: true},
		},
		{
			name:  "exactly 500,000 with contact for all: no substitute notice",
			law:   "Cal. Civ. Code § 1798.82(j)(3): 'exceeds 500,000'",
			facts: facts("US-CA", 500_000),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30)},
		},
		{
			name:  "insufficient contact information: substitute notice allowed",
			law:   "Cal. Civ. Code § 1798.82(j)(3): insufficient contact information",
			facts: facts("US-CA", 100, noContact(3)),
			want:  summary{NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSPacific, 30), PublicNoticeAllowed: true},
		},
	})
}
