// Package clienttest runs the real breach HTTP API (web.New) in an
// httptest server over an in-memory service, so that tests of API clients
// (package client, the CLI) exercise the real routes, status codes, error
// bodies and authentication.
package clienttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/web"
)

const (
	// Token is the API token the server accepts, an admin's.
	Token = "clienttest-token"
	// Principal is the name of the admin whose token Token is.
	Principal = "alice"
)

// Now is the server's clock.
var Now = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// Service is the in-memory state behind the API. Tests fill it before
// calling and read it after; every method is safe for concurrent use.
type Service struct {
	mu sync.Mutex
	// Incidents are the stored incidents by id.
	Incidents map[string]web.IncidentView
	// Assessments are the assessment documents by incident id.
	Assessments map[string]json.RawMessage
	// Counts are the ledger counts by incident id.
	Counts map[string]notify.Counts
	// Entries are the ledger entries by incident id.
	Entries map[string][]notify.Entry
	// Published are the incidents submitted, in order.
	Published []*incident.Incident
	// Approvals are the approvals made, in order.
	Approvals []web.Approval
	// ApproveErr, when set, is what Approve fails with.
	ApproveErr error
	// ApprovalsRequired above 1 asks for that many distinct approvers
	// (campaign.approvals_required); Votes are the approvals recorded
	// for revisions still short of them, by incident id.
	ApprovalsRequired int
	Votes             map[string][]web.Approver
	// Versions are the published public notice versions by incident id.
	Versions map[string][]web.AnnouncementVersion
	// Failures are the reasons incidents could not be assessed, by id.
	Failures map[string]string
	// Systems, when set, are the systems the inventory holds: a submission
	// naming another is answered with a warning.
	Systems []string
	// Duties are the tracked obligations by incident id.
	Duties map[string][]obligation.Obligation
	// Plans are the campaign previews by incident id; an incident without
	// one answers as a server that cannot plan it.
	Plans map[string]web.Plan
}

// Plan implements web.Plans.
func (s *Service) Plan(_ context.Context, id string) (web.Plan, error) {
	if p, ok := s.Plans[id]; ok {
		return p, nil
	}
	return web.Plan{}, web.ErrNoPlan
}

// Server is a running API over a Service.
type Server struct {
	*Service
	// URL is the API's base URL.
	URL string
}

// Start runs web.New over a new Service in an httptest server, closed when
// the test ends. It accepts Token (web.StaticToken) as an admin's. extra
// are routes the test adds, such as one the API does not serve yet.
func Start(t testing.TB, extra ...web.Route) *Server {
	t.Helper()
	s := &Service{
		Incidents:   map[string]web.IncidentView{},
		Assessments: map[string]json.RawMessage{},
		Counts:      map[string]notify.Counts{},
		Entries:     map[string][]notify.Entry{},
		Versions:    map[string][]web.AnnouncementVersion{},
		Failures:    map[string]string{},
		Duties:      map[string][]obligation.Obligation{},
		Plans:       map[string]web.Plan{},
	}
	h := web.New(web.Config{Now: func() time.Time { return Now }}, web.Deps{
		Incidents:     s,
		Publisher:     s,
		Campaigns:     s,
		Announcements: s,
		Failures:      s,
		Checker:       s,
		Reports:       s,
		Plans:         s,
		Auth:          web.StaticToken{Token: Token, Principal: access.Principal{Name: Principal, Role: access.RoleAdmin}},
		Extra:         extra,
	}, nil)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Server{Service: s, URL: srv.URL}
}

// GetIncident implements web.Incidents.
func (s *Service) GetIncident(_ context.Context, id string) (web.IncidentView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.Incidents[id]
	if !ok {
		return v, fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	}
	return v, nil
}

// ListIncidents implements web.Incidents: newest discovery first; the
// cursor is the id of the last incident of the previous page.
func (s *Service) ListIncidents(_ context.Context, limit int, cursor string) ([]web.IncidentSummary, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []web.IncidentSummary
	for _, v := range s.Incidents {
		all = append(all, web.IncidentSummary{ID: v.Incident.ID, Revision: v.Incident.Revision, Title: v.Incident.Title,
			Status: v.Status, Cause: v.Incident.Cause, DiscoveredAt: v.Incident.DiscoveredAt, ReceivedAt: v.LastReceivedAt})
	}
	slices.SortFunc(all, func(a, b web.IncidentSummary) int { return b.DiscoveredAt.Compare(a.DiscoveredAt) })
	start := 0
	if cursor != "" {
		i := slices.IndexFunc(all, func(x web.IncidentSummary) bool { return x.ID == cursor })
		if i < 0 {
			return nil, "", web.ErrInvalidCursor
		}
		start = i + 1
	}
	page := all[start:]
	next := ""
	if len(page) > limit {
		page = page[:limit]
		next = page[limit-1].ID
	}
	return page, next, nil
}

// GetAssessment implements web.Incidents.
func (s *Service) GetAssessment(_ context.Context, id string) (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.Assessments[id]
	if !ok {
		return nil, fmt.Errorf("assessment of %s: %w", id, web.ErrNotFound)
	}
	return a, nil
}

