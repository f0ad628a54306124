package twilioapi

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/breach-notify/breach/internal/netaddr"
)

var (
	accountSIDRe = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	alnumRe      = regexp.MustCompile(`^[A-Za-z0-9]+$`)
)

// CheckAccountSID checks a Twilio account SID ("AC" and 32 hexadecimal
// digits). The error is a phrase for the caller to prefix with its
// configuration key.
func CheckAccountSID(sid string) error {
	switch {
	case sid == "":
		return errors.New("is required")
	case !accountSIDRe.MatchString(sid):
		return errors.New("must be AC followed by 32 hexadecimal digits")
	}
	return nil
}

// CheckAuthToken checks an auth token's characters without printing it:
// twilio-go refuses a token that is not letters and digits (code 21224) on
// every request. The error is a phrase for the caller to prefix with its
// configuration key.
func CheckAuthToken(token string) error {
	switch {
	case token == "":
		return errors.New("is required")
	case !alnumRe.MatchString(token):
		return errors.New("must hold letters and digits only (check for stray whitespace or quotes)")
	}
	return nil
}

// URLRules says what CheckURL demands beyond an absolute http(s) URL
// without user information.
type URLRules struct {
	// Credentials: the auth token travels to this URL (a base URL), so
	// it must have no query, and plain http is allowed to loopback hosts
	// only.
	Credentials bool
	// NoUnderscore refuses a host name with an underscore, which Twilio
	// refuses in the callback URLs it posts to.
	NoUnderscore bool
}

// CheckURL checks raw against rules. The error is a phrase for the caller
// to prefix with its configuration key; it does not repeat the URL.
func CheckURL(raw string, rules URLRules) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("must be an absolute http or https URL")
	}
	if u.User != nil {
		return errors.New("must not carry a user name or password")
	}
	if rules.NoUnderscore && strings.Contains(u.Hostname(), "_") {
		return errors.New("host name must not contain an underscore (Twilio refuses it)")
	}
	if rules.Credentials && u.RawQuery != "" {
		return errors.New("must not have a query")
	}
	if rules.Credentials && u.Scheme == "http" && !netaddr.IsLoopback(u.Hostname()) {
		return errors.New("http would send the auth token in clear text to a remote host; use https")
	}
	return nil
}
