package pushtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APNs is a fake APNs provider API: HTTP/2 over TLS (an httptest server
// with EnableHTTP2 and StartTLS). It checks each POST /3/device/<token>
// the way Apple does: HTTP/2 only, a provider token (ES256 JWT with kid =
// KeyID, iss = TeamID, iat within the hour, signed by the key of KeyPEM),
// apns-topic, apns-push-type, apns-priority, apns-expiration and a JSON
// body with an aps dictionary. It answers 200 with an apns-id, or an
// error status with {"reason": "..."} (and a timestamp for Unregistered).
type APNs struct {
	Server        *httptest.Server
	KeyID, TeamID string
	Topic         string
	// Reply, when set, scripts the answer for a device token (the n-th
	// push to it, from 1): Status and Reason (Apple's reason string).
	Reply func(token string, n int) Reply

	key      *ecdsa.PrivateKey
	mu       sync.Mutex
	counts   map[string]int
	received []APNsMessage
	problems []string
}

// APNsMessage is one push the fake accepted.
type APNsMessage struct {
	Token      string
	Expiration int64
	CollapseID string
	Priority   string
	// Payload is the JSON body.
	Payload map[string]any
}

// NewAPNs starts the fake with a fresh signing key; it is closed when the
// test ends.
func NewAPNs(t interface{ Cleanup(func()) }, keyID, teamID, topic string) (*APNs, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	f := &APNs{KeyID: keyID, TeamID: teamID, Topic: topic, key: key, counts: map[string]int{}}
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.Server.EnableHTTP2 = true
	f.Server.StartTLS()
	t.Cleanup(f.Server.Close)
	return f, nil
}

// KeyPEM returns the signing key as Apple issues it: a PKCS #8 .p8 PEM.
func (f *APNs) KeyPEM() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(f.key) // a P-256 key always marshals
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// Client returns an HTTP/2 client that trusts the fake's certificate.
func (f *APNs) Client() *http.Client { return f.Server.Client() }

// Received returns the pushes accepted so far.
func (f *APNs) Received() []APNsMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]APNsMessage(nil), f.received...)
}

// Problems returns what requests did wrong, empty when all were correct.
func (f *APNs) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

func (f *APNs) serve(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.URL.Path, "/3/device/")
	if !ok || r.Method != http.MethodPost {
		apnsError(w, http.StatusNotFound, "BadPath")
		return
	}
	m, status, reason := f.check(r, tok)
	if status != 0 {
		f.mu.Lock()
		f.problems = append(f.problems, reason)
		f.mu.Unlock()
		apnsError(w, status, strings.SplitN(reason, ":", 2)[0])
		return
	}
	f.mu.Lock()
	f.counts[tok]++
	n := f.counts[tok]
	f.mu.Unlock()
	reply := Reply{Status: http.StatusOK}
	if f.Reply != nil {
		reply = f.Reply(tok, n)
	}
	if reply.Status != http.StatusOK {
		apnsError(w, reply.Status, reply.Reason)
		return
	}
	f.mu.Lock()
	f.received = append(f.received, m)
	f.mu.Unlock()
	w.Header().Set("apns-id", fmt.Sprintf("00000000-0000-4000-8000-%012d", n))
	w.WriteHeader(http.StatusOK)
}

func apnsError(w http.ResponseWriter, status int, reason string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("apns-id", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	body := map[string]any{"reason": reason}
	if reason == "Unregistered" {
		body["timestamp"] = time.Now().UnixMilli()
	}
	_ = json.NewEncoder(w).Encode(body)
}

// check validates one request; a non-zero status is the error reply, with
// Apple's reason first in the problem text.
func (f *APNs) check(r *http.Request, tok string) (APNsMessage, int, string) {
	m := APNsMessage{Token: tok, CollapseID: r.Header.Get("apns-collapse-id"), Priority: r.Header.Get("apns-priority")}
	if r.ProtoMajor != 2 {
		return m, http.StatusMethodNotAllowed, fmt.Sprintf("MethodNotAllowed: %s, APNs speaks HTTP/2 only", r.Proto)
	}
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "bearer ")
	if !ok {
		return m, http.StatusForbidden, "MissingProviderToken: no bearer authorization"
	}
	header, claims, err := verifyJWT(bearer, &f.key.PublicKey)
	if err != nil {
		return m, http.StatusForbidden, "InvalidProviderToken: " + err.Error()
	}
	if header["kid"] != f.KeyID || claims["iss"] != f.TeamID {
		return m, http.StatusForbidden, fmt.Sprintf("InvalidProviderToken: kid %v iss %v, want %s %s", header["kid"], claims["iss"], f.KeyID, f.TeamID)
	}
	iat, ok := numClaim(claims, "iat")
	if age := time.Since(time.Unix(iat, 0)); !ok || age > time.Hour || age < -time.Minute {
		return m, http.StatusForbidden, "ExpiredProviderToken: iat missing or older than an hour"
	}
	if got := r.Header.Get("apns-topic"); got != f.Topic {
		return m, http.StatusBadRequest, fmt.Sprintf("DeviceTokenNotForTopic: apns-topic %q, want %q", got, f.Topic)
	}
	if got := r.Header.Get("apns-push-type"); got != "alert" {
		return m, http.StatusBadRequest, fmt.Sprintf("InvalidPushType: %q, want alert", got)
	}
	if p := m.Priority; p != "" && p != "10" && p != "5" && p != "1" {
		return m, http.StatusBadRequest, "BadPriority: " + p
	}
	if v := r.Header.Get("apns-expiration"); v != "" {
		exp, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return m, http.StatusBadRequest, "BadExpirationDate: " + v
		}
		m.Expiration = exp
	}
	if len(m.CollapseID) > 64 {
		return m, http.StatusBadRequest, "BadCollapseId: longer than 64 bytes"
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4097))
	switch {
	case err != nil:
		return m, http.StatusBadRequest, "PayloadEmpty: " + err.Error()
	case len(body) > 4096:
		return m, http.StatusRequestEntityTooLarge, "PayloadTooLarge: more than 4096 bytes"
	}
	if err := json.Unmarshal(body, &m.Payload); err != nil {
		return m, http.StatusBadRequest, "PayloadEmpty: body is not JSON"
	}
	if _, ok := m.Payload["aps"].(map[string]any); !ok {
		return m, http.StatusBadRequest, "PayloadEmpty: no aps dictionary"
	}
	return m, 0, ""
}
