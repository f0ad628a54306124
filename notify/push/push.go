// Package push is the push channel: a notify.Notifier that reads the
// device from notify.Message.To, builds the one generic payload (see
// pushmsg.Build: an alert, the notice reference and a link; no personal
// data, no breach details) and hands it to the sender of the device's
// platform: Web Push with VAPID (notify/push/webpush), FCM HTTP v1
// (notify/push/fcm) or APNs with token auth (notify/push/apns).
//
// Push accelerates the legal notice and never replaces it: the campaign
// plans it beside the legal routes. Its failures are classified like every
// channel's (notify.Permanent/Temporary); in addition, a failure that
// wraps ErrDeviceGone (Web Push 404/410, FCM UNREGISTERED, APNs
// Unregistered/BadDeviceToken) or ErrInvalidDevice (an address that can
// never work) means the device should be deactivated so that later
// campaigns skip it (ShouldDeactivate), and RetryAfter gives the delay a
// throttled push service asked for.
//
// # Device address
//
// notify.Message.To carries one device, as the subject directory's JSONL
// devices[] entry (see DeviceAddress):
//
//	{"platform":"webpush","subscription":{"endpoint":"https://…","keys":{"p256dh":"…","auth":"…"}}}
//	{"platform":"fcm","token":"<FCM registration token>"}
//	{"platform":"apns","token":"<hex device token>"}
//
// The short form "<platform>:<token>" ("webpush:<subscription JSON>") that
// the campaign planner writes today is read too. The address identifies a
// person's device: it never appears in an error or a log line.
package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push/apns"
	"github.com/breach-notify/breach/notify/push/fcm"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/notify/push/webpush"
)

// Sentinel errors of push failures, matched with errors.Is. They are the
// values of notify/push/pushmsg, which the senders wrap.
var (
	// ErrDeviceGone: the device will never receive a push again
	// (unsubscribed, uninstalled, expired); deactivate it.
	ErrDeviceGone = pushmsg.ErrDeviceGone
	// ErrInvalidDevice: the device address cannot be used; deactivate it.
	ErrInvalidDevice = pushmsg.ErrInvalidDevice
	// ErrThrottled: the push service limits the sender; see RetryAfter.
	ErrThrottled = pushmsg.ErrThrottled
	// ErrUnavailable: the push service or the way to it failed.
	ErrUnavailable = pushmsg.ErrUnavailable
	// ErrRejected: the push service refused this one push.
	ErrRejected = pushmsg.ErrRejected
	// ErrCredentials: the push service refused the sender's credentials
	// (a configuration problem, logged once).
	ErrCredentials = pushmsg.ErrCredentials
	// ErrPlatformNotConfigured: the device's platform has no sender in
	// channels.push; the device is kept.
	ErrPlatformNotConfigured = errors.New("push platform not configured")
)

// ShouldDeactivate reports whether err says the device can never receive a
// push (ErrDeviceGone or ErrInvalidDevice): the engine marks it inactive so
// that later campaigns do not plan it.
func ShouldDeactivate(err error) bool {
	return errors.Is(err, ErrDeviceGone) || errors.Is(err, ErrInvalidDevice)
}

// RetryAfter returns the delay a push service asked for before the next
// attempt (a Retry-After header), if err carries one.
func RetryAfter(err error) (time.Duration, bool) { return pushmsg.RetryAfter(err) }

// DeviceAddress returns the notify.Message.To of a device: the JSON of the
// directory's devices[] entry.
func DeviceAddress(platform, token string, subscription json.RawMessage) string {
	return pushmsg.Device{Platform: platform, Token: token, Subscription: subscription}.Address()
}

// Sender is one platform's sender: notify/push/webpush, fcm and apns.
type Sender interface {
	notify.Notifier
	// Send sends payload p, built for m, to dev.
	Send(ctx context.Context, m *notify.Message, dev pushmsg.Device, p pushmsg.Payload) (string, error)
}

// Notifier sends each push through the sender of the device's platform. It
// is safe for concurrent use.
type Notifier struct {
	senders map[string]Sender
	gone    func(context.Context, *notify.Message, error) error
	content pushmsg.Content
	log     *logrus.Entry
	alerts  pushmsg.Alerts
	closers []func() error
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg and builds a sender for each configured platform
// (reading its key files). Errors name the configuration key
// (channels.push.…), never key material.
func New(cfg Config, log *logrus.Entry) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = logging.Discard()
	}
	n := &Notifier{senders: map[string]Sender{}, gone: cfg.OnDeviceGone, content: cfg.content(),
		log: log.WithField("channel", string(notify.ChannelPush))}
	n.alerts.Log = n.log
	var errs []error
	if cfg.WebPush.Enabled() {
		c := cfg.WebPush
		c.Content = n.content
		s, err := webpush.New(c, n.log)
		errs = append(errs, err)
		if err == nil {
			n.senders[pushmsg.PlatformWebPush] = s
		}
	}
	if cfg.FCM.Enabled() {
		c := cfg.FCM
		c.Content = n.content
		s, err := fcm.New(c, n.log)
		errs = append(errs, err)
		if err == nil {
			n.senders[pushmsg.PlatformFCM] = s
		}
	}
	if cfg.APNs.Enabled() {
		c := cfg.APNs
		c.Content = n.content
		s, err := apns.New(c, n.log)
		errs = append(errs, err)
		if err == nil {
			n.senders[pushmsg.PlatformAPNs] = s
			n.closers = append(n.closers, s.Close)
		}
	}
	if err := errors.Join(errs...); err != nil {
		_ = n.Close()
		return nil, err
	}
	n.log.WithField("push_platforms", strings.Join(n.Platforms(), ",")).Info("push senders ready")
	return n, nil
}

// Platforms returns the configured platforms, sorted.
func (n *Notifier) Platforms() []string {
	var out []string
	for p := range n.senders {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Notify sends the push of m to the device in m.To through its platform's
// sender and returns the provider's message id. A device whose platform
// has no sender fails permanently with ErrPlatformNotConfigured (logged
// once per platform). A failure that ShouldDeactivate matches is passed
// to Config.OnDeviceGone first.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	id, err := n.notify(ctx, m)
	if err != nil && n.gone != nil && m != nil && ShouldDeactivate(err) {
		if gerr := n.gone(ctx, m, err); gerr != nil {
			// The hook's errors never quote the address (Config.OnDeviceGone).
			n.log.WithError(gerr).WithField("notice", m.Key).Error("cannot record a gone push device; later campaigns still send to it")
		}
	}
	return id, err
}

func (n *Notifier) notify(ctx context.Context, m *notify.Message) (string, error) {
	dev, p, err := pushmsg.Prepare(m, n.content)
	if err != nil {
		return "", err
	}
	s, ok := n.senders[dev.Platform]
	if !ok {
		n.alerts.Alert("unconfigured-"+dev.Platform, logrus.Fields{"push_platform": dev.Platform},
			fmt.Sprintf("people have %s devices but channels.push.%s is not configured; their pushes are skipped", dev.Platform, dev.Platform))
		return "", notify.Permanent("platform-unconfigured", "no sender configured for "+dev.Platform,
			fmt.Errorf("%w: %s", ErrPlatformNotConfigured, dev.Platform))
	}
	return s.Send(ctx, m, dev, p)
}

// Close releases the senders' connections.
func (n *Notifier) Close() error {
	var errs []error
	for _, c := range n.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}
