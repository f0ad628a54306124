package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/breach-notify/breach/internal/netaddr"
	"github.com/breach-notify/breach/notify/verify"
)

// Secret holds a password, token or key. It prints, logs and marshals as
// <secret>; only Reveal gives the value. The value sits behind a pointer so
// that even fmt's %+v of a struct holding a Secret in an unexported field
// (where fmt cannot call Format) prints an address, never the value.
type Secret struct{ v *string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: &s} }

// Reveal returns the secret value.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s.Reveal() != "" }

const masked = "<secret>"

func (s Secret) String() string   { return masked }
func (s Secret) GoString() string { return masked }

// Format makes every fmt verb print <secret>.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(masked)) }

// MarshalJSON writes "<secret>".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + masked + `"`), nil }

// MarshalYAML writes <secret>.
func (s Secret) MarshalYAML() (any, error) { return masked, nil }

var _ yaml.Marshaler = Secret{}

// readSecret returns the secret in the file at path when path is set, else
// in the environment variable env when set, else an unset Secret. Errors
// name the file, never the content, and no key: Config.Secret adds it with
// where it was set.
func readSecret(path, env string) (Secret, error) {
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Secret{}, fmt.Errorf("read secret file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return Secret{}, fmt.Errorf("secret file %s is empty", path)
		}
		return NewSecret(v), nil
	}
	if env != "" {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			return NewSecret(v), nil
		}
	}
	return Secret{}, nil
}

// Environment variables that hold a secret when its file setting is empty.
const (
	EnvAPIToken        = "BREACH_API_TOKEN"
	EnvStoreDSN        = "BREACH_STORE_DSN"
	EnvNoticeKey       = "BREACH_NOTICE_KEY"
	EnvSMTPPassword    = "BREACH_SMTP_PASSWORD"
	EnvTwilioAuthToken = "BREACH_TWILIO_AUTH_TOKEN"
)

// SecretSetting is a setting that names a secret: a file, or else an
// environment variable.
type SecretSetting struct {
	Key  string // dotted key of the file setting, e.g. "http.api_token_file"
	File string // the configured path; "" when not set
	Env  string // the variable read when File is ""; "" when there is none
}

// SecretSettings lists every secret the configuration can name, in a fixed
// order.
func (c Config) SecretSettings() []SecretSetting {
	return []SecretSetting{
		{"http.api_token_file", c.HTTP.APITokenFile, EnvAPIToken},
		{"store.dsn_file", c.Store.DSNFile, EnvStoreDSN},
		{"secrets.notice_key_file", c.Secrets.NoticeKeyFile, EnvNoticeKey},
		{"nats.creds_file", c.NATS.CredsFile, ""},
		{"nats.nkey_seed_file", c.NATS.NKeySeedFile, ""},
		{"nats.tls.key_file", c.NATS.TLS.KeyFile, ""},
		{"http.tls.key_file", c.HTTP.TLS.KeyFile, ""},
		{"channels.email.smtp.password_file", c.Channels.Email.SMTP.PasswordFile, EnvSMTPPassword},
		{"channels.email.dkim.key_file", c.Channels.Email.DKIM.KeyFile, ""},
		{"channels.sms.auth_token_file", c.Channels.SMS.AuthTokenFile, EnvTwilioAuthToken},
		{"channels.voice.auth_token_file", c.Channels.Voice.AuthTokenFile, EnvTwilioAuthToken},
		{"channels.push.webpush.vapid_private_key_file", c.Channels.Push.WebPush.VAPIDPrivateKeyFile, ""},
		{"channels.push.fcm.credentials_file", c.Channels.Push.FCM.CredentialsFile, ""},
		{"channels.push.apns.key_file", c.Channels.Push.APNs.KeyFile, ""},
	}
}

// Secret reads the secret of one setting of SecretSettings (its file, or
// else its environment variable), as serve does; an error names the key
// and where it was set. Unset is not an error: the returned Secret is
// empty.
func (c Config) Secret(key string) (Secret, error) {
	for _, set := range c.SecretSettings() {
		if set.Key != key {
			continue
		}
		v, err := readSecret(set.File, set.Env)
		if err != nil {
			return Secret{}, c.origin.keyError(key, nil, err.Error())
		}
		return v, nil
	}
	return Secret{}, fmt.Errorf("config %s: not a secret setting", key)
}

