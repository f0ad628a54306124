package sms

import (
	"context"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/internal/twilioapi"
	"github.com/breach-notify/breach/notify"
)

// FindPageSize is how many of the most recent messages to a number
// FindSent examines.
const FindPageSize = 50

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
	to, err := twilioapi.Recipient(m)
	if err != nil {
		return "", err
	}
	p := (&api.ListMessageParams{}).SetTo(to).SetPageSize(FindPageSize)
	if n.cfg.From != "" {
		p.SetFrom(n.cfg.From)
	}
	page, out, err := twilioapi.Do(ctx, n.api, func(svc *api.ApiService) (*api.ListMessageResponse, error) {
		return svc.PageMessage(p, "", "")
	})
	if err != nil {
		return "", twilioapi.LookupFailure(ctx, out, err, "message")
	}
	for _, msg := range page.Messages {
		if msg.Sid == nil || msg.Body == nil || *msg.Body != m.Text {
			continue
		}
		if n.cfg.MessagingServiceSID != "" && (msg.MessagingServiceSid == nil || *msg.MessagingServiceSid != n.cfg.MessagingServiceSID) {
			continue
		}
		if twilioapi.SentSince(msg.Direction, msg.DateCreated, since) {
			return *msg.Sid, nil
		}
	}
	return "", nil
}
