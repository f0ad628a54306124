package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/twiliotest"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

const (
	testSID      = "AC0123456789abcdef0123456789abcdef"
	testService  = "MG0123456789abcdef0123456789abcdef"
	testToken    = "S3cretT0kenValue9876543210zyxwvu"
	testFrom     = "+15005550006"
	testTo       = "+447700900123"
	testText     = "Your data was exposed in incident INC-7. Code 4821-7731."
	testCallback = "https://breach.example.org/twilio/status"
	messagesPath = "/2010-04-01/Accounts/" + testSID + "/Messages.json"
)

// request is what the fake Twilio API received.
type request struct {
	Method, Path, User, Password, ContentType string
	Form                                      url.Values
}

// twilioAPI is an httptest server acting as api.twilio.com. reply scripts
// the answer to the i-th request (0-based); nil answers 201 like Twilio.
type twilioAPI struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []request
	reply func(w http.ResponseWriter, r *http.Request, i int)
}

func startTwilio(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, i int)) *twilioAPI {
	t.Helper()
	api := &twilioAPI{reply: reply}
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		api.mu.Lock()
		i := len(api.reqs)
		api.reqs = append(api.reqs, request{Method: r.Method, Path: r.URL.Path, User: user, Password: pass,
			ContentType: r.Header.Get("Content-Type"), Form: r.PostForm})
		api.mu.Unlock()
		if api.reply != nil {
			api.reply(w, r, i)
			return
		}
		created(w, r, i)
	}))
	t.Cleanup(api.Close)
	return api
}

func (a *twilioAPI) requests() []request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]request(nil), a.reqs...)
}

// created answers like Twilio on success: 201 and the message resource,
// which echoes the number and the body.
func created(w http.ResponseWriter, r *http.Request, i int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"sid": fmt.Sprintf("SM%032x", i+1), "account_sid": testSID, "status": "queued",
		"to": r.PostForm.Get("To"), "from": r.PostForm.Get("From"), "body": r.PostForm.Get("Body"),
		"num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
	})
}

// twilioError answers like Twilio refusing a request; its message echoes
// the recipient number and the body, as Twilio's messages can.
func twilioError(status, code int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"code":      code,
			"message":   fmt.Sprintf("The 'To' number %s is not valid for %q", r.PostForm.Get("To"), r.PostForm.Get("Body")),
			"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
			"status":    status,
		})
	}
}

// harness is a notifier wired to the fake API, collecting every error for
// the leak check run at cleanup.
type harness struct {
	t   *testing.T
	api *twilioAPI
	n   *Notifier
	log *notifytest.Log

	mu   sync.Mutex
	errs []error
}

func newHarness(t *testing.T, reply func(http.ResponseWriter, *http.Request, int), mutate func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, log: notifytest.NewLog()}
	h.api = startTwilio(t, reply)
	cfg := Config{
		AccountSID:     testSID,
		AuthToken:      config.NewSecret(testToken),
		From:           testFrom,
		StatusCallback: testCallback,
		BaseURL:        h.api.URL,
		Timeout:        5 * time.Second,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	n, err := New(cfg, h.log.Entry)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.n = n
	t.Cleanup(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		notifytest.AssertNoLeak(t, []string{testToken}, []string{testTo, "7700900123", "+44 7700 900-123", testText},
			h.errs, h.log.String())
	})
	return h
}

func message(to string) *notify.Message {
	return &notify.Message{Key: "INC-7/p-1/sms/1", IncidentID: "INC-7", SubjectID: "p-1",
		Channel: notify.ChannelSMS, To: to, Text: testText}
}

func (h *harness) notify(ctx context.Context, m *notify.Message) (string, error) {
	id, err := h.n.Notify(ctx, m)
	if err != nil {
		h.mu.Lock()
		h.errs = append(h.errs, err)
		h.mu.Unlock()
	}
	return id, err
}

// deliveryError asserts err is a *notify.DeliveryError and returns it.
func deliveryError(t *testing.T, err error) *notify.DeliveryError {
	t.Helper()
	var de *notify.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("got error %v (%T), want a *notify.DeliveryError", err, err)
	}
	return de
}