// SecretState is what CheckSecrets found for one setting.
type SecretState struct {
	SecretSetting
	// Value is the secret read; it prints as <secret> and is unset when
	// neither the file nor the variable gives one.
	Value Secret
}

// String prints the state without the value: "<secret>", "<secret> (from
// BREACH_X)" or "(not set)".
func (s SecretState) String() string {
	switch {
	case !s.Value.IsSet():
		return "(not set)"
	case s.File == "":
		return masked + " (from " + s.Env + ")"
	}
	return masked
}

// CheckSecrets reads every secret setting as serve would, so check-config
// finds an unreadable or empty file before serve does; each error names the
// key and where it was set. It also checks what serve requires of the
// secrets read: a notice key of verify.MinSecretBytes or more, and an API
// token when http.addr is not a loopback address.
func (c Config) CheckSecrets() ([]SecretState, error) {
	var states []SecretState
	var errs []error
	for _, set := range c.SecretSettings() {
		v, err := readSecret(set.File, set.Env)
		if err != nil {
			errs = append(errs, c.origin.keyError(set.Key, nil, err.Error()))
		}
		states = append(states, SecretState{SecretSetting: set, Value: v})
	}
	for _, s := range states {
		switch {
		case s.Key == "secrets.notice_key_file" && s.Value.IsSet() && len(s.Value.Reveal()) < verify.MinSecretBytes:
			errs = append(errs, c.origin.keyError(s.Key, nil, fmt.Sprintf("the key must be at least %d bytes", verify.MinSecretBytes)))
		case s.Key == "http.api_token_file" && !s.Value.IsSet() && !LoopbackAddr(c.HTTP.Addr):
			errs = append(errs, c.origin.keyError("http.addr", nil, fmt.Sprintf(
				"%q is not a loopback address; set http.api_token_file (or %s) to serve the API beyond this machine", c.HTTP.Addr, EnvAPIToken)))
		}
	}
	return states, errors.Join(errs...)
}

// LoopbackAddr reports whether addr (host:port) listens on this machine
// only.
func LoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && netaddr.IsLoopback(host)
}

// RedactURLs replaces the user information (user name and password) of
// each URL of a comma-separated list with <secret>, so that a password never
// reaches an error message, a log line or check-config's output:
// "nats://svc:pw@n1:4222,nats://n2:4222" → "nats://<secret>@n1:4222,nats://n2:4222".
// It does not parse the URLs, so a malformed one is redacted too.
func RedactURLs(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		start := 0
		if j := strings.Index(p, "://"); j >= 0 {
			start = j + len("://")
		}
		end := len(p)
		if j := strings.IndexAny(p[start:], "/?#"); j >= 0 {
			end = start + j
		}
		if at := strings.LastIndex(p[start:end], "@"); at >= 0 {
			parts[i] = p[:start] + masked + p[start+at:]
		}
	}
	return strings.Join(parts, ",")
}

// YAML renders the effective configuration for check-config, with the user
// information of every URL setting shown as <secret>. Secret files are
// shown by path; CheckSecrets reads them.
func (c Config) YAML() ([]byte, error) {
	c.NATS.URL = RedactURLs(c.NATS.URL)
	c.Campaign.AnnouncementURL = RedactURLs(c.Campaign.AnnouncementURL)
	c.Channels.SMS.BaseURL = RedactURLs(c.Channels.SMS.BaseURL)
	c.Channels.SMS.StatusCallback = RedactURLs(c.Channels.SMS.StatusCallback)
	c.Channels.Voice.BaseURL = RedactURLs(c.Channels.Voice.BaseURL)
	c.Channels.Voice.StatusCallback = RedactURLs(c.Channels.Voice.StatusCallback)
	c.Channels.Push.FCM.BaseURL = RedactURLs(c.Channels.Push.FCM.BaseURL)
	c.Channels.Push.FCM.TokenURL = RedactURLs(c.Channels.Push.FCM.TokenURL)
	c.Channels.Push.APNs.BaseURL = RedactURLs(c.Channels.Push.APNs.BaseURL)
	return yaml.Marshal(c)
}
