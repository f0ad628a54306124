package twiliotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
)

const (
	sid   = "AC0123456789abcdef0123456789abcdef"
	token = "S3cretT0kenValue9876543210zyxwvu"
	from  = "+15005550006"
	to    = "+447700900123"
)

// client returns twilio-go's API service pointed at s.
func client(s *Server, user, pass string) *api.ApiService {
	base, _ := url.Parse(s.URL)
	c := &tclient.Client{Credentials: tclient.NewCredentials(user, pass), HTTPClient: &http.Client{
		Transport: rewrite{base: base},
	}}
	c.SetAccountSid(sid)
	return api.NewApiService(&tclient.RequestHandler{Client: c})
}

// rewrite sends requests for api.twilio.com to the fake.
type rewrite struct{ base *url.URL }

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rw.base.Scheme, rw.base.Host, ""
	return http.DefaultTransport.RoundTrip(r)
}

func TestTwilioGoRequestsAreValid(t *testing.T) {
	s := New(t, sid, token)
	svc := client(s, sid, token)
	msg, err := svc.CreateMessage((&api.CreateMessageParams{}).SetTo(to).SetFrom(from).SetBody("hello").
		SetStatusCallback("https://breach.example.org/webhooks/twilio/status"))
	if err != nil {
		t.Fatalf("CreateMessage: got %v, want nil", err)
	}
	if got, want := *msg.Sid, fmt.Sprintf("SM%032x", 1); got != want {
		t.Errorf("got message sid %q, want %q", got, want)
	}
	call, err := svc.CreateCall((&api.CreateCallParams{}).SetTo(to).SetFrom(from).
		SetTwiml(`<Response><Say language="en-US">Hello &amp; goodbye</Say></Response>`).
		SetStatusCallbackEvent([]string{"initiated", "completed"}))
	if err != nil {
		t.Fatalf("CreateCall: got %v, want nil", err)
	}
	if got, want := *call.Sid, fmt.Sprintf("CA%032x", 2); got != want {
		t.Errorf("got call sid %q, want %q", got, want)
	}
	reqs := s.Requests()
	var got []string
	for _, r := range reqs {
		got = append(got, r.Operation+" "+r.User+" "+r.Form.Get("To")+" "+r.Invalid)
	}
	want := []string{OpCreateMessage + " " + sid + " " + to + " ", OpCreateCall + " " + sid + " " + to + " "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if got := reqs[1].Form["StatusCallbackEvent"]; !cmp.Equal(got, []string{"initiated", "completed"}) {
		t.Errorf("got StatusCallbackEvent %q, want both events", got)
	}
}

// post sends a raw form to the fake, as a client that ignores the
// description might.
func post(t *testing.T, s *Server, path string, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return resp.StatusCode, doc
}

const (
	messages = "/2010-04-01/Accounts/" + sid + "/Messages.json"
	calls    = "/2010-04-01/Accounts/" + sid + "/Calls.json"
)

func TestRefusesWhatTheDescriptionRefuses(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		form    url.Values
		invalid string // a fragment of the recorded reason
	}{
		{"message without To", messages, url.Values{"From": {from}, "Body": {"x"}}, "To"},
		{"message To not E.164", messages, url.Values{"To": {"07700 900123"}, "From": {from}, "Body": {"x"}}, "E.164"},
		{"call without From", calls, url.Values{"To": {to}, "Twiml": {"<Response/>"}}, "From"},
		{"call TwiML not well-formed", calls, url.Values{"To": {to}, "From": {from},
			"Twiml": {"<Response><Say>Fish & chips</Say></Response>"}}, "well-formed"},
		{"call TwiML other root", calls, url.Values{"To": {to}, "From": {from}, "Twiml": {"<Say>hi</Say>"}}, "Response"},
		{"call TwiML too long", calls, url.Values{"To": {to}, "From": {from},
			"Twiml": {"<Response><Say>" + strings.Repeat("a", MaxTwiML) + "</Say></Response>"}}, "characters"},
		{"call without instructions", calls, url.Values{"To": {to}, "From": {from}}, "Twiml"},
		{"callback with underscore host", messages, url.Values{"To": {to}, "From": {from}, "Body": {"x"},
			"StatusCallback": {"https://my_host.example.org/cb"}}, "underscore"},
		{"unknown enum", calls, url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"},
			"StatusCallbackMethod": {"PUT"}}, "StatusCallbackMethod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, sid, token, AllowInvalid())
			status, doc := post(t, s, tt.path, tt.form, sid, token)
			if status != http.StatusBadRequest || doc["code"] != float64(21200) {
				t.Errorf("got %d %v, want 400 with code 21200", status, doc)
			}
			reqs := s.Requests()
			if len(reqs) != 1 || !strings.Contains(reqs[0].Invalid, tt.invalid) {
				t.Errorf("got recorded requests %+v, want one invalid mentioning %q", reqs, tt.invalid)
			}
		})
	}
}

