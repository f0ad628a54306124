// Package apns is the Apple Push Notification service sender of the push
// channel, through github.com/sideshow/apns2 with token-based
// authentication: one long-lived HTTP/2 client (Apple treats connection
// churn as a denial of service) signing an ES256 provider token with the
// team's .p8 key, refreshed by apns2 before Apple's one-hour limit.
//
// Each push is an alert (apns-push-type alert, priority 10) with the
// generic payload of notify/push/pushmsg, an expiration TTL ahead and a
// collapse id per notice reference. Apple's reasons are classified:
// Unregistered (410) and BadDeviceToken mean the device is gone (permanent,
// wrapping pushmsg.ErrDeviceGone; a campaign where every token comes back
// BadDeviceToken is sending sandbox tokens to production or the reverse:
// check channels.push.apns.production); DeviceTokenNotForTopic,
// TopicDisallowed and the other 4xx are permanent; TooManyRequests, 5xx,
// IdleTimeout and refused provider tokens (a configuration problem, logged
// once) are temporary. Errors and logs never carry the device token or the
// key.
package apns

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/payload"
	"github.com/sideshow/apns2/token"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push/pushmsg"
)

// deviceTokenRe matches an APNs device token: hexadecimal (32 bytes
// today; Apple reserves the right to lengthen it).
var deviceTokenRe = regexp.MustCompile(`^[0-9a-fA-F]{16,400}$`)

// Notifier sends notices to iOS, iPadOS and macOS devices through APNs. It
// is safe for concurrent use.
type Notifier struct {
	client *apns2.Client
	cfg    Config
	log    *logrus.Entry
	alerts pushmsg.Alerts
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg, reads the .p8 key and returns a Notifier holding one
// HTTP/2 client. Nothing is sent until the first Notify. Errors name the
// configuration key, never the key material.
func New(cfg Config, log *logrus.Entry) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pem, err := pushmsg.ReadSecretFile(KeyPrefix+"key_file", cfg.KeyFile)
	if err != nil {
		return nil, err
	}
	key, err := token.AuthKeyFromBytes(pem)
	if err != nil {
		// apns2's and x509's messages are generic, but keep ours only.
		return nil, fmt.Errorf("%skey_file: %s must be the .p8 signing key from Apple (PKCS #8 PEM, P-256)", KeyPrefix, cfg.KeyFile)
	}
	tok := &token.Token{AuthKey: key, KeyID: cfg.KeyID, TeamID: cfg.TeamID}
	if _, err := tok.Generate(); err != nil {
		return nil, fmt.Errorf("%skey_file: cannot sign a provider token with the key", KeyPrefix)
	}
	client := apns2.NewTokenClient(tok)
	switch {
	case cfg.BaseURL != "":
		client.Host = strings.TrimRight(cfg.BaseURL, "/")
	case cfg.Production:
		client.Production()
	default:
		client.Development()
	}
	if cfg.HTTPClient != nil {
		client.HTTPClient = cfg.HTTPClient
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
	n := &Notifier{client: client, cfg: cfg, log: log.WithField("push_platform", pushmsg.PlatformAPNs)}
	n.alerts.Log = n.log
	if cfg.BaseURL != "" {
		n.log.WithField("apns_host", client.Host).Warn("APNs pushes go to channels.push.apns.base_url instead of Apple")
	}
	return n, nil
}

// Notify sends the push of m to the APNs device in m.To (see
// pushmsg.Parse) and returns Apple's apns-id. Failures are
// *notify.DeliveryError values classified as the package documentation
// says.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	dev, p, err := pushmsg.Prepare(m, n.cfg.Content)
	if err != nil {
		return "", err
	}
	return n.Send(ctx, m, dev, p)
}

