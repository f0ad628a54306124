package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/breach-notify/breach/fault"
)

// Announcements publishes and reads an incident's public notice.
type Announcements interface {
	// Announce records a version (kind publish, update, correction or
	// withdrawal, with a note) approved by approver.
	Announce(ctx context.Context, id, kind, note, approver string) (AnnouncementVersion, error)
	// Announcement says whether a public notice is required and which
	// versions are published; ErrNotFound for an unknown incident.
	Announcement(ctx context.Context, id string) (AnnouncementStatus, error)
}

// AnnounceRequest is the body of POST /api/v1/incidents/{id}/announcement.
type AnnounceRequest struct {
	// Kind is publish (the default), update, correction or withdrawal.
	Kind string `json:"kind,omitempty"`
	// Note says what changed or why it is withdrawn (required for a
	// correction and a withdrawal).
	Note string `json:"note,omitempty"`
}

// AnnouncementVersion is one published version.
type AnnouncementVersion struct {
	Incident    string    `json:"incident"`
	Version     int       `json:"version"`
	Kind        string    `json:"kind"`
	PublishedAt time.Time `json:"published_at"`
	Approver    string    `json:"approver"`
	Note        string    `json:"note,omitempty"`
	URL         string    `json:"url,omitempty"`
}

// AnnouncementStatus is the body of GET /api/v1/incidents/{id}/announcement.
type AnnouncementStatus struct {
	Incident string `json:"incident"`
	// Required is true when the law or the campaign's unreachable count
	// requires a public notice; Reasons say why.
	Required bool     `json:"required"`
	Reasons  []string `json:"reasons,omitempty"`
	// OutstandingSince is set while a required notice is not published.
	OutstandingSince *time.Time            `json:"outstanding_since,omitempty"`
	Versions         []AnnouncementVersion `json:"versions"`
	URL              string                `json:"url,omitempty"`
}

// ErrAnnouncementRefused is returned (wrapped) by Announce when the
// request cannot be applied as the notice stands (an update with nothing
// published, a correction without a note) or its text fails the content
// gate; the API answers 422 with the reason.
var ErrAnnouncementRefused = fault.New(fault.CampaignBlocked, "announcement refused")

func (a *api) announce(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Announcements == nil {
		return fault.Errorf(fault.Unavailable, "public notices are not configured on this server")
	}
	var req AnnounceRequest
	if err := readJSONBody(w, r, smallBody, `{"kind": "publish", "note": "…"}`, &req); err != nil {
		return err
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	v, err := a.deps.Announcements.Announce(r.Context(), id, cmp.Or(strings.TrimSpace(req.Kind), "publish"), strings.TrimSpace(req.Note), p.Name)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFoundIncident(id)
	case errors.Is(err, ErrNotAssessed):
		return fault.Wrap(err, fault.AwaitingAssessment, "incident %s is not assessed yet; its public notice is built from the assessment", id)
	case errors.Is(err, ErrAnnouncementRefused):
		return fault.Wrap(err, fault.CampaignBlocked, "%s", err)
	case err != nil:
		return fmt.Errorf("announce %s: %w", id, err)
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *api) announcement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Announcements == nil {
		return fault.Errorf(fault.Unavailable, "public notices are not configured on this server")
	}
	st, err := a.deps.Announcements.Announcement(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		return notFoundIncident(id)
	}
	if err != nil {
		return fmt.Errorf("announcement of %s: %w", id, err)
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// smallBody bounds the JSON body of the small state-changing requests.
const smallBody = 8 << 10

// readJSONBody reads a request body that must be one JSON object into v:
// JSON Content-Type, at most limit bytes, no unknown field. Each refusal
// says what to send, with example.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64, example string, v any) error {
	if !acceptedType(r.Header.Get("Content-Type")) {
		return fault.Errorf(fault.UnsupportedMedia, "send the request as JSON, %s (Content-Type: application/json)", example)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fault.Errorf(fault.TooLarge, "the request body is over the %d-byte limit", limit)
		}
		return fault.Wrap(err, fault.Invalid, "the request body could not be read")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.Errorf(fault.Invalid, "the body must be a JSON object like %s: %s", example, jsonProblem(err))
	}
	if dec.More() {
		return fault.Errorf(fault.Invalid, "the body must be a single JSON object like %s", example)
	}
	return nil
}
