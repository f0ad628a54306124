package compose

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// The incident's free text (description, measures, advice, remedies) goes
// into every notice as written. CheckFacts stops a campaign whose text
// would carry leaked data, ask people for credentials or send them to a
// site that is not the organisation's, before anything is sent. Notices
// go out in the organisation's name and phishers imitate them, so the gate
// reads the text as a person would (normalize.go), whatever invisible or
// look-alike characters spell it.

var (
	// emailInText finds e-mail addresses in folded text, also those with
	// Greek or Cyrillic look-alike letters, but not the Chinese text
	// around one.
	emailInText = regexp.MustCompile(`[\p{Latin}\p{Greek}\p{Cyrillic}0-9._%+\-]+@[\p{Latin}\p{Greek}\p{Cyrillic}0-9.\-]+\.[\p{Latin}\p{Greek}\p{Cyrillic}]{2,}`)
	digitRun    = regexp.MustCompile(`\d[\d \-]{11,}\d`)
	phoneInText = regexp.MustCompile(`\+\d[\d\s().\-]{7,}\d`)
	ibanInText  = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}\b`)
	ssnInText   = regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`)
	// signInPrompts are phishing prompts refused even without a secret
	// word; requests for secrets are found by credentialAsk.
	signInPrompts = []string{"log in here", "login here", "sign in here", "click here to verify"}
)

// FactsOptions tells the gate more about the organisation.
type FactsOptions struct {
	// Domains are further host names, URLs or e-mail addresses whose
	// registrable domains are the organisation's own, such as the public
	// announcement site's. The domains of the organisation's website and
	// contact e-mail address always are.
	Domains []string
}

// CheckFacts is CheckFactsWith with no options.
func CheckFacts(in *incident.Incident, org inventory.Organization) error {
	return CheckFactsWith(in, org, FactsOptions{})
}

// CheckFacts is CheckFactsWith for the composer's organisation, with the
// announcement page's domain and Config.OwnDomains as its own.
func (c *Composer) CheckFacts(in *incident.Incident) error {
	domains := append([]string{c.cfg.AnnouncementURL}, c.cfg.OwnDomains...)
	return CheckFactsWith(in, c.cfg.Inventory.Organization, FactsOptions{Domains: domains})
}

// CheckFactsWith reports, naming the field, free text of the incident that
// must not reach a notice: e-mail addresses or phone numbers other than
// the organisation's contacts, card numbers (Luhn-valid digit runs), IBANs,
// US social security numbers, requests for secrets (a sentence pairing a
// secret such as a password, PIN, card security code, date of birth or
// one-time code with a request, see credentialAsk), sign-in prompts, and
// links that rendering would not see as links: bare domains other than the
// organisation's and disguised links (see findLinkProblem). The text is
// read as a person sees it (see normalizeText): invisible characters
// dropped, full-width and look-alike letters mapped. Links are checked
// again when a notice is rendered (the campaign's preflight renders one
// before anything is sent): only the announcement page and the
// organisation's website itself may appear, no other page of the site.
func CheckFactsWith(in *incident.Incident, org inventory.Organization, opts FactsOptions) error {
	allowed := map[string]bool{}
	for _, s := range []string{org.Contact.Email, org.Contact.Phone} {
		allowed[normalize(s)] = true
	}
	if c := in.Contact; c != nil {
		allowed[normalize(c.Email)] = true
		allowed[normalize(c.Phone)] = true
	}
	own := newOwnDomains(append([]string{org.Website, org.Contact.Email}, opts.Domains...)...)
	var problems []string
	check := func(field, text string) {
		folded, normalized := foldText(text), normalizeText(text)
		for _, e := range findAll(emailInText, folded, "@") {
			if !allowed[normalize(e)] {
				problem := field + " contains an e-mail address that is not the organisation's contact"
				if allowed[normalize(normalizeText(e))] {
					problem += " but imitates it with look-alike characters"
				}
				problems = append(problems, problem)
				break
			}
		}
		for _, p := range findAll(phoneInText, folded, "+") {
			if !allowed[normalize(p)] {
				problems = append(problems, field+" contains a phone number that is not the organisation's contact")
				break
			}
		}
		for _, run := range digitRun.FindAllString(folded, -1) {
			if d := digitsOnly(run); len(d) >= 13 && len(d) <= 19 && luhn(d) && !allowed[normalize(run)] {
				problems = append(problems, field+" contains what looks like a payment card number")
				break
			}
		}
		if ibanInText.MatchString(text) {
			problems = append(problems, field+" contains what looks like an IBAN")
		}
		if ssnInText.MatchString(folded) {
			problems = append(problems, field+" contains what looks like a social security number")
		}
		if a, ok := askIn(normalized); ok {
			read := ""
			if normalized != plainLower(text) {
				read = fmt.Sprintf(", read as %q once invisible and look-alike characters are resolved", shorten(redact(strings.TrimSpace(a.sentence)), 120))
			}
			problems = append(problems, fmt.Sprintf("%s asks the reader for a secret (%q with %q in one sentence%s): notices never ask for passwords, PINs, card details or personal identifiers; reword it, e.g. as a warning that we never ask for them", field, a.request, a.secret, read))
		} else if slices.ContainsFunc(signInPrompts, func(p string) bool { return strings.Contains(normalized, p) }) {
			problems = append(problems, field+" asks the reader to sign in: notices never ask anyone to sign in")
		}
		if l, ok := findLinkProblem(folded, normalized, own); ok {
			if l.readAs {
				l.link = "read as " + l.link
			}
			switch {
			case l.obfuscated:
				problems = append(problems, fmt.Sprintf("%s contains a disguised link (%q): notices never carry defanged or spelled-out links; give the organisation's website instead", field, l.link))
			case l.imitates:
				problems = append(problems, fmt.Sprintf("%s contains a link or domain (%q) that imitates the organisation's with look-alike characters: give the organisation's website as it is spelled", field, l.link))
			default:
				problems = append(problems, fmt.Sprintf("%s contains a link or domain (%q) that is not the organisation's: notices link only to the organisation's own site", field, l.link))
			}
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
		return fault.Errorf(fault.CampaignBlocked, "the incident's text would put leaked data or a request for secrets into every notice; correct it in a new revision: %s",
			strings.Join(problems, "; "))
	}
	return nil
}

// findAll returns the matches of re in text, which holds mark if it holds
// any: a cheap test first, as most texts hold none.
func findAll(re *regexp.Regexp, text, mark string) []string {
	if !strings.Contains(text, mark) {
		return nil
	}
	return re.FindAllString(text, -1)
}

// plainLower is text as the gate read it before it normalized Unicode: in
// lower case with typographic apostrophes as ASCII. A refusal shows the
// normalized sentence when it differs from this.
func plainLower(text string) string {
	return strings.NewReplacer("’", "'", "‘", "'", "ʼ", "'").Replace(strings.ToLower(text))
}

// redact hides digit runs and e-mail addresses of a sentence quoted in an
// error.
func redact(s string) string {
	s = emailInText.ReplaceAllString(s, "<e-mail>")
	return longDigits.ReplaceAllString(s, "<number>")
}

var longDigits = regexp.MustCompile(`\d[\d \-]{2,}\d`)

// normalize returns an e-mail address or phone number in a form to compare.
func normalize(s string) string {
	s = foldText(strings.TrimSpace(s))
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
