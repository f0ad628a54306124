package webpush

import (
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/breach-notify/breach/notify/push/pushmsg"
)

// KeyPrefix is the configuration key of this sender's section; errors name
// keys under it.
const KeyPrefix = "channels.push.webpush."

// Config configures the Web Push sender. The yaml keys are those of
// channels.push.webpush.
type Config struct {
	// VAPIDPublicKey is the application server's public key, the
	// uncompressed P-256 point in base64url, as `web-push
	// generate-vapid-keys` prints it and as the page passed to
	// pushManager.subscribe({applicationServerKey}).
	VAPIDPublicKey string `yaml:"vapid_public_key"`
	// VAPIDPrivateKeyFile holds the private key: the raw 32-byte scalar in
	// base64url, as `web-push generate-vapid-keys` prints it.
	VAPIDPrivateKeyFile string `yaml:"vapid_private_key_file"`
	// Subject is the contact push services use to reach the sender:
	// "mailto:security@example.org" or an https URL (the VAPID JWT's sub).
	Subject string `yaml:"subject"`
	// TTL is how long the push service keeps a notice for an offline
	// browser (whole seconds; default pushmsg.DefaultTTL).
	TTL time.Duration `yaml:"ttl"`
	// Timeout bounds one request (default pushmsg.DefaultTimeout).
	Timeout time.Duration `yaml:"timeout"`

	// Content sets the link and organisation of the payload (from the
	// channels.push section).
	Content pushmsg.Content `yaml:"-"`
	// HTTPClient, when set, sends the requests (a proxy, a test server's
	// TLS).
	HTTPClient *http.Client `yaml:"-"`
	// Now is the clock (default time.Now).
	Now func() time.Time `yaml:"-"`
}

// Enabled reports whether the section is configured at all: any key set.
func (c Config) Enabled() bool {
	return c.VAPIDPublicKey != "" || c.VAPIDPrivateKeyFile != "" || c.Subject != ""
}

// Validate checks every key without reading the key file; each error names
// its key.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.VAPIDPublicKey) == "" {
		errs = append(errs, errors.New(KeyPrefix+"vapid_public_key: is required"))
	} else if _, err := publicKey(c.VAPIDPublicKey); err != nil {
		errs = append(errs, fmt.Errorf(KeyPrefix+"vapid_public_key: %w", err))
	}
	if strings.TrimSpace(c.VAPIDPrivateKeyFile) == "" {
		errs = append(errs, errors.New(KeyPrefix+"vapid_private_key_file: is required"))
	}
	if err := checkSubject(c.Subject); err != nil {
		errs = append(errs, fmt.Errorf(KeyPrefix+"subject: %w", err))
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

func checkSubject(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("is required (mailto:address or an https URL)")
	case strings.HasPrefix(s, "mailto:"):
		if _, err := mail.ParseAddress(strings.TrimPrefix(s, "mailto:")); err != nil || strings.ContainsAny(s, "<> ") {
			return errors.New("mailto: must be followed by one plain e-mail address")
		}
	case strings.HasPrefix(s, "https://"):
		if u, err := url.Parse(s); err != nil || u.Host == "" {
			return errors.New("must be a valid https URL")
		}
	default:
		return errors.New("must start with mailto: or https://")
	}
	return nil
}

// decodeB64URL decodes base64url with or without padding (web-push prints
// it without), tolerating standard base64 too.
func decodeB64URL(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func publicKey(s string) (*ecdh.PublicKey, error) {
	b, err := decodeB64URL(s)
	if err != nil {
		return nil, errors.New("must be base64url")
	}
	k, err := ecdh.P256().NewPublicKey(b)
	if err != nil {
		return nil, errors.New("must be an uncompressed P-256 public key (65 bytes)")
	}
	return k, nil
}

// privateKey parses the private key file's content and checks that it
// belongs to pub. Errors never quote the content.
func privateKey(content []byte, pub *ecdh.PublicKey) (string, error) {
	s := strings.TrimSpace(string(content))
	b, err := decodeB64URL(s)
	if err != nil || len(b) != 32 {
		return "", errors.New(KeyPrefix + "vapid_private_key_file: must hold the raw 32-byte private key in base64url (as web-push generate-vapid-keys prints it)")
	}
	k, err := ecdh.P256().NewPrivateKey(b)
	if err != nil {
		return "", errors.New(KeyPrefix + "vapid_private_key_file: not a valid P-256 private key")
	}
	if !k.PublicKey().Equal(pub) {
		return "", errors.New(KeyPrefix + "vapid_private_key_file: the key does not match " + KeyPrefix + "vapid_public_key")
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
