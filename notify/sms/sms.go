// Package sms is the SMS channel: a notify.Notifier that hands each notice
// to Twilio's Programmable Messaging API (Messages resource, through
// github.com/twilio/twilio-go) and classifies every failure:
//
//   - permanent (the number is invalid, not mobile, unreachable from the
//     sender, unsubscribed by STOP, in a region the account may not send
//     to, or the body is refused: try the person's next channel);
//   - temporary (429 / 20429 throttling, 5xx, network trouble, bad
//     credentials or account: try again later);
//   - ambiguous, a temporary failure marked with the code
//     CodeAmbiguousTimeout, CodeAmbiguousConnection or CodeAmbiguousReply
//     (see IsAmbiguous): the request reached Twilio but no usable reply
//     came back, so the SMS may have been sent. Twilio's Messages API has
//     no idempotency key: retrying such a failure can send the person a
//     second, identical SMS. Before retrying, reconcile with FindSent
//     (which searches Twilio's Messages list for the notice) or the
//     status callback, or accept the duplicate risk knowingly.
//
// twilio-go takes no context.Context; Notify passes its context to the
// HTTP request through the transport, so cancellation and Config.Timeout
// both abort the request. Returned errors and log lines carry Twilio
// codes and generic reasons only, never the phone number, the text,
// Twilio's own error message (which can echo the number) or the token.
package sms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"golang.org/x/time/rate"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/twilioapi"
	"github.com/breach-notify/breach/notify"
)

// Codes of notify.DeliveryError for failures that are not Twilio error
// codes.
const (
	// CodeInvalidNumber: the recipient number is not E.164; nothing was
	// sent.
	CodeInvalidNumber = twilioapi.CodeInvalidNumber
	// CodeAmbiguousTimeout: the request was sent and no reply came within
	// Config.Timeout (or the context ended). The SMS may have gone.
	CodeAmbiguousTimeout = "ambiguous-timeout"
	// CodeAmbiguousConnection: the connection broke after the request was
	// sent. The SMS may have gone.
	CodeAmbiguousConnection = "ambiguous-connection"
	// CodeAmbiguousReply: Twilio answered 2xx (accepted) but the reply
	// could not be read or had no message SID. The SMS has most likely
	// gone.
	CodeAmbiguousReply = "ambiguous-reply"
)

// Sentinel errors wrapped by the delivery errors Notify returns; match
// them with errors.Is. Refusals by Twilio also wrap an *APIError.
var (
	// ErrInvalidNumber: the recipient number is malformed (refused here)
	// or invalid for Twilio (21211).
	ErrInvalidNumber = twilioapi.ErrInvalidNumber
	// ErrUnsubscribed: the recipient replied STOP to this sender (21610);
	// no SMS can reach them from it until they reply START.
	ErrUnsubscribed = errors.New("recipient unsubscribed from sms")
	// ErrRejected: Twilio refused the message for this recipient or this
	// content (any other 4xx).
	ErrRejected = errors.New("twilio rejected the message")
	// ErrThrottled: too many requests (HTTP 429, code 20429).
	ErrThrottled = twilioapi.ErrThrottled
	// ErrServer: Twilio answered 5xx or something that is not the API.
	ErrServer = twilioapi.ErrServer
	// ErrAuth: Twilio refused the credentials or the account (a
	// configuration problem, logged once).
	ErrAuth = twilioapi.ErrAuth
	// ErrConnection: Twilio could not be reached, nothing was sent.
	ErrConnection = twilioapi.ErrConnection
	// ErrTimeout: Twilio did not answer within Config.Timeout.
	ErrTimeout = twilioapi.ErrTimeout
	// ErrCanceled: the context ended before a reply.
	ErrCanceled = twilioapi.ErrCanceled
	// ErrAmbiguous: the request reached Twilio, its outcome is unknown,
	// and a retry can duplicate the SMS. Always wrapped together with
	// ErrTimeout, ErrCanceled, ErrConnection or ErrServer.
	ErrAmbiguous = errors.New("sms may have been sent")
)

// APIError is a refusal by the Twilio API, reduced to its codes: Twilio's
// message text is dropped because it can echo the phone number.
type APIError = twilioapi.APIError

