package regulators

import "fmt"

const (
	usILID  = "US-IL"
	usILLaw = "Personal Information Protection Act, 815 ILCS 530/5 and 530/10 (as amended by P.A. 101-0343)"
	usILReg = "Illinois Attorney General"
)

// USIL is the rule of Illinois: the Personal Information Protection Act.
var USIL = Rule{
	ID:        usILID,
	Name:      "Illinois",
	Law:       usILLaw,
	Regulator: usILReg,
	Decide:    DecideUSIL,
}

// DecideUSIL applies 815 ILCS 530/10 to f.
func DecideUSIL(f Facts) Obligation {
	b := newBuilder(usILID, usILLaw, usILReg, f)
	if b.noSubjects(f, "815 ILCS 530/10(a)") {
		return b.done()
	}
	b.unverified("Attorney General notice content item 'date of the breach' (listed by one secondary source only)")
	b.unverified("a local-media alternative for substitute notice when residents of one area are affected (secondary source only; not in the statute text read)")
	b.o.IndividualContent = []string{
		creditBureaus,
		"the toll-free number, address and web site of the Federal Trade Commission",
		"a statement that the individual can obtain information from these sources about fraud alerts and security freezes",
		"MUST NOT include the number of Illinois residents affected",
	}
	b.o.RegulatorContent = []string{
		"a description of the nature of the breach of security or unauthorised acquisition or use",
		"the number of Illinois residents affected at the time of notification",
		"any steps taken or planned relating to the incident",
		"the date of the breach, if known (unverified)",
	}
	s := usScope{
		state:       "Illinois",
		elements:    []string{"national_id", "passport", "drivers_license", "payment_card", "bank_account", "health", "biometric"},
		credentials: true,
		definition:  "815 ILCS 530/5",
		trigger:     "815 ILCS 530/5",
		encryption:  "815 ILCS 530/5",
	}
	if !usTriggered(b, f, s) {
		return b.done()
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "in the most expedient time possible and without unreasonable delay, consistent with law-enforcement needs and measures to determine the scope of the breach and restore the integrity of the data system"
	b.because("Illinois has no risk-of-harm test: every Illinois resident whose personal information was acquired must be notified, at no charge, in the most expedient time possible and without unreasonable delay; the statute sets no fixed number of days.", "815 ILCS 530/10(a)")
	if hasCredentials(f) && !f.NameWithElement {
		b.because("Only online-account credentials were exposed: notice may be electronic, directing people to change their user name or password and security answers.", "815 ILCS 530/10(a)")
	}
	if f.Subjects > 500 {
		b.o.NotifyRegulator = true
		b.o.RegulatorDeadlineText = "in the most expedient time possible and without unreasonable delay, but in no event later than when notice is provided to consumers"
		b.because(fmt.Sprintf("More than 500 Illinois residents are affected by a single breach (%d), so the Attorney General must be notified no later than the consumers are; the Attorney General may publish the name of the data collector, the types of information and the date range of the breach.", f.Subjects), "815 ILCS 530/10(e)(1)")
	} else {
		b.because(fmt.Sprintf("Not more than 500 Illinois residents are affected (%d), so no Attorney General notice is due.", f.Subjects), "815 ILCS 530/10(e)(1)")
	}
	if (f.HIPAACoveredEntity || f.HIPAABusinessAssociate) && hasPHI(f) {
		b.notice(Notice{
			To:           usILReg,
			Required:     true,
			DeadlineText: "within 5 business days of notifying the Secretary of Health and Human Services",
			Reasons:      []string{"A HIPAA covered entity or business associate is deemed to comply with the Act if it complies with HIPAA, provided that, when it must notify the HHS Secretary of a breach, it also notifies the Illinois Attorney General within 5 business days of notifying the Secretary. " + businessDayNote},
			Citations:    []string{"815 ILCS 530/50"},
		})
	}
	usSubstitute(b, f, "815 ILCS 530/10(c)(3)", true, []string{
		"e-mail notice where the data collector has e-mail addresses",
		"conspicuous posting of the notice on the data collector's web site page, if any",
		"notification to major statewide media",
	})
	return b.done()
}
