package twilioapi

import (
	"regexp"
	"strings"
)

// e164Re is ITU-T E.164: "+", a country code not starting with 0, at most
// 15 digits in all (7 at least: the shortest numbering plans).
var e164Re = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// IsE164 reports whether s is an E.164 number such as +15551234567.
func IsE164(s string) bool { return e164Re.MatchString(s) }

// NormalizeNumber strips the visual separators people type in phone
// numbers (spaces, no-break spaces, dashes, dots, parentheses) and reports
// whether what remains is E.164.
func NormalizeNumber(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')', '\u00a0':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	return s, IsE164(s)
}