// IsAmbiguous reports whether err says the SMS may have been sent although
// Notify failed (CodeAmbiguous…): a retry can duplicate it.
func IsAmbiguous(err error) bool { return errors.Is(err, ErrAmbiguous) }

// Notifier sends notices by SMS through Twilio. It is safe for concurrent
// use; the campaign engine bounds concurrency and rate.
type Notifier struct {
	// cfg and api are pointers so that fmt's %v of a Notifier shows
	// addresses: fmt cannot call config.Secret's Format through an
	// unexported field and would print the token.
	cfg *Config
	api *twilioapi.Client
	log *logrus.Entry

	sent, failed, ambiguous atomic.Int64

	// pace spaces the requests (Config.RatePerSec); nil: not paced.
	pace *rate.Limiter

	alerts *notify.Alerts
}

var _ notify.Notifier = (*Notifier)(nil)

// Stats counts what a Notifier did since New.
type Stats struct {
	// Sent is the number of messages Twilio accepted.
	Sent int64
	// Failed is the number of Notify calls that returned an error.
	Failed int64
	// Ambiguous counts the failures, among Failed, after which the SMS
	// may have been sent anyway.
	Ambiguous int64
}

// New validates cfg and returns a Notifier. Nothing is sent until the
// first Notify. Errors name the configuration key, never the token.
func New(cfg Config, log *logrus.Entry) (*Notifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = logging.Discard()
	}
	var transport http.RoundTripper
	switch {
	case cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil:
		transport = cfg.HTTPClient.Transport
	case cfg.HTTPClient != nil:
		transport = http.DefaultTransport
	default:
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Keep warm connections for the campaign's concurrent workers.
		t.MaxIdleConnsPerHost = 32
		// Drop idle connections before the far end does: a request
		// written on a connection the server is closing fails after it
		// was sent, which counts as ambiguous.
		t.IdleConnTimeout = 30 * time.Second
		transport = t
	}
	client, err := twilioapi.New(twilioapi.Config{AccountSID: cfg.AccountSID, AuthToken: cfg.AuthToken.Reveal(),
		BaseURL: cfg.BaseURL, Timeout: cfg.Timeout, Transport: transport})
	if err != nil {
		return nil, fmt.Errorf("channels.sms: %w", err)
	}
	n := &Notifier{cfg: &cfg, api: client, log: log.WithField("channel", "sms")}
	n.alerts = notify.NewAlerts(n.log, isSenderAlert)
	if cfg.RatePerSec > 0 {
		n.pace = rate.NewLimiter(rate.Limit(cfg.RatePerSec), 1)
	}
	if base := client.BaseURL(); base != nil {
		n.log = n.log.WithField("twilio_base_url", base.Scheme+"://"+base.Host)
		n.log.Warn("SMS go to channels.sms.base_url instead of Twilio")
	}
	return n, nil
}

// Stats returns counters since New.
func (n *Notifier) Stats() Stats {
	return Stats{Sent: n.sent.Load(), Failed: n.failed.Load(), Ambiguous: n.ambiguous.Load()}
}

// Notify sends m.Text to m.To (E.164; spaces, dashes, dots and
// parentheses are ignored) and returns Twilio's message SID ("SM…"). The
// SID identifies the message in status callbacks. Failures are
// *notify.DeliveryError values; see the package documentation for the
// classes, and IsAmbiguous before retrying.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	sid, err := n.notify(ctx, m)
	if err != nil {
		n.failed.Add(1)
		if IsAmbiguous(err) {
			n.ambiguous.Add(1)
		}
		return "", err
	}
	n.sent.Add(1)
	return sid, nil
}

