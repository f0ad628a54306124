package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/breach-notify/breach/internal/netaddr"
)

// MaxNakDelay is the largest intake.nak_delay: the intake consumer doubles
// the delay after each failed delivery up to this cap (intake.Config's
// MaxNakDelay default) and refuses a first delay above it.
const MaxNakDelay = time.Minute

// checker collects the problems Validate finds, each naming its key and
// where the value came from.
type checker struct {
	origin *origins
	errs   []error
}

// bad records a problem with key.
func (ch *checker) bad(key, format string, args ...any) {
	ch.errs = append(ch.errs, ch.origin.keyError(key, nil, fmt.Sprintf(format, args...)))
}

// badBecause records a problem with key that another setting causes (a
// value it requires): when key itself was not set, the error points at the
// first of related that was.
func (ch *checker) badBecause(key string, related []string, format string, args ...any) {
	ch.errs = append(ch.errs, ch.origin.keyError(key, related, fmt.Sprintf(format, args...)))
}

// channel records the problems a channel package's own Validate found.
// Each line of err reads "channels.<channel>.<key>: problem"; the key is
// looked up for where it was set.
func (ch *checker) channel(prefix string, err error) {
	if err == nil {
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		key, msg, ok := strings.Cut(line, ": ")
		if !ok || !strings.HasPrefix(key, prefix) {
			key, msg = strings.TrimSuffix(prefix, "."), line
		}
		ch.bad(key, "%s", msg)
	}
}

