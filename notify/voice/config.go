package voice

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/internal/twilioapi"
	"github.com/breach-notify/breach/templates"
)

// Defaults applied by New.
const (
	// DefaultTimeout bounds one CreateCall request.
	DefaultTimeout = 15 * time.Second
	// DefaultRatePerSec is Twilio's default outbound call rate for an
	// account (one call per second).
	DefaultRatePerSec = 1.0
)

var (
	// languageRe is a TwiML <Say> language: "en-US", "cmn-CN".
	languageRe = regexp.MustCompile(`^[a-z]{2,3}-[A-Z]{2}$`)
	voiceRe    = regexp.MustCompile(`^[A-Za-z0-9.\-_]{1,64}$`)
)

// Voice is the text-to-speech voice for one locale: the <Say> language
// and voice attributes.
type Voice struct {
	// Language is the <Say> language, e.g. "de-DE".
	Language string `yaml:"language"`
	// Voice is a Twilio voice name, e.g. "Polly.Vicki" or
	// "Google.de-DE-Standard-A"; empty leaves Twilio's default.
	Voice string `yaml:"voice"`
}

// DefaultVoices are the voices of the notice locales (templates.Locales):
// Amazon Polly voices Twilio offers for each language. Twilio's Polly and
// Google voices name Mandarin "cmn-CN" (not "zh-CN").
var DefaultVoices = map[string]Voice{
	"en":    {Language: "en-US", Voice: "Polly.Joanna"},
	"zh-CN": {Language: "cmn-CN", Voice: "Polly.Zhiyu"},
	"de":    {Language: "de-DE", Voice: "Polly.Vicki"},
	"fr":    {Language: "fr-FR", Voice: "Polly.Lea"},
	"es":    {Language: "es-ES", Voice: "Polly.Lucia"},
}

// Config configures the voice channel (Twilio Programmable Voice, Calls
// resource of API 2010-04-01), as the channels.voice section of the
// configuration file. The auth token is not here: New takes it, read from
// auth_token_file by the caller.
type Config struct {
	// AccountSID is the Twilio account ("AC" and 32 hex digits).
	AccountSID string `yaml:"account_sid"`
	// AuthTokenFile names the file holding the account's auth token.
	AuthTokenFile string `yaml:"auth_token_file"`
	// From is the caller id: an E.164 number of the account or a verified
	// outgoing caller id.
	From string `yaml:"from"`
	// BaseURL replaces https://api.twilio.com (tests, regional edges);
	// plain http is allowed to loopback hosts only.
	BaseURL string `yaml:"base_url"`
	// StatusCallback is the absolute URL Twilio posts the call's final
	// status to (completed, busy, no-answer, failed, canceled); optional.
	StatusCallback string `yaml:"status_callback"`
	// RatePerSec is how many calls per second the campaign may start
	// (default 1, Twilio's default for an account).
	RatePerSec float64 `yaml:"rate_per_sec"`
	// Voices overrides DefaultVoices per notice locale ("en", "zh-CN",
	// "de", "fr", "es").
	Voices map[string]Voice `yaml:"-"`
	// Timeout bounds one request to Twilio (default 15s).
	Timeout time.Duration `yaml:"timeout"`
}

// Validate checks every value and returns one error naming each bad key
// (channels.voice.…). It does not read auth_token_file.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// withDefaults returns c with defaults applied, or the problems.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("channels.voice.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	c.AccountSID = strings.TrimSpace(c.AccountSID)
	if err := twilioapi.CheckAccountSID(c.AccountSID); err != nil {
		bad("account_sid", "%v", err)
	}
	c.From = strings.TrimSpace(c.From)
	switch {
	case c.From == "":
		bad("from", "is required")
	case !twilioapi.IsE164(c.From):
		bad("from", "must be an E.164 number such as +15551234567")
	}
	if c.BaseURL != "" {
		if err := twilioapi.CheckURL(c.BaseURL, twilioapi.URLRules{Credentials: true, NoUnderscore: true}); err != nil {
			bad("base_url", "%v", err)
		}
	}
	if c.StatusCallback != "" {
		if err := twilioapi.CheckURL(c.StatusCallback, twilioapi.URLRules{NoUnderscore: true}); err != nil {
			bad("status_callback", "%v", err)
		}
	}
	switch {
	case c.RatePerSec == 0:
		c.RatePerSec = DefaultRatePerSec
	case c.RatePerSec < 0:
		bad("rate_per_sec", "must be above 0, got %g", c.RatePerSec)
	}
	switch {
	case c.Timeout == 0:
		c.Timeout = DefaultTimeout
	case c.Timeout < 0:
		bad("timeout", "must not be negative, got %s", c.Timeout)
	}
	voices := make(map[string]Voice, len(DefaultVoices))
	for k, v := range DefaultVoices {
		voices[k] = v
	}
	keys := make([]string, 0, len(c.Voices))
	for k := range c.Voices {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := c.Voices[k]
		if !slices.Contains(templates.Locales, k) {
			bad("voices."+k, "is not a notice locale (want one of %s)", strings.Join(templates.Locales, ", "))
			continue
		}
		if !languageRe.MatchString(v.Language) {
			bad("voices."+k+".language", "must be a language-REGION code such as de-DE, got %q", v.Language)
		}
		if v.Voice != "" && !voiceRe.MatchString(v.Voice) {
			bad("voices."+k+".voice", "must be a Twilio voice name such as Polly.Vicki")
		}
		voices[k] = v
	}
	c.Voices = voices
	return c, errors.Join(errs...)
}

// checkAuthToken checks the token's characters without printing it.
func checkAuthToken(token string) error {
	if err := twilioapi.CheckAuthToken(token); err != nil {
		return fmt.Errorf("channels.voice.auth_token_file: %w", err)
	}
	return nil
}