func (n *Notifier) notify(ctx context.Context, m *notify.Message) (string, error) {
	to, err := twilioapi.Recipient(m)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(m.Text) == "" {
		return "", notify.Permanent("", "empty message text", errors.New("empty sms body"))
	}
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before sending", fmt.Errorf("%w: %w", ErrCanceled, err))
	}

	p := (&api.CreateMessageParams{}).SetTo(to).SetBody(m.Text)
	if n.cfg.From != "" {
		p.SetFrom(n.cfg.From)
	}
	if n.cfg.MessagingServiceSID != "" {
		p.SetMessagingServiceSid(n.cfg.MessagingServiceSID)
	}
	if n.cfg.StatusCallback != "" {
		p.SetStatusCallback(n.cfg.StatusCallback)
	}
	if n.cfg.ValidityPeriod > 0 {
		p.SetValidityPeriod(int(n.cfg.ValidityPeriod / time.Second))
	}

	if n.pace != nil {
		if err := n.pace.Wait(ctx); err != nil {
			return "", notify.Temporary("", "cancelled before sending (rate limit)", fmt.Errorf("%w: %w", ErrCanceled, err))
		}
	}
	msg, out, err := twilioapi.Do(ctx, n.api, func(svc *api.ApiService) (*api.ApiV2010Message, error) {
		return svc.CreateMessage(p)
	})
	if err != nil {
		return "", n.classify(ctx, m, out, err)
	}
	if out.Status < 200 || out.Status > 299 {
		// twilio-go passes 3xx through as success; a redirect is not the
		// API accepting the message (a wrong base_url, a captive proxy).
		n.alert("unexpected", logrus.Fields{"http_status": out.Status},
			"unexpected redirect instead of the twilio api: check channels.sms.base_url; SMS are retried")
		return "", notify.Temporary(twilioapi.Code(out.Status, 0), "unexpected reply from twilio",
			twilioapi.NewAPIError(out.Status, 0, ErrServer))
	}
	if msg == nil || msg.Sid == nil || *msg.Sid == "" {
		return "", n.ambiguousFailure(m, CodeAmbiguousReply,
			"twilio accepted the request but returned no message sid", ErrServer)
	}
	if msg.Status != nil && *msg.Status == "failed" {
		code, scode := 0, ""
		if msg.ErrorCode != nil {
			code, scode = *msg.ErrorCode, strconv.Itoa(*msg.ErrorCode)
		}
		return "", notify.Permanent(scode, "twilio reports the message failed",
			twilioapi.NewAPIError(out.Status, code, ErrRejected))
	}
	if n.alerts.Active() {
		n.recovered()
	}
	status := ""
	if msg.Status != nil {
		status = *msg.Status
	}
	n.log.WithFields(logrus.Fields{"notice": m.Key, "twilio_sid": *msg.Sid, "twilio_status": status}).Debug("sms accepted by twilio")
	return *msg.Sid, nil
}

// classify turns a CreateMessage error into a notify.DeliveryError.
func (n *Notifier) classify(ctx context.Context, m *notify.Message, out twilioapi.Outcome, err error) error {
	if status, code, moreInfo, restErr := twilioapi.Reply(out, err); restErr {
		if status == 0 && (code == 21222 || code == 21224) {
			// Refused by twilio-go itself before sending (New checks the
			// characters, so this is not expected).
			n.alert("auth", logrus.Fields{"twilio_code": code},
				"twilio client refused the credentials: check channels.sms.account_sid and auth_token_file; no SMS can be sent until it is fixed")
			return notify.Temporary(strconv.Itoa(code), "twilio credentials are malformed",
				twilioapi.NewAPIError(0, code, ErrAuth))
		}
		return n.refusal(status, code, moreInfo)
	}
	if out.Status >= 200 && out.Status < 300 {
		// Accepted, but the reply body could not be read or decoded.
		cause := ErrServer
		if twilioapi.IsTimeout(err) || out.Expired {
			cause = ErrTimeout
		}
		return n.ambiguousFailure(m, CodeAmbiguousReply, "twilio accepted the request but its reply was unreadable", cause)
	}
	if out.Status != 0 {
		// An error status without a Twilio error document: a proxy, a
		// load balancer or a wrong base URL answered.
		return n.refusal(out.Status, 0, "")
	}
	// No reply at all.
	cause := ErrConnection
	switch {
	case ctx.Err() != nil:
		cause = ErrCanceled
	case out.Expired || twilioapi.IsTimeout(err):
		cause = ErrTimeout
	}
	if out.Wrote {
		code, reason := CodeAmbiguousConnection, "connection to twilio lost after the request was sent"
		if cause != ErrConnection {
			code, reason = CodeAmbiguousTimeout, "no reply from twilio after the request was sent"
			if cause == ErrCanceled {
				reason = "cancelled after the request was sent"
			}
		}
		return n.ambiguousFailure(m, code, reason, cause)
	}
	switch cause {
	case ErrCanceled:
		return notify.Temporary("", "cancelled before the request was sent", fmt.Errorf("%w: %w", ErrCanceled, ctx.Err()))
	case ErrTimeout:
		n.alert("connect", logrus.Fields{"error": "timeout"}, "cannot reach twilio in time; SMS are retried")
		return notify.Temporary("", "twilio timed out before the request was sent", ErrTimeout)
	}
	fields := logrus.Fields{}
	if detail := twilioapi.NetDetail(err); detail != "" {
		fields["error"] = detail
	}
	n.alert("connect", fields, "cannot connect to twilio; SMS are retried")
	return notify.Temporary("", "cannot connect to twilio", ErrConnection)
}

