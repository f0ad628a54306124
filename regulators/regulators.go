// Package regulators encodes, one file per jurisdiction, what each
// breach-notification law requires once an incident touches people who live
// under it: whether and by when to tell the regulator and the people, which
// thresholds add further notices, when encryption is a safe harbour, and when
// a substitute (public) notice is allowed. Every decision carries its reasons
// and citations so a lawyer can check it.
//
// The package is pure: assess computes Facts from an incident and the
// inventory, and each Rule turns them into an Obligation.
//
// Jurisdictions encoded (All returns them in this order; Lookup finds one by
// id; Fallback answers for any other id):
//
//   - EU-GDPR: GDPR (Regulation (EU) 2016/679) Arts. 33, 34
//   - UK-GDPR: UK GDPR Arts. 33, 34; Data Protection Act 2018; PECR reg. 5A
//   - CN-PIPL: PIPL Art. 57; CAC National Cybersecurity Incident Reporting
//     Management Measures (2025); Network Data Security Management
//     Regulations Art. 11
//   - US-HIPAA: HIPAA Breach Notification Rule, 45 CFR §§ 164.400-414
//   - US-CA: Cal. Civ. Code § 1798.82 (as amended by SB 446)
//   - US-NY: N.Y. Gen. Bus. Law § 899-aa
//   - US-TX: Tex. Bus. & Com. Code §§ 521.002, 521.053
//   - US-FL: Fla. Stat. § 501.171
//   - US-MA: Mass. Gen. Laws ch. 93H
//   - US-WA: RCW 19.255.005, 19.255.010
//   - US-IL: 815 ILCS 530 (Personal Information Protection Act)
//   - US-AK ... US-WY, US-DC, US-PR, US-GU, US-VI: every other state's and
//     territory's statute, one table row each (USStates), in id order
//   - CA-PIPEDA: PIPEDA ss. 10.1-10.3; SOR/2018-64
//   - CA-QC: Quebec private-sector Act (Law 25) ss. 3.5-3.8, beside PIPEDA
//   - CA-AB: Alberta PIPA ss. 34.1, 37.1, beside PIPEDA
//   - AU-NDB: Privacy Act 1988 (Cth) Part IIIC
//   - SG-PDPA: PDPA 2012 Part 6A; Notification of Data Breaches Regulations
//     2021
//   - BR-LGPD: LGPD Art. 48; Resolução CD/ANPD nº 15/2024
//   - JP-APPI: APPI Art. 26; PPC Enforcement Rules Arts. 7-10
//   - IN-DPDP: DPDP Act 2023 s. 8(6); DPDP Rules 2025 r. 7; CERT-In
//     Directions 2022
//
// Deadlines are absolute UTC times computed from Facts.DiscoveredAt: hour
// limits with AfterHours; day limits end at the end of the last day in the
// regulator's time zone (CalendarDaysEnd, DaysCountingFirst for Japan,
// BusinessDaysEnd with Brazil's national holidays). Where a law's clock
// starts later (at a "determination" or "assessment"), the date is counted
// from discovery, the earliest possible start, and the reasons say so;
// where it runs from another act (a recorded determination, the consumer
// notice) it is dated from that act once it is known.
// Points not checked against the primary text are listed in
// Obligation.Unverified.
package regulators

import (
	"slices"
	"strings"
	"time"
)

// Risk is the GDPR-sense risk level decided by the assessment.
type Risk string

// Risk levels, lowest first. RiskLow means "unlikely to result in a risk":
// document only.
const (
	RiskNone Risk = "none"
	RiskLow  Risk = "low"
	RiskRisk Risk = "risk"
	RiskHigh Risk = "high"
)

// Rank orders risk levels: none 0, low 1, risk 2, high 3.
func (r Risk) Rank() int {
	switch r {
	case RiskLow:
		return 1
	case RiskRisk:
		return 2
	case RiskHigh:
		return 3
	}
	return 0
}

