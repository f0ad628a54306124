// Package audit keeps breach's append-only, hash-chained audit log: who
// did what to which object, and when. Every entry carries the SHA-256
// digest of its details (canonical JSON) and the hash of the entry before
// it, and its own hash covers both, so Verify finds an entry that was
// altered, removed or moved, and names the first one. Appends are
// serialised by the store (one transaction with a lock shared by every
// replica), so the chain never forks.
//
// The log holds no personal data: callers put identifiers (incident ids,
// token names, dead-letter sequence numbers) and counts in an entry's
// object and details, never a person's name or contact.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breach-notify/breach/store"
)

// Action names what an entry records.
type Action string

// The catalogue of audited actions.
const (
	ActionIncidentSubmitted Action = "incident.submitted"
	ActionIncidentRevised   Action = "incident.revised"
	ActionIncidentApproved  Action = "incident.approved"
	// ActionApprovalRecorded is one principal's approval of a revision that
	// needs more (campaign.approvals_required): the campaign has not
	// started.
	ActionApprovalRecorded      Action = "incident.approval_recorded"
	ActionTokenCreated          Action = "token.created"
	ActionTokenRevoked          Action = "token.revoked"
	ActionDeadLetterReplayed    Action = "deadletter.replayed"
	ActionDeadLetterResolved    Action = "deadletter.resolved"
	ActionDeadLetterPurged      Action = "deadletter.purged"
	ActionNoticeRejected        Action = "notice.rejected"
	ActionConfigLoaded          Action = "config.loaded"
	ActionAccessDenied          Action = "access.denied"
	ActionAnnouncementPublished Action = "announcement.published"
	ActionReportFiled           Action = "report.filed"
	ActionAuditExported         Action = "audit.exported"
	ActionDeviceReactivated     Action = "device.reactivated"
)

// Entry is one entry of the audit log.
type Entry struct {
	Seq       int64     `json:"seq"`
	Time      time.Time `json:"time"`
	Principal string    `json:"principal"`
	Action    Action    `json:"action"`
	Object    string    `json:"object"`
	// Details is the canonical JSON of the details given to Append.
	Details json.RawMessage `json:"details"`
	// Digest is the hex SHA-256 of Details.
	Digest string `json:"details_digest"`
	// Prev is the hash of the entry before, "" for the first entry.
	Prev string `json:"prev_hash"`
	// Hash covers every other field but MAC; see Hash.
	Hash string `json:"hash"`
	// Version is how the entry is sealed: VersionHashed (0) entries,
	// written before the chain was keyed, carry only Hash; VersionKeyed
	// (1) entries also carry MAC.
	Version int `json:"version,omitempty"`
	// MAC is the hex HMAC-SHA256 of Hash under the audit key (Key): only
	// a holder of the service's secret can write an entry that verifies.
	MAC string `json:"mac,omitempty"`
}

// The versions of an entry.
const (
	VersionHashed = 0
	VersionKeyed  = 1
)

// Event is what Append records.
type Event struct {
	// Principal names who acted: a token's name, or "system:<part>" for
	// breach itself (see access.System).
	Principal string
	Action    Action
	// Object names what was acted on, e.g. "incident/INC-1" or
	// "token/ci-detector"; it may be empty.
	Object string
	// Details is marshalled to canonical JSON; nil records {}. It must hold
	// no personal data.
	Details any
}

// Limits of the text fields of an entry.
const (
	MaxPrincipalLen = 128
	MaxObjectLen    = 512
	MaxActionLen    = 64
	MaxDetailsBytes = 64 << 10
)

// ErrInvalid is returned (wrapped) for an event Append cannot record: an
// empty principal or action, a field that is too long or not UTF-8, details
// that are not JSON-marshalable or too large. Match it with errors.Is.
var ErrInvalid = errors.New("invalid audit event")

// ErrNoKey is returned (wrapped) by Append on a log without a key when
// the chain is already keyed: an unkeyed entry after keyed ones would read
// as a rewrite. Give the log the service's key (WithKey).
var ErrNoKey = errors.New("the audit chain is keyed, and this log has no key")

// Log is the audit log over a store. It is safe for concurrent use, also by
// several processes sharing one database.
type Log struct {
	st  store.AuditStore
	now func() time.Time
	key *Key
}

// WithKey returns l appending keyed entries (VersionKeyed) and verifying
// their MACs with k.
func (l *Log) WithKey(k *Key) *Log {
	c := *l
	c.key = k
	return &c
}

// Keyed reports whether l has a key.
func (l *Log) Keyed() bool { return l.key != nil }

// New returns the audit log kept in st; now stamps entries (time.Now when
// nil).
func New(st store.AuditStore, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{st: st, now: now}
}

