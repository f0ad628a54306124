package templates

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Notice is everything one notice to one person says. The campaign planner
// fills it from the incident, the inventory and the subject directory;
// Render checks it before any template runs, so a notice never goes out
// with a blank where a required fact belongs.
type Notice struct {
	// Locale is the recipient's language as a BCP 47 tag ("de-AT",
	// "zh-Hans"); it is matched to the nearest supported locale, English
	// when nothing matches.
	Locale string
	// Jurisdiction is the recipient's jurisdiction code of docs/inventory.md
	// ("EU-GDPR", "US-CA"...). US-CA selects the California variant of the
	// email and the letter.
	Jurisdiction string
	// Guardian addresses the notice to the parent or guardian of a minor.
	Guardian bool
	// Recipient is the person the notice is about and, for letters, where
	// it goes.
	Recipient Recipient
	// Org is the organisation responsible for the data.
	Org Org
	// Incident holds the facts of the breach as people should read them.
	Incident IncidentFacts
	// CategoryLabels labels category ids beyond the built-in taxonomy
	// (operator-declared categories of the inventory). Built-in ids always
	// use the locale's own label.
	CategoryLabels map[string]string
	// VerificationCode is the notice's code from notify/verify.
	VerificationCode string
	// AnnouncementURL is the public page where the official announcement
	// is (or will be) published and where the code can be checked.
	AnnouncementURL string
	// NoticeVersion counts notices about the same incident to the same
	// person: 1 for the first, higher for follow-ups.
	NoticeVersion int
	// Changes, on a follow-up (NoticeVersion > 1), say what changed since
	// the previous notice: ChangeCategories, ChangeRisk, ChangeAdvice,
	// ChangeFacts. The update notice names each.
	Changes []string
	// Date is the date of the notice (California requires it; letters
	// print it).
	Date time.Time
}

// What a follow-up notice says changed (Notice.Changes): more of the
// person's data categories involved, a risk now high, new advice,
// corrected facts.
const (
	ChangeCategories = "categories"
	ChangeRisk       = "risk"
	ChangeAdvice     = "advice"
	ChangeFacts      = "facts"
)

// Recipient is who the notice is about.
type Recipient struct {
	// Name is the addressee's name; empty gives a neutral greeting. In a
	// guardian notice it is the parent's or guardian's name, often unknown.
	Name string
	// ChildName is the minor's name in a guardian notice (optional).
	ChildName string
	// PostalAddress is the postal address, lines separated by newlines or
	// semicolons; required for letters.
	PostalAddress string
}

// Org is the organisation that sends the notice and how to reach it.
type Org struct {
	Name         string
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
}

// IncidentFacts are the facts of the breach a notice reports.
type IncidentFacts struct {
	// Reference is the incident id people quote when they contact us.
	Reference   string
	Title       string
	Description string
	// OccurredAt and OccurredUntil bound when the breach happened, when
	// known; DiscoveredAt is when the organisation became aware of it.
	OccurredAt    *time.Time
	OccurredUntil *time.Time
	DiscoveredAt  time.Time
	// Categories are data category ids (docs/inventory.md), never the data itself.
	Categories []string
	// Consequences are the likely consequences; when empty they are derived
	// from the categories in the recipient's language.
	Consequences []string
	// Measures are what the organisation did or will do (required).
	Measures []string
	// Advice is what the person can do; when empty it is derived from the
	// categories in the recipient's language.
	Advice []string
	// Remedies are what the organisation offers (credit monitoring...).
	Remedies []string
	// DelayedByLawEnforcement says whether the notice was delayed at the
	// request of law enforcement; nil when that cannot be said yet.
	DelayedByLawEnforcement *bool
}

// Problem is one reason a notice cannot be rendered, naming the field.
type Problem struct {
	Field   string
	Message string
}

// String returns "field: message".
func (p Problem) String() string { return p.Field + ": " + p.Message }

// ValidationError lists every problem found in a Notice.
type ValidationError struct {
	Problems []Problem
}

// Error lists every problem on one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "invalid notice: " + strings.Join(parts, "; ")
}

// ErrInvalidNotice matches every *ValidationError with errors.Is.
var ErrInvalidNotice = errors.New("invalid notice")

// Is reports whether target is ErrInvalidNotice.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidNotice }

// urlInText finds links written into free text.
var urlInText = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"']+`)

