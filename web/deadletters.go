package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/internal/logging"
)

// DeadLetters administers the dead-letter stream (deadletter.Admin does).
type DeadLetters interface {
	// After lists, oldest first, at most limit dead letters of stages
	// (all when empty) after stream sequence after, without bodies.
	After(ctx context.Context, stages []string, after uint64, limit int) (*deadletter.List, error)
	// Show describes one dead letter without its body.
	Show(ctx context.Context, seq uint64) (deadletter.Entry, error)
	// ReplayAll republishes dead letters to where they came from.
	ReplayAll(ctx context.Context, seqs []uint64) ([]deadletter.Replayed, error)
	// Resolve removes dead letters, leaving a record of why.
	Resolve(ctx context.Context, seqs []uint64, by, why string) ([]deadletter.Resolved, error)
	// PurgeSeqs removes dead letters by sequence, PurgeOlder by age; each
	// leaves one record.
	PurgeSeqs(ctx context.Context, seqs []uint64, by, why string) (deadletter.Purged, error)
	PurgeOlder(ctx context.Context, cutoff time.Time, age time.Duration, stages []string, by, why string) (deadletter.Purged, error)
}

// DeadLetterRequest is the body of POST /api/v1/deadletters/{seq}/replay
// and /resolve: why (required for resolve, kept in the record and the
// audit log).
type DeadLetterRequest struct {
	Reason string `json:"reason"`
}

// PurgeRequest is the body of POST /api/v1/deadletters/purge: sequences,
// or older_than (a Go duration such as "720h") with optional stages.
type PurgeRequest struct {
	Sequences []uint64 `json:"sequences,omitempty"`
	OlderThan string   `json:"older_than,omitempty"`
	Stages    []string `json:"stages,omitempty"`
	Reason    string   `json:"reason"`
}

// ReplayResult is the answer of a replay.
type ReplayResult struct {
	Replayed []deadletter.Replayed `json:"replayed"`
}

// ResolveResult is the answer of a resolve.
type ResolveResult struct {
	Resolved []deadletter.Resolved `json:"resolved"`
}

const maxPurgeSequences = 1000

func (a *api) deadLetters() (DeadLetters, error) {
	if a.deps.DeadLetters == nil {
		return nil, unavailable("dead-letter administration is not configured on this server")
	}
	return a.deps.DeadLetters, nil
}

// pathSeq reads the {seq} of a dead-letter route.
func pathSeq(r *http.Request) (uint64, error) {
	s := r.PathValue("seq")
	seq, err := strconv.ParseUint(s, 10, 64)
	if err != nil || seq == 0 {
		return 0, paramError("seq", fmt.Sprintf("%q is not a stream sequence (a number, 1 or more)", s), "is not a stream sequence")
	}
	return seq, nil
}

// pageLimit reads the limit query parameter: the default when absent,
// else 1 to the maximum.
func (a *api) pageLimit(r *http.Request) (int, error) {
	limit := a.cfg.DefaultLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > a.cfg.MaxLimit {
			return 0, paramError("limit", fmt.Sprintf("limit must be a whole number from 1 to %d", a.cfg.MaxLimit), fmt.Sprintf("must be 1 to %d", a.cfg.MaxLimit))
		}
		limit = n
	}
	return limit, nil
}

// queryAfter reads the after query parameter, a sequence (0 when absent).
func queryAfter(r *http.Request) (uint64, error) {
	s := r.URL.Query().Get("after")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, paramError("after", fmt.Sprintf("after %q is not a sequence number; use the next value of the previous page", s), "is not a sequence number")
	}
	return n, nil
}

