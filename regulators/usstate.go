package regulators

import (
	"fmt"
	"slices"
	"strings"
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
	// information identifying the person, not only a name (New York's
	// "personal information ... because of name, number, personal mark, or
	// other identifier"; Texas health information).
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
	named := linkedElements(f, "name", s.elements)
	creds := s.credentials && hasCredentials(f)
	var via string
	switch {
	case len(named) > 0:
		via = "name"
	case len(s.identified) > 0:
		// A definition that accepts any identifier (New York's
		// "personal information"; Texas health information): name the
		// identifiers that were actually exposed with the elements.
		var ids []string
		named, ids = identifiedElements(f, s.identified)
		if len(named) > 0 {
			via = "identifier"
			b.because(fmt.Sprintf("%s was exposed together with %s, which identifies the person; %s law covers it with any identifier, not only a name.", list(named), list(ids), s.state), s.definition)
		}
	}
	if via == "" && s.withoutName && len(elems) > 0 {
		via, named = "alone", elems
		b.because(fmt.Sprintf("%s was exposed without a linked name; %s law covers such data elements on their own when they are not rendered unusable and would enable identity theft, which is assumed here.", list(elems), s.state), s.definition)
	}
	switch {
	case via == "name" && creds:
		b.because(fmt.Sprintf("A name (first name or initial and last name) was exposed together with %s, and online-account credentials were exposed: both are personal information under %s law.", list(named), s.state), s.definition)
	case via == "name":
		b.because(fmt.Sprintf("A name (first name or initial and last name) was exposed together with %s in the same person's data, which is personal information under %s law.", list(named), s.state), s.definition)
	case via != "":
		if creds {
			b.because(fmt.Sprintf("A user name or e-mail address was also exposed with a password or security answer permitting access to an online account, which is personal information under %s law on its own.", s.state), s.definition)
		}
	case creds:
		b.because(fmt.Sprintf("A user name or e-mail address was exposed with a password or security answer permitting access to an online account, which is personal information under %s law on its own.", s.state), s.definition)
	default:
		b.because(fmt.Sprintf("The exposed data is not personal information as %s law defines it (%s), so the statute is not triggered.", s.state, notPersonalInfo(f, elems)), s.definition)
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

// linkedElements returns the elements (category ids) exposed in the same
// person's data as the identifying category id, sorted.
func linkedElements(f Facts, id string, elements []string) []string {
	var out []string
	for _, c := range f.LinkedTo(id) {
		if slices.Contains(elements, c) {
			out = append(out, c)
		}
	}
	return out
}

// identifiedElements returns the elements exposed in the same person's data
// as an identifier other than themselves, and those identifiers, each
// sorted.
func identifiedElements(f Facts, elements []string) (elems, ids []string) {
	for _, id := range exposedIdentifiers(f) {
		if e := linkedElements(f, id, elements); len(e) > 0 {
			ids = append(ids, id)
			elems = append(elems, e...)
		}
	}
	slices.Sort(elems)
	return slices.Compact(elems), ids
}

// exposedIdentifiers returns the ids of the identifying categories exposed,
// sorted.
func exposedIdentifiers(f Facts) []string {
	return categoryIDs(f, func(c Category) bool { return c.Identifying })
}

// notPersonalInfo says why the exposed elements are not personal
// information under a name-plus-element definition.
func notPersonalInfo(f Facts, elems []string) string {
	if len(elems) == 0 {
		return "no exposed category is one of its data elements"
	}
	all := elems
	var why []string
	if enc := slices.DeleteFunc(slices.Clone(elems), func(id string) bool { return !slices.Contains(f.EncryptedOnly, id) }); len(enc) > 0 {
		why = append(why, fmt.Sprintf("%s was exposed only encrypted with an uncompromised key", list(enc)))
		elems = slices.DeleteFunc(slices.Clone(elems), func(id string) bool { return slices.Contains(enc, id) })
	}
	switch {
	case len(elems) == 0:
	case hasAny(f, "name"):
		why = append(why, fmt.Sprintf("%s was exposed, but not in the same person's readable data as their first name or first initial and last name", list(elems)))
	default:
		why = append(why, fmt.Sprintf("%s was exposed without the person's first name or first initial and last name", list(elems)))
	}
	ids := slices.DeleteFunc(exposedIdentifiers(f), func(id string) bool {
		return id == "name" || slices.Contains(all, id) || slices.Contains(f.EncryptedOnly, id)
	})
	if len(elems) > 0 && len(ids) > 0 {
		why = append(why, fmt.Sprintf("the other identifiers exposed (%s) are not a name under this definition", list(ids)))
	}
	return strings.Join(why, "; ")
}
