package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/breach-notify/breach/store"
)

// Report is what Verify found.
type Report struct {
	// Checked counts the intact entries read before the first bad one (all
	// of them when the chain is intact).
	Checked int64 `json:"checked"`
	// HeadSeq and HeadHash identify the last intact entry. Record them
	// elsewhere (a ticket, the ledger export) and check them later with
	// Log.Holds: the chain alone cannot show that its end was cut off.
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
	// Broken is the first entry that breaks the chain, nil when none.
	Broken *Break `json:"broken,omitempty"`
	// Keyed counts the intact entries that carry a MAC; Unkeyed those
	// written before the chain was keyed (hash only).
	Keyed   int64 `json:"keyed"`
	Unkeyed int64 `json:"unkeyed"`
	// MACsChecked is true when the key was at hand and every keyed
	// entry's MAC was checked; without it, a rewrite by someone who can
	// write the database is found only by its hashes.
	MACsChecked bool `json:"macs_checked"`
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return r.Broken == nil }

// Break names the first entry at which the chain is broken and why.
type Break struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Error makes a Break usable as an error: "audit entry 3: ...".
func (b *Break) Error() string { return fmt.Sprintf("audit entry %d: %s", b.Seq, b.Reason) }

// Verify reads the whole log in seq order and checks that seqs run from 1
// without a gap, that each entry's details match its digest, that its hash
// matches its fields (seq included, so a moved entry fails) and that it
// names the hash of the entry before. It stops at the first entry that
// fails. The error is for failures to read; a broken chain is in the
// report.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	v := verifier{key: l.key}
	v.rep.MACsChecked = l.key != nil
	for rec, err := range l.st.AuditRecords(ctx, 0) {
		if err != nil {
			return v.rep, fmt.Errorf("verify audit log: %w", err)
		}
		if !v.add(fromStored(rec)) {
			break
		}
	}
	return v.rep, nil
}

// VerifyJSONL checks an export (Log.Export) as Verify checks the log, with
// no access to the store: an auditor's copy can be checked on its own,
// with the key (MACs checked too) or without (nil). A line that is not an
// entry is an error naming the line.
func VerifyJSONL(r io.Reader, key *Key) (Report, error) {
	v := verifier{key: key}
	v.rep.MACsChecked = key != nil
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4*MaxDetailsBytes)
	line := 0
	for sc.Scan() {
		line++
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return v.rep, fmt.Errorf("verify audit export: line %d: %w", line, err)
		}
		if !v.add(e) {
			return v.rep, nil
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return v.rep, fmt.Errorf("verify audit export: line %d is longer than an entry can be: %w", line+1, err)
		}
		return v.rep, fmt.Errorf("verify audit export: %w", err)
	}
	return v.rep, nil
}

// verifier checks entries one after the other.
type verifier struct {
	rep Report
	key *Key
}

// add checks e, the next entry read, and reports whether the chain still
// holds.
func (v *verifier) add(e Entry) bool {
	b := check(e, v.rep.HeadSeq+1, v.rep.HeadHash)
	if b == nil {
		b = v.checkSeal(e)
	}
	if b != nil {
		v.rep.Broken = b
		return false
	}
	v.rep.Checked++
	if e.Version == VersionKeyed {
		v.rep.Keyed++
	} else {
		v.rep.Unkeyed++
	}
	v.rep.HeadSeq, v.rep.HeadHash = e.Seq, e.Hash
	return true
}

// checkSeal checks e's version and MAC: once an entry is keyed every later
// one must be (an unkeyed entry after keyed ones is a rewrite by someone
// without the key), and with the key each MAC must match.
func (v *verifier) checkSeal(e Entry) *Break {
	switch {
	case e.Version != VersionHashed && e.Version != VersionKeyed:
		return &Break{Seq: e.Seq, Reason: fmt.Sprintf("unknown entry version %d (altered)", e.Version)}
	case e.Version == VersionHashed && e.MAC != "":
		return &Break{Seq: e.Seq, Reason: "an unkeyed entry carries a MAC (altered)"}
	case e.Version == VersionHashed && v.rep.Keyed > 0:
		return &Break{Seq: e.Seq, Reason: "unkeyed entry after keyed entries (written without the service's key: rewritten)"}
	case e.Version == VersionKeyed && v.key != nil && !v.key.Check(e.Hash, e.MAC):
		return &Break{Seq: e.Seq, Reason: "MAC does not match (written without the service's key: forged or rewritten)"}
	}
	return nil
}

// check returns why e, read where entry want was expected after an entry
// whose hash is prev, breaks the chain, or nil.
func check(e Entry, want int64, prev string) *Break {
	switch {
	case e.Seq > want:
		return &Break{Seq: want, Reason: fmt.Sprintf("missing (the next entry stored is %d)", e.Seq)}
	case e.Seq < want:
		return &Break{Seq: e.Seq, Reason: fmt.Sprintf("out of order (expected %d)", want)}
	case Digest(e.Details) != e.Digest:
		return &Break{Seq: e.Seq, Reason: "details do not match their digest (altered)"}
	case Hash(e) != e.Hash:
		return &Break{Seq: e.Seq, Reason: "hash does not match the entry (altered or moved)"}
	case e.Prev != prev:
		if e.Seq == 1 {
			return &Break{Seq: e.Seq, Reason: "the first entry names a previous entry (entries before it were removed)"}
		}
		return &Break{Seq: e.Seq, Reason: fmt.Sprintf("previous hash does not match entry %d (an entry was removed, replaced or moved)", e.Seq-1)}
	}
	return nil
}

// fromStored is the entry of a stored row with its details exactly as
// stored, as the digest needs them.
func fromStored(r store.AuditRecord) Entry {
	e := fromRecord(r)
	e.Details = []byte(r.Details)
	return e
}

// Head returns the seq and hash of the last entry, zero values when the
// log is empty: what a ledger export or a ticket can quote so that the log
// as it was then can be checked later (Holds).
func (l *Log) Head(ctx context.Context) (store.AuditHead, error) {
	h, err := l.st.AuditHead(ctx)
	if err != nil {
		return store.AuditHead{}, fmt.Errorf("audit log head: %w", err)
	}
	return h, nil
}

// Holds reports whether entry seq exists and has this hash. After Verify
// found the chain intact, a true answer means that every entry up to seq
// is as it was when that head was quoted; false means that the log was
// cut off or rewritten since.
func (l *Log) Holds(ctx context.Context, seq int64, hash string) (bool, error) {
	if seq < 1 {
		return false, fmt.Errorf("audit log: entry %d: %w", seq, ErrInvalid)
	}
	recs, err := l.st.ListAudit(ctx, store.AuditQuery{AfterSeq: seq - 1, Limit: 1})
	if err != nil {
		return false, err
	}
	return len(recs) == 1 && recs[0].Seq == seq && recs[0].Hash == hash, nil
}
