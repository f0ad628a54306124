package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/obligation"
)

// Reports drafts regulator reports and keeps the obligations of every
// incident.
type Reports interface {
	// Draft renders the report drafts of one jurisdiction of an incident,
	// with the campaign's live figures, in format (md, html, json or pdf),
	// and records that by drafted them. ErrNotFound for an unknown
	// incident, ErrNotAssessed before its assessment,
	// ErrUnknownJurisdiction for a jurisdiction the assessment does not
	// contain.
	Draft(ctx context.Context, id, jurisdiction, format, by string) ([]byte, error)
	// File records that a person filed one report of a jurisdiction: the
	// filing id may be empty when the jurisdiction has one. ErrFilingRefused
	// (wrapped) when the request does not fit the obligations.
	File(ctx context.Context, id, jurisdiction string, req FilingRequest, by string) (obligation.Obligation, error)
	// Obligations returns the obligations of an incident; ErrNotFound for
	// an unknown incident.
	Obligations(ctx context.Context, id string) ([]obligation.Obligation, error)
	// Deadlines lists every pending obligation across incidents, as
	// obligation.Deadlines orders them, at the given time.
	Deadlines(ctx context.Context, now time.Time) ([]obligation.Deadline, error)
}

// FilingRequest is the body of POST
// /api/v1/incidents/{id}/reports/{jurisdiction}/filing.
type FilingRequest struct {
	// Filing is the filing id ("EU-GDPR/FR"); optional when the
	// jurisdiction has one filing.
	Filing string `json:"filing,omitempty"`
	// Reference is the regulator's reference number (required).
	Reference string `json:"reference"`
	// CopySHA256 is the hex SHA-256 of the copy filed (optional).
	CopySHA256 string `json:"copy_sha256,omitempty"`
}

// ObligationList is the body of GET /api/v1/incidents/{id}/obligations.
type ObligationList struct {
	Incident    string                  `json:"incident"`
	Obligations []obligation.Obligation `json:"obligations"`
}

// DeadlineList is the body of GET /api/v1/deadlines.
type DeadlineList struct {
	GeneratedAt time.Time             `json:"generated_at"`
	Deadlines   []obligation.Deadline `json:"deadlines"`
}

// ErrUnknownJurisdiction is returned (wrapped) by Reports when the
// incident's assessment does not contain the jurisdiction; the API answers
// 404 with the error's text, which lists those it does.
var ErrUnknownJurisdiction = fault.New(fault.NotFound, "jurisdiction not in the assessment")

// ErrFilingRefused is returned (wrapped) by Reports.File when the filing
// names no obligation, is ambiguous, already filed or malformed; the API
// answers 400 with the error's text.
var ErrFilingRefused = fault.New(fault.Invalid, "filing refused")

// ErrRenderUnavailable is returned (wrapped) by Reports.Draft when the
// draft cannot be rendered in the format asked for on this server, such as
// a PDF whose font file is missing; the API answers 503 with the error's
// text, which names the setting to fix.
var ErrRenderUnavailable = fault.New(fault.Unavailable, "draft format unavailable")

// reportTypes are the Content-Types of the draft formats.
var reportTypes = map[string]string{
	"md":   "text/markdown; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"json": "application/json; charset=utf-8",
	"pdf":  "application/pdf",
}

// jurisdictionPattern is what a jurisdiction id in a path may look like.
var jurisdictionPattern = regexp.MustCompile(`^[A-Za-z]{2}(-[A-Za-z0-9]{1,10}){0,2}$`)

func pathJurisdiction(r *http.Request) (string, error) {
	j := r.PathValue("jurisdiction")
	if !jurisdictionPattern.MatchString(j) {
		return "", fault.Errorf(fault.Invalid, "jurisdiction: %q is not a jurisdiction id such as EU-GDPR or US-CA", j)
	}
	return strings.ToUpper(j), nil
}

