package compose

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"
)

// The link rule of the gate. A notice links only to the organisation's own
// site (the rendered notice is checked again for its exact pages); the
// incident's text may not carry a link that rendering would not see as
// one: a bare domain ("brand-verify.example/check", "verify-account.com")
// or a defanged one ("hxxps://evil[.]example", "evil(dot)com"), which
// readers retype or click in clients that link them.

var (
	// obfuscatedLink finds the usual ways of writing a link so that it is
	// not one, in normalized text.
	obfuscatedLink = regexp.MustCompile(`\bh(?:xx|\*\*)ps?\b|\bh(?:xx|\*\*)ps?\[?:|` +
		`[\[({<]\s*(?:\.|dot|punkt|point|punto|点)\s*[\])}>]|` +
		`[\[({]\s*(?::|://|/)\s*[\])}]|` +
		`[\[({]\s*(?:@|at)\s*[\])}]\s*[\p{L}\p{N}][\p{L}\p{N}-]*(?:\.|\s*[\[({]|\s+dot\b)|` +
		`[\p{L}\p{N}]\s*(?:点|。)\s*(?:com|net|org|cn|info|io)\b`)
	// spelledDot finds a dot written as a word between two labels:
	// "evil dot com".
	spelledDot = regexp.MustCompile(`([\p{Latin}\p{N}][\p{Latin}\p{N}-]*)\s+(dot|punkt|point|punto)\s+([a-z]{2,})\b`)
	// hostInText finds a host name, with an optional scheme before it and
	// port and path after it. Labels are Latin, Greek, Cyrillic, Armenian
	// or Cherokee letters and digits, so that Chinese text around a host
	// is not taken into it.
	hostInText = regexp.MustCompile(`(?:([a-z][a-z0-9+.\-]*)://)?` +
		`((?:[\p{Latin}\p{Greek}\p{Cyrillic}\p{Armenian}\p{Cherokee}\p{N}](?:[\p{Latin}\p{Greek}\p{Cyrillic}\p{Armenian}\p{Cherokee}\p{N}\-]*[\p{Latin}\p{Greek}\p{Cyrillic}\p{Armenian}\p{Cherokee}\p{N}])?\.)+` +
		`[\p{Latin}\p{Greek}\p{Cyrillic}\p{Armenian}\p{Cherokee}]{2,63})(:\d+)?(/\S*)?`)
)

// ipLink finds a link to an IP address: with a scheme, a port or a path
// ("http://203.0.113.5/login", "203.0.113.5:8443"); a bare address, as an
// incident may name the attacker's, is no link.
var ipLink = regexp.MustCompile(`(?:[a-z][a-z0-9+.\-]*://\d{1,3}(?:\.\d{1,3}){3}|\d{1,3}(?:\.\d{1,3}){3}(?::\d+|/))\S*`)

// listNumber is the number of a list item written without a space before
// its first word ("1.Storage"), which reads as a host.
var listNumber = regexp.MustCompile(`^\d{1,2}\.[^.]+$`)

// productNames are names of software that read as domains.
var productNames = []string{"asp.net", "ado.net", "vb.net", "ml.net", "socket.io"}

// spelledSuffixes are the suffixes a spelled-out dot may precede: "dot"
// before any of them is a link, the other languages' words ("point de
// vue", "punto es") only before the generic ones.
var (
	spelledSuffixes = []string{"com", "net", "org", "info", "biz", "io", "co", "app", "xyz", "top", "online", "site",
		"shop", "store", "club", "me", "cn", "de", "fr", "es", "uk", "eu", "us", "ru", "example"}
	genericSuffixes = []string{"com", "net", "org", "info", "biz", "io", "app", "xyz", "top", "online", "site", "shop", "cn"}
)

// reservedSuffixes are top-level names that the public suffix list does
// not hold but that name domains in examples and tests (RFC 2606, RFC
// 6761); a bare domain under them counts.
var reservedSuffixes = []string{"example", "test", "invalid", "localhost"}

// ownDomains are the registrable domains (eTLD+1) of the organisation.
type ownDomains []string

// newOwnDomains returns the registrable domains of the hosts, URLs or
// e-mail addresses given; those that name no host are skipped.
func newOwnDomains(names ...string) ownDomains {
	var own ownDomains
	for _, n := range names {
		if d := registrable(hostOf(n)); d != "" && !slices.Contains(own, d) {
			own = append(own, d)
		}
	}
	return own
}

// hostOf returns the host of a URL, e-mail address or host name, in
// folded form.
func hostOf(s string) string {
	s = foldText(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '@'); i >= 0 && !strings.Contains(s, "://") {
		return s[i+1:]
	}
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil {
			return u.Hostname()
		}
		return ""
	}
	if i := strings.IndexAny(s, "/:"); i >= 0 {
		s = s[:i]
	}
	return s
}

