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
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sirupsen/logrus"
	tclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/templates"
)

// Sentinel errors wrapped by the delivery errors Notify returns.
var (
	// ErrInvalidNumber: the number is malformed, or Twilio says it is.
	ErrInvalidNumber = errors.New("invalid recipient number")
	// ErrRejected: Twilio refused the call to this number.
	ErrRejected = errors.New("twilio rejected the call")
	// ErrThrottled: too many requests (429, 20429).
	ErrThrottled = errors.New("twilio throttled the request")
	// ErrServer: Twilio answered 5xx or something that is not its API.
	ErrServer = errors.New("twilio server error")
	// ErrAuth: Twilio refused the credentials, the account or the
	// endpoint.
	ErrAuth = errors.New("twilio refused the credentials")
	// ErrConnection: Twilio could not be reached; nothing was sent.
	ErrConnection = errors.New("cannot connect to twilio")
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
	alerted   sync.Map // problem kind → true, logged once

	placed, failed atomic.Int64
}

type state struct {
	cfg   Config
	token string
	base  *url.URL
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
	n := &Notifier{st: &state{cfg: cfg, token: tok}, log: log.WithField("channel", "voice")}
	for _, o := range opts {
		o(n)
	}
	if n.transport == nil {
		n.transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.BaseURL != "" {
		n.st.base, _ = url.Parse(cfg.BaseURL) // checked by withDefaults
		n.log.WithField("twilio_base_url", n.st.base.Scheme+"://"+n.st.base.Host).Warn("calls go to channels.voice.base_url instead of Twilio")
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
	if m == nil {
		return "", notify.Permanent("", "no message", errors.New("nil message"))
	}
	if strings.TrimSpace(m.To) == "" {
		return "", notify.Permanent("", "no phone number", notify.ErrNoAddress)
	}
	to, ok := normalizeNumber(m.To)
	if !ok {
		return "", notify.Permanent("invalid-e164", "recipient number is not in E.164 form", ErrInvalidNumber)
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
	callCtx, cancel := context.WithTimeout(ctx, n.st.cfg.Timeout)
	defer cancel()
	svc, rt := n.service(callCtx)
	call, err := svc.CreateCall(p)
	rt.finish()
	if err != nil {
		return "", n.classify(ctx, callCtx, m, rt, err)
	}
	if call == nil || call.Sid == nil || *call.Sid == "" {
		return "", n.ambiguous(m, "twilio accepted the request but its reply has no call sid", ErrServer)
	}
	n.log.WithFields(logrus.Fields{"notice": m.Key, "twilio_sid": *call.Sid}).Debug("call queued by twilio")
	return *call.Sid, nil
}

// service returns a Twilio API client bound to ctx and the transport that
// records the request.
func (n *Notifier) service(ctx context.Context) (*api.ApiService, *roundTrip) {
	rt := &roundTrip{ctx: ctx, next: n.transport, base: n.st.base}
	c := &tclient.Client{Credentials: tclient.NewCredentials(n.st.cfg.AccountSID, n.st.token), HTTPClient: &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	c.SetAccountSid(n.st.cfg.AccountSID)
	return api.NewApiService(&tclient.RequestHandler{Client: c}), rt
}

// permanentReasons are Twilio's refusals of one call for good, in words
// free of personal data.
var permanentReasons = map[int]string{
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
}

// senderProblems are refusals caused by the configuration, logged once.
var senderProblems = map[int]bool{21210: true, 21212: true, 21215: true}

// classify turns a CreateCall error into a notify.DeliveryError.
func (n *Notifier) classify(ctx, callCtx context.Context, m *notify.Message, rt *roundTrip, err error) error {
	status, code := rt.status, 0
	var te *tclient.TwilioRestError
	if errors.As(err, &te) {
		code = te.Code
		if te.Status != 0 {
			status = te.Status
		}
	}
	scode := ""
	switch {
	case code != 0:
		scode = strconv.Itoa(code)
	case status != 0:
		scode = "http-" + strconv.Itoa(status)
	}
	apiErr := func(kind error) error { return fmt.Errorf("twilio %s: %w", scode, kind) }
	switch {
	case status >= 200 && status < 300:
		return n.ambiguous(m, "twilio accepted the request but its reply was unreadable", ErrServer)
	case status == 0 && rt.wrote.Load():
		return n.ambiguous(m, "no usable reply from twilio after the request was sent", ErrConnection)
	case status == 0 && ctx.Err() != nil:
		return notify.Temporary("", "cancelled before the request was sent", ctx.Err())
	case status == 0:
		fields := logrus.Fields{}
		if d := netDetail(err); d != "" {
			fields["error"] = d
		}
		if callCtx.Err() != nil {
			fields["error"] = "timeout"
		}
		n.alert("connect", fields, "cannot connect to twilio; calls are retried")
		return notify.Temporary("", "cannot connect to twilio", ErrConnection)
	case code == 20429 || status == http.StatusTooManyRequests:
		return notify.Temporary(scode, "twilio throttled the request", apiErr(ErrThrottled))
	case status >= 500:
		return notify.Temporary(scode, "twilio server error", apiErr(ErrServer))
	case code == 20003 || status == http.StatusUnauthorized:
		n.alert("auth", logrus.Fields{"twilio_code": code},
			"twilio refused the credentials: check channels.voice.account_sid and auth_token_file; no call can be placed until it is fixed")
		return notify.Temporary(scode, "twilio refused the credentials", apiErr(ErrAuth))
	case code == 20404 || status == http.StatusNotFound || status == http.StatusForbidden || status == http.StatusMethodNotAllowed:
		n.alert("account", logrus.Fields{"twilio_code": code, "http_status": status},
			"twilio refused the account or the endpoint: check channels.voice.account_sid and base_url; calls are retried")
		return notify.Temporary(scode, "twilio refused the account or endpoint", apiErr(ErrAuth))
	case code == 0:
		n.alert("unexpected", logrus.Fields{"http_status": status}, "unexpected reply instead of the twilio api; calls are retried")
		return notify.Temporary(scode, "unexpected reply from twilio", apiErr(ErrServer))
	}
	reason, known := permanentReasons[code]
	if !known {
		reason = "twilio rejected the call"
	}
	kind := ErrRejected
	if code == 21211 || code == 13223 || code == 13224 {
		kind = ErrInvalidNumber
	}
	if senderProblems[code] {
		n.alert("sender-"+scode, logrus.Fields{"twilio_code": code},
			"twilio refused the caller id or destination region: check channels.voice.from and the account's voice geographic permissions")
	}
	return notify.Permanent(scode, reason, apiErr(kind))
}

// ambiguous records and returns a failure after which the call may have
// been placed.
func (n *Notifier) ambiguous(m *notify.Message, reason string, cause error) error {
	n.log.WithField("notice", m.Key).Warn("the call may have been placed although twilio gave no usable reply; a retry can call twice")
	return notify.Temporary("ambiguous", reason+"; the call may have been placed", fmt.Errorf("%w: %w", ErrAmbiguous, cause))
}

// alert logs a configuration or connectivity problem once per kind.
func (n *Notifier) alert(kind string, fields logrus.Fields, msg string) {
	if _, seen := n.alerted.LoadOrStore(kind, true); seen {
		return
	}
	n.log.WithFields(fields).WithField("problem", kind).Error(msg)
}

// roundTrip is the transport of one CreateCall request: it carries the
// Notify context (twilio-go takes none), rewrites the base URL, and
// records whether the request was written and which status came back.
type roundTrip struct {
	ctx  context.Context
	next http.RoundTripper
	base *url.URL

	wrote  atomic.Bool
	status int
	resp   *http.Response
}

func (rt *roundTrip) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := httptrace.WithClientTrace(rt.ctx, &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			rt.wrote.Store(true)
		}
	}})
	r := req.Clone(ctx)
	if rt.base != nil {
		r.URL.Scheme, r.URL.Host, r.Host = rt.base.Scheme, rt.base.Host, ""
		r.URL.Path = strings.TrimSuffix(rt.base.Path, "/") + r.URL.Path
		r.URL.RawPath = ""
	}
	resp, err := rt.next.RoundTrip(r)
	if resp != nil {
		rt.status, rt.resp = resp.StatusCode, resp
	}
	return resp, err
}

// finish closes the reply body, which twilio-go leaves open after an
// error reply.
func (rt *roundTrip) finish() {
	if rt.resp != nil && rt.resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(rt.resp.Body, 64<<10))
		_ = rt.resp.Body.Close()
	}
}

// netDetail describes a network error without the request URL.
func netDetail(err error) string {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Error()
	}
	return ""
}

// normalizeNumber strips the separators people type in phone numbers and
// reports whether what remains is E.164.
func normalizeNumber(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')', '\u00a0':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	return s, e164Re.MatchString(s)
}
