package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"strconv"
)

// hashDomain starts every entry hash, so that it cannot be mistaken for a
// hash of anything else; keyedDomain starts the hash of a keyed entry, so
// that a keyed entry cannot pass for an unkeyed one with the same fields.
const (
	hashDomain  = "breach.audit.v1"
	keyedDomain = "breach.audit.v2"
)

// keyLabel separates the audit key from every other use of the service's
// secret (notice tickets, verification codes).
const keyLabel = "breach audit chain v1"

// Key MACs audit entries. It is derived from the service's shared secret
// (the notice key every replica has), so every replica writes and checks
// the others' entries, and someone who can write the database but does
// not hold the secret cannot rewrite entries so that they verify.
type Key struct{ k []byte }

// DeriveKey derives the audit key from the service's secret.
func DeriveKey(secret []byte) (*Key, error) {
	if len(secret) < 16 {
		return nil, errors.New("audit key: the service's secret must be at least 16 bytes")
	}
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(keyLabel))
	return &Key{k: h.Sum(nil)}, nil
}

// MAC returns the hex HMAC-SHA256 of an entry hash.
func (k *Key) MAC(hash string) string {
	h := hmac.New(sha256.New, k.k)
	h.Write([]byte(hash))
	return hex.EncodeToString(h.Sum(nil))
}

// Check reports whether mac is the MAC of hash.
func (k *Key) Check(hash, mac string) bool {
	want, err := hex.DecodeString(mac)
	if err != nil {
		return false
	}
	h := hmac.New(sha256.New, k.k)
	h.Write([]byte(hash))
	return hmac.Equal(want, h.Sum(nil))
}

// Canonical returns the canonical JSON of v: what json.Marshal gives,
// decoded and encoded again so that object keys are sorted, numbers keep
// their literal text, there is no insignificant white space and no HTML
// escaping. nil gives {}.
func Canonical(v any) ([]byte, error) {
	if v == nil {
		return []byte("{}"), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Digest returns the hex SHA-256 of canonical details.
func Digest(details []byte) string {
	sum := sha256.Sum256(details)
	return hex.EncodeToString(sum[:])
}

// Hash returns the hash of an entry: the hex SHA-256 of hashDomain (for a
// keyed entry keyedDomain and its version) and then its seq, time (Unix microseconds), principal, action, object, details
// digest and previous hash, each written as its length (8 bytes, big
// endian) and its bytes, so that no two different entries share an input.
// It does not read e.Hash or e.Details (the digest stands for them).
func Hash(e Entry) string {
	h := sha256.New()
	if e.Version == VersionHashed {
		field(h, hashDomain)
	} else {
		field(h, keyedDomain)
		field(h, strconv.Itoa(e.Version))
	}
	field(h, strconv.FormatInt(e.Seq, 10))
	field(h, strconv.FormatInt(e.Time.UnixMicro(), 10))
	field(h, e.Principal)
	field(h, string(e.Action))
	field(h, e.Object)
	field(h, e.Digest)
	field(h, e.Prev)
	return hex.EncodeToString(h.Sum(nil))
}

func field(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}
