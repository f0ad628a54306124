// Package webpush is the Web Push sender of the push channel: it encrypts
// the generic payload of notify/push/pushmsg for one browser subscription
// (RFC 8291, aes128gcm), signs a VAPID JWT (RFC 8292) and posts it to the
// subscription's push service (RFC 8030) with a TTL always set, through
// github.com/SherClockHolmes/webpush-go.
//
// The push service's answer is classified: 201 accepted; 404 and 410 mean
// the subscription expired or was revoked (permanent, wrapping
// pushmsg.ErrDeviceGone so that the device is deactivated); 429 and 5xx are
// temporary, with the Retry-After delay in the reason; 401 and 403 mean
// the VAPID key is refused (permanent for the notice, logged once: a
// configuration problem); other 4xx are permanent. Errors and log lines
// never carry the subscription endpoint (it identifies the browser), its
// keys or the VAPID private key.
package webpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	wp "github.com/SherClockHolmes/webpush-go"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/netaddr"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push/pushmsg"
)

// Notifier sends notices to Web Push subscriptions. It is safe for
// concurrent use.
type Notifier struct {
	// key is behind a pointer so that %v of a Notifier prints an address,
	// never the private key.
	key        *vapidKey
	cfg        Config
	subscriber string
	client     wp.HTTPClient
	log        *logrus.Entry
	alerts     pushmsg.Alerts
}

type vapidKey struct{ public, private string }

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg, reads and checks the VAPID private key, and returns a
// Notifier. Errors name the configuration key, never the key material.
func New(cfg Config, log *logrus.Entry) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pub, _ := publicKey(cfg.VAPIDPublicKey) // checked by Validate
	content, err := pushmsg.ReadSecretFile(KeyPrefix+"vapid_private_key_file", cfg.VAPIDPrivateKeyFile)
	if err != nil {
		return nil, err
	}
	priv, err := privateKey(content, pub)
	if err != nil {
		return nil, err
	}
	if cfg.TTL == 0 {
		cfg.TTL = pushmsg.DefaultTTL
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = pushmsg.DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if log == nil {
		log = logging.Discard()
	}
	n := &Notifier{
		key: &vapidKey{public: strings.TrimRight(strings.TrimSpace(cfg.VAPIDPublicKey), "="), private: priv},
		cfg: cfg,
		// webpush-go prefixes "mailto:" to any subscriber that does not
		// start with "https:".
		subscriber: strings.TrimPrefix(cfg.Subject, "mailto:"),
		log:        log.WithField("push_platform", pushmsg.PlatformWebPush),
	}
	n.alerts.Log = n.log
	client := cfg.HTTPClient
	if client == nil {
		// Endpoints come from browsers: dial public addresses only.
		client = &http.Client{Transport: pushmsg.PublicTransport()}
	}
	// A push service answers; it does not redirect. Following a redirect
	// would resend the VAPID token elsewhere.
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	n.client = &c
	return n, nil
}

// Subscription is the browser's PushSubscription JSON.
type Subscription struct {
	Endpoint       string `json:"endpoint"`
	ExpirationTime *int64 `json:"expirationTime,omitempty"`
	Keys           struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// parseSubscription reads and checks a subscription. Errors wrap
// pushmsg.ErrInvalidDevice and quote nothing of it.
func parseSubscription(raw json.RawMessage) (*wp.Subscription, error) {
	var s Subscription
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%w: subscription is not a PushSubscription JSON object", pushmsg.ErrInvalidDevice)
	}
	u, err := url.Parse(s.Endpoint)
	switch {
	case err != nil || u.Host == "" || u.User != nil:
		return nil, fmt.Errorf("%w: subscription endpoint is not an absolute URL", pushmsg.ErrInvalidDevice)
	case u.Scheme != "https" && !(u.Scheme == "http" && netaddr.IsLoopback(u.Hostname())):
		return nil, fmt.Errorf("%w: subscription endpoint is not https", pushmsg.ErrInvalidDevice)
	}
	if k, err := decodeB64URL(s.Keys.P256dh); err != nil || len(k) != 65 || k[0] != 4 {
		return nil, fmt.Errorf("%w: subscription keys.p256dh is not a P-256 public key", pushmsg.ErrInvalidDevice)
	}
	if k, err := decodeB64URL(s.Keys.Auth); err != nil || len(k) != 16 {
		return nil, fmt.Errorf("%w: subscription keys.auth is not a 16-byte secret", pushmsg.ErrInvalidDevice)
	}
	return &wp.Subscription{Endpoint: s.Endpoint, Keys: wp.Keys{P256dh: s.Keys.P256dh, Auth: s.Keys.Auth}}, nil
}

