package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/notify"
)

// ErrNoPlan is returned (wrapped) by Plans.Plan when the service cannot
// preview the campaign (no campaigns configured); the API answers 503.
var ErrNoPlan = fault.New(fault.Unavailable, "no campaign plan")

// Plans describes what approving an incident would do, without approving.
type Plans interface {
	// Plan returns the campaign's preview of the current revision of id;
	// ErrNotFound for an unknown incident, ErrNotAssessed before its
	// assessment.
	Plan(ctx context.Context, id string) (Plan, error)
}

// Plan is the body of GET /api/v1/incidents/{id}/plan: the campaign's own
// preview (people told per channel, locale and jurisdiction, unreachable,
// stranded for lack of a provider, untranslated) and who is not told, and
// why.
type Plan struct {
	Incident string `json:"incident"`
	Revision int    `json:"revision"`
	notify.Preview
	// NotTold counts the people who would not be told, per jurisdiction,
	// with the reason.
	NotTold []PlanGroup `json:"not_told,omitempty"`
}

// PlanGroup is a number of people of one jurisdiction and why.
type PlanGroup struct {
	Jurisdiction string `json:"jurisdiction"`
	People       int    `json:"people"`
	Reason       string `json:"reason,omitempty"`
}

func (a *api) plan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Plans == nil {
		return fault.Errorf(fault.Unavailable, "this server cannot preview campaigns: notice campaigns are not configured")
	}
	p, err := a.deps.Plans.Plan(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFoundIncident(id)
	case errors.Is(err, ErrNoPlan):
		return fault.Wrap(err, fault.Unavailable, "this server cannot preview the campaign of %s", id)
	case errors.Is(err, ErrNotAssessed):
		return fault.Wrap(err, fault.AwaitingAssessment, "incident %s is not assessed yet; its plan follows from the assessment", id)
	case err != nil:
		return fmt.Errorf("plan of %s: %w", id, err)
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
