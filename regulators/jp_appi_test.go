package regulators

import "testing"

func TestJPAPPI(t *testing.T) {
	final30 := "Personal Information Protection Commission@" + tm("2026-12-19T14:59:59Z").Format("2006-01-02T15:04:05Z07:00")
	final60 := "Personal Information Protection Commission@" + tm("2027-01-18T14:59:59Z").Format("2006-01-02T15:04:05Z07:00")
	simple := []func(*Facts){cats(catName, catEmail), accidental, cause("misdelivery"), risk(RiskRisk)}
	runCases(t, DecideJPAPPI, []ruleCase{
		{
			name:  "1,000 people, ordinary data, no unlawful purpose: not reportable",
			law:   "PPC Enforcement Rules Art. 7(iv): more than 1,000",
			facts: facts("JP-APPI", 1000, simple...),
			want:  summary{},
		},
		{
			name:  "1,001 people: preliminary and 30-day final report",
			law:   "PPC Enforcement Rules Art. 7(iv); Art. 8(1) promptly (3-5 days guidance); Art. 8(2) final within 30 days",
			facts: facts("JP-APPI", 1001, simple...),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: tm("2026-11-22T14:59:59Z"), NotifyIndividuals: true, Others: []string{final30}},
		},
		{
			name:  "unlawful purpose, one person: 60-day final report",
			law:   "PPC Enforcement Rules Art. 7(iii) applies to a single person; Art. 8(2): 60 days",
			facts: facts("JP-APPI", 1, cats(catName, catEmail)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: tm("2026-11-22T14:59:59Z"), NotifyIndividuals: true, Others: []string{final60}},
		},
		{
			name:  "special-care-required data, accidental",
			law:   "PPC Enforcement Rules Art. 7(i): special-care-required personal information, even for one person",
			facts: facts("JP-APPI", 1, cats(catName, catHlth), accidental),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: tm("2026-11-22T14:59:59Z"), NotifyIndividuals: true, Others: []string{final30}},
		},
		{
			name:  "encrypted",
			law:   "PPC Enforcement Rules Art. 7: data protected by advanced encryption is excluded",
			facts: facts("JP-APPI", 5000, encrypted),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "unreachable people: alternative measures allowed",
			law:   "APPI Art. 26(2) proviso: notice difficult -> alternative measures (public announcement)",
			facts: facts("JP-APPI", 1, cats(catName, catCard), noContact(1), accidental),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: tm("2026-11-22T14:59:59Z"), NotifyIndividuals: true, PublicNoticeAllowed: true, Others: []string{final30}},
		},
	})
}