// Notify sends the push of m to the Web Push subscription in m.To (see
// pushmsg.Parse) and returns the push service's message location, or
// "webpush:<status>" when it gives none. Failures are
// *notify.DeliveryError values classified as the package documentation
// says.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	dev, p, err := pushmsg.Prepare(m, n.cfg.Content)
	if err != nil {
		return "", err
	}
	return n.Send(ctx, m, dev, p)
}

// Send sends payload p to the subscription of dev; the dispatcher of
// notify/push calls it with the payload it built once.
func (n *Notifier) Send(ctx context.Context, m *notify.Message, dev pushmsg.Device, p pushmsg.Payload) (string, error) {
	if dev.Platform != pushmsg.PlatformWebPush {
		return "", notify.Permanent("wrong-platform", "not a webpush device", pushmsg.ErrInvalidDevice)
	}
	sub, err := parseSubscription(dev.Subscription)
	if err != nil {
		return "", notify.Permanent("invalid-device", "unusable webpush subscription", err)
	}
	return n.send(ctx, m, sub, p)
}

func (n *Notifier) send(ctx context.Context, m *notify.Message, sub *wp.Subscription, p pushmsg.Payload) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before sending", err)
	}
	callCtx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	resp, err := wp.SendNotificationWithContext(callCtx, p.JSON(), sub, &wp.Options{
		HTTPClient:      n.client,
		Subscriber:      n.subscriber,
		VAPIDPublicKey:  n.key.public,
		VAPIDPrivateKey: n.key.private,
		TTL:             int(n.cfg.TTL / time.Second),
		Urgency:         wp.UrgencyHigh,
		Topic:           p.Collapse,
		// Ignored by webpush-go v1.4.0 (it signs now+12h); set for
		// versions that honour it.
		VapidExpiration: n.cfg.Now().Add(12 * time.Hour),
	})
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		if errors.Is(err, pushmsg.ErrNotPublic) {
			return "", notify.Permanent("endpoint-not-public", "subscription endpoint is not a public internet address",
				fmt.Errorf("%w: %w", pushmsg.ErrInvalidDevice, pushmsg.ErrNotPublic))
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return "", pushmsg.TransportError(ctx, "the push service", err)
		}
		if errors.Is(err, wp.ErrMaxPadExceeded) {
			return "", notify.Permanent("payload-too-large", "push payload too large", pushmsg.ErrRejected)
		}
		// Encryption failed: the subscription's key is not a usable
		// point. webpush-go's message is not kept (it is generic, but a
		// future version might quote the input).
		return "", notify.Permanent("invalid-device", "cannot encrypt for this subscription", pushmsg.ErrInvalidDevice)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	return n.classify(m, resp)
}

// classify turns the push service's reply into a message id or a delivery
// error.
func (n *Notifier) classify(m *notify.Message, resp *http.Response) (string, error) {
	status := resp.StatusCode
	code := "http-" + strconv.Itoa(status)
	switch {
	case status >= 200 && status < 300:
		n.alerts.OK()
		id := messageID(resp)
		n.log.WithFields(logrus.Fields{"notice": m.Key, "http_status": status}).Debug("push accepted by the push service")
		return id, nil
	case status == http.StatusNotFound || status == http.StatusGone:
		return "", pushmsg.DeviceGone(code, "subscription expired or unsubscribed")
	case status == http.StatusTooManyRequests:
		return "", pushmsg.Temporary(code, "push service throttled the request",
			pushmsg.ParseRetryAfter(resp.Header.Get("Retry-After"), n.cfg.Now()), pushmsg.ErrThrottled)
	case status >= 500:
		return "", pushmsg.Temporary(code, "push service error",
			pushmsg.ParseRetryAfter(resp.Header.Get("Retry-After"), n.cfg.Now()), pushmsg.ErrUnavailable)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		n.alerts.Alert("vapid", logrus.Fields{"http_status": status},
			"the push service refused the VAPID credentials: check channels.push.webpush.vapid_public_key, vapid_private_key_file and subject (subscriptions made with another key must subscribe again)")
		return "", notify.Permanent(code, "push service refused the vapid credentials", pushmsg.ErrCredentials)
	case status == http.StatusRequestEntityTooLarge:
		return "", notify.Permanent(code, "push payload too large", pushmsg.ErrRejected)
	case status >= 400:
		return "", notify.Permanent(code, "push service rejected the request", pushmsg.ErrRejected)
	default:
		n.alerts.Alert("unexpected", logrus.Fields{"http_status": status}, "unexpected reply from a push service; pushes are retried")
		return "", pushmsg.Temporary(code, "unexpected reply from the push service", 0, pushmsg.ErrUnavailable)
	}
}

// messageID returns the push service's message resource (Location), or
// "webpush:<status>".
func messageID(resp *http.Response) string {
	if loc := resp.Header.Get("Location"); loc != "" && len(loc) <= 512 {
		return loc
	}
	return "webpush:" + strconv.Itoa(resp.StatusCode)
}