// recorder is a testing.TB that keeps what the fake reports at cleanup.
type recorder struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestInvalidRequestFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	s := New(rec, sid, token)
	post(t, s, messages, url.Values{"From": {from}, "Body": {"x"}}, sid, token)
	post(t, s, messages, url.Values{"To": {to}, "From": {from}, "Body": {"x"}}, sid, token)
	for _, f := range rec.cleanups {
		f()
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "request 0") {
		t.Errorf("got cleanup errors %q, want one about request 0", rec.errs)
	}
}

func TestCredentials(t *testing.T) {
	tests := []struct {
		name, user, pass string
		status           int
		code             float64
	}{
		{"none", "", "", 401, 20003},
		{"wrong token", sid, "nope", 401, 20003},
		{"right", sid, token, 201, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, sid, token, AllowInvalid())
			status, doc := post(t, s, messages, url.Values{"To": {to}, "From": {from}, "Body": {"x"}}, tt.user, tt.pass)
			if status != tt.status {
				t.Errorf("got status %d, want %d", status, tt.status)
			}
			if tt.code != 0 && doc["code"] != tt.code {
				t.Errorf("got code %v, want %v", doc["code"], tt.code)
			}
		})
	}
}

func TestOtherAccountIsNotFound(t *testing.T) {
	other := "AC" + strings.Repeat("f", 32)
	s := New(t, sid, token)
	status, doc := post(t, s, "/2010-04-01/Accounts/"+other+"/Messages.json",
		url.Values{"To": {to}, "From": {from}, "Body": {"x"}}, sid, token)
	if status != http.StatusNotFound || doc["code"] != float64(20404) {
		t.Errorf("got %d %v, want 404 with code 20404", status, doc)
	}
}

func TestScriptedFailures(t *testing.T) {
	tests := []struct {
		name    string
		failure Failure
	}{
		{"21211 invalid number", InvalidNumber},
		{"21610 unsubscribed", Unsubscribed},
		{"21614 not mobile", NotMobile},
		{"20429 too many requests", TooManyRequests},
		{"500", ServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, sid, token)
			s.Fail(to, tt.failure)
			svc := client(s, sid, token)
			_, err := svc.CreateMessage((&api.CreateMessageParams{}).SetTo(to).SetFrom(from).SetBody("x"))
			te, ok := err.(*tclient.TwilioRestError)
			if !ok {
				t.Fatalf("got %v (%T), want a *client.TwilioRestError", err, err)
			}
			if te.Code != tt.failure.Code || te.Status != tt.failure.Status {
				t.Errorf("got code %d status %d, want %d %d", te.Code, te.Status, tt.failure.Code, tt.failure.Status)
			}
			if !strings.Contains(te.MoreInfo, fmt.Sprint(tt.failure.Code)) {
				t.Errorf("got more_info %q, want the code's page", te.MoreInfo)
			}
			// Another number is not affected.
			if _, err := svc.CreateMessage((&api.CreateMessageParams{}).SetTo("+447700900999").SetFrom(from).SetBody("x")); err != nil {
				t.Errorf("other number: got %v, want nil", err)
			}
		})
	}
}

func TestFailNextComesFirstInOrder(t *testing.T) {
	s := New(t, sid, token)
	s.FailNext(TooManyRequests, Unavailable)
	form := url.Values{"To": {to}, "From": {from}, "Body": {"x"}}
	var got []int
	for range 3 {
		status, _ := post(t, s, messages, form, sid, token)
		got = append(got, status)
	}
	if want := []int{429, 503, 201}; !cmp.Equal(got, want) {
		t.Errorf("got statuses %v, want %v", got, want)
	}
}

