package sms

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/breach-notify/breach/internal/config"
)

// Defaults and limits applied by New.
const (
	// DefaultTimeout bounds one CreateMessage request (connect, send,
	// reply) when Config.Timeout is zero.
	DefaultTimeout = 15 * time.Second
	// MaxValidityPeriod is the longest queue time Twilio accepts (error
	// 21624 beyond it).
	MaxValidityPeriod = 10 * time.Hour
)

var (
	accountSIDRe = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	serviceSIDRe = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
	alnumRe      = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	// e164Re is ITU-T E.164: "+", a country code not starting with 0, at
	// most 15 digits in all (7 at least: the shortest numbering plans).
	e164Re = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	// shortCodeRe is a carrier short code used as a sender.
	shortCodeRe = regexp.MustCompile(`^[0-9]{3,8}$`)
	// senderIDRe is an alphanumeric sender ID: up to 11 letters, digits
	// or spaces with at least one letter.
	senderIDRe = regexp.MustCompile(`^[A-Za-z0-9 ]{1,11}$`)
	hasLetter  = regexp.MustCompile(`[A-Za-z]`)
)

// Config configures the SMS channel, sent through the Twilio Programmable
// Messaging API (Messages resource, API version 2010-04-01). Error
// messages name the configuration keys (channels.sms.…) of
// internal/config and never carry the auth token.
type Config struct {
	// AccountSID is the Twilio account ("AC" and 32 hex digits).
	AccountSID string
	// AuthToken is the account's auth token (letters and digits).
	AuthToken config.Secret
	// From is the sender: an E.164 number of the account, a short code or
	// an alphanumeric sender ID (up to 11 characters, where the
	// destination country allows them).
	From string
	// MessagingServiceSID ("MG" and 32 hex digits) sends through a
	// Messaging Service, which picks the sender from its pool and queues
	// excess traffic; an alternative to From (with both, From must belong
	// to the service's pool).
	MessagingServiceSID string
	// StatusCallback is the absolute URL Twilio posts delivery reports to
	// (queued, sent, delivered, undelivered, failed); optional.
	StatusCallback string
	// ValidityPeriod drops a message still queued at Twilio after this
	// long (whole seconds, 1s to 10h); zero keeps Twilio's default (10h).
	ValidityPeriod time.Duration
	// BaseURL replaces https://api.twilio.com (scheme, host and an
	// optional path prefix); "" means Twilio. Tests point it at an
	// httptest server; plain http is refused except on loopback.
	BaseURL string
	// Timeout bounds one request to Twilio, from connecting to reading
	// the reply (default 15s).
	Timeout time.Duration
	// HTTPClient, when set, supplies the transport (its Transport, or
	// http.DefaultTransport when that is nil), e.g. for a proxy or a test
	// server's TLS; its Timeout, CheckRedirect and Jar are not used.
	HTTPClient *http.Client
}

// withDefaults returns cfg with defaults applied and every value checked.
// Errors name the configuration key; they never carry the token.
func (cfg Config) withDefaults() (Config, error) {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("channels.sms.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	cfg.AccountSID = strings.TrimSpace(cfg.AccountSID)
	switch {
	case cfg.AccountSID == "":
		bad("account_sid", "is required")
	case !accountSIDRe.MatchString(cfg.AccountSID):
		bad("account_sid", "must be AC followed by 32 hexadecimal digits")
	}
	switch {
	case !cfg.AuthToken.IsSet():
		bad("auth_token_file", "is required")
	case !alnumRe.MatchString(cfg.AuthToken.Reveal()):
		// The twilio client refuses such a token (code 21224) on every
		// request; say so now. Never print it.
		bad("auth_token_file", "must hold letters and digits only (check for stray whitespace or quotes)")
	}
	cfg.From = strings.TrimSpace(cfg.From)
	cfg.MessagingServiceSID = strings.TrimSpace(cfg.MessagingServiceSID)
	if cfg.From == "" && cfg.MessagingServiceSID == "" {
		bad("from", "is required unless channels.sms.messaging_service_sid is set")
	}
	if cfg.From != "" && !validSender(cfg.From) {
		bad("from", "must be an E.164 number (+15551234567), a short code or an alphanumeric sender ID of at most 11 characters")
	}
	if cfg.MessagingServiceSID != "" && !serviceSIDRe.MatchString(cfg.MessagingServiceSID) {
		bad("messaging_service_sid", "must be MG followed by 32 hexadecimal digits")
	}
	if cfg.StatusCallback != "" {
		if err := checkURL(cfg.StatusCallback, false); err != nil {
			bad("status_callback", "%v", err)
		}
	}
	switch {
	case cfg.ValidityPeriod == 0:
	case cfg.ValidityPeriod < time.Second || cfg.ValidityPeriod > MaxValidityPeriod:
		bad("validity_period", "must be between 1s and 10h, got %s", cfg.ValidityPeriod)
	case cfg.ValidityPeriod%time.Second != 0:
		bad("validity_period", "must be whole seconds, got %s", cfg.ValidityPeriod)
	}
	if cfg.BaseURL != "" {
		if err := checkURL(cfg.BaseURL, true); err != nil {
			bad("base_url", "%v", err)
		}
	}
	switch {
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	case cfg.Timeout < 0:
		bad("timeout", "must not be negative, got %s", cfg.Timeout)
	}
	return cfg, errors.Join(errs...)
}

// validSender reports whether s can be a Twilio sender.
func validSender(s string) bool {
	switch {
	case strings.HasPrefix(s, "+"):
		return e164Re.MatchString(s)
	case shortCodeRe.MatchString(s):
		return true
	default:
		return senderIDRe.MatchString(s) && hasLetter.MatchString(s) && strings.TrimSpace(s) == s
	}
}

// checkURL checks an absolute http(s) URL. With credentials set, plain
// http is allowed to loopback hosts only: the auth token travels in every
// request.
func checkURL(raw string, credentials bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("must be an absolute http or https URL")
	}
	if u.User != nil {
		return errors.New("must not carry a user name or password")
	}
	if u.RawQuery != "" && credentials {
		return errors.New("must not have a query")
	}
	if credentials && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return errors.New("http would send the auth token in clear text to a remote host; use https")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// normalizeNumber strips the visual separators people type in phone
// numbers (spaces, dashes, dots, parentheses) and reports whether what
// remains is E.164.
func normalizeNumber(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')', '\u00a0':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	return s, e164Re.MatchString(s)
}
