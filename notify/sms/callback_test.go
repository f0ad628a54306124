package sms

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/twiliotest"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

const publicURL = "https://breach.example.org/webhooks/twilio/status"

// sign computes Twilio's signature independently of twilio-go, from the
// published algorithm: HMAC-SHA1 keyed with the auth token over the URL
// followed by every parameter's name and value sorted by name, base64.
func sign(token, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := fullURL
	for _, k := range keys {
		for _, v := range form[k] {
			s += k + v
		}
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestValidateSignature(t *testing.T) {
	// Twilio's own example (twilio-go's request validator test).
	docURL := "https://mycompany.com/myapp.php?foo=1&bar=2"
	docForm := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
		"Caller": {"+14158675309"}, "From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}
	const docSig = "vOEb5UThFn24KEfnOFLQY2AE5FY="
	form := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"delivered"}}
	tests := []struct {
		name  string
		token string
		url   string
		form  url.Values
		sig   string
		want  bool
	}{
		{"twilio's documented example", "12345", docURL, docForm, docSig, true},
		{"documented example with the default port", "12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", docForm, docSig, true},
		{"independent computation", testToken, publicURL, form, sign(testToken, publicURL, form), true},
		{"other token", "other", publicURL, form, sign(testToken, publicURL, form), false},
		{"other url", testToken, publicURL + "x", form, sign(testToken, publicURL, form), false},
		{"tampered status", testToken, publicURL, url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"failed"}},
			sign(testToken, publicURL, form), false},
		{"added parameter", testToken, publicURL, url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"delivered"}, "X": {"1"}},
			sign(testToken, publicURL, form), false},
		{"repeated parameter", testToken, publicURL, url.Values{"MessageSid": {"SM1", "SM2"}},
			sign(testToken, publicURL, url.Values{"MessageSid": {"SM1", "SM2"}}), false},
		{"empty signature", testToken, publicURL, form, "", false},
		{"empty token", "", publicURL, form, sign("", publicURL, form), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidateSignature(tt.token, tt.url, tt.form, tt.sig); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// sink records status updates.
type sink struct {
	mu      sync.Mutex
	updates []StatusUpdate
	err     error
}

func (s *sink) Status(_ context.Context, u StatusUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.updates = append(s.updates, u)
	return nil
}

func (s *sink) got() []StatusUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updates)
}

