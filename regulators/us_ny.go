package regulators

import "fmt"

const (
	usNYID  = "US-NY"
	usNYLaw = "N.Y. Gen. Bus. Law § 899-aa (SHIELD Act, as amended 2024-2025)"
	usNYReg = "New York Attorney General"
)

// USNY is the rule of New York: General Business Law § 899-aa.
var USNY = Rule{
	ID:        usNYID,
	Name:      "New York",
	Law:       usNYLaw,
	Regulator: usNYReg,
	Decide:    DecideUSNY,
}

// DecideUSNY applies N.Y. Gen. Bus. Law § 899-aa to f.
func DecideUSNY(f Facts) Obligation {
	b := newBuilder(usNYID, usNYLaw, usNYReg, f)
	if b.noSubjects(f, "N.Y. Gen. Bus. Law § 899-aa(2)") {
		return b.done()
	}
	b.unverified("30-day deadline and the 2024-2025 amendments (DFS notice, medical and health-insurance information as private information) confirmed by secondary sources only; the § 899-aa text read (subdivisions 1-10) predates December 2024")
	b.o.IndividualContent = []string{
		"contact information for the person or business making the notification",
		"telephone numbers and websites of the relevant state and federal agencies that provide information on security breach response and identity theft prevention and protection",
		"a description of the categories of information that were, or are reasonably believed to have been, accessed or acquired, including which elements of personal and private information",
	}
	b.o.RegulatorContent = []string{
		"the timing, content and distribution of the notices",
		"the approximate number of affected persons",
		"a copy of the template of the notice sent to affected persons",
	}
	s := usScope{
		state:       "New York",
		elements:    []string{"national_id", "drivers_license", "payment_card", "bank_account", "biometric", "health"},
		identified:  []string{"national_id", "drivers_license", "payment_card", "bank_account", "biometric", "health"},
		credentials: true,
		access:      true,
		definition:  "N.Y. Gen. Bus. Law § 899-aa(1)(b)",
		trigger:     "N.Y. Gen. Bus. Law § 899-aa(1)(c)",
		encryption:  "N.Y. Gen. Bus. Law § 899-aa(1)(b)",
	}
	if !usTriggered(b, f, s) {
		return b.done()
	}
	inadvertent := !f.Malicious && (f.Cause == "misdelivery" || f.Cause == "insider") && !f.Risk.AtLeast(RiskRisk)
	var det Determination
	if inadvertent {
		det, inadvertent = documentedAt(b, f, ExceptionNYInadvertent, "New York's inadvertent-disclosure exception (disclosure by persons authorised to access the information, determined in writing not likely to result in misuse or financial or emotional harm)", "N.Y. Gen. Bus. Law § 899-aa(2)(a)")
	}
	if inadvertent {
		b.o.SafeHarbour = "inadvertent disclosure by authorised persons, misuse and harm unlikely (N.Y. Gen. Bus. Law § 899-aa(2)(a))"
		b.because(fmt.Sprintf("The exposure was an inadvertent disclosure (%s, not malicious) and the assessment finds misuse or financial or emotional harm unlikely (risk %q), so notice to residents is not required, provided the determination is documented in writing and kept for at least five years.", f.Cause, f.Risk), "N.Y. Gen. Bus. Law § 899-aa(2)(a)")
		if f.Subjects > 500 {
			b.notice(Notice{
				To:           usNYReg,
				Required:     true,
				Deadline:     at(CalendarDaysEnd(det.At, 10, zoneUSEastern)),
				DeadlineText: "within ten days after the determination",
				Reasons:      []string{fmt.Sprintf("The inadvertent-disclosure determination covers more than 500 New York residents (%d), so it must be provided to the Attorney General.", f.Subjects)},
				Citations:    []string{"N.Y. Gen. Bus. Law § 899-aa(2)(a)"},
			})
		}
		return b.done()
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadline = at(CalendarDaysEnd(f.DiscoveredAt, 30, zoneUSEastern))
	b.o.IndividualDeadlineText = "in the most expedient time possible and without unreasonable delay, within 30 days after the breach has been discovered, delayed only for the legitimate needs of law enforcement"
	b.because(fmt.Sprintf("Every New York resident whose private information was, or is reasonably believed to have been, accessed or acquired must be notified within 30 days after discovery, i.e. by %s; New York has no risk-of-harm exception beyond inadvertent disclosure by authorised persons.", b.o.IndividualDeadline.Format("2006-01-02 15:04 MST")), "N.Y. Gen. Bus. Law § 899-aa(2)", "N.Y. Gen. Bus. Law § 899-aa(4)")
	b.cite("N.Y. Gen. Bus. Law § 899-aa(7)")
	b.because("Notice must be given directly, in writing, by telephone (logged), or electronically only to people who expressly consented to electronic notice (logged, and consent may not be made a condition of doing business).", "N.Y. Gen. Bus. Law § 899-aa(5)")

	b.o.NotifyRegulator = true
	b.afterNotice(f, AfterNotice{Zone: zoneUSEastern.String(), Cap: b.o.IndividualDeadline,
		Law: "when New York residents are notified, without delaying their notice"})
	b.because("Whenever New York residents are notified, the Attorney General, the Department of State and the Division of State Police must be told the timing, content and distribution of the notices and the approximate number affected, with a copy of the template notice.", "N.Y. Gen. Bus. Law § 899-aa(8)(a)")
	for _, to := range []string{"New York Department of State", "New York State Police (Division of State Police)"} {
		b.notice(Notice{
			To:           to,
			Required:     true,
			DeadlineText: "when New York residents are notified, without delaying their notice",
			Reasons:      []string{"Notified together with the Attorney General whenever New York residents are notified."},
			Citations:    []string{"N.Y. Gen. Bus. Law § 899-aa(8)(a)"},
		})
	}
	b.notice(Notice{
		To:           "New York Department of Financial Services",
		Required:     false,
		DeadlineText: "for DFS-regulated entities: within 72 hours of determining a cybersecurity event occurred (23 NYCRR § 500.17(a))",
		Reasons:      []string{"Required only if the organisation is a covered entity regulated by DFS; this assessment does not know."},
		Citations:    []string{"N.Y. Gen. Bus. Law § 899-aa(8)(a)", "23 NYCRR § 500.17(a)"},
	})
	craNotice(b, f.Subjects, 5000, "The number of New York residents", "as to the timing, content and distribution of the notices and the approximate number of affected persons, without delaying notice to residents", "N.Y. Gen. Bus. Law § 899-aa(8)(b)")
	if f.HIPAACoveredEntity && hasPHI(f) {
		b.because("Notice given to residents under HIPAA/HITECH (or GLBA, or 23 NYCRR 500) satisfies the resident notice, but the Attorney General, the Department of State, the State Police and the consumer reporting agencies must still be notified.", "N.Y. Gen. Bus. Law § 899-aa(2)(b)")
		b.notice(Notice{
			To:           usNYReg,
			Required:     true,
			DeadlineText: "within five business days of notifying the Secretary of Health and Human Services",
			Reasons:      []string{"A HIPAA covered entity that must notify the HHS Secretary of a breach of protected health information must also provide that notification to the New York Attorney General. " + businessDayNote},
			Citations:    []string{"N.Y. Gen. Bus. Law § 899-aa(9)"},
		})
	}
	if hasCredentials(f) {
		b.because("Online-account credentials (e-mail address with password) were exposed: e-mail substitute notice cannot be used for them; a clear and conspicuous notice delivered online when the person connects from a known IP address or location replaces it.", "N.Y. Gen. Bus. Law § 899-aa(5)(d)")
	}
	usSubstitute(b, f, "N.Y. Gen. Bus. Law § 899-aa(5)(d)", true, []string{
		"e-mail notice where e-mail addresses are held (for e-mail credential breaches: a conspicuous online notice at login from a known IP address or location instead)",
		"conspicuous posting of the notice on the business's web site page",
		"notification to major statewide media",
		"the business must demonstrate the ground to the Attorney General",
	})
	return b.done()
}