func TestNotifySendsTheMessage(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(*Config)
		to       string
		wantForm url.Values
	}{
		{
			name: "from number with callback",
			to:   testTo,
			wantForm: url.Values{"To": {testTo}, "From": {testFrom}, "Body": {testText},
				"StatusCallback": {testCallback}},
		},
		{
			name: "messaging service and validity period",
			mutate: func(c *Config) {
				c.From, c.MessagingServiceSID, c.StatusCallback = "", testService, ""
				c.ValidityPeriod = 2 * time.Hour
			},
			to: testTo,
			wantForm: url.Values{"To": {testTo}, "MessagingServiceSid": {testService}, "Body": {testText},
				"ValidityPeriod": {"7200"}},
		},
		{
			name: "separators in the number are dropped",
			to:   "+44 7700 900-123",
			wantForm: url.Values{"To": {testTo}, "From": {testFrom}, "Body": {testText},
				"StatusCallback": {testCallback}},
		},
		{
			name:     "alphanumeric sender id",
			mutate:   func(c *Config) { c.From, c.StatusCallback = "BreachDPO", "" },
			to:       testTo,
			wantForm: url.Values{"To": {testTo}, "From": {"BreachDPO"}, "Body": {testText}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil, tt.mutate)
			id, err := h.notify(t.Context(), message(tt.to))
			if err != nil {
				t.Fatalf("Notify: got error %v, want nil", err)
			}
			if want := fmt.Sprintf("SM%032x", 1); id != want {
				t.Errorf("got provider id %q, want %q", id, want)
			}
			reqs := h.api.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			want := request{Method: http.MethodPost, Path: messagesPath, User: testSID, Password: testToken,
				ContentType: "application/x-www-form-urlencoded", Form: tt.wantForm}
			if diff := cmp.Diff(want, reqs[0]); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			if got, want := h.n.Stats(), (Stats{Sent: 1}); got != want {
				t.Errorf("got stats %+v, want %+v", got, want)
			}
		})
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNotifyTargetsTwilioWithoutBaseURL(t *testing.T) {
	t.Setenv("TWILIO_EDGE", "sydney") // must not move the traffic
	t.Setenv("TWILIO_REGION", "au1")
	var got string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Method + " " + r.URL.String()
		return &http.Response{StatusCode: http.StatusCreated, Header: http.Header{},
			Body: io.NopCloser(strings.NewReader(`{"sid":"SM1","status":"queued"}`)), Request: r}, nil
	})
	n, err := New(Config{AccountSID: testSID, AuthToken: config.NewSecret(testToken), From: testFrom,
		HTTPClient: &http.Client{Transport: rt}}, notifytest.NewLog().Entry)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := n.Notify(t.Context(), message(testTo)); err != nil {
		t.Fatalf("Notify: got %v, want nil", err)
	}
	if want := "POST https://api.twilio.com" + messagesPath; got != want {
		t.Errorf("got request %q, want %q", got, want)
	}
}

func TestNotifyBaseURLWithPathPrefix(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.BaseURL += "/twilio-mock/" })
	if _, err := h.notify(t.Context(), message(testTo)); err != nil {
		t.Fatalf("Notify: got error %v, want nil", err)
	}
	if got, want := h.api.requests()[0].Path, "/twilio-mock"+messagesPath; got != want {
		t.Errorf("got path %q, want %q", got, want)
	}
}

