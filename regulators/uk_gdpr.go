package regulators

import "time"

const (
	ukGDPRID  = "UK-GDPR"
	ukGDPRLaw = "UK GDPR (retained Regulation (EU) 2016/679), Arts. 33 and 34, with the Data Protection Act 2018"
	ukGDPRReg = "Information Commissioner's Office"
)

// pecrDUAA is when the Data (Use and Access) Act 2025 replaced PECR's
// 24-hour breach report with 72 hours (20 August 2025, UK time).
var pecrDUAA = time.Date(2025, time.August, 19, 23, 0, 0, 0, time.UTC)

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
		if f.DiscoveredAt.Before(pecrDUAA) {
			b.because("A provider of a public electronic communications service must instead report a personal data breach to the ICO within 24 hours of detection under PECR (the rule before the Data (Use and Access) Act 2025 changed it on 20 August 2025); this assessment does not know whether the organisation is such a provider.", "PECR 2003 reg. 5A(2)", "Commission Regulation (EU) No 611/2013 Art. 2(2)")
		} else {
			b.because("A provider of a public electronic communications service must instead report a personal data breach to the ICO under PECR without undue delay and, where feasible, not later than 72 hours after becoming aware of it, giving reasons for any delay (the Data (Use and Access) Act 2025 replaced the 24-hour rule from 20 August 2025); this assessment does not know whether the organisation is such a provider.", "PECR 2003 reg. 5A(2) as amended by the Data (Use and Access) Act 2025", "PECR 2003 reg. 5A(3A)")
		}
		if b.o.NotifyRegulator {
			b.because("The ICO takes breach reports through its online 'Report a breach' service; a decision not to report must itself be recorded.", "UK GDPR Art. 33(5)")
		}
	}
	b.unverified("PECR: the section of the Data (Use and Access) Act 2025 that amends reg. 5A and its commencement on 20 August 2025 are taken from ICO guidance and the Bill's amendment text, not from the Act or its commencement regulations")
	b.unverified("UK GDPR Art. 34(3)(a)-(c) exceptions applied as in the EU text: the UK text of paragraph 3 was not read, only paragraphs 1-2 (identical to the EU) and secondary commentary")
	return b.done()
}
