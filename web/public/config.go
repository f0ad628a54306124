package public

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Config configures the public site (the "public" section of the service's
// configuration).
type Config struct {
	// Addr is where the site listens, separately from the API.
	Addr string `yaml:"addr"`
	// BaseURL is the address people see (https://notice.example.org); it
	// makes the feed's links absolute and is the default announcement URL
	// of the notices. Empty: links stay relative.
	BaseURL string `yaml:"base_url"`
	// RatePerSec and Burst limit the requests of one client (one IPv4
	// address or IPv6 /64).
	RatePerSec float64 `yaml:"rate_per_sec"`
	Burst      int     `yaml:"burst"`
	// GlobalRatePerSec limits all requests together.
	GlobalRatePerSec float64 `yaml:"global_rate_per_sec"`
	// ResendPerDay is how often one address may have its notice sent again
	// through "am I affected?" per UTC day; 0 turns re-sending off.
	ResendPerDay int `yaml:"resend_per_day"`
}

// Defaults of Config.
const (
	DefaultAddr             = "127.0.0.1:8081"
	DefaultRatePerSec       = 2
	DefaultBurst            = 20
	DefaultGlobalRatePerSec = 200
	DefaultResendPerDay     = 2
)

// DefaultConfig returns the defaults: loopback, relative links, the rates
// above.
func DefaultConfig() Config {
	return Config{Addr: DefaultAddr, RatePerSec: DefaultRatePerSec, Burst: DefaultBurst,
		GlobalRatePerSec: DefaultGlobalRatePerSec, ResendPerDay: DefaultResendPerDay}
}

// Problem is one bad value of Config: its key ("public.addr") and what is
// wrong with it.
type Problem struct {
	Key     string
	Message string
}

// Error returns "key: message".
func (p Problem) Error() string { return p.Key + ": " + p.Message }

// Validate checks every value and names each key at fault (public.addr,
// public.base_url...).
func (c Config) Validate() error {
	var errs []error
	for _, p := range c.Problems() {
		errs = append(errs, p)
	}
	return errors.Join(errs...)
}

// Problems lists what Validate reports, one Problem per bad key, so the
// service's configuration can add the file and line of each key.
func (c Config) Problems() []Problem {
	var out []Problem
	bad := func(key, format string, args ...any) {
		out = append(out, Problem{Key: "public." + key, Message: fmt.Sprintf(format, args...)})
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "%q is not host:port", c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("addr", "%q has no port from 0 to 65535", c.Addr)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil || u.Host == "":
			bad("base_url", "%q is not an absolute URL with a host", c.BaseURL)
		case u.Scheme != "https" && u.Scheme != "http":
			bad("base_url", "%q must start with https:// (or http:// for a test)", c.BaseURL)
		case u.User != nil:
			bad("base_url", "must not carry a user name or password")
		case u.RawQuery != "" || u.Fragment != "":
			bad("base_url", "%q must not have a query or a fragment", c.BaseURL)
		}
	}
	if c.RatePerSec <= 0 {
		bad("rate_per_sec", "%g must be above 0", c.RatePerSec)
	}
	if c.Burst < 1 {
		bad("burst", "%d must be at least 1", c.Burst)
	}
	if c.GlobalRatePerSec <= 0 {
		bad("global_rate_per_sec", "%g must be above 0", c.GlobalRatePerSec)
	} else if c.GlobalRatePerSec < c.RatePerSec {
		bad("global_rate_per_sec", "%g is below public.rate_per_sec (%g)", c.GlobalRatePerSec, c.RatePerSec)
	}
	if c.ResendPerDay < 0 {
		bad("resend_per_day", "%d must not be negative", c.ResendPerDay)
	}
	return out
}

// PageURL returns the page of an incident's announcement under BaseURL
// (the announcement URL its notices print), or "" without a BaseURL.
func (c Config) PageURL(incidentID string) string {
	if c.BaseURL == "" {
		return ""
	}
	return strings.TrimSuffix(c.BaseURL, "/") + "/notices/" + url.PathEscape(incidentID)
}
