package regulators

import "testing"

func TestCNPIPL(t *testing.T) {
	closing := "provincial CAC, through the channel of the incident report"
	runCases(t, DecideCNPIPL, []ruleCase{
		{
			name:  "leak below the CAC volume grade",
			law:   "PIPL Art. 57: any leak -> immediately notify departments and individuals; no hour deadline below 1 million (CAC Measures annex)",
			facts: facts("CN-PIPL", 5000),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true},
		},
		{
			name:  "just below 1 million",
			law:   "CAC Measures annex: 'relatively major' starts at 1,000,000 people",
			facts: facts("CN-PIPL", 999_999),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true},
		},
		{
			name:  "1 million people: provincial CAC within 4 hours and closing report",
			law:   "CAC Measures Art. 4: relatively major incident -> provincial CAC within 4 hours; Art. 8: summary within 30 days after handling",
			facts: facts("CN-PIPL", 1_000_000),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: hours(4), NotifyIndividuals: true, PublicNoticeAllowed: true, Others: []string{closing}},
		},
		{
			name:  "encrypted: departments yes, individuals no",
			law:   "PIPL Art. 57(2): measures effectively avoid harm -> individual notice may be omitted; departments still notified",
			facts: facts("CN-PIPL", 5000, encrypted),
			want:  summary{NotifyRegulator: true, SafeHarbour: true},
		},
		{
			name:  "contained, recovered, low risk: departments only",
			law:   "PIPL Art. 57(2): harm effectively avoided",
			facts: facts("CN-PIPL", 5000, recovered, risk(RiskLow)),
			want:  summary{NotifyRegulator: true, SafeHarbour: true},
		},
		{
			name:  "tampering only",
			law:   "PIPL Art. 57: tampering is a trigger like leakage",
			facts: facts("CN-PIPL", 50, conf("none"), func(f *Facts) { f.Integrity = "altered_unrecoverable" }),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true},
		},
		{
			name:  "temporary unavailability only",
			law:   "PIPL Art. 57: no leak, tampering or loss -> no duty",
			facts: facts("CN-PIPL", 50, conf("none"), func(f *Facts) { f.Availability = "temporary" }),
			want:  summary{},
		},
		{
			name:  "people without contact: announcement allowed",
			law:   "NDSMR Art. 11(2): public announcement is a permitted means",
			facts: facts("CN-PIPL", 50, noContact(5)),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true, PublicNoticeAllowed: true},
		},
	})
}
