package regulators

import "fmt"

const (
	usCAID  = "US-CA"
	usCALaw = "Cal. Civ. Code § 1798.82 (as amended by SB 446, in force 1 Jan 2026)"
	usCAReg = "California Attorney General"
)

// USCA is the rule of California: Civil Code § 1798.82.
var USCA = Rule{
	ID:        usCAID,
	Name:      "California",
	Law:       usCALaw,
	Regulator: usCAReg,
	Decide:    DecideUSCA,
}

// DecideUSCA applies Cal. Civ. Code § 1798.82 to f.
func DecideUSCA(f Facts) Obligation {
	b := newBuilder(usCAID, usCALaw, usCAReg, f)
	if b.noSubjects(f, "Cal. Civ. Code § 1798.82(a)") {
		return b.done()
	}
	b.unverified("subdivision letters of § 1798.82 after SB 446 ((d) content, (f) Attorney General, (h) definitions, (j) methods) taken from pre-2026 text and secondary sources; the 15-day Attorney General rule is confirmed by secondary sources only")
	b.o.IndividualContent = []string{
		"titled 'Notice of Data Breach' with the headings 'What Happened', 'What Information Was Involved', 'What We Are Doing', 'What You Can Do' and 'For More Information', in plain language and at least 10-point type",
		"name and contact information of the reporting business",
		"list of the types of personal information reasonably believed to have been acquired",
		"date of the notice, and the date, estimated date or date range of the breach if it can be determined",
		"whether notification was delayed by a law-enforcement investigation",
		"a general description of the breach incident, if known",
		creditBureaus + ", if the breach exposed a Social Security number or a driver's licence or California identification card number",
		"if the business was the source of the breach and it exposed a Social Security number or a driver's licence or other government ID number: an offer of identity theft prevention and mitigation services at no cost for not less than 12 months, with the information needed to take it up",
	}
	b.o.RegulatorContent = []string{"a single sample copy of the notice sent to residents, excluding any personally identifiable information"}
	s := usScope{
		state:       "California",
		elements:    []string{"national_id", "passport", "drivers_license", "payment_card", "bank_account", "health", "genetic", "biometric"},
		credentials: true,
		definition:  "Cal. Civ. Code § 1798.82(h)",
		trigger:     "Cal. Civ. Code § 1798.82(a)",
		encryption:  "Cal. Civ. Code § 1798.82(a)",
	}
	if !usTriggered(b, f, s) {
		return b.done()
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadline = at(CalendarDaysEnd(f.DiscoveredAt, 30, zoneUSPacific))
	b.o.IndividualDeadlineText = "in the most expedient time possible and without unreasonable delay, within 30 calendar days of discovery or notification of the data breach, except as needed for law enforcement or to determine the scope of the breach and restore the integrity of the system"
	b.because(fmt.Sprintf("California law has no risk-of-harm test: every California resident whose personal information was, or is reasonably believed to have been, acquired must be notified within 30 calendar days of discovery, i.e. by %s.", b.o.IndividualDeadline.Format("2006-01-02 15:04 MST")), "Cal. Civ. Code § 1798.82(a)")
	b.because("Notice may be delayed only when a law-enforcement agency determines it would impede a criminal investigation, or as necessary to determine the scope of the breach and restore the reasonable integrity of the system.", "Cal. Civ. Code § 1798.82(c)")
	if hasAny(f, "national_id", "drivers_license") {
		b.because("A Social Security, driver's licence or California ID number was exposed: the notice must give the credit bureaus' numbers and addresses, and, if the business was the source of the breach, offer at least 12 months of free identity theft prevention and mitigation services.", "Cal. Civ. Code § 1798.82(d)(2)(G)")
	}
	if hasCredentials(f) && !f.NameWithElement {
		b.because("Only online-account credentials were exposed: notice may be given electronically, directing people to change their password and security answers, but not to an e-mail account whose credentials were breached.", "Cal. Civ. Code § 1798.82(j)(4)")
	}
	b.cite("Cal. Civ. Code § 1798.82(d)")
	if f.HIPAACoveredEntity && hasPHI(f) {
		b.because("A HIPAA covered entity that complies completely with the HITECH notice rules is deemed to comply with the content requirements of subdivision (d); the 30-day deadline and the Attorney General copy are kept here because the deemed compliance is stated for content only.", "Cal. Civ. Code § 1798.82(e)")
		b.unverified("whether § 1798.82(e) HIPAA deemed compliance also displaces the SB 446 30-day deadline")
	}

	if f.Subjects > 500 {
		b.o.NotifyRegulator = true
		due := b.afterNotice(f, AfterNotice{Days: 15, Zone: zoneUSPacific.String(),
			Law: "a sample copy of the notice, electronically, within 15 calendar days of notifying affected consumers"})
		if due == nil {
			b.because(fmt.Sprintf("More than 500 California residents are notified as a result of a single breach (%d), so one sample copy of the notice must be submitted electronically to the Attorney General within 15 days of notifying consumers. Consumers are not notified yet, so the copy is not dated yet: it is due 15 days after the consumer notice, itself due by %s; file it with the consumer notice to be safe.", f.Subjects, b.o.IndividualDeadline.Format("2006-01-02 15:04 MST")), "Cal. Civ. Code § 1798.82(f)")
		} else {
			b.because(fmt.Sprintf("More than 500 California residents were notified as a result of a single breach (%d), the first on %s, so one sample copy of the notice must be submitted electronically to the Attorney General within 15 days of that notice, i.e. by %s (end of the day, Pacific time).", f.Subjects, f.IndividualsNotifiedAt.UTC().Format("2006-01-02 15:04 MST"), due.Format("2006-01-02 15:04 MST")), "Cal. Civ. Code § 1798.82(f)")
		}
		b.unverified("the 15 days of § 1798.82(f) are counted from the first notice sent to a California resident (the stricter reading); counsel to confirm whether the last notice of the campaign may be used instead")
	} else {
		b.because(fmt.Sprintf("Not more than 500 California residents are affected (%d), so no sample copy is due to the Attorney General.", f.Subjects), "Cal. Civ. Code § 1798.82(f)")
	}
	usSubstitute(b, f, "Cal. Civ. Code § 1798.82(j)(3)", true, []string{
		"e-mail notice where e-mail addresses are held",
		"conspicuous posting of the notice for at least 30 days on the web site home page or first significant page",
		"notification to major statewide media",
	})
	return b.done()
}
