package regulators

import (
	"strings"
	"testing"
)

// TestUSNameWithElement checks the "name + data element" definitions of the
// US state statutes person by person: the first name (or first initial)
// and last name must be exposed in the same person's data as the element.
// An e-mail address or the ID number itself is not a name. New York
// accepts any identifier, and Texas any identifier for health information;
// online credentials are an element of their own without a name in
// California, Florida, Illinois and New York.
func TestUSNameWithElement(t *testing.T) {
	catPwd := Category{ID: "password_hash", Label: "Password hash", Class: "simple", USPersonalInfo: true, Credentials: true}
	tests := []struct {
		name   string
		law    string
		decide func(Facts) Obligation
		facts  Facts
		notify bool
		reason string // a fragment some reason must contain
	}{
		// California.
		{name: "CA: SSN with an e-mail address, no name",
			law:    "Cal. Civ. Code § 1798.82(h)(1): first name or first initial and last name in combination with the element",
			decide: DecideUSCA, facts: facts("US-CA", 10, cats(catEmail, catSSN)),
			reason: "national_id was exposed without the person's first name or first initial and last name; the other identifiers exposed (email) are not a name"},
		{name: "CA: SSN alone",
			law:    "Cal. Civ. Code § 1798.82(h)(1): an SSN without a name is not personal information",
			decide: DecideUSCA, facts: facts("US-CA", 10, cats(catSSN)),
			reason: "without the person's first name"},
		{name: "CA: a name in one person's data, an SSN in another's",
			law:    "Cal. Civ. Code § 1798.82(h)(1): 'an individual's' name in combination with the element",
			decide: DecideUSCA, facts: facts("US-CA", 10, people([]Category{catName, catEmail}, []Category{catEmail, catSSN})),
			reason: "not in the same person's readable data as their first name"},
		{name: "CA: name with SSN",
			law:    "Cal. Civ. Code § 1798.82(h)(1)(A)",
			decide: DecideUSCA, facts: facts("US-CA", 10, cats(catName, catSSN)), notify: true,
			reason: "A name (first name or initial and last name) was exposed together with national_id"},
		{name: "CA: e-mail with password, no name",
			law:    "Cal. Civ. Code § 1798.82(h)(2): user name or e-mail address with a password is personal information on its own",
			decide: DecideUSCA, facts: facts("US-CA", 10, cats(catEmail, catCreds)), notify: true,
			reason: "on its own"},
		// Massachusetts.
		{name: "MA: SSN with an e-mail address, no name",
			law:    "M.G.L. c.93H § 1: first name and last name or first initial and last name in combination with the element",
			decide: DecideUSMA, facts: facts("US-MA", 10, cats(catEmail, catSSN)),
			reason: "not personal information"},
		{name: "MA: name with SSN",
			law:    "M.G.L. c.93H § 1(a)",
			decide: DecideUSMA, facts: facts("US-MA", 10, cats(catName, catSSN)), notify: true,
			reason: "A name (first name or initial and last name) was exposed together with national_id"},
		// Texas.
		{name: "TX: SSN with an e-mail address, no name",
			law:    "Tex. Bus. & Com. Code § 521.002(a)(2)(A): first name or first initial and last name in combination with the item",
			decide: DecideUSTX, facts: facts("US-TX", 10, cats(catEmail, catSSN)),
			reason: "not personal information"},
		{name: "TX: health information with an e-mail address names the identifier",
			law:    "Tex. Bus. & Com. Code § 521.002(a)(2)(B): information that identifies an individual and relates to health",
			decide: DecideUSTX, facts: facts("US-TX", 10, cats(catEmail, catHlth)), notify: true,
			reason: "health was exposed together with email, which identifies the person"},
		{name: "TX: health information in one person's data, e-mail only in another's",
			law:    "Tex. Bus. & Com. Code § 521.002(a)(2)(B): the health information must identify the individual",
			decide: DecideUSTX, facts: facts("US-TX", 10, people([]Category{catEmail}, []Category{catHlth})),
			reason: "not personal information"},
		{name: "TX: name with a card number exposed only encrypted",
			law:    "Tex. Bus. & Com. Code § 521.002(a)(2)(A): 'if the name and the items are not encrypted'",
			decide: DecideUSTX, facts: facts("US-TX", 10, people([]Category{catName, catEmail}), func(f *Facts) {
				f.Categories = append(f.Categories, catCard)
				f.EncryptedOnly = []string{"payment_card"}
			}),
			reason: "payment_card was exposed only encrypted with an uncompromised key"},
		// Florida.
		{name: "FL: SSN with an e-mail address, no name",
			law:    "Fla. Stat. § 501.171(1)(g)1.a: first name or first initial and last name in combination with the element",
			decide: DecideUSFL, facts: facts("US-FL", 10, cats(catEmail, catSSN)),
			reason: "not personal information"},
		{name: "FL: e-mail with password, no name",
			law:    "Fla. Stat. § 501.171(1)(g)1.b: user name or e-mail address with a password",
			decide: DecideUSFL, facts: facts("US-FL", 10, cats(catEmail, catCreds)), notify: true,
			reason: "on its own"},
		// Illinois.
		{name: "IL: SSN with an e-mail address, no name",
			law:    "815 ILCS 530/5 'personal information' (1): first name or first initial and last name in combination with the element",
			decide: DecideUSIL, facts: facts("US-IL", 10, cats(catEmail, catSSN)),
			reason: "not personal information"},
		{name: "IL: e-mail with password, no name",
			law:    "815 ILCS 530/5 'personal information' (2): user name or e-mail address with a password",
			decide: DecideUSIL, facts: facts("US-IL", 10, cats(catEmail, catCreds)), notify: true,
			reason: "on its own"},
		// New York: any identifier.
		{name: "NY: SSN with an e-mail address names the identifier",
			law:    "N.Y. Gen. Bus. Law § 899-aa(1)(a)-(b): personal information 'because of name, number, personal mark, or other identifier' in combination with the element",
			decide: DecideUSNY, facts: facts("US-NY", 10, cats(catEmail, catSSN)), notify: true,
			reason: "national_id was exposed together with email, which identifies the person"},
		{name: "NY: SSN alone",
			law:    "N.Y. Gen. Bus. Law § 899-aa(1)(b)(i): personal information 'in combination with' the element; the element alone is no combination",
			decide: DecideUSNY, facts: facts("US-NY", 10, cats(catSSN)),
			reason: "not personal information"},
		{name: "NY: e-mail with password",
			law:    "N.Y. Gen. Bus. Law § 899-aa(1)(b)(ii): user name or e-mail address with a password",
			decide: DecideUSNY, facts: facts("US-NY", 10, cats(catEmail, catCreds)), notify: true,
			reason: "on its own"},
		// Washington: elements alone.
		{name: "WA: SSN alone",
			law:    "RCW 19.255.005(2)(a)(ii): data elements without a name when they would enable identity theft",
			decide: DecideUSWA, facts: facts("US-WA", 10, cats(catSSN)), notify: true,
			reason: "without a linked name"},
		{name: "WA: date of birth with a name",
			law:    "RCW 19.255.005(2)(a)(i): full date of birth is a data element with a name",
			decide: DecideUSWA, facts: facts("US-WA", 10, cats(catName, catDOB)), notify: true,
			reason: "A name (first name or initial and last name) was exposed together with date_of_birth"},
		// A state without an encoded rule: the common core needs a name.
		{name: "OH fallback: name with a password hash only",
			law:    "common core of the state statutes: a name with an SSN, licence or account number; credentials are no such element",
			decide: Fallback, facts: facts("US-OH", 10, cats(catName, catEmail, catPwd)),
			reason: "does not combine a name with a US personal-information element"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.decide(tt.facts)
			checkInvariants(t, tt.facts, got)
			if got.NotifyIndividuals != tt.notify {
				t.Errorf("%s\nnotify individuals: got %v, want %v\nreasons:\n  %s", tt.law, got.NotifyIndividuals, tt.notify, strings.Join(got.Reasons, "\n  "))
			}
			all := strings.Join(got.Reasons, "\n")
			if !strings.Contains(all, tt.reason) {
				t.Errorf("%s\nreasons: got\n  %s\nwant one to contain %q", tt.law, strings.Join(got.Reasons, "\n  "), tt.reason)
			}
			if !strings.HasPrefix(tt.reason, "A name ") && strings.Contains(all, "A name ") {
				t.Errorf("reasons: got %q, want no claim that a name was exposed with an element", all)
			}
		})
	}
}

// TestLinkedToWithoutLinks checks the reading of Facts built without
// Linked: everything exposed counts as exposed together, a name only when
// NameWithElement says so.
func TestLinkedToWithoutLinks(t *testing.T) {
	f := Facts{Categories: []Category{catName, catEmail, catSSN}}
	if got := f.LinkedTo("name"); got != nil {
		t.Errorf("LinkedTo(name) without NameWithElement: got %v, want nil", got)
	}
	if got, want := strings.Join(f.LinkedTo("email"), ","), "name,national_id"; got != want {
		t.Errorf("LinkedTo(email): got %s, want %s", got, want)
	}
	f.NameWithElement = true
	if got, want := strings.Join(f.LinkedTo("name"), ","), "email,national_id"; got != want {
		t.Errorf("LinkedTo(name) with NameWithElement: got %s, want %s", got, want)
	}
}
