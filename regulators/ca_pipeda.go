package regulators

import "fmt"

const (
	caPIPEDAID  = "CA-PIPEDA"
	caPIPEDALaw = "PIPEDA ss. 10.1-10.3; Breach of Security Safeguards Regulations, SOR/2018-64"
	caPIPEDAReg = "Office of the Privacy Commissioner of Canada"
)

// CAPIPEDA is the rule of Canada's federal private sector: PIPEDA s. 10.1
// (real risk of significant harm).
var CAPIPEDA = Rule{
	ID:        caPIPEDAID,
	Name:      "Canada (federal private sector)",
	Law:       caPIPEDALaw,
	Regulator: caPIPEDAReg,
	Decide:    DecideCAPIPEDA,
}

// DecideCAPIPEDA applies PIPEDA s. 10.1 and SOR/2018-64 to f.
func DecideCAPIPEDA(f Facts) Obligation {
	b := newBuilder(caPIPEDAID, caPIPEDALaw, caPIPEDAReg, f)
	if b.noSubjects(f, "PIPEDA s. 10.1(1)") {
		return b.done()
	}
	b.o.RegulatorContent = []string{
		"a description of the circumstances of the breach and, if known, the cause",
		"the day on which, or the period during which, the breach occurred or, if neither is known, the approximate period",
		"a description of the personal information that is the subject of the breach, to the extent known",
		"the number of individuals affected or, if unknown, the approximate number",
		"a description of the steps taken to reduce the risk of harm or to mitigate the harm",
		"a description of the steps taken or intended to notify affected individuals",
		"the name and contact information of a person who can answer the Commissioner's questions",
	}
	b.o.IndividualContent = []string{
		"a description of the circumstances of the breach",
		"the day on which, or period during which, the breach occurred or, if neither is known, the approximate period",
		"a description of the personal information that is the subject of the breach, to the extent known",
		"a description of the steps the organisation has taken to reduce the risk of harm",
		"a description of the steps affected individuals could take to reduce the risk of harm or mitigate it",
		"contact information that the individual can use to obtain further information about the breach",
	}
	b.because("A record of every breach of security safeguards must be kept for 24 months after the day the organisation determines the breach occurred, and given to the Commissioner on request.", "PIPEDA s. 10.3(1)", "SOR/2018-64 s. 6")
	if !anyBreachEffect(f) {
		b.because("No loss of, unauthorised access to or disclosure of personal information is reported, so there is no breach of security safeguards.", "PIPEDA s. 2(1)")
		return b.done()
	}
	b.judgment(fmt.Sprintf("whether it is reasonable to believe the breach creates a real risk of significant harm (PIPEDA s. 10.1(7)-(8): sensitivity of the information and probability of misuse); the automated score rates the risk %q", f.Risk))
	if !f.Risk.AtLeast(RiskRisk) {
		b.because(fmt.Sprintf("The assessment rates the risk %q: it is not reasonable to believe the breach creates a real risk of significant harm (sensitivity of the information and probability of misuse), so neither the Commissioner nor the individuals need be notified. Keep the record.", f.Risk), "PIPEDA s. 10.1(1)", "PIPEDA s. 10.1(8)")
		if f.Unintelligible {
			b.o.SafeHarbour = "no real risk of significant harm (encrypted, key not compromised)"
		}
		return b.done()
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadlineText = "as soon as feasible after the organisation determines that the breach has occurred"
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "as soon as feasible after the organisation determines that the breach has occurred"
	b.because(fmt.Sprintf("It is reasonable to believe the breach creates a real risk of significant harm (risk %q; significant harm includes humiliation, damage to reputation or relationships, financial loss, identity theft and negative effects on credit), so the Commissioner must receive a written report and the individuals must be notified, both as soon as feasible; the law sets no number of days.", f.Risk), "PIPEDA s. 10.1(1)", "PIPEDA s. 10.1(3)", "PIPEDA s. 10.1(6)", "PIPEDA s. 10.1(7)", "SOR/2018-64 s. 2(1)", "SOR/2018-64 s. 3")
	b.because("The report may be sent by any secure means, and new information may be submitted after the first report.", "SOR/2018-64 s. 2(2)", "SOR/2018-64 s. 2(3)")
	b.notice(Notice{
		To:           "other organisations or government institutions that may be able to reduce or mitigate the harm (e.g. card issuers, law enforcement)",
		Required:     false,
		DeadlineText: "as soon as feasible after determining the breach occurred",
		Reasons:      []string{"Required when that organisation or institution may be able to reduce the risk of harm or mitigate it; which ones apply is for the organisation to judge."},
		Citations:    []string{"PIPEDA s. 10.2(1)"},
	})
	b.o.PublicNoticeConditions = []string{
		"direct notice would be likely to cause further harm to the affected individual",
		"direct notice would be likely to cause undue hardship for the organisation",
		"the organisation does not have contact information for the affected individual",
		"indirect notice is a public communication or similar measure that could reasonably be expected to reach the affected individuals",
	}
	b.o.PublicNoticeAllowed = true
	if f.WithoutContact > 0 {
		b.o.PublicNotice = true
		b.because(fmt.Sprintf("The organisation has no contact information for %s, so indirect notice (a public communication or similar measure reasonably expected to reach them) must be given to them.", plural(f.WithoutContact)), "SOR/2018-64 s. 5(1)(c)", "SOR/2018-64 s. 5(2)")
	} else {
		b.because("Direct notice (in person, by telephone, mail, e-mail or any other form a reasonable person would consider appropriate) is possible for everyone; indirect notice is allowed only if direct notice would cause further harm or undue hardship.", "SOR/2018-64 s. 4", "SOR/2018-64 s. 5(1)")
	}
	return b.done()
}
