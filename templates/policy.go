package templates

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// The rules every rendered notice obeys, whatever template produced it
// (embedded or an operator's override). New applies them to sample notices
// and Render to every notice, so an override cannot add a tracking pixel, a
// form or a foreign link, nor put personal data into a push payload.

var (
	// allowedTags are the only elements a notice's HTML may use.
	allowedTags = map[string]bool{"!doctype": true, "html": true, "head": true, "meta": true, "title": true,
		"style": true, "body": true, "h1": true, "h2": true, "h3": true, "p": true, "br": true, "ul": true,
		"ol": true, "li": true, "a": true, "strong": true, "em": true, "b": true, "i": true, "span": true,
		"div": true, "table": true, "tr": true, "td": true, "th": true, "hr": true}
	// badAttr finds attributes that load something or run something.
	badAttr  = regexp.MustCompile(`\s(src|srcset|background|action|formaction|poster|data|http-equiv|on[a-z]+)\s*=`)
	hrefAttr = regexp.MustCompile(`(?i)\shref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
)

// nextLink returns the bounds of the first link of s at or after i, or -1.
// The prefixes are matched without regard to ASCII case, in s itself, so
// that a character whose lower case is longer cannot shift the bounds.
func nextLink(s string, i int) (start, end int) {
	for k := i; k < len(s); k++ {
		c := s[k] | 0x20
		if (c == 'h' && (hasPrefixFold(s[k:], "http://") || hasPrefixFold(s[k:], "https://"))) ||
			(c == 'w' && hasPrefixFold(s[k:], "www.") && (k == 0 || !isWordByte(s[k-1]))) {
			end := strings.IndexFunc(s[k:], linkEnd)
			if end < 0 {
				return k, len(s)
			}
			return k, k + end
		}
	}
	return -1, -1
}

// isWordByte reports whether b is an ASCII letter or digit: "www." only
// starts a link at a word boundary, so a verification code ending in WWW
// before a full stop ("… code 9R4NW-C7WWW.") is not one.
func isWordByte(b byte) bool {
	return 'a' <= b|0x20 && b|0x20 <= 'z' || '0' <= b && b <= '9'
}

func linkEnd(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '<' || r == '>' || r == '"' || r == '\''
}

// hasPrefixFold reports whether s begins with prefix, a lower-case ASCII
// string, ignoring the case of ASCII letters.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// mayHaveLink reports whether s could hold a link that nextLink or
// urlInText would find: every such link contains "://" or "www." (the
// latter in any case).
func mayHaveLink(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	for i := strings.IndexAny(s, "wW"); i >= 0 && i < len(s); {
		if hasPrefixFold(s[i:], "www.") {
			return true
		}
		j := strings.IndexAny(s[i+1:], "wW")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// badLink returns the first link of s that is not allowed.
func badLink(s string, allowed []*url.URL) (string, bool) {
	for i := 0; i < len(s); {
		start, end := nextLink(s, i)
		if start < 0 {
			break
		}
		if l := s[start:end]; !linkAllowed(l, allowed) {
			return l, true
		}
		i = end
	}
	return "", false
}

// htmlViolation reports the first forbidden element or attribute of h, and
// returns the targets of its links.
func htmlViolation(h string) (string, []string) {
	if cssLoads(strings.ToLower(h)) {
		return "HTML loads a resource from CSS", nil
	}
	var hrefs []string
	for i := strings.IndexByte(h, '<'); i >= 0; {
		end := strings.IndexByte(h[i:], '>')
		if end < 0 {
			return "HTML has an unterminated tag", nil
		}
		raw := h[i+1 : i+end]
		tag := strings.ToLower(raw)
		name := strings.TrimPrefix(tag, "/")
		if k := strings.IndexAny(name, " \t\n/"); k >= 0 {
			name = name[:k]
		}
		if !strings.HasPrefix(tag, "!--") && !allowedTags[name] {
			return fmt.Sprintf("HTML uses <%s>; notices carry no images, scripts, forms or embedded content", name), nil
		}
		if strings.Contains(tag, "=") {
			if m := badAttr.FindStringSubmatch(tag); m != nil {
				return fmt.Sprintf("HTML uses the %s attribute; notices load and run nothing", m[1]), nil
			}
			for _, m := range hrefAttr.FindAllStringSubmatch(raw, -1) {
				hrefs = append(hrefs, html.UnescapeString(strings.Trim(m[1], `"'`)))
			}
		}
		next := strings.IndexByte(h[i+end:], '<')
		if next < 0 {
			break
		}
		i += end + next
	}
	return "", hrefs
}

// cssLoads reports whether low, a lower-cased HTML text, loads something
// from CSS.
func cssLoads(low string) bool {
	return strings.Contains(low, "url(") || strings.Contains(low, "@import")
}

// cssLoadsFold is cssLoads(strings.ToLower(s)) without the lower-case
// copy. Lower-casing maps rune to rune and only ASCII letters, U+0130 (to
// i) and the Kelvin sign (to k) become ASCII, so outside U+0130 a match in
// the lower-cased text is an ASCII match ignoring case in s.
func cssLoadsFold(s string) bool {
	if strings.Contains(s, "\u0130") {
		return cssLoads(strings.ToLower(s))
	}
	return containsFoldASCII(s, "url(") || containsFoldASCII(s, "@import")
}

