package pushmsg

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// digestLabel separates the device digest key from every other key
// derived from the same secret.
const digestLabel = "breach push device digest v1"

// Identity returns what identifies d at its push service: the token of an
// APNs or FCM device, the endpoint URL of a Web Push subscription (its
// keys may be re-serialised, its endpoint may not). A subscription
// without a readable endpoint is identified by its compact JSON.
func (d Device) Identity() string {
	if d.Platform != PlatformWebPush {
		return strings.TrimSpace(d.Token)
	}
	var sub struct {
		Endpoint string `json:"endpoint"`
	}
	if json.Unmarshal(d.Subscription, &sub) == nil && sub.Endpoint != "" {
		return sub.Endpoint
	}
	var b bytes.Buffer
	if json.Compact(&b, d.Subscription) == nil {
		return b.String()
	}
	return string(bytes.TrimSpace(d.Subscription))
}

// DeviceDigest returns the keyed digest that names d where its token must
// not be kept (the record of gone devices): the lower-case hex
// HMAC-SHA256 of its platform and Identity under a key derived from
// secret. Replicas sharing secret (the notice key) compute the same
// digest; without the secret a digest cannot be tested against a
// guessed token. It derives the key on every call: for many devices,
// derive it once with NewDigester.
func DeviceDigest(secret []byte, d Device) string {
	return NewDigester(secret).Digest(d)
}

// Digester computes DeviceDigest under one secret, the key derived once.
// It is safe for concurrent use.
type Digester struct {
	key []byte
}

// NewDigester derives the device digest key from secret.
func NewDigester(secret []byte) *Digester {
	k := hmac.New(sha256.New, secret)
	k.Write([]byte(digestLabel))
	return &Digester{key: k.Sum(nil)}
}

// Digest returns DeviceDigest(secret, d) for the digester's secret.
func (g *Digester) Digest(d Device) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(d.Platform))
	m.Write([]byte{0})
	m.Write([]byte(d.Identity()))
	return hex.EncodeToString(m.Sum(nil))
}
