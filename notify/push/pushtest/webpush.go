package pushtest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WebPush is a fake Web Push service (RFC 8030) behind an httptest TLS
// server. For each POST to a subscription it made, it checks the VAPID
// Authorization header (RFC 8292: an ES256 JWT signed by the key in k=,
// aud = this service's origin, exp in the future and at most 24 hours
// ahead, sub a mailto: or https: contact), the TTL header and the
// aes128gcm encoding, then decrypts the payload (RFC 8291) with the
// subscription's private key. A request that breaks the protocol gets 400
// and is listed by Problems.
type WebPush struct {
	Server *httptest.Server
	// VAPIDPublicKey, when set, is the base64url key k= must carry.
	VAPIDPublicKey string
	// Reply, when set, scripts the answer for subscription id (the n-th
	// push to it, from 1); default 201 Created.
	Reply func(id string, n int) Reply
	// Now is the clock for the JWT's exp (default time.Now).
	Now func() time.Time

	mu       sync.Mutex
	subs     map[string]*Subscriber
	counts   map[string]int
	received []WebPushMessage
	problems []string
}

// Reply is a scripted answer of a fake.
type Reply struct {
	Status int
	// RetryAfter is the Retry-After header (Web Push) when not empty.
	RetryAfter string
	// Reason is the APNs reason or FCM errorCode of an error reply.
	Reason string
	// Field, with the FCM reason INVALID_ARGUMENT, makes the fake answer
	// as FCM does for a request value it refuses (an invalid payload): a
	// google.rpc.BadRequest detail naming Field and no FcmError detail.
	// Without it INVALID_ARGUMENT is FCM's answer to an invalid
	// registration token: an FcmError detail only.
	Field string
}

// Subscriber is a browser's side of one subscription: the key pair and
// auth secret the test generated.
type Subscriber struct {
	ID       string
	Endpoint string
	priv     *ecdh.PrivateKey
	auth     []byte
}

// WebPushMessage is one accepted push as the fake decrypted it.
type WebPushMessage struct {
	SubscriptionID string
	// Payload is the decrypted message (padding and delimiter removed).
	Payload []byte
	TTL     int
	Topic   string
	Urgency string
	// Subject is the VAPID JWT's sub; Audience its aud; Expires its exp.
	Subject  string
	Audience string
	Expires  time.Time
}

// NewWebPush starts a fake push service; it is closed when the test ends.
func NewWebPush(t interface{ Cleanup(func()) }) *WebPush {
	f := &WebPush{subs: map[string]*Subscriber{}, counts: map[string]int{}}
	f.Server = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Server.Close)
	return f
}

// Client returns an HTTP client that trusts the fake's certificate.
func (f *WebPush) Client() *http.Client { return f.Server.Client() }

// Subscribe makes a new subscription with a fresh P-256 key pair and auth
// secret, and returns it with the browser's PushSubscription JSON.
func (f *WebPush) Subscribe() (*Subscriber, json.RawMessage, error) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	auth := make([]byte, 16)
	if _, err := rand.Read(auth); err != nil {
		return nil, nil, err
	}
	idb := make([]byte, 12)
	_, _ = rand.Read(idb)
	id := base64.RawURLEncoding.EncodeToString(idb)
	s := &Subscriber{ID: id, Endpoint: f.Server.URL + "/wpush/v2/" + id, priv: priv, auth: auth}
	f.mu.Lock()
	f.subs[id] = s
	f.mu.Unlock()
	b, _ := json.Marshal(map[string]any{
		"endpoint":       s.Endpoint,
		"expirationTime": nil,
		"keys": map[string]string{
			"p256dh": base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
			"auth":   base64.RawURLEncoding.EncodeToString(auth),
		},
	})
	return s, b, nil
}

// Received returns the pushes accepted so far.
func (f *WebPush) Received() []WebPushMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]WebPushMessage(nil), f.received...)
}

// Problems returns what requests did wrong, empty when all were correct.
func (f *WebPush) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

