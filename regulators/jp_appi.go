package regulators

import "fmt"

const (
	jpAPPIID  = "JP-APPI"
	jpAPPILaw = "Act on the Protection of Personal Information (APPI) Art. 26; PPC Enforcement Rules Arts. 7-10"
	jpAPPIReg = "Personal Information Protection Commission (個人情報保護委員会)"
)

// jpThreshold is the number of people above which any leak is reportable
// (Enforcement Rules Art. 7(iv)).
const jpThreshold = 1000

// JPAPPI is the rule of Japan: APPI Art. 26 and the PPC Enforcement Rules.
var JPAPPI = Rule{
	ID:        jpAPPIID,
	Name:      "Japan",
	Law:       jpAPPILaw,
	Regulator: jpAPPIReg,
	Decide:    DecideJPAPPI,
}

// DecideJPAPPI applies APPI Art. 26 and Enforcement Rules Arts. 7-10 to f.
func DecideJPAPPI(f Facts) Obligation {
	b := newBuilder(jpAPPIID, jpAPPILaw, jpAPPIReg, f)
	if b.noSubjects(f, "APPI Art. 26(1)") {
		return b.done()
	}
	b.unverified("the 3-5 day expectation for the preliminary report is PPC guidance (secondary sources); the Rules say only 'promptly' (速やかに)")
	b.o.RegulatorContent = []string{
		"overview of the situation", "items of personal data leaked, lost or damaged", "number of persons concerned",
		"cause", "existence and content of secondary damage or its risk", "status of response to the persons concerned",
		"status of public announcement", "measures to prevent recurrence", "other matters for reference",
	}
	b.o.IndividualContent = []string{
		"overview of the situation", "items of personal data leaked, lost or damaged", "cause",
		"existence and content of secondary damage or its risk", "other matters for reference, to the extent necessary to protect the person's rights and interests",
	}
	if !anyBreachEffect(f) {
		b.because("No leakage, loss or damage of personal data, or its likelihood, is reported.", "APPI Art. 26(1)")
		return b.done()
	}
	if f.Unintelligible {
		b.o.SafeHarbour = "data protected by advanced encryption or equivalent measures (Enforcement Rules Art. 7)"
		b.because("The data was protected by advanced encryption whose key was not compromised; the Rules exclude such data from the reportable situations, so neither the PPC nor the persons need be notified.", "PPC Enforcement Rules Art. 7")
		return b.done()
	}
	var grounds []string
	if hasSpecial(f) || hasHealth(f) {
		grounds = append(grounds, "special-care-required personal information (Rules Art. 7(i))")
	}
	if hasFinancial(f) || hasCredentials(f) {
		grounds = append(grounds, "data whose misuse may cause property damage, such as card numbers or account credentials (Rules Art. 7(ii))")
	}
	if f.Malicious {
		grounds = append(grounds, "a situation possibly caused with an unlawful purpose, such as unauthorised access or theft (Rules Art. 7(iii))")
	}
	if n := totalOr(f); n > jpThreshold {
		grounds = append(grounds, fmt.Sprintf("more than 1,000 persons (%d affected by the breach, counting everyone whose data it involves, not only residents of Japan; Rules Art. 7(iv))", n))
		if f.Subjects <= jpThreshold {
			b.judgment(fmt.Sprintf("the 1,000-person threshold (Rules Art. 7(iv)) is counted over all %d people of the breach; only %d are in Japan's scope here", n, f.Subjects))
		}
	}
	if len(grounds) == 0 {
		b.because(fmt.Sprintf("None of the reportable situations applies: no special-care-required data, no data whose misuse may cause property damage, no unlawful purpose, and %d persons (not more than 1,000, counting everyone the breach affects). No report or notice is mandatory; a voluntary report remains possible.", totalOr(f)), "APPI Art. 26(1)", "PPC Enforcement Rules Art. 7")
		return b.done()
	}
	b.because(fmt.Sprintf("The situation is reportable because it involves %s; categories (i) to (iii) apply even to a single person.", list(grounds)), "APPI Art. 26(1)", "PPC Enforcement Rules Art. 7")
	prelim := DaysCountingFirst(f.DiscoveredAt, 3, zoneJapan)
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadline = at(prelim)
	b.o.RegulatorDeadlineText = "preliminary report (速報) promptly (速やかに) after becoming aware; PPC guidelines: roughly within 3 to 5 days (the date shown is the earlier end)"
	b.because(fmt.Sprintf("A preliminary report must be made to the PPC promptly after becoming aware of the situation; the PPC expects it within about 3 to 5 days, so plan for %s.", prelim.Format("2006-01-02 15:04 MST")), "APPI Art. 26(1)", "PPC Enforcement Rules Art. 8(1)")
	days, why := 30, "within 30 days"
	if f.Malicious {
		days, why = 60, "within 60 days, since the situation may have been caused with an unlawful purpose"
	}
	final := DaysCountingFirst(f.DiscoveredAt, days, zoneJapan)
	b.notice(Notice{
		To:           jpAPPIReg + " (final report, 確報)",
		Required:     true,
		Deadline:     at(final),
		DeadlineText: fmt.Sprintf("%d days from the day the business operator became aware of the situation, that day counting as day 1 (Japan time)", days),
		Reasons:      []string{fmt.Sprintf("A final report with all items must follow %s of becoming aware.", why)},
		Citations:    []string{"PPC Enforcement Rules Art. 8(2)"},
	})
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "promptly according to the circumstances"
	b.because("The persons concerned must be notified promptly according to the circumstances, with the overview, the data items, the cause and any secondary damage.", "APPI Art. 26(2)", "PPC Enforcement Rules Art. 10")
	b.o.PublicNoticeConditions = []string{
		"notifying the person is difficult",
		"alternative measures necessary to protect the person's rights and interests are taken instead, such as a public announcement and a published inquiry contact point",
	}
	if f.WithoutContact > 0 {
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("%s cannot be reached: for them, alternative measures such as a public announcement and an inquiry desk may replace the notice.", plural(f.WithoutContact)), "APPI Art. 26(2)")
	}
	return b.done()
}
