package compose

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// The incident's free text (description, measures, advice, remedies) goes
// into every notice as written. CheckFacts stops a campaign whose text
// would carry leaked data or ask people for credentials (DESIGN §8), before
// anything is sent.

var (
	emailInText = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`)
	digitRun    = regexp.MustCompile(`\d[\d \-]{11,}\d`)
	phoneInText = regexp.MustCompile(`\+\d[\d\s().\-]{7,}\d`)
	ibanInText  = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}\b`)
	ssnInText   = regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`)
	// signInPrompts are phishing prompts refused even without a secret
	// word; requests for secrets are found by credentialAsk.
	signInPrompts = []string{"log in here", "login here", "sign in here", "click here to verify"}
)

// CheckFacts reports, naming the field, free text of the incident that must
// not reach a notice: e-mail addresses or phone numbers other than the
// organisation's contacts, card numbers (Luhn-valid digit runs), IBANs,
// US social security numbers, and requests for passwords, PINs or card
// details (a sentence pairing a secret with a request, see credentialAsk).
// Links are checked when a notice is rendered (the campaign's preflight
// renders one before anything is sent): only the announcement page and the
// organisation's website itself may appear, no other page of the site.
func CheckFacts(in *incident.Incident, org inventory.Organization) error {
	allowed := map[string]bool{}
	for _, s := range []string{org.Contact.Email, org.Contact.Phone} {
		allowed[normalize(s)] = true
	}
	if c := in.Contact; c != nil {
		allowed[normalize(c.Email)] = true
		allowed[normalize(c.Phone)] = true
	}
	var problems []string
	check := func(field, text string) {
		for _, e := range emailInText.FindAllString(text, -1) {
			if !allowed[normalize(e)] {
				problems = append(problems, field+" contains an e-mail address that is not the organisation's contact")
				break
			}
		}
		for _, p := range phoneInText.FindAllString(text, -1) {
			if !allowed[normalize(p)] {
				problems = append(problems, field+" contains a phone number that is not the organisation's contact")
				break
			}
		}
		for _, run := range digitRun.FindAllString(text, -1) {
			if d := digitsOnly(run); len(d) >= 13 && len(d) <= 19 && luhn(d) && !allowed[normalize(run)] {
				problems = append(problems, field+" contains what looks like a payment card number")
				break
			}
		}
		if ibanInText.MatchString(text) {
			problems = append(problems, field+" contains what looks like an IBAN")
		}
		if ssnInText.MatchString(text) {
			problems = append(problems, field+" contains what looks like a social security number")
		}
		if secret, request, ok := credentialAsk(text); ok {
			problems = append(problems, fmt.Sprintf("%s asks the reader for a secret (%q with %q in one sentence): notices never ask for passwords, PINs or card details; reword it, e.g. as a warning that we never ask for them", field, request, secret))
		} else if low := strings.ToLower(text); slices.ContainsFunc(signInPrompts, func(p string) bool { return strings.Contains(low, p) }) {
			problems = append(problems, field+" asks the reader to sign in: notices never ask anyone to sign in")
		}
	}
	check("description", in.Description)
	check("title", in.Title)
	for name, list := range map[string][]string{"mitigation.measures": in.Mitigation.Measures, "mitigation.advice": in.Mitigation.Advice, "mitigation.remedies": in.Mitigation.Remedies} {
		for i, s := range list {
			check(fmt.Sprintf("%s[%d]", name, i), s)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the incident's text would put leaked data or a request for secrets into every notice; correct it in a new revision: %s",
			strings.Join(problems, "; "))
	}
	return nil
}

func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.ContainsRune(s, '@') {
		return s
	}
	return digitsOnly(s)
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// luhn reports whether the digits pass the Luhn check of card numbers.
func luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}
