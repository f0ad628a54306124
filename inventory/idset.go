package inventory

import (
	"hash/maphash"
	"math/bits"
)

// idSet is the set of subject ids a DirectoryReader has returned, kept as
// 128-bit fingerprints so that its memory does not depend on the length of
// the ids: 16 bytes a slot, open addressing with linear probing at a load
// of at most 3/4, growing by half. That is 21 to 32 bytes for each distinct
// id, about 27 MB for a million people; the table is split in idParts parts
// that grow one at a time, so a growth never needs more than 1/idParts of
// the table again.
//
// Why 128 bits: a fingerprint collision would make a real person look like
// a repeat of someone else, and that person would then be left out of the
// assessment, which is the unsafe direction. The two halves come from
// hash/maphash with two seeds drawn afresh for every reader, so whatever the
// ids, two different ids collide with probability 2^-128 per pair, and the
// chance of any false repeat among n people is about n²/2^129: 1.5·10^-21
// for a billion people. With 64 bits it would be n²/2^65, 2.7·10^-8 for a
// million and 2.7·10^-4 for a hundred million people: small, but a dropped
// person is a breach notice nobody sends, so the set pays 8 more bytes a
// slot instead.
type idSet struct {
	seeds [2]maphash.Seed
	parts [idParts]idPart
}

// idParts is how many independently growing parts an idSet has.
const idParts = 64

// idPart is one open-addressing table of an idSet; the zero fingerprint
// marks an empty slot.
type idPart struct {
	slots []idFP
	n     int
}

// idFP is the 128-bit fingerprint of an id.
type idFP struct{ a, b uint64 }

// add records id and reports whether it was already there.
func (s *idSet) add(id string) (seen bool) {
	if s.seeds[0] == (maphash.Seed{}) {
		s.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	}
	fp := idFP{maphash.String(s.seeds[0], id), maphash.String(s.seeds[1], id)}
	if fp == (idFP{}) {
		fp.b = 1 // keep zero for empty slots; a 2^-128 event
	}
	p := &s.parts[fp.b%idParts]
	if 4*(p.n+1) > 3*len(p.slots) {
		p.grow()
	}
	return p.insert(fp)
}

// insert adds fp unless present; the part has room.
func (p *idPart) insert(fp idFP) (seen bool) {
	i := slot(fp.a, len(p.slots))
	for {
		switch p.slots[i] {
		case fp:
			return true
		case idFP{}:
			p.slots[i] = fp
			p.n++
			return false
		}
		if i++; i == len(p.slots) {
			i = 0
		}
	}
}

// grow moves the part into a table half as large again (at least 64
// slots).
func (p *idPart) grow() {
	old := p.slots
	p.slots = make([]idFP, max(64, len(old)+len(old)/2))
	p.n = 0
	for _, fp := range old {
		if fp != (idFP{}) {
			p.insert(fp)
		}
	}
}

// slot maps h uniformly onto [0, n) (Lemire's multiply-shift), so tables
// need not be powers of two.
func slot(h uint64, n int) int {
	hi, _ := bits.Mul64(h, uint64(n))
	return int(hi)
}
