package apns

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/breach-notify/breach/notify/push/pushmsg"
)

// KeyPrefix is the configuration key of this sender's section; errors name
// keys under it.
const KeyPrefix = "channels.push.apns."

var (
	// appleIDRe matches Apple's key and team identifiers: ten letters or
	// digits.
	appleIDRe = regexp.MustCompile(`^[A-Z0-9]{10}$`)
	// topicRe matches a bundle id, optionally with an APNs topic suffix
	// (.voip, .complication…).
	topicRe = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
)

// Config configures the APNs sender (token-based authentication with a .p8
// signing key). The yaml keys are those of channels.push.apns.
type Config struct {
	// KeyFile is the .p8 signing key Apple issued (PKCS #8 PEM, P-256).
	KeyFile string `yaml:"key_file"`
	// KeyID is the key's ten-character identifier.
	KeyID string `yaml:"key_id"`
	// TeamID is the developer team's ten-character identifier.
	TeamID string `yaml:"team_id"`
	// Topic is the app's bundle id.
	Topic string `yaml:"topic"`
	// Production sends to api.push.apple.com; false sends to the sandbox
	// (development builds of the app).
	Production bool `yaml:"production"`
	// BaseURL replaces Apple's host (tests, a proxy); empty means Apple's.
	BaseURL string `yaml:"base_url"`
	// TTL is how long APNs keeps a notice for an offline device (whole
	// seconds; default pushmsg.DefaultTTL).
	TTL time.Duration `yaml:"ttl"`
	// Timeout bounds one request (default pushmsg.DefaultTimeout).
	Timeout time.Duration `yaml:"timeout"`

	// Content sets the link and organisation of the payload (from the
	// channels.push section).
	Content pushmsg.Content `yaml:"-"`
	// HTTPClient, when set, replaces apns2's HTTP/2 client (a test
	// server's TLS); it must speak HTTP/2.
	HTTPClient *http.Client `yaml:"-"`
	// Now is the clock for the expiration (default time.Now).
	Now func() time.Time `yaml:"-"`
}

// Enabled reports whether the section is configured at all: any key set.
func (c Config) Enabled() bool {
	return c.KeyFile != "" || c.KeyID != "" || c.TeamID != "" || c.Topic != "" || c.BaseURL != ""
}

// Validate checks every key without reading the key file; each error names
// its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf(KeyPrefix+key+": "+format, args...))
	}
	if strings.TrimSpace(c.KeyFile) == "" {
		bad("key_file", "is required (the .p8 key from Apple)")
	}
	switch {
	case c.KeyID == "":
		bad("key_id", "is required")
	case !appleIDRe.MatchString(c.KeyID):
		bad("key_id", "must be the ten-character key id (letters and digits)")
	}
	switch {
	case c.TeamID == "":
		bad("team_id", "is required")
	case !appleIDRe.MatchString(c.TeamID):
		bad("team_id", "must be the ten-character team id (letters and digits)")
	}
	switch {
	case c.Topic == "":
		bad("topic", "is required (the app's bundle id)")
	case !topicRe.MatchString(c.Topic):
		bad("topic", "must be a bundle id such as org.example.app")
	}
	if c.BaseURL != "" {
		if err := pushmsg.CheckBaseURL(KeyPrefix+"base_url", c.BaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	if err := pushmsg.CheckTTL(KeyPrefix+"ttl", c.TTL); err != nil {
		errs = append(errs, err)
	}
	if err := pushmsg.CheckTimeout(KeyPrefix+"timeout", c.Timeout); err != nil {
		errs = append(errs, err)
	}
	if err := c.Content.Validate("channels.push.notice_url"); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
