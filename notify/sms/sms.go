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
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	tclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
)

// Codes of notify.DeliveryError for failures that are not Twilio error
// codes.
const (
	// CodeInvalidNumber: the recipient number is not E.164; nothing was
	// sent.
	CodeInvalidNumber = "invalid-e164"
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
	ErrInvalidNumber = errors.New("invalid recipient number")
	// ErrUnsubscribed: the recipient replied STOP to this sender (21610);
	// no SMS can reach them from it until they reply START.
	ErrUnsubscribed = errors.New("recipient unsubscribed from sms")
	// ErrRejected: Twilio refused the message for this recipient or this
	// content (any other 4xx).
	ErrRejected = errors.New("twilio rejected the message")
	// ErrThrottled: too many requests (HTTP 429, code 20429).
	ErrThrottled = errors.New("twilio throttled the request")
	// ErrServer: Twilio answered 5xx or something that is not the API.
	ErrServer = errors.New("twilio server error")
	// ErrAuth: Twilio refused the credentials or the account (a
	// configuration problem, logged once).
	ErrAuth = errors.New("twilio refused the credentials")
	// ErrConnection: Twilio could not be reached, nothing was sent.
	ErrConnection = errors.New("cannot connect to twilio")
	// ErrTimeout: Twilio did not answer within Config.Timeout.
	ErrTimeout = errors.New("twilio timed out")
	// ErrCanceled: the context ended before a reply.
	ErrCanceled = errors.New("sms request cancelled")
	// ErrAmbiguous: the request reached Twilio, its outcome is unknown,
	// and a retry can duplicate the SMS. Always wrapped together with
	// ErrTimeout, ErrCanceled, ErrConnection or ErrServer.
	ErrAmbiguous = errors.New("sms may have been sent")
)

// APIError is a refusal by the Twilio API, reduced to its codes: Twilio's
// message text is dropped because it can echo the phone number.
type APIError struct {
	// HTTPStatus is the HTTP status of the reply.
	HTTPStatus int
	// Code is Twilio's error code (https://www.twilio.com/docs/api/errors),
	// 0 when the reply was not a Twilio error document.
	Code int
	kind error
}

func (e *APIError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("twilio http %d", e.HTTPStatus)
	}
	return fmt.Sprintf("twilio error %d (http %d)", e.Code, e.HTTPStatus)
}

// Unwrap returns the sentinel describing the class of refusal.
func (e *APIError) Unwrap() error { return e.kind }

// IsAmbiguous reports whether err says the SMS may have been sent although
// Notify failed (CodeAmbiguous…): a retry can duplicate it.
func IsAmbiguous(err error) bool { return errors.Is(err, ErrAmbiguous) }

