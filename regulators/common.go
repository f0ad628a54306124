package regulators

import (
	"fmt"
	"slices"
	"strings"
)

// builder accumulates one Obligation: every reason is added with the
// citations that support it, so no decision is recorded without its source.
type builder struct {
	o Obligation
}

// newBuilder starts the Obligation of one jurisdiction for f.
func newBuilder(id, law, regulator string, f Facts) *builder {
	return &builder{o: Obligation{
		Jurisdiction: id,
		Subjects:     f.Subjects,
		Law:          law,
		Regulator:    regulator,
		Reasons:      []string{},
		Citations:    []string{},
	}}
}

// because records a reason and the citations that support it.
func (b *builder) because(reason string, cites ...string) {
	b.o.Reasons = append(b.o.Reasons, reason)
	b.cite(cites...)
}

// cite adds citations, keeping the first occurrence of each.
func (b *builder) cite(cites ...string) {
	for _, c := range cites {
		if c != "" && !slices.Contains(b.o.Citations, c) {
			b.o.Citations = append(b.o.Citations, c)
		}
	}
}

// unverified records a point that needs a lawyer's eye.
func (b *builder) unverified(point string) {
	b.o.Unverified = append(b.o.Unverified, point)
}

// judgment marks a conclusion that rests on the risk score or on a
// statutory exception, and records what counsel must confirm.
func (b *builder) judgment(point string) {
	b.o.Judgment = true
	if !slices.Contains(b.o.Counsel, point) {
		b.o.Counsel = append(b.o.Counsel, point)
	}
}

// notice adds a further notice and its citations.
func (b *builder) notice(n Notice) {
	if n.Reasons == nil {
		n.Reasons = []string{}
	}
	if n.Citations == nil {
		n.Citations = []string{}
	}
	b.o.OtherNotices = append(b.o.OtherNotices, n)
	b.cite(n.Citations...)
}

// done returns the Obligation.
func (b *builder) done() Obligation { return b.o }

// noSubjects closes an Obligation for a jurisdiction with nobody affected.
// It reports whether it did.
func (b *builder) noSubjects(f Facts, cite string) bool {
	if f.Subjects > 0 {
		return false
	}
	b.because("No affected person lives under this jurisdiction, so its breach-notification duties are not engaged.", cite)
	return true
}