// stagesOf checks stage names.
func stagesOf(field string, stages []string) ([]string, error) {
	var out []string
	for _, s := range stages {
		for _, st := range strings.Split(s, ",") {
			if st == "" {
				continue
			}
			if !deadletter.ValidSubject(st) || strings.Contains(st, ".") {
				return nil, paramError(field, fmt.Sprintf("stage %q is not a stage name (intake, email, sms...)", st), "is not a stage name")
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// deadLetterError maps the dead-letter package's refusals to API errors.
func deadLetterError(err error) error {
	switch {
	case errors.Is(err, deadletter.ErrNotFound):
		return notFound(err)
	case errors.Is(err, deadletter.ErrRefused):
		return deadLetterRefused(err, strings.TrimSuffix(err.Error(), ": "+deadletter.ErrRefused.Error()))
	}
	return err
}

func (a *api) listDeadLetters(w http.ResponseWriter, r *http.Request) error {
	limit, err := a.pageLimit(r)
	if err != nil {
		return err
	}
	after, err := queryAfter(r)
	if err != nil {
		return err
	}
	stages, err := stagesOf("stage", r.URL.Query()["stage"])
	if err != nil {
		return err
	}
	dl, err := a.deadLetters()
	if err != nil {
		return err
	}
	list, err := dl.After(r.Context(), stages, after, limit)
	if err != nil {
		return deadLetterError(err)
	}
	for i := range list.Deadletters {
		scrubEntry(&list.Deadletters[i])
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (a *api) showDeadLetter(w http.ResponseWriter, r *http.Request) error {
	seq, err := pathSeq(r)
	if err != nil {
		return err
	}
	dl, err := a.deadLetters()
	if err != nil {
		return err
	}
	e, err := dl.Show(r.Context(), seq)
	if err != nil {
		return deadLetterError(err)
	}
	scrubEntry(&e)
	writeJSON(w, http.StatusOK, e)
	return nil
}

// scrubEntry removes e-mail addresses and phone numbers from a dead
// letter's reason: a provider's refusal sometimes quotes the recipient.
func scrubEntry(e *deadletter.Entry) { e.Reason = logging.Scrub(e.Reason) }

// readReason reads a {"reason": "..."} body and checks the reason.
func readReason(w http.ResponseWriter, r *http.Request, required bool) (string, error) {
	var req DeadLetterRequest
	if err := readJSONBody(w, r, smallBody, `{"reason": "why"}`, &req); err != nil {
		return "", err
	}
	return checkReason(req.Reason, required)
}

func checkReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	bad := func(msg string) error {
		return paramError("reason", msg, msg)
	}
	switch {
	case required && reason == "":
		return "", bad("reason is required: say why (it is kept in the record and the audit log)")
	case utf8.RuneCountInString(reason) > maxReason:
		return "", bad(fmt.Sprintf("reason must be at most %d characters", maxReason))
	case strings.ContainsFunc(reason, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", bad("reason must not contain control characters")
	}
	return reason, nil
}

// auditDeadLetters records dead-letter actions under the request's
// principal; a failure to record is an error the caller answers (the
// actions themselves are done).
func (a *api) auditDeadLetters(r *http.Request, evs []audit.Event) error {
	if a.deps.Audit == nil {
		return nil
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		ev.Principal = p.Name
		if _, err := a.deps.Audit.Append(r.Context(), ev); err != nil {
			return fmt.Errorf("%s %s: done, but the audit entry was not written: %w", ev.Action, ev.Object, err)
		}
	}
	return nil
}

func (a *api) replayDeadLetter(w http.ResponseWriter, r *http.Request) error {
	return a.actOnDeadLetter(w, r, false, func(dl DeadLetters, seq uint64, _, reason string) (any, []audit.Event, error) {
		done, err := dl.ReplayAll(r.Context(), []uint64{seq})
		return ReplayResult{Replayed: done}, deadletter.ReplayEvents(done, reason), err
	})
}

func (a *api) resolveDeadLetter(w http.ResponseWriter, r *http.Request) error {
	return a.actOnDeadLetter(w, r, true, func(dl DeadLetters, seq uint64, by, reason string) (any, []audit.Event, error) {
		done, err := dl.Resolve(r.Context(), []uint64{seq}, by, reason)
		return ResolveResult{Resolved: done}, deadletter.ResolveEvents(done, reason), err
	})
}

// actOnDeadLetter runs a replay or resolve of the route's {seq} with the
// body's reason (required or not) under the request's principal, audits
// what it did, even when it then failed, and answers its result.
func (a *api) actOnDeadLetter(w http.ResponseWriter, r *http.Request, reasonRequired bool,
	act func(dl DeadLetters, seq uint64, by, reason string) (any, []audit.Event, error)) error {
	seq, err := pathSeq(r)
	if err != nil {
		return err
	}
	reason, err := readReason(w, r, reasonRequired)
	if err != nil {
		return err
	}
	dl, err := a.deadLetters()
	if err != nil {
		return err
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	res, evs, err := act(dl, seq, p.Name, reason)
	if aerr := a.auditDeadLetters(r, evs); aerr != nil {
		return aerr
	}
	if err != nil {
		return deadLetterError(err)
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *api) purgeDeadLetters(w http.ResponseWriter, r *http.Request) error {
	var req PurgeRequest
	example := `{"older_than": "720h", "reason": "retention"} or {"sequences": [17, 18], "reason": "test messages"}`
	if err := readJSONBody(w, r, smallBody, example, &req); err != nil {
		return err
	}
	reason, err := checkReason(req.Reason, true)
	if err != nil {
		return err
	}
	stages, err := stagesOf("stages", req.Stages)
	if err != nil {
		return err
	}
	invalid := func(field, msg string) error {
		return paramError(field, msg, msg)
	}
	var age time.Duration
	switch {
	case len(req.Sequences) > 0 && req.OlderThan != "":
		return invalid("older_than", "give sequences or older_than, not both")
	case len(req.Sequences) == 0 && req.OlderThan == "":
		return invalid("sequences", "give the sequences to purge, or older_than")
	case len(req.Sequences) > maxPurgeSequences:
		return invalid("sequences", fmt.Sprintf("at most %d sequences at once", maxPurgeSequences))
	case len(req.Sequences) > 0 && len(stages) > 0:
		return invalid("stages", "stages apply only with older_than")
	case req.OlderThan != "":
		if age, err = time.ParseDuration(req.OlderThan); err != nil || age <= 0 {
			return invalid("older_than", fmt.Sprintf("older_than %q is not a positive duration such as 720h", req.OlderThan))
		}
	}
	for _, s := range req.Sequences {
		if s == 0 {
			return invalid("sequences", "sequences start at 1")
		}
	}
	dl, err := a.deadLetters()
	if err != nil {
		return err
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	var res deadletter.Purged
	if age > 0 {
		res, err = dl.PurgeOlder(r.Context(), a.cfg.Now().Add(-age), age, stages, p.Name, reason)
	} else {
		res, err = dl.PurgeSeqs(r.Context(), req.Sequences, p.Name, reason)
	}
	// A purge that failed part-way has still removed some: audit those.
	if res.Count > 0 {
		if aerr := a.auditDeadLetters(r, deadletter.PurgeEvents(res, reason)); aerr != nil {
			return aerr
		}
	}
	if err != nil {
		return deadLetterError(err)
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// The errors of the dead-letter and audit routes, in one place: a bad
// parameter (naming its field), a feature not configured, a dead letter
// that does not exist or that cannot be replayed or resolved as asked.

func paramError(field, msg, problem string) error { return invalidField(msg, field, problem) }

func unavailable(msg string) error { return fault.Errorf(fault.Unavailable, "%s", msg) }

func notFound(err error) error { return fault.Wrap(err, fault.NotFound, "%s", err) }

func deadLetterRefused(err error, msg string) error {
	return fault.Wrap(err, fault.DeadLetterRefused, "%s", msg)
}
