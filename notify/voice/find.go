package voice

import (
	"context"
	"errors"
	"strconv"
	"time"

	tclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/notify"
)

// FindPageSize is how many of the most recent calls to a number FindSent
// examines.
const FindPageSize = 20

// clockSkew widens FindSent's window: Twilio stamps date_created with its
// own clock, to the second.
const clockSkew = 2 * time.Minute

var _ notify.Reconciler = (*Notifier)(nil)

// FindSent reconciles an ambiguous failure (ErrAmbiguous) before a retry:
// it looks among the FindPageSize most recent calls Twilio holds from
// Config.From to m.To for an outbound API call created at or after since,
// less two minutes for clock skew, and returns its SID, or "" when there
// is none (a retry then cannot ring the person twice for a call this
// Notifier placed since then). Two notices called to one number within
// the window are indistinguishable. Errors are temporary
// *notify.DeliveryError values (permanent for a malformed number) without
// the number or the token.
func (n *Notifier) FindSent(ctx context.Context, m *notify.Message, since time.Time) (string, error) {
	if m == nil {
		return "", notify.Permanent("", "no message", errors.New("nil message"))
	}
	to, ok := normalizeNumber(m.To)
	if !ok {
		return "", notify.Permanent("invalid-e164", "recipient number is not in E.164 form", ErrInvalidNumber)
	}
	callCtx, cancel := context.WithTimeout(ctx, n.st.cfg.Timeout)
	defer cancel()
	svc, rt := n.service(callCtx)
	page, err := svc.PageCall((&api.ListCallParams{}).SetTo(to).SetFrom(n.st.cfg.From).SetPageSize(FindPageSize), "", "")
	rt.finish()
	if err != nil {
		status, code := rt.status, 0
		var te *tclient.TwilioRestError
		if errors.As(err, &te) {
			code = te.Code
		}
		scode := ""
		switch {
		case code != 0:
			scode = strconv.Itoa(code)
		case status != 0:
			scode = "http-" + strconv.Itoa(status)
		}
		return "", notify.Temporary(scode, "twilio call lookup failed", ErrServer)
	}
	after := since.Add(-clockSkew)
	for _, c := range page.Calls {
		if c.Sid == nil || c.DateCreated == nil || (c.Direction != nil && *c.Direction != "outbound-api") {
			continue
		}
		created, err := time.Parse(time.RFC1123Z, *c.DateCreated)
		if err != nil || created.Before(after) {
			continue
		}
		return *c.Sid, nil
	}
	return "", nil
}