// reportPath reads the incident id and jurisdiction of a report route
// and checks that reports are served.
func (a *api) reportPath(r *http.Request) (id, jur string, err error) {
	if id, err = pathID(r); err != nil {
		return "", "", err
	}
	if jur, err = pathJurisdiction(r); err != nil {
		return "", "", err
	}
	if a.deps.Reports == nil {
		return "", "", fault.Errorf(fault.Unavailable, "report drafts and filing are not configured on this server")
	}
	return id, jur, nil
}

func (a *api) getReport(w http.ResponseWriter, r *http.Request) error {
	id, jur, err := a.reportPath(r)
	if err != nil {
		return err
	}
	format := cmp.Or(strings.TrimSpace(r.URL.Query().Get("format")), "md")
	ct, ok := reportTypes[format]
	if !ok {
		return fault.Errorf(fault.Invalid, "format: %q is not one of md, html, json, pdf", format)
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	body, err := a.deps.Reports.Draft(r.Context(), id, jur, format, p.Name)
	if err := reportError(id, err); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if format == "html" {
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%s.%s"`, id, jur, format))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}

// reportError maps what Reports returns onto the API's errors.
func reportError(id string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound):
		return notFoundIncident(id)
	case errors.Is(err, ErrNotAssessed):
		return fault.Wrap(err, fault.NotAssessed, "incident %s is not assessed yet; its reports are drafted from the assessment", id)
	case errors.Is(err, ErrUnknownJurisdiction):
		return fault.Wrap(err, fault.NotFound, "%s", err)
	case errors.Is(err, ErrFilingRefused):
		return fault.Wrap(err, fault.Invalid, "%s", err)
	case errors.Is(err, ErrRenderUnavailable):
		return fault.Wrap(err, fault.Unavailable, "%s", err)
	}
	return fmt.Errorf("reports of %s: %w", id, err)
}

func (a *api) fileReport(w http.ResponseWriter, r *http.Request) error {
	id, jur, err := a.reportPath(r)
	if err != nil {
		return err
	}
	var req FilingRequest
	if err := readJSONBody(w, r, smallBody, `{"filing": "EU-GDPR/FR", "reference": "…", "copy_sha256": "…"}`, &req); err != nil {
		return err
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	o, err := a.deps.Reports.File(r.Context(), id, jur, req, p.Name)
	if err := reportError(id, err); err != nil {
		return err
	}
	if a.deps.Audit != nil {
		if _, err := a.deps.Audit.Append(r.Context(), audit.Event{Principal: p.Name, Action: audit.ActionReportFiled,
			Object: "incident/" + id, Details: map[string]any{"jurisdiction": o.Jurisdiction, "filing": o.Filing,
				"reference": o.Reference, "copy_sha256": o.CopySHA256, "revision": o.Revision}}); err != nil {
			return fmt.Errorf("file report %s %s: recorded, but the audit entry was not written: %w", id, o.Filing, err)
		}
	}
	a.log.WithFields(requestFields(r)).WithFields(map[string]any{"incident": id, "filing": o.Filing}).Info("regulator report filed")
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (a *api) listObligations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Reports == nil {
		return fault.Errorf(fault.Unavailable, "obligations are not configured on this server")
	}
	obs, err := a.deps.Reports.Obligations(r.Context(), id)
	if err := reportError(id, err); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ObligationList{Incident: id, Obligations: obs})
	return nil
}

func (a *api) listDeadlines(w http.ResponseWriter, r *http.Request) error {
	if a.deps.Reports == nil {
		return fault.Errorf(fault.Unavailable, "obligations are not configured on this server")
	}
	now := a.cfg.Now().UTC()
	ds, err := a.deps.Reports.Deadlines(r.Context(), now)
	if err != nil {
		return fmt.Errorf("deadlines: %w", err)
	}
	writeJSON(w, http.StatusOK, DeadlineList{GeneratedAt: now, Deadlines: ds})
	return nil
}