// plural writes "1 person" or "n people".
func plural(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// agree returns one when n is 1 and many otherwise, for the words that
// follow a count ("is a child" or "are children").
func agree(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// exposed reports whether the incident's confidentiality effect means the
// data was, or cannot be ruled out to have been, accessed or acquired by
// someone not authorised. "possible" (exposed, no evidence of access) counts:
// the absence of evidence of access is not evidence that nobody accessed it.
func exposed(f Facts) bool {
	switch f.Confidentiality {
	case "possible", "known_recipients", "unknown_recipients":
		return true
	}
	return false
}

// altered reports whether the data was altered (integrity effect).
func altered(f Facts) bool {
	return f.Integrity != "" && f.Integrity != "none"
}

// lost reports whether the data is permanently lost (availability effect).
func lost(f Facts) bool {
	return f.Availability == "permanent"
}

// anyBreachEffect reports whether the incident had any effect on the data:
// confidentiality, integrity or availability.
func anyBreachEffect(f Facts) bool {
	return exposed(f) || altered(f) || (f.Availability != "" && f.Availability != "none")
}

// hasCredentials reports whether online-account credentials were exposed.
func hasCredentials(f Facts) bool {
	return f.Any(func(c Category) bool { return c.Credentials })
}

// hasHealth reports whether medical, health-insurance or genetic data was
// exposed.
func hasHealth(f Facts) bool {
	return f.Any(func(c Category) bool { return c.Health })
}

// hasFinancial reports whether financial account, card or bank data was
// exposed.
func hasFinancial(f Facts) bool {
	return f.Any(func(c Category) bool { return c.Financial })
}

// hasSpecial reports whether special-category or sensitive data was exposed.
func hasSpecial(f Facts) bool {
	return f.Any(func(c Category) bool { return c.Special })
}

// hasChildren reports whether children's data is involved, either because a
// category is about children or because minors are among the affected.
func hasChildren(f Facts) bool {
	return f.Minors > 0 || f.Any(func(c Category) bool { return c.Children })
}

// categoryIDs lists the ids of the categories in f that satisfy pred, sorted.
func categoryIDs(f Facts, pred func(Category) bool) []string {
	var ids []string
	for _, c := range f.Categories {
		if pred(c) {
			ids = append(ids, c.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// idIn returns a predicate matching categories whose id is one of ids.
func idIn(ids ...string) func(Category) bool {
	return func(c Category) bool { return slices.Contains(ids, c.ID) }
}

// list joins ids for a reason sentence.
func list(ids []string) string { return strings.Join(ids, ", ") }

// All returns every encoded rule in a stable order: Europe, Asia, the US
// federal and state rules, then the rest of the world.
func All() []Rule {
	return slices.Concat([]Rule{
		EUGDPR, UKGDPR, CNPIPL, USHIPAA,
		USCA, USNY, USTX, USFL, USMA, USWA, USIL,
	}, USStates(), []Rule{
		CAPIPEDA, CAQC, CAAB, AUNDB, SGPDPA, BRLGPD, JPAPPI, INDPDP,
	})
}

// Lookup returns the rule for a jurisdiction id such as "EU-GDPR" or
// "US-CA". Ids are matched without regard to case.
func Lookup(id string) (Rule, bool) {
	id = strings.ToUpper(strings.TrimSpace(id))
	for _, r := range All() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Fallback is the Obligation for a jurisdiction without an encoded rule (for
// example "MX" or "US-OH"). It says so plainly, recommends legal review and
// sets no deadline. For a US state it states the principle every state's
// breach law shares.
func Fallback(f Facts) Obligation {
	id := strings.ToUpper(strings.TrimSpace(f.Jurisdiction))
	if id == "" {
		id = "UNKNOWN"
	}
	b := newBuilder(id, "", "", f)
	b.because(fmt.Sprintf("No breach-notification rule is encoded for jurisdiction %q: this assessment cannot say whether or by when a regulator or the %s affected must be told. Have a lawyer review the local law before the first deadline of any other jurisdiction passes.", id, plural(f.Subjects)),
		"no rule encoded: legal review required")
	b.unverified("whole jurisdiction: no rule encoded")
	b.judgment(fmt.Sprintf("whether the law of %s requires notice to a regulator or to the %s affected, and by when: no rule is encoded, so nothing here is decided", id, plural(f.Subjects)))
	if strings.HasPrefix(id, "US-") {
		b.o.Law = "state breach-notification statute of " + strings.TrimPrefix(id, "US-")
		b.o.Regulator = "state attorney general (check the statute)"
		b.because("Every US state, the District of Columbia, Puerto Rico, Guam and the US Virgin Islands has a breach-notification statute. They share a common core: notice to residents whose unencrypted name combined with a Social Security number, driver's licence or state ID number, or financial account or card number with its access code was acquired by an unauthorised person, given in the most expedient time possible and without unreasonable delay; many add a fixed outer limit (30 to 60 days), a notice to the attorney general above a resident threshold, and notice to consumer reporting agencies above a larger one.",
			"state breach-notification statute (every US state has one)")
		if exposed(f) && f.NameWithElement && !f.Unintelligible {
			b.o.NotifyIndividuals = true
			b.because("Unencrypted name-plus-element data of residents was exposed, which engages the common core of every state statute: plan individual notice now and confirm the state's exact definitions, deadline and attorney-general threshold.")
		} else {
			b.because("The exposed data does not combine a name with a US personal-information element in readable form, which is the usual trigger; confirm against the state's definitions, some of which are broader (online credentials, biometric, medical or health-insurance data).")
		}
		if f.Unintelligible {
			b.o.SafeHarbour = "encryption (common to every state statute; confirm the state's definition)"
		}
	}
	return b.done()
}
