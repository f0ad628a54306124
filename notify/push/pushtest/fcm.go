package pushtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FCMScope is the OAuth2 scope FCM HTTP v1 requires.
const FCMScope = "https://www.googleapis.com/auth/firebase.messaging"

// FCM is a fake FCM HTTP v1 API with its OAuth2 token endpoint, behind
// one httptest server. POST /token implements the service-account JWT
// bearer grant (RFC 7523): it checks the assertion's RS256 signature with
// the key of CredentialsJSON, iss, aud and scope, and issues an access
// token. POST /v1/projects/<Project>/messages:send checks the bearer token
// and the message, and answers {"name": "projects/…/messages/…"} or one of
// FCM's error bodies (the google.rpc.Status shape with an FcmError
// detail) for a scripted errorCode.
type FCM struct {
	Server  *httptest.Server
	Project string
	// ClientEmail is the service account's e-mail address.
	ClientEmail string
	// Reply, when set, scripts the answer for a registration token (the
	// n-th push to it, from 1): Reason is an FCM errorCode (UNREGISTERED,
	// INVALID_ARGUMENT, QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL,
	// SENDER_ID_MISMATCH, THIRD_PARTY_AUTH_ERROR) and RetryAfter an
	// optional header.
	Reply func(token string, n int) Reply

	key      *rsa.PrivateKey
	mu       sync.Mutex
	tokens   map[string]bool
	issued   int
	counts   map[string]int
	received []FCMMessage
	problems []string
}

// FCMMessage is one message the fake accepted: the "message" object.
type FCMMessage map[string]any

// rsaKeys are the service-account keys of the fakes: generating a 2048-bit
// key takes long on a busy machine, so two are made once and fakes take
// them in turn: two fakes started one after the other have different
// keys.
var rsaKeys struct {
	sync.Mutex
	keys [2]*rsa.PrivateKey
	next int
}

func serviceAccountKey() (*rsa.PrivateKey, error) {
	rsaKeys.Lock()
	defer rsaKeys.Unlock()
	i := rsaKeys.next % len(rsaKeys.keys)
	rsaKeys.next++
	if rsaKeys.keys[i] == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		rsaKeys.keys[i] = k
	}
	return rsaKeys.keys[i], nil
}

// NewFCM starts the fake with a service-account key different from the
// previous fake's; it is closed when the test ends.
func NewFCM(t interface{ Cleanup(func()) }, project string) (*FCM, error) {
	key, err := serviceAccountKey()
	if err != nil {
		return nil, err
	}
	f := &FCM{Project: project, ClientEmail: "breach-push@" + project + ".iam.gserviceaccount.com", key: key,
		tokens: map[string]bool{}, counts: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("POST /v1/projects/{project}/messages:send", f.send)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Server.Close)
	return f, nil
}

// TokenURL is the fake's OAuth2 token endpoint.
func (f *FCM) TokenURL() string { return f.Server.URL + "/token" }

// CredentialsJSON returns a service-account credentials file as the
// Firebase console downloads it, with token_uri pointing at the fake.
func (f *FCM) CredentialsJSON() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(f.key) // an RSA key always marshals
	b, _ := json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  f.Project,
		"private_key_id":              "0123456789abcdef0123456789abcdef01234567",
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                f.ClientEmail,
		"client_id":                   "123456789012345678901",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   f.TokenURL(),
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"universe_domain":             "googleapis.com",
	}, "", "  ")
	return b
}

// TokensIssued returns how many access tokens the token endpoint issued.
func (f *FCM) TokensIssued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issued
}

// RevokeTokens makes every issued access token invalid (the next send
// gets 401 UNAUTHENTICATED).
func (f *FCM) RevokeTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

// Received returns the messages accepted so far.
func (f *FCM) Received() []FCMMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FCMMessage(nil), f.received...)
}

// Problems returns what requests did wrong, empty when all were correct.
func (f *FCM) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

func (f *FCM) problem(s string) {
	f.mu.Lock()
	f.problems = append(f.problems, s)
	f.mu.Unlock()
}

