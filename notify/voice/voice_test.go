package voice

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/twiliotest"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

const (
	testSID      = "AC0123456789abcdef0123456789abcdef"
	testToken    = "S3cretT0kenValue9876543210zyxwvu"
	testFrom     = "+15005550006"
	testTo       = "+447700900123"
	testCallback = "https://breach.example.org/webhooks/twilio/status"
	testScript   = "Hello. This is an automated call from Example & Sons.\nYour reference is: I N C 7.\nRead more at example.org/n."
)

// token is a Secret for tests.
type token string

func (t token) Reveal() string { return string(t) }

// harness is a Notifier wired to the fake Twilio API; at cleanup it checks
// that no error or log line leaked the token, the number or the script.
type harness struct {
	api *twiliotest.Server
	n   *Notifier
	log *notifytest.Log

	mu   sync.Mutex
	errs []error
}

func newHarness(t *testing.T, mutate func(*Config)) *harness {
	t.Helper()
	h := &harness{api: twiliotest.New(t, testSID, testToken), log: notifytest.NewLog()}
	cfg := Config{AccountSID: testSID, From: testFrom, BaseURL: h.api.URL, StatusCallback: testCallback, Timeout: 5 * time.Second}
	if mutate != nil {
		mutate(&cfg)
	}
	n, err := New(cfg, token(testToken), h.log.Entry)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.n = n
	t.Cleanup(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		notifytest.AssertNoLeak(t, []string{testToken}, []string{testTo, "7700900123", "Example & Sons"}, h.errs, h.log.String())
	})
	return h
}

func (h *harness) notify(t *testing.T, m *notify.Message) (string, error) {
	id, err := h.n.Notify(t.Context(), m)
	if err != nil {
		h.mu.Lock()
		h.errs = append(h.errs, err)
		h.mu.Unlock()
	}
	return id, err
}

func message(to, locale, text string) *notify.Message {
	return &notify.Message{Key: "INC-7/p-1/voice/1", IncidentID: "INC-7", SubjectID: "p-1", Channel: notify.ChannelVoice,
		To: to, Locale: locale, Text: text}
}