func TestListsWhatWasCreated(t *testing.T) {
	s := New(t, sid, token)
	svc := client(s, sid, token)
	for _, number := range []string{to, "+447700900999", to} {
		if _, err := svc.CreateMessage((&api.CreateMessageParams{}).SetTo(number).SetFrom(from).SetBody("hi " + number)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateCall((&api.CreateCallParams{}).SetTo(to).SetFrom(from).SetTwiml("<Response/>")); err != nil {
		t.Fatal(err)
	}
	s.Fail("+447700900888", InvalidNumber)
	_, _ = svc.CreateMessage((&api.CreateMessageParams{}).SetTo("+447700900888").SetFrom(from).SetBody("x"))

	msgs, err := svc.PageMessage((&api.ListMessageParams{}).SetTo(to).SetFrom(from).SetPageSize(50), "", "")
	if err != nil {
		t.Fatalf("PageMessage: %v", err)
	}
	var got []string
	for _, m := range msgs.Messages {
		got = append(got, *m.Sid+" "+*m.To)
	}
	want := []string{fmt.Sprintf("SM%032x %s", 3, to), fmt.Sprintf("SM%032x %s", 1, to)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	calls, err := svc.PageCall((&api.ListCallParams{}).SetTo(to).SetPageSize(1), "", "")
	if err != nil {
		t.Fatalf("PageCall: %v", err)
	}
	if len(calls.Calls) != 1 || *calls.Calls[0].Sid != fmt.Sprintf("CA%032x", 4) {
		t.Errorf("got calls %+v, want the one call", calls.Calls)
	}
	if got := s.Created(); got != 4 {
		t.Errorf("got %d created, want 4 (a refused message is not created)", got)
	}
}

func TestAssertKeys(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		keys   []string
		ok     bool
		failed int
	}{
		{"valid and nil", nil, nil, true, 0},
		{"valid but an error", errors.New("channels.sms.from: is required"), nil, false, 1},
		{"invalid but nil", nil, []string{"channels.sms.from"}, false, 1},
		{"every key named", errors.New("channels.sms.from: is required\nchannels.sms.timeout: must not be negative"),
			[]string{"channels.sms.from", "channels.sms.timeout"}, true, 0},
		{"one key missing", errors.New("channels.sms.from: is required"),
			[]string{"channels.sms.from", "channels.sms.timeout"}, false, 1},
		{"key without its colon", errors.New("see channels.sms.from"), []string{"channels.sms.from"}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			if got := AssertKeys(rec, tt.err, tt.keys); got != tt.ok {
				t.Errorf("got %v, want %v", got, tt.ok)
			}
			if len(rec.errs) != tt.failed {
				t.Errorf("got failures %q, want %d", rec.errs, tt.failed)
			}
		})
	}
}

func TestRefusalsAreScripted(t *testing.T) {
	for _, r := range Refusals {
		t.Run(r.Name, func(t *testing.T) {
			s := New(t, sid, token)
			s.Fail(to, r.Failure)
			_, err := client(s, sid, token).CreateMessage((&api.CreateMessageParams{}).SetTo(to).SetFrom(from).SetBody("x"))
			status := 0
			var te *tclient.TwilioRestError
			if errors.As(err, &te) {
				status = te.Status
			}
			if r.Failure.Code != 0 && (te == nil || te.Code != r.Failure.Code || status != r.Failure.Status) {
				t.Errorf("got %v, want Twilio's error %d (http %d)", err, r.Failure.Code, r.Failure.Status)
			}
			if r.Failure.Code == 0 && (err == nil || te != nil) {
				t.Errorf("got %v, want a reply that is not a Twilio error document", err)
			}
			if want := r.Failure.Status >= 400 && r.Failure.Status < 500 && r.Failure.Status != 429; r.Permanent != want {
				t.Errorf("got permanent %v for http %d, want %v", r.Permanent, r.Failure.Status, want)
			}
		})
	}
}
