package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// ErrNoPlanEndpoint means the server has no GET /api/v1/incidents/{id}/plan
// route (an older server): the detailed preview of a campaign is not
// available from it.
var ErrNoPlanEndpoint = errors.New("the server has no plan endpoint (GET /api/v1/incidents/{id}/plan)")

// Plan is what approving the current revision of an incident would do, as
// GET /api/v1/incidents/{id}/plan describes it without approving.
type Plan struct {
	Incident string `json:"incident"`
	Revision int    `json:"revision"`
	// People is everyone the assessment found affected; Told those the
	// campaign would tell.
	People int `json:"people"`
	Told   int `json:"told"`
	// Notices counts the first notices the campaign would send, per
	// channel, locale and jurisdiction.
	Notices []PlanCount `json:"notices"`
	// NotTold counts the people who would not be told, per jurisdiction,
	// with the reason (no law requires it, safe harbour, ...).
	NotTold []PlanGroup `json:"not_told"`
	// Unreachable counts the people to be told who have no usable route,
	// per jurisdiction.
	Unreachable []PlanGroup `json:"unreachable"`
	// ChannelsWithoutProvider lists the channels the policy would use that
	// have no provider configured; their notices would fail or fall back.
	ChannelsWithoutProvider []string `json:"channels_without_provider"`
	// LocaleFallbacks counts the notices whose incident text is not in the
	// person's language, per locale the person wanted and locale used.
	LocaleFallbacks []LocaleFallback `json:"locale_fallbacks"`
}

// PlanCount is the number of notices on one channel, in one locale, to the
// people of one jurisdiction.
type PlanCount struct {
	Channel      string `json:"channel"`
	Locale       string `json:"locale"`
	Jurisdiction string `json:"jurisdiction"`
	Count        int    `json:"count"`
}

// PlanGroup is a number of people of one jurisdiction and why.
type PlanGroup struct {
	Jurisdiction string `json:"jurisdiction"`
	People       int    `json:"people"`
	Reason       string `json:"reason,omitempty"`
}

// LocaleFallback is a number of notices written in Used because the
// incident has no text in Wanted.
type LocaleFallback struct {
	Wanted string `json:"wanted"`
	Used   string `json:"used"`
	Count  int    `json:"count"`
}

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
	return p, err
}
