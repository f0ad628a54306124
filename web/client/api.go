package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/web"
)

// incidentPath is the route of incident id, plus the parts below it.
func incidentPath(id string, below ...string) string {
	p := "/api/v1/incidents/" + url.PathEscape(id)
	for _, b := range below {
		p += "/" + b
	}
	return p
}

// Submit posts one incident document (JSON, plain or a CloudEvents
// envelope) as it is; the service validates it, gives it an id when it has
// none and publishes it. A rejected document is an *Error with code
// invalid_incident and its Problems.
func (c *Client) Submit(ctx context.Context, doc []byte) (web.SubmitResult, error) {
	var r web.SubmitResult
	err := c.call(ctx, Request{Method: http.MethodPost, Path: "/api/v1/incidents", RawBody: doc, OK: []int{http.StatusAccepted, http.StatusOK}},
		"submission result", &r)
	return r, err
}

// ListOptions page through the incident list.
type ListOptions struct {
	// Limit is the page size; the server's default when zero.
	Limit int
	// Cursor continues after an earlier page's NextCursor.
	Cursor string
}

// List returns one page of incidents, newest first.
func (c *Client) List(ctx context.Context, o ListOptions) (web.IncidentList, error) {
	q := url.Values{}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	var l web.IncidentList
	err := c.call(ctx, Request{Path: "/api/v1/incidents", Query: q}, "incident list", &l)
	return l, err
}

// Get returns an incident's current revision and history.
func (c *Client) Get(ctx context.Context, id string) (web.IncidentView, error) {
	var v web.IncidentView
	if err := c.call(ctx, Request{Path: incidentPath(id)}, "incident "+id, &v); err != nil {
		return v, err
	}
	if v.Incident == nil {
		return v, fmt.Errorf("the server's incident %s is not the expected JSON: no incident", id)
	}
	return v, nil
}

// Assessment returns the latest assessment of an incident. Before the
// first assessment it fails with an *Error of code not_assessed, and with
// code assessment_failed, whose message says why, when the current
// revision could not be assessed (fault.CodeOf reads it).
func (c *Client) Assessment(ctx context.Context, id string) (*assess.Assessment, error) {
	a := &assess.Assessment{}
	if err := c.call(ctx, Request{Path: incidentPath(id, "assessment")}, "assessment of "+id, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Approve approves the current revision of an incident for notification;
// reason is kept in the audit log with the token's principal.
func (c *Client) Approve(ctx context.Context, id, reason string) (web.Approval, error) {
	return c.ApproveWith(ctx, id, web.ApproveRequest{Reason: reason})
}

// ApproveWith approves with every field of the request (accept_contact,
// say).
func (c *Client) ApproveWith(ctx context.Context, id string, req web.ApproveRequest) (web.Approval, error) {
	var ap web.Approval
	err := c.call(ctx, Request{Method: http.MethodPost, Path: incidentPath(id, "approve"), Body: req},
		"approval of "+id, &ap)
	if err == nil && ap.Incident == "" {
		err = fmt.Errorf("the server's approval of %s is not the expected JSON: no incident", id)
	}
	return ap, err
}

// NoticeStatus returns how many notices of the incident are in each state,
// per channel.
func (c *Client) NoticeStatus(ctx context.Context, id string) (web.NoticeStatus, error) {
	var s web.NoticeStatus
	err := c.call(ctx, Request{Path: incidentPath(id, "notices")}, "notice status of "+id, &s)
	if err == nil && s.Incident == "" {
		err = fmt.Errorf("the server's notice status of %s is not the expected JSON: no incident", id)
	}
	return s, err
}

// NoticeExport is the CSV body of a ledger export and the audit chain's
// head the server quoted when it started (empty from a server that does
// not quote it).
type NoticeExport struct {
	io.ReadCloser
	AuditHead AuditHead
}

// ExportNotices streams the incident's proof-of-notice ledger as CSV (the
// header is web.ExportHeader). Only the wait for the answer's headers is
// bounded by the timeout; the caller reads the body to its end and closes
// it.
func (c *Client) ExportNotices(ctx context.Context, id string) (*NoticeExport, error) {
	resp, err := c.Do(ctx, Request{Path: incidentPath(id, "notices", "export"), Accept: "text/csv", Stream: true})
	if err != nil {
		return nil, err
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		resp.Body.Close()
		return nil, fmt.Errorf("the server answered %q instead of CSV; is %s a breach server?", ct, c.Server())
	}
	return &NoticeExport{ReadCloser: resp.Body, AuditHead: HeadOf(resp.Header)}, nil
}

// Announce publishes a version of the incident's public notice.
func (c *Client) Announce(ctx context.Context, id string, req web.AnnounceRequest) (web.AnnouncementVersion, error) {
	var v web.AnnouncementVersion
	err := c.call(ctx, Request{Method: http.MethodPost, Path: incidentPath(id, "announcement"), Body: req, OK: []int{http.StatusOK, http.StatusCreated}},
		"announcement of "+id, &v)
	return v, err
}

// Announcement says whether the incident needs a public notice and which
// versions are published.
func (c *Client) Announcement(ctx context.Context, id string) (web.AnnouncementStatus, error) {
	var s web.AnnouncementStatus
	err := c.call(ctx, Request{Path: incidentPath(id, "announcement")}, "announcement status of "+id, &s)
	return s, err
}

// Obligations returns the incident's duties as the service tracks them
// (open, drafted, filed, not required). A server without report tracking
// answers an *Error of code unavailable.
func (c *Client) Obligations(ctx context.Context, id string) ([]obligation.Obligation, error) {
	var l web.ObligationList
	err := c.call(ctx, Request{Path: incidentPath(id, "obligations")}, "obligations of "+id, &l)
	return l.Obligations, err
}

// Deadlines returns every open deadline of every incident, soonest first.
func (c *Client) Deadlines(ctx context.Context) (web.DeadlineList, error) {
	var l web.DeadlineList
	err := c.call(ctx, Request{Path: "/api/v1/deadlines"}, "deadline list", &l)
	return l, err
}
