package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/store"
)

// ErrNotAssessed means an incident cannot be approved before it is
// assessed.
var ErrNotAssessed = fault.New(fault.AwaitingAssessment, "incident not assessed yet")

// ErrCampaignBlocked means the campaign cannot start as the incident
// stands; the error names what to correct.
var ErrCampaignBlocked = fault.New(fault.CampaignBlocked, "campaign blocked")

// ErrAlreadyApproved means someone else approved the current revision
// first; the first approval stands.
var ErrAlreadyApproved = fault.New(fault.AlreadyApproved, "already approved")

// ErrSameApprover means the principal already approved the current
// revision, which needs the approval of another principal
// (campaign.approvals_required).
var ErrSameApprover = fault.New(fault.SameApprover, "already approved by this principal; another approver must approve")

// Approval is where the approval of an incident's current revision
// stands after an approval: the approval itself once enough distinct
// principals approved (Approval.By completed it), else the approval just
// recorded, with every approver so far and how many are required.
type Approval struct {
	store.Approval
	State    store.ApprovalState
	Required int
}

// Approved reports whether the revision has all its approvals.
func (a Approval) Approved() bool { return a.State.Approved }

// Missing is how many more distinct principals must approve.
func (a Approval) Missing() int { return max(a.Required-len(a.State.Votes), 0) }

// campaigner starts notice campaigns for approved incidents and watches
// them until every notice is final. It is driven by the "assessed",
// "approved" and "campaign.requested" events through a durable consumer.
type campaigner struct {
	store       store.Store
	ledger      notify.Ledger
	events      Publisher
	inv         *inventory.Inventory
	composer    *compose.Composer
	planner     *notify.Planner
	autoApprove bool
	notifyAll   bool
	log         *logrus.Entry
	now         func() time.Time
	runners     []*natsbus.Runner
	stepMu      sync.Mutex // one campaign step at a time
	announce    *announcer

	// deviceKey keys the digests of gone push devices (the notice key);
	// nil skips no device.
	deviceKey []byte

	// maxUntranslated is campaign.max_untranslated: how many people of a
	// high-risk campaign may get the incident's text in a language other
	// than theirs (0, the zero value, by default; -1 any number).
	maxUntranslated int
	// approvalsRequired is campaign.approvals_required (at least 1).
	approvalsRequired int

	mu     sync.Mutex
	active map[string]int // incident → revision being watched by this replica
}

func (c *campaigner) approve(ctx context.Context, id, by string) (Approval, error) {
	return c.approveWith(ctx, id, by, c.approvalsRequired)
}

// approveWith is approve needing required distinct approvers.
func (c *campaigner) approveWith(ctx context.Context, id, by string, required int) (Approval, error) {
	rec, err := c.store.GetIncident(ctx, id)
	if err != nil {
		return Approval{}, err
	}
	if rec.Assessment == nil || rec.Assessment.Revision < rec.Revision {
		return Approval{}, fmt.Errorf("approve %s: %w: wait for its assessment (GET /api/v1/incidents/%s/assessment)", id, ErrNotAssessed, id)
	}
	// Nothing is approved that cannot go out: the notices must render and
	// the incident's text must be fit for every recipient.
	a, err := c.assessment(ctx, id)
	if err != nil {
		return Approval{}, err
	}
	if err := c.preflight(ctx, rec.Incident, a); err != nil {
		return Approval{}, fault.Errorf(fault.CampaignBlocked, "%w: %w", ErrCampaignBlocked, err)
	}
	if err := checkContact(ctx, rec.Incident, c.inv.Organization); err != nil {
		return Approval{}, err
	}
	// Nothing is approved that would strand people: every channel a
	// person can be reached on has a provider (or the outbox), and the
	// incident's text is in their language.
	pv, err := c.preview(ctx, rec.Incident, a)
	if err != nil {
		return Approval{}, err
	}
	if err := pv.Refusal(UntranslatedLimit(a, c.maxUntranslated)); err != nil {
		return Approval{}, fault.Errorf(fault.CampaignBlocked, "%w: campaign for %s cannot start: %w", ErrCampaignBlocked, id, err)
	}
	at := c.now().UTC()
	st, err := c.store.Approve(ctx, id, by, at, required)
	switch {
	case errors.Is(err, store.ErrApprovedByOthers):
		existing, _ := c.store.GetApproval(ctx, id)
		return Approval{Approval: existing, Required: required},
			fmt.Errorf("approve %s revision %d: %w (the first approval stands)", id, rec.Revision, ErrAlreadyApproved)
	case errors.Is(err, store.ErrSameApprover):
		return Approval{}, fmt.Errorf("approve %s revision %d: %w (%d approvals required)", id, rec.Revision, ErrSameApprover, required)
	case err != nil:
		return Approval{}, err
	}
	out := Approval{Approval: store.Approval{IncidentID: id, Revision: st.Revision, By: by, At: at}, State: st, Required: required}
	if !st.Approved {
		// Recorded; the campaign waits for another principal.
		return out, nil
	}
	// The approval is stored; the event starts the campaign on whichever
	// replica takes it. Should it not be published, the campaign starts
	// at the next start of the service (resume), and the caller is told.
	if err := c.events.Publish(ctx, incident.Approved{ID: id, Revision: rec.Revision, At: at}); err != nil {
		return Approval{}, fmt.Errorf("approve %s: approved, but the campaign could not be started yet (it starts when the service restarts): %w", id, err)
	}
	if out.Approval, err = c.store.GetApproval(ctx, id); err != nil {
		return Approval{}, err
	}
	return out, nil
}