func TestNotifyClassifiesRefusals(t *testing.T) {
	tests := []struct {
		name      string
		reply     func(http.ResponseWriter, *http.Request, int)
		permanent bool
		code      string
		kind      error
	}{
		{"21211 invalid number", twilioError(400, 21211), true, "21211", ErrInvalidNumber},
		{"21614 not mobile", twilioError(400, 21614), true, "21614", ErrRejected},
		{"21610 unsubscribed", twilioError(400, 21610), true, "21610", ErrUnsubscribed},
		{"21612 unroutable", twilioError(400, 21612), true, "21612", ErrRejected},
		{"21408 region not enabled", twilioError(400, 21408), true, "21408", ErrRejected},
		{"21606 sender cannot send there", twilioError(400, 21606), true, "21606", ErrRejected},
		{"21635 landline", twilioError(400, 21635), true, "21635", ErrRejected},
		{"21617 body too long", twilioError(400, 21617), true, "21617", ErrRejected},
		{"unknown 4xx code", twilioError(400, 21999), true, "21999", ErrRejected},
		{"20429 too many requests", twilioError(429, 20429), false, "20429", ErrThrottled},
		{"bare 429", func(w http.ResponseWriter, _ *http.Request, _ int) {
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}, false, "http-429", ErrThrottled},
		{"500 twilio error", twilioError(500, 20500), false, "20500", ErrServer},
		{"503 html from a load balancer", func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html>503 Service Unavailable</html>"))
		}, false, "http-503", ErrServer},
		{"20003 bad credentials", twilioError(401, 20003), false, "20003", ErrAuth},
		{"20404 unknown account", twilioError(404, 20404), false, "20404", ErrAuth},
		{"html 400 from a proxy", func(w http.ResponseWriter, _ *http.Request, _ int) {
			http.Error(w, "<html>bad request</html>", http.StatusBadRequest)
		}, false, "http-400", ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.reply, nil)
			id, err := h.notify(t.Context(), message(testTo))
			if id != "" {
				t.Errorf("got provider id %q, want none", id)
			}
			de := deliveryError(t, err)
			if de.Permanent != tt.permanent {
				t.Errorf("got permanent %v, want %v (%v)", de.Permanent, tt.permanent, err)
			}
			if de.Code != tt.code {
				t.Errorf("got code %q, want %q", de.Code, tt.code)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("got %v, want it to wrap %v", err, tt.kind)
			}
			if IsAmbiguous(err) {
				t.Errorf("got ambiguous %v, want a definite refusal", err)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.HTTPStatus == 0 {
				t.Errorf("got %v, want an *APIError with the HTTP status", err)
			}
			if got := len(h.api.requests()); got != 1 {
				t.Errorf("got %d requests, want 1", got)
			}
		})
	}
}

func TestCredentialProblemsAreLoggedOnce(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
		if fail.Load() {
			twilioError(401, 20003)(w, r, i)
			return
		}
		created(w, r, i)
	}, nil)
	for range 3 {
		_, err := h.notify(t.Context(), message(testTo))
		if notify.IsPermanent(err) || !errors.Is(err, ErrAuth) {
			t.Fatalf("got %v, want a temporary ErrAuth", err)
		}
	}
	if got := h.log.Count(logrus.ErrorLevel, "refused the credentials"); got != 1 {
		t.Errorf("got %d error logs about credentials, want 1", got)
	}
	fail.Store(false)
	if _, err := h.notify(t.Context(), message(testTo)); err != nil {
		t.Fatalf("Notify after the fix: got %v, want nil", err)
	}
	if got := h.log.Count(logrus.InfoLevel, "accepts SMS again"); got != 1 {
		t.Errorf("got %d recovery logs, want 1", got)
	}
	fail.Store(true)
	_, _ = h.notify(t.Context(), message(testTo))
	if got := h.log.Count(logrus.ErrorLevel, "refused the credentials"); got != 2 {
		t.Errorf("got %d error logs about credentials after a relapse, want 2", got)
	}
	if got, want := h.n.Stats(), (Stats{Sent: 1, Failed: 4}); got != want {
		t.Errorf("got stats %+v, want %+v", got, want)
	}
}

func TestSenderProblemIsLoggedOnceAcrossSuccesses(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
		if i%2 == 0 {
			twilioError(400, 21408)(w, r, i)
			return
		}
		created(w, r, i)
	}, nil)
	for range 4 {
		_, _ = h.notify(t.Context(), message(testTo))
	}
	if got := h.log.Count(logrus.ErrorLevel, "geographic permissions"); got != 1 {
		t.Errorf("got %d region alerts, want 1", got)
	}
}

