package regulators

import "fmt"

const (
	usMAID  = "US-MA"
	usMALaw = "Mass. Gen. Laws ch. 93H, §§ 1, 3, 3A, 4 (as amended 2019)"
	usMAReg = "Massachusetts Attorney General"
)

// USMA is the rule of Massachusetts: General Laws chapter 93H.
var USMA = Rule{
	ID:        usMAID,
	Name:      "Massachusetts",
	Law:       usMALaw,
	Regulator: usMAReg,
	Decide:    DecideUSMA,
}

// DecideUSMA applies Mass. Gen. Laws ch. 93H to f.
func DecideUSMA(f Facts) Obligation {
	b := newBuilder(usMAID, usMALaw, usMAReg, f)
	if b.noSubjects(f, "Mass. Gen. Laws ch. 93H, § 3(b)") {
		return b.done()
	}
	b.o.IndividualContent = []string{
		"the consumer's right to obtain a police report",
		"how to request a security freeze and the information to provide when requesting it",
		"that there is no charge to place, lift or remove a security freeze",
		"mitigation services offered, if any, and, if the breached entity is a subsidiary, the name of its parent or affiliate",
		"MUST NOT include the nature of the breach or unauthorised acquisition or use, or the number of residents affected",
	}
	b.o.RegulatorContent = []string{
		"the nature of the breach of security or unauthorised acquisition or use",
		"the number of Massachusetts residents affected at the time of notification",
		"any steps taken or planned relating to the incident",
		"name and address of the entity that experienced the breach, and the name, title and relationship of the person reporting it",
		"the person responsible for the breach, if known",
		"the types of personal information compromised",
		"whether the entity maintains a written information security program",
		"a sample copy of the notice sent to consumers, and the credit-monitoring certification where applicable",
	}
	s := usScope{
		state:      "Massachusetts",
		elements:   []string{"national_id", "drivers_license", "payment_card", "bank_account"},
		definition: "Mass. Gen. Laws ch. 93H, § 1(a)",
		trigger:    "Mass. Gen. Laws ch. 93H, § 3(b)",
		encryption: "Mass. Gen. Laws ch. 93H, § 1(a)",
	}
	if !usTriggered(b, f, s) {
		return b.done()
	}
	acquired := f.Confidentiality == "known_recipients" || f.Confidentiality == "unknown_recipients"
	switch {
	case acquired:
		b.because("The personal information was acquired by an unauthorised person: notice is due on that ground alone, without any risk-of-harm test.", "Mass. Gen. Laws ch. 93H, § 3(b)")
	case f.Risk.AtLeast(RiskRisk):
		b.judgment(fmt.Sprintf("whether the exposure creates a substantial risk of identity theft or fraud (Mass. Gen. Laws ch. 93H, § 1(a)); the automated score rates the risk %q", f.Risk))
		b.because(fmt.Sprintf("The exposure creates a substantial risk of identity theft or fraud (risk %q), which makes it a 'breach of security'.", f.Risk), "Mass. Gen. Laws ch. 93H, § 1(a)")
	default:
		b.judgment(fmt.Sprintf("that the exposure creates no substantial risk of identity theft or fraud (Mass. Gen. Laws ch. 93H, § 1(a)); the automated score rates the risk %q", f.Risk))
		b.o.SafeHarbour = "no substantial risk of identity theft or fraud (Mass. Gen. Laws ch. 93H, § 1(a))"
		b.because(fmt.Sprintf("The data was exposed but there is no evidence it was acquired, and the assessment finds no substantial risk of identity theft or fraud (risk %q); that is not a 'breach of security' as defined, so no notice is due. Record the reasoning.", f.Risk), "Mass. Gen. Laws ch. 93H, § 1(a)")
		return b.done()
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadlineText = "as soon as practicable and without unreasonable delay; not to be delayed because the total number of residents affected is not yet known"
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "as soon as practicable and without unreasonable delay; delayed only if a law-enforcement agency determines notice would impede a criminal investigation"
	b.because("The Attorney General, the Director of the Office of Consumer Affairs and Business Regulation and each affected resident must be notified as soon as practicable and without unreasonable delay; Massachusetts sets no fixed number of days, and notice may not wait until the total number affected is known.", "Mass. Gen. Laws ch. 93H, § 3(b)", "Mass. Gen. Laws ch. 93H, § 4")
	b.because("The notice to residents must not describe the nature of the breach or the number of residents affected.", "Mass. Gen. Laws ch. 93H, § 3(b)")
	b.notice(Notice{
		To:           "Massachusetts Office of Consumer Affairs and Business Regulation (Director)",
		Required:     true,
		DeadlineText: "as soon as practicable and without unreasonable delay",
		Reasons:      []string{"Notified together with the Attorney General; the Director then identifies the consumer reporting agencies and state agencies to be notified."},
		Citations:    []string{"Mass. Gen. Laws ch. 93H, § 3(b)"},
	})
	if hasAny(f, "national_id") {
		b.because("A Social Security number was exposed: free credit monitoring for at least 18 months must be offered (42 months if the breached entity is a consumer reporting agency), and the Attorney General and the Director certified that it was.", "Mass. Gen. Laws ch. 93H, § 3A")
	}
	usSubstitute(b, f, "Mass. Gen. Laws ch. 93H, § 1(a)", true, []string{
		"e-mail notice where e-mail addresses are held",
		"clear and conspicuous posting of the notice on the home page of the web site",
		"publication in or broadcast through media that provide notice throughout the Commonwealth",
	})
	return b.done()
}
