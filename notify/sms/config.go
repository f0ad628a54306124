package sms

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/twilioapi"
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
	serviceSIDRe = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
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
	// RatePerSec paces the requests to Twilio: at most this many SMS in
	// any second, evenly spaced (a token bucket of one), waited for just
	// before each request so that the work before it (ledger, rendering)
	// cannot bunch sends together. Zero: not paced. Each Notifier (each
	// replica of the service) paces its own sends.
	RatePerSec float64
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
	if cfg.RatePerSec < 0 || math.IsNaN(cfg.RatePerSec) || math.IsInf(cfg.RatePerSec, 0) {
		bad("rate_per_sec", "must be above 0, got %g", cfg.RatePerSec)
	}
	cfg.AccountSID = strings.TrimSpace(cfg.AccountSID)
	if err := twilioapi.CheckAccountSID(cfg.AccountSID); err != nil {
		bad("account_sid", "%v", err)
	}
	if err := twilioapi.CheckAuthToken(cfg.AuthToken.Reveal()); err != nil {
		bad("auth_token_file", "%v", err)
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
		if err := twilioapi.CheckURL(cfg.StatusCallback, twilioapi.URLRules{}); err != nil {
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
		if err := twilioapi.CheckURL(cfg.BaseURL, twilioapi.URLRules{Credentials: true}); err != nil {
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
		return twilioapi.IsE164(s)
	case shortCodeRe.MatchString(s):
		return true
	default:
		return senderIDRe.MatchString(s) && hasLetter.MatchString(s) && strings.TrimSpace(s) == s
	}
}
