package regulators

import (
	"fmt"
	"slices"
	"time"
)

const (
	usHIPAAID  = "US-HIPAA"
	usHIPAALaw = "HIPAA Breach Notification Rule, 45 CFR §§ 164.400-414 (HITECH Act § 13402)"
	usHIPAAReg = "Secretary of Health and Human Services (HHS Office for Civil Rights breach portal)"
)

// USHIPAA is the US federal rule for breaches of unsecured protected health
// information held by a HIPAA covered entity or its business associate.
var USHIPAA = Rule{
	ID:        usHIPAAID,
	Name:      "United States (federal, health information)",
	Law:       usHIPAALaw,
	Regulator: usHIPAAReg,
	Decide:    DecideUSHIPAA,
}

// DecideUSHIPAA applies 45 CFR §§ 164.400-414 to f. It applies only when the
// organisation is a covered entity or a business associate and protected
// health information was involved (Facts.PHI, or a health category); a
// business associate notifies the covered entity (§ 164.410).
func DecideUSHIPAA(f Facts) Obligation {
	b := newBuilder(usHIPAAID, usHIPAALaw, usHIPAAReg, f)
	if !f.HIPAACoveredEntity && !f.HIPAABusinessAssociate {
		b.because("The organisation is neither a HIPAA covered entity nor a business associate, so the HIPAA Breach Notification Rule does not apply.", "45 CFR § 164.402", "45 CFR § 164.410")
		return b.done()
	}
	if b.noSubjects(f, "45 CFR § 164.404(a)") {
		return b.done()
	}
	if !hasPHI(f) {
		b.because("No protected health information was involved (no system holding patients' data, and no medical, health-insurance or genetic data), so there is no breach of PHI.", "45 CFR § 164.402")
		return b.done()
	}
	if f.PHI {
		b.because("The affected systems hold the organisation's patients' individually identifiable information: all of it, demographics, identifiers and billing data included, is protected health information, not only the health categories (systems that hold none, such as staff records, are marked phi: false in the inventory).", "45 CFR § 160.103")
	}
	b.unverified("the three statutory exclusions of 45 CFR § 164.402(1) (good-faith workforce access, inadvertent disclosure between authorised persons, recipient unable to retain) are not modelled, and the toll-free number's 90 days in § 164.404(d)(2)(ii)(B) was read in secondary sources only")
	b.o.IndividualContent = []string{
		"a brief description of what happened, including the date of the breach and the date of discovery, if known",
		"the types of unsecured protected health information involved (full name, SSN, date of birth, home address, account number, diagnosis, disability code...)",
		"steps individuals should take to protect themselves from potential harm",
		"what the covered entity is doing to investigate the breach, mitigate harm and protect against further breaches",
		"contact procedures, which must include a toll-free telephone number, an e-mail address, web site or postal address",
		"written in plain language",
	}
	b.o.RegulatorContent = []string{"the information requested by the HHS breach portal form (not prescribed by the regulation)"}
	if !exposed(f) && !altered(f) && !lost(f) && f.Cause != "ransomware" {
		b.because("No acquisition, access, use or disclosure of the health information is reported, so there is no breach as defined.", "45 CFR § 164.402")
		return b.done()
	}
	if f.Cause == "ransomware" && !exposed(f) {
		b.because("Ransomware that encrypted PHI is treated by HHS as an unauthorised acquisition of it (the PHI came under the attacker's control), so it is presumed a breach even without evidence of exfiltration.", "45 CFR § 164.402")
	}
	if f.Unintelligible {
		b.o.SafeHarbour = "secured PHI: encrypted per the HHS guidance, key not compromised (45 CFR § 164.402)"
		b.because("The health information was encrypted and the key was not compromised, so it is not 'unsecured' protected health information and no breach notification is required.", "45 CFR § 164.402", "45 CFR § 164.404(a)(1)")
		return b.done()
	}
	if !f.Risk.AtLeast(RiskRisk) && documented(b, f, ExceptionHIPAALowProbability, "the low-probability-of-compromise finding (a documented risk assessment of the four factors: nature and extent of the PHI, the unauthorised person, whether it was actually acquired or viewed, and the extent of mitigation)", "45 CFR § 164.402(2)") {
		b.o.SafeHarbour = "low probability that the PHI has been compromised (45 CFR § 164.402(2))"
		b.because(fmt.Sprintf("An impermissible use or disclosure of PHI is presumed a breach unless a documented risk assessment of the four factors (nature and extent of the PHI, the unauthorised person, whether it was actually acquired or viewed, the extent of mitigation) shows a low probability of compromise; the assessment rates the risk %q, so no notice is due provided that assessment is documented and kept six years.", f.Risk), "45 CFR § 164.402(2)", "45 CFR § 164.530(j)")
		return b.done()
	}
	if !f.HIPAACoveredEntity {
		decideBusinessAssociate(b, f)
		return b.done()
	}
	b.because("Unsecured protected health information was acquired, accessed, used or disclosed without permission and no documented risk assessment shows a low probability of compromise, so this is presumed a breach.", "45 CFR § 164.402")
	if f.Risk.AtLeast(RiskRisk) {
		b.judgment("the four-factor risk assessment of 45 CFR § 164.402(2) is for the covered entity to document; the automated score does not show a low probability of compromise")
	}

	discovered := f.DiscoveredAt
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadline = at(CalendarDaysEnd(discovered, 60, zoneUSEastern))
	b.o.IndividualDeadlineText = "without unreasonable delay and in no case later than 60 calendar days after discovery of the breach"
	b.because(fmt.Sprintf("Each individual must be notified by first-class mail (or e-mail if agreed) without unreasonable delay and in no case later than 60 calendar days after discovery, i.e. by %s; 60 days is an outer limit, not a safe harbour.", b.o.IndividualDeadline.Format("2006-01-02 15:04 MST")), "45 CFR § 164.404(b)", "45 CFR § 164.404(c)", "45 CFR § 164.404(d)(1)")
	b.because("A law-enforcement official's statement that notice would impede a criminal investigation delays notice for the period stated (or up to 30 days if oral).", "45 CFR § 164.412")

	b.o.NotifyRegulator = true
	if f.Subjects >= 500 {
		b.o.RegulatorDeadline = at(CalendarDaysEnd(discovered, 60, zoneUSEastern))
		b.o.RegulatorDeadlineText = "contemporaneously with the notice to individuals, and in no case later than 60 calendar days after discovery"
		b.because(fmt.Sprintf("The breach involves %d individuals (500 or more), so the Secretary of HHS must be notified contemporaneously with the individuals, by %s at the latest.", f.Subjects, b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")), "45 CFR § 164.408(b)")
	} else {
		// The calendar year of discovery is taken where it is earliest in
		// the United States, so that a breach found late on 31 December
		// in any US zone is logged for that year, never a year late.
		y := discovered.In(zoneUSEarliest).Year()
		b.o.RegulatorDeadline = at(CalendarDaysEnd(time.Date(y, time.December, 31, 12, 0, 0, 0, zoneUSEastern), 60, zoneUSEastern))
		b.o.RegulatorDeadlineText = "in the breach log, not later than 60 days after the end of each calendar year, for breaches discovered during the preceding calendar year"
		b.because(fmt.Sprintf("The breach involves fewer than 500 individuals (%d), so it is logged and reported to the Secretary of HHS within 60 days after the end of the calendar year of discovery, i.e. by %s.", f.Subjects, b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")), "45 CFR § 164.408(c)")
	}

	// Media: more than 500 residents of a State or jurisdiction.
	state, residents := largestState(f)
	if residents > 500 {
		b.o.PublicNotice = true
		where := "of one State"
		if state != "" {
			where = "of " + state
		}
		text := fmt.Sprintf("More than 500 residents %s are affected (%d), so prominent media outlets serving that State must be notified within the same 60 days and with the same content as the individual notice.", where, residents)
		if f.SubjectsByState == nil {
			text = fmt.Sprintf("%d individuals are affected and their distribution by State is not known; if more than 500 are residents of one State, prominent media outlets serving it must be notified within 60 days with the same content as the individual notice. Treated as required until the count per State shows otherwise.", residents)
		}
		b.notice(Notice{
			To:           "prominent media outlets serving the State",
			Required:     true,
			Deadline:     at(CalendarDaysEnd(discovered, 60, zoneUSEastern)),
			DeadlineText: "without unreasonable delay and in no case later than 60 calendar days after discovery",
			Reasons:      []string{text},
			Citations:    []string{"45 CFR § 164.406(a)", "45 CFR § 164.406(b)", "45 CFR § 164.406(c)"},
		})
		b.because(text, "45 CFR § 164.406(a)")
	} else {
		b.because(fmt.Sprintf("No State has more than 500 affected residents (largest %d), so no media notice is due.", residents), "45 CFR § 164.406(a)")
	}

	// Substitute notice for people without usable contact information.
	b.o.PublicNoticeConditions = []string{
		"fewer than 10 individuals with insufficient or out-of-date contact information: alternative written notice, telephone or other means",
		"10 or more: a conspicuous posting for 90 days on the home page of the covered entity's web site, or conspicuous notice in major print or broadcast media where they likely reside, and a toll-free number active for at least 90 days",
	}
	switch {
	case f.WithoutContact >= 10:
		b.o.PublicNoticeAllowed = true
		b.o.PublicNotice = true
		b.because(fmt.Sprintf("%s have insufficient or out-of-date contact information (10 or more), so substitute notice is required: a conspicuous 90-day posting on the web site home page or notice in major print or broadcast media, with a toll-free number active for at least 90 days.", plural(f.WithoutContact)), "45 CFR § 164.404(d)(2)(ii)")
	case f.WithoutContact > 0:
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("%s have insufficient contact information (fewer than 10), so substitute notice may be given by an alternative form of written notice, telephone or other means.", plural(f.WithoutContact)), "45 CFR § 164.404(d)(2)(i)")
	default:
		b.because("Every affected individual can be reached, so no substitute notice is needed.", "45 CFR § 164.404(d)(2)")
	}
	if f.Malicious {
		b.because("Where imminent misuse is possible, the covered entity may also telephone individuals in addition to the written notice.", "45 CFR § 164.404(d)(3)")
	}
	return b.done()
}

// largestState returns the US state with most affected people and their
// count; with no per-state counts it returns "" and all Subjects.
func largestState(f Facts) (string, int) {
	if f.SubjectsByState == nil {
		return "", f.Subjects
	}
	states := make([]string, 0, len(f.SubjectsByState))
	for s := range f.SubjectsByState {
		states = append(states, s)
	}
	slices.Sort(states)
	best, n := "", 0
	for _, s := range states {
		if c := f.SubjectsByState[s]; c > n {
			best, n = s, c
		}
	}
	return best, n
}

// decideBusinessAssociate applies 45 CFR § 164.410: a business associate
// tells the covered entity, which tells the people, HHS and the media.
func decideBusinessAssociate(b *builder, f Facts) {
	b.o.Regulator = "the covered entity (each one whose protected health information was involved)"
	b.o.RegulatorContent = []string{
		"to the extent possible, the identification of each individual whose unsecured PHI has been, or is reasonably believed to have been, accessed, acquired, used or disclosed",
		"any other available information the covered entity needs for its notice to individuals (45 CFR § 164.404(c)), at the time of the notice or promptly thereafter as it becomes available",
	}
	b.o.IndividualContent = nil
	due := CalendarDaysEnd(f.DiscoveredAt, 60, zoneUSEastern)
	b.notice(Notice{
		To:           "the covered entity (each one whose protected health information was involved)",
		Required:     true,
		Deadline:     at(due),
		DeadlineText: "without unreasonable delay and in no case later than 60 calendar days after discovery of the breach",
		Reasons:      []string{fmt.Sprintf("A business associate must notify the covered entity of a breach of unsecured PHI without unreasonable delay and no later than 60 calendar days after discovery, i.e. by %s; the business-associate agreement may set a shorter time.", due.Format("2006-01-02 15:04 MST"))},
		Citations:    []string{"45 CFR § 164.410(a)", "45 CFR § 164.410(b)", "45 CFR § 164.410(c)"},
	})
	b.because("The organisation is a business associate: it does not notify individuals, HHS or the media itself; it notifies the covered entity, which does (unless the business-associate agreement delegates those notices to it).", "45 CFR § 164.410(a)(1)")
	b.judgment("the business-associate agreement: it may set a shorter deadline than 60 days, or delegate the notices to individuals, HHS and the media to the business associate")
}

// hasPHI reports whether protected health information of these people was
// exposed: counted by assess for covered entities (every system holds PHI
// unless marked otherwise), or, without that count, a health category.
func hasPHI(f Facts) bool {
	return f.PHI || f.PHISubjects > 0 || hasHealth(f)
}
