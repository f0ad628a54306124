package regulators

import "fmt"

const (
	usWAID  = "US-WA"
	usWALaw = "RCW 19.255.005 and 19.255.010 (businesses)"
	usWAReg = "Washington Attorney General"
)

// USWA is the rule of Washington: RCW 19.255.010.
var USWA = Rule{
	ID:        usWAID,
	Name:      "Washington",
	Law:       usWALaw,
	Regulator: usWAReg,
	Decide:    DecideUSWA,
}

// DecideUSWA applies RCW 19.255.010 to f.
func DecideUSWA(f Facts) Obligation {
	b := newBuilder(usWAID, usWALaw, usWAReg, f)
	if b.noSubjects(f, "RCW 19.255.010(1)") {
		return b.done()
	}
	b.o.IndividualContent = []string{
		"written in plain language",
		"the name and contact information of the reporting person or business",
		"a list of the types of personal information that were or are reasonably believed to have been the subject of the breach",
		"a time frame of exposure, if known, including the date of the breach and the date of its discovery",
		creditBureaus + ", if the breach exposed personal information",
	}
	b.o.RegulatorContent = []string{
		"the number of Washington consumers affected, or an estimate if unknown",
		"a list of the types of personal information involved",
		"a time frame of exposure, if known, including the date of the breach and the date of its discovery",
		"a summary of steps taken to contain the breach",
		"a single sample copy of the notification, excluding any personally identifiable information",
		"updated as soon as any item unknown at the time of notice becomes known",
	}
	s := usScope{
		state:       "Washington",
		elements:    []string{"national_id", "passport", "drivers_license", "payment_card", "bank_account", "date_of_birth", "health", "biometric"},
		withoutName: true,
		credentials: true,
		definition:  "RCW 19.255.005(2)(a)",
		trigger:     "RCW 19.255.005(1)",
		encryption:  "RCW 19.255.005(3)",
	}
	if !usTriggered(b, f, s) {
		return b.done()
	}
	b.judgment(fmt.Sprintf("whether the breach is reasonably likely to subject consumers to a risk of harm (RCW 19.255.010(1)); the automated score rates the risk %q", f.Risk))
	if !f.Risk.AtLeast(RiskRisk) {
		b.o.SafeHarbour = "breach not reasonably likely to subject consumers to a risk of harm (RCW 19.255.010(1))"
		b.because(fmt.Sprintf("Washington requires no notice when the breach is not reasonably likely to subject consumers to a risk of harm, and the assessment rates the risk %q; document that finding.", f.Risk), "RCW 19.255.010(1)")
		return b.done()
	}
	deadline := CalendarDaysEnd(f.DiscoveredAt, 30, zoneUSPacific)
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadline = at(deadline)
	b.o.IndividualDeadlineText = "in the most expedient time possible, without unreasonable delay, and no more than 30 calendar days after the breach was discovered, unless a law-enforcement agency asks for delay"
	b.because(fmt.Sprintf("The breach is reasonably likely to subject consumers to a risk of harm, so each affected Washington resident must be notified no more than 30 calendar days after discovery, i.e. by %s.", deadline.Format("2006-01-02 15:04 MST")), "RCW 19.255.010(1)", "RCW 19.255.010(8)", "RCW 19.255.010(6)")
	b.because("A person or business whose own information-security-policy notification procedures are consistent with these timing rules complies by following them.", "RCW 19.255.010(5)")
	b.because("Notice may be delayed if a law-enforcement agency determines it would impede a criminal investigation.", "RCW 19.255.010(3)")
	if f.Subjects > 500 {
		b.o.NotifyRegulator = true
		b.o.RegulatorDeadline = at(deadline)
		b.o.RegulatorDeadlineText = "no more than thirty days after the breach was discovered"
		b.because(fmt.Sprintf("More than 500 Washington residents are notified as a result of a single breach (%d), so the Attorney General must be notified no more than 30 days after discovery, with the number affected, the types of information, the time frame of exposure, the containment steps and a sample notice, i.e. by %s.", f.Subjects, deadline.Format("2006-01-02 15:04 MST")), "RCW 19.255.010(7)")
	} else {
		b.because(fmt.Sprintf("Not more than 500 Washington residents are affected (%d), so no Attorney General notice is due.", f.Subjects), "RCW 19.255.010(7)")
	}
	if hasCredentials(f) {
		b.because("Online-account credentials were exposed: notice may be electronic, directing people to change their password and security answers, but not sent to an e-mail account whose credentials were breached.", "RCW 19.255.010(4)(d)")
	}
	usSubstitute(b, f, "RCW 19.255.010(4)(c)", true, []string{
		"e-mail notice where e-mail addresses are held",
		"conspicuous posting of the notice on the web site page",
		"notification to major statewide media",
	})
	return b.done()
}
