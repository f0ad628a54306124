package regulators

import "fmt"

const (
	caABID  = "CA-AB"
	caABLaw = "Personal Information Protection Act (Alberta), SA 2003, c P-6.5, ss. 34.1, 37.1; Personal Information Protection Act Regulation, Alta Reg 366/2003, ss. 19, 19.1"
	caABReg = "Office of the Information and Privacy Commissioner of Alberta (OIPC)"
)

// CAAB is the rule of Alberta's private sector (PIPA): an incident where a
// reasonable person would consider that there is a real risk of significant
// harm is notified to the Commissioner without unreasonable delay; the
// Commissioner may require notice to the individuals. It applies beside
// PIPEDA.
var CAAB = Rule{
	ID:        caABID,
	Name:      "Alberta (private sector)",
	Law:       caABLaw,
	Regulator: caABReg,
	Decide:    DecideCAAB,
}

// DecideCAAB applies PIPA ss. 34.1 and 37.1 to f.
func DecideCAAB(f Facts) Obligation {
	b := newBuilder(caABID, caABLaw, caABReg, f)
	if b.noSubjects(f, "PIPA (Alberta) s. 34.1(1)") {
		return b.done()
	}
	b.unverified("the content lists of PIPA Regulation ss. 19 and 19.1 taken from secondary sources; PIPA ss. 34.1(1) and 37.1(1) were read")
	b.o.RegulatorContent = []string{
		"a description of the circumstances of the loss or unauthorized access or disclosure",
		"the date or time period during which it occurred",
		"a description of the personal information involved",
		"an assessment of the risk of harm to individuals",
		"an estimate of the number of individuals to whom there is a real risk of significant harm",
		"a description of any steps taken to reduce the risk of harm",
		"a description of any steps taken to notify individuals",
		"the name of and contact information for a person who can answer the Commissioner's questions",
	}
	b.o.IndividualContent = []string{
		"a description of the circumstances of the loss or unauthorized access or disclosure",
		"the date or time period during which it occurred",
		"a description of the personal information involved",
		"a description of any steps the organization has taken to reduce the risk of harm",
		"contact information for a person who can answer questions on behalf of the organization",
		"given directly to the individual, unless the Commissioner determines that indirect notice is appropriate",
	}
	if !exposed(f) && !lost(f) {
		b.because("No loss of, unauthorized access to or disclosure of personal information is reported, so there is no incident to notify.", "PIPA (Alberta) s. 34.1(1)")
		return b.done()
	}
	b.judgment(fmt.Sprintf("whether a reasonable person would consider that there is a real risk of significant harm to an individual (PIPA (Alberta) s. 34.1(1)); the automated score rates the risk %q", f.Risk))
	if !f.Risk.AtLeast(RiskRisk) {
		b.because(fmt.Sprintf("The assessment rates the risk %q: a reasonable person would not consider that there is a real risk of significant harm, so the Commissioner need not be notified; the OIPC encourages reporting when in doubt.", f.Risk), "PIPA (Alberta) s. 34.1(1)")
		return b.done()
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadlineText = "without unreasonable delay"
	b.because(fmt.Sprintf("A reasonable person would consider that there is a real risk of significant harm to an individual (risk %q), so the Commissioner must be notified without unreasonable delay, in writing, with the prescribed information.", f.Risk), "PIPA (Alberta) s. 34.1(1)", "PIPA (Alberta) s. 34.1(2)", "PIPA Regulation s. 19")
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "as the Commissioner requires, directly unless the Commissioner determines otherwise; notifying them now is the safe course"
	b.because("The Commissioner may require the organisation to notify the individuals to whom there is a real risk of significant harm, in the form and time the Commissioner specifies; since that risk exists here, telling them directly now is the safe course and does not wait for the Commissioner.", "PIPA (Alberta) s. 37.1(1)", "PIPA Regulation s. 19.1")
	b.judgment("Alberta's duty to tell the individuals arises when the Commissioner requires it (PIPA s. 37.1); this assessment plans the notice now, as under PIPEDA")
	if f.WithoutContact > 0 {
		b.o.PublicNoticeConditions = []string{"indirect notice only where the Commissioner determines that direct notification would be unreasonable in the circumstances"}
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("%s cannot be reached directly: ask the Commissioner to approve indirect notice for them.", plural(f.WithoutContact)), "PIPA Regulation s. 19.1(2)")
	}
	return b.done()
}
