package regulators

import (
	"fmt"
	"slices"
)

// usScope describes what a US state statute protects and what event
// triggers it.
type usScope struct {
	// state is the state's name for reason sentences.
	state string
	// elements are the category ids that are the state's data elements when
	// combined with a name (SSN, licence, account number...).
	elements []string
	// identified are category ids that are covered when combined with any
	// information identifying the person, not only a name (Texas health
	// information).
	identified []string
	// withoutName says the elements are covered even without a name when
	// they would enable identity theft (Washington).
	withoutName bool
	// credentials says a user name or e-mail with a password or security
	// answer is covered on its own.
	credentials bool
	// access says the statute is triggered by unauthorised access, not only
	// acquisition.
	access bool
	// definition and trigger are the citations of the definition of
	// personal information and of the breach.
	definition string
	trigger    string
	// encryption is the citation of the encryption safe harbour.
	encryption string
}

// usTriggered decides whether a state breach statute is engaged by f and
// records why. It never looks at the GDPR-style risk: state statutes trigger
// on the data elements; risk-of-harm exceptions are applied by each rule.
func usTriggered(b *builder, f Facts, s usScope) bool {
	intruder := f.Cause == "ransomware" || f.Cause == "hacking"
	switch {
	case exposed(f):
		if f.Confidentiality == "possible" {
			b.because(fmt.Sprintf("The data was exposed without evidence of access; %s law covers data 'reasonably believed' to have been accessed or acquired, and access cannot be ruled out, so the exposure is treated as a breach.", s.state), s.trigger)
		}
	case s.access && intruder:
		b.because(fmt.Sprintf("An intruder (%s) had access to the systems holding the data; %s law is triggered by unauthorised access, so the incident is treated as a breach even without proof that data was copied.", f.Cause, s.state), s.trigger)
	default:
		b.because(fmt.Sprintf("No unauthorised acquisition of or access to the data is reported (confidentiality effect %q), so the %s breach statute is not triggered; an integrity or availability effect alone is not a breach under it.", orNone(f.Confidentiality), s.state), s.trigger)
		return false
	}
	if f.Unintelligible {
		b.o.SafeHarbour = "encryption: " + s.encryption
		b.because(fmt.Sprintf("All exposed data was encrypted and the key was not compromised; %s law covers only unencrypted data (or encrypted data whose key was also acquired), so no notice is due.", s.state), s.encryption)
		return false
	}
	elems := categoryIDs(f, idIn(s.elements...))
	// NameWithElement is computed per person by assess from the generic
	// USPersonalInfo flag. An element only this state protects (Washington's
	// date of birth) is not flagged, so for it a name exposed in the same
	// incident is taken as combined with it.
	stateOnly := categoryIDs(f, func(c Category) bool { return idIn(s.elements...)(c) && !c.USPersonalInfo })
	nameElem := len(elems) > 0 && (f.NameWithElement || (len(stateOnly) > 0 && hasAny(f, "name")))
	creds := s.credentials && hasCredentials(f)
	if idElems := categoryIDs(f, idIn(s.identified...)); !nameElem && len(idElems) > 0 && f.Any(func(c Category) bool { return c.Identifying }) {
		nameElem = true
		elems = idElems
		b.because(fmt.Sprintf("%s was exposed with information identifying the person; %s law covers it with any identifier, not only a name.", list(idElems), s.state), s.definition)
	}
	if !nameElem && s.withoutName && len(elems) > 0 {
		nameElem = true
		b.because(fmt.Sprintf("%s was exposed without a linked name; %s law covers such data elements on their own when they are not rendered unusable and would enable identity theft, which is assumed here.", list(elems), s.state), s.definition)
	} else if nameElem && !f.NameWithElement {
		b.because(fmt.Sprintf("%s is a data element under %s law but not in the general US list the assessment links to names person by person; since names were exposed in the same incident, they are treated as combined with it.", list(stateOnly), s.state), s.definition)
	}
	switch {
	case nameElem && creds:
		b.because(fmt.Sprintf("A name was exposed together with %s, and online-account credentials were exposed: both are personal information under %s law.", list(elems), s.state), s.definition)
	case nameElem:
		b.because(fmt.Sprintf("A name was exposed together with %s, which is personal information under %s law.", list(elems), s.state), s.definition)
	case creds:
		b.because(fmt.Sprintf("A user name or e-mail address was exposed with a password or security answer permitting access to an online account, which is personal information under %s law on its own.", s.state), s.definition)
	default:
		why := "no exposed category is one of its data elements"
		if len(elems) > 0 {
			why = fmt.Sprintf("%s was exposed but not combined with a name", list(elems))
		}
		b.because(fmt.Sprintf("The exposed data is not personal information as %s law defines it (%s), so the statute is not triggered.", s.state, why), s.definition)
		return false
	}
	return true
}

// orNone returns s, or "none" when s is empty.
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// usSubstitute records the common US substitute-notice test: cost of notice
// over $250,000, an affected class over 500,000, or insufficient contact
// information. components describe what the substitute notice consists of.
func usSubstitute(b *builder, f Facts, cite string, all bool, components []string) {
	conds := []string{
		"the cost of providing notice would exceed $250,000 (cost is not known to this assessment)",
		fmt.Sprintf("the affected class exceeds 500,000 persons (here %d)", f.Subjects),
		fmt.Sprintf("insufficient contact information (here %s without usable contact)", plural(f.WithoutContact)),
	}
	joiner := "any of"
	if all {
		joiner = "all of"
	}
	conds = append(conds, fmt.Sprintf("substitute notice consists of %s: %s", joiner, list(components)))
	b.o.PublicNoticeConditions = append(b.o.PublicNoticeConditions, conds...)
	switch {
	case f.Subjects > 500000:
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("More than 500,000 residents are affected (%d), so substitute notice is allowed in place of individual notice.", f.Subjects), cite)
	case f.WithoutContact > 0:
		b.o.PublicNoticeAllowed = true
		b.because(fmt.Sprintf("%s cannot be reached with the contact information held, so substitute notice is allowed for want of sufficient contact information.", plural(f.WithoutContact)), cite)
	default:
		b.because("Substitute notice is not available on these facts (500,000 or fewer affected and contact information for all); it would become available only if the cost of notice exceeded $250,000.", cite)
	}
}

// craNotice adds a consumer-reporting-agency notice when count exceeds
// threshold.
func craNotice(b *builder, count, threshold int, who, deadline, cite string) {
	if count <= threshold {
		b.because(fmt.Sprintf("%s affected is not more than %d, so no consumer reporting agency notice is due.", who, threshold), cite)
		return
	}
	b.notice(Notice{
		To:           "nationwide consumer reporting agencies (Equifax, Experian, TransUnion)",
		Required:     true,
		DeadlineText: deadline,
		Reasons:      []string{fmt.Sprintf("%s affected (%d) is more than %d.", who, count, threshold)},
		Citations:    []string{cite},
	})
}

// creditBureaus is the contact block several states require in the notice.
const creditBureaus = "toll-free telephone numbers and addresses of the major consumer reporting agencies (Equifax, Experian, TransUnion)"

// totalOr returns f.TotalSubjects, or f.Subjects when the total is unknown.
func totalOr(f Facts) int {
	return max(f.TotalSubjects, f.Subjects)
}

// has reports whether any of ids was exposed.
func hasAny(f Facts, ids ...string) bool {
	return f.Any(func(c Category) bool { return slices.Contains(ids, c.ID) })
}
