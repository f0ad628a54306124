package fcm

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
const KeyPrefix = "channels.push.fcm."

// DefaultBaseURL is FCM's API host.
const DefaultBaseURL = "https://fcm.googleapis.com"

// Scope is the OAuth2 scope that allows sending with FCM HTTP v1.
const Scope = "https://www.googleapis.com/auth/firebase.messaging"

// projectIDRe matches a Google Cloud project id: 6 to 30 lower-case
// letters, digits and hyphens, starting with a letter.
var projectIDRe = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)

// Config configures the FCM sender. The yaml keys are those of
// channels.push.fcm.
type Config struct {
	// CredentialsFile is the service account's JSON key as the Firebase
	// console ("Service accounts", "Generate new private key") downloads
	// it; the account needs the Firebase Cloud Messaging API Admin role.
	CredentialsFile string `yaml:"credentials_file"`
	// ProjectID is the Firebase project that the app's registration tokens
	// belong to.
	ProjectID string `yaml:"project_id"`
	// BaseURL replaces https://fcm.googleapis.com (tests, a regional or
	// private endpoint); the path /v1/projects/… is appended.
	BaseURL string `yaml:"base_url"`
	// TokenURL replaces the OAuth2 token endpoint of the credentials file
	// (its token_uri); for tests.
	TokenURL string `yaml:"token_url"`
	// TTL is how long FCM keeps a notice for an offline device (whole
	// seconds; default pushmsg.DefaultTTL).
	TTL time.Duration `yaml:"ttl"`
	// Timeout bounds one request, token fetches included (default
	// pushmsg.DefaultTimeout).
	Timeout time.Duration `yaml:"timeout"`

	// Content sets the link and organisation of the payload (from the
	// channels.push section).
	Content pushmsg.Content `yaml:"-"`
	// HTTPClient, when set, supplies the transport for FCM and the token
	// endpoint (a proxy, a test server's TLS).
	HTTPClient *http.Client `yaml:"-"`
	// Now is the clock (default time.Now).
	Now func() time.Time `yaml:"-"`
}

// Enabled reports whether the section is configured at all: any key set.
func (c Config) Enabled() bool {
	return c.CredentialsFile != "" || c.ProjectID != "" || c.BaseURL != "" || c.TokenURL != ""
}

// Validate checks every key without reading the credentials file; each
// error names its key.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.CredentialsFile) == "" {
		errs = append(errs, errors.New(KeyPrefix+"credentials_file: is required (the service account JSON key)"))
	}
	switch {
	case c.ProjectID == "":
		errs = append(errs, errors.New(KeyPrefix+"project_id: is required"))
	case !projectIDRe.MatchString(c.ProjectID):
		errs = append(errs, errors.New(KeyPrefix+"project_id: must be a project id (6 to 30 lower-case letters, digits and hyphens)"))
	}
	for _, u := range []struct{ key, v string }{{"base_url", c.BaseURL}, {"token_url", c.TokenURL}} {
		if u.v != "" {
			if err := pushmsg.CheckBaseURL(KeyPrefix+u.key, u.v); err != nil {
				errs = append(errs, err)
			}
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

// durationJSON writes d as a protobuf Duration in JSON ("86400s").
func durationJSON(d time.Duration) string { return fmt.Sprintf("%ds", int64(d/time.Second)) }
