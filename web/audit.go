package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
)

// Headers that quote the audit chain's head (its last entry) when an export
// starts, so that an export can be tied to the chain: GET /api/v1/audit
// and the ledger export carry them.
const (
	HeaderAuditHeadSeq  = "Breach-Audit-Head-Seq"
	HeaderAuditHeadHash = "Breach-Audit-Head-Hash"
	// HeaderAuditNext is the after value of the next page of
	// GET /api/v1/audit when limit cut the listing.
	HeaderAuditNext = "Breach-Audit-Next"
)

// auditLog returns the audit log, or 503 without one.
func (a *api) auditLog() (*audit.Log, error) {
	if a.deps.Audit == nil {
		return nil, unavailable("the audit log is not configured on this server")
	}
	return a.deps.Audit, nil
}

// quoteAuditHead sets the head headers on w; a log that cannot be read
// leaves them out (the export goes on, the auditor sees no quote).
func (a *api) quoteAuditHead(w http.ResponseWriter, r *http.Request) {
	if a.deps.Audit == nil {
		return
	}
	head, err := a.deps.Audit.Head(r.Context())
	if err != nil {
		a.log.WithFields(requestFields(r)).WithError(err).Warn("audit head not quoted")
		return
	}
	w.Header().Set(HeaderAuditHeadSeq, strconv.FormatInt(head.Seq, 10))
	w.Header().Set(HeaderAuditHeadHash, head.Hash)
}

// auditFilter reads the filter of GET /api/v1/audit from the query.
func auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Principal: q.Get("principal"), Action: audit.Action(q.Get("action")), Object: q.Get("object")}
	for _, t := range []struct {
		name string
		to   *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if s := q.Get(t.name); s != "" {
			v, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return f, paramError(t.name, fmt.Sprintf("%s %q is not an RFC 3339 time", t.name, s), "is not an RFC 3339 time")
			}
			*t.to = v
		}
	}
	return f, nil
}

// exportAudit streams audit entries as JSON Lines, oldest first: every
// entry after `after` that the filter selects, or at most `limit` of them
// (then Breach-Audit-Next says where the next page starts). The response
// quotes the chain head at the start, and the export is itself audited.
func (a *api) exportAudit(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	after, err := queryAfter(r)
	if err != nil {
		return err
	}
	limit := 0 // everything
	if r.URL.Query().Get("limit") != "" {
		if limit, err = a.pageLimit(r); err != nil {
			return err
		}
	}
	log, err := a.auditLog()
	if err != nil {
		return err
	}
	p, err := principal(r)
	if err != nil {
		return err
	}
	// The export is recorded before it is served: the entry is part of
	// what the auditor receives when the filter selects it.
	if _, err := log.Append(r.Context(), audit.Event{Principal: p.Name, Action: audit.ActionAuditExported, Object: "audit",
		Details: map[string]any{"after": after, "limit": limit, "principal": f.Principal, "action": f.Action, "object": f.Object}}); err != nil {
		return fmt.Errorf("audit export: the export could not be recorded: %w", err)
	}
	page := audit.Page{After: int64(after), Limit: store.MaxListLimit}
	if limit > 0 {
		page.Limit = limit
	}
	first, next, err := log.List(r.Context(), f, page)
	if err != nil {
		return fmt.Errorf("audit export: %w", err)
	}
	a.quoteAuditHead(w, r)
	h := w.Header()
	h.Set("Content-Type", "application/jsonl; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if limit > 0 && next.After > 0 {
		h.Set(HeaderAuditNext, strconv.FormatInt(next.After, 10))
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	entries := first
	for {
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return a.abortExport(r, err)
			}
		}
		if err := bw.Flush(); err != nil {
			return a.abortExport(r, err)
		}
		rc.SetWriteDeadline(time.Now().Add(exportIdle))
		if limit > 0 || next.After == 0 {
			return nil
		}
		if entries, next, err = log.List(r.Context(), f, next); err != nil {
			return a.abortExport(r, err)
		}
	}
}

// abortExport breaks the connection of an export that failed after its
// 200 was sent, so that the client sees a truncated transfer.
func (a *api) abortExport(r *http.Request, err error) error {
	a.log.WithFields(requestFields(r)).WithError(err).Warn("audit export interrupted")
	panic(http.ErrAbortHandler)
}

// AuditVerification is the body of GET /api/v1/audit/verify.
type AuditVerification struct {
	audit.Report
	OK bool `json:"ok"`
}

// verifyAudit checks the whole chain (with the service's key: MACs too)
// and answers the report; a broken chain is a 200 with ok false and the
// first bad entry.
func (a *api) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	log, err := a.auditLog()
	if err != nil {
		return err
	}
	rep, err := log.Verify(r.Context())
	if err != nil {
		return fmt.Errorf("verify audit log: %w", err)
	}
	writeJSON(w, http.StatusOK, AuditVerification{Report: rep, OK: rep.OK()})
	return nil
}
