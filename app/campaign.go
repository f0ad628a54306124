package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/store"
)

// Campaign lifecycle events.
const (
	EventApproved          = "approved"
	EventCampaignPlanned   = "campaign.planned"
	EventCampaignCompleted = "campaign.completed"
	EventCampaignSkipped   = "campaign.not_required"
	EventAwaitingApproval  = "campaign.awaiting_approval"
)

// ErrNotAssessed means an incident cannot be approved before it is
// assessed.
var ErrNotAssessed = errors.New("incident not assessed yet")

// ErrCampaignBlocked means the campaign cannot start as the incident
// stands; the error names what to correct.
var ErrCampaignBlocked = errors.New("campaign blocked")

// campaigner starts notice campaigns for approved incidents and watches
// them until every notice is final.
type campaigner struct {
	store       store.Store
	ledger      notify.Ledger
	bus         *natsbus.Bus
	inv         *inventory.Inventory
	composer    *compose.Composer
	planner     *notify.Planner
	autoApprove bool
	notifyAll   bool
	log         *logrus.Entry
	now         func() time.Time

	mu      sync.Mutex
	active  map[string]int  // incident → revision being watched
	pending map[string]bool // incidents waiting to be planned
	wake    chan struct{}
}

func (c *campaigner) approve(ctx context.Context, id, by string) (store.Approval, error) {
	rec, err := c.store.GetIncident(ctx, id)
	if err != nil {
		return store.Approval{}, err
	}
	if rec.Assessment == nil || rec.Assessment.Revision < rec.Revision {
		return store.Approval{}, fmt.Errorf("approve %s: %w: wait for its assessment (GET /api/v1/incidents/%s/assessment)", id, ErrNotAssessed, id)
	}
	// Nothing is approved that cannot go out: the notices must render and
	// the incident's text must be fit for every recipient.
	a, err := c.assessment(ctx, id)
	if err != nil {
		return store.Approval{}, err
	}
	if err := c.preflight(ctx, rec.Incident, a); err != nil {
		return store.Approval{}, fmt.Errorf("%w: %w", ErrCampaignBlocked, err)
	}
	at := c.now().UTC()
	if err := c.store.SetApproval(ctx, id, by, at); err != nil {
		// Already approved for this revision (by someone else): approval
		// is idempotent, the first one stands.
		if existing, gerr := c.store.GetApproval(ctx, id); errors.Is(err, store.ErrConflict) && gerr == nil && existing.Revision == rec.Revision {
			return existing, nil
		}
		return store.Approval{}, err
	}
	_ = c.bus.PublishEvent(ctx, id, EventApproved, map[string]any{"id": id, "revision": rec.Revision, "by": by, "at": at},
		natsbus.EventKey(fmt.Sprint(rec.Revision)))
	c.trigger(id)
	return c.store.GetApproval(ctx, id)
}

// trigger asks for the campaign of id to be (re)planned.
func (c *campaigner) trigger(id string) {
	c.mu.Lock()
	c.pending[id] = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *campaigner) nextPending() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.pending {
		delete(c.pending, id)
		return id, true
	}
	return "", false
}

// onAssessed runs after each assessment: with auto-approval the campaign
// starts at once; an incident approved earlier is re-planned so that people
// newly affected by a new revision are told too.
func (c *campaigner) onAssessed(ctx context.Context, id string) {
	if c.autoApprove {
		if _, err := c.approve(ctx, id, "auto-approve (campaign.auto_approve)"); err != nil {
			c.log.WithError(err).WithField("incident", id).Error("auto-approve")
		}
		return
	}
	if _, err := c.store.GetApproval(ctx, id); err == nil {
		c.trigger(id)
	}
}

// run plans campaigns as they are triggered and reports completion. At
// start it re-plans every approved incident: planning is idempotent, so a
// crash in the middle of planning loses nobody.
func (c *campaigner) run(ctx context.Context) {
	go c.resume(ctx)
	// Completion is a GROUP BY over each active campaign's ledger rows: a
	// few seconds' delay in the event keeps it off a big campaign's path.
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.wake:
			for id, ok := c.nextPending(); ok && ctx.Err() == nil; id, ok = c.nextPending() {
				if err := c.safePlan(ctx, id); err != nil && ctx.Err() == nil {
					c.log.WithError(err).WithField("incident", id).Error("campaign not planned; retrying in 30s")
					time.AfterFunc(30*time.Second, func() { c.trigger(id) })
				}
			}
		case <-tick.C:
			c.checkCompleted(ctx)
		}
	}
}

func (c *campaigner) resume(ctx context.Context) {
	cursor := ""
	for {
		rows, next, err := c.store.ListIncidents(ctx, store.ListOptions{Limit: store.MaxListLimit, After: cursor})
		if err != nil {
			c.log.WithError(err).Error("list incidents to resume campaigns")
			return
		}
		for _, r := range rows {
			if r.Status == store.StatusApproved {
				c.trigger(r.ID)
			}
		}
		if next == "" {
			return
		}
		cursor = next
	}
}

// safePlan is plan that turns a panic into an error, so one bad incident
// cannot take the service down in a loop.
func (c *campaigner) safePlan(ctx context.Context, id string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plan campaign %s: internal error (panic): %v", id, r)
		}
	}()
	return c.plan(ctx, id)
}

