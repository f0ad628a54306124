package twilioapi

import (
	"errors"
	"regexp"
	"strings"

	"github.com/breach-notify/breach/notify"
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

// CodeInvalidNumber is the notify.DeliveryError code of a recipient
// number that is not E.164; nothing was sent.
const CodeInvalidNumber = "invalid-e164"

// Recipient returns the normalised E.164 number of m.To, or a permanent
// *notify.DeliveryError: for a nil message, for an empty number (wrapping
// notify.ErrNoAddress), or for a number that is not E.164
// (CodeInvalidNumber, wrapping ErrInvalidNumber). The errors do not carry
// the number.
func Recipient(m *notify.Message) (string, error) {
	if m == nil {
		return "", notify.Permanent("", "no message", errors.New("nil message"))
	}
	if strings.TrimSpace(m.To) == "" {
		return "", notify.Permanent("", "no phone number", notify.ErrNoAddress)
	}
	to, ok := NormalizeNumber(m.To)
	if !ok {
		return "", notify.Permanent(CodeInvalidNumber, "recipient number is not in E.164 form", ErrInvalidNumber)
	}
	return to, nil
}
