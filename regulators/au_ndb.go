package regulators

import "fmt"

const (
	auNDBID  = "AU-NDB"
	auNDBLaw = "Privacy Act 1988 (Cth) Part IIIC, Notifiable Data Breaches scheme (ss. 26WE-26WQ)"
	auNDBReg = "Office of the Australian Information Commissioner"
)

// AUNDB is the rule of Australia: the Notifiable Data Breaches scheme of the
// Privacy Act 1988.
var AUNDB = Rule{
	ID:        auNDBID,
	Name:      "Australia",
	Law:       auNDBLaw,
	Regulator: auNDBReg,
	Decide:    DecideAUNDB,
}

// DecideAUNDB applies Part IIIC of the Privacy Act 1988 to f.
func DecideAUNDB(f Facts) Obligation {
	b := newBuilder(auNDBID, auNDBLaw, auNDBReg, f)
	if b.noSubjects(f, "Privacy Act 1988 (Cth) s. 26WE") {
		return b.done()
	}
	b.unverified("s. 26WF (remedial-action exception) text not read; applied as described by OAIC guidance and the s. 26WL(2) note")
	b.o.RegulatorContent = []string{
		"the identity and contact details of the entity",
		"a description of the eligible data breach the entity has reasonable grounds to believe has happened",
		"the kind or kinds of information concerned",
		"recommendations about the steps individuals should take in response",
		"optionally, the identity and contact details of other entities whose eligible data breach it also is",
	}
	b.o.IndividualContent = []string{"the contents of the statement given to the Commissioner (s. 26WK(3))"}
	if !exposed(f) && !lost(f) {
		b.because("No unauthorised access to or disclosure of personal information, and no loss likely to lead to it, is reported, so there is no eligible data breach.", "Privacy Act 1988 (Cth) s. 26WE(2)")
		return b.done()
	}
	b.judgment(fmt.Sprintf("whether a reasonable person would conclude the access or disclosure is likely to result in serious harm (Privacy Act 1988 (Cth) ss. 26WE(2), 26WG); the automated score rates the risk %q", f.Risk))
	if !f.Risk.AtLeast(RiskHigh) {
		why := fmt.Sprintf("the assessment rates the risk %q", f.Risk)
		if f.Unintelligible {
			b.o.SafeHarbour = "serious harm not likely: encrypted, key not compromised (s. 26WG(h))"
			why = "the information was encrypted and the key was not obtained"
		}
		b.because(fmt.Sprintf("A reasonable person would not conclude that the access or disclosure is likely to result in serious harm (%s, having regard to the kind and sensitivity of the information, security measures and who obtained it), so this is not an eligible data breach and nobody need be notified.", why), "Privacy Act 1988 (Cth) s. 26WE(2)", "Privacy Act 1988 (Cth) s. 26WG")
		b.because(fmt.Sprintf("If the entity only suspects an eligible data breach, it must carry out a reasonable and expeditious assessment, within 30 days of becoming aware (by %s).", AfterCalendarDays(f.DiscoveredAt, 30).Format("2006-01-02 15:04 MST")), "Privacy Act 1988 (Cth) s. 26WH(2)")
		return b.done()
	}
	b.because("A reasonable person would conclude that the access or disclosure is likely to result in serious harm to affected individuals (risk \"high\"), so this is an eligible data breach.", "Privacy Act 1988 (Cth) s. 26WE(2)", "Privacy Act 1988 (Cth) s. 26WG")
	if f.Contained && f.DataRecovered {
		b.because("The breach is contained and the data recovered: if this remedial action was taken before serious harm resulted and means serious harm is no longer likely, the breach is not an eligible data breach. The assessment still rates the risk high, so the exception is not applied.", "Privacy Act 1988 (Cth) s. 26WF")
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadlineText = "as soon as practicable after the entity becomes aware that there are reasonable grounds to believe there has been an eligible data breach"
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "as soon as practicable after completing the statement to the Commissioner"
	b.because("A statement must be given to the Commissioner as soon as practicable, and its contents then notified to the individuals as soon as practicable after the statement is prepared; the Act sets no number of days.", "Privacy Act 1988 (Cth) s. 26WK(2)", "Privacy Act 1988 (Cth) s. 26WK(3)", "Privacy Act 1988 (Cth) s. 26WL(3)")
	b.o.PublicNoticeConditions = []string{
		"if practicable, notify each individual to whom the information relates, or each individual at risk from the breach (s. 26WL(2)(a)-(b))",
		"if neither is practicable, publish a copy of the statement on the entity's web site (if any) and take reasonable steps to publicise its contents (s. 26WL(2)(c))",
	}
	switch {
	case f.WithoutContact >= f.Subjects:
		b.o.PublicNoticeAllowed = true
		b.o.PublicNotice = true
		b.because("No affected individual can be contacted, so notifying them directly is not practicable: the statement must be published on the web site and its contents publicised.", "Privacy Act 1988 (Cth) s. 26WL(2)(c)")
	case f.WithoutContact > 0:
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("%s cannot be contacted; the others can be notified directly. Publishing and publicising the statement is the fallback for those who cannot be reached.", plural(f.WithoutContact)), "Privacy Act 1988 (Cth) s. 26WL(2)")
	default:
		b.because("Every affected individual can be contacted, so direct notification is practicable, by the entity's normal means of communicating with them.", "Privacy Act 1988 (Cth) s. 26WL(2)(a)", "Privacy Act 1988 (Cth) s. 26WL(4)")
	}
	b.because("The scheme binds APP entities: agencies, and organisations with an annual turnover above AU$3 million or otherwise covered (health service providers, credit reporting bodies, traders in personal information, TFN recipients); this assessment assumes the organisation is one.", "Privacy Act 1988 (Cth) s. 26WE(1)")
	b.because("The Commissioner may declare that the notification duties do not apply or extend their time, on application.", "Privacy Act 1988 (Cth) s. 26WQ")
	return b.done()
}