// AtLeast reports whether r is o or higher.
func (r Risk) AtLeast(o Risk) bool { return r.Rank() >= o.Rank() }

// Category is one exposed data category with the legal flags the rules read.
type Category struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Class string `json:"class"` // ENISA class: simple, behavioural, financial, sensitive
	// Special is a special category under GDPR Art. 9 / Art. 10 (or the
	// "sensitive personal information" of PIPL Art. 28 and similar).
	Special bool `json:"special,omitempty"`
	// USPersonalInfo marks a "personal information" element of US state
	// breach laws (SSN or national id, driver's licence, account or card
	// number with access code, credentials, medical, health insurance,
	// biometric, passport...). Combined with a name (or alone for
	// credentials) it triggers those laws.
	USPersonalInfo bool `json:"us_personal_info,omitempty"`
	// Identifying marks data that names a person (name, e-mail...).
	Identifying bool `json:"identifying,omitempty"`
	// Credentials marks a username or e-mail with password or security
	// question answer that would permit access to an online account.
	Credentials bool `json:"credentials,omitempty"`
	// Health marks medical, health-insurance or genetic data (PHI under
	// HIPAA when the organisation is a covered entity).
	Health bool `json:"health,omitempty"`
	// Financial marks financial account, card or bank data.
	Financial bool `json:"financial,omitempty"`
	// Children marks data that is about children as such.
	Children bool `json:"children,omitempty"`
}

// Facts are what a Rule needs to know about one incident's effect on the
// people of one jurisdiction.
type Facts struct {
	Jurisdiction string // e.g. "EU-GDPR", "US-CA"
	// Subjects is the number of affected people under this jurisdiction.
	Subjects int
	// TotalSubjects is the number of affected people in all jurisdictions
	// (some thresholds, such as consumer-reporting-agency notices, count
	// everyone in one incident).
	TotalSubjects int
	// Minors among Subjects.
	Minors int
	// WithoutContact among Subjects: people with no usable e-mail, phone,
	// device or postal address (theirs or a guardian's).
	WithoutContact int
	// Categories exposed for the people of this jurisdiction.
	Categories []Category
	// NameWithElement is true when at least one person's readable exposed
	// data combines the "name" category (first name or first initial and
	// last name) with a USPersonalInfo element other than online
	// credentials: the usual trigger of US state laws (e.g. Cal. Civ. Code
	// § 1798.82(h)(1)). Another identifier (e-mail, phone, an ID number)
	// is not a name; see Linked.
	NameWithElement bool
	// Linked maps each identifying category exposed for these people
	// ("name", "email", "national_id"...) to the ids of the other
	// categories exposed in the same person's data, sorted: readable data
	// only, unless everything was unintelligible. US state rules read it to
	// tell which data elements went with a name and which only with another
	// identifier. Nil means unknown: every exposed category is then taken
	// as exposed together, a name only when NameWithElement is set.
	Linked map[string][]string
	// EncryptedOnly lists the ids of the categories exposed for these
	// people only in encrypted (or hashed) form with an uncompromised key;
	// the rest of Categories were readable for someone.
	EncryptedOnly []string
	// Unintelligible is true when all data exposed for these people was
	// encrypted (or hashed) to the state of the art and the key was not
	// compromised.
	Unintelligible bool
	// Risk is the assessment's risk level for the people of this
	// jurisdiction (from their own categories, minors and numbers; the
	// incident's effects are shared), and RiskReasons its explanation.
	Risk        Risk
	RiskReasons []string
	// SeverityLevel is the ENISA level of this jurisdiction's people: low,
	// medium, high, very_high.
	SeverityLevel string

	Cause            string // incident.Cause
	Malicious        bool
	Confidentiality  string // incident effects, normalised; empty means none
	Integrity        string
	Availability     string
	OutageHours      float64
	Contained        bool
	DataRecovered    bool
	RecipientTrusted bool

	DiscoveredAt time.Time // awareness: every legal clock starts here

	// Establishment is the organisation's main establishment (ISO country
	// or EU member state); HIPAACoveredEntity says HIPAA applies to its
	// health data.
	Establishment      string
	HIPAACoveredEntity bool

	// SubjectsByState optionally counts the affected people by US state
	// (region code such as "CA"). HIPAA's media notice counts the residents
	// of one State; when this is nil, US-HIPAA assumes all Subjects may live
	// in the same State.
	SubjectsByState map[string]int

	// HIPAABusinessAssociate says the organisation is a HIPAA business
	// associate (45 CFR § 160.103): it tells the covered entity, which tells
	// the people and HHS.
	HIPAABusinessAssociate bool
	// PHI says every datum exposed for these people is protected health
	// information: the organisation is a HIPAA covered entity or business
	// associate and the systems hold its patients' data (demographics,
	// billing and identifiers are PHI too, not only health categories).
	// When false, US-HIPAA falls back to the Health categories.
	PHI bool
	// PHISubjects counts these people whose protected health information
	// was exposed (state laws with a HIPAA clause read it).
	PHISubjects int

	// Determinations are the documented determinations recorded on the
	// incident for this jurisdiction (see Determination): a statutory
	// exception that needs one is applied only when it is recorded.
	Determinations []Determination

	// IndividualsNotifiedAt is when the people of this jurisdiction were
	// told, once they were: duties that run from that act (the California
	// Attorney General's copy) are then dated from it. Zero until then.
	IndividualsNotifiedAt time.Time

	// BySubdivision counts the affected people by EU/EEA member state (for
	// EU-GDPR) or another subdivision the rule reports on; nil when unknown.
	BySubdivision map[string]int
}

