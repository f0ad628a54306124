// Package verify derives the short verification code printed on every
// notice, so that the public announcement page (or a support agent) can
// confirm that a notice is genuine, and builds the idempotency key of a
// notice that the code is derived from.
//
// A code is the first 50 bits of HMAC-SHA256(secret, key) written as ten
// Crockford base32 characters grouped XXXXX-XXXXX. Without the secret nobody
// can produce a valid code for a key; with it, the code of a key is stable,
// so a re-sent notice carries the same code.
package verify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"hash"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// CodeLength is the number of significant characters of a code (the dash
// is not counted).
const CodeLength = 10

// MinSecretBytes is the smallest secret that gives codes worth trusting.
// Code still works with a shorter secret, but Check rejects every code
// when the secret is shorter, so a misconfigured deployment fails closed.
const MinSecretBytes = 16

// crockford is Crockford's base32 alphabet: digits and letters without
// I, L, O and U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Key is the idempotency key of one notice: the incident, the person, the
// channel and the notice version (docs/architecture.md). Each part is path-escaped, so
// distinct tuples always give distinct keys even when an id contains '/'.
func Key(incidentID, subjectID, channel string, version int) string {
	return "notice/" + url.PathEscape(incidentID) + "/" + url.PathEscape(subjectID) + "/" +
		url.PathEscape(channel) + "/v" + strconv.Itoa(version)
}

// Code returns the verification code of idempotencyKey under secret,
// formatted XXXXX-XXXXX.
func Code(secret []byte, idempotencyKey string) string {
	raw := rawCode(secret, idempotencyKey)
	return string(raw[:5]) + "-" + string(raw[5:])
}

// Check reports whether code is the verification code of key under secret.
// It ignores case, spaces and dashes, reads the Crockford look-alikes O as
// 0 and I or L as 1, and compares in constant time. It returns false for a
// secret shorter than MinSecretBytes.
func Check(secret []byte, key, code string) bool {
	if len(secret) < MinSecretBytes {
		return false
	}
	norm, ok := Normalize(code)
	if !ok {
		return false
	}
	want := rawCode(secret, key)
	return subtle.ConstantTimeCompare([]byte(norm), want[:]) == 1
}

func rawCode(secret []byte, key string) [CodeLength]byte {
	pool := macPool(secret)
	mac := pool.Get().(hash.Hash)
	mac.Reset()
	mac.Write([]byte(key))
	var buf [sha256.Size]byte
	sum := mac.Sum(buf[:0])
	pool.Put(mac)
	// The first 64 bits as an integer; take its top 50 bits, 5 at a time.
	var v uint64
	for _, b := range sum[:8] {
		v = v<<8 | uint64(b)
	}
	var out [CodeLength]byte
	for i := range out {
		out[i] = crockford[(v>>(64-5*(i+1)))&0x1f]
	}
	return out
}

// macs keeps the keyed HMAC states of the last secret codes were derived
// under: a campaign derives the code of every notice several times
// (planning, the verification index, sending), always under the one
// notice key, and a fresh HMAC costs its key schedule and five
// allocations each time.
var macs atomic.Pointer[keyedMACs]

// keyedMACs is a pool of HMAC states keyed with secret.
type keyedMACs struct {
	secret []byte
	pool   sync.Pool
}

// macPool returns the pool of HMAC states keyed with secret. The common
// case (the same secret as last time) takes no lock.
func macPool(secret []byte) *sync.Pool {
	if m := macs.Load(); m != nil && hmac.Equal(m.secret, secret) {
		return &m.pool
	}
	m := &keyedMACs{secret: bytes.Clone(secret)}
	m.pool.New = func() any { return hmac.New(sha256.New, m.secret) }
	macs.Store(m)
	return &m.pool
}

// Normalize turns a code as typed by a person into its ten canonical
// characters: case, spaces and dashes ignored, O read as 0, I and L as 1.
// It reports false when the text cannot be a code. It reads every
// character of an input up to 64 bytes whatever it finds, so that how long
// it takes does not tell where a wrong code goes wrong.
func Normalize(code string) (string, bool) {
	if len(code) > 64 {
		return "", false
	}
	out := make([]byte, 0, CodeLength)
	ok := true
	for _, r := range strings.ToUpper(code) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r > 0x7f || !strings.ContainsRune(crockford, r):
			ok = false
			continue
		}
		if len(out) == CodeLength {
			ok = false
			continue
		}
		out = append(out, byte(r))
	}
	return string(out), ok && len(out) == CodeLength
}
