package sms

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	tclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/notify"
)

// FindPageSize is how many of the most recent messages to a number
// FindSent examines.
const FindPageSize = 50

// clockSkew widens FindSent's window: Twilio stamps date_created with its
// own clock, to the second.
const clockSkew = 2 * time.Minute

// FindSent reconciles an ambiguous failure (IsAmbiguous) before a retry:
// it looks among the FindPageSize most recent messages Twilio holds for
// m.To (from Config.From, or through Config.MessagingServiceSID) for one
// created at or after since, less two minutes for clock skew, with
// exactly m.Text as body. It returns that message's SID, or "" when there
// is none, in which case a retry cannot duplicate an SMS this Notifier
// sent since then.
//
// Limits: an account with message body redaction (or a Messaging Service
// that rewrites bodies) never matches, so "" is then not proof; and two
// identical notices to one number within the window are
// indistinguishable. Errors are *notify.DeliveryError values (temporary
// unless the number is malformed) and, like Notify's, carry no number,
// text or token.
func (n *Notifier) FindSent(ctx context.Context, m *notify.Message, since time.Time) (string, error) {
	if m == nil {
		return "", notify.Permanent("", "no message", errors.New("nil message"))
	}
	to, ok := normalizeNumber(m.To)
	if !ok {
		return "", notify.Permanent(CodeInvalidNumber, "recipient number is not in E.164 form", ErrInvalidNumber)
	}
	p := (&api.ListMessageParams{}).SetTo(to).SetPageSize(FindPageSize)
	if n.cfg.From != "" {
		p.SetFrom(n.cfg.From)
	}
	callCtx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	svc, c := n.service(callCtx)
	page, err := svc.PageMessage(p, "", "")
	c.finish()
	if err != nil {
		return "", n.lookupFailure(ctx, callCtx, c, err)
	}
	after := since.Add(-clockSkew)
	for _, msg := range page.Messages {
		if msg.Sid == nil || msg.Body == nil || *msg.Body != m.Text {
			continue
		}
		if n.cfg.MessagingServiceSID != "" && (msg.MessagingServiceSid == nil || *msg.MessagingServiceSid != n.cfg.MessagingServiceSID) {
			continue
		}
		if msg.Direction != nil && *msg.Direction != "outbound-api" {
			continue
		}
		if msg.DateCreated == nil {
			continue
		}
		created, err := time.Parse(time.RFC1123Z, *msg.DateCreated)
		if err != nil || created.Before(after) {
			continue
		}
		return *msg.Sid, nil
	}
	return "", nil
}

// lookupFailure classifies a failed message lookup. Nothing is sent by a
// lookup, so nothing is ambiguous; every failure is temporary.
func (n *Notifier) lookupFailure(ctx, callCtx context.Context, c *call, err error) error {
	var te *tclient.TwilioRestError
	status, code := c.status, 0
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
	apiErr := func(kind error) error { return &APIError{HTTPStatus: status, Code: code, kind: kind} }
	switch {
	case status == 0 && ctx.Err() != nil:
		return notify.Temporary("", "message lookup cancelled", ErrCanceled)
	case status == 0 && (callCtx.Err() != nil || isTimeout(err)):
		return notify.Temporary("", "twilio timed out listing messages", ErrTimeout)
	case status == 0:
		return notify.Temporary("", "cannot connect to twilio", ErrConnection)
	case code == 20429 || status == http.StatusTooManyRequests:
		return notify.Temporary(scode, "twilio throttled the message lookup", apiErr(ErrThrottled))
	case code == 20003 || status == http.StatusUnauthorized || status == http.StatusForbidden:
		return notify.Temporary(scode, "twilio refused the credentials", apiErr(ErrAuth))
	default:
		return notify.Temporary(scode, "twilio message lookup failed", apiErr(ErrServer))
	}
}
