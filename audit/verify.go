package audit

import (
	"context"
	"fmt"

	"github.com/breach-notify/breach/store"
)

// Report is what Verify found.
type Report struct {
	// Checked counts the entries read.
	Checked int64 `json:"checked"`
	// HeadSeq and HeadHash identify the last entry read. Record them
	// elsewhere (a ticket, the ledger export) to detect later that the end
	// of the log was cut off: the chain alone cannot tell.
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
	// Broken is the first entry that breaks the chain, nil when none.
	Broken *Break `json:"broken,omitempty"`
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
	var rep Report
	want := int64(1)
	prev := ""
	for rec, err := range l.st.AuditRecords(ctx, 0) {
		if err != nil {
			return rep, fmt.Errorf("verify audit log: %w", err)
		}
		if b := check(fromStored(rec), want, prev); b != nil {
			rep.Broken = b
			return rep, nil
		}
		rep.Checked++
		rep.HeadSeq, rep.HeadHash = rec.Seq, rec.Hash
		want, prev = rec.Seq+1, rec.Hash
	}
	return rep, nil
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
