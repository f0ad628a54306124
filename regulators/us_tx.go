package regulators

import "fmt"

const (
	usTXID  = "US-TX"
	usTXLaw = "Tex. Bus. & Com. Code §§ 521.002, 521.053 (Attorney General notice as amended by SB 768, in force 1 Sep 2023)"
	usTXReg = "Texas Attorney General"
)

// USTX is the rule of Texas: Business and Commerce Code § 521.053.
var USTX = Rule{
	ID:        usTXID,
	Name:      "Texas",
	Law:       usTXLaw,
	Regulator: usTXReg,
	Decide:    DecideUSTX,
}

// DecideUSTX applies Tex. Bus. & Com. Code § 521.053 to f.
func DecideUSTX(f Facts) Obligation {
	b := newBuilder(usTXID, usTXLaw, usTXReg, f)
	if b.noSubjects(f, "Tex. Bus. & Com. Code § 521.053(b)") {
		return b.done()
	}
	b.unverified("§ 521.053(f) substitute notice: text not read; single secondary source, and whether its three methods are cumulative is unconfirmed")
	b.o.IndividualContent = []string{
		"written notice at the last known address, or electronic notice under 15 U.S.C. § 7001 (content is not prescribed in detail by the statute)",
		"a description of the sensitive personal information acquired, what happened, what is being done and how to reach the business (good practice)",
	}
	b.o.RegulatorContent = []string{
		"a detailed description of the nature and circumstances of the breach or the use of sensitive personal information acquired as a result of the breach",
		"the number of Texas residents affected at the time of notification",
		"the number of affected residents sent a disclosure by mail or other direct method of communication at the time of notification",
		"the measures taken regarding the breach",
		"any measures intended to be taken after the notification",
		"whether law enforcement is engaged in investigating the breach",
	}
	s := usScope{
		state:      "Texas",
		elements:   []string{"national_id", "passport", "drivers_license", "payment_card", "bank_account", "health"},
		identified: []string{"health"},
		definition: "Tex. Bus. & Com. Code § 521.002(a)(2)",
		trigger:    "Tex. Bus. & Com. Code § 521.053(a)",
		encryption: "Tex. Bus. & Com. Code § 521.053(a)",
	}
	if !usTriggered(b, f, s) {
		if hasCredentials(f) && exposed(f) && !f.Unintelligible {
			b.because("Online-account credentials alone are not 'sensitive personal information' in Texas (unlike California or Florida).", "Tex. Bus. & Com. Code § 521.002(a)(2)")
		}
		return b.done()
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadline = at(CalendarDaysEnd(f.DiscoveredAt, 60, zoneUSCentral))
	b.o.IndividualDeadlineText = "without unreasonable delay and in each case not later than the 60th day after the date on which the person determines that the breach occurred"
	b.because(fmt.Sprintf("Texas has no risk-of-harm test: every individual whose sensitive personal information was, or is reasonably believed to have been, acquired must be notified not later than the 60th day after the breach is determined, i.e. by %s (counted from discovery, the earliest possible determination). Residents of other states may instead be notified under their own state's law.", b.o.IndividualDeadline.Format("2006-01-02 15:04 MST")), "Tex. Bus. & Com. Code § 521.053(b)", "Tex. Bus. & Com. Code § 521.053(b-1)")
	b.because("Notice may be delayed at the request of a law-enforcement agency that determines it would impede a criminal investigation.", "Tex. Bus. & Com. Code § 521.053(d)")

	if f.Subjects >= 250 {
		b.o.NotifyRegulator = true
		b.o.RegulatorDeadline = at(CalendarDaysEnd(f.DiscoveredAt, 30, zoneUSCentral))
		b.o.RegulatorDeadlineText = "as soon as practicable and not later than the 30th day after the date on which the person determines that the breach occurred, using the Attorney General's electronic form"
		b.because(fmt.Sprintf("The breach involves at least 250 Texas residents (%d), so the Attorney General must be notified through its electronic form as soon as practicable and not later than 30 days after the breach is determined, i.e. by %s; the Attorney General publishes such notices.", f.Subjects, b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")), "Tex. Bus. & Com. Code § 521.053(i)", "Tex. Bus. & Com. Code § 521.053(j)")
	} else {
		b.because(fmt.Sprintf("Fewer than 250 Texas residents are affected (%d), so no Attorney General notice is due.", f.Subjects), "Tex. Bus. & Com. Code § 521.053(i)")
	}
	craNotice(b, totalOr(f), 10000, "The number of persons to be notified (all states, since Texas requires notice to non-residents too)", "without unreasonable delay", "Tex. Bus. & Com. Code § 521.053(h)")
	usSubstitute(b, f, "Tex. Bus. & Com. Code § 521.053(f)", true, []string{
		"e-mail notice where e-mail addresses are held",
		"conspicuous posting of the notice on the person's web site",
		"notice published in or broadcast on major statewide media",
	})
	return b.done()
}