func (f *FCM) token(w http.ResponseWriter, r *http.Request) {
	oauthError := func(desc string) {
		f.problem("token: " + desc)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": desc})
	}
	if err := r.ParseForm(); err != nil {
		oauthError("unreadable form")
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		oauthError("grant_type " + g)
		return
	}
	_, claims, err := verifyJWT(r.PostForm.Get("assertion"), &f.key.PublicKey)
	if err != nil {
		oauthError("Invalid JWT Signature.")
		return
	}
	iat, _ := numClaim(claims, "iat")
	exp, _ := numClaim(claims, "exp")
	switch {
	case claims["iss"] != f.ClientEmail:
		oauthError(fmt.Sprintf("iss %v", claims["iss"]))
		return
	case claims["aud"] != f.TokenURL():
		oauthError(fmt.Sprintf("aud %v, want the token URL", claims["aud"]))
		return
	case claims["scope"] != FCMScope:
		oauthError(fmt.Sprintf("scope %v, want %s", claims["scope"], FCMScope))
		return
	case exp <= iat || exp-iat > 3600:
		oauthError("Invalid JWT: Token must be a short-lived token (60 minutes)")
		return
	}
	f.mu.Lock()
	f.issued++
	tok := "ya29.fake-" + strconv.Itoa(f.issued)
	f.tokens[tok] = true
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

// ttlRe is a protobuf Duration in JSON: seconds with an "s".
var ttlRe = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,9})?s$`)

func (f *FCM) send(w http.ResponseWriter, r *http.Request) {
	if p := r.PathValue("project"); p != f.Project {
		f.problem("send: project " + p)
		fcmError(w, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.", "")
		return
	}
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	valid := f.tokens[bearer]
	f.mu.Unlock()
	if !valid {
		fcmError(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "")
		return
	}
	var req struct {
		Message      FCMMessage `json:"message"`
		ValidateOnly bool       `json:"validate_only"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(body, &req); err != nil || req.Message == nil {
		f.problem("send: body is not {\"message\": {...}}")
		fcmError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.", "")
		return
	}
	if msg := f.checkMessage(req.Message); msg != "" {
		f.problem("send: " + msg)
		badRequest(w, "message", "Request contains an invalid argument.")
		return
	}
	tok, _ := req.Message["token"].(string)
	f.mu.Lock()
	f.counts[tok]++
	n := f.counts[tok]
	f.mu.Unlock()
	reply := Reply{Status: http.StatusOK}
	if f.Reply != nil {
		reply = f.Reply(tok, n)
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	switch reply.Reason {
	case "":
		f.mu.Lock()
		f.received = append(f.received, req.Message)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"name": fmt.Sprintf("projects/%s/messages/0:%d%%%016x", f.Project, time.Now().UnixNano(), n)})
	case "UNREGISTERED":
		fcmError(w, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.", reply.Reason)
	case "INVALID_ARGUMENT":
		if reply.Field != "" {
			badRequest(w, reply.Field, "Invalid value at '"+reply.Field+"'")
			return
		}
		fcmError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", reply.Reason)
	case "SENDER_ID_MISMATCH":
		fcmError(w, http.StatusForbidden, "PERMISSION_DENIED", "SenderId mismatch", reply.Reason)
	case "QUOTA_EXCEEDED":
		fcmError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send requests'.", reply.Reason)
	case "UNAVAILABLE":
		fcmError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "The service is currently unavailable.", reply.Reason)
	case "INTERNAL":
		fcmError(w, http.StatusInternalServerError, "INTERNAL", "Internal error encountered.", reply.Reason)
	case "THIRD_PARTY_AUTH_ERROR":
		fcmError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service", reply.Reason)
	default:
		fcmError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.", reply.Reason)
	}
}

// checkMessage returns what is wrong with a v1 message, or "".
func (f *FCM) checkMessage(m FCMMessage) string {
	tok, _ := m["token"].(string)
	if tok == "" {
		return "no message.token"
	}
	n, ok := m["notification"].(map[string]any)
	if !ok || n["title"] == "" || n["body"] == "" {
		return "no notification title and body"
	}
	if data, ok := m["data"]; ok {
		d, ok := data.(map[string]any)
		if !ok {
			return "data is not an object"
		}
		for k, v := range d {
			if _, ok := v.(string); !ok {
				return "data." + k + " is not a string"
			}
		}
	}
	if a, ok := m["android"].(map[string]any); ok {
		if ttl, ok := a["ttl"]; ok {
			if s, _ := ttl.(string); !ttlRe.MatchString(s) {
				return fmt.Sprintf("android.ttl %v is not a duration such as \"86400s\"", ttl)
			}
		}
		if p, ok := a["priority"]; ok && p != "HIGH" && p != "NORMAL" {
			return fmt.Sprintf("android.priority %v", p)
		}
	}
	return ""
}

// fcmError writes FCM's error body: google.rpc.Status with an FcmError
// detail when errorCode is set.
func fcmError(w http.ResponseWriter, status int, rpcStatus, message, errorCode string) {
	var details []any
	if errorCode != "" {
		details = []any{map[string]string{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": errorCode}}
	}
	writeRPCStatus(w, status, rpcStatus, message, details)
}

// badRequest writes FCM's answer to a request value it refuses: status
// INVALID_ARGUMENT with a google.rpc.BadRequest detail naming the field
// and no FcmError detail.
func badRequest(w http.ResponseWriter, field, message string) {
	writeRPCStatus(w, http.StatusBadRequest, "INVALID_ARGUMENT", message, []any{map[string]any{
		"@type":           "type.googleapis.com/google.rpc.BadRequest",
		"fieldViolations": []any{map[string]string{"field": field, "description": message}},
	}})
}

func writeRPCStatus(w http.ResponseWriter, status int, rpcStatus, message string, details []any) {
	e := map[string]any{"code": status, "message": message, "status": rpcStatus}
	if len(details) > 0 {
		e["details"] = details
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}
