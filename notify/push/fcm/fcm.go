// Package fcm is the Firebase Cloud Messaging sender of the push channel: a
// thin client of the FCM HTTP v1 API (POST
// /v1/projects/{project}/messages:send) authorised by OAuth2 access tokens
// that golang.org/x/oauth2/google mints from a service-account JSON key
// (the JWT bearer grant, tokens reused until shortly before they expire).
//
// Why not the Firebase Admin SDK (firebase.google.com/go/v4): its
// messaging client can only be built through the SDK's root package, which
// pulls in Firestore, Cloud Storage, Auth and their gRPC stacks (hundreds
// of modules, a test binary several times larger) for one HTTP call; its
// test hook (option.WithEndpoint) drops the /v1 path prefix and its
// token endpoint cannot be pointed at a fake without replacing the whole
// credentials flow. This sender needs one request shape and one error
// shape, both stable and documented, and oauth2/google already gives the
// credential handling the SDK would use.
//
// FCM's error bodies (google.rpc.Status with an FcmError detail) are
// classified by errorCode: UNREGISTERED means the device is gone
// (permanent, wrapping pushmsg.ErrDeviceGone); INVALID_ARGUMENT is
// permanent and, unless a google.rpc.BadRequest detail names a field of
// the payload rather than message.token, means the token is invalid
// (pushmsg.ErrInvalidDevice: FCM's token-management guide treats
// UNREGISTERED and INVALID_ARGUMENT for a valid payload as a token to
// drop); SENDER_ID_MISMATCH is permanent; QUOTA_EXCEEDED, UNAVAILABLE and
// INTERNAL are temporary, with the Retry-After delay in the reason;
// refused credentials (401, 403 without a code, THIRD_PARTY_AUTH_ERROR)
// and an unknown project (404 without UNREGISTERED) are temporary and
// logged once as configuration problems. A 404 never deactivates a device
// unless FCM says UNREGISTERED, so a wrong project_id cannot wipe the
// device list. Errors and logs never carry the registration token, FCM's
// own error message, the access token or the key.
package fcm

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"golang.org/x/oauth2/jwt"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push/pushmsg"
)

