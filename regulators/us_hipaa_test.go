package regulators

import "testing"

func TestUSHIPAA(t *testing.T) {
	health := func(n int, mods ...func(*Facts)) Facts {
		return facts("US-HIPAA", n, append([]func(*Facts){hipaaEntity, cats(catName, catHlth)}, mods...)...)
	}
	annual := tm("2027-03-02T04:59:59Z") // end of 1 March 2027, US Eastern
	media := "prominent media outlets serving the State@" + daysIn(zoneUSEastern, 60).Format("2006-01-02T15:04:05Z07:00")
	runCases(t, DecideUSHIPAA, []ruleCase{
		{
			name:  "not a covered entity",
			law:   "45 CFR § 164.402: the rule binds covered entities only",
			facts: facts("US-HIPAA", 900, cats(catName, catHlth)),
			want:  summary{},
		},
		{
			name:  "covered entity without health data",
			law:   "45 CFR § 164.402: no PHI -> no breach of PHI",
			facts: facts("US-HIPAA", 900, hipaaEntity),
			want:  summary{},
		},
		{
			name:  "499 people: individuals in 60 days, HHS annual log",
			law:   "45 CFR § 164.404(b) 60 days; § 164.408(c) fewer than 500 -> within 60 days after the end of the calendar year (1 March 2027, end of day)",
			facts: health(499),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: annual, NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 60)},
		},
		{
			name:  "500 people: HHS contemporaneously, no media",
			law:   "45 CFR § 164.408(b): 500 or more -> HHS with individuals; § 164.406: media only for more than 500 residents",
			facts: health(500),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 60), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 60)},
		},
		{
			name:  "501 people, distribution unknown: media",
			law:   "45 CFR § 164.406(a): more than 500 residents of a State -> prominent media; assumed one State when unknown",
			facts: health(501),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 60), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 60), PublicNotice: true, Others: []string{media}},
		},
		{
			name:  "1000 people split 500/500: no media",
			law:   "45 CFR § 164.406(a): the threshold counts residents of one State",
			facts: health(1000, func(f *Facts) { f.SubjectsByState = map[string]int{"CA": 500, "NY": 500} }),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 60), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 60)},
		},
		{
			name:  "1000 people, 600 in New York: media",
			law:   "45 CFR § 164.406(a)",
			facts: health(1000, func(f *Facts) { f.SubjectsByState = map[string]int{"CA": 400, "NY": 600} }),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: daysIn(zoneUSEastern, 60), NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 60), PublicNotice: true, Others: []string{media}},
		},
		{
			name:  "encrypted PHI is secured",
			law:   "45 CFR § 164.402: encrypted per HHS guidance is not unsecured PHI -> no notification",
			facts: health(900, encrypted),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "low probability of compromise",
			law:   "45 CFR § 164.402(2): documented four-factor assessment shows low probability -> not a breach",
			facts: health(900, risk(RiskLow), determined("US-HIPAA", ExceptionHIPAALowProbability)),
			want:  summary{SafeHarbour: true},
		},
		{
			name:  "9 without contact: alternative notice allowed",
			law:   "45 CFR § 164.404(d)(2)(i): fewer than 10 -> alternative written notice, telephone or other means",
			facts: health(100, noContact(9)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: annual, NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 60), PublicNoticeAllowed: true},
		},
		{
			name:  "10 without contact: web or media substitute notice required",
			law:   "45 CFR § 164.404(d)(2)(ii): 10 or more -> 90-day web posting or major media, toll-free number",
			facts: health(100, noContact(10)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: annual, NotifyIndividuals: true, IndividualDeadline: daysIn(zoneUSEastern, 60), PublicNotice: true, PublicNoticeAllowed: true},
		},
	})
}
