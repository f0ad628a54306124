package queue

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/sms"
)

const (
	twilioToken     = "twilio-test-auth-token"
	twilioPublicURL = "https://breach.example.org/webhooks/twilio/status"
)

// twilioSign signs form as Twilio does (HMAC-SHA1 over the URL and the
// sorted parameters, base64).
func twilioSign(form url.Values) string {
	keys := slices.Sorted(maps.Keys(form))
	s := twilioPublicURL
	for _, k := range keys {
		s += k + form.Get(k)
	}
	mac := hmac.New(sha1.New, []byte(twilioToken))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// TestTwilioStatusCallbacksReachTheLedger posts signed and forged status
// callbacks to the handler the service mounts, backed by the SQLite
// ledger: delivered moves a sent SMS to delivered, undelivered moves the
// person to their letter, a forged callback changes nothing.
func TestTwilioStatusCallbacksReachTheLedger(t *testing.T) {
	ctx := context.Background()
	led := sqliteLedger(t)
	sink := &memSink{}
	plan := func(subject, sid string) notify.Job {
		j := notify.NewJob(testIncident, 1, 1, subject, notify.Route{Channel: notify.ChannelSMS, To: "+15555550100"},
			[]notify.Route{{Channel: notify.ChannelLetter, To: "1 Example Road"}})
		if _, _, err := led.Plan(ctx, []notify.Entry{j.Entry()}); err != nil {
			t.Fatal(err)
		}
		if err := led.Finish(ctx, j.Key, notify.Outcome{State: notify.StateSent, ProviderID: sid, At: fixedNow()}); err != nil {
			t.Fatal(err)
		}
		return j
	}
	a, b, c := plan("u-1", "SMaaaa"), plan("u-2", "SMbbbb"), plan("u-3", "SMcccc")
	h, err := NewTwilioStatusHandler(twilioToken, twilioPublicURL, notify.NewStatusRecorder(led, sink, logging.Discard(), fixedNow), logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(form url.Values, signature string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/twilio/status", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(sms.SignatureHeader, signature)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	delivered := url.Values{"MessageSid": {"SMaaaa"}, "MessageStatus": {"delivered"}, "AccountSid": {"ACtest"}}
	undelivered := url.Values{"MessageSid": {"SMbbbb"}, "MessageStatus": {"undelivered"}, "ErrorCode": {"30003"}, "AccountSid": {"ACtest"}}
	forged := url.Values{"MessageSid": {"SMcccc"}, "MessageStatus": {"failed"}, "AccountSid": {"ACtest"}}
	for _, tc := range []struct {
		name string
		form url.Values
		sig  string
		want int
	}{
		{"delivered", delivered, twilioSign(delivered), http.StatusOK},
		{"undelivered", undelivered, twilioSign(undelivered), http.StatusOK},
		{"forged signature", forged, twilioSign(delivered), http.StatusForbidden},
	} {
		if got := post(tc.form, tc.sig); got != tc.want {
			t.Errorf("%s: got HTTP %d, want %d", tc.name, got, tc.want)
		}
	}
	states := map[string]notify.State{}
	for _, k := range []string{a.Key, b.Key, c.Key} {
		states[k] = mustState(t, led, k)
	}
	next, _ := b.Next()
	want := map[string]notify.State{a.Key: notify.StateDelivered, b.Key: notify.StateFailedPermanent, c.Key: notify.StateSent}
	for k, st := range want {
		if states[k] != st {
			t.Errorf("%s: got %s, want %s", k, states[k], st)
		}
	}
	if got := mustState(t, led, next.Key); got != notify.StatePending {
		t.Errorf("u-2's letter: got %s, want pending", got)
	}
	if len(sink.jobs) != 1 || sink.jobs[0].Key != next.Key {
		t.Errorf("queued: got %d jobs, want u-2's letter", len(sink.jobs))
	}
}

func mustState(t *testing.T, l notify.Ledger, key string) notify.State {
	t.Helper()
	e, err := l.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get %s: %v", key, err)
	}
	return e.State
}

// memSink keeps enqueued jobs and drops events.
type memSink struct{ jobs []notify.Job }

func (s *memSink) Enqueue(_ context.Context, jobs ...notify.Job) error {
	s.jobs = append(s.jobs, jobs...)
	return nil
}
func (s *memSink) Event(context.Context, incident.NoticeOutcome) error { return nil }
func (s *memSink) DeadLetter(context.Context, string, []byte, string) error {
	return nil
}
