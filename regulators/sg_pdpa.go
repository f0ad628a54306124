package regulators

import "fmt"

const (
	sgPDPAID  = "SG-PDPA"
	sgPDPALaw = "Personal Data Protection Act 2012 Part 6A (ss. 26A-26E); Personal Data Protection (Notification of Data Breaches) Regulations 2021"
	sgPDPAReg = "Personal Data Protection Commission"
)

// sgSignificantScale is the number of affected individuals from which a
// breach is of significant scale (Regulations 2021 reg. 4).
const sgSignificantScale = 500

// SGPDPA is the rule of Singapore: PDPA Part 6A.
var SGPDPA = Rule{
	ID:        sgPDPAID,
	Name:      "Singapore",
	Law:       sgPDPALaw,
	Regulator: sgPDPAReg,
	Decide:    DecideSGPDPA,
}

// DecideSGPDPA applies PDPA ss. 26B-26D to f.
func DecideSGPDPA(f Facts) Obligation {
	b := newBuilder(sgPDPAID, sgPDPALaw, sgPDPAReg, f)
	if b.noSubjects(f, "PDPA 2012 s. 26B(1)") {
		return b.done()
	}
	b.unverified("Regulations 2021 reg. 5 item on remedial actions and plans to inform individuals or the public, and the reg. 6 list of what a notice to individuals must contain: regulation text not read")
	b.o.RegulatorContent = []string{
		"the date on which and the circumstances in which the organisation first became aware of the breach",
		"a chronological account of the steps taken after becoming aware of it, including the assessment that it is notifiable",
		"how the breach occurred",
		"the number of affected individuals",
		"the personal data or classes of personal data affected",
		"the potential harm to affected individuals",
		"remedial actions taken or to be taken, and any plan to inform affected individuals or the public",
		"business contact information of at least one authorised representative",
		"if notified after 3 calendar days, the reasons for the lateness, with evidence",
		"if individuals will not be notified, the grounds for not notifying them",
	}
	b.o.IndividualContent = []string{
		"the circumstances of the breach",
		"the personal data or classes of personal data affected",
		"the potential harm to the individual",
		"remedial actions taken by the organisation",
		"steps the individual may take to eliminate or mitigate harm",
		"contact details of at least one authorised representative (reg. 6; list to be checked against the regulation)",
	}
	if !anyBreachEffect(f) {
		b.because("No unauthorised access, collection, use, disclosure, copying, modification or disposal of personal data, and no loss of a storage medium, is reported: there is no data breach.", "PDPA 2012 s. 26A")
		return b.done()
	}
	identified := f.Any(func(c Category) bool { return c.Identifying }) || hasAny(f, "national_id", "passport")
	var prescribed []string
	if identified && hasFinancial(f) {
		prescribed = append(prescribed, "name or ID number with non-public financial information")
	}
	if identified && hasChildren(f) {
		prescribed = append(prescribed, "name or ID number with information identifying vulnerable individuals such as children")
	}
	if identified && hasHealth(f) {
		prescribed = append(prescribed, "name or ID number with insurance or specified medical information")
	}
	if hasCredentials(f) {
		prescribed = append(prescribed, "an account identifier with a password, access code or security answer")
	}
	harm := f.Risk.AtLeast(RiskHigh) || len(prescribed) > 0
	if len(prescribed) == 0 {
		b.judgment(fmt.Sprintf("whether the breach is likely to result in significant harm to the affected individuals (PDPA 2012 s. 26B(1)(a)); the automated score rates the risk %q", f.Risk))
	}
	scale := totalOr(f) >= sgSignificantScale
	switch {
	case len(prescribed) > 0:
		b.because(fmt.Sprintf("The breach involves a prescribed class of personal data (%s), so it is deemed to result in significant harm to the individuals.", list(prescribed)), "PDPA 2012 s. 26B(1)(a)", "PDP (Notification of Data Breaches) Regulations 2021 reg. 3")
	case harm:
		b.because("The assessment rates the risk high: the breach is likely to result in significant harm to affected individuals.", "PDPA 2012 s. 26B(1)(a)")
	default:
		b.because(fmt.Sprintf("No prescribed class of personal data is involved and the assessment rates the risk %q, so the breach is not likely to result in significant harm.", f.Risk), "PDPA 2012 s. 26B(1)(a)", "PDP (Notification of Data Breaches) Regulations 2021 reg. 3")
	}
	if scale {
		if f.Subjects < sgSignificantScale {
			b.judgment(fmt.Sprintf("the significant-scale threshold (500, Regulations 2021 reg. 4) is counted over all %d individuals of the breach; %d are in Singapore's scope here", totalOr(f), f.Subjects))
		}
		b.because(fmt.Sprintf("The breach affects %d individuals (500 or more, counting everyone whose data it involves), so it is of significant scale.", totalOr(f)), "PDPA 2012 s. 26B(1)(b)", "PDP (Notification of Data Breaches) Regulations 2021 reg. 4")
	} else {
		b.because(fmt.Sprintf("The breach affects %d individuals, fewer than 500 (counting everyone whose data it involves), so it is not of significant scale.", totalOr(f)), "PDPA 2012 s. 26B(1)(b)", "PDP (Notification of Data Breaches) Regulations 2021 reg. 4")
	}
	if !harm && !scale {
		b.because("The breach is not notifiable; the organisation must still have assessed it reasonably and expeditiously and should document the assessment. A breach that stays within the organisation is in any case deemed not notifiable.", "PDPA 2012 s. 26C(2)", "PDPA 2012 s. 26B(4)")
		return b.done()
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadline = at(CalendarDaysEnd(f.DiscoveredAt, 3, zoneSingapore))
	b.o.RegulatorDeadlineText = "as soon as practicable, but in any case no later than 3 calendar days after the day the organisation assesses that the breach is notifiable (the date shown counts from discovery, the earliest possible assessment)"
	b.because(fmt.Sprintf("The breach is notifiable, so the PDPC must be notified as soon as practicable and no later than 3 calendar days after the organisation assesses it as notifiable; counting from discovery, by %s. The assessment itself must be done reasonably and expeditiously (the PDPC expects about 30 days at most).", b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")), "PDPA 2012 s. 26D(1)", "PDPA 2012 s. 26C(2)", "PDP (Notification of Data Breaches) Regulations 2021 reg. 5")
	if !harm {
		b.because("The breach is notifiable only for its scale: individuals are notified only when significant harm is likely, so they need not be told.", "PDPA 2012 s. 26D(2)")
		return b.done()
	}
	if f.Unintelligible {
		b.judgment("that the encryption makes significant harm to the individuals unlikely (PDPA 2012 s. 26D(5)(b)); the PDPC must be given the grounds")
		b.o.SafeHarbour = "PDPA 2012 s. 26D(5)(b): technological measure (encryption) makes significant harm unlikely"
		b.because("The data was encrypted before the breach and the key was not compromised, a technological measure that makes significant harm to the individuals unlikely, so they need not be notified; the PDPC must still be told and be given the grounds for not notifying them.", "PDPA 2012 s. 26D(5)(b)")
		return b.done()
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "on or after notifying the Commission, as soon as practicable, in any manner that is reasonable in the circumstances"
	b.because("The breach is likely to result in significant harm, so each affected individual must be notified, on or after notifying the PDPC, as soon as practicable, in any reasonable manner; not if a prescribed law-enforcement agency or the PDPC directs otherwise.", "PDPA 2012 s. 26D(2)", "PDPA 2012 s. 26D(6)", "PDP (Notification of Data Breaches) Regulations 2021 reg. 6")
	if hasChildren(f) {
		b.because("Vulnerable individuals (children) are affected: the PDPC asks organisations to seek its guidance before notifying them.", "PDPA 2012 s. 26D(2)")
	}
	b.o.PublicNoticeConditions = []string{"notice may be given in any manner that is reasonable in the circumstances; a public or media statement should follow, not precede, the notice to the PDPC"}
	if f.WithoutContact > 0 {
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("%s cannot be reached directly; a public notice is a reasonable manner of reaching them, made after the PDPC has been notified.", plural(f.WithoutContact)), "PDPA 2012 s. 26D(2)")
	}
	return b.done()
}
