package natsbus

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// The configuration keys (internal/config) of the credential and TLS
// options. Errors about a file name its key, so an operator knows which
// setting to fix.
const (
	SettingCredsFile    = "nats.creds_file"
	SettingNKeySeedFile = "nats.nkey_seed_file"
	SettingTLSCAFile    = "nats.tls.ca_file"
	SettingTLSCertFile  = "nats.tls.cert_file"
	SettingTLSKeyFile   = "nats.tls.key_file"
	SettingURL          = "nats.url"
)

// securityOptions checks the credential and TLS files before the first
// connection attempt, so that a missing or malformed file is reported with
// its setting instead of as a failed handshake, and returns the nats.go
// options that use them. Nothing read from a file (a seed, a key) appears in
// an error.
func (b *Bus) securityOptions() ([]nats.Option, error) {
	o := b.opts
	var opts []nats.Option
	if o.CredsFile != "" && o.NKeySeedFile != "" {
		return nil, fmt.Errorf("set %s or %s, not both", SettingCredsFile, SettingNKeySeedFile)
	}
	if o.CredsFile != "" {
		if err := b.checkSecretFile(SettingCredsFile, o.CredsFile, checkCreds); err != nil {
			return nil, err
		}
		opts = append(opts, nats.UserCredentials(o.CredsFile))
	}
	if o.NKeySeedFile != "" {
		if err := b.checkSecretFile(SettingNKeySeedFile, o.NKeySeedFile, checkUserSeed); err != nil {
			return nil, err
		}
		opt, err := nats.NkeyOptionFromSeed(o.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", SettingNKeySeedFile, o.NKeySeedFile, err)
		}
		opts = append(opts, opt)
	}
	if o.TLSCAFile != "" {
		pem, err := os.ReadFile(o.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", SettingTLSCAFile, err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s %s: no PEM certificate in the file", SettingTLSCAFile, o.TLSCAFile)
		}
		opts = append(opts, nats.RootCAs(o.TLSCAFile))
	}
	switch {
	case o.TLSCertFile != "" && o.TLSKeyFile != "":
		if _, err := tls.LoadX509KeyPair(o.TLSCertFile, o.TLSKeyFile); err != nil {
			// The crypto/tls messages quote neither file's content.
			return nil, fmt.Errorf("%s %s, %s %s: %w", SettingTLSCertFile, o.TLSCertFile, SettingTLSKeyFile, o.TLSKeyFile, err)
		}
		b.warnIfShared(SettingTLSKeyFile, o.TLSKeyFile)
		opts = append(opts, nats.ClientCert(o.TLSCertFile, o.TLSKeyFile))
	case o.TLSCertFile != "" || o.TLSKeyFile != "":
		return nil, fmt.Errorf("set both the TLS client certificate and key files (%s, %s), or neither", SettingTLSCertFile, SettingTLSKeyFile)
	}
	return opts, nil
}

// checkSecretFile reads a file holding a secret, checks it with check and
// wipes the bytes read.
func (b *Bus) checkSecretFile(setting, path string, check func([]byte) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", setting, err)
	}
	defer wipe(data)
	if err := check(data); err != nil {
		return fmt.Errorf("%s %s: %w", setting, path, err)
	}
	b.warnIfShared(setting, path)
	return nil
}

// checkUserSeed accepts a file holding an NKey user seed ("SU..."), bare or
// decorated as nsc writes it.
func checkUserSeed(data []byte) error {
	kp, err := nkeys.ParseDecoratedNKey(data)
	if err != nil {
		return errors.New("no NKey seed in the file (want the line starting with SU that nsc or nk -gen user writes)")
	}
	defer kp.Wipe()
	pub, err := kp.PublicKey()
	if err != nil || !nkeys.IsValidPublicUserKey(pub) {
		return errors.New("the seed is not a user seed (a user seed starts with SU)")
	}
	return nil
}

// checkCreds accepts a NATS credentials file: a user JWT and the seed of the
// same user.
func checkCreds(data []byte) error {
	tok, err := nkeys.ParseDecoratedJWT(data)
	if err != nil {
		return errors.New("no user JWT in the file (want a .creds file as nsc writes it)")
	}
	claims, err := jwt.DecodeUserClaims(tok)
	if err != nil {
		return errors.New("no user JWT in the file (want a .creds file as nsc writes it)")
	}
	kp, err := nkeys.ParseDecoratedUserNKey(data)
	if err != nil {
		return errors.New("no user seed in the file (want a .creds file as nsc writes it)")
	}
	defer kp.Wipe()
	pub, err := kp.PublicKey()
	if err != nil || pub != claims.Subject {
		return errors.New("the seed in the file is not the seed of the user the JWT names")
	}
	return nil
}

