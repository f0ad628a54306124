package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/intake"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/workflow"
)

// intakeStore adapts the store to intake's small interface.
type intakeStore struct{ s store.Store }

func (a intakeStore) SaveIncident(ctx context.Context, in *incident.Incident, raw []byte) (intake.Saved, error) {
	r, err := a.s.SaveIncident(ctx, in, raw)
	if errors.Is(err, store.ErrInvalid) {
		// The store refuses this document for good: dead-letter it.
		return intake.Saved{}, fmt.Errorf("%w: %w", intake.ErrPermanent, err)
	}
	if err != nil {
		return intake.Saved{}, err
	}
	return intake.Saved{Duplicate: r.Duplicate, Conflicting: r.Conflicting, Stale: r.Stale}, nil
}

// webIncidents adapts the store to the API's reader.
type webIncidents struct {
	s store.Store
	// approvalsRequired is campaign.approvals_required.
	approvalsRequired int
}

// approvalStatus is the API's view of an approval state.
func approvalStatus(st store.ApprovalState, required int) *web.ApprovalStatus {
	out := &web.ApprovalStatus{Revision: st.Revision, Required: max(required, 1), Approved: st.Approved, Approvers: []web.Approver{}}
	for _, v := range st.Votes {
		out.Approvers = append(out.Approvers, web.Approver{By: v.By, At: v.At})
	}
	if !st.Approved {
		out.Missing = max(out.Required-len(st.Votes), 0)
	}
	return out
}

func mapErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %w", web.ErrNotFound, err)
	}
	if errors.Is(err, store.ErrInvalid) {
		return fmt.Errorf("%w: %w", web.ErrInvalidCursor, err)
	}
	return err
}

func (a webIncidents) GetIncident(ctx context.Context, id string) (web.IncidentView, error) {
	rec, err := a.s.GetIncident(ctx, id)
	if err != nil {
		return web.IncidentView{}, mapErr(err)
	}
	revs, err := a.s.IncidentRevisions(ctx, id)
	if err != nil {
		return web.IncidentView{}, mapErr(err)
	}
	v := web.IncidentView{Incident: rec.Incident, Status: string(rec.Status), FirstReceivedAt: rec.FirstReceived, LastReceivedAt: rec.LastReceived}
	for _, r := range revs {
		info := web.RevisionInfo{Revision: r.Revision, ReceivedAt: r.ReceivedAt}
		if in, err := incident.Decode(r.Doc); err == nil {
			info.Title, info.Source = in.Title, in.Source
		}
		v.Revisions = append(v.Revisions, info)
	}
	st, err := a.s.ApprovalState(ctx, id)
	if err != nil {
		return web.IncidentView{}, mapErr(err)
	}
	v.Approvals = approvalStatus(st, a.approvalsRequired)
	return v, nil
}