// plan plans the campaign of the current revision of incident id.
func (c *campaigner) plan(ctx context.Context, id string) error {
	rec, err := c.store.GetIncident(ctx, id)
	if err != nil {
		return err
	}
	a, err := c.assessment(ctx, id)
	if err != nil {
		return err
	}
	if a.Revision != 0 && a.Revision != rec.Revision {
		// A newer revision awaits its assessment; the campaign is planned
		// again once it is assessed, never from two revisions mixed.
		return nil
	}
	in := rec.Incident
	if ap, err := c.store.GetApproval(ctx, id); err != nil || ap.Revision != rec.Revision {
		// Approving one revision does not approve the next: its facts and
		// its people are read by a person first.
		_ = c.bus.PublishEvent(ctx, id, EventAwaitingApproval, map[string]any{"id": id, "revision": rec.Revision,
			"reason": "the current revision has not been approved"}, natsbus.EventKey(fmt.Sprint(rec.Revision)))
		c.log.WithFields(logrus.Fields{"incident": id, "revision": rec.Revision}).Warn("revision not approved: campaign waits for approval (breach incident approve)")
		return nil
	}
	to := NewAddressees(a, c.notifyAll)
	if to.None() {
		_ = c.bus.PublishEvent(ctx, id, EventCampaignSkipped, map[string]any{"id": id, "revision": in.Revision, "risk": a.Risk,
			"reason": "no jurisdiction requires telling the people for this assessment"}, natsbus.EventKey(fmt.Sprint(in.Revision)))
		c.log.WithField("incident", id).Info("no law requires individual notice; no campaign")
		return nil
	}
	if err := c.preflight(ctx, in, a); err != nil {
		return err
	}
	people := func(fn func(*notify.Recipient) error) error {
		var r notify.Recipient
		return assess.EachAffected(ctx, c.inv, in, func(p *assess.AffectedPerson) error {
			if !to.Includes(p) {
				return nil
			}
			compose.Recipient(&r, p)
			r.HighRisk = to.HighRisk(p)
			return fn(&r)
		})
	}
	began := time.Now()
	st, err := c.planner.Run(ctx, notify.Campaign{IncidentID: id, Revision: in.Revision, Version: 1}, people)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.active[id] = in.Revision
	c.mu.Unlock()
	_ = c.bus.PublishEvent(ctx, id, EventCampaignPlanned, map[string]any{"id": id, "revision": in.Revision, "stats": st,
		"jurisdictions": to.Jurisdictions()}, natsbus.EventKey(fmt.Sprintf("%d-%d", in.Revision, st.New)))
	c.log.WithFields(logrus.Fields{"incident": id, "people": st.People, "notices": st.Notices, "new": st.New,
		"unreachable": st.Unreachable, "failed": st.Failed, "took": time.Since(began).Round(time.Millisecond).String()}).Info("campaign planned")
	return nil
}

// assessment reads the latest stored assessment of an incident.
func (c *campaigner) assessment(ctx context.Context, id string) (*assess.Assessment, error) {
	doc, rev, err := c.store.GetAssessment(ctx, id)
	if err != nil {
		return nil, err
	}
	var a assess.Assessment
	if err := json.Unmarshal(doc, &a); err != nil {
		return nil, fmt.Errorf("read assessment of %s: %w", id, err)
	}
	a.Revision = rev
	return &a, nil
}

// preflight checks the incident's text for leaked data and requests for
// secrets, and renders one sample notice per legal channel, so that missing
// facts (no measures taken, say) stop the campaign with a clear reason
// instead of dead-lettering every notice.
func (c *campaigner) preflight(ctx context.Context, in *incident.Incident, a *assess.Assessment) error {
	if err := compose.CheckFacts(in, c.inv.Organization); err != nil {
		return fmt.Errorf("campaign for %s cannot start: %w", in.ID, err)
	}
	for _, ch := range []notify.Channel{notify.ChannelEmail, notify.ChannelSMS, notify.ChannelLetter} {
		j := notify.NewJob(in.ID, in.Revision, 1, "preflight", notify.Route{Channel: ch, To: "preflight", ToName: "Preview"}, nil)
		j.Locale, j.Categories, j.PostalName = "en", a.Categories, "Preview"
		if _, _, err := c.composer.Render(ctx, &j); err != nil {
			return fmt.Errorf("campaign for %s cannot start: %w", in.ID, err)
		}
	}
	return nil
}

// checkCompleted publishes campaign.completed for each watched campaign
// whose notices are all final.
func (c *campaigner) checkCompleted(ctx context.Context) {
	c.mu.Lock()
	ids := maps.Clone(c.active)
	c.mu.Unlock()
	for id, rev := range ids {
		counts, err := c.ledger.Counts(ctx, id)
		if err != nil {
			continue
		}
		if open, _ := counts.Open(); open > 0 {
			continue
		}
		totals := counts.Totals()
		c.mu.Lock()
		delete(c.active, id)
		c.mu.Unlock()
		_ = c.bus.PublishEvent(ctx, id, EventCampaignCompleted, map[string]any{"id": id, "revision": rev, "counts": counts, "totals": totals},
			natsbus.EventKey(fmt.Sprintf("%d-%d", rev, totals[notify.StateSent])))
		c.log.WithFields(logrus.Fields{"incident": id, "sent": totals[notify.StateSent], "unreachable": totals[notify.StateUnreachable],
			"failed": totals[notify.StateFailedPermanent]}).Info("campaign completed")
	}
}
