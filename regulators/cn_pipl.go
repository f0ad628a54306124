package regulators

import "fmt"

const (
	cnPIPLID  = "CN-PIPL"
	cnPIPLLaw = "Personal Information Protection Law of the PRC (PIPL) Art. 57; CAC National Cybersecurity Incident Reporting Management Measures (in force 1 Nov 2025); Network Data Security Management Regulations (State Council Decree 790) Art. 11"
	cnPIPLReg = "Cyberspace Administration of China (provincial CAC) and the other departments performing personal-information-protection duties"
)

// cnRelativelyMajor is the number of people whose personal information,
// leaked, makes an incident "relatively major" (较大) under the annex of the
// CAC reporting Measures, the level from which a report within hours is due.
const cnRelativelyMajor = 1_000_000

// CNPIPL is the rule of mainland China: PIPL Art. 57 (immediately notify the
// departments and the individuals) and the CAC incident-reporting Measures.
var CNPIPL = Rule{
	ID:        cnPIPLID,
	Name:      "China (mainland)",
	Law:       cnPIPLLaw,
	Regulator: cnPIPLReg,
	Decide:    DecideCNPIPL,
}

// DecideCNPIPL applies PIPL Art. 57 and the CAC Measures to f.
func DecideCNPIPL(f Facts) Obligation {
	b := newBuilder(cnPIPLID, cnPIPLLaw, cnPIPLReg, f)
	if b.noSubjects(f, "PIPL Art. 3") {
		return b.done()
	}
	b.o.RegulatorContent = []string{
		"categories of personal information leaked, tampered with or lost (or that may be), the cause, and the harm that may result",
		"remedial measures taken by the processor and measures individuals can take to mitigate harm",
		"contact information of the personal information processor",
		"CAC Measures Art. 7: the unit and the affected system, time of discovery, incident type and level, impact and harm, measures taken; items not yet known may follow",
		"CAC Measures Art. 8: a closing summary report (cause, response, harm, accountability, remediation, lessons) within 30 days after handling ends",
	}
	b.o.IndividualContent = []string{
		"categories of personal information leaked, tampered with or lost, the cause and the possible harm",
		"remedial measures taken and measures the individual can take to mitigate harm",
		"contact information of the personal information processor",
	}
	leak, tamper, loss := exposed(f), altered(f), lost(f)
	if !leak && !tamper && !loss {
		b.because("No personal information was leaked, tampered with or lost, nor may it have been, so the Art. 57 duty to notify is not engaged.", "PIPL Art. 57")
		return b.done()
	}
	var what []string
	if leak {
		what = append(what, "leaked")
	}
	if tamper {
		what = append(what, "tampered with")
	}
	if loss {
		what = append(what, "lost")
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadlineText = "立即 (immediately); CAC Measures Art. 4: within 4 hours to the provincial CAC for other network operators when the incident is graded relatively major or above (1 hour for critical-information-infrastructure operators)"
	b.because(fmt.Sprintf("Personal information was, or may have been, %s: the processor must immediately take remedial measures and notify the departments performing personal-information-protection duties. PIPL sets no number of hours and no risk threshold.", list(what)), "PIPL Art. 57")
	if n := totalOr(f); n >= cnRelativelyMajor {
		if f.Subjects < cnRelativelyMajor {
			b.judgment(fmt.Sprintf("the 1 million grade of the CAC Measures is counted over all %d people of the breach; %d are in PIPL's scope here", n, f.Subjects))
		}
		b.o.RegulatorDeadline = at(AfterHours(f.DiscoveredAt, 4))
		b.because(fmt.Sprintf("The personal information of %d people (1 million or more) was affected, which grades the incident 'relatively major' or above: a network operator reports to the provincial CAC within 4 hours of discovery, i.e. by %s (a critical-information-infrastructure operator reports within 1 hour to its protection department and the public-security organ). Incidents of 10 million or more are 'major', 100 million or more 'especially major'.", n, b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")),
			"CAC National Cybersecurity Incident Reporting Management Measures Art. 4", "CAC National Cybersecurity Incident Reporting Management Measures Annex (grading guide)")
		b.notice(Notice{
			To:           "provincial CAC, through the channel of the incident report (closing summary report)",
			Required:     true,
			DeadlineText: "within 30 days after the incident has been handled",
			Reasons:      []string{"An incident reported under the Measures is closed by a summary report on its cause, response, harm, accountability, remediation and lessons; the date depends on when handling ends."},
			Citations:    []string{"CAC National Cybersecurity Incident Reporting Management Measures Art. 8"},
		})
	} else {
		b.because(fmt.Sprintf("The incident affects %d people in all, below the 1 million of the 'relatively major' grade, and the CAC Measures' hour deadlines are therefore not triggered by volume; they still apply if the incident is graded relatively major on another ground (e.g. a threat to national security or social stability).", totalOr(f)),
			"CAC National Cybersecurity Incident Reporting Management Measures Annex (grading guide)")
	}
	if f.Malicious {
		b.because("The incident appears deliberate: suspected crimes are also reported to the public-security organ.", "CAC National Cybersecurity Incident Reporting Management Measures Art. 4")
	}
	if f.Minors > 0 && !avoidedHarm(f) {
		b.because(fmt.Sprintf("%s affected %s: the notice goes to the children and to their guardians (监护人), by e-mail, letter, telephone or push notification, and where telling each one is difficult a warning is published by a reasonable and effective means.", plural(f.Minors), agree(f.Minors, "is a minor", "are minors")), "PIPL Art. 31", "Provisions on the Cyber Protection of Children's Personal Information (CAC 2019) Art. 27")
		b.unverified("article number (Art. 27) of the CAC Provisions on the Cyber Protection of Children's Personal Information: from secondary sources")
	}
	if hasSpecial(f) || hasFinancial(f) || hasChildren(f) {
		b.because("Sensitive personal information (special categories, financial accounts, or data of minors under 14) is involved, which weighs heavily in the harm the notice must describe.", "PIPL Art. 28")
	}

	avoided := avoidedHarm(f)
	if avoided {
		b.judgment("that the measures taken effectively avoid harm (PIPL Art. 57(2)); the departments may still require notice")
		b.o.SafeHarbour = "PIPL Art. 57(2): measures effectively avoid harm"
		why := "the data was encrypted and the key not compromised"
		if !f.Unintelligible {
			why = "the breach is contained, the data recovered and the risk assessed as low"
		}
		b.because(fmt.Sprintf("Individuals need not be notified because the measures taken effectively avoid harm (%s); the departments may still require notice if they consider harm possible.", why), "PIPL Art. 57")
	} else {
		b.o.NotifyIndividuals = true
		b.o.IndividualDeadlineText = "立即 (immediately), together with the notice to the departments"
		b.because("The measures taken do not effectively avoid harm, so the individuals must be notified immediately of the categories of information, cause, possible harm, remedial measures, what they can do and how to reach the processor.", "PIPL Art. 57")
	}
	b.o.PublicNoticeConditions = []string{
		"notice to interested parties may be given by telephone, SMS, instant messaging, e-mail or public announcement (公告)",
	}
	if b.o.NotifyIndividuals {
		b.o.PublicNoticeAllowed = true
		if f.WithoutContact > 0 {
			b.because(fmt.Sprintf("%s cannot be reached directly: a public announcement is a permitted means of notifying them.", plural(f.WithoutContact)), "Network Data Security Management Regulations Art. 11(2)")
		} else {
			b.because("A public announcement is one of the permitted means of notice; direct notice is possible for everyone affected.", "Network Data Security Management Regulations Art. 11(2)")
		}
	}
	return b.done()
}

// avoidedHarm reports whether the measures taken effectively avoid harm
// (PIPL Art. 57(2)): encrypted with the key safe, or contained and
// recovered with a low risk.
func avoidedHarm(f Facts) bool {
	return f.Unintelligible || (f.Contained && f.DataRecovered && !f.Risk.AtLeast(RiskRisk))
}
