package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"strconv"
)

// hashDomain starts every entry hash, so that it cannot be mistaken for a
// hash of anything else.
const hashDomain = "breach.audit.v1"

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

// Hash returns the hash of an entry: the hex SHA-256 of hashDomain and then
// its seq, time (Unix microseconds), principal, action, object, details
// digest and previous hash, each written as its length (8 bytes, big
// endian) and its bytes, so that no two different entries share an input.
// It does not read e.Hash or e.Details (the digest stands for them).
func Hash(e Entry) string {
	h := sha256.New()
	field(h, hashDomain)
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