// handle reacts to one event of the campaign consumers, one at a time
// per replica.
func (c *campaigner) handle(ctx context.Context, m jetstream.Msg) {
	c.stepMu.Lock()
	defer c.stepMu.Unlock()
	var ev struct {
		ID       string `json:"id"`
		Revision int    `json:"revision"`
	}
	if err := json.Unmarshal(m.Data(), &ev); err != nil || !incident.ValidID(ev.ID) {
		fail(c.runners, ctx, m, fmt.Errorf("event is not an incident reference: %v", err), true)
		return
	}
	kind := incident.EventKind(m.Headers().Get(natsbus.HeaderEventKind))
	var err error
	switch kind {
	case incident.EventAssessed:
		// The assessed event is published just before the assessment is
		// saved (so that a lost event makes the step retry): wait for the
		// save rather than for a redelivery seconds later.
		c.awaitAssessment(ctx, ev.ID, ev.Revision)
		err = c.onAssessed(ctx, ev.ID)
	default: // approved, campaign.requested
		err = c.safePlan(ctx, ev.ID)
	}
	if err != nil {
		c.log.WithError(err).WithFields(logrus.Fields{"incident": ev.ID, "event": string(kind)}).Error("campaign step failed; will retry")
		fail(c.runners, ctx, m, err, false)
		return
	}
	if err := m.DoubleAck(ctx); err != nil {
		c.log.WithError(err).WithField("incident", ev.ID).Warn("ack not confirmed; the event may be redelivered (harmless)")
	}
}

// onAssessed runs after each assessment: with auto-approval the campaign
// starts at once; an incident approved earlier is re-planned so that people
// newly affected by a new revision are told too.
func (c *campaigner) onAssessed(ctx context.Context, id string) error {
	if c.autoApprove {
		// Demos and tests only: the contact is taken as it stands, and
		// the service's own approval is the only one.
		_, err := c.approveWith(WithContactAccepted(ctx), id, "auto-approve (campaign.auto_approve)", 1)
		if errors.Is(err, ErrAlreadyApproved) {
			return nil
		}
		if errors.Is(err, ErrCampaignBlocked) {
			c.log.WithError(err).WithField("incident", id).Error("auto-approve refused")
			return nil
		}
		return err
	}
	if _, err := c.store.GetApproval(ctx, id); err == nil {
		return c.safePlan(ctx, id)
	}
	return nil
}

