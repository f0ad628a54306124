package regulators

import "fmt"

const (
	usFLID  = "US-FL"
	usFLLaw = "Fla. Stat. § 501.171 (Florida Information Protection Act of 2014)"
	usFLReg = "Florida Department of Legal Affairs (Attorney General)"
)

// USFL is the rule of Florida: Florida Statutes § 501.171.
var USFL = Rule{
	ID:        usFLID,
	Name:      "Florida",
	Law:       usFLLaw,
	Regulator: usFLReg,
	Decide:    DecideUSFL,
}

// DecideUSFL applies Fla. Stat. § 501.171 to f.
func DecideUSFL(f Facts) Obligation {
	b := newBuilder(usFLID, usFLLaw, usFLReg, f)
	if b.noSubjects(f, "Fla. Stat. § 501.171(4)(a)") {
		return b.done()
	}
	b.unverified("§ 501.171(4)(f) substitute-notice triggers ($250,000 / 500,000 / no e-mail or mailing address) and its components confirmed by secondary sources only")
	b.o.IndividualContent = []string{
		"the date, estimated date or estimated date range of the breach",
		"a description of the personal information that was, or is reasonably believed to have been, accessed",
		"information the individual can use to contact the covered entity to inquire about the breach and the personal information it maintained about them",
	}
	b.o.RegulatorContent = []string{
		"a synopsis of the events surrounding the breach at the time notice is provided",
		"the number of individuals in Florida who were or potentially have been affected",
		"any services related to the breach offered or scheduled to be offered, without charge, to individuals, with instructions",
		"a copy of the notice to individuals or an explanation of the other actions taken",
		"the name, address, telephone number and e-mail address of the employee or agent from whom additional information may be obtained",
		"on request of the Department: a police or incident report, computer forensics report, and the breach policies in place",
	}
	s := usScope{
		state:       "Florida",
		elements:    []string{"national_id", "passport", "drivers_license", "payment_card", "bank_account", "health", "biometric", "location"},
		credentials: true,
		access:      true,
		definition:  "Fla. Stat. § 501.171(1)(g)1.",
		trigger:     "Fla. Stat. § 501.171(1)(a)",
		encryption:  "Fla. Stat. § 501.171(1)(g)2.",
	}
	if !usTriggered(b, f, s) {
		return b.done()
	}
	deadline := CalendarDaysEnd(f.DiscoveredAt, 30, zoneUSEastern)

	if f.Subjects >= 500 {
		b.o.NotifyRegulator = true
		b.o.RegulatorDeadline = at(deadline)
		b.o.RegulatorDeadlineText = "as expeditiously as practicable, but no later than 30 days after the determination of a breach or reason to believe a breach occurred"
		b.because(fmt.Sprintf("The breach affects 500 or more individuals in Florida (%d), so the Department of Legal Affairs must be notified no later than 30 days after the breach is determined, i.e. by %s (counted from discovery).", f.Subjects, deadline.Format("2006-01-02 15:04 MST")), "Fla. Stat. § 501.171(3)(a)", "Fla. Stat. § 501.171(3)(b)")
	} else {
		b.because(fmt.Sprintf("Fewer than 500 individuals in Florida are affected (%d), so no notice to the Department of Legal Affairs is due.", f.Subjects), "Fla. Stat. § 501.171(3)(a)")
	}

	if d, ok := flNoHarm(b, f); ok {
		b.o.SafeHarbour = "no identity theft or other financial harm likely (Fla. Stat. § 501.171(4)(c))"
		b.because(fmt.Sprintf("The assessment finds the breach unlikely to cause harm (risk %q). Florida does not require individual notice if, after an appropriate investigation and consultation with the relevant law-enforcement agencies, the covered entity reasonably determines that the breach has not and will not likely result in identity theft or any other financial harm; the determination must be in writing, kept five years and provided to the Department within 30 days.", f.Risk), "Fla. Stat. § 501.171(4)(c)")
		b.notice(Notice{
			To:           usFLReg,
			Required:     true,
			Deadline:     at(CalendarDaysEnd(d.At, 30, zoneUSEastern)),
			DeadlineText: "within 30 days after the determination that no harm is likely",
			Reasons:      []string{"Relying on the no-harm exception requires providing the written determination to the Department of Legal Affairs."},
			Citations:    []string{"Fla. Stat. § 501.171(4)(c)"},
		})
		return b.done()
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadline = at(deadline)
	b.o.IndividualDeadlineText = "as expeditiously as practicable and without unreasonable delay, but no later than 30 days after the determination of a breach or reason to believe a breach occurred; 15 more days if good cause is given in writing to the Department within those 30 days; law-enforcement delay allowed"
	b.because(fmt.Sprintf("Each individual in Florida whose personal information was, or is reasonably believed to have been, accessed must be notified no later than 30 days after the breach is determined, i.e. by %s; 15 additional days are available only if good cause for delay is given in writing to the Department within the 30 days.", deadline.Format("2006-01-02 15:04 MST")), "Fla. Stat. § 501.171(4)(a)", "Fla. Stat. § 501.171(4)(e)")
	b.because("A law-enforcement agency may request a delay when notice would interfere with a criminal investigation.", "Fla. Stat. § 501.171(4)(b)")
	craNotice(b, f.Subjects, 1000, "The number of individuals affected at a single time", "without unreasonable delay, with the timing, distribution and content of the notices", "Fla. Stat. § 501.171(5)")
	usSubstitute(b, f, "Fla. Stat. § 501.171(4)(f)", true, []string{
		"a conspicuous notice on the covered entity's web site, if it maintains one",
		"notice in print and to broadcast media, including major media in urban and rural areas where the affected individuals reside",
	})
	return b.done()
}

// flNoHarm reports whether Florida's no-harm exception applies: the risk
// is low and the written determination is recorded on the incident.
func flNoHarm(b *builder, f Facts) (Determination, bool) {
	if f.Risk.AtLeast(RiskRisk) {
		return Determination{}, false
	}
	return documentedAt(b, f, ExceptionFLNoHarm, "Florida's no-harm exception (a written determination, after an appropriate investigation and consultation with the relevant law-enforcement agencies, that the breach has not and will not likely result in identity theft or any other financial harm)", "Fla. Stat. § 501.171(4)(c)")
}