// spoken parses TwiML as Twilio would and returns each <Say>'s language,
// voice and text, and the number of pauses.
func spoken(t *testing.T, twiml string) ([]say, int) {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"Response"`
		Says    []say    `xml:"Say"`
		Pauses  []pause  `xml:"Pause"`
	}
	if err := xml.Unmarshal([]byte(twiml), &doc); err != nil {
		t.Fatalf("twiml %q does not parse: %v", twiml, err)
	}
	for i := range doc.Says {
		doc.Says[i].XMLName = xml.Name{}
	}
	return doc.Says, len(doc.Pauses)
}

func TestNotifyPlacesTheCallInThePersonsLanguage(t *testing.T) {
	lines := strings.Split(testScript, "\n")
	tests := []struct {
		locale         string
		language, name string
	}{
		{"en", "en-US", "Polly.Joanna"},
		{"zh-CN", "cmn-CN", "Polly.Zhiyu"},
		{"zh-Hans", "cmn-CN", "Polly.Zhiyu"},
		{"de-AT", "de-DE", "Polly.Vicki"},
		{"fr", "fr-FR", "Polly.Lea"},
		{"es-MX", "es-ES", "Polly.Lucia"},
		{"ja", "en-US", "Polly.Joanna"},
		{"", "en-US", "Polly.Joanna"},
	}
	for _, tt := range tests {
		t.Run("locale "+tt.locale, func(t *testing.T) {
			h := newHarness(t, nil)
			id, err := h.notify(t, message("+44 7700 900-123", tt.locale, testScript))
			if err != nil {
				t.Fatalf("Notify: got %v, want nil", err)
			}
			if want := fmt.Sprintf("CA%032x", 1); id != want {
				t.Errorf("got provider id %q, want %q", id, want)
			}
			reqs := h.api.Requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Operation != twiliotest.OpCreateCall || r.Form.Get("To") != testTo || r.Form.Get("From") != testFrom ||
				r.Form.Get("StatusCallback") != testCallback || r.Form.Get("StatusCallbackMethod") != "POST" {
				t.Errorf("got request %s %v, want a CreateCall to the number with the callback", r.Operation, r.Form)
			}
			says, pauses := spoken(t, r.Form.Get("Twiml"))
			var want []say
			for _, l := range lines {
				want = append(want, say{Language: tt.language, Voice: tt.name, Text: l})
			}
			if diff := cmp.Diff(want, says); diff != "" {
				t.Errorf("spoken (-want +got):\n%s", diff)
			}
			if pauses != 1 {
				t.Errorf("got %d pauses, want 1", pauses)
			}
		})
	}
}

func TestNotifyWithoutCallback(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.StatusCallback = "" })
	if _, err := h.notify(t, message(testTo, "en", testScript)); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if f := h.api.Requests()[0].Form; f.Has("StatusCallback") || f.Has("StatusCallbackMethod") {
		t.Errorf("got callback parameters %v, want none", f)
	}
}

func TestConfiguredVoiceOverridesTheDefault(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Voices = map[string]Voice{"de": {Language: "de-DE", Voice: "Google.de-DE-Standard-A"}}
	})
	if _, err := h.notify(t, message(testTo, "de", "Hallo.")); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	says, _ := spoken(t, h.api.Requests()[0].Form.Get("Twiml"))
	if want := []say{{Language: "de-DE", Voice: "Google.de-DE-Standard-A", Text: "Hallo."}}; !cmp.Equal(says, want) {
		t.Errorf("got %+v, want %+v", says, want)
	}
}

func TestTwiMLEscapesTheScript(t *testing.T) {
	script := "Fish & chips <b>bold</b> \"quoted\" 'single' ]]> \x07bell\x1b\n\u00a0  spaced   out  \n\n数据泄露通知 – ünïcödé"
	h := newHarness(t, nil)
	if _, err := h.notify(t, message(testTo, "en", script)); err != nil {
		t.Fatalf("Notify: %v", err) // the fake refuses TwiML that is not well-formed
	}
	says, _ := spoken(t, h.api.Requests()[0].Form.Get("Twiml"))
	var got []string
	for _, s := range says {
		got = append(got, s.Text)
	}
	want := []string{`Fish & chips <b>bold</b> "quoted" 'single' ]]> bell`, "spaced out", "数据泄露通知 – ünïcödé"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spoken text (-want +got):\n%s", diff)
	}
}

func TestTwiMLLength(t *testing.T) {
	// 80 short lines: one <Say> each is over the limit, one <Say> for all fits.
	many := strings.Repeat("Short line.\n", 80)
	got, err := TwiML(many, DefaultVoices["en"])
	if err != nil {
		t.Fatalf("TwiML: got %v, want it to fit in one <Say>", err)
	}
	if n := strings.Count(got, "<Say"); n != 1 {
		t.Errorf("got %d <Say> elements, want 1", n)
	}
	h := newHarness(t, nil)
	_, err = h.notify(t, message(testTo, "en", strings.Repeat("A long sentence. ", 300)))
	if !notify.IsPermanent(err) || !errors.Is(err, ErrScriptTooLong) {
		t.Errorf("got %v, want a permanent ErrScriptTooLong", err)
	}
	if n := len(h.api.Requests()); n != 0 {
		t.Errorf("got %d requests, want 0", n)
	}
}

func TestNotifyClassifiesRefusals(t *testing.T) {
	tests := append(slices.Clone(twiliotest.Refusals),
		twiliotest.Refusal{Name: "21214 unreachable", Failure: twiliotest.Failure{Status: 400, Code: 21214, Message: "'To' phone number %s cannot be reached"}, Permanent: true, Code: "21214"},
		twiliotest.Refusal{Name: "21215 geo permission", Failure: twiliotest.Failure{Status: 400, Code: 21215, Message: "Account not authorized to call %s"}, Permanent: true, Code: "21215"},
	)
	// kinds are the sentinels of the refusals, by Twilio code: 21610 is a
	// number that blocked calls from the caller id.
	kinds := map[int]error{21211: ErrInvalidNumber, 21610: ErrRejected, 21614: ErrRejected, 21214: ErrRejected,
		21215: ErrRejected, 20429: ErrThrottled, 20500: ErrServer, 0: ErrServer}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			kind, ok := kinds[tt.Failure.Code]
			if !ok {
				t.Fatalf("no sentinel for Twilio code %d", tt.Failure.Code)
			}
			h := newHarness(t, nil)
			h.api.Fail(testTo, tt.Failure)
			id, err := h.notify(t, message(testTo, "en", testScript))
			var de *notify.DeliveryError
			if id != "" || !errors.As(err, &de) {
				t.Fatalf("got %q, %v, want a *notify.DeliveryError", id, err)
			}
			if de.Permanent != tt.Permanent || de.Code != tt.Code || !errors.Is(err, kind) {
				t.Errorf("got permanent %v code %q (%v), want %v %q wrapping %v", de.Permanent, de.Code, err, tt.Permanent, tt.Code, kind)
			}
			if errors.Is(err, ErrAmbiguous) {
				t.Errorf("got ambiguous %v, want a definite refusal", err)
			}
		})
	}
}

func TestWrongTokenIsTemporaryAndLoggedOnce(t *testing.T) {
	api := twiliotest.New(t, testSID, "AnotherToken0123456789abcdefABCD")
	log := notifytest.NewLog()
	n, err := New(Config{AccountSID: testSID, From: testFrom, BaseURL: api.URL}, token(testToken), log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for range 3 {
		_, err := n.Notify(t.Context(), message(testTo, "en", testScript))
		errs = append(errs, err)
		if notify.IsPermanent(err) || !errors.Is(err, ErrAuth) {
			t.Fatalf("got %v, want a temporary ErrAuth", err)
		}
	}
	if got := countContaining(log, "refused the credentials"); got != 1 {
		t.Errorf("got %d credential alerts, want 1", got)
	}
	if got, want := [2]int64{n.Placed(), n.Failed()}, [2]int64{0, 3}; got != want {
		t.Errorf("got placed/failed %v, want %v", got, want)
	}
	notifytest.AssertNoLeak(t, []string{testToken}, []string{testTo}, errs, log.String())
}

func countContaining(l *notifytest.Log, s string) int {
	n := 0
	for _, r := range l.Records() {
		if strings.Contains(r.Message, s) {
			n++
		}
	}
	return n
}

func TestServerDownIsTemporary(t *testing.T) {
	h := newHarness(t, nil)
	h.api.Close()
	_, err := h.notify(t, message(testTo, "en", testScript))
	if notify.IsPermanent(err) || !errors.Is(err, ErrConnection) || errors.Is(err, ErrAmbiguous) {
		t.Fatalf("got %v, want a temporary, unambiguous ErrConnection", err)
	}
}

func TestNoReplyAfterSendingIsAmbiguous(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	log := notifytest.NewLog()
	n, err := New(Config{AccountSID: testSID, From: testFrom, BaseURL: srv.URL, Timeout: 100 * time.Millisecond}, token(testToken), log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Notify(t.Context(), message(testTo, "en", testScript))
	if notify.IsPermanent(err) || !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("got %v, want a temporary ErrAmbiguous", err)
	}
	if got := countContaining(log, "may have been placed"); got != 1 {
		t.Errorf("got %d duplicate-risk warnings, want 1", got)
	}
	notifytest.AssertNoLeak(t, []string{testToken}, []string{testTo}, []error{err}, log.String())
}

func TestNotifyRefusesBadInputWithoutCallingTwilio(t *testing.T) {
	tests := []struct {
		name string
		msg  *notify.Message
		kind error
	}{
		{"nil message", nil, nil},
		{"no number", message("", "en", testScript), notify.ErrNoAddress},
		{"not e164", message("07700 900123", "en", testScript), ErrInvalidNumber},
		{"letters", message("+44 7700 CALL ME", "en", testScript), ErrInvalidNumber},
		{"empty script", message(testTo, "en", " \n\t\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			_, err := h.notify(t, tt.msg)
			if !notify.IsPermanent(err) {
				t.Errorf("got %v, want a permanent failure", err)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("got %v, want it to wrap %v", err, tt.kind)
			}
			if n := len(h.api.Requests()); n != 0 {
				t.Errorf("got %d requests, want 0", n)
			}
		})
	}
}

func TestNotifierDoesNotPrintTheToken(t *testing.T) {
	h := newHarness(t, nil)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(verb, h.n); strings.Contains(s, testToken) {
			t.Errorf("got the token in %s of the Notifier", verb)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	valid := func() Config { return Config{AccountSID: testSID, From: testFrom} }
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // keys named; nil = valid
	}{
		{"valid", func(*Config) {}, nil},
		{"valid with everything", func(c *Config) {
			c.BaseURL, c.StatusCallback, c.RatePerSec = "https://api.twilio.example.org", testCallback, 2
			c.Voices = map[string]Voice{"fr": {Language: "fr-CA", Voice: "Polly.Chantal"}}
		}, nil},
		{"empty", func(c *Config) { *c = Config{} }, []string{"channels.voice.account_sid", "channels.voice.from"}},
		{"bad sid", func(c *Config) { c.AccountSID = "AC12" }, []string{"channels.voice.account_sid"}},
		{"from not e164", func(c *Config) { c.From = "Breach" }, []string{"channels.voice.from"}},
		{"http base url to a remote host", func(c *Config) { c.BaseURL = "http://api.example.org" }, []string{"channels.voice.base_url"}},
		{"callback not absolute", func(c *Config) { c.StatusCallback = "/webhooks/twilio/status" }, []string{"channels.voice.status_callback"}},
		{"callback host with underscore", func(c *Config) { c.StatusCallback = "https://my_host.example.org/cb" }, []string{"channels.voice.status_callback"}},
		{"negative rate", func(c *Config) { c.RatePerSec = -1 }, []string{"channels.voice.rate_per_sec"}},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, []string{"channels.voice.timeout"}},
		{"unknown locale", func(c *Config) { c.Voices = map[string]Voice{"ja": {Language: "ja-JP"}} }, []string{"channels.voice.voices.ja"}},
		{"bad language", func(c *Config) { c.Voices = map[string]Voice{"de": {Language: "german"}} }, []string{"channels.voice.voices.de.language"}},
		{"bad voice", func(c *Config) { c.Voices = map[string]Voice{"de": {Language: "de-DE", Voice: "<x>"}} }, []string{"channels.voice.voices.de.voice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(&c)
			twiliotest.AssertKeys(t, c.Validate(), tt.want)
		})
	}
}

func TestNewChecksTheToken(t *testing.T) {
	tests := []struct {
		name string
		tok  Secret
	}{
		{"none", nil},
		{"empty", token("")},
		{"trailing newline", token(testToken + "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Config{AccountSID: testSID, From: testFrom}, tt.tok, nil)
			if err == nil || !strings.Contains(err.Error(), "channels.voice.auth_token_file:") {
				t.Fatalf("got %v, want an error naming channels.voice.auth_token_file", err)
			}
			notifytest.AssertNoLeak(t, []string{testToken}, nil, []error{err}, "")
		})
	}
}

func TestDefaults(t *testing.T) {
	n, err := New(Config{AccountSID: testSID, From: testFrom}, token(testToken), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n.RatePerSec() != DefaultRatePerSec || n.st.cfg.Timeout != DefaultTimeout || n.st.api.BaseURL() != nil {
		t.Errorf("got rate %g timeout %s base %v, want %g %s Twilio", n.RatePerSec(), n.st.cfg.Timeout, n.st.api.BaseURL(),
			DefaultRatePerSec, DefaultTimeout)
	}
}

// Voice shares notify.Alerts with e-mail and SMS: an outage is one log
// line and its end another; a refused destination region is logged once
// and is not ended by calls to other numbers going through.
func TestAlertsLogOnceUntilTwilioRecovers(t *testing.T) {
	h := newHarness(t, nil)
	auth := twiliotest.Failure{Status: 401, Code: 20003, Message: "Authenticate"}
	h.api.FailNext(auth, auth, auth)
	for range 3 {
		if _, err := h.notify(t, message(testTo, "en", testScript)); !errors.Is(err, ErrAuth) || notify.IsPermanent(err) {
			t.Fatalf("got %v, want a temporary ErrAuth", err)
		}
	}
	if got := h.log.Count(logrus.ErrorLevel, "refused the credentials"); got != 1 {
		t.Errorf("got %d credential alerts during the outage, want 1", got)
	}
	if h.log.Count(logrus.InfoLevel, "accepts calls again") != 0 {
		t.Error("recovery logged before any call went through")
	}
	if _, err := h.notify(t, message(testTo, "en", testScript)); err != nil {
		t.Fatalf("Notify after the fix: %v", err)
	}
	if _, err := h.notify(t, message(testTo, "en", testScript)); err != nil {
		t.Fatalf("Notify after the fix: %v", err)
	}
	if got := h.log.Count(logrus.InfoLevel, "accepts calls again"); got != 1 {
		t.Errorf("got %d recovery lines, want 1", got)
	}
	// A second outage is alerted again.
	h.api.FailNext(auth)
	if _, err := h.notify(t, message(testTo, "en", testScript)); !errors.Is(err, ErrAuth) {
		t.Fatalf("got %v, want ErrAuth", err)
	}
	if got := h.log.Count(logrus.ErrorLevel, "refused the credentials"); got != 2 {
		t.Errorf("got %d credential alerts after a second outage, want 2", got)
	}

	// A region refusal depends on the number: it stays raised across
	// calls to other numbers, logged once.
	const abroad = "+8613800138000"
	h.api.Fail(abroad, twiliotest.Failure{Status: 400, Code: 21215, Message: "Account not authorized to call %s."})
	for range 2 {
		if _, err := h.notify(t, message(abroad, "en", testScript)); !notify.IsPermanent(err) {
			t.Fatalf("got %v, want a permanent refusal", err)
		}
		if _, err := h.notify(t, message(testTo, "en", testScript)); err != nil {
			t.Fatalf("Notify to another number: %v", err)
		}
	}
	if got := h.log.Count(logrus.ErrorLevel, "destination region"); got != 1 {
		t.Errorf("got %d region alerts, want 1", got)
	}
}