// resume requests the planning of every approved incident: planning is
// idempotent, so a crash in the middle of planning loses nobody.
func (c *campaigner) resume(ctx context.Context, nonce string) error {
	cursor := ""
	for {
		rows, next, err := c.store.ListIncidents(ctx, store.ListOptions{Limit: store.MaxListLimit, After: cursor})
		if err != nil {
			return fmt.Errorf("list incidents to resume campaigns: %w", err)
		}
		for _, r := range rows {
			if r.Status == store.StatusApproved {
				if err := c.events.Publish(ctx, incident.CampaignRequested{ID: r.ID, Revision: r.Revision, Nonce: nonce}); err != nil {
					return err
				}
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// watch publishes campaign.completed for the campaigns this replica
// planned, every interval, until ctx ends.
func (c *campaigner) watch(ctx context.Context, interval time.Duration) {
	// Completion is a GROUP BY over each active campaign's ledger rows: a
	// few seconds' delay in the event keeps it off a big campaign's path.
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			c.checkCompleted(ctx)
		}
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
		note := incident.CampaignNote{Kind: incident.EventAwaitingApproval, ID: id, Revision: rec.Revision,
			Reason: "the current revision has not been approved"}
		if err := c.events.Publish(ctx, note); err != nil {
			return err
		}
		c.log.WithFields(logrus.Fields{"incident": id, "revision": rec.Revision}).Warn("revision not approved: campaign waits for approval (breach incident approve)")
		return nil
	}
	to := NewAddressees(a, c.notifyAll)
	if to.None() {
		note := incident.CampaignNote{Kind: incident.EventCampaignSkipped, ID: id, Revision: in.Revision, Risk: string(a.Risk),
			Reason: "no jurisdiction requires telling the people for this assessment"}
		if err := c.events.Publish(ctx, note); err != nil {
			return err
		}
		c.log.WithField("incident", id).Info("no law requires individual notice; no campaign")
		return nil
	}
	if err := c.preflight(ctx, in, a); err != nil {
		return err
	}
	began := time.Now()
	gone, err := c.goneDevices(ctx)
	if err != nil {
		return err
	}
	st, err := c.planner.Run(ctx, notify.Campaign{IncidentID: id, Revision: in.Revision, Version: 1}, people(ctx, c.inv, in, to, gone))
	if err != nil {
		return err
	}
	if in.Revision > 1 {
		// People already told about an earlier revision hear what changed
		// (a follow-up notice, the next version); those newly affected got
		// the full notice above.
		fst, err := c.followUp(ctx, in, to, gone)
		if err != nil {
			return err
		}
		st.Notices, st.New, st.Queued = st.Notices+fst.Notices, st.New+fst.New, st.Queued+fst.Queued
		st.Unreachable, st.Failed = st.Unreachable+fst.Unreachable, st.Failed+fst.Failed
		for ch, n := range fst.ByChannel {
			st.ByChannel[ch] += n
		}
		c.log.WithFields(logrus.Fields{"incident": id, "revision": in.Revision, "people": fst.People, "new": fst.New}).Info("follow-up notices planned")
	}
	c.mu.Lock()
	c.active[id] = in.Revision
	c.mu.Unlock()
	planned := incident.CampaignPlanned{ID: id, Revision: in.Revision, People: st.People, Notices: st.Notices, New: st.New,
		Queued: st.Queued, Unreachable: st.Unreachable, Failed: st.Failed, ByChannel: map[string]int{}, Jurisdictions: to.Jurisdictions()}
	for ch, n := range st.ByChannel {
		planned.ByChannel[string(ch)] = n
	}
	if err := c.events.Publish(ctx, planned); err != nil {
		return err
	}
	c.log.WithFields(logrus.Fields{"incident": id, "people": st.People, "notices": st.Notices, "new": st.New,
		"unreachable": st.Unreachable, "failed": st.Failed, "push_devices_gone": gone.Skipped(),
		"took": time.Since(began).Round(time.Millisecond).String()}).Info("campaign planned")
	return nil
}

// people streams the people of in whom the campaign tells, without the
// push devices recorded gone.
func people(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, to Addressees, gone *goneDevices) notify.People {
	return func(fn func(*notify.Recipient) error) error {
		var r notify.Recipient
		return assess.EachAffected(ctx, inv, in, func(p *assess.AffectedPerson) error {
			if !to.Includes(p) {
				return nil
			}
			compose.Recipient(&r, p)
			r.HighRisk = to.HighRisk(p)
			gone.filter(&r)
			return fn(&r)
		})
	}
}

// goneDevices reads the push devices recorded gone, for one campaign step.
func (c *campaigner) goneDevices(ctx context.Context) (*goneDevices, error) {
	return loadGoneDevices(ctx, c.store, c.deviceKey)
}

// PreviewCampaign computes, without planning anything, what the campaign
// of incident in (assessed as a) would do under policy: people per
// channel, locale and jurisdiction, the unreachable, those stranded for
// lack of a provider (with the channels named), and per locale those who
// would get the incident's text in a language other than theirs. Approval
// refuses what its Refusal names; the approval preview shows it.
func PreviewCampaign(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, a *assess.Assessment, policy notify.Policy, notifyAll bool) (notify.Preview, error) {
	return previewCampaign(ctx, inv, in, a, policy, notifyAll, nil)
}

// previewCampaign is PreviewCampaign with the push devices recorded gone
// left out and counted (Preview.PushDevicesGone).
func previewCampaign(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, a *assess.Assessment, policy notify.Policy, notifyAll bool, gone *goneDevices) (notify.Preview, error) {
	to := NewAddressees(a, notifyAll)
	if to.None() {
		return notify.Preview{ByChannel: map[notify.Channel]int{}, ByLocale: map[string]int{}, ByJurisdiction: map[string]int{}}, nil
	}
	pv, err := policy.Preview(notify.PreviewOptions{Translated: in.HasText}, people(ctx, inv, in, to, gone))
	if err != nil {
		return pv, fmt.Errorf("preview campaign %s: %w", in.ID, err)
	}
	if policy.Push && !slices.Contains(policy.Disabled, notify.ChannelPush) {
		pv.PushDevicesGone = gone.Skipped()
	}
	return pv, nil
}

// preview is the preview of the campaign of in (assessed as a) under the
// campaign's own policy, skipping the push devices recorded gone.
func (c *campaigner) preview(ctx context.Context, in *incident.Incident, a *assess.Assessment) (notify.Preview, error) {
	gone, err := c.goneDevices(ctx)
	if err != nil {
		return notify.Preview{}, err
	}
	return previewCampaign(ctx, c.inv, in, a, c.planner.Policy, c.notifyAll, gone)
}

// UntranslatedLimit is how many people may get the incident's text in a
// language other than theirs in a campaign assessed as a: max
// (campaign.max_untranslated, 0 by default) when the risk is high, any
// number (-1) otherwise or when max is negative.
func UntranslatedLimit(a *assess.Assessment, max int) int {
	if a.Risk != regulators.RiskHigh || max < 0 {
		return -1
	}
	return max
}

// Preview is PreviewCampaign for the current revision of incident id with
// the campaign's own policy: what the approval preview shows.
func (c *campaigner) Preview(ctx context.Context, id string) (notify.Preview, error) {
	rec, err := c.store.GetIncident(ctx, id)
	if err != nil {
		return notify.Preview{}, err
	}
	a, err := c.assessment(ctx, id)
	if err != nil {
		return notify.Preview{}, err
	}
	return c.preview(ctx, rec.Incident, a)
}

// followUp plans the follow-up notices of revision in (approved) for the
// people told about an earlier revision, with what changed for each.
func (c *campaigner) followUp(ctx context.Context, in *incident.Incident, to Addressees, gone *goneDevices) (notify.PlanStats, error) {
	revs, err := c.store.IncidentRevisions(ctx, in.ID)
	if err != nil {
		return notify.PlanStats{}, err
	}
	byRev := make(map[int]*incident.Incident, len(revs))
	for _, r := range revs {
		old, err := incident.Decode(r.Doc)
		if err != nil {
			return notify.PlanStats{}, fmt.Errorf("follow-ups of %s: revision %d: %w", in.ID, r.Revision, err)
		}
		byRev[r.Revision] = old
	}
	changed := func(told notify.Job, now *notify.Recipient) []string {
		old, ok := byRev[told.Revision]
		if !ok {
			return []string{notify.ChangeFacts} // what they were told is no longer on file: tell them all again
		}
		return Changes(old, in, told, now)
	}
	return c.planner.FollowUp(ctx, notify.Campaign{IncidentID: in.ID, Revision: in.Revision}, people(ctx, c.inv, in, to, gone), changed)
}

// Changes says what changed for a person between the revision they were
// told about (old, with the notice that told them) and the current one
// (cur, with the person as they stand now): more of their data
// categories, a risk now high, new advice, corrected facts (title,
// description, times, measures). Nothing changed means no follow-up.
func Changes(old, cur *incident.Incident, told notify.Job, now *notify.Recipient) []string {
	var out []string
	if slices.ContainsFunc(now.Categories, func(c string) bool { return !slices.Contains(told.Categories, c) }) {
		out = append(out, notify.ChangeCategories)
	}
	if now.HighRisk && !told.HighRisk {
		out = append(out, notify.ChangeRisk)
	}
	if slices.ContainsFunc(cur.Mitigation.Advice, func(a string) bool { return !slices.Contains(old.Mitigation.Advice, a) }) {
		out = append(out, notify.ChangeAdvice)
	}
	if old.Title != cur.Title || old.Description != cur.Description || !sameTime(old.OccurredAt, cur.OccurredAt) ||
		!sameTime(old.OccurredUntil, cur.OccurredUntil) || !old.DiscoveredAt.Equal(cur.DiscoveredAt) ||
		!slices.Equal(old.Mitigation.Measures, cur.Mitigation.Measures) {
		out = append(out, notify.ChangeFacts)
	}
	return out
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// assessment reads the latest stored assessment of an incident.
func (c *campaigner) assessment(ctx context.Context, id string) (*assess.Assessment, error) {
	return readAssessment(ctx, c.store, id)
}

// readAssessment reads the latest stored assessment of an incident.
func readAssessment(ctx context.Context, st store.Store, id string) (*assess.Assessment, error) {
	doc, rev, err := st.GetAssessment(ctx, id)
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
	if err := c.composer.CheckFacts(in); err != nil {
		return fmt.Errorf("campaign for %s cannot start: %w", in.ID, err)
	}
	// Each translation is text that goes into notices: it passes the
	// same gate, and renders, in its own locale.
	locales := []string{"en"}
	for _, loc := range slices.Sorted(maps.Keys(in.Translations)) {
		if err := compose.CheckFacts(translated(in, loc), c.inv.Organization); err != nil {
			return fmt.Errorf("campaign for %s cannot start: translations.%s: %w", in.ID, loc, err)
		}
		locales = append(locales, loc)
	}
	for _, loc := range locales {
		for _, ch := range []notify.Channel{notify.ChannelEmail, notify.ChannelSMS, notify.ChannelLetter} {
			j := notify.NewJob(in.ID, in.Revision, 1, "preflight", notify.Route{Channel: ch, To: "preflight", ToName: "Preview"}, nil)
			j.Locale, j.Categories, j.PostalName = loc, a.Categories, "Preview"
			if _, _, err := c.composer.Render(ctx, &j); err != nil {
				return fmt.Errorf("campaign for %s cannot start: %w", in.ID, err)
			}
		}
	}
	return nil
}

// translated returns a copy of in whose text is what a notice in locale
// carries (compose.Text), for the gate to check.
func translated(in *incident.Incident, locale string) *incident.Incident {
	cp := *in
	t := compose.Text(in, locale)
	cp.Title, cp.Description = t.Title, t.Description
	cp.Mitigation.Measures, cp.Mitigation.Advice = t.Measures, t.Advice
	return &cp
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
		totals := counts.Totals()
		if c.announce != nil && totals[notify.StateUnreachable] > 0 {
			c.checkAnnouncement(ctx, id, totals[notify.StateUnreachable])
		}
		if open, _ := counts.Open(); open > 0 {
			continue
		}
		done := incident.CampaignCompleted{ID: id, Revision: rev, Counts: map[string]map[string]int{}, Totals: map[string]int{}}
		for ch, byState := range counts {
			m := map[string]int{}
			for st, n := range byState {
				m[string(st)] = n
			}
			done.Counts[string(ch)] = m
		}
		for st, n := range totals {
			done.Totals[string(st)] = n
		}
		// The campaign stays watched until its event is out: a failed
		// publication is tried again at the next check, never lost.
		if err := c.events.Publish(ctx, done); err != nil {
			c.log.WithError(err).WithField("incident", id).Warn("publish campaign.completed; retrying at the next check")
			continue
		}
		c.campaignDone(ctx, id, rev, totals)
		c.mu.Lock()
		delete(c.active, id)
		c.mu.Unlock()
		c.log.WithFields(logrus.Fields{"incident": id, "sent": totals[notify.StateSent], "unreachable": totals[notify.StateUnreachable],
			"failed": totals[notify.StateFailedPermanent]}).Info("campaign completed")
	}
}

// checkAnnouncement asks the announcer whether the campaign's unreachable
// count makes a public notice due.
func (c *campaigner) checkAnnouncement(ctx context.Context, id string, unreachable int) {
	rec, err := c.store.GetIncident(ctx, id)
	if err == nil {
		var a *assess.Assessment
		if a, err = c.assessment(ctx, id); err == nil {
			err = c.announce.check(ctx, rec.Incident, a, unreachable)
		}
	}
	if err != nil && ctx.Err() == nil {
		c.log.WithError(err).WithField("incident", id).Warn("public notice check; retrying at the next check")
	}
}

// awaitAssessment waits, briefly, until the store holds the assessment of
// revision of incident id.
func (c *campaigner) awaitAssessment(ctx context.Context, id string, revision int) {
	for range 100 {
		rec, err := c.store.GetIncident(ctx, id)
		if err != nil || (rec.Assessment != nil && rec.Assessment.Revision >= revision) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}
