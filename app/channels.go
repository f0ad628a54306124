package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/email"
	"github.com/breach-notify/breach/notify/letter"
	"github.com/breach-notify/breach/notify/outbox"
	"github.com/breach-notify/breach/notify/push"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/notify/sms"
	"github.com/breach-notify/breach/notify/voice"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/templates"
)

// channel is one configured notice channel: its notifier, its provider's
// token bucket and how to release it.
type channel struct {
	name     notify.Channel
	notifier notify.Notifier
	limiter  *rate.Limiter
	outbox   bool
	close    func() error
}

// provider is one row of the channel registry: a channel, whether the
// configuration gives it a real provider, and how to build it.
type provider struct {
	name       notify.Channel
	configured func(config.Config) bool
	build      func(config.Config, *logrus.Entry) (*channel, error)
}

// providers is the channel registry, in planning order (push is an
// accelerator). A channel whose provider is not configured writes to the
// outbox.
var providers = []provider{
	{notify.ChannelEmail, func(c config.Config) bool { return c.Channels.Email.SMTP.Host != "" }, emailChannel},
	{notify.ChannelSMS, func(c config.Config) bool { return c.Channels.SMS.AccountSID != "" }, smsChannel},
	{notify.ChannelPush, func(c config.Config) bool { return c.Channels.Push.Enabled() }, pushChannel},
	{notify.ChannelVoice, func(c config.Config) bool { return c.Channels.Voice.AccountSID != "" }, voiceChannel},
	{notify.ChannelLetter, func(c config.Config) bool { return c.Channels.Letter.Dir != "" }, letterChannel},
}

// pushChannel sends Web Push, FCM and APNs notifications. A push carries a
// generic alert, the notice reference and a link, never personal data;
// it accelerates the legal notice and never replaces it.
func pushChannel(cfg config.Config, log *logrus.Entry) (*channel, error) {
	pc := cfg.Channels.Push
	if pc.NoticeURL == "" && cfg.Campaign.AnnouncementURL != "" {
		pc.NoticeURL = cfg.Campaign.AnnouncementURL
	}
	n, err := push.New(pc, log)
	if err != nil {
		return nil, err
	}
	return &channel{name: notify.ChannelPush, notifier: n, limiter: rate.NewLimiter(rate.Inf, 1), close: n.Close}, nil
}

// goneDeviceRecorder is the push channel's OnDeviceGone: it records the
// device a push service reported gone (Web Push 404/410, FCM UNREGISTERED
// or an invalid token, APNs Unregistered/BadDeviceToken) in the store, by
// platform and keyed digest (pushmsg.DeviceDigest under the notice key,
// its key derived once), never by its token, with the provider's code and
// the reporting notice.
// Later campaigns, follow-ups and re-sends skip it on every replica
// sharing the store. Its errors never quote the device; the push channel
// logs them and the push's own outcome stands.
func goneDeviceRecorder(st store.Devices, key []byte, now func() time.Time) func(context.Context, *notify.Message, error) error {
	digests := pushmsg.NewDigester(key)
	return func(ctx context.Context, m *notify.Message, cause error) error {
		dev, err := pushmsg.Parse(m.To)
		if err != nil {
			return fmt.Errorf("record gone push device of notice %s: %w", m.Key, err)
		}
		reason := "gone"
		var de *notify.DeliveryError
		switch {
		case errors.As(cause, &de) && de.Code != "":
			reason = de.Code
		case errors.Is(cause, push.ErrInvalidDevice):
			reason = "invalid-device"
		}
		if len(reason) > 100 {
			reason = reason[:100]
		}
		_, err = st.RecordGoneDevice(ctx, store.GoneDevice{Platform: dev.Platform, Digest: digests.Digest(dev),
			Reason: reason, At: now().UTC(), Notice: m.Key})
		if err != nil {
			return fmt.Errorf("record gone push device of notice %s: %w", m.Key, err)
		}
		return nil
	}
}

// voiceChannel calls people through Twilio's Calls API with a short
// spoken notice in their language.
func voiceChannel(cfg config.Config, log *logrus.Entry) (*channel, error) {
	token, err := cfg.Secret("channels.voice.auth_token_file")
	if err != nil {
		return nil, err
	}
	n, err := voice.New(cfg.Channels.Voice, token, log)
	if err != nil {
		return nil, err
	}
	return &channel{name: notify.ChannelVoice, notifier: n, limiter: rate.NewLimiter(rate.Limit(n.RatePerSec()), 1),
		close: func() error { return nil }}, nil
}

// letterChannel writes a print-ready PDF per person and a mail-house
// manifest per campaign into channels.letter.dir.
func letterChannel(cfg config.Config, log *logrus.Entry) (*channel, error) {
	n, err := letter.New(cfg.Channels.Letter, log)
	if err != nil {
		return nil, err
	}
	return &channel{name: notify.ChannelLetter, notifier: n, close: n.Close}, nil
}