func TestThrottledThenAccepted(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
		if i == 0 {
			twilioError(429, 20429)(w, r, i)
			return
		}
		created(w, r, i)
	}, nil)
	_, err := h.notify(t.Context(), message(testTo))
	if notify.IsPermanent(err) || !errors.Is(err, ErrThrottled) || IsAmbiguous(err) {
		t.Fatalf("first attempt: got %v, want a temporary, unambiguous ErrThrottled", err)
	}
	id, err := h.notify(t.Context(), message(testTo))
	if err != nil {
		t.Fatalf("second attempt: got %v, want nil", err)
	}
	if want := fmt.Sprintf("SM%032x", 2); id != want {
		t.Errorf("got provider id %q, want %q", id, want)
	}
	if got := len(h.api.requests()); got != 2 {
		t.Errorf("got %d requests, want 2", got)
	}
}

func TestServerDown(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.api.Close()
	for range 2 {
		_, err := h.notify(t.Context(), message(testTo))
		de := deliveryError(t, err)
		if de.Permanent || !errors.Is(err, ErrConnection) || IsAmbiguous(err) {
			t.Fatalf("got %v, want a temporary, unambiguous ErrConnection", err)
		}
	}
	if got := h.log.Count(logrus.WarnLevel, "cannot connect to twilio"); got != 1 {
		t.Errorf("got %d connection warnings, want 1", got)
	}
}

func TestTimeoutAfterSendingIsAmbiguous(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, func(c *Config) { c.Timeout = 200 * time.Millisecond })
	defer close(release)
	start := time.Now()
	_, err := h.notify(t.Context(), message(testTo))
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Notify took %s, want about the 200ms timeout", elapsed)
	}
	de := deliveryError(t, err)
	if de.Permanent || de.Code != CodeAmbiguousTimeout || !IsAmbiguous(err) || !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v (code %q), want a temporary ambiguous timeout", err, de.Code)
	}
	if got := len(h.api.requests()); got != 1 {
		t.Errorf("got %d requests at the server, want 1 (the request was sent)", got)
	}
	if got := h.log.Count(logrus.WarnLevel, "may have been sent"); got != 1 {
		t.Errorf("got %d duplicate-risk warnings, want 1", got)
	}
	if got, want := h.n.Stats(), (Stats{Failed: 1, Ambiguous: 1}); got != want {
		t.Errorf("got stats %+v, want %+v", got, want)
	}
}

func TestCancelAfterSendingIsAmbiguous(t *testing.T) {
	arrived := make(chan struct{})
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
		close(arrived)
		<-r.Context().Done()
	}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := h.notify(ctx, message(testTo))
	de := deliveryError(t, err)
	if de.Permanent || de.Code != CodeAmbiguousTimeout || !errors.Is(err, ErrCanceled) || !IsAmbiguous(err) {
		t.Fatalf("got %v (code %q), want a temporary ambiguous cancellation", err, de.Code)
	}
}

func TestTimeoutBeforeSendingIsNotAmbiguous(t *testing.T) {
	// A transport whose dial never completes: the request is never written.
	blackhole := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	h := newHarness(t, nil, func(c *Config) {
		c.Timeout = 100 * time.Millisecond
		c.HTTPClient = &http.Client{Transport: blackhole}
	})
	_, err := h.notify(t.Context(), message(testTo))
	de := deliveryError(t, err)
	if de.Permanent || IsAmbiguous(err) || !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v (code %q), want a temporary, unambiguous ErrTimeout", err, de.Code)
	}
	if got := len(h.api.requests()); got != 0 {
		t.Errorf("got %d requests, want 0", got)
	}
}

func TestConnectionLostAfterSendingIsAmbiguous(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		_ = conn.Close()
	}, nil)
	_, err := h.notify(t.Context(), message(testTo))
	de := deliveryError(t, err)
	if de.Permanent || de.Code != CodeAmbiguousConnection || !IsAmbiguous(err) || !errors.Is(err, ErrConnection) {
		t.Fatalf("got %v (code %q), want a temporary ambiguous lost connection", err, de.Code)
	}
}

