package workflow

import (
	"context"
	"strings"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// contactAcceptedKey marks an approval whose approver accepted an incident
// contact that is not the organisation's.
type contactAcceptedKey struct{}

// WithContactAccepted returns a context whose approval accepts the
// incident's own contact even when it is not one of the organisation's
// (the approver saw it in the preview and confirmed it).
func WithContactAccepted(ctx context.Context) context.Context {
	return context.WithValue(ctx, contactAcceptedKey{}, true)
}

func contactAccepted(ctx context.Context) bool {
	ok, _ := ctx.Value(contactAcceptedKey{}).(bool)
	return ok
}

// ForeignContact names the incident's contact e-mail and phone that are
// not the organisation's (from the inventory); "" when every one given is.
// Every notice prints the incident's contact instead of the
// organisation's, so a changed contact must be seen and accepted by a
// person before the campaign goes out.
func ForeignContact(in *incident.Incident, org inventory.Organization) string {
	if in.Contact == nil {
		return ""
	}
	var foreign []string
	if e := strings.TrimSpace(in.Contact.Email); e != "" && !strings.EqualFold(e, strings.TrimSpace(org.Contact.Email)) {
		foreign = append(foreign, "e-mail "+e)
	}
	if p := digits(in.Contact.Phone); p != "" && p != digits(org.Contact.Phone) {
		foreign = append(foreign, "phone "+strings.TrimSpace(in.Contact.Phone))
	}
	return strings.Join(foreign, " and ")
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// checkContact refuses an approval of an incident whose contact is not
// the organisation's unless the approver accepted it.
func checkContact(ctx context.Context, in *incident.Incident, org inventory.Organization) error {
	f := ForeignContact(in, org)
	if f == "" || contactAccepted(ctx) {
		return nil
	}
	return fault.Errorf(fault.CampaignBlocked, "%w: the incident's contact (%s) is not the organisation's in the inventory, and every notice would print it; check it, then approve accepting it (accept_contact, --accept-contact)", ErrCampaignBlocked, f)
}