// Determination is a documented determination recorded on the incident that
// a statutory exception applies (Florida's written no-harm determination,
// HIPAA's documented low-probability risk assessment, New York's
// inadvertent-disclosure determination): who made it, when, and its text.
type Determination struct {
	Jurisdiction string    `json:"jurisdiction"`
	Exception    string    `json:"exception"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
	Text         string    `json:"text"`
}

// determination returns the recorded determination of exception for
// jurisdiction id, if any.
func (f Facts) determination(id, exception string) (Determination, bool) {
	for _, d := range f.Determinations {
		if strings.EqualFold(d.Jurisdiction, id) && d.Exception == exception {
			return d, true
		}
	}
	return Determination{}, false
}

// Has reports whether a category with the given id is exposed.
func (f Facts) Has(id string) bool {
	for _, c := range f.Categories {
		if c.ID == id {
			return true
		}
	}
	return false
}

// LinkedTo returns the ids of the categories exposed in the same person's
// data as the identifying category id (see Linked), sorted.
func (f Facts) LinkedTo(id string) []string {
	if f.Linked != nil {
		return f.Linked[id]
	}
	if !f.Has(id) || id == "name" && !f.NameWithElement {
		return nil
	}
	var out []string
	for _, c := range f.Categories {
		if c.ID != id {
			out = append(out, c.ID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Any reports whether any exposed category satisfies pred.
func (f Facts) Any(pred func(Category) bool) bool {
	for _, c := range f.Categories {
		if pred(c) {
			return true
		}
	}
	return false
}

// Notice is a further notice some laws require beyond the regulator and the
// people: an attorney general, consumer reporting agencies, the media, a
// sector regulator, the HHS Secretary...
type Notice struct {
	To       string     `json:"to"`
	Required bool       `json:"required"`
	Deadline *time.Time `json:"deadline"`
	// DeadlineText is the law's own words for the deadline.
	DeadlineText string   `json:"deadline_text,omitempty"`
	Reasons      []string `json:"reasons"`
	Citations    []string `json:"citations"`
}

// Obligation is what one jurisdiction's law requires for one incident. The
// first fields are the contract of docs/assessment.md; the rest are optional
// additions.
type Obligation struct {
	Jurisdiction       string     `json:"jurisdiction"`
	Subjects           int        `json:"subjects"`
	NotifyRegulator    bool       `json:"notify_regulator"`
	Regulator          string     `json:"regulator"`
	RegulatorDeadline  *time.Time `json:"regulator_deadline"`
	NotifyIndividuals  bool       `json:"notify_individuals"`
	IndividualDeadline *time.Time `json:"individual_deadline"`
	PublicNotice       bool       `json:"public_notice"`
	Reasons            []string   `json:"reasons"`
	Citations          []string   `json:"citations"`

	// Risk is the risk level for this jurisdiction's people (Facts.Risk)
	// and RiskReasons its reasons; the assessment's top-level risk is the
	// highest of them.
	Risk        Risk     `json:"risk,omitempty"`
	RiskReasons []string `json:"risk_reasons,omitempty"`
	// Law names the instrument, e.g. "GDPR (Regulation (EU) 2016/679)".
	Law string `json:"law,omitempty"`
	// RegulatorDeadlineText / IndividualDeadlineText quote the law's
	// deadline in words ("without undue delay and, where feasible, not later
	// than 72 hours after having become aware").
	RegulatorDeadlineText  string `json:"regulator_deadline_text,omitempty"`
	IndividualDeadlineText string `json:"individual_deadline_text,omitempty"`
	// RegulatorDeadlineAfterNotice, when set, says the regulator's
	// deadline runs from the notice to the individuals (California's
	// Attorney General copy 15 days after it): RegulatorDeadline is then
	// dated from that notice once it went out (NoticeSent), and until
	// then only by an outer limit, if the law has one.
	RegulatorDeadlineAfterNotice *AfterNotice `json:"regulator_deadline_after_notice,omitempty"`
	// PublicNoticeAllowed says a substitute or public notice may replace
	// individual notice, under PublicNoticeConditions.
	PublicNoticeAllowed    bool     `json:"public_notice_allowed,omitempty"`
	PublicNoticeConditions []string `json:"public_notice_conditions,omitempty"`
	// SafeHarbour names the exemption that removed a duty, if any.
	SafeHarbour string `json:"safe_harbour,omitempty"`
	// OtherNotices lists further notices (attorney general, media,
	// consumer reporting agencies...).
	OtherNotices []Notice `json:"other_notices,omitempty"`
	// RegulatorContent and IndividualContent list what the law requires a
	// report and a notice to contain; drafts and templates check against it.
	RegulatorContent  []string `json:"regulator_content,omitempty"`
	IndividualContent []string `json:"individual_content,omitempty"`
	// Unverified lists points of this rule that were not checked against
	// the primary text of the law and need a lawyer's eye.
	Unverified []string `json:"unverified,omitempty"`

	// AppliesBecause says why the law covers these people: residence,
	// establishment, processing location or targeting.
	AppliesBecause string `json:"applies_because,omitempty"`
	// Judgment is true when a conclusion rests on the automated risk score
	// or on a statutory exception rather than on a fact; Counsel lists what
	// counsel must confirm before relying on it.
	Judgment bool     `json:"judgment,omitempty"`
	Counsel  []string `json:"counsel,omitempty"`
	// ByMemberState counts the affected people of each EU/EEA member state
	// with its supervisory authority (EU-GDPR only).
	ByMemberState map[string]MemberStateShare `json:"by_member_state,omitempty"`
}

// MemberStateShare is one member state's share of an EU-GDPR obligation.
type MemberStateShare struct {
	Subjects  int    `json:"subjects"`
	Authority string `json:"authority"`
}

// Rule is one jurisdiction's breach-notification law.
type Rule struct {
	// ID is the jurisdiction id of docs/inventory.md, e.g. "EU-GDPR".
	ID string
	// Name is the jurisdiction's name, e.g. "European Union / EEA".
	Name string
	// Law names the instrument.
	Law string
	// Regulator is who receives the report.
	Regulator string
	// Decide applies the law to the facts. It must be pure and must set
	// Jurisdiction, Subjects, Reasons and Citations.
	Decide func(Facts) Obligation
}