// callback posts form to h as Twilio would, signed for signURL with token
// unless sig is given.
func callback(h http.Handler, method, target string, form url.Values, sig string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set(SignatureHeader, sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func smsForm(sid, status, code string) url.Values {
	f := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
		"AccountSid": {testSID}, "To": {testTo}, "From": {testFrom}, "ApiVersion": {"2010-04-01"}}
	if code != "" {
		f.Set("ErrorCode", code)
	}
	return f
}

func callForm(sid, status string) url.Values {
	return url.Values{"CallSid": {sid}, "CallStatus": {status}, "AccountSid": {testSID}, "To": {testTo},
		"From": {testFrom}, "Direction": {"outbound-api"}, "ApiVersion": {"2010-04-01"}}
}

func TestStatusHandler(t *testing.T) {
	const path = "/webhooks/twilio/status"
	tests := []struct {
		name     string
		method   string
		query    string
		form     url.Values
		sig      func(form url.Values, fullURL string) string
		sinkErr  error
		wantCode int
		want     []StatusUpdate
	}{
		{name: "sms delivered", form: smsForm("SM01", "delivered", ""), wantCode: 200,
			want: []StatusUpdate{{ProviderID: "SM01", Channel: notify.ChannelSMS, Status: StatusDelivered, ProviderStatus: "delivered"}}},
		{name: "sms undelivered with error code", form: smsForm("SM02", "undelivered", "30003"), wantCode: 200,
			want: []StatusUpdate{{ProviderID: "SM02", Channel: notify.ChannelSMS, Status: StatusFailedPermanent,
				ProviderStatus: "undelivered", ErrorCode: "30003"}}},
		{name: "sms failed", form: smsForm("SM03", "failed", "30007"), wantCode: 200,
			want: []StatusUpdate{{ProviderID: "SM03", Channel: notify.ChannelSMS, Status: StatusFailedPermanent,
				ProviderStatus: "failed", ErrorCode: "30007"}}},
		{name: "sms sent to the carrier", form: smsForm("SM04", "sent", ""), wantCode: 200,
			want: []StatusUpdate{{ProviderID: "SM04", Channel: notify.ChannelSMS, Status: StatusInProgress, ProviderStatus: "sent"}}},
		{name: "call completed", form: callForm("CA01", "completed"), wantCode: 200,
			want: []StatusUpdate{{ProviderID: "CA01", Channel: notify.ChannelVoice, Status: StatusDelivered, ProviderStatus: "completed"}}},
		{name: "call not answered", form: callForm("CA02", "no-answer"), wantCode: 200,
			want: []StatusUpdate{{ProviderID: "CA02", Channel: notify.ChannelVoice, Status: StatusFailedPermanent, ProviderStatus: "no-answer"}}},
		{name: "call ringing", form: callForm("CA03", "ringing"), wantCode: 200,
			want: []StatusUpdate{{ProviderID: "CA03", Channel: notify.ChannelVoice, Status: StatusInProgress, ProviderStatus: "ringing"}}},
		{name: "callback url with a query is signed with it", query: "?notice=INC-7%2Fp-1", form: smsForm("SM05", "delivered", ""),
			wantCode: 200,
			want:     []StatusUpdate{{ProviderID: "SM05", Channel: notify.ChannelSMS, Status: StatusDelivered, ProviderStatus: "delivered"}}},
		{name: "forged signature", form: smsForm("SM06", "delivered", ""), wantCode: 403,
			sig: func(f url.Values, u string) string { return sign("not-the-token", u, f) }},
		{name: "missing signature", form: smsForm("SM07", "delivered", ""), wantCode: 403,
			sig: func(url.Values, string) string { return "" }},
		{name: "signed for the internal url", form: smsForm("SM08", "delivered", ""), wantCode: 403,
			sig: func(f url.Values, _ string) string { return sign(testToken, "http://127.0.0.1:8080"+path, f) }},
		{name: "status changed after signing", form: smsForm("SM09", "delivered", ""), wantCode: 403,
			sig: func(f url.Values, u string) string { return sign(testToken, u, smsForm("SM09", "failed", "")) }},
		{name: "get", method: http.MethodGet, form: url.Values{}, wantCode: 405},
		{name: "no sid", form: url.Values{"MessageStatus": {"delivered"}}, wantCode: 400},
		{name: "no status", form: url.Values{"MessageSid": {"SM10"}}, wantCode: 400},
		{name: "unknown status is ignored", form: smsForm("SM11", "teleported", ""), wantCode: 200},
		{name: "sink fails", form: smsForm("SM12", "delivered", ""), sinkErr: errors.New("ledger down"), wantCode: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := notifytest.NewLog()
			s := &sink{err: tt.sinkErr}
			h, err := NewStatusHandler(testToken, publicURL, s, log.Entry)
			if err != nil {
				t.Fatalf("NewStatusHandler: %v", err)
			}
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			fullURL := publicURL + tt.query
			sig := sign(testToken, fullURL, tt.form)
			if tt.sig != nil {
				sig = tt.sig(tt.form, fullURL)
			}
			// The request reaches the service on its internal address,
			// behind a proxy; the signature is for the public URL.
			rec := callback(h, method, "http://127.0.0.1:8080"+path+tt.query, tt.form, sig)
			if rec.Code != tt.wantCode {
				t.Errorf("got status %d, want %d (%s)", rec.Code, tt.wantCode, rec.Body)
			}
			if diff := cmp.Diff(tt.want, s.got()); diff != "" {
				t.Errorf("sink updates (-want +got):\n%s", diff)
			}
			notifytest.AssertNoLeak(t, []string{testToken}, []string{testTo, testFrom}, nil, log.String())
		})
	}
}