// containsFoldASCII reports whether s holds pat, an ASCII lower-case
// text, with ASCII letters of s in either case. When pat has an octet
// that is not a letter ("(" of "url(", "@" of "@import"), which s must
// hold as it is, the candidates are found by searching for that octet.
func containsFoldASCII(s, pat string) bool {
	k := strings.IndexFunc(pat, func(r rune) bool { return r < 'a' || r > 'z' })
	if k < 0 {
		for i := 0; i+len(pat) <= len(s); i++ {
			if hasPrefixFold(s[i:], pat) {
				return true
			}
		}
		return false
	}
	for from := k; from < len(s); {
		j := strings.IndexByte(s[from:], pat[k])
		if j < 0 {
			return false
		}
		at := from + j - k // where pat would start
		if hasPrefixFold(s[at:], pat) {
			return true
		}
		from += j + 1
	}
	return false
}

// significant reports whether s is long enough to look for in a push
// without matching ordinary words by chance: three characters, or two
// CJK characters.
func significant(s string) bool {
	n, w := 0, false
	for _, r := range s {
		n++
		w = w || wide(r)
	}
	return n >= 3 || (w && n >= 2)
}

// checkOutput reports the first rule r breaks for notice v, or "". spell
// is the locale's spelling of a code for text-to-speech.
func checkOutput(r *Rendered, v *view, spell func(string) string) string {
	var allowed []*url.URL
	for _, s := range []string{v.AnnouncementURL, v.Org.Website} {
		if u, err := parseLink(s); err == nil {
			allowed = append(allowed, u)
		}
	}
	for _, part := range []string{r.Subject, r.Text, html.UnescapeString(r.HTML)} {
		if l, bad := badLink(part, allowed); bad {
			return fmt.Sprintf("link %q is neither the announcement page nor the organisation's website", l)
		}
	}
	if r.HTML != "" {
		if msg := checkHTML(r.HTML, allowed, v.Org.ContactEmail); msg != "" {
			return msg
		}
	}
	if r.Channel == ChannelPush {
		if what := pushLeak(r.Subject, r.Text, privateParts(v)); what != "" {
			return fmt.Sprintf("push notice contains %s; push payloads pass through Apple and Google and carry no personal data or breach details", what)
		}
	}
	return missingIdentifier(r, v, spell)
}

// missingIdentifier reports, or returns "", the identifier that r does not
// show. docs/architecture.md: every notice carries the incident reference and the
// verification code the announcement page confirms, so that a person can
// tell a genuine notice from a copy and quote it when they call; an
// override that drops either is refused. A push, relayed by Apple and
// Google, carries the reference only: the code is the person's own and
// push payloads carry no personal data (privateParts). The e-mail shows
// both in its text and in its HTML part, since a mail program shows one of
// them.
func missingIdentifier(r *Rendered, v *view, spell func(string) string) string {
	ids := []struct{ what, v string }{{"the incident reference", v.Reference}, {"the verification code", v.VerificationCode}}
	if r.Channel == ChannelPush {
		ids = ids[:1]
	}
	for _, id := range ids {
		if !shows(r.Text, id.v, spell, r.Channel == ChannelSMS, false) {
			return fmt.Sprintf("the %s notice does not show %s; every notice carries the incident reference and the verification code (push: the reference)", r.Channel, id.what)
		}
		if r.Channel == ChannelEmail && !shows(r.HTML, id.v, spell, false, true) {
			return fmt.Sprintf("the HTML part of the email notice does not show %s; every notice carries the incident reference and the verification code", id.what)
		}
	}
	return ""
}

// shows reports whether out holds id as written or as spell spells it for
// text-to-speech, in the form the channel writes it: GSM-7 folded in an
// SMS, escaped in HTML. Line breaks and spaces that wrapping and CJK
// spacing add do not count. An empty id is never shown.
func shows(out, id string, spell func(string) string, sms, inHTML bool) bool {
	if id == "" {
		return false
	}
	form := func(s string) string {
		if inHTML {
			return escapeHTMLText(s)
		}
		return s
	}
	if strings.Contains(out, form(id)) {
		return true // the usual case, without further work
	}
	forms := []string{id, spell(id)}
	if sms {
		forms = append(forms, gsmFold.Replace(id), gsmFold.Replace(forms[1]))
	}
	flat := dropSpace(out)
	for _, f := range forms {
		if f = dropSpace(form(f)); f != "" && strings.Contains(flat, f) {
			return true
		}
	}
	return false
}

// dropSpace returns s without any white space.
func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// checkHTML reports the first forbidden element, attribute or link of an
// HTML body, or "".
func checkHTML(h string, allowed []*url.URL, contactEmail string) string {
	msg, hrefs := htmlViolation(h)
	if msg != "" {
		return msg
	}
	for _, href := range hrefs {
		if mail, ok := strings.CutPrefix(strings.ToLower(href), "mailto:"); ok {
			if mail != strings.ToLower(contactEmail) {
				return "HTML links to an e-mail address other than the organisation's contact"
			}
			continue
		}
		if !linkAllowed(href, allowed) {
			return fmt.Sprintf("HTML links to %q, which is neither the announcement page nor the organisation's website", href)
		}
	}
	return ""
}

// private is a value a push notice must not show.
type private struct{ what, v string }

// privateParts lists what a push notice about v must not show.
func privateParts(v *view) []private {
	parts := []private{
		{"the recipient's name", v.Recipient.Name}, {"the child's name", v.Recipient.ChildName},
		{"the incident title", v.Title}, {"the verification code", v.VerificationCode},
	}
	for _, l := range v.Categories {
		parts = append(parts, private{"a data category", l})
	}
	for _, d := range v.Description {
		parts = append(parts, private{"the description", d})
	}
	return parts
}

// pushLeak returns what of parts a push notice shows, or "".
func pushLeak(subject, text string, parts []private) string {
	out := strings.ToLower(subject + "\n" + text)
	for _, p := range parts {
		if significant(p.v) && strings.Contains(out, strings.ToLower(p.v)) {
			return p.what
		}
	}
	return ""
}