// Append records ev as the next entry of the chain and returns it.
func (l *Log) Append(ctx context.Context, ev Event) (Entry, error) {
	if err := checkEvent(ev); err != nil {
		return Entry{}, err
	}
	details, err := Canonical(ev.Details)
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: details: %v: %w", ev.Action, err, ErrInvalid)
	}
	if len(details) > MaxDetailsBytes {
		return Entry{}, fmt.Errorf("audit %s: details are %d bytes, over the %d-byte limit: %w", ev.Action, len(details), MaxDetailsBytes, ErrInvalid)
	}
	at := l.now().UTC().Truncate(time.Microsecond)
	rec, err := l.st.AppendAudit(ctx, func(head store.AuditHead) (store.AuditRecord, error) {
		if l.key == nil && head.Version >= VersionKeyed {
			return store.AuditRecord{}, fmt.Errorf("entry %d: %w (secrets.notice_key_file, or the data directory's notice.key)", head.Seq+1, ErrNoKey)
		}
		e := Entry{
			Seq: head.Seq + 1, Time: at, Principal: ev.Principal, Action: ev.Action, Object: ev.Object,
			Details: details, Digest: Digest(details), Prev: head.Hash,
		}
		if l.key != nil {
			e.Version = VersionKeyed
		}
		e.Hash = Hash(e)
		if l.key != nil {
			e.MAC = l.key.MAC(e.Hash)
		}
		return toRecord(e), nil
	})
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: %w", ev.Action, err)
	}
	return fromRecord(rec), nil
}

func checkEvent(ev Event) error {
	for _, f := range []struct {
		name, v  string
		max      int
		required bool
	}{
		{"principal", ev.Principal, MaxPrincipalLen, true},
		{"action", string(ev.Action), MaxActionLen, true},
		{"object", ev.Object, MaxObjectLen, false},
	} {
		switch {
		case f.required && strings.TrimSpace(f.v) == "":
			return fmt.Errorf("audit event: %s is empty: %w", f.name, ErrInvalid)
		case len(f.v) > f.max:
			return fmt.Errorf("audit event: %s is %d bytes, over the %d-byte limit: %w", f.name, len(f.v), f.max, ErrInvalid)
		case !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0):
			return fmt.Errorf("audit event: %s is not UTF-8 text without NUL: %w", f.name, ErrInvalid)
		}
	}
	return nil
}

// Filter selects entries of List; empty fields select everything.
type Filter struct {
	Principal string
	Action    Action
	Object    string
	// Since and Until bound the entry time: Since <= Time < Until.
	Since, Until time.Time
}

// Page is a position in a listing: the entries after seq After, at most
// Limit of them (store.DefaultListLimit when 0, at most
// store.MaxListLimit).
type Page struct {
	After int64 `json:"after"`
	Limit int   `json:"limit"`
}

// List returns the entries f selects on page p in seq order, and the next
// page, whose After is 0 when this was the last one.
func (l *Log) List(ctx context.Context, f Filter, p Page) ([]Entry, Page, error) {
	if p.After < 0 {
		return nil, Page{}, fmt.Errorf("list audit log: page after %d is negative: %w", p.After, ErrInvalid)
	}
	recs, err := l.st.ListAudit(ctx, store.AuditQuery{
		Principal: f.Principal, Action: string(f.Action), Object: f.Object,
		Since: f.Since, Until: f.Until, AfterSeq: p.After, Limit: p.Limit,
	})
	if err != nil {
		return nil, Page{}, err
	}
	out := make([]Entry, len(recs))
	for i, r := range recs {
		out[i] = fromRecord(r)
	}
	limit := p.Limit
	if limit <= 0 {
		limit = store.DefaultListLimit
	}
	limit = min(limit, store.MaxListLimit)
	next := Page{Limit: p.Limit}
	if len(out) == limit {
		next.After = out[len(out)-1].Seq
	}
	return out, next, nil
}

func toRecord(e Entry) store.AuditRecord {
	return store.AuditRecord{Seq: e.Seq, At: e.Time, Principal: e.Principal, Action: string(e.Action), Object: e.Object,
		Details: string(e.Details), Digest: e.Digest, Prev: e.Prev, Hash: e.Hash, Version: e.Version, MAC: e.MAC}
}

// fromRecord returns the entry of a stored row. Details that are not JSON
// (a row changed behind breach's back) come back as a JSON string, so the
// entry can still be listed and exported; Verify reports it.
func fromRecord(r store.AuditRecord) Entry {
	details := json.RawMessage(r.Details)
	if !json.Valid(details) {
		details, _ = json.Marshal(r.Details)
	}
	return Entry{Seq: r.Seq, Time: r.At, Principal: r.Principal, Action: Action(r.Action), Object: r.Object,
		Details: details, Digest: r.Digest, Prev: r.Prev, Hash: r.Hash, Version: r.Version, MAC: r.MAC}
}