// Notifier sends notices by SMS through Twilio. It is safe for concurrent
// use; the campaign engine bounds concurrency and rate.
type Notifier struct {
	// cfg is a pointer so that fmt's %v of a Notifier shows an address:
	// fmt cannot call config.Secret's Format through an unexported field
	// and would print the token.
	cfg       *Config
	log       *logrus.Entry
	transport http.RoundTripper
	base      *url.URL // nil: Twilio itself

	sent, failed, ambiguous atomic.Int64

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
	n := &Notifier{
		cfg: &cfg,
		log: log.WithField("channel", "sms"),
	}
	n.alerts = notify.NewAlerts(n.log, isSenderAlert)
	switch {
	case cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil:
		n.transport = cfg.HTTPClient.Transport
	case cfg.HTTPClient != nil:
		n.transport = http.DefaultTransport
	default:
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Keep warm connections for the campaign's concurrent workers.
		t.MaxIdleConnsPerHost = 32
		// Drop idle connections before the far end does: a request
		// written on a connection the server is closing fails after it
		// was sent, which counts as ambiguous.
		t.IdleConnTimeout = 30 * time.Second
		n.transport = t
	}
	if cfg.BaseURL != "" {
		n.base, _ = url.Parse(cfg.BaseURL) // checked by withDefaults
		n.log = n.log.WithField("twilio_base_url", n.base.Scheme+"://"+n.base.Host)
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
	if m == nil {
		return "", notify.Permanent("", "no message", errors.New("nil message"))
	}
	if strings.TrimSpace(m.To) == "" {
		return "", notify.Permanent("", "no phone number", notify.ErrNoAddress)
	}
	to, ok := normalizeNumber(m.To)
	if !ok {
		return "", notify.Permanent(CodeInvalidNumber, "recipient number is not in E.164 form", ErrInvalidNumber)
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

	callCtx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	svc, c := n.service(callCtx)
	msg, err := svc.CreateMessage(p)
	c.finish()

	if err != nil {
		return "", n.classify(ctx, callCtx, m, c, err)
	}
	if c.status < 200 || c.status > 299 {
		// twilio-go passes 3xx through as success; a redirect is not the
		// API accepting the message (a wrong base_url, a captive proxy).
		n.alert("unexpected", logrus.Fields{"http_status": c.status},
			"unexpected redirect instead of the twilio api: check channels.sms.base_url; SMS are retried")
		return "", notify.Temporary("http-"+strconv.Itoa(c.status), "unexpected reply from twilio",
			&APIError{HTTPStatus: c.status, kind: ErrServer})
	}
	if msg == nil || msg.Sid == nil || *msg.Sid == "" {
		return "", n.ambiguousFailure(m, CodeAmbiguousReply,
			"twilio accepted the request but returned no message sid", ErrServer)
	}
	if msg.Status != nil && *msg.Status == "failed" {
		code := ""
		if msg.ErrorCode != nil {
			code = strconv.Itoa(*msg.ErrorCode)
		}
		return "", notify.Permanent(code, "twilio reports the message failed",
			&APIError{HTTPStatus: c.status, Code: atoi(code), kind: ErrRejected})
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

// service returns a Twilio API client for one request bound to ctx, and
// the transport recording that request.
func (n *Notifier) service(ctx context.Context) (*api.ApiService, *call) {
	c := &call{ctx: ctx, next: n.transport, base: n.base}
	// Credentials are built per request so that the token stays a
	// config.Secret (printing as <secret>) in the Notifier.
	tc := &tclient.Client{Credentials: tclient.NewCredentials(n.cfg.AccountSID, n.cfg.AuthToken.Reveal()), HTTPClient: &http.Client{
		Transport: c,
		// A redirect is not the Twilio API: do not follow it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	tc.SetAccountSid(n.cfg.AccountSID)
	// Edge and Region are left empty on purpose: TWILIO_EDGE/TWILIO_REGION
	// from the environment would silently move the traffic.
	return api.NewApiService(&tclient.RequestHandler{Client: tc}), c
}

// classify turns a CreateMessage error into a notify.DeliveryError.
func (n *Notifier) classify(ctx, callCtx context.Context, m *notify.Message, c *call, err error) error {
	var te *tclient.TwilioRestError
	if errors.As(err, &te) {
		status := te.Status
		if status == 0 {
			status = c.status
		}
		if status == 0 && (te.Code == 21222 || te.Code == 21224) {
			// Refused by twilio-go itself before sending (New checks the
			// characters, so this is not expected).
			n.alert("auth", logrus.Fields{"twilio_code": te.Code},
				"twilio client refused the credentials: check channels.sms.account_sid and auth_token_file; no SMS can be sent until it is fixed")
			return notify.Temporary(strconv.Itoa(te.Code), "twilio credentials are malformed",
				&APIError{Code: te.Code, kind: ErrAuth})
		}
		return n.refusal(status, te.Code, te.MoreInfo)
	}
	if c.status >= 200 && c.status < 300 {
		// Accepted, but the reply body could not be read or decoded.
		cause := ErrServer
		if isTimeout(err) || callCtx.Err() != nil {
			cause = ErrTimeout
		}
		return n.ambiguousFailure(m, CodeAmbiguousReply, "twilio accepted the request but its reply was unreadable", cause)
	}
	if c.status != 0 {
		// An error status without a Twilio error document: a proxy, a
		// load balancer or a wrong base URL answered.
		return n.refusal(c.status, 0, "")
	}
	// No reply at all.
	cause := ErrConnection
	switch {
	case ctx.Err() != nil:
		cause = ErrCanceled
	case callCtx.Err() != nil || isTimeout(err):
		cause = ErrTimeout
	}
	if c.wrote.Load() {
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
	if detail := netDetail(err); detail != "" {
		fields["error"] = detail
	}
	n.alert("connect", fields, "cannot connect to twilio; SMS are retried")
	return notify.Temporary("", "cannot connect to twilio", ErrConnection)
}

// refusal classifies an error reply by HTTP status and Twilio code.
func (n *Notifier) refusal(status, code int, moreInfo string) error {
	scode := ""
	if code != 0 {
		scode = strconv.Itoa(code)
	} else if status != 0 {
		scode = "http-" + strconv.Itoa(status)
	}
	apiErr := func(kind error) *APIError { return &APIError{HTTPStatus: status, Code: code, kind: kind} }
	alertFields := logrus.Fields{"twilio_code": code, "http_status": status}
	if moreInfo != "" && strings.HasPrefix(moreInfo, "https://www.twilio.com/") {
		alertFields["more_info"] = moreInfo
	}

	switch {
	case code == 20429 || status == http.StatusTooManyRequests:
		return notify.Temporary(scode, "twilio throttled the request", apiErr(ErrThrottled))
	case status >= 500:
		return notify.Temporary(scode, "twilio server error", apiErr(ErrServer))
	case code == 20003 || status == http.StatusUnauthorized:
		n.alert("auth", alertFields,
			"twilio refused the credentials: check channels.sms.account_sid and auth_token_file; no SMS can be sent until it is fixed")
		return notify.Temporary(scode, "twilio refused the credentials", apiErr(ErrAuth))
	case code == 20005 || code == 20404 || status == http.StatusForbidden || status == http.StatusNotFound ||
		status == http.StatusMethodNotAllowed:
		n.alert("account", alertFields,
			"twilio refused the account or the endpoint: check channels.sms.account_sid (suspended or closed account?) and base_url; SMS are retried")
		return notify.Temporary(scode, "twilio refused the account or endpoint", apiErr(ErrAuth))
	case status >= 400 && code == 0:
		// Not a Twilio error document: not evidence against the number.
		n.alert("unexpected", alertFields, "unexpected error reply instead of the twilio api; SMS are retried")
		return notify.Temporary(scode, "unexpected reply from twilio", apiErr(ErrServer))
	case status >= 400 || code != 0:
		reason, known := permanentReasons[code]
		if !known {
			reason = "twilio rejected the message"
		}
		kind := ErrRejected
		switch code {
		case 21211:
			kind = ErrInvalidNumber
		case 21610:
			kind = ErrUnsubscribed
		}
		if senderProblems[code] {
			// Not about this person: every SMS to such destinations fails
			// until the configuration changes. Say so once.
			n.alert("sender-"+scode, alertFields,
				"twilio refused the sender or destination region: check channels.sms.from, messaging_service_sid and the account's geographic permissions")
		}
		return notify.Permanent(scode, reason, apiErr(kind))
	default:
		return notify.Temporary(scode, "unexpected reply from twilio", apiErr(ErrServer))
	}
}

// permanentReasons describes the Twilio codes that refuse one message for
// good, in words free of personal data.
var permanentReasons = map[int]string{
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

// call is the transport of one CreateMessage request: it carries the
// Notify context (twilio-go has none), rewrites the base URL, and records
// whether the request was written and which status came back.
type call struct {
	ctx  context.Context
	next http.RoundTripper
	base *url.URL

	wrote  atomic.Bool
	mu     sync.Mutex
	status int
	resp   *http.Response
}

func (c *call) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := httptrace.WithClientTrace(c.ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				c.wrote.Store(true)
			}
		},
	})
	r := req.Clone(ctx)
	if c.base != nil {
		r.URL.Scheme, r.URL.Host = c.base.Scheme, c.base.Host
		r.URL.Path = strings.TrimSuffix(c.base.Path, "/") + r.URL.Path
		r.URL.RawPath = ""
		r.Host = ""
	}
	resp, err := c.next.RoundTrip(r)
	if resp != nil {
		c.mu.Lock()
		c.status, c.resp = resp.StatusCode, resp
		c.mu.Unlock()
	}
	return resp, err
}

// finish closes the reply body: twilio-go leaves it open after an error
// reply. Draining a little first keeps the connection reusable.
func (c *call) finish() {
	c.mu.Lock()
	resp := c.resp
	c.mu.Unlock()
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// netDetail describes a network error without the request URL, e.g.
// "dial tcp 127.0.0.1:443: connect: connection refused".
func netDetail(err error) string {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Error()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Error()
	}
	return ""
}

func atoi(s string) int {
	i, _ := strconv.Atoi(s)
	return i
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