// Notifier sends notices to Android, iOS and web apps through FCM. It is
// safe for concurrent use.
type Notifier struct {
	cfg      Config
	endpoint string
	client   *http.Client
	log      *logrus.Entry
	alerts   pushmsg.Alerts

	// jwt holds the service account's private key: behind a pointer so
	// that %v of a Notifier prints an address.
	jwt      *jwt.Config
	tokenCtx context.Context
	mu       sync.Mutex
	tokens   oauth2.TokenSource
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg, reads the service-account credentials and returns a
// Notifier. No token is fetched until the first Notify. Errors name the
// configuration key, never the key material.
func New(cfg Config, log *logrus.Entry) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	raw, err := pushmsg.ReadSecretFile(KeyPrefix+"credentials_file", cfg.CredentialsFile)
	if err != nil {
		return nil, err
	}
	jc, err := credentials(raw, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.TTL == 0 {
		cfg.TTL = pushmsg.DefaultTTL
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = pushmsg.DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if log == nil {
		log = logging.Discard()
	}
	base := DefaultBaseURL
	if cfg.BaseURL != "" {
		base = strings.TrimRight(cfg.BaseURL, "/")
	}
	client := &http.Client{Transport: pushmsg.Transport()}
	if cfg.HTTPClient != nil {
		client.Transport = cfg.HTTPClient.Transport
	}
	// FCM answers; it does not redirect. Following a redirect would send
	// the access token elsewhere.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// Token fetches take no context from Notify: bound them here.
	tokenClient := &http.Client{Transport: client.Transport, Timeout: cfg.Timeout}
	n := &Notifier{
		cfg:      cfg,
		endpoint: base + "/v1/projects/" + url.PathEscape(cfg.ProjectID) + "/messages:send",
		client:   client,
		log:      log.WithField("push_platform", pushmsg.PlatformFCM),
		jwt:      jc,
		tokenCtx: context.WithValue(context.Background(), oauth2.HTTPClient, tokenClient),
	}
	n.tokens = jc.TokenSource(n.tokenCtx)
	n.alerts.Log = n.log
	if cfg.BaseURL != "" {
		n.log.WithField("fcm_base_url", base).Warn("FCM pushes go to channels.push.fcm.base_url instead of Google")
	}
	return n, nil
}

// credentials reads a service-account JSON key. Errors never quote it.
func credentials(raw []byte, cfg Config) (*jwt.Config, error) {
	key := KeyPrefix + "credentials_file"
	var f struct {
		Type        string `json:"type"`
		ClientEmail string `json:"client_email"`
		PrivateKey  string `json:"private_key"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%s: %s is not a JSON key file", key, cfg.CredentialsFile)
	}
	if f.Type != "service_account" {
		return nil, fmt.Errorf("%s: %s must be a service account key (\"type\": \"service_account\")", key, cfg.CredentialsFile)
	}
	if f.ClientEmail == "" {
		return nil, fmt.Errorf("%s: %s has no client_email", key, cfg.CredentialsFile)
	}
	if !rsaKey(f.PrivateKey) {
		return nil, fmt.Errorf("%s: %s has no RSA private_key in PEM", key, cfg.CredentialsFile)
	}
	jc, err := google.JWTConfigFromJSON(raw, Scope)
	if err != nil {
		return nil, fmt.Errorf("%s: %s is not a usable service account key", key, cfg.CredentialsFile)
	}
	if cfg.TokenURL != "" {
		jc.TokenURL = cfg.TokenURL
	}
	if jc.TokenURL == "" {
		jc.TokenURL = google.JWTTokenURL
	}
	// The signed assertion goes there: the same rule as base_url.
	if err := pushmsg.CheckBaseURL(key+" token_uri", jc.TokenURL); err != nil {
		return nil, err
	}
	return jc, nil
}

func rsaKey(s string) bool {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return false
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return true
	}
	_, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	return err == nil
}

// Notify sends the push of m to the FCM registration token in m.To (see
// pushmsg.Parse) and returns FCM's message name
// ("projects/…/messages/…"). Failures are *notify.DeliveryError values
// classified as the package documentation says.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	dev, p, err := pushmsg.Prepare(m, n.cfg.Content)
	if err != nil {
		return "", err
	}
	return n.Send(ctx, m, dev, p)
}

// Send sends payload p to dev; the dispatcher of notify/push calls it with
// the payload it built once.
func (n *Notifier) Send(ctx context.Context, m *notify.Message, dev pushmsg.Device, p pushmsg.Payload) (string, error) {
	if dev.Platform != pushmsg.PlatformFCM {
		return "", notify.Permanent("wrong-platform", "not an fcm device", pushmsg.ErrInvalidDevice)
	}
	if len(dev.Token) > 4096 || strings.ContainsFunc(dev.Token, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return "", notify.Permanent("invalid-device", "fcm registration token is malformed",
			fmt.Errorf("%w: fcm token is malformed", pushmsg.ErrInvalidDevice))
	}
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before sending", err)
	}
	body, err := json.Marshal(sendRequest{Message: n.message(dev.Token, p)})
	if err != nil {
		return "", notify.Permanent("", "cannot encode the fcm message", err)
	}
	tok, err := n.accessToken()
	if err != nil {
		return "", err
	}
	callCtx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, n.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", notify.Temporary("", "cannot build the fcm request", pushmsg.ErrUnavailable)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := n.client.Do(req)
	if err != nil {
		return "", pushmsg.TransportError(ctx, "fcm", err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return n.classify(m, resp, reply, tok)
}

// accessToken returns a valid OAuth2 access token, fetching one when
// needed.
func (n *Notifier) accessToken() (string, error) {
	n.mu.Lock()
	ts := n.tokens
	n.mu.Unlock()
	t, err := ts.Token()
	if err == nil {
		return t.AccessToken, nil
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		// Body and description are dropped: keep the status and code.
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		code := "oauth2-" + strconv.Itoa(status)
		oauthCode := re.ErrorCode
		if oauthCode == "" {
			// The JWT flow leaves ErrorCode empty: read the RFC 6749
			// error code ("invalid_grant"), not the description.
			var body struct {
				Error string `json:"error"`
			}
			_ = json.Unmarshal(re.Body, &body)
			oauthCode = body.Error
		}
		if len(oauthCode) > 64 {
			oauthCode = oauthCode[:64]
		}
		if status >= 500 || status == http.StatusTooManyRequests {
			return "", pushmsg.Temporary(code, "the oauth2 token endpoint is unavailable", 0, pushmsg.ErrUnavailable)
		}
		n.alerts.Alert("oauth2", logrus.Fields{"http_status": status, "oauth2_error": oauthCode},
			"the oauth2 token endpoint refused the service account: check channels.push.fcm.credentials_file (revoked or deleted key?); pushes are retried")
		return "", pushmsg.Temporary(code, "the oauth2 token endpoint refused the service account", 0, pushmsg.ErrCredentials)
	}
	n.alerts.Alert("oauth2-connect", nil, "cannot reach the oauth2 token endpoint; pushes are retried")
	return "", pushmsg.Temporary("oauth2", "cannot reach the oauth2 token endpoint", 0, pushmsg.ErrUnavailable)
}

// dropToken makes the next send fetch a new access token, unless another
// goroutine already did.
func (n *Notifier) dropToken(stale string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if t, err := n.tokens.Token(); err == nil && t.AccessToken != stale {
		return
	}
	n.tokens = n.jwt.TokenSource(n.tokenCtx)
}

// apiError is FCM's error body: google.rpc.Status with details.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Status  string `json:"status"`
		Details []struct {
			Type            string `json:"@type"`
			ErrorCode       string `json:"errorCode"`
			FieldViolations []struct {
				Field string `json:"field"`
			} `json:"fieldViolations"`
		} `json:"details"`
	} `json:"error"`
}

// payloadRefused reports whether an error body names a refused request
// value other than the registration token (a google.rpc.BadRequest field
// violation): FCM's INVALID_ARGUMENT for a bad payload, which must not
// deactivate the device.
func payloadRefused(body []byte) bool {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return false
	}
	for _, d := range e.Error.Details {
		if !strings.HasSuffix(d.Type, "google.rpc.BadRequest") {
			continue
		}
		for _, v := range d.FieldViolations {
			if v.Field != "message.token" {
				return true
			}
		}
	}
	return false
}

// errorCode returns the FcmError code of an error body, else its
// google.rpc status, else "".
func errorCode(body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	for _, d := range e.Error.Details {
		if strings.HasSuffix(d.Type, "google.firebase.fcm.v1.FcmError") && d.ErrorCode != "" {
			return d.ErrorCode
		}
	}
	return e.Error.Status
}

// classify turns FCM's reply into the message name or a delivery error.
func (n *Notifier) classify(m *notify.Message, resp *http.Response, body []byte, tok string) (string, error) {
	status := resp.StatusCode
	if status == http.StatusOK {
		var ok struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(body, &ok)
		n.alerts.OK()
		n.log.WithField("notice", m.Key).Debug("push accepted by fcm")
		if ok.Name == "" || len(ok.Name) > 512 {
			return "fcm:200", nil
		}
		return ok.Name, nil
	}
	fcmCode := errorCode(body)
	code := fcmCode
	if code == "" {
		code = "http-" + strconv.Itoa(status)
	}
	after := pushmsg.ParseRetryAfter(resp.Header.Get("Retry-After"), n.cfg.Now())
	fields := logrus.Fields{"http_status": status, "fcm_error": fcmCode}
	switch {
	case fcmCode == "UNREGISTERED":
		return "", pushmsg.DeviceGone(code, "registration token is no longer valid")
	case fcmCode == "QUOTA_EXCEEDED" || status == http.StatusTooManyRequests:
		return "", pushmsg.Temporary(code, "fcm quota exceeded", after, pushmsg.ErrThrottled)
	case fcmCode == "UNAVAILABLE" || fcmCode == "INTERNAL" || status >= 500:
		return "", pushmsg.Temporary(code, "fcm unavailable", after, pushmsg.ErrUnavailable)
	case fcmCode == "INVALID_ARGUMENT" && payloadRefused(body):
		// The payload is the same for every device: say so once.
		n.alerts.Alert("payload", fields, "fcm refused the push payload; this is a bug in breach, pushes to fcm fail until it is fixed")
		return "", notify.Permanent(code, "fcm rejected the message", pushmsg.ErrRejected)
	case fcmCode == "INVALID_ARGUMENT":
		// FCM's documentation: with a valid payload, INVALID_ARGUMENT
		// means the registration token is not valid; the device goes.
		return "", notify.Permanent(code, "registration token is not valid", fmt.Errorf("%w: fcm refused the registration token", pushmsg.ErrInvalidDevice))
	case fcmCode == "SENDER_ID_MISMATCH":
		return "", notify.Permanent(code, "registration token belongs to another firebase project", pushmsg.ErrRejected)
	case fcmCode == "THIRD_PARTY_AUTH_ERROR":
		n.alerts.Alert("third-party-auth", fields,
			"fcm could not authenticate with apns or web push: check the APNs key or web push certificate in the firebase project; pushes are retried")
		return "", pushmsg.Temporary(code, "fcm's apns or web push credentials were refused", after, pushmsg.ErrCredentials)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		if status == http.StatusUnauthorized {
			n.dropToken(tok)
		}
		n.alerts.Alert("credentials", fields,
			"fcm refused the credentials: check channels.push.fcm.credentials_file and that the service account may send for project_id; pushes are retried")
		return "", pushmsg.Temporary(code, "fcm refused the credentials", after, pushmsg.ErrCredentials)
	case status == http.StatusNotFound:
		n.alerts.Alert("project", fields, "fcm does not know the project: check channels.push.fcm.project_id and base_url; pushes are retried")
		return "", pushmsg.Temporary(code, "fcm does not know the project", after, pushmsg.ErrCredentials)
	case status >= 400:
		return "", notify.Permanent(code, "fcm rejected the message", pushmsg.ErrRejected)
	default:
		n.alerts.Alert("unexpected", fields, "unexpected reply instead of fcm; pushes are retried")
		return "", pushmsg.Temporary(code, "unexpected reply from fcm", after, pushmsg.ErrUnavailable)
	}
}