func (ch *checker) oneOf(key, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		ch.bad(key, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

// Validate checks every value, including what serve would reject later
// (port ranges, the intake's delay cap), and names each key at fault with
// the file and line, environment variable or flag it came from.
func (c *Config) Validate() error {
	ch := &checker{origin: c.origin}
	if strings.TrimSpace(c.DataDir) == "" {
		ch.bad("data_dir", "must not be empty")
	}
	ch.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	ch.oneOf("log.format", c.Log.Format, "auto", "json", "text")
	c.NATS.validate(ch)
	if _, err := listenPort(c.HTTP.Addr); err != nil {
		ch.bad("http.addr", "%v", err)
	}
	ch.oneOf("store.driver", c.Store.Driver, "sqlite", "postgres")
	if c.Store.Driver == "postgres" && c.Store.DSNFile == "" {
		ch.badBecause("store.dsn_file", []string{"store.driver"}, "is required when store.driver is postgres")
	}
	c.Intake.validate(ch)
	c.Campaign.validate(ch)
	c.Channels.validate(ch)
	for _, p := range c.Public.Problems() {
		ch.bad(p.Key, "%s", p.Message)
	}
	if c.Campaign.PublicNoticeUnreachable < 0 {
		ch.bad("campaign.public_notice_unreachable", "must not be negative, got %d", c.Campaign.PublicNoticeUnreachable)
	}
	return errors.Join(ch.errs...)
}

func (n NATS) validate(ch *checker) {
	if n.Listen != "" {
		if err := loopbackAddr(n.Listen); err != nil {
			ch.bad("nats.listen", "%v", err)
		}
	}
	for _, u := range strings.Split(n.URL, ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		if !strings.Contains(u, "://") {
			ch.bad("nats.url", "%q needs a scheme, e.g. nats://host:4222", RedactURLs(u))
		} else if err := checkURL(u); err != nil {
			ch.bad("nats.url", "%v", err)
		}
	}
	if n.URL == "" {
		for _, f := range []struct{ key, file string }{{"nats.creds_file", n.CredsFile}, {"nats.nkey_seed_file", n.NKeySeedFile},
			{"nats.tls.ca_file", n.TLS.CAFile}, {"nats.tls.cert_file", n.TLS.CertFile}, {"nats.tls.key_file", n.TLS.KeyFile}} {
			if f.file != "" {
				ch.bad(f.key, "applies only with nats.url (a cluster); the embedded server takes none")
			}
		}
	}
	if n.CredsFile != "" && n.NKeySeedFile != "" {
		ch.bad("nats.nkey_seed_file", "set nats.creds_file or nats.nkey_seed_file, not both")
	}
	if n.Prefix == "" || strings.ContainsAny(n.Prefix, " *>") || strings.HasPrefix(n.Prefix, ".") {
		ch.bad("nats.prefix", "%q must be a non-empty subject token without spaces or wildcards", n.Prefix)
	}
	if n.Replicas < 1 || n.Replicas > 5 {
		ch.bad("nats.replicas", "must be 1 to 5, got %d", n.Replicas)
	}
	if n.DuplicateWindow < time.Second {
		ch.bad("nats.duplicate_window", "must be at least 1s, got %s", n.DuplicateWindow)
	}
	if n.NoticeDuplicateWindow < time.Second {
		ch.bad("nats.notice_duplicate_window", "must be at least 1s, got %s", n.NoticeDuplicateWindow)
	}
	for _, a := range []struct {
		key string
		age time.Duration
	}{{"nats.deadletter_max_age", n.DeadletterMaxAge}, {"nats.events_max_age", n.EventsMaxAge}} {
		if a.age < max(n.DuplicateWindow, time.Minute) {
			ch.bad(a.key, "must be at least nats.duplicate_window (%s) and 1m, got %s", fmtDuration(n.DuplicateWindow), fmtDuration(a.age))
		}
	}
	for _, b := range []struct {
		key  string
		size int64
	}{{"nats.deadletter_max_bytes", n.DeadletterMaxBytes}, {"nats.events_max_bytes", n.EventsMaxBytes}} {
		if b.size < 1<<20 {
			ch.bad(b.key, "must be at least 1048576 (1 MiB), got %d", b.size)
		}
	}
	for _, s := range []struct{ key, name string }{{"nats.streams.incidents", n.Streams.Incidents}, {"nats.streams.notices", n.Streams.Notices},
		{"nats.streams.deadletter", n.Streams.Deadletter}, {"nats.streams.events", n.Streams.Events}} {
		if s.name == "" || strings.ContainsAny(s.name, " .*>/\\") {
			ch.bad(s.key, "%q is not a valid stream name", s.name)
		}
	}
}

func (in Intake) validate(ch *checker) {
	if in.Workers < 1 {
		ch.bad("intake.workers", "must be at least 1, got %d", in.Workers)
	}
	if in.AckWait < time.Second {
		ch.bad("intake.ack_wait", "must be at least 1s, got %s", in.AckWait)
	}
	if in.MaxDeliver < 2 {
		ch.bad("intake.max_deliver", "must be at least 2, got %d", in.MaxDeliver)
	}
	if in.MaxMessageBytes < 1<<10 || in.MaxMessageBytes > 8<<20 {
		ch.bad("intake.max_message_bytes", "must be 1024 to 8388608 (8 MiB), got %d", in.MaxMessageBytes)
	}
	if in.NakDelay < 0 || in.NakDelay > MaxNakDelay {
		ch.bad("intake.nak_delay", "must be at most %s (the intake's cap on redelivery delays), got %s", fmtDuration(MaxNakDelay), fmtDuration(in.NakDelay))
	}
}

func (c Campaign) validate(ch *checker) {
	if _, err := c.Policy(); err != nil {
		ch.bad("campaign.channels", "%v", err)
	}
	if c.GiveUpAfter < 0 {
		ch.bad("campaign.give_up_after", "must not be negative, got %s", c.GiveUpAfter)
	}
	if c.MaxAttempts < 1 {
		ch.bad("campaign.max_attempts", "must be at least 1, got %d", c.MaxAttempts)
	}
	if c.ApprovalsRequired < 1 || c.ApprovalsRequired > MaxApprovalsRequired {
		ch.bad("campaign.approvals_required", "must be between 1 and %d (distinct approvers of each revision), got %d", MaxApprovalsRequired, c.ApprovalsRequired)
	}
	if c.MaxUntranslated < -1 {
		ch.bad("campaign.max_untranslated", "must be -1 (no limit) or more, got %d", c.MaxUntranslated)
	}
	if u := c.AnnouncementURL; u != "" {
		if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
			ch.bad("campaign.announcement_url", "%q must be an absolute http(s) URL", RedactURLs(u))
		} else if err := checkURL(u); err != nil {
			ch.bad("campaign.announcement_url", "%v", err)
		}
	}
}

func (c Channels) validate(ch *checker) {
	e := c.Email
	ch.oneOf("channels.email.smtp.tls", e.SMTP.TLS, "none", "starttls", "implicit")
	if e.SMTP.Port < 1 || e.SMTP.Port > 65535 {
		ch.bad("channels.email.smtp.port", "must be 1 to 65535, got %d", e.SMTP.Port)
	}
	if e.SMTP.Host != "" && e.From == "" {
		ch.badBecause("channels.email.from", []string{"channels.email.smtp.host"}, "is required when channels.email.smtp.host is set")
	}
	if e.Connections < 1 {
		ch.bad("channels.email.connections", "must be at least 1, got %d", e.Connections)
	}
	if e.RatePerSec <= 0 {
		ch.bad("channels.email.rate_per_sec", "must be above 0, got %g", e.RatePerSec)
	}
	if (e.DKIM.Domain != "" || e.DKIM.Selector != "" || e.DKIM.KeyFile != "") && (e.DKIM.Domain == "" || e.DKIM.Selector == "" || e.DKIM.KeyFile == "") {
		ch.badBecause("channels.email.dkim", []string{"channels.email.dkim.domain", "channels.email.dkim.selector", "channels.email.dkim.key_file"},
			"needs domain, selector and key_file together")
	}
	sms := c.SMS
	if sms.AccountSID != "" && sms.From == "" && sms.MessagingServiceSID == "" {
		ch.badBecause("channels.sms.from", []string{"channels.sms.account_sid"}, "is required (or channels.sms.messaging_service_sid) when channels.sms.account_sid is set")
	}
	if sms.RatePerSec <= 0 {
		ch.bad("channels.sms.rate_per_sec", "must be above 0, got %g", sms.RatePerSec)
	}
	for _, s := range []struct{ key, url string }{{"channels.sms.base_url", sms.BaseURL}, {"channels.sms.status_callback", sms.StatusCallback}} {
		if s.url == "" {
			continue
		}
		if !strings.HasPrefix(s.url, "https://") && !strings.HasPrefix(s.url, "http://") {
			ch.bad(s.key, "%q must be an absolute http(s) URL", RedactURLs(s.url))
		} else if err := checkURL(s.url); err != nil {
			ch.bad(s.key, "%v", err)
		}
	}
	// Push, voice and letters validate their own settings.
	if c.Push.Enabled() {
		ch.channel("channels.push.", c.Push.Validate())
	}
	if c.Voice.AccountSID != "" {
		ch.channel("channels.voice.", c.Voice.Validate())
	}
	if c.Letter.Dir != "" {
		ch.channel("channels.letter.", c.Letter.Validate())
	}
}

// fmtDuration prints a duration as a config file would hold it: "1m" and
// "2h", not time.Duration's "1m0s" and "2h0m0s".
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// listenPort checks a listen address: host:port with a numeric port from 0
// (any free port) to 65535. It returns the host.
func listenPort(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%q is not host:port", addr)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return "", fmt.Errorf("%q has no numeric port", addr)
	}
	if p < 0 || p > 65535 {
		return "", fmt.Errorf("%q: port %d is not 0 to 65535", addr, p)
	}
	return host, nil
}

// loopbackAddr checks the embedded NATS server's listen address: a valid
// listen address on this machine only.
func loopbackAddr(addr string) error {
	host, err := listenPort(addr)
	if err != nil {
		return err
	}
	if !netaddr.IsLoopback(host) {
		return fmt.Errorf("%q must be a loopback address (the embedded server is for this machine only; use nats.url for a cluster)", addr)
	}
	return nil
}

// checkURL checks one absolute URL that breach connects to: it parses, has
// a host, and its port (when given) is 1 to 65535. The message shows the
// URL without its user information, never url.Parse's error (which quotes
// the password).
func checkURL(raw string) error {
	shown := RedactURLs(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL with a host", shown)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q: port %s is not 1 to 65535", shown, p)
		}
	}
	return nil
}