func (f *WebPush) serve(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/wpush/v2/")
	f.mu.Lock()
	sub := f.subs[id]
	f.counts[id]++
	n := f.counts[id]
	f.mu.Unlock()
	if !ok || sub == nil {
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	}
	msg, err := f.check(r, sub)
	if err != nil {
		f.mu.Lock()
		f.problems = append(f.problems, err.Error())
		f.mu.Unlock()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	reply := Reply{Status: http.StatusCreated}
	if f.Reply != nil {
		reply = f.Reply(id, n)
	}
	if reply.Status == http.StatusCreated {
		f.mu.Lock()
		f.received = append(f.received, msg)
		f.mu.Unlock()
		w.Header().Set("Location", f.Server.URL+"/m/"+id+"-"+strconv.Itoa(n))
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	w.WriteHeader(reply.Status)
}

// check validates one push request and decrypts it.
func (f *WebPush) check(r *http.Request, sub *Subscriber) (WebPushMessage, error) {
	m := WebPushMessage{SubscriptionID: sub.ID, Topic: r.Header.Get("Topic"), Urgency: r.Header.Get("Urgency")}
	if r.Method != http.MethodPost {
		return m, fmt.Errorf("method %s, want POST", r.Method)
	}
	ttl, err := strconv.Atoi(r.Header.Get("TTL"))
	if err != nil || ttl <= 0 {
		return m, fmt.Errorf("TTL header %q, want a positive number of seconds", r.Header.Get("TTL"))
	}
	m.TTL = ttl
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		return m, fmt.Errorf("Content-Encoding %q, want aes128gcm", ce)
	}
	if err := f.checkVAPID(r, &m); err != nil {
		return m, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8192))
	if err != nil {
		return m, fmt.Errorf("read body: %w", err)
	}
	if m.Payload, err = Decrypt(body, sub.priv, sub.auth); err != nil {
		return m, err
	}
	return m, nil
}

func (f *WebPush) checkVAPID(r *http.Request, m *WebPushMessage) error {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "vapid ")
	if !ok {
		return errors.New("authorization is not a vapid scheme")
	}
	var token, k string
	for _, p := range strings.Split(auth, ",") {
		name, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch name {
		case "t":
			token = v
		case "k":
			k = v
		}
	}
	if f.VAPIDPublicKey != "" && k != strings.TrimRight(f.VAPIDPublicKey, "=") {
		return errors.New("vapid k= is not the configured public key")
	}
	kb, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil || len(kb) != 65 {
		return errors.New("vapid k= is not a base64url uncompressed P-256 key")
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(kb[1:33]), Y: new(big.Int).SetBytes(kb[33:])}
	_, claims, err := verifyJWT(token, pub)
	if err != nil {
		return fmt.Errorf("vapid: %w", err)
	}
	m.Audience, _ = claims["aud"].(string)
	if want := "https://" + r.Host; m.Audience != want {
		return fmt.Errorf("vapid aud %q, want %q", m.Audience, want)
	}
	exp, ok := numClaim(claims, "exp")
	if !ok {
		return errors.New("vapid jwt has no exp")
	}
	m.Expires = time.Unix(exp, 0)
	now := time.Now()
	if f.Now != nil {
		now = f.Now()
	}
	if !m.Expires.After(now) || m.Expires.After(now.Add(24*time.Hour)) {
		return fmt.Errorf("vapid exp %s, want after now and within 24h", m.Expires.UTC())
	}
	m.Subject, _ = claims["sub"].(string)
	if !strings.HasPrefix(m.Subject, "mailto:") && !strings.HasPrefix(m.Subject, "https:") {
		return fmt.Errorf("vapid sub %q, want mailto: or https:", m.Subject)
	}
	return nil
}

// Decrypt decrypts an aes128gcm Web Push message body (RFC 8291 over RFC
// 8188: one record) with the subscription's private key and auth secret,
// and returns the plaintext without padding and delimiter.
func Decrypt(body []byte, priv *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("aes128gcm: body shorter than its header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen+17 {
		return nil, fmt.Errorf("aes128gcm: keyid of %d bytes, want the 65-byte sender key", idlen)
	}
	if rs < 18 || len(body)-21-idlen > int(rs) {
		return nil, fmt.Errorf("aes128gcm: record size %d does not fit a single record of %d bytes", rs, len(body)-21-idlen)
	}
	asPub, ct := body[21:21+idlen], body[21+idlen:]
	pub, err := ecdh.P256().NewPublicKey(asPub)
	if err != nil {
		return nil, fmt.Errorf("aes128gcm: sender key: %w", err)
	}
	shared, err := priv.ECDH(pub)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), priv.PublicKey().Bytes()...), asPub...)
	ikm, err := hkdf.Key(sha256.New, shared, auth, string(info), 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	pt, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, errors.New("aes128gcm: cannot decrypt (wrong key, auth secret or info)")
	}
	pt = bytes.TrimRight(pt, "\x00")
	if len(pt) == 0 || pt[len(pt)-1] != 0x02 {
		return nil, errors.New("aes128gcm: missing the last-record delimiter 0x02")
	}
	return pt[:len(pt)-1], nil
}
