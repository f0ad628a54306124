package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
)

// Resend sends the notice of incident id again to one affected person, as
// the public site's "am I affected?" asks once it found their address: the
// person's routes are planned anew under the next re-send version, so the
// ledger proves the re-send like any notice. Only a person the approved
// campaign tells is re-sent to.
func (w *Workflow) Resend(ctx context.Context, id, subjectID string) error {
	c := w.camp
	if c == nil {
		return errors.New("resend: no campaigns on this service")
	}
	rec, err := c.store.GetIncident(ctx, id)
	if err != nil {
		return err
	}
	ap, err := c.store.GetApproval(ctx, id)
	if err != nil || ap.Revision != rec.Revision {
		return fmt.Errorf("resend %s: the current revision is not approved, nothing is re-sent", id)
	}
	a, err := c.assessment(ctx, id)
	if err != nil {
		return err
	}
	version, err := w.nextResendVersion(ctx, id, subjectID)
	if err != nil {
		return err
	}
	to := NewAddressees(a, c.notifyAll)
	in := rec.Incident
	gone, err := c.goneDevices(ctx)
	if err != nil {
		return err
	}
	people := func(fn func(*notify.Recipient) error) error {
		var r notify.Recipient
		return assess.EachAffected(ctx, c.inv, in, func(p *assess.AffectedPerson) error {
			if p.ID != subjectID || !to.Includes(p) {
				return nil
			}
			compose.Recipient(&r, p)
			r.HighRisk = to.HighRisk(p)
			gone.filter(&r)
			return fn(&r)
		})
	}
	st, err := c.planner.Run(ctx, notify.Campaign{IncidentID: id, Revision: in.Revision, Version: version}, people)
	if err != nil {
		return fmt.Errorf("resend %s: %w", id, err)
	}
	c.log.WithFields(map[string]any{"incident": id, "version": version, "notices": st.Notices}).Info("notice re-sent on request from the public site")
	return nil
}

// nextResendVersion is one above the highest re-send version the ledger
// holds for the person.
func (w *Workflow) nextResendVersion(ctx context.Context, id, subjectID string) (int, error) {
	next := notify.ResendVersionBase
	err := w.camp.ledger.Each(ctx, id, func(e notify.Entry) error {
		if e.SubjectID == subjectID && e.Version >= next {
			next = e.Version + 1
		}
		return nil
	})
	return next, err
}
