package announce

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"hash"
	"net/mail"
	"strings"
	"time"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/notify/verify"
)

// The public site answers two questions without scanning anything and
// without keeping addresses in plain text: "is this notice genuine?" and
// "am I affected?". Both are answered from indexes keyed by an HMAC of
// what the person types, under keys derived from the notice key, built
// when the campaign is planned (verification) and when the incident is
// assessed (addresses).

// LookupBytes is the length of an index key; CheckBytes that of the
// verifier stored beside a verification entry.
const (
	LookupBytes = 16
	CheckBytes  = 16
)

// Labels of the keys derived from the notice key, one per index.
const (
	verifyLabel  = "breach/public/verify/v1"
	addressLabel = "breach/public/address/v1"
)

// VerifyEntry is one row of the verification index: what the site may say
// about a genuine notice, and nothing about its person.
type VerifyEntry struct {
	// Lookup is the index key, Check the verifier compared in constant
	// time (both from VerifyKeys).
	Lookup []byte
	Check  []byte
	// IncidentID and Channel are shown; NoticeKey links the entry to the
	// ledger, from which the store reads SentAt.
	IncidentID string
	Channel    string
	NoticeKey  string
	// SentAt is when the ledger recorded the notice sent; zero while it is
	// not (yet) sent.
	SentAt time.Time
}

// AddressEntry is one row of the affected-address index.
type AddressEntry struct {
	Lookup     []byte
	IncidentID string
	SubjectID  string
}

// deriveKey derives the key of one index from the notice key, so that no
// index hash can be turned into a verification code, or the reverse.
func deriveKey(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// VerifyKeys returns the index key and the verifier of a (reference, code)
// pair as a person types it; ok is false when the pair cannot be one
// (an empty reference or a code of the wrong shape). The work is the same
// whatever the input, so that a wrong pair costs what a right one does.
func VerifyKeys(secret []byte, reference, code string) (lookup, check []byte, ok bool) {
	return newVerifyKeyer(secret).keys(normalizeReference(reference), code)
}

// NewVerifyEntry returns the verification index row of one planned notice:
// incident incidentID, channel, and its idempotency key (notify/verify.Key),
// whose code the notice prints.
func NewVerifyEntry(secret []byte, incidentID, channel, noticeKey string) VerifyEntry {
	return newVerifyKeyer(secret).entry(incidentID, normalizeReference(incidentID), channel, noticeKey)
}

// verifyKeyer computes VerifyKeys for many pairs under one secret,
// deriving the key and setting up its HMAC once rather than per pair.
type verifyKeyer struct {
	secret []byte
	mac    hash.Hash
}

func newVerifyKeyer(secret []byte) *verifyKeyer {
	return &verifyKeyer{secret: secret, mac: hmac.New(sha256.New, deriveKey(secret, verifyLabel))}
}

// keys is VerifyKeys of a reference already normalized.
func (k *verifyKeyer) keys(ref, code string) (lookup, check []byte, ok bool) {
	c, codeOK := verify.Normalize(code)
	m := k.mac
	m.Reset()
	m.Write([]byte(ref))
	m.Write([]byte{0})
	m.Write([]byte(c))
	sum := m.Sum(nil)
	return sum[:LookupBytes], sum[LookupBytes : LookupBytes+CheckBytes], codeOK && ref != "" && len(k.secret) >= verify.MinSecretBytes
}

// entry is NewVerifyEntry, ref being incidentID normalized.
func (k *verifyKeyer) entry(incidentID, ref, channel, noticeKey string) VerifyEntry {
	lookup, check, _ := k.keys(ref, verify.Code(k.secret, noticeKey))
	return VerifyEntry{Lookup: lookup, Check: check, IncidentID: incidentID, Channel: channel, NoticeKey: noticeKey}
}

// dummyCheck is compared against when no entry matched, so a miss does the
// work of a hit.
var dummyCheck = make([]byte, CheckBytes)

// Matches reports, in constant time, whether check is the entry's
// verifier; with a nil entry it does the same work and reports false.
func (e *VerifyEntry) Matches(check []byte) bool {
	want := dummyCheck
	if e != nil && len(e.Check) == CheckBytes {
		want = e.Check
	}
	eq := subtle.ConstantTimeCompare(want, check) == 1
	return eq && e != nil
}

// normalizeReference trims a reference and folds its case: incident ids
// are matched without regard to case or surrounding space.
func normalizeReference(ref string) string {
	ref = strings.TrimSpace(ref)
	if len(ref) > 128 {
		ref = ref[:128]
	}
	return strings.ToUpper(ref)
}

// ErrNotAddress is returned by NormalizeAddress for what is neither an
// e-mail address nor an international phone number.
var ErrNotAddress = fault.New(fault.Invalid, "not an e-mail address or an international phone number (+ and country code)")

// NormalizeAddress returns the canonical form of an e-mail address
// (trimmed, lower case) or a phone number (E.164: '+' and digits, with
// spaces, dashes, dots and parentheses removed and a leading 00 read as
// '+').
func NormalizeAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > 254 {
		return "", ErrNotAddress
	}
	if strings.ContainsRune(s, '@') {
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s {
			return "", ErrNotAddress
		}
		return strings.ToLower(s), nil
	}
	p := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')', '\u00a0':
			return -1
		}
		return r
	}, s)
	if strings.HasPrefix(p, "00") {
		p = "+" + p[2:]
	}
	if len(p) < 8 || len(p) > 16 || p[0] != '+' || p[1] == '0' {
		return "", ErrNotAddress
	}
	for _, c := range p[1:] {
		if c < '0' || c > '9' {
			return "", ErrNotAddress
		}
	}
	return p, nil
}

// AddressLookup returns the index key of an address as a person types it,
// or ErrNotAddress.
func AddressLookup(secret []byte, address string) ([]byte, error) {
	return newAddressKeyer(secret).lookup(address)
}

// addressKeyer computes address lookups under one secret, its key derived
// once (an indexer computes one for every address of every affected
// person).
type addressKeyer struct{ mac hash.Hash }

func newAddressKeyer(secret []byte) *addressKeyer {
	return &addressKeyer{mac: hmac.New(sha256.New, deriveKey(secret, addressLabel))}
}

// lookup is AddressLookup.
func (k *addressKeyer) lookup(address string) ([]byte, error) {
	norm, err := NormalizeAddress(address)
	if err != nil {
		return nil, err
	}
	k.mac.Reset()
	k.mac.Write([]byte(norm))
	return k.mac.Sum(nil)[:LookupBytes], nil
}

// AddressEntries returns the index rows of one affected person: one per
// usable address among addresses (their e-mail, phone, and a guardian's);
// addresses that do not normalise are skipped.
func AddressEntries(secret []byte, incidentID, subjectID string, addresses ...string) []AddressEntry {
	return newAddressKeyer(secret).entries(incidentID, subjectID, addresses...)
}

// entries is AddressEntries.
func (k *addressKeyer) entries(incidentID, subjectID string, addresses ...string) []AddressEntry {
	var out []AddressEntry
	seen := map[string]bool{}
	for _, a := range addresses {
		l, err := k.lookup(a)
		if err != nil || seen[string(l)] {
			continue
		}
		seen[string(l)] = true
		out = append(out, AddressEntry{Lookup: l, IncidentID: incidentID, SubjectID: subjectID})
	}
	return out
}
