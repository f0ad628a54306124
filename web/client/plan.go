package client

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/breach-notify/breach/web"
)

// ErrNoPlanEndpoint means the server has no GET /api/v1/incidents/{id}/plan
// route (an older server): the detailed preview of a campaign is not
// available from it.
var ErrNoPlanEndpoint = errors.New("the server has no plan endpoint (GET /api/v1/incidents/{id}/plan)")

// Plan is what approving the current revision of an incident would do, as
// GET /api/v1/incidents/{id}/plan describes it without approving.
type Plan = web.Plan

// PlanGroup is a number of people of one jurisdiction and why.
type PlanGroup = web.PlanGroup

// Plan returns what approving the incident would do. A server without the
// route answers ErrNoPlanEndpoint.
func (c *Client) Plan(ctx context.Context, id string) (Plan, error) {
	var p Plan
	err := c.call(ctx, Request{Path: incidentPath(id, "plan")}, "plan of "+id, &p)
	var e *Error
	// The API's catch-all route answers "no such route" for paths it does
	// not serve.
	if errors.As(err, &e) && e.Status == http.StatusNotFound && strings.HasPrefix(e.Message, "no such route") {
		return p, ErrNoPlanEndpoint
	}
	// A server that cannot plan (no campaigns) is no help either.
	if errors.As(err, &e) && e.Status == http.StatusServiceUnavailable {
		return p, ErrNoPlanEndpoint
	}
	return p, err
}
