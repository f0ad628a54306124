package workflow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/report"
	"github.com/breach-notify/breach/store"
)

// Principals recorded when what breach did met a duty.
const (
	campaignPrincipal = "system:campaign"
	announcePrincipal = "system:announce"
)

// obligations records the duties of a new assessment, keeping what was
// recorded for earlier revisions and re-opening what this one changes.
// people are the counts the assessment's walk made, nil when it made none.
// A failure is logged, not returned: the assessment stands, and the next
// revision or campaign check records them again.
func (a *assessor) obligations(ctx context.Context, in *incident.Incident, res *assess.Assessment, people *report.Tally) {
	if err := SyncObligations(ctx, a.store, a.inv, in, res, people, a.now()); err != nil && ctx.Err() == nil {
		a.log.WithError(err).WithField("incident", in.ID).Error("record the obligations of the assessment")
	}
}

// SyncObligations merges the duties assessment a names (one regulator
// duty per filing of each jurisdiction's draft) into the obligations
// recorded for the incident, and marks the public duty met when a notice
// is already published. people are the counts the assessment's walk made
// (report.Tally), used only when a draft is split per member state or
// State (splits); when nil then, the directory is walked again to count
// them.
//
// A regulator deadline that runs from the notice to the individuals
// (California's Attorney General copy) is dated from the first notice the
// ledger shows handed to one of the jurisdiction's people, and stays
// undated until there is one.
func SyncObligations(ctx context.Context, st store.Store, inv *inventory.Inventory, in *incident.Incident, a *assess.Assessment, people *report.Tally, now time.Time) error {
	a, err := withNotices(ctx, st.Ledger(), a)
	if err != nil {
		return fmt.Errorf("obligations of %s: %w", in.ID, err)
	}
	drafts := map[string]*report.Draft{}
	if !splits(inv, a) {
		people = nil // the drafts count nobody per place, as BuildDraft's
	} else if people == nil {
		var err error
		if people, err = tallyFor(ctx, inv, in, a); err != nil {
			return fmt.Errorf("obligations of %s: %w", in.ID, err)
		}
	}
	for _, ob := range a.Obligations {
		d, err := report.Build(report.Input{Incident: in, Assessment: a, Inventory: inv, People: people,
			Jurisdiction: ob.Jurisdiction, Now: now})
		if err != nil {
			return fmt.Errorf("obligations of %s: draft %s: %w", in.ID, ob.Jurisdiction, err)
		}
		drafts[ob.Jurisdiction] = d
	}
	wanted := obligation.FromAssessment(a, drafts, now)
	published, err := publishedAt(ctx, st, in.ID)
	if err != nil {
		return fmt.Errorf("obligations of %s: %w", in.ID, err)
	}
	_, err = st.UpdateObligations(ctx, in.ID, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		next := obligation.Sync(cur, wanted, a.Revision, now)
		if published != nil {
			meet(next, obligation.DutyPublic, 0, *published, announcePrincipal, "public notice published")
		}
		return next, nil
	})
	return err
}

// afterNotice lists the jurisdictions of a whose regulator duty runs from
// the notice to the individuals and is not dated from it yet.
func afterNotice(a *assess.Assessment) []string {
	var out []string
	for _, ob := range a.Obligations {
		if ob.NotifyRegulator && ob.RegulatorDeadlineAfterNotice != nil && ob.RegulatorDeadlineAfterNotice.NotifiedAt == nil {
			out = append(out, ob.Jurisdiction)
		}
	}
	return out
}

// withNotices returns a with the regulator deadlines that run from the
// notice to the individuals dated from the first notice the ledger shows
// for each jurisdiction; a itself when there is nothing to date.
func withNotices(ctx context.Context, ledger notify.Ledger, a *assess.Assessment) (*assess.Assessment, error) {
	jurs := afterNotice(a)
	if len(jurs) == 0 || ledger == nil {
		return a, nil
	}
	first, err := firstNotices(ctx, ledger, a.Incident, jurs)
	if err != nil || len(first) == 0 {
		return a, err
	}
	cp := *a
	cp.Obligations = slices.Clone(a.Obligations)
	for i := range cp.Obligations {
		if t, ok := first[cp.Obligations[i].Jurisdiction]; ok {
			cp.Obligations[i].NoticeSent(t)
		}
	}
	return &cp, nil
}