// warnIfShared logs a warning when a secret file is readable by other users.
func (b *Bus) warnIfShared(setting, path string) {
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err == nil && fi.Mode().Perm()&0o077 != 0 {
		b.log.WithFields(map[string]any{"setting": setting, "mode": fi.Mode().Perm().String()}).
			Warn("secret file is readable by other users; chmod 600 it")
	}
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 'x'
	}
}

// connectHint explains a failed connection in terms of the settings to
// check, or returns "" when the error says nothing about credentials or
// TLS.
func connectHint(o Options, err error) string {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
	)
	switch {
	case errors.Is(err, nats.ErrAuthExpired), errors.Is(err, nats.ErrAccountAuthExpired):
		if o.CredsFile != "" {
			return fmt.Sprintf(" (the user or account JWT in %s %s has expired)", SettingCredsFile, o.CredsFile)
		}
		return " (the server says the credentials have expired)"
	case errors.Is(err, nats.ErrAuthorization), errors.Is(err, nats.ErrAuthRevoked):
		switch {
		case o.CredsFile != "":
			return fmt.Sprintf(" (the server did not accept the user in %s %s: check that its account is one the server trusts and that it has not expired)", SettingCredsFile, o.CredsFile)
		case o.NKeySeedFile != "":
			return fmt.Sprintf(" (the server did not accept the NKey user of %s %s: check that the server lists its public key)", SettingNKeySeedFile, o.NKeySeedFile)
		case urlHasUser(o.URL):
			return fmt.Sprintf(" (the server did not accept the user and password in %s)", SettingURL)
		default:
			return fmt.Sprintf(" (the server wants credentials: set %s or %s)", SettingCredsFile, SettingNKeySeedFile)
		}
	case errors.As(err, &hostname):
		return fmt.Sprintf(" (the server's certificate does not name the host in %s)", SettingURL)
	case errors.As(err, &unknownCA), errors.As(err, &invalid), errors.As(err, &verify):
		if o.TLSCAFile == "" {
			return fmt.Sprintf(" (the server's certificate is not signed by a system CA: set %s to the CA that signed it)", SettingTLSCAFile)
		}
		return fmt.Sprintf(" (the server's certificate is not signed by a CA in %s %s)", SettingTLSCAFile, o.TLSCAFile)
	case isClientCertRefused(err):
		if o.TLSCertFile == "" {
			return fmt.Sprintf(" (the server wants a client certificate: set %s and %s)", SettingTLSCertFile, SettingTLSKeyFile)
		}
		return fmt.Sprintf(" (the server refused the client certificate in %s %s)", SettingTLSCertFile, o.TLSCertFile)
	case strings.Contains(err.Error(), "closed by remote after TLS handshake"):
		// Under TLS 1.3 the server checks the client certificate after the
		// handshake and hangs up; its alert is usually lost.
		if o.TLSCertFile == "" {
			return fmt.Sprintf(" (the server probably wants a client certificate: set %s and %s)", SettingTLSCertFile, SettingTLSKeyFile)
		}
		return fmt.Sprintf(" (the server probably refused the client certificate in %s %s: check that a CA the server trusts signed it)", SettingTLSCertFile, o.TLSCertFile)
	case errors.Is(err, nats.ErrSecureConnRequired):
		return fmt.Sprintf(" (the server requires TLS: set %s)", SettingTLSCAFile)
	}
	return ""
}

// isClientCertRefused reports whether err is the TLS alert a server sends
// when it wants a client certificate or does not trust the one it got.
func isClientCertRefused(err error) bool {
	var alert tls.AlertError
	if errors.As(err, &alert) {
		// 42 bad_certificate, 46 certificate_unknown, 48 unknown_ca,
		// 116 certificate_required.
		switch alert {
		case 42, 46, 48, 116:
			return true
		}
	}
	s := err.Error()
	return strings.Contains(s, "tls: certificate required") || strings.Contains(s, "tls: bad certificate") ||
		strings.Contains(s, "tls: unknown certificate authority")
}

func urlHasUser(urls string) bool {
	for _, s := range splitURLs(urls) {
		if u, err := url.Parse(s); err == nil && u.User != nil {
			return true
		}
	}
	return false
}