// refusal classifies an error reply by HTTP status and Twilio code, and
// raises the alert of a configuration problem.
func (n *Notifier) refusal(status, code int, moreInfo string) error {
	class, err := refusals.Failure(status, code)
	fields := logrus.Fields{"twilio_code": code, "http_status": status}
	if moreInfo != "" && strings.HasPrefix(moreInfo, "https://www.twilio.com/") {
		fields["more_info"] = moreInfo
	}
	switch {
	case class == twilioapi.BadCredentials:
		n.alert("auth", fields,
			"twilio refused the credentials: check channels.sms.account_sid and auth_token_file; no SMS can be sent until it is fixed")
	case class == twilioapi.BadAccount:
		n.alert("account", fields,
			"twilio refused the account or the endpoint: check channels.sms.account_sid (suspended or closed account?) and base_url; SMS are retried")
	case class == twilioapi.Unexpected && status >= 400:
		// Not a Twilio error document: not evidence against the number.
		n.alert("unexpected", fields, "unexpected error reply instead of the twilio api; SMS are retried")
	case class == twilioapi.Refused && senderProblems[code]:
		// Not about this person: every SMS to such destinations fails
		// until the configuration changes. Say so once.
		n.alert("sender-"+twilioapi.Code(status, code), fields,
			"twilio refused the sender or destination region: check channels.sms.from, messaging_service_sid and the account's geographic permissions")
	}
	return err
}

// refusals words the Twilio codes that refuse one message for good, in
// words free of personal data.
var refusals = twilioapi.Refusals{
	Default:  "twilio rejected the message",
	Kinds:    map[int]error{21211: ErrInvalidNumber, 21610: ErrUnsubscribed},
	Rejected: ErrRejected,
	Reasons: map[int]string{
		21211: "invalid recipient number",
		21408: "sending to this region is not enabled for the account",
		21602: "message body is required",
		21606: "sender cannot send to this destination",
		21608: "trial account cannot send to an unverified number",
		21610: "recipient unsubscribed (replied STOP)",
		21612: "recipient cannot be reached from this sender",
		21614: "recipient number is not a mobile number",
		21617: "message body exceeds 1600 characters",
		21635: "recipient number is a landline",
		21212: "invalid sender number",
		21659: "sender is not a twilio number of this account",
		21660: "sender does not belong to the account",
		21703: "messaging service has no sender for this destination",
	},
}

// senderProblems are refusals caused by the configuration, not by the
// recipient.
var senderProblems = map[int]bool{21212: true, 21408: true, 21606: true, 21608: true, 21659: true, 21660: true, 21703: true}

// ambiguousFailure records and returns a failure after which the SMS may
// have been sent.
func (n *Notifier) ambiguousFailure(m *notify.Message, code, reason string, cause error) error {
	n.log.WithFields(logrus.Fields{"notice": m.Key, "code": code}).
		Warn("the SMS may have been sent although twilio gave no usable reply; a retry can send it twice")
	return notify.Temporary(code, reason+"; the sms may have been sent", fmt.Errorf("%w: %w", ErrAmbiguous, cause))
}

// alert logs a configuration or connectivity problem once, until a message
// is accepted again. Fields must not carry personal data.
func (n *Notifier) alert(kind string, fields logrus.Fields, msg string) {
	n.alerts.Raise(kind, fields, msg)
}

// isSenderAlert: sender and region refusals depend on the destination: a
// message accepted for another country does not clear them, and they do
// not count as the provider being down.
func isSenderAlert(kind string) bool { return strings.HasPrefix(kind, "sender-") }

// recovered clears the alerts, except the sender ones, after an accepted
// message.
func (n *Notifier) recovered() { n.alerts.Clear(isSenderAlert, "twilio accepts SMS again") }
