package regulators

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// usLaw is one row of the table of US state and territory breach statutes
// that have no file of their own: what the statute protects, whether it has
// a risk-of-harm exception, its deadlines, the regulator and
// consumer-reporting-agency notices and its substitute-notice thresholds,
// each with a citation, and which of those fields were read in the statute
// text.
type usLaw struct {
	// code is the state's postal code ("AZ"); the rule id is "US-" + code.
	code, name, law, regulator string
	// scope is what the statute protects and what triggers it.
	scope usScope
	// harm is the statute's risk-of-harm exception (or a harm element of its
	// definition of breach) in its own words, empty when it has none, and
	// harmCite its citation. An exception is a judgment call: the rule
	// notifies regardless and marks it for counsel.
	harm, harmCite string
	// days is the fixed outer limit for individual notice in calendar days
	// (0: "most expedient time possible and without unreasonable delay"
	// only), deadlineText the statute's words and deadlineCite its citation.
	days         int
	deadlineText string
	deadlineCite string
	// ag is the notice to the attorney general or other state regulator,
	// cra the notice to the nationwide consumer reporting agencies.
	ag, cra usNotice
	// sub is the substitute-notice rule.
	sub usSub
	// notes are further points of the statute, each with its citation.
	notes []usNote
	// content is what the statute requires the notice to individuals to
	// contain, where the table records it.
	content []string
	// report lists what the notice to the regulator must contain, where the
	// statute says; nil means the common items of state notices.
	report []ReportField
	// reportCopy says the regulator asks for a copy of the notice sent to
	// residents.
	reportCopy bool
	// verified lists the fields (fieldDefinition...) read in the statute
	// text; every other field comes from secondary sources. read lists
	// where that text was read.
	verified []string
	read     []string
}

// usNotice is a threshold notice: to the attorney general (or another state
// regulator) or to the consumer reporting agencies.
type usNotice struct {
	// to names the recipient; empty means the statute requires no such
	// notice (cite then says where that is visible).
	to string
	// over: the notice is due when the count is more than over (so 0 means
	// any affected resident, 499 means "500 or more").
	over int
	// countAll counts every person notified in the incident, not only the
	// state's residents.
	countAll bool
	// days is a fixed limit in days after discovery (business days when
	// business is set); withIndividuals says the notice is due no later than
	// the individual notice (or before it).
	days            int
	business        bool
	withIndividuals bool
	// afterNotice is a limit in days after the first notice to residents
	// (business days when afterBusiness is set), 0 when the statute sets
	// none.
	afterNotice   int
	afterBusiness bool
	// text is the statute's deadline in words, cite its citation.
	text, cite string
}

// usSub is a substitute-notice rule: allowed when the cost of notice would
// exceed cost dollars, the affected class exceeds size persons, or contact
// information is insufficient. A zero cost means the statute sets no such
// thresholds.
type usSub struct {
	cost, size int
	// noContactGround says insufficient contact information is not itself
	// a ground for substitute notice.
	noContactGround bool
	cite            string
	components      []string
}

// usNote is a further point of a statute with its citation. A judgment
// note is a point counsel must confirm; it is also listed as unverified.
// when, if set, limits the note to the facts it matters for.
type usNote struct {
	text, cite string
	judgment   bool
	when       func(Facts) bool
}

// Conditions for usNote.when.
var (
	whenHIPAA  = func(f Facts) bool { return f.HIPAACoveredEntity }
	whenHealth = hasHealth
	whenSSN    = func(f Facts) bool { return hasAny(f, "national_id") }
)

// Fields of a usLaw that can be verified against the statute text.
const (
	fieldDefinition = "definition of personal information"
	fieldEncryption = "encryption safe harbour"
	fieldHarm       = "risk-of-harm exception"
	fieldDeadline   = "individual deadline"
	fieldRegulator  = "regulator notice and threshold"
	fieldCRA        = "consumer reporting agency notice"
	fieldSubstitute = "substitute notice"
)

// usFields lists every verifiable field in report order.
var usFields = []string{fieldDefinition, fieldEncryption, fieldHarm, fieldDeadline, fieldRegulator, fieldCRA, fieldSubstitute}

// usCRA names the consumer reporting agencies for a usNotice.
const usCRA = "nationwide consumer reporting agencies (Equifax, Experian, TransUnion)"

// usStandardSubstitute is the substitute notice most states define: all of
// e-mail, a web-site posting and statewide media.
var usStandardSubstitute = []string{
	"e-mail notice where e-mail addresses are held",
	"conspicuous posting of the notice on the web site, if one is maintained",
	"notification to major statewide media",
}

// USStates returns the rules of the US states, the District of Columbia,
// Puerto Rico, Guam and the US Virgin Islands that have no file of their
// own, ordered by id. Each is built from one row of a table; its
// Obligation.Unverified lists the fields not read in the statute text.
func USStates() []Rule {
	rules := make([]Rule, 0, len(usLaws))
	for _, l := range usLaws {
		rules = append(rules, l.rule())
	}
	slices.SortFunc(rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return rules
}

// rule turns the row into a Rule.
func (l usLaw) rule() Rule {
	return Rule{ID: "US-" + l.code, Name: l.name, Law: l.law, Regulator: l.regulator, Decide: l.decide}
}

// isVerified reports whether field was read in the statute text.
func (l usLaw) isVerified(field string) bool { return slices.Contains(l.verified, field) }

// decide applies the row's statute to f.
func (l usLaw) decide(f Facts) Obligation {
	b := newBuilder("US-"+l.code, l.law, l.regulator, f)
	if b.noSubjects(f, l.scope.trigger) {
		return b.done()
	}
	for _, field := range usFields {
		if !l.isVerified(field) {
			b.unverified(fmt.Sprintf("%s %s: taken from secondary sources, not yet read in the statute text", l.name, field))
		}
	}
	s := l.scope
	s.state = l.name
	if !usTriggered(b, f, s) {
		return b.done()
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualContent = slices.Clone(l.content)
	l.harmException(b, f)
	l.individualDeadline(b, f)
	l.regulatorNotice(b, f)
	l.craNotice(b, f)
	l.substitute(b, f)
	for _, n := range l.notes {
		if n.when != nil && !n.when(f) {
			continue
		}
		b.because(n.text, n.cite)
		if n.judgment {
			b.unverified(fmt.Sprintf("judgment: %s (%s)", n.text, n.cite))
		}
	}
	return b.done()
}

// harmException records the statute's risk-of-harm exception as a judgment
// call: notice stays required until counsel confirms the exception applies.
func (l usLaw) harmException(b *builder, f Facts) {
	if l.harm == "" {
		b.because(fmt.Sprintf("%s law has no risk-of-harm exception: every resident whose personal information was acquired must be notified.", l.name), l.harmCite)
		return
	}
	b.because(fmt.Sprintf("%s law excuses notice when %s. Whether that holds is a judgment for counsel, documented in writing; until it is confirmed this assessment keeps individual notice required (the automated risk level is %q and is not a legal determination).", l.name, l.harm, orNone(string(f.Risk))), l.harmCite)
	b.unverified(fmt.Sprintf("judgment: %s risk-of-harm exception (%s) may excuse notice only on counsel's documented determination; notice is required until then", l.name, l.harmCite))
}

// individualDeadline sets the individual deadline.
func (l usLaw) individualDeadline(b *builder, f Facts) {
	b.o.IndividualDeadlineText = l.deadlineText
	if l.days == 0 {
		b.because(fmt.Sprintf("Residents must be notified %s; %s law sets no fixed number of days.", l.deadlineText, l.name), l.deadlineCite)
		return
	}
	b.o.IndividualDeadline = at(AfterCalendarDays(f.DiscoveredAt, l.days))
	b.because(fmt.Sprintf("Residents must be notified %s, i.e. by %s (counted from discovery, the earliest moment the statute's clock can start).", l.deadlineText, b.o.IndividualDeadline.Format("2006-01-02 15:04 MST")), l.deadlineCite)
}

// regulatorNotice sets the attorney-general (or other regulator) notice.
func (l usLaw) regulatorNotice(b *builder, f Facts) {
	n := l.ag
	if n.to == "" {
		b.because(fmt.Sprintf("%s law requires no breach notice to the attorney general or another state regulator from a private business.", l.name), n.cite)
		return
	}
	count, who := n.count(f, l.name)
	if count <= n.over {
		b.because(fmt.Sprintf("%s affected (%d) is not more than %d, so no notice to the %s is due.", who, count, n.over, n.to), n.cite)
		return
	}
	b.o.NotifyRegulator = true
	b.o.RegulatorDeadlineText = n.text
	b.o.RegulatorDeadline = n.deadline(f, b.o.IndividualDeadline)
	if a, ok := n.fromNotice(l.code, b.o.RegulatorDeadline); ok {
		b.afterNotice(f, a)
	}
	when := n.text
	if b.o.RegulatorDeadline != nil {
		when += ", i.e. by " + b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")
	}
	threshold := "Any breach that requires notice to residents must be reported"
	if n.over > 0 {
		threshold = fmt.Sprintf("%s affected (%d) is more than %d, so the breach must be reported", who, count, n.over)
	}
	b.because(fmt.Sprintf("%s to the %s: %s.", threshold, n.to, when), n.cite)
	if n.business {
		b.because(businessDayNote)
	}
}

// count returns the number a threshold counts and how to name it.
func (n usNotice) count(f Facts, state string) (int, string) {
	if n.countAll {
		return totalOr(f), "The number of persons notified in all states"
	}
	return f.Subjects, "The number of " + state + " residents"
}

// deadline returns the notice's fixed deadline, if any: its own days after
// discovery, or the individual deadline when it is due with that notice,
// whichever is earlier.
func (n usNotice) deadline(f Facts, individual *time.Time) *time.Time {
	var d *time.Time
	switch {
	case n.days > 0 && n.business:
		d = at(AfterBusinessDays(f.DiscoveredAt, n.days))
	case n.days > 0:
		d = at(AfterCalendarDays(f.DiscoveredAt, n.days))
	}
	if n.withIndividuals && individual != nil && (d == nil || individual.Before(*d)) {
		d = at(*individual)
	}
	return d
}

// fromNotice returns how the notice's deadline runs from the first notice
// to residents, when it does: "N days after notifying residents", or "not
// later than" that notice (withIndividuals). fixed is the deadline that
// does not depend on it, kept as an outer limit.
func (n usNotice) fromNotice(code string, fixed *time.Time) (AfterNotice, bool) {
	a := AfterNotice{Days: n.afterNotice, BusinessDays: n.afterBusiness, Zone: StateZone(code).String(), Law: n.text}
	switch {
	case n.afterNotice > 0:
		if n.days > 0 { // its own limit after discovery, not the individual deadline
			a.Cap = fixed
		}
	case n.withIndividuals:
		a.Cap = fixed
	default:
		return AfterNotice{}, false
	}
	return a, true
}

// craNotice adds the consumer-reporting-agency notice.
func (l usLaw) craNotice(b *builder, f Facts) {
	n := l.cra
	if n.to == "" {
		b.because(fmt.Sprintf("%s law requires no notice to consumer reporting agencies.", l.name), n.cite)
		return
	}
	count, who := n.count(f, l.name)
	craNotice(b, count, n.over, who, n.text, n.cite)
}

// substitute records when substitute (public) notice may replace individual
// notice.
func (l usLaw) substitute(b *builder, f Facts) {
	s := l.sub
	if s.cost == 0 {
		b.o.PublicNoticeConditions = append(b.o.PublicNoticeConditions, fmt.Sprintf("%s law sets no cost or size threshold for substitute notice; use individual notice", l.name))
		b.because(fmt.Sprintf("%s law sets no cost or size threshold for substitute notice, so individual notice is planned for everyone; people without contact information need counsel's advice on the method.", l.name), s.cite)
		return
	}
	components := s.components
	if components == nil {
		components = usStandardSubstitute
	}
	b.o.PublicNoticeConditions = append(b.o.PublicNoticeConditions,
		fmt.Sprintf("the cost of providing notice would exceed $%s (cost is not known to this assessment)", thousands(s.cost)),
		fmt.Sprintf("the affected class exceeds %s persons (here %d)", thousands(s.size), f.Subjects))
	if !s.noContactGround {
		b.o.PublicNoticeConditions = append(b.o.PublicNoticeConditions, fmt.Sprintf("insufficient contact information (here %s without usable contact)", plural(f.WithoutContact)))
	}
	b.o.PublicNoticeConditions = append(b.o.PublicNoticeConditions, "substitute notice consists of all of: "+list(components))
	switch {
	case f.Subjects > s.size:
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("More than %s residents are affected (%d), so substitute notice is allowed in place of individual notice.", thousands(s.size), f.Subjects), s.cite)
	case f.WithoutContact > 0 && s.noContactGround:
		b.because(fmt.Sprintf("%s cannot be reached with the contact information held, but %s law does not make insufficient contact information a ground for substitute notice; another direct method is needed for them.", plural(f.WithoutContact), l.name), s.cite)
	case f.WithoutContact > 0:
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("%s cannot be reached with the contact information held, so substitute notice is allowed for want of sufficient contact information.", plural(f.WithoutContact)), s.cite)
	default:
		b.because(fmt.Sprintf("Substitute notice is not available on these facts (%s or fewer affected and contact information for all); it would become available only if the cost of notice exceeded $%s.", thousands(s.size), thousands(s.cost)), s.cite)
	}
}

