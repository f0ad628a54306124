package regulators

import "fmt"

const (
	brLGPDID  = "BR-LGPD"
	brLGPDLaw = "LGPD (Lei nº 13.709/2018) Art. 48; Resolução CD/ANPD nº 15/2024 (Regulation on Communication of Security Incidents)"
	brLGPDReg = "Autoridade Nacional de Proteção de Dados (ANPD)"
)

// brLargeScale is this assessment's proxy for "data in large scale"
// (Resolução CD/ANPD nº 15/2024 Art. 5 VI), which the Resolution leaves
// without a number: the number of data subjects from which an incident is
// taken to be large scale. It is marked for counsel whenever it decides.
const brLargeScale = 10_000

// BRLGPD is the rule of Brazil: LGPD Art. 48 and ANPD Resolution 15/2024.
var BRLGPD = Rule{
	ID:        brLGPDID,
	Name:      "Brazil",
	Law:       brLGPDLaw,
	Regulator: brLGPDReg,
	Decide:    DecideBRLGPD,
}

// DecideBRLGPD applies LGPD Art. 48 and Resolution CD/ANPD 15/2024 to f.
func DecideBRLGPD(f Facts) Obligation {
	b := newBuilder(brLGPDID, brLGPDLaw, brLGPDReg, f)
	if b.noSubjects(f, "LGPD Art. 48") {
		return b.done()
	}
	b.unverified("Art. 5 criteria of Resolution 15/2024 confirmed by secondary sources (Brazilian law firms); 'large scale' (Art. 5 VI) has no number in the Resolution: the proxy of 10,000 data subjects is this assessment's")
	b.unverified("article number of the 5-year incident record (cited as Resolution 15/2024 Art. 10) not read in the Resolution text")
	b.o.RegulatorContent = []string{
		"description of the nature and category of personal data affected",
		"number of data subjects affected, separating children, adolescents and elderly people where applicable",
		"technical and security measures used to protect the data, before and after the incident",
		"risks related to the incident, identifying possible impacts on data subjects",
		"reasons for any delay, if not communicated within 3 business days",
		"measures taken or to be taken to reverse or mitigate the effects of the incident",
		"date of the incident, where determinable, and date the controller became aware of it",
		"details of the data protection officer (encarregado) or the controller's representative",
		"identification of the controller and, where applicable, the declaration that it is a small-scale processing agent",
		"identification of the processor (operador), where applicable",
		"description of the incident, including its main cause, if identifiable",
		"total number of data subjects whose data are processed in the affected processing activities",
	}
	b.o.IndividualContent = []string{
		"nature and category of the personal data affected",
		"technical and security measures used to protect the data, respecting trade secrets",
		"risks related to the incident, with possible impacts on the data subjects",
		"reasons for any delay in communication",
		"measures taken or to be taken to reverse or mitigate the effects, where applicable",
		"date on which the controller became aware of the incident",
		"contact for more information and, where applicable, the DPO's contact details",
		"in simple, easy-to-understand language, directly and individually where the data subjects can be identified",
	}
	b.because("Every security incident must be recorded and the record kept for at least 5 years, whether or not it is communicated.", "Resolução CD/ANPD nº 15/2024 Art. 10")
	if !anyBreachEffect(f) {
		b.because("No effect on the confidentiality, integrity, availability or authenticity of personal data is reported, so there is no security incident to communicate.", "LGPD Art. 48")
		return b.done()
	}
	var criteria []string
	if hasSpecial(f) {
		criteria = append(criteria, "sensitive personal data (I)")
	}
	if hasChildren(f) {
		criteria = append(criteria, "data of children or adolescents (II)")
	}
	if hasFinancial(f) {
		criteria = append(criteria, "financial data (III)")
	}
	if hasCredentials(f) {
		criteria = append(criteria, "system authentication data (IV)")
	}
	if n := totalOr(f); n >= brLargeScale {
		criteria = append(criteria, fmt.Sprintf("data in large scale (VI): %d data subjects, at or above this assessment's proxy of %d", n, brLargeScale))
		b.judgment(fmt.Sprintf("whether %d data subjects are data in large scale (Resolução CD/ANPD nº 15/2024 Art. 5 VI): the Resolution sets no number; this assessment's proxy is %d, counting everyone the incident affects", n, brLargeScale))
	} else {
		b.judgment(fmt.Sprintf("whether the processing is large scale (Resolução CD/ANPD nº 15/2024 Art. 5 VI) though only %d data subjects are affected, below this assessment's proxy of %d: the ANPD also weighs the volume of data, duration, frequency and geographic reach", n, brLargeScale))
	}
	b.judgment(fmt.Sprintf("whether the incident may cause relevant risk or damage to the data subjects (LGPD Art. 48; Resolução CD/ANPD nº 15/2024 Art. 5); the automated score rates the risk %q", f.Risk))
	if !f.Risk.AtLeast(RiskRisk) {
		b.because(fmt.Sprintf("The assessment rates the risk %q: the incident is not one that may significantly affect the data subjects' interests and fundamental rights, so it does not carry relevant risk or damage and need not be communicated. Record it.", f.Risk), "LGPD Art. 48", "Resolução CD/ANPD nº 15/2024 Art. 5")
		return b.done()
	}
	if len(criteria) == 0 {
		b.because("The incident may significantly affect the data subjects, but none of the Art. 5 criteria is met by the data exposed (sensitive data; data of children, adolescents or elderly people; financial data; authentication data; data under legal, judicial or professional secrecy; data in large scale): it need not be communicated unless it involves elderly people or secret data, which this assessment cannot judge. Review that point and record the decision.", "Resolução CD/ANPD nº 15/2024 Art. 5")
		b.unverified("elderly data subjects (Art. 5 II) and secrecy (Art. 5 V) criteria not evaluated: no data for them")
		return b.done()
	}
	b.because(fmt.Sprintf("The incident may significantly affect the data subjects' interests and fundamental rights (risk %q) and involves %s, so it may cause relevant risk or damage and must be communicated to the ANPD and to the data subjects.", f.Risk, list(criteria)), "LGPD Art. 48", "Resolução CD/ANPD nº 15/2024 Art. 5")
	if f.Unintelligible {
		b.because("The data was encrypted and the key not compromised: the Resolution has no encryption exemption, but the protective measures must be described and weigh in the risk assessment.", "LGPD Art. 48 §3", "Resolução CD/ANPD nº 15/2024 Art. 6")
	}
	deadline := BusinessDaysEnd(f.DiscoveredAt, 3, zoneBrazil, brazilHoliday)
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadline = at(deadline)
	b.o.RegulatorDeadlineText = "within 3 business days from the controller's knowledge that the incident affected personal data (doubled for small-scale processing agents); may be complemented within 20 business days"
	b.because(fmt.Sprintf("The ANPD must be notified by the electronic form within 3 business days of knowing the incident affected personal data, i.e. by %s; the communication may be complemented within 20 business days. %s Small-scale processing agents have double the time.", deadline.Format("2006-01-02 15:04 MST"), brBusinessDayNote), "Resolução CD/ANPD nº 15/2024 Art. 6")
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadline = at(deadline)
	b.o.IndividualDeadlineText = "within 3 business days from the controller's knowledge that the incident affected personal data"
	b.because(fmt.Sprintf("The data subjects must be told within the same 3 business days, by %s, in simple language, directly and individually where they can be identified, by the controller's usual channels (telephone, e-mail, electronic message or letter).", deadline.Format("2006-01-02 15:04 MST")), "Resolução CD/ANPD nº 15/2024 Art. 9")
	if f.Minors > 0 {
		b.because(fmt.Sprintf("%s affected %s: the report to the ANPD must count them separately.", plural(f.Minors), agree(f.Minors, "is a child or adolescent", "are children or adolescents")), "Resolução CD/ANPD nº 15/2024 Art. 6")
	}
	b.o.PublicNoticeConditions = []string{
		"direct individual communication is unfeasible, or the data subjects cannot be (fully) identified",
		"then communicate within the same deadline and with the same content through available channels (web site, apps, social media, customer service) with direct and easy visibility for at least 3 months",
		"file with the ANPD a declaration that the data subjects were communicated, stating the means, within 3 business days after the deadline",
	}
	if f.WithoutContact > 0 {
		b.o.PublicNoticeAllowed = true
		b.o.PublicNotice = true
		b.because(fmt.Sprintf("%s cannot be reached directly, so the communication must also be published through available channels, visible for at least 3 months, within the same deadline.", plural(f.WithoutContact)), "Resolução CD/ANPD nº 15/2024 Art. 9 §3")
	}
	b.notice(Notice{
		To:           brLGPDReg + " (declaration of communication to data subjects)",
		Required:     true,
		Deadline:     at(BusinessDaysEnd(deadline, 3, zoneBrazil, brazilHoliday)),
		DeadlineText: "within 3 business days after the end of the deadline for communicating to data subjects",
		Reasons:      []string{"The controller must declare to the ANPD that the data subjects were communicated and by which means. " + brBusinessDayNote},
		Citations:    []string{"Resolução CD/ANPD nº 15/2024 Art. 9 §4"},
	})
	return b.done()
}

// brBusinessDayNote says how the ANPD's business days are counted here.
const brBusinessDayNote = "Business days are counted in Brasília time from the day after knowledge, skipping weekends and national holidays (state and municipal holidays, Carnival and Corpus Christi are not skipped, so the real deadline may be later); each ends at midnight Brasília time."