// firstNotices returns, for each of jurisdictions whose people were told,
// when the first legal notice to one of them was handed over (sent,
// delivered or written; push, the accelerator, does not count). It is the
// act the statutes' "after notifying consumers" runs from: the first
// notice, not the last, because notifying has begun once it is out and a
// slow campaign must not push the regulator's deadline back. A
// jurisdiction nobody was told in is absent.
func firstNotices(ctx context.Context, ledger notify.Ledger, id string, jurisdictions []string) (map[string]time.Time, error) {
	counts, err := ledger.Counts(ctx, id)
	if err != nil {
		return nil, err
	}
	handed := 0
	for st, n := range counts.Totals() {
		if st.Handed() {
			handed += n
		}
	}
	first := map[string]time.Time{}
	if handed == 0 {
		return first, nil // nothing went out: no need to read every notice
	}
	err = ledger.Each(ctx, id, func(e notify.Entry) error {
		j := e.Job.Jurisdiction
		if !e.Channel.Legal() || !e.State.Handed() || e.SentAt.IsZero() || !slices.Contains(jurisdictions, j) {
			return nil
		}
		if t, ok := first[j]; !ok || e.SentAt.Before(t) {
			first[j] = e.SentAt.UTC()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("first notices of %s: %w", id, err)
	}
	return first, nil
}

// dateFromNotices dates the pending regulator duties of an incident whose
// deadline runs from the notice to the individuals, once the ledger shows
// a first notice for their jurisdiction. Only the duties recorded for the
// assessment's revision are changed (a newer revision is dated when it is
// synced), and their state is kept: being dated does not re-open or close
// anything. It returns the jurisdictions whose first notice is known.
func dateFromNotices(ctx context.Context, st store.Store, id string, a *assess.Assessment) ([]string, error) {
	dated, err := withNotices(ctx, st.Ledger(), a)
	if err != nil || dated == a {
		return nil, err
	}
	due := map[string]regulators.Obligation{}
	for _, ob := range dated.Obligations {
		if n := ob.RegulatorDeadlineAfterNotice; n != nil && n.NotifiedAt != nil && slices.Contains(afterNotice(a), ob.Jurisdiction) {
			due[ob.Jurisdiction] = ob
		}
	}
	_, err = st.UpdateObligations(ctx, id, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		for i := range cur {
			o := &cur[i]
			ob, ok := due[o.Jurisdiction]
			if !ok || o.Duty != obligation.DutyRegulator || o.Filing != o.Jurisdiction || o.Revision != a.Revision || !o.State.Pending() {
				continue
			}
			t := ob.RegulatorDeadline.UTC()
			o.Due, o.DueText = &t, ob.RegulatorDeadlineText
		}
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("date the duties of %s from the consumer notice: %w", id, err)
	}
	return slices.Sorted(maps.Keys(due)), nil
}

// noticeClocks dates, every interval, the regulator duties that run from
// the notice to the individuals as soon as the first notice of their
// jurisdiction is out, so the deadlines (the list, the CLI and the gauge)
// move with it while the campaign runs, not only when it completes.
type noticeClocks struct {
	store store.Store
	log   *logrus.Entry
	// settled remembers the assessments (incident, revision, assessed at)
	// with nothing left to date.
	settled map[string]string
}

// watchNoticeClocks runs noticeClocks until ctx ends.
func watchNoticeClocks(ctx context.Context, st store.Store, interval time.Duration, log *logrus.Entry) {
	w := &noticeClocks{store: st, log: log, settled: map[string]string{}}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		w.check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// check dates what can be dated among the incidents with a pending
// regulator duty. An assessment is read only when it is not one already
// settled (nothing left to date).
func (w *noticeClocks) check(ctx context.Context) {
	obs, err := w.store.PendingObligations(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log.WithError(err).Warn("consumer-notice clocks: list pending obligations")
		}
		return
	}
	pending := map[string]bool{}
	for _, o := range obs {
		if o.Duty == obligation.DutyRegulator && o.Required {
			pending[o.Incident] = true
		}
	}
	for cursor := ""; len(pending) > 0 && ctx.Err() == nil; {
		rows, next, err := w.store.ListIncidents(ctx, store.ListOptions{Limit: store.MaxListLimit, After: cursor})
		if err != nil {
			w.log.WithError(err).Warn("consumer-notice clocks: list incidents")
			return
		}
		for _, r := range rows {
			if pending[r.ID] && r.Assessment != nil {
				w.date(ctx, r.ID, fmt.Sprintf("%d/%s", r.Assessment.Revision, r.Assessment.AssessedAt.UTC().Format(time.RFC3339Nano)))
			}
		}
		if next == "" {
			return
		}
		cursor = next
	}
}

// date dates the duties of one incident whose assessment is key.
func (w *noticeClocks) date(ctx context.Context, id, key string) {
	if w.settled[id] == key {
		return
	}
	a, err := readAssessment(ctx, w.store, id)
	if err != nil {
		if ctx.Err() == nil {
			w.log.WithError(err).WithField("incident", id).Warn("consumer-notice clocks: read the assessment; retrying at the next check")
		}
		return
	}
	want := afterNotice(a)
	if len(want) == 0 {
		w.settled[id] = key
		return
	}
	done, err := dateFromNotices(ctx, w.store, id, a)
	if err != nil {
		if ctx.Err() == nil {
			w.log.WithError(err).WithField("incident", id).Warn("consumer-notice clocks; retrying at the next check")
		}
		return
	}
	if len(done) > 0 {
		w.log.WithField("incident", id).WithField("jurisdictions", done).Info("regulator deadlines run from the first consumer notice")
	}
	if len(done) == len(want) {
		w.settled[id] = key
	}
}

// BuildDraft drafts the reports of one jurisdiction of an assessment, with
// the people counted per member state and State where the split needs
// them (an organisation without an EU establishment, the HIPAA media
// notice) and the campaign's figures when given.
func BuildDraft(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, a *assess.Assessment, jurisdiction string, campaign *report.Campaign, now time.Time) (*report.Draft, error) {
	people, err := tallyFor(ctx, inv, in, a)
	if err != nil {
		return nil, err
	}
	url := ""
	if campaign != nil {
		url = campaign.PublicNoticeURL
	}
	return report.Build(report.Input{Incident: in, Assessment: a, Inventory: inv, People: people, Campaign: campaign,
		Jurisdiction: jurisdiction, Now: now, AnnouncementURL: url})
}

// mayCount says whether a draft of an assessment against inv may be split
// per member state or State, so need the people counted: the EU-GDPR
// report of an organisation without an EU establishment, the HIPAA media
// notice of a covered entity or business associate.
func mayCount(inv *inventory.Inventory) bool {
	if inv == nil {
		return false
	}
	o := inv.Organization
	return !regulators.HasEUEstablishment(o.Establishment) || o.HIPAACoveredEntity || o.HIPAABusinessAssociate
}

// splits says whether a draft of assessment a is split per member state
// or State, so needs the people counted.
func splits(inv *inventory.Inventory, a *assess.Assessment) bool {
	if inv == nil {
		return false
	}
	for _, ob := range a.Obligations {
		switch {
		case ob.Jurisdiction == "EU-GDPR" && !regulators.HasEUEstablishment(inv.Organization.Establishment):
			return true
		case ob.Jurisdiction == "US-HIPAA":
			return true
		}
	}
	return false
}

// tallyFor counts the people per member state and State when a draft of
// the assessment is split by them (splits), walking the directory again
// as the assessment did; nil otherwise.
func tallyFor(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, a *assess.Assessment) (*report.Tally, error) {
	if !splits(inv, a) {
		return nil, nil
	}
	_, people, err := report.AssessAndCount(ctx, inv, in, a.AssessedAt)
	if err != nil {
		return nil, fmt.Errorf("count the people per member state: %w", err)
	}
	return people, nil
}

// publishedAt is when the incident's public notice was published, nil
// when none is (or it was withdrawn).
func publishedAt(ctx context.Context, st store.Store, id string) (*time.Time, error) {
	n, err := announce.Load(ctx, st, id)
	if errors.Is(err, announce.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if n.Withdrawn() {
		return nil, nil
	}
	t := n.FirstPublished()
	return &t, nil
}

// meet marks every pending obligation of duty in obs met, only those
// recorded for revision rev or earlier unless rev is 0.
func meet(obs []obligation.Obligation, duty string, rev int, at time.Time, by, note string) bool {
	changed := false
	for i := range obs {
		if obs[i].Duty == duty && (rev == 0 || obs[i].Revision <= rev) && obs[i].Meet(at, by, note) {
			changed = true
		}
	}
	return changed
}

// campaignDone marks the individuals' duties of an incident met by its
// completed campaign, those of a later revision (re-opened for people the
// campaign did not cover) excepted. A failure is logged; the duty then
// stays open for a person to see.
func (c *campaigner) campaignDone(ctx context.Context, id string, rev int, totals map[notify.State]int) {
	note := fmt.Sprintf("campaign of revision %d complete: %d sent, %d unreachable", rev, totals[notify.StateSent], totals[notify.StateUnreachable])
	if err := MeetDuty(ctx, c.store, id, obligation.DutyIndividuals, rev, c.now(), campaignPrincipal, note); err != nil && ctx.Err() == nil {
		c.log.WithError(err).WithField("incident", id).Error("record the individuals' duty as met")
	}
	// The duties that run from the consumer notice are dated by now (the
	// watch does it while the campaign runs); this is the last chance.
	if a, err := c.assessment(ctx, id); err == nil {
		if _, err := dateFromNotices(ctx, c.store, id, a); err != nil && ctx.Err() == nil {
			c.log.WithError(err).WithField("incident", id).Warn("date the duties that run from the consumer notice")
		}
	}
}

// MeetDuty marks the pending obligations of one duty of an incident met
// at the given time, by a principal, with a note saying what met them:
// those recorded for revision rev or earlier, or all when rev is 0.
func MeetDuty(ctx context.Context, st store.Store, id, duty string, rev int, at time.Time, by, note string) error {
	_, err := st.UpdateObligations(ctx, id, func(cur []obligation.Obligation) ([]obligation.Obligation, error) {
		meet(cur, duty, rev, at, by, note)
		return cur, nil
	})
	return err
}

// PublicNoticePublished marks the public-notice duties of an incident met
// by the published version of its notice (a withdrawal meets nothing).
func PublicNoticePublished(ctx context.Context, st store.Store, v announce.Version) error {
	if v.Kind == announce.KindWithdrawal {
		return nil
	}
	return MeetDuty(ctx, st, v.IncidentID, obligation.DutyPublic, 0, v.PublishedAt, announcePrincipal,
		fmt.Sprintf("public notice version %d published", v.Version))
}

// BackfillObligations records the obligations of every assessed incident
// that has none (assessed before obligations were kept), so that they
// join the deadlines. It returns how many incidents it filled.
func BackfillObligations(ctx context.Context, st store.Store, inv *inventory.Inventory, now time.Time) (int, error) {
	filled, cursor := 0, ""
	for {
		page, next, err := st.ListIncidents(ctx, store.ListOptions{Limit: store.MaxListLimit, After: cursor})
		if err != nil {
			return filled, fmt.Errorf("backfill obligations: %w", err)
		}
		for _, sum := range page {
			if sum.Assessment == nil {
				continue
			}
			obs, err := st.IncidentObligations(ctx, sum.ID)
			if err != nil {
				return filled, fmt.Errorf("backfill obligations: %w", err)
			}
			if len(obs) > 0 {
				continue
			}
			in, a, err := Assessed(ctx, st, sum.ID)
			if err != nil {
				return filled, fmt.Errorf("backfill obligations: %w", err)
			}
			if err := SyncObligations(ctx, st, inv, in, a, nil, now); err != nil {
				return filled, fmt.Errorf("backfill obligations: %w", err)
			}
			filled++
		}
		if next == "" {
			return filled, nil
		}
		cursor = next
	}
}

// Assessed returns the latest assessment of an incident with the
// revision it assessed (which a newer, unassessed revision may follow).
// It fails with store.ErrNotFound when the incident has no assessment.
func Assessed(ctx context.Context, st store.Store, id string) (*incident.Incident, *assess.Assessment, error) {
	a, err := readAssessment(ctx, st, id)
	if err != nil {
		return nil, nil, err
	}
	revs, err := st.IncidentRevisions(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range revs {
		if r.Revision == a.Revision {
			in, err := incident.Decode(r.Doc)
			if err != nil {
				return nil, nil, fmt.Errorf("incident %s revision %d: %w", id, r.Revision, err)
			}
			return in, a, nil
		}
	}
	return nil, nil, fmt.Errorf("incident %s: revision %d is assessed but not stored: %w", id, a.Revision, store.ErrNotFound)
}