// thousands writes n with comma separators: 250000 is "250,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// usStateReportForm returns the report form of a state in the table, and
// whether the table has the state.
func usStateReportForm(id string) (ReportForm, bool) {
	for _, l := range usLaws {
		if "US-"+l.code == id {
			return l.reportForm(), true
		}
	}
	return ReportForm{}, false
}

// reportForm is the notice to the state's regulator: the statute's own
// items where the row lists them, otherwise the items every state notice
// carries, each cited to the statute's regulator provision.
func (l usLaw) reportForm() ReportForm {
	id := "US-" + l.code
	f := ReportForm{ID: id, Jurisdiction: id, To: l.ag.to, Language: "en", NoticeCopy: l.reportCopy}
	cite := l.ag.cite
	switch {
	case l.ag.to == "":
		f.Title = fmt.Sprintf("Record of the assessment: %s requires no notice to a state regulator (%s)", l.name, cite)
	default:
		f.Title = fmt.Sprintf("Notice to the %s (%s)", l.ag.to, cite)
	}
	if l.report != nil {
		f.Fields = slices.Clone(l.report)
		f.Source = "items of " + cite
		if l.isVerified(fieldRegulator) {
			f.Source = "read: " + cite + " (" + strings.Join(l.read, "; ") + ")"
		}
		return f
	}
	f.Source = "not read: the items every state notice carries, cited to " + cite + "; check the regulator's own form"
	f.Fields = []ReportField{
		field("organisation", "Name and address of the organisation that experienced the breach", cite, FactOrganisation, "the organisation's name and address"),
		field("contact", "Contact for questions about the breach", cite, FactContact, "a contact's name, e-mail and phone"),
		field("nature", "Description of the breach", cite, FactNature, "a description of what happened"),
		field("occurred", "Date or period of the breach", cite, FactOccurred, "the date or period of the breach"),
		field("discovered", "Date the breach was discovered", cite, FactDiscovered, "the date of discovery"),
		field("pi_types", "Types of personal information involved", cite, FactCategories, "the types of personal information"),
		field("subjects", fmt.Sprintf("Number of %s residents affected", l.name), cite, FactSubjects, "the number of affected residents"),
		field("measures", "Steps taken or planned in response", cite, FactMeasures, "the steps taken or planned"),
		field("individuals", "Timing, distribution and content of the notice to residents", cite, FactIndividuals, "when and how residents were or will be told"),
	}
	return f
}

// usBase are the data elements every state statute protects with a name:
// Social Security number, driver's licence or state identification number,
// and a financial account or card number with its access code.
var usBase = []string{"national_id", "drivers_license", "payment_card", "bank_account"}

// usElements returns usBase with extra elements.
func usElements(extra ...string) []string { return slices.Concat(usBase, extra) }

