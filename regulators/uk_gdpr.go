package regulators

const (
	ukGDPRID  = "UK-GDPR"
	ukGDPRLaw = "UK GDPR (retained Regulation (EU) 2016/679), Arts. 33 and 34, with the Data Protection Act 2018"
	ukGDPRReg = "Information Commissioner's Office"
)

// UKGDPR is the rule of the United Kingdom: UK GDPR Arts. 33 and 34,
// reported to the Information Commissioner's Office.
var UKGDPR = Rule{
	ID:        ukGDPRID,
	Name:      "United Kingdom",
	Law:       ukGDPRLaw,
	Regulator: ukGDPRReg,
	Decide:    DecideUKGDPR,
}

// DecideUKGDPR applies UK GDPR Arts. 33 and 34 to f.
func DecideUKGDPR(f Facts) Obligation {
	b := newBuilder(ukGDPRID, ukGDPRLaw, ukGDPRReg, f)
	decideGDPR(b, f, gdprText{prefix: "UK GDPR", regulator: ukGDPRReg, people: "individuals"})
	if f.Subjects > 0 && anyBreachEffect(f) {
		b.because("A provider of a public electronic communications service must instead report a personal data breach to the ICO within 24 hours of detection under PECR; this assessment does not know whether the organisation is such a provider.", "PECR 2003 reg. 5A(2)")
		if b.o.NotifyRegulator {
			b.because("The ICO takes breach reports through its online 'Report a breach' service; a decision not to report must itself be recorded.", "UK GDPR Art. 33(5)")
		}
	}
	b.unverified("UK GDPR Art. 34(3)(a)-(c) exceptions applied as in the EU text: the UK text of paragraph 3 was not read, only paragraphs 1-2 (identical to the EU) and secondary commentary")
	return b.done()
}