// validate checks n for channel and returns the problems found. It does not
// look at locale-dependent things (category labels), which build checks.
func (n *Notice) validate(channel string) []Problem {
	var probs []Problem
	req := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			probs = append(probs, Problem{field, "required field is missing"})
		}
	}
	req("Org.Name", n.Org.Name)
	if strings.TrimSpace(n.Org.ContactEmail) == "" && strings.TrimSpace(n.Org.ContactPhone) == "" {
		probs = append(probs, Problem{"Org.ContactEmail", "required field is missing (or give Org.ContactPhone)"})
	}
	req("Incident.Reference", n.Incident.Reference)
	req("Incident.Title", n.Incident.Title)
	if n.Incident.DiscoveredAt.IsZero() {
		probs = append(probs, Problem{"Incident.DiscoveredAt", "required field is missing"})
	}
	if len(n.Incident.Categories) == 0 {
		probs = append(probs, Problem{"Incident.Categories", "required field is missing (at least one category)"})
	}
	if len(nonEmpty(n.Incident.Measures)) == 0 {
		probs = append(probs, Problem{"Incident.Measures", "required field is missing (what we did, at least one measure)"})
	}
	req("VerificationCode", n.VerificationCode)
	req("AnnouncementURL", n.AnnouncementURL)
	if n.Date.IsZero() {
		probs = append(probs, Problem{"Date", "required field is missing"})
	}
	if channel == ChannelLetter {
		req("Recipient.PostalAddress", n.Recipient.PostalAddress)
	}
	if n.NoticeVersion < 0 {
		probs = append(probs, Problem{"NoticeVersion", "must not be negative"})
	}
	for i, c := range n.Changes {
		switch c {
		case ChangeCategories, ChangeRisk, ChangeAdvice, ChangeFacts:
		default:
			probs = append(probs, Problem{fmt.Sprintf("Changes[%d]", i), fmt.Sprintf("%q is not a change a notice can report (categories, risk, advice, facts)", c)})
		}
	}
	if len(n.Changes) > 0 && n.NoticeVersion < 2 {
		probs = append(probs, Problem{"Changes", "only a follow-up notice (NoticeVersion 2 or more) reports changes"})
	}
	if a, u := n.Incident.OccurredAt, n.Incident.OccurredUntil; a != nil && u != nil && u.Before(*a) {
		probs = append(probs, Problem{"Incident.OccurredUntil", "is before Incident.OccurredAt"})
	}

	if e := strings.TrimSpace(n.Org.ContactEmail); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			probs = append(probs, Problem{"Org.ContactEmail", "is not a plain e-mail address"})
		}
	}
	var allowed []*url.URL
	for _, f := range []struct{ name, v string }{{"AnnouncementURL", n.AnnouncementURL}, {"Org.Website", n.Org.Website}} {
		if strings.TrimSpace(f.v) == "" {
			continue
		}
		u, err := parseLink(f.v)
		if err != nil {
			probs = append(probs, Problem{f.name, err.Error()})
			continue
		}
		allowed = append(allowed, u)
	}
	// Free text must not carry links of its own: a notice links to the
	// announcement page and the organisation's website, nothing else (not
	// even another page of that site, see linkAllowed), so it cannot be
	// mistaken for (or turned into) a phishing message.
	check := func(field, v string) {
		if !mayHaveLink(v) {
			return // the expression cannot match
		}
		for _, m := range urlInText.FindAllString(v, -1) {
			if !linkAllowed(m, allowed) {
				probs = append(probs, Problem{field, "contains a link; only AnnouncementURL and Org.Website may appear in a notice (exactly those pages, not other pages of the site)"})
				return
			}
		}
	}
	check("Org.Name", n.Org.Name)
	check("Org.ContactName", n.Org.ContactName)
	check("Recipient.Name", n.Recipient.Name)
	check("Recipient.ChildName", n.Recipient.ChildName)
	check("Recipient.PostalAddress", n.Recipient.PostalAddress)
	check("Org.ContactPhone", n.Org.ContactPhone)
	check("VerificationCode", n.VerificationCode)
	check("Incident.Reference", n.Incident.Reference)
	check("Incident.Title", n.Incident.Title)
	check("Incident.Description", n.Incident.Description)
	for _, l := range []struct {
		name string
		v    []string
	}{{"Incident.Consequences", n.Incident.Consequences}, {"Incident.Measures", n.Incident.Measures},
		{"Incident.Advice", n.Incident.Advice}, {"Incident.Remedies", n.Incident.Remedies}} {
		for i, s := range l.v {
			check(fmt.Sprintf("%s[%d]", l.name, i), s)
		}
	}
	for id, label := range n.CategoryLabels {
		check("CategoryLabels["+id+"]", label)
	}
	return probs
}

// parseLink accepts an absolute http or https URL without credentials.
func parseLink(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \t\r\n\"'<>`") {
		return nil, errors.New("must not contain spaces, quotes or angle brackets")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("is not a valid URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, errors.New("must be an absolute http or https URL")
	}
	if u.Host == "" {
		return nil, errors.New("must name a host")
	}
	if u.User != nil {
		return nil, errors.New("must not carry a user name or password")
	}
	return u, nil
}

// linkAllowed reports whether a link found in text or HTML is one of the
// allowed pages: the announcement page or the organisation's website as
// the inventory gives it (its main page, or whichever page, such as a
// contact page, the inventory names). A link is such a page when it has
// the same host (a leading "www." aside; the port counts), the same path
// (a trailing "/" aside) and the same query; any fragment is allowed, and
// https may stand for http, not the reverse.
//
// Other pages of the same site are refused, however harmless their path
// looks: a notice says it does not ask anyone to sign in, and a link to
// the site's /account, /login or payment pages is exactly what a phishing
// copy of a notice uses (docs/architecture.md: notices never ask for credentials).
// Incident texts that need more than these two pages say so on the
// announcement page.
func linkAllowed(link string, allowed []*url.URL) bool {
	link = strings.TrimRight(link, ".,;:!?)]}»”’")
	if hasPrefixFold(link, "www.") {
		link = "https://" + link
	}
	u, err := url.Parse(link)
	if err != nil || u.User != nil || u.Opaque != "" {
		return false
	}
	for _, a := range allowed {
		if samePage(u, a) {
			return true
		}
	}
	return false
}

// samePage reports whether link u is the allowed page a (see linkAllowed).
func samePage(u, a *url.URL) bool {
	if !strings.EqualFold(bareHost(u.Host), bareHost(a.Host)) {
		return false
	}
	if u.Scheme != a.Scheme && (u.Scheme != "https" || a.Scheme != "http") {
		return false
	}
	return strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(a.Path, "/") && u.RawQuery == a.RawQuery
}

// bareHost drops a leading "www." so that www.store.example and
// store.example count as the same site.
func bareHost(h string) string {
	h = strings.ToLower(h)
	return strings.TrimPrefix(h, "www.")
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if s := strings.TrimSpace(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}