// registrable returns the registrable domain of host, or "" if it has
// none.
func registrable(host string) string {
	host = strings.TrimSuffix(host, ".")
	if host == "" || !strings.Contains(host, ".") {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	return d
}

// owns reports whether host belongs to the organisation.
func (own ownDomains) owns(host string) bool {
	return slices.Contains(own, registrable(foldText(host)))
}

// imitates reports whether host, not the organisation's, reads as one of
// its domains once look-alike letters are mapped (a homograph), or digits
// and signs read as letters ("st0re.example").
func (own ownDomains) imitates(host string) bool {
	key := func(h string) string { return leetLetters.Replace(normalizeText(h)) }
	d := registrable(normalizeText(host))
	return d != "" && slices.ContainsFunc(own, func(o string) bool { return key(o) == key(d) })
}

// linkProblem is a link of the incident's text that must not reach a
// notice.
type linkProblem struct {
	link       string
	obfuscated bool
	imitates   bool
	readAs     bool // link is the normalized form, not as written
}

// findLinkProblem returns the first obfuscated link of text, or the first
// link or bare domain that is not the organisation's. folded and
// normalized are foldText(text) and normalizeText(text).
func findLinkProblem(folded, normalized string, own ownDomains) (linkProblem, bool) {
	if mayBeObfuscated(normalized) {
		if loc := obfuscatedLink.FindStringIndex(normalized); loc != nil {
			return linkProblem{link: around(normalized, loc[0], loc[1]), obfuscated: true}, true
		}
	}
	for _, m := range spelledDots(normalized) {
		word, suffix := normalized[m[4]:m[5]], normalized[m[6]:m[7]]
		if (word == "dot" && slices.Contains(spelledSuffixes, suffix)) || slices.Contains(genericSuffixes, suffix) {
			return linkProblem{link: normalized[m[0]:m[1]], obfuscated: true}, true
		}
	}
	if l, ok := foreignHost(folded, "", own); ok {
		return l, true
	}
	if normalized != folded {
		// Look-alike dots and letters that only the skeleton reads as a
		// host: "evilꓸcom", or "storeꓸexample" imitating our own.
		if l, ok := foreignHost(normalized, folded, own); ok {
			l.obfuscated, l.readAs = !l.imitates, true
			return l, true
		}
	}
	return linkProblem{}, false
}

// foreignHost returns the first link, bare domain or IP address link of
// text whose host is not the organisation's. When text is the normalized
// form of folded, a host of the organisation counts only if folded spells
// it the same.
func foreignHost(text, folded string, own ownDomains) (linkProblem, bool) {
	for _, field := range strings.Fields(text) {
		if ip := ipLink.FindString(field); ip != "" {
			return linkProblem{link: strings.TrimRight(ip, ".,;:!?)")}, true
		}
		if !hasInnerDot(field) {
			continue
		}
		for _, m := range hostInText.FindAllStringSubmatchIndex(field, -1) {
			host, link := field[m[4]:m[5]], strings.TrimRight(field[m[0]:m[1]], ".,;:!?)")
			scheme := m[2] >= 0 || strings.HasPrefix(field[:m[4]], "//")
			if !scheme && !startsWord(field, m[4]) {
				continue // part of an e-mail address or of a longer word
			}
			if m[2] >= 0 {
				// The host of a link is what follows a user name
				// ("https://store.example@evil.example").
				full := strings.TrimRight(field[m[0]:], ".,;:!?)")
				u, err := url.Parse(full)
				if err != nil || u.User != nil || u.Hostname() == "" {
					return linkProblem{link: full}, true
				}
				host = u.Hostname()
			}
			linkLike := scheme || m[8] >= 0 || strings.HasPrefix(host, "www.")
			if !linkLike && (!listedSuffix(host) || slices.Contains(productNames, host) || listNumber.MatchString(host)) {
				continue // "e.g", "z.b", "notice.pdf", "asp.net", "1.storage"
			}
			if own.owns(host) && (folded == "" || strings.Contains(folded, host)) {
				continue
			}
			return linkProblem{link: link, imitates: own.imitates(host)}, true
		}
	}
	return linkProblem{}, false
}

// hasInnerDot reports whether a dot in s is followed by a letter, as in a
// host name (a sentence's full stop is not).
func hasInnerDot(s string) bool {
	for i := strings.IndexByte(s, '.'); i >= 0 && i+1 < len(s); {
		if r, _ := utf8.DecodeRuneInString(s[i+1:]); unicode.IsLetter(r) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// mayBeObfuscated reports whether s holds what every match of
// obfuscatedLink holds: a bracket, "hxx", "h**" or a Chinese dot.
func mayBeObfuscated(s string) bool {
	return strings.ContainsAny(s, "[({<点。") || strings.Contains(s, "hxx") || strings.Contains(s, "h**")
}

// spelledDots returns the submatch indexes of spelledDot in s.
func spelledDots(s string) [][]int {
	if !strings.Contains(s, "dot") && !strings.Contains(s, "punkt") && !strings.Contains(s, "point") && !strings.Contains(s, "punto") {
		return nil
	}
	return spelledDot.FindAllStringSubmatchIndex(s, -1)
}

// startsWord reports whether a host at pos stands on its own: not after
// "@" (an e-mail address, checked as such), a dot, a hyphen, a slash or a
// Latin-script letter or digit. A Chinese character may stand right before
// it.
func startsWord(s string, pos int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:pos])
	return pos == 0 || !(strings.ContainsRune("@.-_/", r) || isWordRune(r))
}

// listedSuffix reports whether host ends in a suffix of the public suffix
// list (or a reserved top-level name), so that a bare host counts as a
// domain: "brand-verify.com" does, "e.g" and "notice.pdf" do not.
func listedSuffix(host string) bool {
	suffix, icann := publicsuffix.PublicSuffix(host)
	if icann || strings.Contains(suffix, ".") {
		return true
	}
	return slices.Contains(reservedSuffixes, suffix)
}

// around returns the part of s from start to end, widened to the whole
// words at both ends, for an error message.
func around(s string, start, end int) string {
	isSpace := func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }
	if i := strings.LastIndexFunc(s[:start], isSpace); i >= 0 {
		start = i + 1
	} else {
		start = 0
	}
	if i := strings.IndexFunc(s[end:], isSpace); i >= 0 {
		end += i
	} else {
		end = len(s)
	}
	return shorten(strings.TrimRight(s[start:end], ".,;:!?"), 80)
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
