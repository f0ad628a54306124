package voice

import (
	"context"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/internal/twilioapi"
	"github.com/breach-notify/breach/notify"
)

// FindPageSize is how many of the most recent calls to a number FindSent
// examines.
const FindPageSize = 20

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
	to, err := twilioapi.Recipient(m)
	if err != nil {
		return "", err
	}
	p := (&api.ListCallParams{}).SetTo(to).SetFrom(n.st.cfg.From).SetPageSize(FindPageSize)
	page, out, err := twilioapi.Do(ctx, n.st.api, func(svc *api.ApiService) (*api.ListCallResponse, error) {
		return svc.PageCall(p, "", "")
	})
	if err != nil {
		return "", twilioapi.LookupFailure(ctx, out, err, "call")
	}
	for _, c := range page.Calls {
		if c.Sid != nil && twilioapi.SentSince(c.Direction, c.DateCreated, since) {
			return *c.Sid, nil
		}
	}
	return "", nil
}
