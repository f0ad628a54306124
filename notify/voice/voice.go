// Package voice is the voice-call channel: a notify.Notifier that places a
// call through Twilio's Calls API (github.com/twilio/twilio-go, API
// 2010-04-01) with inline TwiML whose <Say> reads the short spoken notice
// (what happened, the reference spelled out, where to read the full
// notice) in the person's language, and optionally asks Twilio to post the
// call's final status to a callback (see sms.StatusHandler, which handles
// both messages and calls).
//
// Notify returns the call SID ("CA…") once Twilio has queued the call;
// whether the person answered is only known from the status callback
// (completed = delivered; busy, no-answer, failed = try the next route).
// Failures are *notify.DeliveryError values classified like the SMS
// channel's: permanent for a number Twilio refuses (21211 invalid, 21214
// unreachable, 21215/21216 not permitted, 21610 blocked, 21614, 13223/13224
// malformed), temporary for throttling (429/20429), 5xx, network trouble
// and bad credentials. The Calls API has no idempotency key: a request
// that was sent but got no reply is a temporary failure wrapping
// ErrAmbiguous (a retry may ring the person twice); FindSent
// (notify.Reconciler) looks the call up before a retry. Errors and log lines
// carry Twilio codes and SIDs only, never the number, the script, Twilio's
// message (which echoes the number) or the token.
package voice

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/sirupsen/logrus"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/twilioapi"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/templates"
)

// Sentinel errors wrapped by the delivery errors Notify returns. Refusals
// by Twilio also wrap a *twilioapi.APIError.
var (
	// ErrInvalidNumber: the number is malformed, or Twilio says it is.
	ErrInvalidNumber = twilioapi.ErrInvalidNumber
	// ErrRejected: Twilio refused the call to this number.
	ErrRejected = errors.New("twilio rejected the call")
	// ErrThrottled: too many requests (429, 20429).
	ErrThrottled = twilioapi.ErrThrottled
	// ErrServer: Twilio answered 5xx or something that is not its API.
	ErrServer = twilioapi.ErrServer
	// ErrAuth: Twilio refused the credentials, the account or the
	// endpoint.
	ErrAuth = twilioapi.ErrAuth
	// ErrConnection: Twilio could not be reached; nothing was sent.
	ErrConnection = twilioapi.ErrConnection
	// ErrAmbiguous: the request reached Twilio and no usable reply came
	// back; the call may have been placed.
	ErrAmbiguous = errors.New("call may have been placed")
)

// Secret is the auth token: config.Secret satisfies it.
type Secret interface{ Reveal() string }

// Notifier places notice calls through Twilio. It is safe for concurrent
// use.
type Notifier struct {
	// st is a pointer so that fmt's %v of a Notifier shows an address,
	// never the token.
	st        *state
	log       *logrus.Entry
	transport http.RoundTripper
	alerts    *notify.Alerts

	placed, failed atomic.Int64
}

type state struct {
	cfg Config
	api *twilioapi.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// Option adjusts a Notifier.
type Option func(*Notifier)

// WithTransport sends the requests through rt (a proxy, a test server's
// TLS) instead of a clone of http.DefaultTransport.
func WithTransport(rt http.RoundTripper) Option { return func(n *Notifier) { n.transport = rt } }

// New validates cfg and token and returns a Notifier; errors name the
// configuration key and never carry the token. A nil log discards.
func New(cfg Config, token Secret, log *logrus.Entry, opts ...Option) (*Notifier, error) {
	cfg, err := cfg.withDefaults()
	tok := ""
	if token != nil {
		tok = token.Reveal()
	}
	if terr := checkAuthToken(tok); terr != nil {
		err = errors.Join(err, terr)
	}
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = logging.Discard()
	}
	n := &Notifier{st: &state{cfg: cfg}, log: log.WithField("channel", "voice")}
	n.alerts = notify.NewAlerts(n.log, isSenderAlert)
	for _, o := range opts {
		o(n)
	}
	// A nil transport is a clone of http.DefaultTransport.
	client, err := twilioapi.New(twilioapi.Config{AccountSID: cfg.AccountSID, AuthToken: tok, BaseURL: cfg.BaseURL,
		Timeout: cfg.Timeout, Transport: n.transport})
	if err != nil {
		return nil, fmt.Errorf("channels.voice: %w", err)
	}
	n.st.api = client
	if base := client.BaseURL(); base != nil {
		n.log.WithField("twilio_base_url", base.Scheme+"://"+base.Host).Warn("calls go to channels.voice.base_url instead of Twilio")
	}
	return n, nil
}

// RatePerSec is the configured call rate, for the campaign's limiter.
func (n *Notifier) RatePerSec() float64 { return n.st.cfg.RatePerSec }

// Placed counts the calls Twilio queued since New.
func (n *Notifier) Placed() int64 { return n.placed.Load() }

// Failed counts the Notify calls that returned an error since New.
func (n *Notifier) Failed() int64 { return n.failed.Load() }

// VoiceFor returns the voice of a person's locale (any BCP 47 tag; the
// nearest notice locale, English when none is near).
func (n *Notifier) VoiceFor(locale string) Voice {
	return n.st.cfg.Voices[templates.MatchLocale(locale)]
}

// Notify calls m.To (E.164; spaces, dashes, dots and parentheses are
// ignored) and speaks m.Text, the rendered voice script, in the voice of
// m.Locale. It returns the call SID.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	sid, err := n.notify(ctx, m)
	if err != nil {
		n.failed.Add(1)
		return "", err
	}
	n.placed.Add(1)
	return sid, nil
}

