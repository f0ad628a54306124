package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
)

// handlerFunc is a handler that returns its error for writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (a *api) handle(f handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

// apiRoute adds the request timeout of /api/ routes; the route table
// decides who may call them.
func (a *api) apiRoute(f handlerFunc) http.Handler {
	return a.apiRouteWithin(a.cfg.RequestTimeout, f)
}

// apiRouteWithin is apiRoute with its own time limit, for routes that
// stream.
func (a *api) apiRouteWithin(timeout time.Duration, f handlerFunc) http.Handler {
	return a.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		return f(w, r.WithContext(ctx))
	})
}

// methodNotAllowed answers a known path asked with the wrong method.
func (a *api) methodNotAllowed(allow ...string) http.Handler {
	return a.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return fault.Errorf(fault.MethodNotAllowed, "%s is not supported here; use %s", methodLabel(r.Method), strings.Join(allow, " or "))
	})
}

// routes is the route table: every route with its authorisation decision
// (access.Public or the action its caller's role must allow). A route
// cannot be added without one, and TestRouteTable checks each against
// every role.
func (a *api) routes() *access.Mux {
	mux := access.NewMux(&access.Guard{Auth: a.auth(), Audit: a.deps.Audit,
		Deny: func(w http.ResponseWriter, r *http.Request, err error) { a.writeError(w, r, err) }})
	get := []string{http.MethodGet, http.MethodHead}
	public := access.Public
	need := access.Need
	metrics := need(access.ActionRead)
	if a.cfg.MetricsPublic {
		metrics = public
	}

	mux.Handle("GET /healthz", public, a.handle(a.healthz))
	mux.Handle("/healthz", public, a.methodNotAllowed(get...))
	mux.Handle("GET /readyz", public, a.handle(a.readyz))
	mux.Handle("/readyz", public, a.methodNotAllowed(get...))
	mux.Handle("GET /metrics", metrics, promhttp.HandlerFor(a.deps.Registry, promhttp.HandlerOpts{}))
	mux.Handle("/metrics", public, a.methodNotAllowed(get...))

	mux.Handle("POST /api/v1/incidents", need(access.ActionSubmit), a.apiRoute(a.submitIncident))
	mux.Handle("GET /api/v1/incidents", need(access.ActionRead), a.apiRoute(a.listIncidents))
	mux.Handle("/api/v1/incidents", public, a.methodNotAllowed(http.MethodGet, http.MethodHead, http.MethodPost))
	mux.Handle("GET /api/v1/incidents/{id}", need(access.ActionRead), a.apiRoute(a.getIncident))
	mux.Handle("/api/v1/incidents/{id}", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/incidents/{id}/assessment", need(access.ActionRead), a.apiRoute(a.getAssessment))
	mux.Handle("/api/v1/incidents/{id}/assessment", public, a.methodNotAllowed(get...))
	mux.Handle("POST /api/v1/incidents/{id}/approve", need(access.ActionApprove), a.apiRoute(a.approveIncident))
	mux.Handle("/api/v1/incidents/{id}/approve", public, a.methodNotAllowed(http.MethodPost))
	mux.Handle("GET /api/v1/incidents/{id}/notices", need(access.ActionRead), a.apiRoute(a.noticeStatus))
	mux.Handle("/api/v1/incidents/{id}/notices", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/incidents/{id}/notices/export", need(access.ActionExport), a.apiRouteWithin(a.cfg.ExportTimeout, a.exportNotices))
	mux.Handle("/api/v1/incidents/{id}/notices/export", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/incidents/{id}/plan", need(access.ActionPreview), a.apiRoute(a.plan))
	mux.Handle("/api/v1/incidents/{id}/plan", public, a.methodNotAllowed(get...))
	mux.Handle("POST /api/v1/incidents/{id}/announcement", need(access.ActionAnnounce), a.apiRoute(a.announce))
	mux.Handle("GET /api/v1/incidents/{id}/announcement", need(access.ActionRead), a.apiRoute(a.announcement))
	mux.Handle("/api/v1/incidents/{id}/announcement", public, a.methodNotAllowed(http.MethodGet, http.MethodHead, http.MethodPost))
	mux.Handle("GET /api/v1/schemas", need(access.ActionRead), a.apiRoute(a.listSchemas))
	mux.Handle("/api/v1/schemas", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/schemas/{name}", need(access.ActionRead), a.apiRoute(a.getSchema))
	mux.Handle("/api/v1/schemas/{name}", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/openapi.json", need(access.ActionRead), a.apiRoute(a.openAPI))
	mux.Handle("/api/v1/openapi.json", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/incidents/{id}/reports/{jurisdiction}", need(access.ActionRead), a.apiRoute(a.getReport))
	mux.Handle("/api/v1/incidents/{id}/reports/{jurisdiction}", public, a.methodNotAllowed(get...))
	mux.Handle("POST /api/v1/incidents/{id}/reports/{jurisdiction}/filing", need(access.ActionReportFile), a.apiRoute(a.fileReport))
	mux.Handle("/api/v1/incidents/{id}/reports/{jurisdiction}/filing", public, a.methodNotAllowed(http.MethodPost))
	mux.Handle("GET /api/v1/incidents/{id}/obligations", need(access.ActionRead), a.apiRoute(a.listObligations))
	mux.Handle("/api/v1/incidents/{id}/obligations", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/deadlines", need(access.ActionRead), a.apiRoute(a.listDeadlines))
	mux.Handle("/api/v1/deadlines", public, a.methodNotAllowed(get...))
	dl := need(access.ActionAdminDeadLetters)
	mux.Handle("GET /api/v1/deadletters", dl, a.apiRoute(a.listDeadLetters))
	mux.Handle("/api/v1/deadletters", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/deadletters/{seq}", dl, a.apiRoute(a.showDeadLetter))
	mux.Handle("/api/v1/deadletters/{seq}", public, a.methodNotAllowed(get...))
	mux.Handle("POST /api/v1/deadletters/{seq}/replay", dl, a.apiRoute(a.replayDeadLetter))
	mux.Handle("/api/v1/deadletters/{seq}/replay", public, a.methodNotAllowed(http.MethodPost))
	mux.Handle("POST /api/v1/deadletters/{seq}/resolve", dl, a.apiRoute(a.resolveDeadLetter))
	mux.Handle("/api/v1/deadletters/{seq}/resolve", public, a.methodNotAllowed(http.MethodPost))
	mux.Handle("POST /api/v1/deadletters/purge", dl, a.apiRoute(a.purgeDeadLetters))
	mux.Handle("GET /api/v1/audit", need(access.ActionAudit), a.apiRouteWithin(a.cfg.ExportTimeout, a.exportAudit))
	mux.Handle("/api/v1/audit", public, a.methodNotAllowed(get...))
	mux.Handle("GET /api/v1/audit/verify", need(access.ActionAudit), a.apiRouteWithin(a.cfg.ExportTimeout, a.verifyAudit))
	mux.Handle("/api/v1/audit/verify", public, a.methodNotAllowed(get...))
	for _, r := range a.deps.Extra {
		mux.Handle(r.Pattern, r.Decision, r.Handler)
	}

	mux.Handle("/", public, a.handle(func(w http.ResponseWriter, r *http.Request) error {
		return fault.Errorf(fault.NotFound, "no such route; the API lives under /api/v1/incidents")
	}))
	return mux
}

func (a *api) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// CheckResult is one readiness check as /readyz reports it.
type CheckResult struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// Readiness is the body of /readyz.
type Readiness struct {
	Status string        `json:"status"` // "ready" or "unavailable"
	Checks []CheckResult `json:"checks"`
}

func (a *api) readyz(w http.ResponseWriter, r *http.Request) error {
	checks := a.deps.Readiness
	res := make([]CheckResult, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() {
			res[i] = CheckResult{Name: c.Name, OK: true}
			if err := a.runCheck(r.Context(), c); err != nil {
				res[i].OK, res[i].Error = false, err.Error()
			}
		})
	}
	wg.Wait()
	body := Readiness{Status: "ready", Checks: res}
	status := http.StatusOK
	for _, c := range res {
		if !c.OK {
			body.Status, status = "unavailable", http.StatusServiceUnavailable
		}
	}
	if status != http.StatusOK {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, status, body)
	return nil
}

// runCheck runs one check under CheckTimeout, turning a panic or an
// overrun into an error.
func (a *api) runCheck(ctx context.Context, c Check) (err error) {
	if c.Run == nil {
		return errors.New("check has no function")
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.CheckTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- fmt.Errorf("check panicked: %v", v)
			}
		}()
		done <- c.Run(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("no answer within %s", a.cfg.CheckTimeout)
	}
}

// SubmitResult is the body of a 202 answer to POST /api/v1/incidents.
type SubmitResult struct {
	ID        string `json:"id"`
	Revision  int    `json:"revision"`
	Duplicate bool   `json:"duplicate"`
	// Assigned is true when the service gave the incident its id; later
	// revisions must carry it.
	Assigned bool `json:"assigned,omitempty"`
	// Warnings name what the service could not match in its inventory
	// (an unknown system, a category the system does not hold); the
	// incident was accepted anyway, and its assessment will say what it
	// could not use.
	Warnings []string `json:"warnings,omitempty"`
}

// acceptedType reports whether ct is a JSON media type. A request with
// no Content-Type is refused: a state-changing request must say what it
// sends (a plain form or text post from a web page cannot pass).
func acceptedType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func (a *api) submitIncident(w http.ResponseWriter, r *http.Request) error {
	outcome := "error"
	defer func() { a.metrics.submitted.WithLabelValues(outcome).Inc() }()
	if !acceptedType(r.Header.Get("Content-Type")) {
		outcome = "invalid"
		return fault.Errorf(fault.UnsupportedMedia, "send the incident as JSON (Content-Type: application/json or application/cloudevents+json)")
	}
	if r.ContentLength > a.cfg.MaxBodyBytes {
		outcome = "too_large"
		return fault.Errorf(fault.TooLarge, "the incident document is %d bytes, larger than the %d-byte limit", r.ContentLength, a.cfg.MaxBodyBytes)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			outcome = "too_large"
			return fault.Errorf(fault.TooLarge, "the incident document is larger than the %d-byte limit", a.cfg.MaxBodyBytes)
		}
		return fault.Wrap(err, fault.Invalid, "the request body could not be read")
	}
	sub, err := PrepareSubmission(raw, a.cfg.Now())
	if err != nil {
		var ve *incident.ValidationError
		if errors.As(err, &ve) {
			outcome = "invalid"
		}
		return err
	}
	if a.deps.Publisher == nil {
		return fault.Errorf(fault.Unavailable, "incident submission is not configured on this server")
	}
	if err := incident.CheckDiscoveredAt(sub.Incident, a.cfg.Now()); err != nil {
		outcome = "invalid"
		return err
	}
	// A revision must follow the highest stored one: a gap (or a revision
	// far ahead, which would make the real next one stale) is refused.
	if rc, ok := a.deps.Incidents.(RevisionChecker); ok && !sub.Assigned {
		if next, err := rc.NextRevision(r.Context(), sub.Incident.ID); err == nil && sub.Incident.Revision > next {
			outcome = "conflict"
			return fault.Errorf(fault.RevisionConflict, "incident %s: expected revision %d, one above the highest stored (%d); send the revisions in order",
				sub.Incident.ID, next, next-1)
		}
	}
	// A changed document under a revision already stored would be dropped
	// by JetStream as a duplicate (within its window) or dead-lettered by
	// intake (after it): tell the submitter now, before publishing.
	if rc, ok := a.deps.Incidents.(RevisionChecker); ok && !sub.Assigned {
		conflict, err := rc.ConflictsWithStored(r.Context(), sub.Incident)
		if err != nil {
			a.log.WithFields(requestFields(r)).WithError(err).Warn("could not compare the submission with the stored revision")
		}
		if conflict {
			outcome = "conflict"
			return fault.Errorf(fault.RevisionConflict, "incident %s revision %d was already received with different content; send the change as revision %d or higher",
				sub.Incident.ID, sub.Incident.Revision, sub.Incident.Revision+1)
		}
	}
	dup, err := a.deps.Publisher.PublishIncident(r.Context(), sub.Incident, sub.Raw)
	if err != nil {
		msg := "the incident could not be handed to the message bus; retry later"
		if sub.Assigned {
			msg += fmt.Sprintf(" with \"id\": %q in the document, so that a retry cannot create a second incident", sub.Incident.ID)
		}
		return fault.Wrap(fmt.Errorf("publish incident %s: %w", sub.Incident.Key(), err), fault.Unavailable, "%s", msg)
	}
	outcome = "accepted"
	if dup {
		outcome = "duplicate"
	}
	a.log.WithFields(requestFields(r)).WithFields(map[string]any{
		"incident": sub.Incident.ID, "revision": sub.Incident.Revision, "duplicate": dup, "assigned": sub.Assigned,
	}).Info("incident submitted")
	w.Header().Set("Location", "/api/v1/incidents/"+url.PathEscape(sub.Incident.ID))
	res := SubmitResult{ID: sub.Incident.ID, Revision: sub.Incident.Revision, Duplicate: dup, Assigned: sub.Assigned}
	if a.deps.Checker != nil {
		res.Warnings = a.deps.Checker.Warnings(sub.Incident)
	}
	writeJSON(w, http.StatusAccepted, res)
	return nil
}

// IncidentList is the body of GET /api/v1/incidents.
type IncidentList struct {
	Incidents  []IncidentSummary `json:"incidents"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

func (a *api) listIncidents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit := a.cfg.DefaultLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > a.cfg.MaxLimit {
			return invalidField(fmt.Sprintf("limit must be a whole number from 1 to %d", a.cfg.MaxLimit),
				"limit", fmt.Sprintf("must be 1 to %d", a.cfg.MaxLimit))
		}
		limit = n
	}
	cursor := q.Get("cursor")
	if len(cursor) > 512 {
		return invalidField("the cursor is not valid; start again without one", "cursor", "is too long")
	}
	if a.deps.Incidents == nil {
		return fault.Errorf(fault.Unavailable, "incident storage is not configured on this server")
	}
	list, next, err := a.deps.Incidents.ListIncidents(r.Context(), limit, cursor)
	if err != nil {
		return fmt.Errorf("list incidents: %w", err)
	}
	if list == nil {
		list = []IncidentSummary{}
	}
	writeJSON(w, http.StatusOK, IncidentList{Incidents: list, NextCursor: next})
	return nil
}

// pathID returns the {id} of the route, checked against incident.ValidID.
func pathID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !incident.ValidID(id) {
		return "", invalidField(fmt.Sprintf("%q is not an incident id (1-128 letters, digits, '-' or '_')", id),
			"id", "is not an incident id")
	}
	return id, nil
}

func (a *api) getIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Incidents == nil {
		return fault.Errorf(fault.Unavailable, "incident storage is not configured on this server")
	}
	v, err := a.deps.Incidents.GetIncident(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		return notFoundIncident(id)
	}
	if err != nil {
		return fmt.Errorf("get incident %s: %w", id, err)
	}
	if v.Revisions == nil {
		v.Revisions = []RevisionInfo{}
	}
	v.Revisions = slices.Clone(v.Revisions)
	slices.SortFunc(v.Revisions, func(x, y RevisionInfo) int { return x.Revision - y.Revision })
	writeJSON(w, http.StatusOK, v)
	return nil
}

func notFoundIncident(id string) error {
	return fault.Errorf(fault.NotFound, "incident %s not found (a just-submitted incident appears once intake has stored it; retry in a moment)", id)
}

func (a *api) getAssessment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.deps.Incidents == nil {
		return fault.Errorf(fault.Unavailable, "incident storage is not configured on this server")
	}
	doc, err := a.deps.Incidents.GetAssessment(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		// Tell "no such incident" from "not assessed yet".
		_, gerr := a.deps.Incidents.GetIncident(r.Context(), id)
		switch {
		case errors.Is(gerr, ErrNotFound):
			return notFoundIncident(id)
		case gerr != nil:
			return fmt.Errorf("get incident %s: %w", id, gerr)
		}
		if a.deps.Failures != nil {
			if reason, failed := a.deps.Failures.AssessmentFailure(r.Context(), id); failed {
				return fault.Errorf(fault.AssessmentFailed, "incident %s could not be assessed: %s; send a corrected revision", id, reason)
			}
		}
		return fault.Errorf(fault.NotAssessed, "incident %s has not been assessed yet; the assessment appears here once the service has run it", id)
	}
	if err != nil {
		return fmt.Errorf("get assessment %s: %w", id, err)
	}
	if !json.Valid(doc) {
		return fmt.Errorf("assessment of %s is not valid JSON", id)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
	if len(doc) > 0 && doc[len(doc)-1] != '\n' {
		w.Write([]byte{'\n'})
	}
	return nil
}