// usLaws is the table of the state and territory statutes without a file of
// their own. Statute wording is paraphrased; the verified field says which
// parts were read in the statute text.
var usLaws = []usLaw{
	{
		code: "AK", name: "Alaska", law: "Alaska Personal Information Protection Act, Alaska Stat. §§ 45.48.010-45.48.090", regulator: "Alaska Attorney General",
		scope: usScope{elements: usElements(), definition: "Alaska Stat. § 45.48.090", trigger: "Alaska Stat. § 45.48.010(a)", encryption: "Alaska Stat. § 45.48.090"},
		harm:  "after an appropriate investigation and written notice to the Attorney General, the business determines that there is not a reasonable likelihood that harm to the consumers has resulted or will result (the determination must be documented in writing, kept five years and sent to the Attorney General)", harmCite: "Alaska Stat. § 45.48.010(c)",
		deadlineText: "in the most expeditious time possible and without unreasonable delay, except for an allowed law-enforcement delay and as necessary to determine the scope of the breach and restore the system", deadlineCite: "Alaska Stat. § 45.48.010(b)",
		ag:       usNotice{cite: "Alaska Stat. § 45.48.010"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "Alaska Stat. § 45.48.040(a)"},
		sub:      usSub{cost: 150000, size: 300000, cite: "Alaska Stat. § 45.48.030"},
		notes:    []usNote{{text: "The Alaska duty covers personal information in any form, paper included.", cite: "Alaska Stat. § 45.48.010(a)"}},
		verified: []string{fieldHarm, fieldDeadline},
		read:     []string{"https://law.justia.com/codes/alaska/2019/title-45/chapter-48/article-1/section-45-48-010/", "http://ak.elaws.us/as/45.48.010"},
	},
	{
		code: "AL", name: "Alabama", law: "Alabama Data Breach Notification Act of 2018, Ala. Code §§ 8-38-1 to 8-38-12", regulator: "Alabama Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic"), credentials: true, definition: "Ala. Code § 8-38-2(6)", trigger: "Ala. Code § 8-38-2(1)", encryption: "Ala. Code § 8-38-2(6)"},
		harm:  "after a good-faith and prompt investigation the covered entity determines that the breach is not reasonably likely to cause substantial harm to the individuals", harmCite: "Ala. Code § 8-38-5(a)",
		days: 45, deadlineText: "as expeditiously as possible and without unreasonable delay, and no later than 45 days after determining that a breach occurred and is reasonably likely to cause substantial harm", deadlineCite: "Ala. Code § 8-38-5(b)",
		ag:    usNotice{to: "Alabama Attorney General", over: 1000, days: 45, text: "in writing, as expeditiously as possible and without unreasonable delay, and within 45 days after receiving notice of the breach from a third-party agent or determining that a breach occurred and is reasonably likely to cause substantial harm", cite: "Ala. Code § 8-38-6(a)"},
		cra:   usNotice{to: usCRA, over: 1000, text: "without unreasonable delay", cite: "Ala. Code § 8-38-7"},
		sub:   usSub{cost: 500000, size: 100000, cite: "Ala. Code § 8-38-5(e)"},
		notes: []usNote{{text: "The notice to the Attorney General must give a synopsis of the events, the approximate number of Alabama residents affected, the free services offered and how to use them, and a contact person's name, address, telephone number and e-mail address.", cite: "Ala. Code § 8-38-6(b)"}},
		report: []ReportField{
			field("synopsis", "Synopsis of the events surrounding the breach at the time notice is provided", "Ala. Code § 8-38-6(b)(1)", FactNature, "a synopsis of the events", "verified"),
			field("subjects", "Approximate number of individuals in Alabama affected by the breach", "Ala. Code § 8-38-6(b)(2)", FactSubjects, "the approximate number of affected Alabama residents", "verified"),
			field("services", "Services related to the breach offered without charge to individuals, with instructions on how to use them", "Ala. Code § 8-38-6(b)(3)", FactRemedies, "the free services offered and how to use them, or 'none'", "verified"),
			field("contact", "Name, address, telephone number and e-mail address of the employee or agent from whom more information may be obtained", "Ala. Code § 8-38-6(b)(4)", FactContact, "a contact's name, address, phone and e-mail", "verified"),
			field("update", "Supplemental or updated information, at any time", "Ala. Code § 8-38-6(c)", FactFollowUp, "what will be supplied later", "phased", "verified"),
		},
		verified: []string{fieldRegulator},
		read:     []string{"http://alisondb.legislature.state.al.us/alison/codeofalabama/1975/8-38-6.htm"},
	},
	{
		code: "AR", name: "Arkansas", law: "Personal Information Protection Act, Ark. Code §§ 4-110-101 to 4-110-108", regulator: "Arkansas Attorney General",
		scope: usScope{elements: usElements("health", "genetic", "biometric"), definition: "Ark. Code § 4-110-103(7)", trigger: "Ark. Code § 4-110-103(1)", encryption: "Ark. Code § 4-110-103(7)"},
		harm:  "after a reasonable investigation the business determines that there is no reasonable likelihood of harm to customers (the determination must be documented in writing and kept five years)", harmCite: "Ark. Code § 4-110-105(g)",
		deadlineText: "in the most expedient time and manner possible and without unreasonable delay", deadlineCite: "Ark. Code § 4-110-105(a)(2)",
		ag:       usNotice{to: "Arkansas Attorney General", over: 1000, countAll: true, days: 45, withIndividuals: true, text: "at the same time the security breach is disclosed to an affected individual or within 45 days after determining that there is a reasonable likelihood of harm to customers, whichever is first, when the breach affects the personal information of more than 1,000 individuals", cite: "Ark. Code § 4-110-105(b)(2)"},
		cra:      usNotice{cite: "Ark. Code § 4-110-105"},
		sub:      usSub{cost: 250000, size: 500000, cite: "Ark. Code § 4-110-105(e)"},
		verified: []string{fieldDeadline, fieldRegulator},
		read:     []string{"https://getpocketlaw.com/law/state_arkansas/section-4-110-105-disclosure-of-security-breaches_d8c966436fc7 (§ 4-110-105(a)(1)-(2), (b)(2))"},
	},
	{
		code: "AZ", name: "Arizona", law: "A.R.S. §§ 18-551, 18-552 (Data Security Breaches)", regulator: "Arizona Attorney General and Arizona Department of Homeland Security",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "A.R.S. § 18-551(7), (11)", trigger: "A.R.S. § 18-551(1)", encryption: "A.R.S. § 18-551(1)(a), (3)"},
		harm:  "an independent third-party forensic auditor or a law-enforcement agency determines, after a reasonable investigation, that the breach has not resulted in or is not reasonably likely to result in substantial economic loss to affected individuals", harmCite: "A.R.S. § 18-552(J)",
		days: 45, deadlineText: "within 45 days after the determination that there has been a security system breach", deadlineCite: "A.R.S. § 18-552(B)",
		ag:  usNotice{to: "Arizona Attorney General and Director of the Arizona Department of Homeland Security", over: 1000, days: 45, withIndividuals: true, text: "within 45 days after the determination, in the form prescribed by the Attorney General or on its online form (the Department of Homeland Security since 22 July 2022)", cite: "A.R.S. § 18-552(B)(2)"},
		cra: usNotice{to: usCRA, over: 1000, text: "within 45 days after the determination", cite: "A.R.S. § 18-552(B)(2)"},
		sub: usSub{cost: 50000, size: 100000, cite: "A.R.S. § 18-552(F)(4)", components: []string{
			"a written letter to the Attorney General demonstrating the facts necessary for substitute notice",
			"conspicuous posting of the notice for at least 45 days on the web site of the person, if any",
		}},
		notes:    []usNote{{text: "A covered entity or business associate under HIPAA, or a financial institution subject to the Gramm-Leach-Bliley Act, that complies with those laws is deemed to comply with the Arizona statute; whether that exemption applies is for counsel.", cite: "A.R.S. § 18-552", judgment: true, when: whenHIPAA}},
		verified: []string{fieldEncryption},
		read:     []string{"https://cliclaw.com/node/384 (A.R.S. § 18-551(1), (3))"},
	},
	{
		code: "CO", name: "Colorado", law: "C.R.S. § 6-1-716 (notification of security breach)", regulator: "Colorado Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "C.R.S. § 6-1-716(1)(g)", trigger: "C.R.S. § 6-1-716(1)(h)", encryption: "C.R.S. § 6-1-716(1)(d), (g)"},
		harm:  "after a good-faith, prompt and reasonable investigation the covered entity determines that misuse of the information about a Colorado resident has not occurred and is not reasonably likely to occur", harmCite: "C.R.S. § 6-1-716(2)(a)",
		days: 30, deadlineText: "in the most expedient time possible and without unreasonable delay, but not later than 30 days after the date of determination that a security breach occurred", deadlineCite: "C.R.S. § 6-1-716(2)(a)",
		ag:  usNotice{to: "Colorado Attorney General", over: 499, days: 30, text: "in the most expedient time possible and without unreasonable delay, but not later than 30 days after the determination, when 500 or more Colorado residents are affected", cite: "C.R.S. § 6-1-716(2)(f)"},
		cra: usNotice{to: usCRA, over: 1000, text: "in the most expedient time possible and without unreasonable delay", cite: "C.R.S. § 6-1-716(2)(d)"},
		sub: usSub{cost: 250000, size: 250000, cite: "C.R.S. § 6-1-716(1)(f)"},
	},
	{
		code: "CT", name: "Connecticut", law: "Conn. Gen. Stat. § 36a-701b (breach of security)", regulator: "Connecticut Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, access: true, definition: "Conn. Gen. Stat. § 36a-701b(a)", trigger: "Conn. Gen. Stat. § 36a-701b(a)", encryption: "Conn. Gen. Stat. § 36a-701b(a)"},
		harm:  "after an appropriate investigation and consultation with the relevant federal, state and local law-enforcement agencies, the person reasonably determines that the breach will not likely result in harm to the individuals", harmCite: "Conn. Gen. Stat. § 36a-701b(b)(1)",
		days: 60, deadlineText: "without unreasonable delay but not later than 60 days after the discovery of the breach", deadlineCite: "Conn. Gen. Stat. § 36a-701b(b)(1)",
		ag:       usNotice{to: "Connecticut Attorney General", withIndividuals: true, text: "not later than the time notice is provided to residents", cite: "Conn. Gen. Stat. § 36a-701b(b)(2)"},
		cra:      usNotice{cite: "Conn. Gen. Stat. § 36a-701b"},
		sub:      usSub{cost: 250000, size: 500000, cite: "Conn. Gen. Stat. § 36a-701b(e)"},
		notes:    []usNote{{text: "If Social Security numbers or taxpayer identification numbers were exposed, appropriate identity-theft prevention and mitigation services must be offered at no cost for at least 24 months (the Attorney General's guidance confirms the 60-day limit since 1 October 2021, Public Act 21-59).", cite: "Conn. Gen. Stat. § 36a-701b(b)(2)(B)", when: whenSSN}},
		verified: []string{fieldEncryption},
		read:     []string{"https://portal.ct.gov/AG/General/Report-a-Breach-of-Security-Involving-Computerized-Data (official guidance)", "https://cliclaw.com/library/state-laws/state-security-breach-laws/connecticut-breach-data-security (statute text, § 36a-701b(a)(1), pre-2021 element list)"},
	},
	{
		code: "DC", name: "District of Columbia", law: "D.C. Code §§ 28-3851 to 28-3853 (Consumer Security Breach Notification)", regulator: "Attorney General for the District of Columbia",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), identified: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "D.C. Code § 28-3851(3)", trigger: "D.C. Code § 28-3851(1)", encryption: "D.C. Code § 28-3851(1)"},
		harm:  "after a reasonable investigation and consultation with the Office of the Attorney General and federal law enforcement, the person determines that the breach will not likely result in harm to the individual", harmCite: "D.C. Code § 28-3852",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "D.C. Code § 28-3852(a)",
		ag:  usNotice{to: "Attorney General for the District of Columbia", over: 49, withIndividuals: true, text: "promptly and in no event later than when notice is provided to residents, when 50 or more District residents are affected", cite: "D.C. Code § 28-3852(b-1)"},
		cra: usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "D.C. Code § 28-3852(c)"},
		sub: usSub{cost: 50000, size: 100000, cite: "D.C. Code § 28-3851(2)"},
		notes: []usNote{
			{text: "If Social Security numbers or taxpayer identification numbers were exposed, identity-theft protection services must be offered to each affected District resident at no cost for at least 18 months, with the information needed to enrol.", cite: "D.C. Code § 28-3852.02", when: whenSSN},
			{text: "The data elements are covered with a name, telephone number, address or any other personal identifier, not only a name (as the Office of the Attorney General explains the 2020 amendment).", cite: "D.C. Code § 28-3851(3)"},
		},
		verified: []string{fieldEncryption},
		read:     []string{"https://code.dccouncil.gov/us/dc/council/code/sections/%5B28-3852.02%5D", "https://oag.dc.gov/requirements-districts-data-breach-notification (official summary)", "https://cliclaw.com/library/state-laws/state-security-breach-laws/district-columbia-consumer-security-breach (statute text, § 28-3851(1))"},
	},
	{
		code: "DE", name: "Delaware", law: "6 Del. C. §§ 12B-101 to 12B-104 (Computer Security Breaches)", regulator: "Delaware Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "6 Del. C. § 12B-101(7)", trigger: "6 Del. C. § 12B-101(1)", encryption: "6 Del. C. § 12B-101(1)"},
		harm:  "after an appropriate investigation the person reasonably determines that the breach of security is unlikely to result in harm to the individuals whose personal information has been breached", harmCite: "6 Del. C. § 12B-102(a)",
		days: 60, deadlineText: "without unreasonable delay but not later than 60 days after determination of the breach of security, unless federal law requires a shorter time or law enforcement asks for delay; residents identified later are notified as soon as practicable", deadlineCite: "6 Del. C. § 12B-102(c)",
		ag:       usNotice{to: "Delaware Attorney General", over: 500, withIndividuals: true, text: "not later than the time notice is provided to residents, when more than 500 Delaware residents are to be notified", cite: "6 Del. C. § 12B-102(d)"},
		cra:      usNotice{cite: "6 Del. C. § 12B-102"},
		sub:      usSub{cost: 75000, size: 100000, cite: "6 Del. C. § 12B-101(5)"},
		notes:    []usNote{{text: "If Social Security numbers were exposed, credit monitoring services must be offered at no cost for one year.", cite: "6 Del. C. § 12B-102(e)", when: whenSSN}},
		verified: []string{fieldHarm, fieldDeadline},
		read:     []string{"https://d1tvxue8o4w0fl.cloudfront.net/statute/delaware-code/title-6-commerce-and-trade/subtitle-ii-other-laws-relating-to-commerce-and-trade/chapter-12b-computer-security-breaches/section-12b-102-disclosure-of-breach-of-security-of-computerized-personal-information-by-an-individual-or-a-commercial-entity-security-notice (casetext copy of § 12B-102(a)-(c))"},
	},
	{
		code: "GA", name: "Georgia", law: "Georgia Personal Identity Protection Act, O.C.G.A. §§ 10-1-910 to 10-1-912", regulator: "Georgia Attorney General",
		scope:        usScope{elements: usBase, credentials: true, withoutName: true, definition: "O.C.G.A. § 10-1-911(6)", trigger: "O.C.G.A. § 10-1-911(1)", encryption: "O.C.G.A. § 10-1-911(6)"},
		harmCite:     "O.C.G.A. § 10-1-911(1)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "O.C.G.A. § 10-1-912(a)",
		ag:       usNotice{cite: "O.C.G.A. § 10-1-912"},
		cra:      usNotice{to: usCRA, over: 10000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "O.C.G.A. § 10-1-912(d)"},
		sub:      usSub{cost: 50000, size: 100000, cite: "O.C.G.A. § 10-1-911(4)"},
		notes:    []usNote{{text: "The Georgia duty falls on information brokers (those who collect and assemble information about individuals for fees, primarily to furnish it to nonaffiliated third parties), data collectors (government bodies) and those maintaining data on their behalf; whether this organisation is within it is for counsel, and notice is planned until that is settled.", cite: "O.C.G.A. §§ 10-1-911(2), (3), 10-1-912(a), (b)", judgment: true}},
		verified: []string{fieldHarm, fieldDeadline, fieldRegulator},
		read:     []string{"https://law.justia.com/codes/georgia/2016/title-10/chapter-1/article-34/section-10-1-912", "http://www.laws9.com/statutes/georgia/title-10/chapter-1/article-34/10-1-911"},
	},
	{
		code: "GU", name: "Guam", law: "Notification of Breaches of Personal Information, 9 G.C.A. Chapter 48 (P.L. 30-021)", regulator: "Guam Attorney General",
		scope: usScope{elements: usBase, definition: "9 G.C.A. Chapter 48", trigger: "9 G.C.A. § 48.20(a)", encryption: "9 G.C.A. § 48.20(a)"},
		harm:  "the breach has not caused and is not reasonably believed to cause identity theft or other fraud to a resident (the statute's definition of breach)", harmCite: "9 G.C.A. Chapter 48",
		deadlineText: "without unreasonable delay", deadlineCite: "9 G.C.A. Chapter 48",
		ag:       usNotice{cite: "9 G.C.A. Chapter 48"},
		cra:      usNotice{cite: "9 G.C.A. Chapter 48"},
		sub:      usSub{cost: 10000, size: 5000, cite: "9 G.C.A. Chapter 48"},
		verified: []string{fieldEncryption},
		read:     []string{"https://proteuscyber.com/privacy-database/news/4558-guam-code-title-9-chapter-48-notificationof-breaches-of-personal-information-2019-9-gca-4810 (chapter text, § 48.20(a))"},
	},
	{
		code: "HI", name: "Hawaii", law: "Haw. Rev. Stat. ch. 487N (Security Breach of Personal Information)", regulator: "Hawaii Office of Consumer Protection",
		scope: usScope{elements: usBase, definition: "Haw. Rev. Stat. § 487N-1", trigger: "Haw. Rev. Stat. § 487N-1", encryption: "Haw. Rev. Stat. § 487N-1"},
		harm:  "illegal use of the personal information has not occurred and is not reasonably likely to occur, so that no risk of harm is created (the statute's definition of security breach)", harmCite: "Haw. Rev. Stat. § 487N-1",
		deadlineText: "without unreasonable delay", deadlineCite: "Haw. Rev. Stat. § 487N-2(a)",
		ag:       usNotice{to: "Hawaii Office of Consumer Protection", over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "Haw. Rev. Stat. § 487N-2(f)"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "Haw. Rev. Stat. § 487N-2(f)"},
		sub:      usSub{cost: 100000, size: 200000, cite: "Haw. Rev. Stat. § 487N-2(e)"},
		verified: []string{fieldDefinition, fieldEncryption, fieldDeadline},
		read:     []string{"https://policyrisk.com/states/hawaii/statutes/487N-2 (§ 487N-2(a))", "https://proteuscyber.com/privacy-database/news/4559-hawaii-security-breach-of-personal-information-haw-rev-stat-487n (chapter text, § 487N-1)"},
	},
	{
		code: "IA", name: "Iowa", law: "Iowa Code ch. 715C (Personal Information Security Breach Protection)", regulator: "Iowa Attorney General (Consumer Protection Division)",
		scope: usScope{elements: usElements("biometric"), definition: "Iowa Code § 715C.1(11)", trigger: "Iowa Code § 715C.1(1)", encryption: "Iowa Code § 715C.2(1)"},
		harm:  "after an appropriate investigation or consultation with the relevant law-enforcement agencies, the person determines that no reasonable likelihood of financial harm to the consumers has resulted or will result (the determination must be documented in writing and kept five years)", harmCite: "Iowa Code § 715C.2(6)",
		deadlineText: "in the most expeditious manner possible and without unreasonable delay", deadlineCite: "Iowa Code § 715C.2(1)",
		ag:  usNotice{to: "Director of the Consumer Protection Division of the Iowa Attorney General's office", over: 499, afterNotice: 5, afterBusiness: true, text: "within five business days after giving notice of the breach to consumers", cite: "Iowa Code § 715C.2(8)"},
		cra: usNotice{cite: "Iowa Code § 715C.2"},
		sub: usSub{cost: 250000, size: 350000, cite: "Iowa Code § 715C.2(4)"},
	},
	{
		code: "ID", name: "Idaho", law: "Idaho Code §§ 28-51-104 to 28-51-107", regulator: "Idaho Attorney General",
		scope: usScope{elements: usBase, definition: "Idaho Code § 28-51-104(5)", trigger: "Idaho Code § 28-51-104(2)", encryption: "Idaho Code § 28-51-104(2), (5)"},
		harm:  "a reasonable and prompt good-faith investigation determines that misuse of information about an Idaho resident has not occurred and is not reasonably likely to occur", harmCite: "Idaho Code § 28-51-105(1)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "Idaho Code § 28-51-105(1)",
		ag:       usNotice{cite: "Idaho Code § 28-51-105(1)"},
		cra:      usNotice{cite: "Idaho Code § 28-51-105"},
		sub:      usSub{cost: 25000, size: 50000, cite: "Idaho Code § 28-51-104(4)"},
		verified: []string{fieldEncryption},
		read:     []string{"https://legislature.idaho.gov/statutesrules/idstat/Title28/T28CH51/SECT28-51-104 (§ 28-51-104(2); (4)(d) substitute-notice thresholds match, its components were not visible)"},
	},
	{
		code: "IN", name: "Indiana", law: "Ind. Code art. 24-4.9 (Disclosure of Security Breach)", regulator: "Indiana Attorney General",
		scope: usScope{elements: usBase, identified: []string{"national_id"}, definition: "Ind. Code § 24-4.9-2-10", trigger: "Ind. Code § 24-4.9-3-1(a)", encryption: "Ind. Code § 24-4.9-3-1(a)"},
		harm:  "the data-base owner does not know, and should not have known, that the unauthorised acquisition has resulted in or could result in identity deception, identity theft or fraud affecting the resident", harmCite: "Ind. Code § 24-4.9-3-1(a)",
		days: 45, deadlineText: "without unreasonable delay, but not more than 45 days after the discovery of the breach (delay is reasonable only to restore the system, discover the scope, or at the request of the Attorney General or law enforcement)", deadlineCite: "Ind. Code § 24-4.9-3-3(a)",
		ag:  usNotice{to: "Indiana Attorney General", withIndividuals: true, text: "when residents are notified", cite: "Ind. Code § 24-4.9-3-1(c)"},
		cra: usNotice{to: usCRA, over: 1000, text: "with the notice to residents: information necessary to assist the agency in preventing fraud", cite: "Ind. Code § 24-4.9-3-1(b)"},
		sub: usSub{cost: 250000, size: 500000, noContactGround: true, cite: "Ind. Code § 24-4.9-3-4(b)", components: []string{
			"conspicuous posting of the notice on the data base owner's web site",
			"notice to major news reporting media in the areas where the affected residents live",
		}},
		notes:    []usNote{{text: "A Social Security number is personal information in Indiana even without a name.", cite: "Ind. Code § 24-4.9-2-10", when: whenSSN}},
		verified: []string{fieldEncryption, fieldHarm, fieldDeadline, fieldRegulator, fieldCRA, fieldSubstitute},
		read:     []string{"https://instalawyer.io/laws/indiana-code/24-49-3-1-disclosure-of-breach", "https://lawserver.com/law/state/indiana/in-code/indiana_code_24-4-9-3-3", "https://law.counselstack.com/statute/in/24-4.9-3-4"},
	},
	{
		code: "KS", name: "Kansas", law: "K.S.A. §§ 50-7a01 to 50-7a04", regulator: "Kansas Attorney General",
		scope: usScope{elements: usBase, definition: "K.S.A. § 50-7a01(g)", trigger: "K.S.A. § 50-7a01(h)", encryption: "K.S.A. § 50-7a01(g)"},
		harm:  "a reasonable and prompt good-faith investigation determines that misuse of the information has not occurred and is not reasonably likely to occur", harmCite: "K.S.A. § 50-7a02(a)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "K.S.A. § 50-7a02(a)",
		ag:       usNotice{cite: "K.S.A. § 50-7a02"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "K.S.A. § 50-7a02(f)"},
		sub:      usSub{cost: 100000, size: 5000, cite: "K.S.A. § 50-7a01(c)"},
		verified: []string{fieldHarm, fieldDeadline},
		read:     []string{"https://getpocketlaw.com/law/state_kansas/section-50-7a02-security-breach-requirements_a658ec5e22be (§ 50-7a02(a))"},
	},
	{
		code: "KY", name: "Kentucky", law: "KRS § 365.732", regulator: "Kentucky Attorney General",
		scope: usScope{elements: usBase, definition: "KRS § 365.732(1)(c)", trigger: "KRS § 365.732(1)(a), (2)", encryption: "KRS § 365.732(1)(a), (2)"},
		harm:  "the acquisition has not caused and is not reasonably believed to cause identity theft or fraud (the statute's definition of breach)", harmCite: "KRS § 365.732(1)(a)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "KRS § 365.732(2)",
		ag:       usNotice{cite: "KRS § 365.732"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "KRS § 365.732(7)"},
		sub:      usSub{cost: 250000, size: 500000, cite: "KRS § 365.732(5)"},
		verified: []string{fieldDefinition, fieldEncryption, fieldHarm, fieldDeadline},
		read:     []string{"https://proteuscyber.com/privacy-database/news/4565-kentucky-notification-to-affected-persons-of-computer-security-breach-ky-rev-stat-365732 (KRS 365.732(1)-(2))"},
	},
	{
		code: "LA", name: "Louisiana", law: "Database Security Breach Notification Law, La. R.S. 51:3071-3077; La. Admin. Code tit. 16, pt. III, § 701", regulator: "Louisiana Attorney General (Consumer Protection Section)",
		scope: usScope{elements: usElements("passport", "biometric"), definition: "La. R.S. 51:3073(4)", trigger: "La. R.S. 51:3074(C)", encryption: "La. R.S. 51:3073(4)"},
		harm:  "after a reasonable investigation the person determines that there is no reasonable likelihood of harm to Louisiana residents (the determination must be documented in writing and kept five years)", harmCite: "La. R.S. 51:3074(I)",
		days: 60, deadlineText: "in the most expedient time possible and without unreasonable delay, but not later than 60 days from the discovery of the breach", deadlineCite: "La. R.S. 51:3074(E)",
		ag:       usNotice{to: "Louisiana Attorney General (Consumer Protection Section)", text: "written notice within 10 days of distributing notice to Louisiana residents", cite: "La. Admin. Code tit. 16, pt. III, § 701"},
		cra:      usNotice{cite: "La. R.S. 51:3074"},
		sub:      usSub{cost: 100000, size: 100000, cite: "La. R.S. 51:3074(G)"},
		verified: []string{fieldDefinition, fieldEncryption},
		read:     []string{"https://self-law.org/code/la/title-51/51-951 (R.S. 51:3073(2), (4)(a))", "https://legis.la.gov/Legis/Law.aspx?d=322030 (R.S. 51:3074(A)-(D))"},
	},
	{
		code: "MD", name: "Maryland", law: "Maryland Personal Information Protection Act, Md. Code, Com. Law §§ 14-3501 to 14-3508", regulator: "Maryland Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "Md. Code, Com. Law § 14-3501(e)", trigger: "Md. Code, Com. Law § 14-3504(a)(1)", encryption: "Md. Code, Com. Law § 14-3501(e)"},
		harm:  "after a reasonable and prompt investigation the business reasonably determines that the breach does not create a likelihood that personal information has been or will be misused (records of the determination must be kept three years)", harmCite: "Md. Code, Com. Law § 14-3504(b)(1), (2), (4)",
		days: 45, deadlineText: "as soon as reasonably practicable, but not later than 45 days after the business discovers or is notified of the breach", deadlineCite: "Md. Code, Com. Law § 14-3504(b)(3)",
		ag:       usNotice{to: "Maryland Attorney General", withIndividuals: true, text: "before notifying the individuals", cite: "Md. Code, Com. Law § 14-3504(h)"},
		cra:      usNotice{to: usCRA, over: 999, text: "without unreasonable delay, of the timing, distribution and content of the notices, when 1,000 or more individuals are notified", countAll: true, cite: "Md. Code, Com. Law § 14-3506"},
		sub:      usSub{cost: 100000, size: 175000, cite: "Md. Code, Com. Law § 14-3504(e)"},
		verified: []string{fieldHarm, fieldDeadline},
		read:     []string{"https://lexace.ai/us/statute/maryland/CL-14-3504"},
	},
	{
		code: "ME", name: "Maine", law: "Notice of Risk to Personal Data Act, 10 M.R.S. §§ 1346-1350-B", regulator: "Maine Attorney General",
		scope: usScope{elements: usBase, credentials: true, withoutName: true, definition: "10 M.R.S. § 1347(6)", trigger: "10 M.R.S. § 1347(1)", encryption: "10 M.R.S. § 1347(6)"},
		harm:  "(for a person other than an information broker) a reasonable and prompt good-faith investigation determines that misuse of the personal information has not occurred and is not reasonably possible", harmCite: "10 M.R.S. § 1348(1)(B)",
		days: 30, deadlineText: "as expediently as possible and without unreasonable delay, and no more than 30 days after becoming aware of the breach and identifying its scope", deadlineCite: "10 M.R.S. § 1348(1)",
		ag:  usNotice{to: "Maine Attorney General (or the person's primary state regulator)", withIndividuals: true, text: "when residents are notified", cite: "10 M.R.S. § 1348(5)"},
		cra: usNotice{to: usCRA, over: 1000, text: "of the date of the breach, an estimate of the number of persons affected and the date notices were or will be sent", cite: "10 M.R.S. § 1348(4)"},
		sub: usSub{cost: 5000, size: 1000, cite: "10 M.R.S. § 1347(4)"},
	},
	{
		code: "MI", name: "Michigan", law: "Identity Theft Protection Act, MCL 445.61-445.79d (breach notice: MCL 445.72)", regulator: "Michigan Attorney General",
		scope: usScope{elements: usBase, definition: "MCL 445.63(r)", trigger: "MCL 445.63(b)", encryption: "MCL 445.72(1)"},
		harm:  "the person determines that the breach has not caused and is not likely to cause substantial loss or injury to, or result in identity theft with respect to, one or more residents", harmCite: "MCL 445.72(1)",
		deadlineText: "without unreasonable delay", deadlineCite: "MCL 445.72(4)",
		ag:  usNotice{cite: "MCL 445.72"},
		cra: usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the number of notices sent and their timing", cite: "MCL 445.72(8)"},
		sub: usSub{cost: 250000, size: 500000, cite: "MCL 445.72(5)(d)"},
		content: []string{
			"written in a clear and conspicuous manner",
			"a description of the security breach in general terms",
			"the type of personal information that is the subject of the unauthorised access or use",
			"what the notifying person has done to protect the data from further breaches",
			"a telephone number where the recipient may obtain assistance or additional information",
			"a reminder to remain vigilant for incidents of fraud and identity theft",
		},
	},
	{
		code: "MN", name: "Minnesota", law: "Minn. Stat. § 325E.61", regulator: "Minnesota Attorney General",
		scope:        usScope{elements: usBase, definition: "Minn. Stat. § 325E.61, subd. 1(e)", trigger: "Minn. Stat. § 325E.61, subd. 1(d)", encryption: "Minn. Stat. § 325E.61, subd. 1(a)"},
		harmCite:     "Minn. Stat. § 325E.61, subd. 1(d)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "Minn. Stat. § 325E.61, subd. 1(a)",
		ag:       usNotice{cite: "Minn. Stat. § 325E.61"},
		cra:      usNotice{to: usCRA, over: 500, text: "within 48 hours, of the timing, distribution and content of the notices", cite: "Minn. Stat. § 325E.61, subd. 2"},
		sub:      usSub{cost: 250000, size: 500000, cite: "Minn. Stat. § 325E.61, subd. 1(g)"},
		verified: []string{fieldCRA},
		read:     []string{"https://online.flippingbook.com/view/272552931/106 (A Legal Guide to Privacy and Data Security 2024, reproducing Minn. Stat. § 325E.61, subd. 1(g)-(h), 2-6)"},
	},
	{
		code: "MO", name: "Missouri", law: "Mo. Rev. Stat. § 407.1500", regulator: "Missouri Attorney General (Consumer Protection Section)",
		scope: usScope{elements: usElements("health", "genetic"), definition: "Mo. Rev. Stat. § 407.1500.1(9)", trigger: "Mo. Rev. Stat. § 407.1500.1(1)", encryption: "Mo. Rev. Stat. § 407.1500.1(9)"},
		harm:  "after an appropriate investigation or consultation with law enforcement, the person determines that there is no reasonable likelihood of identity theft or fraud to the consumer (the determination must be documented in writing and kept five years)", harmCite: "Mo. Rev. Stat. § 407.1500.2(5)",
		deadlineText: "without unreasonable delay", deadlineCite: "Mo. Rev. Stat. § 407.1500.2(1)",
		ag:  usNotice{to: "Missouri Attorney General (Consumer Protection Section)", over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "Mo. Rev. Stat. § 407.1500.2(8)"},
		cra: usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "Mo. Rev. Stat. § 407.1500.2(8)"},
		sub: usSub{cost: 100000, size: 150000, cite: "Mo. Rev. Stat. § 407.1500.2(6)"},
	},
	{
		code: "MS", name: "Mississippi", law: "Miss. Code § 75-24-29", regulator: "Mississippi Attorney General",
		scope: usScope{elements: usBase, definition: "Miss. Code § 75-24-29(2)(b)", trigger: "Miss. Code § 75-24-29(2)(a)", encryption: "Miss. Code § 75-24-29(2)(a)"},
		harm:  "after an appropriate investigation the person reasonably determines that the breach will not likely result in harm to the affected individuals", harmCite: "Miss. Code § 75-24-29(3)",
		deadlineText: "without unreasonable delay", deadlineCite: "Miss. Code § 75-24-29(3)",
		ag:       usNotice{cite: "Miss. Code § 75-24-29"},
		cra:      usNotice{cite: "Miss. Code § 75-24-29"},
		sub:      usSub{cost: 5000, size: 5000, cite: "Miss. Code § 75-24-29(6)"},
		verified: []string{fieldDefinition, fieldEncryption},
		read:     []string{"https://billstatus.ls.state.ms.us/documents/2024/html/SB/2400-2499/SB2479IN.htm (2024 S.B. 2479 as introduced, reproducing § 75-24-29(1)-(2)(b))", "https://cliclaw.com/library/state-laws/state-security-breach-laws/mississippi-act-require-notice-breach-security (statute text)"},
	},
	{
		code: "MT", name: "Montana", law: "Mont. Code §§ 30-14-1701 to 30-14-1705", regulator: "Montana Attorney General (Office of Consumer Protection)",
		scope: usScope{elements: usElements("passport", "health", "genetic"), definition: "Mont. Code § 30-14-1704(4)(b)", trigger: "Mont. Code § 30-14-1704(4)(a)", encryption: "Mont. Code § 30-14-1704(1)"},
		harm:  "the breach has not caused and is not reasonably believed to cause loss or injury to a Montana resident (the statute's definition of breach)", harmCite: "Mont. Code § 30-14-1704(4)(a)",
		deadlineText: "without unreasonable delay", deadlineCite: "Mont. Code § 30-14-1704(1)",
		ag:    usNotice{to: "Montana Attorney General (Office of Consumer Protection)", withIndividuals: true, text: "simultaneously with notice to residents: an electronic copy of the notice (one copy, with the number of Montana residents notified) and a statement of the date and method of distribution, without information identifying anyone", cite: "Mont. Code § 30-14-1704(8)"},
		cra:   usNotice{cite: "Mont. Code § 30-14-1704(7)"},
		sub:   usSub{cost: 250000, size: 500000, cite: "Mont. Code § 30-14-1704(5)"},
		notes: []usNote{{text: "If the notice suggests that people contact a consumer reporting agency, the business must coordinate with the agency on the timing, content and distribution of the notice.", cite: "Mont. Code § 30-14-1704(7)"}},
	},
	{
		code: "NC", name: "North Carolina", law: "Identity Theft Protection Act, N.C. Gen. Stat. §§ 75-61, 75-65", regulator: "North Carolina Attorney General (Consumer Protection Division)",
		scope: usScope{elements: usElements("passport", "biometric"), definition: "N.C. Gen. Stat. § 75-61(10)", trigger: "N.C. Gen. Stat. § 75-61(14)", encryption: "N.C. Gen. Stat. § 75-61(14)"},
		harm:  "illegal use of the personal information has not occurred, is not reasonably likely to occur and creates no material risk of harm to a consumer (the statute's definition of security breach)", harmCite: "N.C. Gen. Stat. § 75-61(14)",
		deadlineText: "without unreasonable delay", deadlineCite: "N.C. Gen. Stat. § 75-65(a)",
		ag:       usNotice{to: "North Carolina Attorney General (Consumer Protection Division)", withIndividuals: true, text: "without unreasonable delay, describing the breach, the number of residents affected, the steps taken and the notice sent", cite: "N.C. Gen. Stat. § 75-65(e1)"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", countAll: true, cite: "N.C. Gen. Stat. § 75-65(f)"},
		sub:      usSub{cost: 250000, size: 500000, cite: "N.C. Gen. Stat. § 75-65(e)(4)"},
		notes:    []usNote{{text: "E-mail addresses, Internet account numbers or identification names and passwords are not personal information unless they would permit access to a person's financial account or resources.", cite: "N.C. Gen. Stat. § 75-65(a)"}},
		verified: []string{fieldDeadline},
		read:     []string{"https://law.onecle.com/north-carolina/75-monopolies-trusts-and-consumer-protection/75-65.html"},
	},
	{
		code: "ND", name: "North Dakota", law: "N.D. Cent. Code ch. 51-30 (Notice of Security Breach for Personal Information)", regulator: "North Dakota Attorney General",
		scope:        usScope{elements: usElements("date_of_birth", "health", "genetic"), definition: "N.D. Cent. Code § 51-30-01(4)", trigger: "N.D. Cent. Code § 51-30-01(1)", encryption: "N.D. Cent. Code § 51-30-01(1)"},
		harmCite:     "N.D. Cent. Code § 51-30-02",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "N.D. Cent. Code § 51-30-02",
		ag:       usNotice{to: "North Dakota Attorney General", over: 250, countAll: true, withIndividuals: true, text: "in the most expedient time possible and without unreasonable delay, by mail or e-mail, for any breach which exceeds 250 individuals", cite: "N.D. Cent. Code § 51-30-02"},
		cra:      usNotice{cite: "N.D. Cent. Code ch. 51-30"},
		sub:      usSub{cost: 250000, size: 500000, cite: "N.D. Cent. Code § 51-30-05"},
		notes:    []usNote{{text: "Personal information also covers the mother's maiden name, an identification number assigned by the employer and a digitized or other electronic signature, which the inventory taxonomy has no category for: check those systems by hand.", cite: "N.D. Cent. Code § 51-30-01(4)(a)"}},
		verified: []string{fieldHarm, fieldDeadline, fieldRegulator, fieldEncryption},
		read:     []string{"https://lexace.ai/us/statute/north-dakota/51-30-02 (§ 51-30-02)", "https://legalfix.com/statutes/state-codes/north-dakota/title-51/chapter-51-30 (§ 51-30-01(1), (4))"},
	},
	{
		code: "NE", name: "Nebraska", law: "Financial Data Protection and Consumer Notification of Data Security Breach Act of 2006, Neb. Rev. Stat. §§ 87-801 to 87-808", regulator: "Nebraska Attorney General",
		scope: usScope{elements: usElements("biometric"), credentials: true, definition: "Neb. Rev. Stat. § 87-802(5)", trigger: "Neb. Rev. Stat. § 87-802(1)", encryption: "Neb. Rev. Stat. § 87-802(5)"},
		harm:  "a reasonable and prompt good-faith investigation determines that use of information about a Nebraska resident for an unauthorised purpose has not occurred and is not reasonably likely to occur", harmCite: "Neb. Rev. Stat. § 87-803(1)",
		deadlineText: "as soon as possible and without unreasonable delay", deadlineCite: "Neb. Rev. Stat. § 87-803(1)",
		ag:       usNotice{to: "Nebraska Attorney General", withIndividuals: true, text: "not later than the time notice is provided to residents", cite: "Neb. Rev. Stat. § 87-803(2)"},
		cra:      usNotice{cite: "Neb. Rev. Stat. § 87-803"},
		sub:      usSub{cost: 75000, size: 100000, cite: "Neb. Rev. Stat. § 87-802(4)"},
		verified: []string{fieldHarm, fieldDeadline, fieldRegulator},
		read:     []string{"https://self-law.org/code/ne/chapter-87/87-803 (§ 87-803(1)-(2))"},
	},
	{
		code: "NH", name: "New Hampshire", law: "RSA 359-C:19 to 359-C:21 (Notice of Security Breach)", regulator: "New Hampshire Attorney General",
		scope: usScope{elements: usElements("passport"), definition: "RSA 359-C:19(IV)", trigger: "RSA 359-C:19(V)", encryption: "RSA 359-C:19(II), (IV)"},
		harm:  "the person promptly determines that misuse of the information has not occurred and is not reasonably likely to occur (if no determination can be made, notice is due)", harmCite: "RSA 359-C:20(I)(a)",
		deadlineText: "as soon as possible (as quickly as possible after the determination of likely misuse)", deadlineCite: "RSA 359-C:20(I)(a), (b)",
		ag:       usNotice{to: "New Hampshire Attorney General (or the primary regulator of a person engaged in trade or commerce subject to RSA 358-A:3, I)", withIndividuals: true, text: "with the anticipated date of notice to individuals and the approximate number of New Hampshire residents to be notified, without their names or personal information", cite: "RSA 359-C:20(I)(b)"},
		cra:      usNotice{to: usCRA, over: 1000, text: "of the anticipated date of the notice, the approximate number of people notified and its content", cite: "RSA 359-C:20(VI)"},
		sub:      usSub{cost: 5000, size: 1000, cite: "RSA 359-C:20(III)(d)"},
		notes:    []usNote{{text: "Data is not encrypted if it was acquired together with the key, code or password needed to read it; 'other government identification number' (a passport number here) is a data element.", cite: "RSA 359-C:19(II), (IV)"}},
		verified: []string{fieldDefinition, fieldEncryption, fieldHarm, fieldDeadline, fieldRegulator},
		read:     []string{"https://cliclaw.com/library/state-laws/state-security-breach-laws/new-hampshire-notice-security-breach (RSA 359-C:19)", "https://lawserver.com/law/state/new-hampshire/nh-statutes/new_hampshire_revised_statutes_359-c_20"},
	},
	{
		code: "NJ", name: "New Jersey", law: "N.J.S.A. 56:8-161 to 56:8-166 (Identity Theft Prevention Act)", regulator: "New Jersey Division of State Police",
		scope: usScope{elements: usBase, credentials: true, access: true, definition: "N.J.S.A. 56:8-161", trigger: "N.J.S.A. 56:8-161", encryption: "N.J.S.A. 56:8-161"},
		harm:  "the business establishes that misuse of the information is not reasonably possible (the determination must be documented in writing and kept five years)", harmCite: "N.J.S.A. 56:8-163(a)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "N.J.S.A. 56:8-163(a)",
		ag:       usNotice{to: "New Jersey Division of State Police (Department of Law and Public Safety)", withIndividuals: true, text: "before the disclosure to customers", cite: "N.J.S.A. 56:8-163(c)(1)"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "N.J.S.A. 56:8-163(f)"},
		sub:      usSub{cost: 250000, size: 500000, cite: "N.J.S.A. 56:8-163(d)"},
		verified: []string{fieldRegulator},
		read:     []string{"https://www.cyber.nj.gov/data-breach-notifications/ (N.J.S.A. 56:8-163(c)(1) quoted by the New Jersey Cybersecurity and Communications Integration Cell)"},
	},
	{
		code: "NM", name: "New Mexico", law: "Data Breach Notification Act, N.M. Stat. §§ 57-12C-1 to 57-12C-12", regulator: "New Mexico Attorney General",
		scope: usScope{elements: usElements("biometric"), definition: "N.M. Stat. § 57-12C-2", trigger: "N.M. Stat. § 57-12C-2", encryption: "N.M. Stat. § 57-12C-2"},
		harm:  "after an appropriate investigation the person determines that the breach does not give rise to a significant risk of identity theft or fraud", harmCite: "N.M. Stat. § 57-12C-6(C)",
		days: 45, deadlineText: "in the most expedient time possible, but not later than 45 calendar days following discovery of the breach", deadlineCite: "N.M. Stat. § 57-12C-6(A)",
		ag:  usNotice{to: "New Mexico Attorney General", over: 1000, days: 45, text: "in the most expedient time possible and no later than 45 calendar days, with the number of New Mexico residents notified and a copy of the notice sent to them", cite: "N.M. Stat. § 57-12C-10"},
		cra: usNotice{to: usCRA, over: 1000, text: "in the most expedient time possible and not later than 45 calendar days following discovery", cite: "N.M. Stat. § 57-12C-10"},
		sub: usSub{cost: 100000, size: 50000, cite: "N.M. Stat. § 57-12C-6"},
		content: []string{
			"the name and contact information of the notifying person",
			"a list of the types of personal identifying information reasonably believed to have been the subject of the breach, if known",
			"the date, estimated date or date range of the breach, if known",
			"a general description of the breach",
			"the toll-free telephone numbers and addresses of the major consumer reporting agencies",
			"advice to review personal account statements and credit reports to detect errors resulting from the breach",
			"advice on the recipient's rights under the federal Fair Credit Reporting Act",
		},
		reportCopy: true,
		report: []ReportField{
			field("subjects", "Number of New Mexico residents that received notification", "N.M. Stat. § 57-12C-10", FactSubjects, "the number of New Mexico residents notified", "verified"),
			field("notice_copy", "Copy of the notification sent to affected residents", "N.M. Stat. § 57-12C-10", FactNoticeCopy, "a copy of the notice", "verified"),
		},
		verified: []string{fieldRegulator, fieldCRA},
		read:     []string{"https://codes.findlaw.com/nm/chapter-57-trade-practices-and-regulations/nm-st-sect-57-12c-10/", "https://instalawyer.io/laws/new-mexico-statutes/section-57-12c-7-notification-required"},
	},
	{
		code: "NV", name: "Nevada", law: "NRS 603A.010-603A.290 (Security and Privacy of Personal Information)", regulator: "Nevada Attorney General",
		scope:        usScope{elements: usElements("health"), credentials: true, definition: "NRS 603A.040", trigger: "NRS 603A.020, 603A.220(1)", encryption: "NRS 603A.220(1)"},
		harmCite:     "NRS 603A.020",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "NRS 603A.220(1)",
		ag:       usNotice{cite: "NRS 603A.220"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the time the notification is distributed", cite: "NRS 603A.220(6)"},
		sub:      usSub{cost: 250000, size: 500000, cite: "NRS 603A.220(4)"},
		verified: []string{fieldEncryption, fieldHarm, fieldDeadline},
		read:     []string{"https://casetext.com/statute/nevada-revised-statutes/title-52-trade-regulations-and-practices/chapter-603a-security-and-privacy-of-personal-information/security-of-information-maintained-by-data-collectors-and-other-businesses/regulation-of-business-practices/section-603a220-disclosure-of-breach-of-security-of-system-data-methods-of-disclosure", "https://instalawyer.io/laws/nevada-revised-statutes/chapter-603a-security-and-nrs-603a020-breach-of"},
	},
	{
		code: "OH", name: "Ohio", law: "Ohio Rev. Code §§ 1349.19-1349.192", regulator: "Ohio Attorney General",
		scope: usScope{elements: usBase, definition: "Ohio Rev. Code § 1349.19(A)(7)", trigger: "Ohio Rev. Code § 1349.19(A)(1)", encryption: "Ohio Rev. Code § 1349.19(A)(7)"},
		harm:  "the access and acquisition has not caused and is not reasonably believed to cause a material risk of identity theft or other fraud to the resident (the statute's definition of breach)", harmCite: "Ohio Rev. Code § 1349.19(A)(1)(a)",
		days: 45, deadlineText: "in the most expedient time possible but not later than 45 days following discovery or notification of the breach", deadlineCite: "Ohio Rev. Code § 1349.19(B)(2)",
		ag:       usNotice{cite: "Ohio Rev. Code § 1349.19"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "Ohio Rev. Code § 1349.19(G)"},
		sub:      usSub{cost: 250000, size: 500000, cite: "Ohio Rev. Code § 1349.19(E)(4)"},
		notes:    []usNote{{text: "A business with ten or fewer employees whose cost of notice would exceed $10,000 has its own substitute notice (local newspaper advertisements, web posting, local media).", cite: "Ohio Rev. Code § 1349.19(E)(5)"}},
		verified: []string{fieldHarm},
		read:     []string{"https://instalawyer.io/laws/ohio-revised-code/section-134919-private-disclosure (§ 1349.19(A)(1))"},
	},
	{
		code: "OK", name: "Oklahoma", law: "Security Breach Notification Act, 24 O.S. §§ 161-166 (as amended by SB 626 (2025))", regulator: "Oklahoma Attorney General",
		scope: usScope{elements: usElements("biometric"), definition: "24 O.S. § 162(6)", trigger: "24 O.S. § 162(1)", encryption: "24 O.S. § 162(1)"},
		harm:  "the breach has not caused and is not reasonably believed to cause identity theft or other fraud to a resident (the statute's definition of breach)", harmCite: "24 O.S. § 162(1)",
		deadlineText: "without unreasonable delay", deadlineCite: "24 O.S. § 163(A)",
		ag:       usNotice{to: "Oklahoma Attorney General", over: 499, afterNotice: 60, text: "without unreasonable delay and no more than 60 days after notifying residents, when 500 or more Oklahoma residents are affected (breaches on or after 1 January 2026), with the date of the breach and of its determination, its nature, the types of information, the number of residents affected, the estimated monetary impact and the safeguards used", cite: "24 O.S. § 163 (as amended by SB 626 (2025))"},
		cra:      usNotice{cite: "24 O.S. § 163"},
		sub:      usSub{cost: 50000, size: 100000, cite: "24 O.S. § 162(7)"},
		notes:    []usNote{{text: "An entity that notifies under HIPAA or the Oklahoma Hospital Cybersecurity Protection Act of 2023 and gives the Attorney General the required notice is excused from separate resident notice; whether that applies is for counsel.", cite: "24 O.S. § 163 (as amended by SB 626 (2025))", judgment: true, when: whenHIPAA}},
		verified: []string{fieldHarm},
		read:     []string{"https://www.regulon.ai/bills/OK-SB-626/ (verbatim 24 O.S. § 162(1) as amended)"},
	},
	{
		code: "OR", name: "Oregon", law: "Oregon Consumer Information Protection Act, ORS 646A.600-646A.628", regulator: "Oregon Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, withoutName: true, definition: "ORS 646A.602(12)", trigger: "ORS 646A.602(1)", encryption: "ORS 646A.602(12)"},
		harm:  "after an appropriate investigation or consultation with law enforcement, the covered entity reasonably determines that the consumers are unlikely to suffer harm (the determination must be documented in writing and kept five years)", harmCite: "ORS 646A.604(7)",
		days: 45, deadlineText: "in the most expeditious manner possible, without unreasonable delay, but not later than 45 days after discovering or receiving notification of the breach", deadlineCite: "ORS 646A.604(3)(a)",
		ag:       usNotice{to: "Oregon Attorney General", over: 250, days: 45, text: "in writing or electronically, when more than 250 Oregon consumers must be notified (the 45-day limit of ORS 646A.604(3)(a) is applied)", cite: "ORS 646A.604(1)(b)"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "ORS 646A.604(6)"},
		sub:      usSub{cost: 250000, size: 350000, cite: "ORS 646A.604(5)"},
		verified: []string{fieldDeadline, fieldRegulator},
		read:     []string{"http://www.oregonlaws.org/ors/646A.604", "https://instalawyer.io/laws/2021-oregon-revised-statutes/section-646a604-notice-of"},
	},
	{
		code: "PA", name: "Pennsylvania", law: "Breach of Personal Information Notification Act, 73 P.S. §§ 2301-2330 (as amended by Act 33 of 2024)", regulator: "Pennsylvania Attorney General",
		scope: usScope{elements: usElements("health"), credentials: true, definition: "73 P.S. § 2302", trigger: "73 P.S. § 2302", encryption: "73 P.S. § 2302"},
		harm:  "the breach has not caused and the entity does not reasonably believe it has caused or will cause loss or injury to any resident (the statute's definition of breach)", harmCite: "73 P.S. § 2302",
		deadlineText: "without unreasonable delay", deadlineCite: "73 P.S. § 2303(a)",
		ag:  usNotice{to: "Pennsylvania Attorney General", over: 500, withIndividuals: true, text: "concurrently with notice to residents, when more than 500 residents are notified", cite: "73 P.S. § 2303(c.1) (added by Act 33 of 2024)"},
		cra: usNotice{to: usCRA, over: 499, text: "without unreasonable delay, of the timing, distribution and number of notices, when 500 or more individuals are notified (the threshold was 1,000 before Act 33 of 2024)", cite: "73 P.S. § 2305 (as amended by Act 33 of 2024)"},
		sub: usSub{cost: 100000, size: 175000, cite: "73 P.S. § 2302"},
		notes: []usNote{
			{text: "If a Social Security number, bank account number or driver's licence or state ID number was exposed, 12 months of credit monitoring and access to a credit report must be offered at no cost.", cite: "73 P.S. § 2303 (as amended by Act 33 of 2024)", when: func(f Facts) bool { return hasAny(f, "national_id", "bank_account", "drivers_license") }},
			{text: "Medical information is personal information only in the hands of a state agency or its contractor; health-insurance information is personal information for everyone (the health category is treated as covered here).", cite: "73 P.S. § 2302", when: whenHealth},
			{text: "A secondary source reports a 30-day limit for individual notice since the 2022 amendments; the statute text was not read: plan to notify within 30 days of discovery until counsel confirms.", cite: "73 P.S. § 2303", judgment: true},
		},
		verified: []string{fieldRegulator},
		read:     []string{"https://www.einpresswire.com/article/639870650/senate-bill-824-printer-s-number-899 (S.B. 824 PN 899, enacted as Act 33 of 2024: § 3(c.1))", "https://databreaches.net/2024/07/07/new-pennsylvania-law-will-offer-added-protections-for-victims-of-data-breaches-and-new-reporting-requirements (quotes the enacted (c.1) and (c.2))"},
	},
	{
		code: "PR", name: "Puerto Rico", law: "Citizen Information on Data Banks Security Act, Law No. 111-2005, 10 L.P.R.A. §§ 4051-4055", regulator: "Puerto Rico Department of Consumer Affairs (DACO)",
		scope:        usScope{elements: usElements("health", "genetic"), credentials: true, access: true, definition: "10 L.P.R.A. § 4051", trigger: "10 L.P.R.A. § 4051", encryption: "10 L.P.R.A. § 4052"},
		harmCite:     "10 L.P.R.A. § 4052",
		deadlineText: "as expeditiously as possible, taking into account law enforcement's need to secure evidence and the measures needed to restore the system's security", deadlineCite: "10 L.P.R.A. § 4052",
		ag:  usNotice{to: "Puerto Rico Department of Consumer Affairs (DACO)", days: 10, text: "within a non-extendable term of 10 days after the breach has been detected; the Department makes a public announcement within 24 hours", cite: "10 L.P.R.A. § 4052"},
		cra: usNotice{cite: "10 L.P.R.A. §§ 4051-4055"},
		sub: usSub{cost: 100000, size: 100000, cite: "10 L.P.R.A. § 4053(2)", components: []string{
			"prominent display of an announcement at the entity's premises, on its web page, if any, and in any informative flier sent through postal and electronic mailing lists",
			"a communication to the media on the situation with how to contact the entity",
		}},
		notes: []usNote{
			{text: "Only data not protected by an encryption code (protected only by a password, or not at all) is covered.", cite: "10 L.P.R.A. § 4052"},
			{text: "Tax information and work-related evaluations with a name are also personal information in Puerto Rico; this assessment has no category for them.", cite: "10 L.P.R.A. § 4051"},
		},
		verified: []string{fieldEncryption, fieldHarm, fieldDeadline, fieldRegulator, fieldSubstitute},
		read:     []string{"https://casetext.com/statute/laws-of-puerto-rico/title-ten-commerce/subtitle-3-business-regulations-generally/chapter-310-citizen-information-on-data-banks-security-act/4052-notification", "https://casetext.com/statute/laws-of-puerto-rico/title-ten-commerce/subtitle-3-business-regulations-generally/chapter-310-citizen-information-on-data-banks-security-act/4053-notification-character-and-method"},
	},
	{
		code: "RI", name: "Rhode Island", law: "Rhode Island Identity Theft Protection Act of 2015, R.I. Gen. Laws §§ 11-49.3-1 to 11-49.3-6", regulator: "Rhode Island Attorney General",
		scope: usScope{elements: usElements("health", "genetic"), credentials: true, access: true, definition: "R.I. Gen. Laws § 11-49.3-3(a)(8)", trigger: "R.I. Gen. Laws § 11-49.3-3(a)(1)", encryption: "R.I. Gen. Laws § 11-49.3-3(a)(8)"},
		harm:  "the disclosure or breach does not pose a significant risk of identity theft to any Rhode Island resident", harmCite: "R.I. Gen. Laws § 11-49.3-4(a)(1)",
		days: 45, deadlineText: "in the most expedient time possible, but no later than 45 calendar days after confirmation of the breach and the ability to ascertain the information the notice must contain", deadlineCite: "R.I. Gen. Laws § 11-49.3-4(a)(2)(ii)",
		ag:    usNotice{to: "Rhode Island Attorney General", over: 500, withIndividuals: true, text: "when more than 500 residents are notified, of the timing, content and distribution of the notices and the approximate number affected", cite: "R.I. Gen. Laws § 11-49.3-4(a)(2)"},
		cra:   usNotice{to: usCRA, over: 500, text: "of the timing, content and distribution of the notices and the approximate number affected", cite: "R.I. Gen. Laws § 11-49.3-4(a)(2)"},
		sub:   usSub{cost: 25000, size: 50000, cite: "R.I. Gen. Laws § 11-49.3-3(a)(4)"},
		notes: []usNote{{text: "Rhode Island covers personal information in hard-copy (paper) form too.", cite: "R.I. Gen. Laws § 11-49.3-3"}},
		content: []string{
			"a general and brief description of the incident, including how the breach occurred and the number of affected individuals",
			"the type of information that was subject to the breach",
			"the date, estimated date or date range of the breach",
			"the date the breach was discovered",
			"a clear and concise description of any remediation services offered, with toll-free numbers and web sites of the credit reporting agencies, remediation service providers and the Attorney General",
			"a clear and concise description of the consumer's ability to file or obtain a police report, how to request a security freeze, and that fees may be charged by consumer reporting agencies",
		},
		verified: []string{fieldHarm, fieldDeadline},
		read:     []string{"https://lawserver.com/law/state/rhode-island/ri-laws/rhode_island_general_laws_11-49-3-4", "https://www.global-regulation.com/law/united-states/1004572/11-49.3-4notification-of-breach.-%25255beffective-july-2%25252c-2016.%25255d.-.html (2016 text)"},
	},
	{
		code: "SC", name: "South Carolina", law: "S.C. Code § 39-1-90", regulator: "South Carolina Department of Consumer Affairs (Consumer Protection Division)",
		scope: usScope{elements: usElements("passport"), definition: "S.C. Code § 39-1-90(D)(3)", trigger: "S.C. Code § 39-1-90(A)", encryption: "S.C. Code § 39-1-90(A)"},
		harm:  "illegal use of the information has not occurred, is not reasonably likely to occur and creates no material risk of harm to the resident", harmCite: "S.C. Code § 39-1-90(A)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "S.C. Code § 39-1-90(A)",
		ag:       usNotice{to: "South Carolina Department of Consumer Affairs (Consumer Protection Division)", over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "S.C. Code § 39-1-90(K)"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "S.C. Code § 39-1-90(K)"},
		sub:      usSub{cost: 250000, size: 500000, cite: "S.C. Code § 39-1-90(E)(4)"},
		notes:    []usNote{{text: "Other numbers or information that can be used to access a person's financial accounts, or numbers issued by a government that uniquely identify an individual (a passport number here), are also data elements.", cite: "S.C. Code § 39-1-90(D)(3)"}},
		verified: []string{fieldHarm, fieldDeadline, fieldEncryption},
		read:     []string{"https://cliclaw.com/library/state-laws/state-security-breach-laws/south-carolina-breach-security-business-data (§ 39-1-90(A))"},
	},
	{
		code: "SD", name: "South Dakota", law: "SDCL §§ 22-40-19 to 22-40-26", regulator: "South Dakota Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "SDCL § 22-40-19(4)", trigger: "SDCL § 22-40-19(1)", encryption: "SDCL § 22-40-19(1)"},
		harm:  "following an appropriate investigation and notice to the Attorney General, the information holder reasonably determines that the breach will not likely result in harm to the affected person (the determination must be documented in writing and kept at least three years)", harmCite: "SDCL § 22-40-20",
		days: 60, deadlineText: "not later than 60 days from the discovery or notification of the breach, unless law enforcement needs a longer time", deadlineCite: "SDCL § 22-40-20",
		ag:       usNotice{to: "South Dakota Attorney General", over: 250, days: 60, text: "by mail or e-mail when the breach exceeds 250 residents (the statute sets no separate time; the 60-day limit for residents is used)", cite: "SDCL § 22-40-20"},
		cra:      usNotice{to: usCRA, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "SDCL § 22-40-24"},
		sub:      usSub{cost: 250000, size: 500000, cite: "SDCL § 22-40-22(3)"},
		verified: []string{fieldHarm, fieldDeadline, fieldRegulator, fieldSubstitute},
		read:     []string{"https://getpocketlaw.com/law/state_south_dakota/section-22-40-22-types-of-notice-of-breach-of-system-security_23315e61d2df", "https://self-law.org/code/sd/title-22/chapter-22-40/22-40-20"},
	},
	{
		code: "TN", name: "Tennessee", law: "Tenn. Code § 47-18-2107", regulator: "Tennessee Attorney General",
		scope:    usScope{elements: usBase, definition: "Tenn. Code § 47-18-2107(a)(4)", trigger: "Tenn. Code § 47-18-2107(a)(1)", encryption: "Tenn. Code § 47-18-2107(a)(1), (2)"},
		harmCite: "Tenn. Code § 47-18-2107(a)(1)",
		days:     45, deadlineText: "immediately, but no later than 45 days from the discovery or notification of the breach, unless law enforcement requires a delay", deadlineCite: "Tenn. Code § 47-18-2107(b)",
		ag:       usNotice{cite: "Tenn. Code § 47-18-2107"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", countAll: true, cite: "Tenn. Code § 47-18-2107(g)"},
		sub:      usSub{cost: 250000, size: 500000, cite: "Tenn. Code § 47-18-2107(e)"},
		notes:    []usNote{{text: "Encryption counts only if it meets FIPS 140-2 (the current version); encrypted data taken with its key is a breach.", cite: "Tenn. Code § 47-18-2107(a)(2)"}},
		verified: []string{fieldEncryption, fieldHarm},
		read:     []string{"https://law.justia.com/codes/tennessee/2020/title-47/chapter-18/part-21/section-47-18-2107 (§ 47-18-2107(a))"},
	},
	{
		code: "UT", name: "Utah", law: "Protection of Personal Information Act, Utah Code §§ 13-44-101 to 13-44-301", regulator: "Utah Attorney General and Utah Cyber Center",
		scope: usScope{elements: usBase, definition: "Utah Code § 13-44-102(4)", trigger: "Utah Code § 13-44-102(1)", encryption: "Utah Code § 13-44-102(4)(a)"},
		harm:  "a reasonable and prompt good-faith investigation determines that misuse of personal information for identity theft or fraud has not occurred and is not reasonably likely to occur", harmCite: "Utah Code § 13-44-202(1)",
		deadlineText: "in the most expedient time possible without unreasonable delay", deadlineCite: "Utah Code § 13-44-202(2)",
		ag:       usNotice{to: "Utah Attorney General and Utah Cyber Center", over: 499, withIndividuals: true, text: "when 500 or more Utah residents are notified, with the dates of the breach and of its discovery, the total number affected (and of Utah residents), the types of information and a short description", cite: "Utah Code § 13-44-202 (as amended 2023)"},
		cra:      usNotice{to: usCRA, over: 999, text: "in addition to notice to residents, when 1,000 or more Utah residents are notified", cite: "Utah Code § 13-44-202 (as amended 2023)"},
		sub:      usSub{cite: "Utah Code § 13-44-202(5)"},
		notes:    []usNote{{text: "Notice may also be given by publishing it in a newspaper of general circulation; whether that may replace direct notice is for counsel.", cite: "Utah Code § 13-44-202(5)", judgment: true}},
		verified: []string{fieldDefinition, fieldEncryption, fieldHarm, fieldDeadline},
		read:     []string{"https://lexace.ai/us/statute/utah/13-44-102 (§ 13-44-102(1), (4))", "https://statutes.laws.com/utah/title-13/chapter-44/13-44-202 (§ 13-44-202(1)-(4), a copy older than the 2023 amendment)"},
	},
	{
		code: "VA", name: "Virginia", law: "Va. Code § 18.2-186.6 (breach of personal information notification); medical information: Va. Code § 32.1-127.1:05", regulator: "Virginia Attorney General",
		scope: usScope{elements: usElements("passport"), definition: "Va. Code § 18.2-186.6(A)", trigger: "Va. Code § 18.2-186.6(A)", encryption: "Va. Code § 18.2-186.6(A)"},
		harm:  "the entity does not reasonably believe that the breach has caused or will cause identity theft or other fraud to any resident (the statute's definition of breach)", harmCite: "Va. Code § 18.2-186.6(A)",
		deadlineText: "without unreasonable delay", deadlineCite: "Va. Code § 18.2-186.6(B)",
		ag:  usNotice{to: "Virginia Attorney General", withIndividuals: true, text: "without unreasonable delay", cite: "Va. Code § 18.2-186.6(B)"},
		cra: usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice (the Attorney General is told too)", cite: "Va. Code § 18.2-186.6(E)"},
		sub: usSub{cost: 50000, size: 100000, cite: "Va. Code § 18.2-186.6(A)"},
		content: []string{
			"the incident in general terms",
			"the type of personal information subject to the unauthorised access and acquisition",
			"the general acts taken to protect the personal information from further unauthorised access",
			"a telephone number the person may call for further information and assistance, if one exists",
			"advice to remain vigilant by reviewing account statements and monitoring free credit reports",
		},
		notes:    []usNote{{text: "A breach of medical or health-insurance information is governed by a separate Virginia statute (notice to residents, the Attorney General and the Commissioner of Health); check it when health data is involved.", cite: "Va. Code § 32.1-127.1:05", when: whenHealth}},
		verified: []string{fieldHarm, fieldEncryption},
		read:     []string{"https://instalawyer.io/laws/code-of-virginia/182-1866-breach-of-personal (§ 18.2-186.6(A))"},
	},
	{
		code: "VI", name: "US Virgin Islands", law: "Identity Theft Prevention Act, 14 V.I.C. §§ 2208-2212", regulator: "US Virgin Islands Department of Justice (Attorney General)",
		scope:        usScope{elements: usBase, definition: "14 V.I.C. § 2208", trigger: "14 V.I.C. § 2208", encryption: "14 V.I.C. § 2208"},
		harmCite:     "14 V.I.C. § 2208(a)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "14 V.I.C. § 2208(a)",
		ag:  usNotice{cite: "14 V.I.C. § 2208"},
		cra: usNotice{cite: "14 V.I.C. § 2208"},
		sub: usSub{cost: 100000, size: 50000, cite: "14 V.I.C. § 2208"},
	},
	{
		code: "VT", name: "Vermont", law: "Security Breach Notice Act, 9 V.S.A. §§ 2430, 2435", regulator: "Vermont Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "9 V.S.A. § 2430(10)", trigger: "9 V.S.A. § 2430(13)", encryption: "9 V.S.A. § 2430(10)"},
		harm:  "the data collector establishes that misuse of the personal information is not reasonably possible and gives the Attorney General notice of that determination with a detailed explanation", harmCite: "9 V.S.A. § 2435(d)",
		days: 45, deadlineText: "in the most expedient time possible and without unreasonable delay, but not later than 45 days after the discovery or notification of the breach", deadlineCite: "9 V.S.A. § 2435(b)(1)",
		ag:       usNotice{to: "Vermont Attorney General (or the Department of Financial Regulation for entities it regulates)", days: 14, business: true, withIndividuals: true, text: "a preliminary description within 14 business days of discovery, or when consumers are notified if sooner", cite: "9 V.S.A. § 2435(b)(3)"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notice", cite: "9 V.S.A. § 2435(c)"},
		sub:      usSub{cost: 10000, size: 5000, cite: "9 V.S.A. § 2435(b)(6)"},
		verified: []string{fieldDeadline},
		read:     []string{"https://legislature.vermont.gov/statutes/section/09/062/02435 (§ 2435(a)-(b)(3)(A))"},
	},
	{
		code: "WI", name: "Wisconsin", law: "Wis. Stat. § 134.98 (Notice of unauthorized acquisition of personal information)", regulator: "Wisconsin Attorney General",
		scope: usScope{elements: usElements("genetic", "biometric"), definition: "Wis. Stat. § 134.98(1)(b)", trigger: "Wis. Stat. § 134.98(2)", encryption: "Wis. Stat. § 134.98(1)(b)"},
		harm:  "the acquisition of personal information does not create a material risk of identity theft or fraud to the subject", harmCite: "Wis. Stat. § 134.98(2)(cm)",
		days: 45, deadlineText: "within a reasonable time, not to exceed 45 days after learning of the acquisition", deadlineCite: "Wis. Stat. § 134.98(3)(a)",
		ag:  usNotice{cite: "Wis. Stat. § 134.98"},
		cra: usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "Wis. Stat. § 134.98(2)(br)"},
		sub: usSub{cite: "Wis. Stat. § 134.98(3)(c)"},
	},
	{
		code: "WV", name: "West Virginia", law: "W. Va. Code §§ 46A-2A-101 to 46A-2A-105", regulator: "West Virginia Attorney General",
		scope: usScope{elements: usBase, definition: "W. Va. Code § 46A-2A-101(6)", trigger: "W. Va. Code § 46A-2A-102(a)", encryption: "W. Va. Code § 46A-2A-102(a), (b)"},
		harm:  "the breach has not caused and the entity does not reasonably believe it has caused or will cause identity theft or other fraud to any resident", harmCite: "W. Va. Code § 46A-2A-102(a)",
		deadlineText: "without unreasonable delay", deadlineCite: "W. Va. Code § 46A-2A-102(a)",
		ag:       usNotice{cite: "W. Va. Code § 46A-2A-102"},
		cra:      usNotice{to: usCRA, over: 1000, text: "without unreasonable delay, of the timing, distribution and content of the notices", cite: "W. Va. Code § 46A-2A-102(f)"},
		sub:      usSub{cost: 50000, size: 100000, cite: "W. Va. Code § 46A-2A-101(7)"},
		verified: []string{fieldHarm, fieldDeadline, fieldEncryption},
		read:     []string{"http://laws9.com/statutes/west-virginia/46a/46a-2a-102"},
	},
	{
		code: "WY", name: "Wyoming", law: "Wyo. Stat. §§ 40-12-501 to 40-12-509", regulator: "Wyoming Attorney General",
		scope: usScope{elements: usElements("passport", "health", "genetic", "biometric"), credentials: true, definition: "Wyo. Stat. § 40-12-501(a)(vii)", trigger: "Wyo. Stat. § 40-12-501(a)(i)", encryption: "Wyo. Stat. § 40-12-501(a)(i)"},
		harm:  "a reasonable and prompt good-faith investigation determines that misuse of personal identifying information about a Wyoming resident has not occurred and is not reasonably likely to occur", harmCite: "Wyo. Stat. § 40-12-502(a)",
		deadlineText: "in the most expedient time possible and without unreasonable delay", deadlineCite: "Wyo. Stat. § 40-12-502(a)",
		ag:       usNotice{cite: "Wyo. Stat. § 40-12-502"},
		cra:      usNotice{cite: "Wyo. Stat. § 40-12-502"},
		sub:      usSub{cost: 250000, size: 500000, cite: "Wyo. Stat. § 40-12-502(d)"},
		notes:    []usNote{{text: "Lower substitute-notice thresholds ($10,000 or 10,000 people) apply to persons doing business only in Wyoming; the higher thresholds are used here.", cite: "Wyo. Stat. § 40-12-502(d)"}},
		verified: []string{fieldHarm, fieldDeadline},
		read:     []string{"https://law.counselstack.com/statute/wy/12/40-12-502 (§ 40-12-502(a))"},
	},
}