func TestAcceptedButUnreadableReplyIsAmbiguous(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"not json", "<html>oops"},
		{"no sid", `{"status":"queued"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(tt.body))
			}, nil)
			_, err := h.notify(t.Context(), message(testTo))
			de := deliveryError(t, err)
			if de.Permanent || de.Code != CodeAmbiguousReply || !IsAmbiguous(err) {
				t.Fatalf("got %v (code %q), want a temporary ambiguous reply", err, de.Code)
			}
		})
	}
}

func TestRedirectIsNotAcceptance(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, "https://login.example.net/", http.StatusFound)
	}, nil)
	_, err := h.notify(t.Context(), message(testTo))
	de := deliveryError(t, err)
	if de.Permanent || IsAmbiguous(err) || de.Code != "http-302" || !errors.Is(err, ErrServer) {
		t.Fatalf("got %v (code %q), want a temporary, unambiguous http-302", err, de.Code)
	}
	if got := len(h.api.requests()); got != 1 {
		t.Errorf("got %d requests, want 1 (no redirect followed)", got)
	}
}

func TestNotifierDoesNotPrintTheToken(t *testing.T) {
	h := newHarness(t, nil, nil)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(verb, h.n); strings.Contains(s, testToken) {
			t.Errorf("got the token in %s of the Notifier, want <secret>", verb)
		}
	}
}

func TestMessageFailedAtCreation(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, i int) {
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprintf(w, `{"sid":"SM1","status":"failed","error_code":30007,"to":%q}`, r.PostForm.Get("To"))
	}, nil)
	_, err := h.notify(t.Context(), message(testTo))
	de := deliveryError(t, err)
	if !de.Permanent || de.Code != "30007" {
		t.Fatalf("got %v (code %q), want permanent 30007", err, de.Code)
	}
}

func TestNotifyRefusesBadInputWithoutCallingTwilio(t *testing.T) {
	tests := []struct {
		name      string
		msg       *notify.Message
		permanent bool
		code      string
		kind      error
	}{
		{"nil message", nil, true, "", nil},
		{"no number", message(""), true, "", notify.ErrNoAddress},
		{"no plus", message("447700900123"), true, CodeInvalidNumber, ErrInvalidNumber},
		{"letters", message("+44 7700 CALL ME"), true, CodeInvalidNumber, ErrInvalidNumber},
		{"too long", message("+4477009001234567"), true, CodeInvalidNumber, ErrInvalidNumber},
		{"leading zero country code", message("+0447700900123"), true, CodeInvalidNumber, ErrInvalidNumber},
		{"empty text", &notify.Message{Key: "k", To: testTo, Text: "  "}, true, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil, nil)
			_, err := h.notify(t.Context(), tt.msg)
			de := deliveryError(t, err)
			if de.Permanent != tt.permanent || de.Code != tt.code {
				t.Errorf("got permanent %v code %q, want %v %q", de.Permanent, de.Code, tt.permanent, tt.code)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("got %v, want it to wrap %v", err, tt.kind)
			}
			if got := len(h.api.requests()); got != 0 {
				t.Errorf("got %d requests, want 0", got)
			}
		})
	}
}

func TestNotifyCancelledBeforeSending(t *testing.T) {
	h := newHarness(t, nil, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := h.notify(ctx, message(testTo))
	if notify.IsPermanent(err) || IsAmbiguous(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a temporary, unambiguous cancellation", err)
	}
	if got := len(h.api.requests()); got != 0 {
		t.Errorf("got %d requests, want 0", got)
	}
}

func TestNotifyConcurrently(t *testing.T) {
	h := newHarness(t, nil, nil)
	const n = 24
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			id, err := h.notify(t.Context(), message(testTo))
			if err != nil {
				t.Errorf("Notify: got %v, want nil", err)
			}
			ids <- id
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != n {
		t.Errorf("got %d distinct ids, want %d", len(seen), n)
	}
	if got := h.n.Stats().Sent; got != n {
		t.Errorf("got %d sent, want %d", got, n)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	valid := func() Config {
		return Config{AccountSID: testSID, AuthToken: config.NewSecret(testToken), From: testFrom}
	}
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr []string // keys the error must name; nil = valid
	}{
		{"valid", func(*Config) {}, nil},
		{"valid messaging service only", func(c *Config) { c.From, c.MessagingServiceSID = "", testService }, nil},
		{"valid short code", func(c *Config) { c.From = "54321" }, nil},
		{"valid https base url", func(c *Config) { c.BaseURL = "https://twilio-proxy.example.org/api" }, nil},
		{"missing everything", func(c *Config) { *c = Config{} },
			[]string{"channels.sms.account_sid", "channels.sms.auth_token_file", "channels.sms.from"}},
		{"bad account sid", func(c *Config) { c.AccountSID = "SK0123" }, []string{"channels.sms.account_sid"}},
		{"token with a newline", func(c *Config) { c.AuthToken = config.NewSecret(testToken + "\n") },
			[]string{"channels.sms.auth_token_file"}},
		{"token with symbols", func(c *Config) { c.AuthToken = config.NewSecret("abc$" + testToken) },
			[]string{"channels.sms.auth_token_file"}},
		{"from not e164", func(c *Config) { c.From = "+1 (500) 555" }, []string{"channels.sms.from"}},
		{"sender id too long", func(c *Config) { c.From = "BreachNotices" }, []string{"channels.sms.from"}},
		{"bad service sid", func(c *Config) { c.MessagingServiceSID = "MGxyz" }, []string{"channels.sms.messaging_service_sid"}},
		{"relative callback", func(c *Config) { c.StatusCallback = "/twilio/status" }, []string{"channels.sms.status_callback"}},
		{"validity too long", func(c *Config) { c.ValidityPeriod = 11 * time.Hour }, []string{"channels.sms.validity_period"}},
		{"validity fractional", func(c *Config) { c.ValidityPeriod = 1500 * time.Millisecond }, []string{"channels.sms.validity_period"}},
		{"http base url to a remote host", func(c *Config) { c.BaseURL = "http://twilio.example.org" }, []string{"channels.sms.base_url"}},
		{"base url not absolute", func(c *Config) { c.BaseURL = "api.twilio.com" }, []string{"channels.sms.base_url"}},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, []string{"channels.sms.timeout"}},
		{"negative rate", func(c *Config) { c.RatePerSec = -1 }, []string{"channels.sms.rate_per_sec"}},
		{"infinite rate", func(c *Config) { c.RatePerSec = math.Inf(1) }, []string{"channels.sms.rate_per_sec"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			tt.mutate(&cfg)
			n, err := New(cfg, notifytest.NewLog().Entry)
			twiliotest.AssertKeys(t, err, tt.wantErr)
			if err == nil && n == nil {
				t.Errorf("New: got no notifier and no error, want a notifier")
			}
			if err != nil {
				notifytest.AssertNoLeak(t, []string{testToken, cfg.AuthToken.Reveal()}, nil, []error{err}, "")
			}
		})
	}
}

// TestRatePacesRequests: with RatePerSec, a send waits for its turn
// before the request, and one whose turn is beyond its context's deadline
// fails temporarily without reaching Twilio. (The measured rate is
// app's TestSMSThroughputUnderRateLimit, an integration test.)
func TestRatePacesRequests(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.RatePerSec = 0.001 }) // one per 1000 s
	if _, err := h.notify(t.Context(), message(testTo)); err != nil {
		t.Fatalf("first Notify: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err := h.notify(ctx, message(testTo))
	if err == nil || notify.IsPermanent(err) || !errors.Is(err, ErrCanceled) || IsAmbiguous(err) {
		t.Fatalf("second Notify within a minute: got %v, want a temporary, unambiguous ErrCanceled", err)
	}
	if got := len(h.api.requests()); got != 1 {
		t.Errorf("Twilio got %d requests, want 1: the second must wait for its turn", got)
	}
}

func TestDefaults(t *testing.T) {
	n, err := New(Config{AccountSID: testSID, AuthToken: config.NewSecret(testToken), From: testFrom}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if n.cfg.Timeout != DefaultTimeout {
		t.Errorf("got timeout %s, want %s", n.cfg.Timeout, DefaultTimeout)
	}
	if base := n.api.BaseURL(); base != nil {
		t.Errorf("got base URL %v, want Twilio itself", base)
	}
}
