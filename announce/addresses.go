package announce

import (
	"context"
	"fmt"
)

// AddressWriter adds rows to the affected-address index (the store
// implements it).
type AddressWriter interface {
	AddAffectedAddresses(ctx context.Context, entries []AddressEntry) error
}

// addressBatch is how many rows AddressIndexer writes at once.
const addressBatch = 1000

// AddressIndexer builds the affected-address index of one incident while
// the affected people are streamed, writing in batches so that a million
// people never sit in memory. Call Add for each person, then Flush.
type AddressIndexer struct {
	Index      AddressWriter
	Secret     []byte
	IncidentID string
	buf        []AddressEntry
	added      int
	keyer      *addressKeyer // from Secret, at the first Add
}

// Add indexes one affected person's addresses (their e-mail and phone and
// a guardian's; empty and unusable ones are skipped).
func (x *AddressIndexer) Add(ctx context.Context, subjectID string, addresses ...string) error {
	if x.keyer == nil {
		x.keyer = newAddressKeyer(x.Secret)
	}
	x.buf = append(x.buf, x.keyer.entries(x.IncidentID, subjectID, addresses...)...)
	if len(x.buf) >= addressBatch {
		return x.Flush(ctx)
	}
	return nil
}

// Flush writes what Add buffered.
func (x *AddressIndexer) Flush(ctx context.Context) error {
	if len(x.buf) == 0 {
		return nil
	}
	if err := x.Index.AddAffectedAddresses(ctx, x.buf); err != nil {
		return fmt.Errorf("index affected addresses of %s: %w", x.IncidentID, err)
	}
	x.added += len(x.buf)
	x.buf = x.buf[:0]
	return nil
}

// Added is how many rows were written so far.
func (x *AddressIndexer) Added() int { return x.added }