// ConflictsWithStored implements web.RevisionChecker.
func (a webIncidents) ConflictsWithStored(ctx context.Context, in *incident.Incident) (bool, error) {
	revs, err := a.s.IncidentRevisions(ctx, in.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, digest, err := store.EncodeIncident(in)
	if err != nil {
		return false, err
	}
	for _, rv := range revs {
		if rv.Revision == in.Revision {
			return rv.Digest != digest, nil
		}
	}
	return false, nil
}

func (a webIncidents) ListIncidents(ctx context.Context, limit int, cursor string) ([]web.IncidentSummary, string, error) {
	rows, next, err := a.s.ListIncidents(ctx, store.ListOptions{Limit: limit, After: cursor})
	if err != nil {
		return nil, "", mapErr(err)
	}
	out := make([]web.IncidentSummary, len(rows))
	for i, r := range rows {
		out[i] = web.IncidentSummary{ID: r.ID, Revision: r.Revision, Title: r.Title, Status: string(r.Status), Cause: r.Cause,
			DiscoveredAt: r.DiscoveredAt, ReceivedAt: r.LastReceived}
		if r.Assessment != nil {
			n := r.Assessment.Subjects
			out[i].Risk, out[i].Level, out[i].Subjects = r.Assessment.Risk, r.Assessment.Level, &n
		}
	}
	return out, next, nil
}

func (a webIncidents) GetAssessment(ctx context.Context, id string) (json.RawMessage, error) {
	doc, _, err := a.s.GetAssessment(ctx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	return doc, nil
}

// busPublisher publishes API submissions like any other source.
type busPublisher struct{ b *natsbus.Bus }

func (p busPublisher) PublishIncident(ctx context.Context, in *incident.Incident, raw []byte) (bool, error) {
	return natsbus.PublishIncident(ctx, p.b.JetStream(), p.b.Topics(), in, raw)
}

// webCampaigns adapts the service's campaigns to the API.
type webCampaigns struct{ s *Service }

func (a webCampaigns) Approve(ctx context.Context, id, by string) (web.Approval, error) {
	if web.ContactAccepted(ctx) {
		ctx = workflow.WithContactAccepted(ctx)
	}
	ap, err := a.s.Approve(ctx, id, by)
	switch {
	case errors.Is(err, workflow.ErrNotAssessed):
		return web.Approval{}, markAs(web.ErrNotAssessed, err)
	case errors.Is(err, workflow.ErrCampaignBlocked):
		return web.Approval{}, markAs(web.ErrCampaignBlocked, err)
	case errors.Is(err, workflow.ErrAlreadyApproved):
		return web.Approval{}, markAs(web.ErrAlreadyApproved, err)
	case errors.Is(err, workflow.ErrSameApprover):
		return web.Approval{}, markAs(web.ErrSameApprover, err)
	case err != nil:
		return web.Approval{}, mapErr(err)
	}
	return web.Approval{Incident: ap.IncidentID, Revision: ap.Revision, By: ap.By, At: ap.At,
		Approvals: approvalStatus(ap.State, ap.Required)}, nil
}

func (a webCampaigns) NoticeCounts(ctx context.Context, id string) (notify.Counts, error) {
	if _, err := a.s.store.GetIncident(ctx, id); err != nil {
		return nil, mapErr(err)
	}
	return a.s.store.Ledger().Counts(ctx, id)
}

func (a webCampaigns) ExportNotices(ctx context.Context, id string, fn func(notify.Entry) error) error {
	if _, err := a.s.store.GetIncident(ctx, id); err != nil {
		return mapErr(err)
	}
	return a.s.store.Ledger().Each(ctx, id, fn)
}

// webAnnouncements adapts the workflow's public notices to the API.
type webAnnouncements struct{ s *Service }

func (a webAnnouncements) Announce(ctx context.Context, id, kind, note, approver string) (web.AnnouncementVersion, error) {
	if _, err := a.s.store.GetIncident(ctx, id); err != nil {
		return web.AnnouncementVersion{}, mapErr(err)
	}
	k := announce.Kind(kind)
	if !k.Valid() {
		return web.AnnouncementVersion{}, fmt.Errorf("%w: kind %q is not one of publish, update, correction, withdrawal", web.ErrAnnouncementRefused, kind)
	}
	if k != announce.KindWithdrawal {
		if _, _, err := a.s.store.GetAssessment(ctx, id); errors.Is(err, store.ErrNotFound) {
			return web.AnnouncementVersion{}, fmt.Errorf("%w: %w", web.ErrNotAssessed, err)
		}
	}
	v, err := a.s.flow.Announce(ctx, id, announce.Request{Kind: k, Approver: approver, Note: note})
	if err != nil {
		return web.AnnouncementVersion{}, announceError(id, err)
	}
	if a.s.audit != nil {
		if _, err := a.s.audit.Append(ctx, audit.Event{Principal: approver, Action: audit.ActionAnnouncementPublished,
			Object: "incident/" + id, Details: map[string]any{"version": v.Version, "kind": string(v.Kind)}}); err != nil {
			return web.AnnouncementVersion{}, fmt.Errorf("announce %s: version %d published, audit entry not written: %w", id, v.Version, err)
		}
	}
	return webVersion(v, a.s.cfg.Public.PageURL(id)), nil
}

// announceError tells a refused announcement (its text, kind or state; the
// approver reads why) from a failure of the service, whose text stays in
// the log.
func announceError(id string, err error) error {
	switch fault.CodeOf(err) {
	case fault.NotFound:
		return mapErr(err)
	case fault.Internal, fault.Unavailable:
		return fmt.Errorf("announce %s: %w", id, err)
	}
	return fmt.Errorf("%w: %w", web.ErrAnnouncementRefused, err)
}

func (a webAnnouncements) Announcement(ctx context.Context, id string) (web.AnnouncementStatus, error) {
	if _, err := a.s.store.GetIncident(ctx, id); err != nil {
		return web.AnnouncementStatus{}, mapErr(err)
	}
	st := web.AnnouncementStatus{Incident: id, Versions: []web.AnnouncementVersion{}, URL: a.s.cfg.Public.PageURL(id)}
	if doc, _, err := a.s.store.GetAssessment(ctx, id); err == nil {
		var as assess.Assessment
		if err := json.Unmarshal(doc, &as); err != nil {
			return st, err
		}
		counts, err := a.s.store.Ledger().Counts(ctx, id)
		if err != nil {
			return st, err
		}
		st.Required, st.Reasons = announce.Due(as.PublicNotice, counts.Totals()[notify.StateUnreachable], a.s.cfg.Campaign.PublicNoticeUnreachable)
	}
	n, err := announce.Load(ctx, a.s.store, id)
	switch {
	case err == nil:
		for _, v := range n.Versions {
			st.Versions = append(st.Versions, webVersion(v, st.URL))
		}
	case !errors.Is(err, announce.ErrNotFound):
		return st, err
	}
	if st.Required && (n == nil || n.Withdrawn()) {
		since := a.s.now().UTC()
		if at, ok := a.s.lastEventTime(ctx, id, incident.EventAnnouncementDue); ok {
			since = at
		}
		st.OutstandingSince = &since
	}
	return st, nil
}

func webVersion(v announce.Version, url string) web.AnnouncementVersion {
	return web.AnnouncementVersion{Incident: v.IncidentID, Version: v.Version, Kind: string(v.Kind), PublishedAt: v.PublishedAt,
		Approver: v.Approver, Note: v.Note, URL: url}
}

// lastEventTime is when the EVENTS stream last stored an event of kind
// for the incident.
func (s *Service) lastEventTime(ctx context.Context, id string, kind incident.EventKind) (time.Time, bool) {
	m, ok := s.lastEvent(ctx, id, kind)
	if !ok {
		return time.Time{}, false
	}
	return m.Time.UTC(), true
}

// lastEvent is the last event of kind the EVENTS stream holds for the
// incident.
func (s *Service) lastEvent(ctx context.Context, id string, kind incident.EventKind) (*jetstream.RawStreamMsg, bool) {
	stream, err := s.bus.JetStream().Stream(ctx, s.bus.Streams().Events)
	if err != nil {
		return nil, false
	}
	m, err := stream.GetLastMsgForSubject(ctx, s.bus.Topics().Event(id, string(kind)))
	if err != nil {
		return nil, false
	}
	return m, true
}

// webChecker warns about what a submission names that the inventory does
// not hold.
type webChecker struct{ inv *inventory.Inventory }

func (c webChecker) Warnings(in *incident.Incident) []string {
	systems := make([]string, len(in.Affected))
	cats := make([][]string, len(in.Affected))
	for i, a := range in.Affected {
		systems[i], cats[i] = a.System, a.Categories
	}
	return c.inv.Warnings(systems, cats)
}

// AssessmentFailure reads the last assessment.failed event of the
// incident: the current revision failed when that event is about it.
func (s *Service) AssessmentFailure(ctx context.Context, id string) (string, bool) {
	rec, err := s.store.GetIncident(ctx, id)
	if err != nil {
		return "", false
	}
	m, ok := s.lastEvent(ctx, id, incident.EventAssessmentFailed)
	if !ok {
		return "", false
	}
	var ev incident.AssessmentFailed
	if json.Unmarshal(m.Data, &ev) != nil || ev.Revision != rec.Revision {
		return "", false
	}
	return ev.Reason, true
}

// HighestRevision is the highest stored revision of id, 0 when none.
func (a intakeStore) HighestRevision(ctx context.Context, id string) (int, error) {
	revs, err := a.s.IncidentRevisions(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil || len(revs) == 0 {
		return 0, err
	}
	return revs[len(revs)-1].Revision, nil
}

// NextRevision implements web.RevisionChecker.
func (a webIncidents) NextRevision(ctx context.Context, id string) (int, error) {
	n, err := intakeStore{a.s}.HighestRevision(ctx, id)
	return n + 1, err
}

// markAs makes err match sentinel (errors.Is) without adding the
// sentinel's words to its message: err already says them, and the API
// shows the message ("campaign blocked: campaign blocked: ..." otherwise).
// err comes first, so its own fault code and message are the ones found.
func markAs(sentinel, err error) error { return marked{sentinel: sentinel, err: err} }

type marked struct{ sentinel, err error }

func (m marked) Error() string   { return m.err.Error() }
func (m marked) Unwrap() []error { return []error{m.err, m.sentinel} }

// webPlans previews campaigns for the API.
type webPlans struct{ s *Service }

func (p webPlans) Plan(ctx context.Context, id string) (web.Plan, error) {
	rec, err := p.s.store.GetIncident(ctx, id)
	if err != nil {
		return web.Plan{}, mapErr(err)
	}
	doc, rev, err := p.s.store.GetAssessment(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rev < rec.Revision) {
		return web.Plan{}, fmt.Errorf("%w: incident %s revision %d", web.ErrNotAssessed, id, rec.Revision)
	}
	if err != nil {
		return web.Plan{}, err
	}
	var a assess.Assessment
	if err := json.Unmarshal(doc, &a); err != nil {
		return web.Plan{}, err
	}
	pv, err := p.s.flow.Preview(ctx, id)
	if err != nil {
		return web.Plan{}, err
	}
	plan := web.Plan{Incident: id, Revision: rec.Revision, Preview: pv}
	for _, ob := range a.Obligations {
		if ob.NotifyIndividuals || ob.Subjects == 0 {
			continue
		}
		reason := "no law requires telling them"
		if len(ob.Reasons) > 0 {
			reason = ob.Reasons[0]
		}
		plan.NotTold = append(plan.NotTold, web.PlanGroup{Jurisdiction: ob.Jurisdiction, People: ob.Subjects, Reason: reason})
	}
	return plan, nil
}