// PublishIncident implements web.Publisher: the incident is stored as
// received; a second submission of the same id and revision is a
// duplicate.
func (s *Service) PublishIncident(_ context.Context, in *incident.Incident, _ []byte) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.Published {
		if p.ID == in.ID && p.Revision == in.Revision {
			return true, nil
		}
	}
	s.Published = append(s.Published, in)
	s.Incidents[in.ID] = web.IncidentView{Incident: in, Status: "received", FirstReceivedAt: Now, LastReceivedAt: Now,
		Revisions: []web.RevisionInfo{{Revision: in.Revision, ReceivedAt: Now, Title: in.Title}}}
	return false, nil
}

// Approve implements web.Campaigns.
func (s *Service) Approve(_ context.Context, id, by string) (web.Approval, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.Incidents[id]
	switch {
	case s.ApproveErr != nil:
		return web.Approval{}, s.ApproveErr
	case !ok:
		return web.Approval{}, fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	case s.Assessments[id] == nil:
		return web.Approval{}, fmt.Errorf("approve %s: %w", id, web.ErrNotAssessed)
	}
	for _, ap := range s.Approvals {
		if ap.Incident == id && ap.Revision == v.Incident.Revision {
			if ap.By == by {
				return ap, nil
			}
			return web.Approval{}, fmt.Errorf("approve %s: %w", id, web.ErrAlreadyApproved)
		}
	}
	ap := web.Approval{Incident: id, Revision: v.Incident.Revision, By: by, At: Now}
	if s.ApprovalsRequired > 1 {
		if s.Votes == nil {
			s.Votes = map[string][]web.Approver{}
		}
		if slices.ContainsFunc(s.Votes[id], func(a web.Approver) bool { return a.By == by }) {
			return web.Approval{}, fmt.Errorf("approve %s: %w", id, web.ErrSameApprover)
		}
		s.Votes[id] = append(s.Votes[id], web.Approver{By: by, At: Now})
		st := &web.ApprovalStatus{Revision: ap.Revision, Required: s.ApprovalsRequired, Approvers: s.Votes[id],
			Missing: max(s.ApprovalsRequired-len(s.Votes[id]), 0)}
		st.Approved = st.Missing == 0
		ap.Approvals = st
		if !st.Approved {
			return ap, nil
		}
	}
	s.Approvals = append(s.Approvals, ap)
	return ap, nil
}

// NoticeCounts implements web.Campaigns.
func (s *Service) NoticeCounts(_ context.Context, id string) (notify.Counts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.Incidents[id]; !ok {
		return nil, fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	}
	return s.Counts[id], nil
}

// ExportNotices implements web.Campaigns.
func (s *Service) ExportNotices(_ context.Context, id string, fn func(notify.Entry) error) error {
	s.mu.Lock()
	entries := slices.Clone(s.Entries[id])
	_, ok := s.Incidents[id]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	}
	for _, e := range entries {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// Announce implements web.Announcements.
func (s *Service) Announce(_ context.Context, id, kind, note, approver string) (web.AnnouncementVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.Incidents[id]; !ok {
		return web.AnnouncementVersion{}, fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	}
	v := web.AnnouncementVersion{Incident: id, Version: len(s.Versions[id]) + 1, Kind: kind, PublishedAt: Now, Approver: approver, Note: note}
	s.Versions[id] = append(s.Versions[id], v)
	return v, nil
}

// Announcement implements web.Announcements.
func (s *Service) Announcement(_ context.Context, id string) (web.AnnouncementStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.Incidents[id]; !ok {
		return web.AnnouncementStatus{}, fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	}
	return web.AnnouncementStatus{Incident: id, Versions: slices.Clone(s.Versions[id])}, nil
}

// Warnings implements web.SubmissionChecker: each affected system that is
// not one of Systems (when set) is named.
func (s *Service) Warnings(in *incident.Incident) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w []string
	for i, a := range in.Affected {
		if len(s.Systems) > 0 && !slices.Contains(s.Systems, a.System) {
			w = append(w, fmt.Sprintf("affected[%d].system: %q is not a system of the inventory", i, a.System))
		}
	}
	return w
}

// errNotServed is what the report routes clienttest does not serve answer.
var errNotServed = errors.New("not served by clienttest")

// Draft implements web.Reports; clienttest drafts nothing.
func (s *Service) Draft(context.Context, string, string, string, string) ([]byte, error) {
	return nil, errNotServed
}

// File implements web.Reports; clienttest files nothing.
func (s *Service) File(context.Context, string, string, web.FilingRequest, string) (obligation.Obligation, error) {
	return obligation.Obligation{}, errNotServed
}

// Obligations implements web.Reports.
func (s *Service) Obligations(_ context.Context, id string) ([]obligation.Obligation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.Incidents[id]; !ok {
		return nil, fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	}
	return slices.Clone(s.Duties[id]), nil
}

// Deadlines implements web.Reports: none.
func (s *Service) Deadlines(context.Context, time.Time) ([]obligation.Deadline, error) {
	return nil, nil
}

// AssessmentFailure implements web.AssessmentFailures.
func (s *Service) AssessmentFailure(_ context.Context, id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reason, ok := s.Failures[id]
	return reason, ok
}

var (
	_ web.AssessmentFailures = (*Service)(nil)
	_ web.SubmissionChecker  = (*Service)(nil)
	_ web.Reports            = (*Service)(nil)
	_ web.Incidents          = (*Service)(nil)
	_ web.Publisher          = (*Service)(nil)
	_ web.Campaigns          = (*Service)(nil)
	_ web.Announcements      = (*Service)(nil)
)
