package regulators

import (
	"fmt"
	"time"
)

const (
	inDPDPID  = "IN-DPDP"
	inDPDPLaw = "Digital Personal Data Protection Act 2023 s. 8(6); Digital Personal Data Protection Rules 2025 r. 7"
	inDPDPReg = "Data Protection Board of India"
)

// inDPDPCommencement is when r. 7 of the DPDP Rules 2025 (and s. 8(6) of the
// Act) take effect: 18 months after publication on 13 November 2025, taken as
// 13 May 2027 00:00 India Standard Time, the earlier of the dates reported.
var inDPDPCommencement = time.Date(2027, time.May, 12, 18, 30, 0, 0, time.UTC)

// INDPDP is the rule of India: DPDP Act s. 8(6) and DPDP Rules 2025 r. 7,
// with the CERT-In 6-hour cyber-incident report that applies meanwhile.
var INDPDP = Rule{
	ID:        inDPDPID,
	Name:      "India",
	Law:       inDPDPLaw,
	Regulator: inDPDPReg,
	Decide:    DecideINDPDP,
}

// DecideINDPDP applies DPDP Rules 2025 r. 7 (once in force) and the CERT-In
// Directions to f.
func DecideINDPDP(f Facts) Obligation {
	b := newBuilder(inDPDPID, inDPDPLaw, inDPDPReg, f)
	if b.noSubjects(f, "DPDP Act 2023 s. 8(6)") {
		return b.done()
	}
	b.unverified("commencement of r. 7 and s. 8(6): 18 months after the Rules' publication (13 or 14 November 2025 by different sources); taken as 13 May 2027 IST")
	b.o.RegulatorContent = []string{
		"without delay: a description of the breach, including its nature, extent, timing and location of occurrence and the likely impact",
		"within 72 hours: updated and detailed information on the description",
		"the broad facts related to the events, circumstances and reasons leading to the breach",
		"measures implemented or proposed to mitigate the risk",
		"any findings regarding the person who caused the breach",
		"remedial measures taken to prevent recurrence",
		"a report on the intimations given to affected Data Principals",
	}
	b.o.IndividualContent = []string{
		"a description of the breach, including its nature, extent and the timing and location of its occurrence",
		"the consequences relevant to her that are likely to arise from the breach",
		"the mitigation measures implemented or being implemented",
		"the safety measures she may take to protect her interests",
		"business contact information of a person able to respond to her queries",
		"in a concise, clear and plain manner, through her user account or any mode of communication registered with the Data Fiduciary",
	}
	if !anyBreachEffect(f) {
		b.because("No unauthorised processing, disclosure, acquisition, sharing, use, alteration, destruction or loss of access to personal data is reported: there is no personal data breach.", "DPDP Act 2023 s. 2(u)")
		return b.done()
	}
	b.notice(Notice{
		To:           "CERT-In (Indian Computer Emergency Response Team)",
		Required:     true,
		Deadline:     at(AfterHours(f.DiscoveredAt, 6)),
		DeadlineText: "within 6 hours of noticing the cyber incident or being told of it",
		Reasons:      []string{"Data breaches and data leaks are reportable cyber incidents for service providers, intermediaries, data centres, body corporates and government organisations, under a separate regime from the DPDP Act; it applies now, whatever the commencement of the DPDP Rules."},
		Citations:    []string{"CERT-In Directions No. 20(3)/2022-CERT-In of 28 April 2022, para. (ii)", "Information Technology Act 2000 s. 70B(6)"},
	})
	if f.DiscoveredAt.Before(inDPDPCommencement) {
		b.because(fmt.Sprintf("The breach was discovered before rule 7 of the DPDP Rules 2025 and section 8(6) of the Act come into force (%s), so the duty to intimate the Board and the Data Principals does not yet bind; intimating them voluntarily along the same lines is prudent. The CERT-In 6-hour report applies regardless.", inDPDPCommencement.Format("2006-01-02 15:04 MST")), "DPDP Rules 2025 r. 1(3)", "DPDP Act 2023 s. 1(2)")
		return b.done()
	}
	b.because("Every personal data breach must be intimated to the Board and to each affected Data Principal: the Act and Rules set no risk threshold and no encryption exemption.", "DPDP Act 2023 s. 8(6)", "DPDP Rules 2025 r. 7")
	if f.Unintelligible {
		b.because("The data was encrypted and the key not compromised; that does not remove the duty to intimate, but it belongs in the description of the likely impact and consequences.", "DPDP Rules 2025 r. 7(1)")
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadline = at(AfterHours(f.DiscoveredAt, 72))
	b.o.RegulatorDeadlineText = "without delay a first intimation, and within 72 hours of becoming aware (or a longer period the Board allows on written request) the detailed report"
	b.because(fmt.Sprintf("The Board must receive a first description without delay and the detailed report within 72 hours of becoming aware of the breach, i.e. by %s, unless it allows longer on a written request.", b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")), "DPDP Rules 2025 r. 7(2)(a)", "DPDP Rules 2025 r. 7(2)(b)")
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "without delay, to the best of the Data Fiduciary's knowledge"
	b.because("Each affected Data Principal must be told without delay, through her user account or the registered mode of communication, of what happened, its likely consequences, the mitigation measures, what she can do and whom to contact.", "DPDP Rules 2025 r. 7(1)")
	if f.WithoutContact > 0 {
		b.because(fmt.Sprintf("%s cannot be reached through a user account or registered contact; the Rules provide no public or substitute notice, so find another lawful way to reach them and record the attempt.", plural(f.WithoutContact)), "DPDP Rules 2025 r. 7(1)")
	}
	return b.done()
}