func (n *Notifier) notify(ctx context.Context, m *notify.Message) (string, error) {
	to, err := twilioapi.Recipient(m)
	if err != nil {
		return "", err
	}
	twiml, err := TwiML(m.Text, n.VoiceFor(m.Locale))
	if err != nil {
		return "", notify.Permanent("", "voice script cannot be spoken", err)
	}
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before the request was sent", err)
	}
	p := (&api.CreateCallParams{}).SetTo(to).SetFrom(n.st.cfg.From).SetTwiml(twiml)
	if n.st.cfg.StatusCallback != "" {
		p.SetStatusCallback(n.st.cfg.StatusCallback).SetStatusCallbackMethod(http.MethodPost)
	}
	call, out, err := twilioapi.Do(ctx, n.st.api, func(svc *api.ApiService) (*api.ApiV2010Call, error) {
		return svc.CreateCall(p)
	})
	if err != nil {
		return "", n.classify(ctx, m, out, err)
	}
	if call == nil || call.Sid == nil || *call.Sid == "" {
		return "", n.ambiguous(m, "twilio accepted the request but its reply has no call sid", ErrServer)
	}
	if n.alerts.Active() {
		n.recovered()
	}
	n.log.WithFields(logrus.Fields{"notice": m.Key, "twilio_sid": *call.Sid}).Debug("call queued by twilio")
	return *call.Sid, nil
}

// refusals words Twilio's refusals of one call for good, in words free of
// personal data.
var refusals = twilioapi.Refusals{
	Default:  "twilio rejected the call",
	Kinds:    map[int]error{21211: ErrInvalidNumber, 13223: ErrInvalidNumber, 13224: ErrInvalidNumber},
	Rejected: ErrRejected,
	Reasons: map[int]string{
		13223: "recipient number has an invalid format",
		13224: "recipient number is invalid",
		21210: "caller id is not verified for the account",
		21211: "invalid recipient number",
		21212: "invalid caller id",
		21214: "recipient number cannot be reached",
		21215: "calls to this region are not enabled for the account",
		21216: "the account may not call this number",
		21610: "recipient has blocked calls from this number",
		21614: "recipient number is not a mobile number",
	},
}

// senderProblems are refusals caused by the configuration, logged once.
var senderProblems = map[int]bool{21210: true, 21212: true, 21215: true}

// classify turns a CreateCall error into a notify.DeliveryError.
func (n *Notifier) classify(ctx context.Context, m *notify.Message, out twilioapi.Outcome, err error) error {
	status, code, _, _ := twilioapi.Reply(out, err)
	switch {
	case status >= 200 && status < 300:
		return n.ambiguous(m, "twilio accepted the request but its reply was unreadable", ErrServer)
	case status == 0 && out.Wrote:
		return n.ambiguous(m, "no usable reply from twilio after the request was sent", ErrConnection)
	case status == 0 && ctx.Err() != nil:
		return notify.Temporary("", "cancelled before the request was sent", ctx.Err())
	case status == 0:
		fields := logrus.Fields{}
		if d := twilioapi.NetDetail(err); d != "" {
			fields["error"] = d
		}
		if out.Expired {
			fields["error"] = "timeout"
		}
		n.alert("connect", fields, "cannot connect to twilio; calls are retried")
		return notify.Temporary("", "cannot connect to twilio", ErrConnection)
	}
	class, failure := refusals.Failure(status, code)
	switch {
	case class == twilioapi.BadCredentials:
		n.alert("auth", logrus.Fields{"twilio_code": code},
			"twilio refused the credentials: check channels.voice.account_sid and auth_token_file; no call can be placed until it is fixed")
	case class == twilioapi.BadAccount:
		n.alert("account", logrus.Fields{"twilio_code": code, "http_status": status},
			"twilio refused the account or the endpoint: check channels.voice.account_sid and base_url; calls are retried")
	case class == twilioapi.Unexpected:
		n.alert("unexpected", logrus.Fields{"http_status": status}, "unexpected reply instead of the twilio api; calls are retried")
	case class == twilioapi.Refused && senderProblems[code]:
		n.alert("sender-"+twilioapi.Code(status, code), logrus.Fields{"twilio_code": code},
			"twilio refused the caller id or destination region: check channels.voice.from and the account's voice geographic permissions")
	}
	return failure
}

// ambiguous records and returns a failure after which the call may have
// been placed.
func (n *Notifier) ambiguous(m *notify.Message, reason string, cause error) error {
	n.log.WithField("notice", m.Key).Warn("the call may have been placed although twilio gave no usable reply; a retry can call twice")
	return notify.Temporary("ambiguous", reason+"; the call may have been placed", fmt.Errorf("%w: %w", ErrAmbiguous, cause))
}

// alert logs a configuration or connectivity problem once per kind, until
// Twilio queues a call again (notify.Alerts, as for e-mail and SMS).
func (n *Notifier) alert(kind string, fields logrus.Fields, msg string) {
	n.alerts.Raise(kind, fields, msg)
}

// isSenderAlert: a refused caller id or destination region depends on the
// number called, so a call to another number going through does not end
// it, and it does not count as an outage.
func isSenderAlert(kind string) bool { return strings.HasPrefix(kind, "sender-") }

// recovered clears the alerts, except the sender ones, after a queued
// call, and says so once.
func (n *Notifier) recovered() { n.alerts.Clear(isSenderAlert, "twilio accepts calls again") }
