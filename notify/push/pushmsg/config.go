package pushmsg

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/breach-notify/breach/internal/netaddr"
)

// DefaultTimeout bounds one request to a push service when a sender's
// timeout is not set.
const DefaultTimeout = 15 * time.Second

// CheckBaseURL checks a provider base URL setting: absolute https, or plain
// http to a loopback host (a test fake), no user information, query or
// fragment. key names the setting in the error.
func CheckBaseURL(key, raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return errors.New(key + ": must be an absolute https URL")
	case u.User != nil:
		return errors.New(key + ": must not carry a user name or password")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New(key + ": must not have a query or fragment")
	case u.Scheme == "http" && !netaddr.IsLoopback(u.Hostname()):
		return errors.New(key + ": http would send credentials in clear text to a remote host; use https")
	}
	return nil
}

// ReadSecretFile reads the key or credentials file of setting key. Errors
// name the key and the path, never the content.
func ReadSecretFile(key, path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: read %s: %w", key, path, err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, fmt.Errorf("%s: %s is empty", key, path)
	}
	return b, nil
}

// CheckTTL checks a ttl setting (zero means DefaultTTL).
func CheckTTL(key string, ttl time.Duration) error {
	if ttl < 0 || ttl > MaxTTL || ttl%time.Second != 0 {
		return fmt.Errorf("%s: must be whole seconds between 0 (default %s) and %s, got %s", key, DefaultTTL, MaxTTL, ttl)
	}
	return nil
}

// CheckTimeout checks a timeout setting (zero means DefaultTimeout).
func CheckTimeout(key string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("%s: must not be negative, got %s", key, d)
	}
	return nil
}

// MaxIdleConnsPerHost is how many idle connections a sender keeps per push
// service host: enough for the campaign worker's concurrent sends, so that
// no TLS handshake is repeated per push (net/http's default keeps two).
const MaxIdleConnsPerHost = 32

// Transport returns the HTTP transport a sender uses when none is
// configured: net/http's default one with MaxIdleConnsPerHost idle
// connections per host.
func Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	return t
}