// Send sends payload p to dev; the dispatcher of notify/push calls it with
// the payload it built once.
func (n *Notifier) Send(ctx context.Context, m *notify.Message, dev pushmsg.Device, p pushmsg.Payload) (string, error) {
	if dev.Platform != pushmsg.PlatformAPNs {
		return "", notify.Permanent("wrong-platform", "not an apns device", pushmsg.ErrInvalidDevice)
	}
	if !deviceTokenRe.MatchString(dev.Token) {
		return "", notify.Permanent("invalid-device", "apns device token is not hexadecimal",
			fmt.Errorf("%w: apns token is not hexadecimal", pushmsg.ErrInvalidDevice))
	}
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before sending", err)
	}
	body := payload.NewPayload().AlertTitle(p.Title).AlertBody(p.Body).Sound("default")
	for k, v := range p.Data() {
		body.Custom(k, v)
	}
	note := &apns2.Notification{
		DeviceToken: dev.Token,
		Topic:       n.cfg.Topic,
		PushType:    apns2.PushTypeAlert,
		Priority:    apns2.PriorityHigh,
		Expiration:  n.cfg.Now().Add(n.cfg.TTL),
		CollapseID:  p.Collapse,
		Payload:     body,
	}
	callCtx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	res, err := n.client.PushWithContext(callCtx, note)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// The URL holds the device token: keep the network detail only.
			return "", pushmsg.TransportError(ctx, "apns", err)
		}
		return "", pushmsg.Temporary("bad-reply", "unreadable reply from apns", 0, pushmsg.ErrUnavailable)
	}
	return n.classify(m, res)
}

// classify turns APNs's reply into the apns-id or a delivery error.
func (n *Notifier) classify(m *notify.Message, res *apns2.Response) (string, error) {
	code := res.Reason
	if code == "" {
		code = "http-" + strconv.Itoa(res.StatusCode)
	}
	switch {
	case res.Sent():
		n.alerts.OK()
		n.log.WithField("notice", m.Key).Debug("push accepted by apns")
		return res.ApnsID, nil
	case res.Reason == apns2.ReasonUnregistered || res.StatusCode == 410:
		return "", pushmsg.DeviceGone(code, "device token is no longer active for the topic")
	case res.Reason == apns2.ReasonBadDeviceToken:
		return "", pushmsg.DeviceGone(code, "device token is invalid for this environment")
	case res.Reason == apns2.ReasonTooManyRequests || res.StatusCode == 429:
		return "", pushmsg.Temporary(code, "apns throttled pushes to this device", 0, pushmsg.ErrThrottled)
	case res.StatusCode >= 500 || res.Reason == apns2.ReasonIdleTimeout:
		return "", pushmsg.Temporary(code, "apns unavailable", 0, pushmsg.ErrUnavailable)
	case res.Reason == apns2.ReasonExpiredProviderToken || res.Reason == apns2.ReasonInvalidProviderToken ||
		res.Reason == apns2.ReasonMissingProviderToken || res.Reason == apns2.ReasonTooManyProviderTokenUpdates ||
		res.Reason == apns2.ReasonForbidden:
		n.alerts.Alert("credentials", logrus.Fields{"apns_reason": res.Reason},
			"apns refused the provider token: check channels.push.apns.key_file, key_id and team_id; pushes are retried")
		return "", pushmsg.Temporary(code, "apns refused the provider token", 0, pushmsg.ErrCredentials)
	case res.Reason == apns2.ReasonTopicDisallowed || res.Reason == apns2.ReasonBadTopic || res.Reason == apns2.ReasonMissingTopic:
		n.alerts.Alert("topic", logrus.Fields{"apns_reason": res.Reason},
			"apns refused the topic: check channels.push.apns.topic against the key's team and app")
		return "", notify.Permanent(code, "apns refused the topic", pushmsg.ErrRejected)
	case res.Reason == apns2.ReasonDeviceTokenNotForTopic:
		return "", notify.Permanent(code, "device token belongs to another app", pushmsg.ErrRejected)
	case res.StatusCode >= 400:
		return "", notify.Permanent(code, "apns rejected the push", pushmsg.ErrRejected)
	default:
		n.alerts.Alert("unexpected", logrus.Fields{"http_status": res.StatusCode}, "unexpected reply instead of apns; pushes are retried")
		return "", pushmsg.Temporary(code, "unexpected reply from apns", 0, pushmsg.ErrUnavailable)
	}
}

// Close releases the idle connections of the HTTP/2 client.
func (n *Notifier) Close() error {
	if c, ok := n.client.HTTPClient.Transport.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
	return nil
}
