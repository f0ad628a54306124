package regulators

import "fmt"

const (
	caQCID  = "CA-QC"
	caQCLaw = "Act respecting the protection of personal information in the private sector (CQLR c P-39.1) ss. 3.5-3.8, as amended by Law 25 (S.Q. 2021, c. 25); Regulation respecting confidentiality incidents (CQLR c A-2.1, r. 3.1)"
	caQCReg = "Commission d'accès à l'information du Québec (CAI)"
)

// CAQC is the rule of Quebec's private sector (Law 25): a confidentiality
// incident that presents a risk of serious injury is notified promptly to
// the Commission d'accès à l'information and to the persons concerned. It
// applies beside PIPEDA, which still governs information crossing
// provincial or national borders.
var CAQC = Rule{
	ID:        caQCID,
	Name:      "Quebec (private sector)",
	Law:       caQCLaw,
	Regulator: caQCReg,
	Decide:    DecideCAQC,
}

// DecideCAQC applies ss. 3.5-3.8 of CQLR c P-39.1 to f.
func DecideCAQC(f Facts) Obligation {
	b := newBuilder(caQCID, caQCLaw, caQCReg, f)
	if b.noSubjects(f, "CQLR c P-39.1 s. 3.5") {
		return b.done()
	}
	b.unverified("s. 3.5 wording ('promptly', risk of serious injury) and the content lists of the Regulation respecting confidentiality incidents ss. 3-5 taken from secondary sources; s. 3.6 (definition), s. 3.7 (risk factors) and the Regulation's 5-year register were read")
	b.o.RegulatorContent = []string{
		"name of the enterprise and its Quebec business number, and the contact person",
		"a description of the personal information concerned, or the reasons it cannot be described",
		"a brief description of the circumstances of the incident and, if known, its cause",
		"the date or period of the incident, or an approximation",
		"the date or period the enterprise became aware of it",
		"the number of persons concerned and the number who reside in Quebec, or approximations",
		"a description of the elements that led to the conclusion that there is a risk of serious injury (sensitivity, possible uses, likely consequences)",
		"the measures taken or to be taken to notify the persons concerned, and when",
		"the measures taken or to be taken to reduce the risk of injury",
		"any other person or body in Canada or abroad notified of the incident",
	}
	b.o.IndividualContent = []string{
		"a description of the personal information concerned, or the reasons it cannot be described",
		"a brief description of the circumstances of the incident",
		"the date or period of the incident, or an approximation",
		"a brief description of the measures taken or to be taken to reduce the risk of injury",
		"the measures the person could take to reduce the risk of injury or mitigate it",
		"the contact information of someone who can give more information about the incident",
	}
	b.because("Every confidentiality incident is entered in the enterprise's register, kept for at least 5 years after the enterprise became aware of it, and given to the Commission on request; the person in charge of the protection of personal information is consulted on the risk.", "CQLR c P-39.1 s. 3.8", "CQLR c P-39.1 s. 3.7", "Regulation respecting confidentiality incidents s. 7")
	if !anyBreachEffect(f) {
		b.because("No access, use or communication not authorised by law, loss or other breach in the protection of personal information is reported: there is no confidentiality incident.", "CQLR c P-39.1 s. 3.6")
		return b.done()
	}
	b.because("The enterprise must take reasonable measures to reduce the risk of injury and prevent new incidents of the same nature.", "CQLR c P-39.1 s. 3.5")
	b.judgment(fmt.Sprintf("whether the incident presents a risk of serious injury (CQLR c P-39.1 ss. 3.5, 3.7: sensitivity of the information, anticipated consequences of its use, likelihood of injurious use); the automated score rates the risk %q", f.Risk))
	if !f.Risk.AtLeast(RiskRisk) {
		b.because(fmt.Sprintf("The assessment rates the risk %q: the incident does not present a risk of serious injury, so neither the Commission nor the persons need be notified. Record it in the register.", f.Risk), "CQLR c P-39.1 s. 3.5")
		return b.done()
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadlineText = "promptly (avec diligence)"
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "promptly (avec diligence); a person need not be notified while doing so could hamper an investigation into a crime or offence"
	b.because(fmt.Sprintf("The incident presents a risk of serious injury (risk %q), so the Commission d'accès à l'information and every person whose personal information is concerned must be notified promptly; the Act sets no number of hours or days.", f.Risk), "CQLR c P-39.1 s. 3.5")
	b.notice(Notice{
		To:           "any person or body that could reduce the risk (for example a financial institution or the police)",
		Required:     false,
		DeadlineText: "promptly",
		Reasons:      []string{"The enterprise may notify them, communicating only the personal information necessary, without the consent of the persons concerned."},
		Citations:    []string{"CQLR c P-39.1 s. 3.5"},
	})
	b.o.PublicNoticeConditions = []string{
		"sending the notice directly would cause increased injury to the person concerned",
		"sending the notice directly would cause undue hardship for the enterprise",
		"the enterprise has no contact information for the person concerned",
	}
	b.o.PublicNoticeAllowed = true
	if f.WithoutContact > 0 {
		b.o.PublicNotice = true
		b.because(fmt.Sprintf("%s cannot be reached: a public notice, or any other measure reasonably expected to reach them, replaces the direct notice for them.", plural(f.WithoutContact)), "Regulation respecting confidentiality incidents s. 5")
	}
	return b.done()
}
