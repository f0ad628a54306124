package announce

import (
	"context"
	"fmt"

	"github.com/breach-notify/breach/notify"
)

// VerifyWriter adds rows to the verification index (the store implements
// it).
type VerifyWriter interface {
	AddVerifyEntries(ctx context.Context, entries []VerifyEntry) error
}

// IndexingLedger is a notify.Ledger that adds the verification entry of
// every notice it plans to the index, with the notice (in the same
// transaction when the ledger is an IndexedPlanner) or before it, so the
// code of every notice that can go out is checkable on the public site,
// and no scan of the ledger is ever needed to check one. Wrap the store's
// ledger with it (Indexing) wherever notices are planned.
type IndexingLedger struct {
	notify.Ledger
	// Index receives the verification entries. When nil, Ledger must be
	// an IndexedPlanner (the store's ledger), which writes them in the
	// transaction that plans the notices.
	Index VerifyWriter
	// Secret is the notice key the codes are derived from.
	Secret []byte
}

var _ notify.Ledger = IndexingLedger{}

// Indexing returns l wrapped in an IndexingLedger under secret: every
// notice planned through it is indexed, whoever plans it (the campaign
// planner, a worker planning a person's next route, a provider's status
// report). When l is a notify.Claimer (the store's ledger), so is the
// result, and a worker keeps its one-step claim.
func Indexing(l notify.Ledger, secret []byte) notify.Ledger {
	il := IndexingLedger{Ledger: l, Secret: secret}
	if c, ok := l.(notify.Claimer); ok {
		return indexingClaimer{il, c}
	}
	return il
}

// indexingClaimer is an IndexingLedger over a ledger that claims in one
// step.
type indexingClaimer struct {
	IndexingLedger
	notify.Claimer
}

// IndexedPlanner is a ledger that writes a batch's verification entries
// and its notices in one transaction (the store's ledger): IndexingLedger
// then needs no second write.
type IndexedPlanner interface {
	PlanIndexed(ctx context.Context, entries []notify.Entry, idx []VerifyEntry) ([]bool, int, error)
}

// Plan implements notify.Ledger: it indexes entries (those with a channel;
// an unreachable marker has none), then plans them; in one transaction
// when there is no Index and the ledger is an IndexedPlanner.
func (l IndexingLedger) Plan(ctx context.Context, entries []notify.Entry) ([]bool, int, error) {
	idx := make([]VerifyEntry, 0, len(entries))
	// The key of the index is derived once for the batch, and each
	// incident's reference normalized once (a batch holds one incident).
	k := newVerifyKeyer(l.Secret)
	var id, ref string
	for _, e := range entries {
		if e.Channel == notify.ChannelNone || e.Key == "" {
			continue
		}
		if e.IncidentID != id || ref == "" {
			id, ref = e.IncidentID, normalizeReference(e.IncidentID)
		}
		idx = append(idx, k.entry(e.IncidentID, ref, string(e.Channel), e.Key))
	}
	if l.Index == nil {
		p, ok := l.Ledger.(IndexedPlanner)
		if !ok {
			return nil, 0, fmt.Errorf("index verification codes: no index, and the ledger (%T) does not index", l.Ledger)
		}
		return p.PlanIndexed(ctx, entries, idx)
	}
	if len(idx) > 0 {
		if err := l.Index.AddVerifyEntries(ctx, idx); err != nil {
			return nil, 0, fmt.Errorf("index verification codes: %w", err)
		}
	}
	return l.Ledger.Plan(ctx, entries)
}
