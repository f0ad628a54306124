package email

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/netaddr"
)

// TLS modes of Config.TLS.
const (
	TLSNone     = "none"     // plain SMTP (loopback relays only when authenticating)
	TLSStartTLS = "starttls" // STARTTLS required (submission, port 587)
	TLSImplicit = "implicit" // TLS from the first byte (port 465)
)

// Defaults applied by New to zero fields.
const (
	DefaultConnections = 4
	DefaultTimeout     = 30 * time.Second
	DefaultIdleTimeout = 30 * time.Second
)

// Config configures the e-mail channel. Error messages name the
// configuration keys (channels.email.…) of internal/config.
type Config struct {
	// Host and Port are the submission server; Port 0 means 587 for
	// starttls, 465 for implicit and 25 for none.
	Host string
	Port int
	// TLS is none, starttls (the default when empty) or implicit.
	TLS string
	// Username and Password authenticate with AUTH PLAIN (or LOGIN, see
	// AuthMechanism) when Username is set.
	Username string
	Password config.Secret
	// AuthMechanism is "plain" (default) or "login".
	AuthMechanism string
	// From is the sender, "Name <notices@example.org>" or a bare address;
	// its domain names the Message-IDs. ReplyTo is optional.
	From, ReplyTo string
	// Connections is the size of the connection pool (default 4): at most
	// this many SMTP connections are open, each carrying many messages.
	Connections int
	// RatePerSec is not used here: the campaign engine rate-limits.
	RatePerSec float64
	// Timeout bounds dialling and every SMTP command (default 30s).
	Timeout time.Duration
	// IdleTimeout closes a pooled connection idle for longer, before the
	// server or a NAT drops it silently (default 30s).
	IdleTimeout time.Duration
	// DKIM, when set, signs every message (relaxed/relaxed).
	DKIM *DKIMConfig
	// HeloName is the EHLO name (default: the host name).
	HeloName string
	// RootCAs verifies the server certificate (nil: the system roots).
	RootCAs *x509.CertPool
	// InsecureSkipVerify skips certificate verification. Tests only.
	InsecureSkipVerify bool
}

// DKIMConfig configures DKIM signing.
type DKIMConfig struct {
	Domain, Selector string
	// KeyPEM is an RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) private key.
	KeyPEM []byte
}

// dkimKey is a parsed DKIMConfig.
type dkimKey struct {
	domain, selector string
	signer           crypto.Signer
}

// withDefaults returns cfg with defaults applied and every value checked.
// Errors name the configuration key and never carry the password, the
// key or an address.
func (cfg Config) withDefaults() (Config, error) {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("channels.email.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	cfg.Host = strings.TrimSpace(cfg.Host)
	if cfg.Host == "" {
		bad("smtp.host", "is required")
	} else if strings.ContainsAny(cfg.Host, " \t\r\n/") {
		bad("smtp.host", "%q is not a host name or IP address", cfg.Host)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		bad("smtp.tls", "%q is not one of none, starttls, implicit", cfg.TLS)
	}
	if cfg.Port == 0 {
		switch cfg.TLS {
		case TLSImplicit:
			cfg.Port = 465
		case TLSNone:
			cfg.Port = 25
		default:
			cfg.Port = 587
		}
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		bad("smtp.port", "must be 1 to 65535, got %d", cfg.Port)
	}
	switch {
	case cfg.Username != "" && !cfg.Password.IsSet():
		bad("smtp.password_file", "is required when channels.email.smtp.username is set")
	case cfg.Username == "" && cfg.Password.IsSet():
		bad("smtp.username", "is required when a password is set")
	case cfg.Username != "" && cfg.TLS == TLSNone && !netaddr.IsLoopback(cfg.Host):
		bad("smtp.tls", "none would send the password in clear text to a remote server; use starttls or implicit")
	}
	switch strings.ToLower(cfg.AuthMechanism) {
	case "", "plain":
		cfg.AuthMechanism = "plain"
	case "login":
		cfg.AuthMechanism = "login"
	default:
		bad("smtp.auth_mechanism", "%q is not one of plain, login", cfg.AuthMechanism)
	}
	if _, err := parseAddress(cfg.From); err != nil {
		bad("from", "%v (want notices@example.org or \"Name <notices@example.org>\")", err)
	}
	if cfg.ReplyTo != "" {
		if _, err := parseAddress(cfg.ReplyTo); err != nil {
			bad("reply_to", "%v", err)
		}
	}
	switch {
	case cfg.Connections == 0:
		cfg.Connections = DefaultConnections
	case cfg.Connections < 0 || cfg.Connections > 256:
		bad("connections", "must be 1 to 256, got %d", cfg.Connections)
	}
	switch {
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	case cfg.Timeout < 0:
		bad("timeout", "must not be negative, got %s", cfg.Timeout)
	}
	switch {
	case cfg.IdleTimeout == 0:
		cfg.IdleTimeout = DefaultIdleTimeout
	case cfg.IdleTimeout < 0:
		bad("idle_timeout", "must not be negative, got %s", cfg.IdleTimeout)
	}
	if cfg.HeloName != "" && (strings.ContainsAny(cfg.HeloName, " \t\r\n") || len(cfg.HeloName) > 255) {
		bad("helo_name", "%q is not a host name", cfg.HeloName)
	}
	if cfg.DKIM != nil {
		if _, err := cfg.DKIM.parse(); err != nil {
			errs = append(errs, err)
		}
	}
	return cfg, errors.Join(errs...)
}

// parse checks a DKIM configuration and parses its key. Errors never
// include key material.
func (d *DKIMConfig) parse() (*dkimKey, error) {
	if d == nil {
		return nil, nil
	}
	var errs []error
	if d.Domain == "" || strings.ContainsAny(d.Domain, " \t\r\n;=") {
		errs = append(errs, errors.New("channels.email.dkim.domain: is required and must be a domain name"))
	}
	if d.Selector == "" || strings.ContainsAny(d.Selector, " \t\r\n;=") {
		errs = append(errs, errors.New("channels.email.dkim.selector: is required and must be a DNS label"))
	}
	signer, err := gomail.PrivKeyFromPEM(d.KeyPEM)
	if err != nil {
		errs = append(errs, errors.New("channels.email.dkim.key_file: is not an RSA or Ed25519 private key in PEM form"))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &dkimKey{domain: strings.ToLower(d.Domain), selector: d.Selector, signer: signer}, nil
}

// parseAddress parses a sender address; the error does not repeat it.
func parseAddress(s string) (*netmail.Address, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("is required")
	}
	if hasControl(s) {
		return nil, errors.New("contains control characters")
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, errors.New("is not a valid e-mail address")
	}
	if _, domain, ok := strings.Cut(a.Address, "@"); !ok || domain == "" {
		return nil, errors.New("has no domain")
	}
	return a, nil
}