// buildChannels wires each channel to its provider, or to the outbox under
// <data>/outbox when none is configured (with a loud warning).
func buildChannels(cfg config.Config, log *logrus.Entry) ([]*channel, error) {
	dir := filepath.Join(cfg.DataDir, "outbox")
	var out []*channel
	closeAll := func() {
		for _, c := range out {
			_ = c.close()
		}
	}
	for _, p := range providers {
		clog := log.WithField("channel", string(p.name))
		var c *channel
		var err error
		if p.configured(cfg) {
			c, err = p.build(cfg, clog)
		} else {
			var n *outbox.Notifier
			n, err = outbox.New(dir, p.name, clog)
			if err == nil {
				c = &channel{name: p.name, notifier: n, outbox: true, close: n.Close}
			}
		}
		if err != nil {
			closeAll()
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// smsBurst is the depth of the worker's SMS token bucket: one, so that a
// campaign starting with a full bucket does not claim a second's worth of
// notices at once.
const smsBurst = 1

func smsChannel(cfg config.Config, log *logrus.Entry) (*channel, error) {
	c := cfg.Channels.SMS
	token, err := cfg.Secret("channels.sms.auth_token_file")
	if err != nil {
		return nil, err
	}
	n, err := sms.New(sms.Config{AccountSID: c.AccountSID, AuthToken: token, From: c.From, MessagingServiceSID: c.MessagingServiceSID,
		StatusCallback: c.StatusCallback, BaseURL: c.BaseURL, RatePerSec: c.RatePerSec, ValidityPeriod: c.ValidityPeriod, Timeout: c.Timeout}, log)
	if err != nil {
		return nil, err
	}
	// rate_per_sec is kept twice, at one rate: the SMS notifier paces
	// each request to Twilio (a bucket of one, waited for just before the
	// request, so that ledger and rendering work cannot bunch sends), and
	// the worker's bucket, also of one, lets notices be claimed no faster
	// than they can go out, so that a claim never waits long. Each replica
	// enforces its own rate (docs/configuration.md).
	return &channel{name: notify.ChannelSMS, notifier: n, limiter: rate.NewLimiter(rate.Limit(c.RatePerSec), smsBurst),
		close: func() error { return nil }}, nil
}

func emailChannel(cfg config.Config, log *logrus.Entry) (*channel, error) {
	e := cfg.Channels.Email
	pw, err := cfg.Secret("channels.email.smtp.password_file")
	if err != nil {
		return nil, err
	}
	ec := email.Config{Host: e.SMTP.Host, Port: e.SMTP.Port, TLS: e.SMTP.TLS, Username: e.SMTP.Username, Password: pw,
		From: e.From, ReplyTo: e.ReplyTo, Connections: e.Connections, RatePerSec: e.RatePerSec}
	if e.DKIM.KeyFile != "" {
		key, err := os.ReadFile(e.DKIM.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("config channels.email.dkim.key_file: %w", err)
		}
		ec.DKIM = &email.DKIMConfig{Domain: e.DKIM.Domain, Selector: e.DKIM.Selector, KeyPEM: key}
	}
	n, err := email.New(ec, log)
	if err != nil {
		return nil, err
	}
	burst := max(1, int(e.RatePerSec))
	return &channel{name: notify.ChannelEmail, notifier: n, limiter: rate.NewLimiter(rate.Limit(e.RatePerSec), burst), close: n.Close}, nil
}

// ProviderConcurrency is how many notices of a channel with a provider
// are in flight at once in one `breach serve`: each in a worker's hands
// between its claim in the ledger and its record there. A provider's own
// limits (the e-mail pool's connections, the rate limiters) bound the
// sending; more notices in flight make the ledger's group commits larger:
// 64 delivered e-mail campaigns 13–20 % faster than 16, and 128 a little
// faster again than 64 (e-mail ratio +0.01 to +0.05 in four alternating
// pairs of `make bench-e2e` runs; 256 no better). It is also the most
// notices a crash can leave accepted by a provider but not recorded,
// which are sent again after the restart.
const ProviderConcurrency = 128

// OutboxConcurrency is ProviderConcurrency for a channel writing to the
// outbox.
const OutboxConcurrency = 8

// concurrency is how many notices of c are in flight at once.
func (c *channel) concurrency() int {
	if c.outbox {
		return OutboxConcurrency
	}
	return ProviderConcurrency
}

// CheckConfig builds, without connecting anywhere or writing anything,
// what Start would build from cfg beyond NATS and the store: the inventory,
// the notice templates with their overrides and each configured provider's
// notifier. `breach check-config` runs it, so a setting serve would refuse
// is refused there first, named.
func CheckConfig(cfg config.Config) error {
	if cfg.Inventory != "" {
		if _, err := inventory.Load(cfg.Inventory); err != nil {
			return fmt.Errorf("config inventory: %w", err)
		}
	}
	if _, err := templates.Load(templates.Options{OverrideDir: cfg.Campaign.TemplatesDir}); err != nil {
		return fmt.Errorf("config campaign.templates_dir: %w", err)
	}
	if _, err := cfg.Campaign.Policy(); err != nil {
		return fmt.Errorf("config campaign.channels: %w", err)
	}
	log := logging.Discard()
	for _, p := range providers {
		if !p.configured(cfg) {
			continue
		}
		c, err := p.build(cfg, log)
		if err != nil {
			return err
		}
		_ = c.close()
	}
	return nil
}