func TestNewStatusHandlerValidates(t *testing.T) {
	tests := []struct {
		name, token, url string
		sink             StatusSink
		want             []string
	}{
		{"no token", "", publicURL, &sink{}, []string{"auth token"}},
		{"relative url", testToken, "/webhooks/twilio/status", &sink{}, []string{"public url"}},
		{"no sink", testToken, publicURL, nil, []string{"sink"}},
		{"everything missing", "", "", nil, []string{"auth token", "public url", "sink"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewStatusHandler(tt.token, tt.url, tt.sink, nil)
			if err == nil {
				t.Fatalf("got nil error, want one naming %v", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to name %q", err, w)
				}
			}
		})
	}
}

// TestSentThenDeliveredThroughTheCallback sends an SMS through the fake
// Twilio API (its request checked against the OpenAPI description) and
// feeds the callback Twilio would post for it into the handler.
func TestSentThenDeliveredThroughTheCallback(t *testing.T) {
	api := twiliotest.New(t, testSID, testToken)
	n, err := New(Config{AccountSID: testSID, AuthToken: config.NewSecret(testToken), From: testFrom,
		StatusCallback: publicURL, BaseURL: api.URL}, notifytest.NewLog().Entry)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	sid, err := n.Notify(t.Context(), message(testTo))
	if err != nil {
		t.Fatalf("Notify: got %v, want nil", err)
	}
	reqs := api.Requests()
	if len(reqs) != 1 || reqs[0].Form.Get("StatusCallback") != publicURL {
		t.Fatalf("got requests %+v, want one with the status callback", reqs)
	}
	s := &sink{}
	h, err := NewStatusHandler(testToken, reqs[0].Form.Get("StatusCallback"), s, nil)
	if err != nil {
		t.Fatalf("NewStatusHandler: %v", err)
	}
	form := smsForm(sid, "delivered", "")
	if rec := callback(h, http.MethodPost, "/webhooks/twilio/status", form, sign(testToken, publicURL, form)); rec.Code != 200 {
		t.Fatalf("got status %d, want 200", rec.Code)
	}
	want := []StatusUpdate{{ProviderID: sid, Channel: notify.ChannelSMS, Status: StatusDelivered, ProviderStatus: "delivered"}}
	if diff := cmp.Diff(want, s.got()); diff != "" {
		t.Errorf("sink updates (-want +got):\n%s", diff)
	}
}

// TestNotifyAgainstTheFakeTwilio runs the SMS notifier against the fake
// Twilio API, whose every request is checked against Twilio's OpenAPI
// description, for each refusal the fake scripts with Twilio's error
// document.
func TestNotifyAgainstTheFakeTwilio(t *testing.T) {
	// kinds are the sentinels of the refusals, by Twilio code.
	kinds := map[int]error{21211: ErrInvalidNumber, 21610: ErrUnsubscribed, 21614: ErrRejected, 20429: ErrThrottled,
		20500: ErrServer, 0: ErrServer}
	for _, tt := range twiliotest.Refusals {
		t.Run(tt.Name, func(t *testing.T) {
			kind, ok := kinds[tt.Failure.Code]
			if !ok {
				t.Fatalf("no sentinel for Twilio code %d", tt.Failure.Code)
			}
			api := twiliotest.New(t, testSID, testToken)
			api.Fail(testTo, tt.Failure)
			log := notifytest.NewLog()
			n, err := New(Config{AccountSID: testSID, AuthToken: config.NewSecret(testToken), From: testFrom,
				StatusCallback: publicURL, BaseURL: api.URL}, log.Entry)
			if err != nil {
				t.Fatal(err)
			}
			_, err = n.Notify(t.Context(), message(testTo))
			var de *notify.DeliveryError
			if !errors.As(err, &de) || de.Permanent != tt.Permanent || de.Code != tt.Code || !errors.Is(err, kind) {
				t.Errorf("got %v, want permanent %v code %q wrapping %v", err, tt.Permanent, tt.Code, kind)
			}
			if got := len(api.Requests()); got != 1 {
				t.Errorf("got %d requests, want 1", got)
			}
			notifytest.AssertNoLeak(t, []string{testToken}, []string{testTo, testText}, []error{err}, log.String())
		})
	}
}
