package webpush_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	wp "github.com/SherClockHolmes/webpush-go"
	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/notify/push/pushtest"
	"github.com/breach-notify/breach/notify/push/webpush"
)

type setup struct {
	fake    *pushtest.WebPush
	cfg     webpush.Config
	private string
	log     *notifytest.Log
	n       *webpush.Notifier
}

func newSetup(t *testing.T, subject string) *setup {
	t.Helper()
	priv, pub, err := wp.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "vapid.key")
	if err := os.WriteFile(keyFile, []byte(priv+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &setup{fake: pushtest.NewWebPush(t), private: priv, log: notifytest.NewLog()}
	s.fake.VAPIDPublicKey = pub
	s.cfg = webpush.Config{
		VAPIDPublicKey: pub, VAPIDPrivateKeyFile: keyFile, Subject: subject,
		Content:    pushmsg.Content{NoticeURL: "https://status.example.org/notices/{reference}"},
		HTTPClient: s.fake.Client(),
	}
	s.n, err = webpush.New(s.cfg, s.log.Entry)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// device subscribes a new browser and returns it with the message to it.
func (s *setup) device(t *testing.T) (*pushtest.Subscriber, json.RawMessage, *notify.Message) {
	t.Helper()
	sub, raw, err := s.fake.Subscribe()
	if err != nil {
		t.Fatal(err)
	}
	m := &notify.Message{
		Key: "INC-2026-0042/u-17/push/1/d0", IncidentID: "INC-2026-0042", SubjectID: "u-17", Channel: notify.ChannelPush,
		To:      pushmsg.Device{Platform: pushmsg.PlatformWebPush, Subscription: raw}.Address(),
		ToName:  "Ada Lovelace",
		Subject: "Important security notice", Text: "Seestar Store has sent you an important security notice (ref. INC-2026-0042).",
		VerificationCode: "K7Q-2MX",
	}
	return sub, raw, m
}

func TestNotifyEncryptsSignsAndSetsTTL(t *testing.T) {
	for _, subject := range []string{"mailto:security@example.org", "https://store.example/security"} {
		t.Run(subject, func(t *testing.T) {
			s := newSetup(t, subject)
			sub, _, m := s.device(t)
			id, err := s.n.Notify(context.Background(), m)
			if err != nil {
				t.Fatalf("Notify: %v", err)
			}
			if want := s.fake.Server.URL + "/m/" + sub.ID + "-1"; id != want {
				t.Errorf("got id %q, want the Location %q", id, want)
			}
			if p := s.fake.Problems(); len(p) > 0 {
				t.Fatalf("push service found problems: %v", p)
			}
			got := s.fake.Received()
			if len(got) != 1 {
				t.Fatalf("got %d pushes, want 1", len(got))
			}
			var payload map[string]string
			if err := json.Unmarshal(got[0].Payload, &payload); err != nil {
				t.Fatalf("decrypted payload is not JSON: %v", err)
			}
			want := map[string]string{
				"title": "Important security notice", "body": m.Text, "reference": "INC-2026-0042",
				"url": "https://status.example.org/notices/INC-2026-0042", "kind": "breach.notice",
			}
			if d := cmp.Diff(want, payload); d != "" {
				t.Errorf("decrypted payload (-want +got):\n%s", d)
			}
			if got[0].TTL != 86400 {
				t.Errorf("got TTL %d, want 86400", got[0].TTL)
			}
			if got[0].Subject != subject {
				t.Errorf("got VAPID sub %q, want %q", got[0].Subject, subject)
			}
			if got[0].Urgency != "high" || len(got[0].Topic) == 0 || len(got[0].Topic) > 32 {
				t.Errorf("got urgency %q topic %q, want high and a topic of at most 32 characters", got[0].Urgency, got[0].Topic)
			}
		})
	}
}

func TestNotifyClassifiesReplies(t *testing.T) {
	cases := []struct {
		name       string
		reply      pushtest.Reply
		permanent  bool
		is         error
		retryAfter time.Duration
	}{
		{"gone 410", pushtest.Reply{Status: 410}, true, pushmsg.ErrDeviceGone, 0},
		{"not found 404", pushtest.Reply{Status: 404}, true, pushmsg.ErrDeviceGone, 0},
		{"throttled 429 with retry-after", pushtest.Reply{Status: 429, RetryAfter: "120"}, false, pushmsg.ErrThrottled, 2 * time.Minute},
		{"throttled 429 without", pushtest.Reply{Status: 429}, false, pushmsg.ErrThrottled, 0},
		{"unavailable 503 with retry-after", pushtest.Reply{Status: 503, RetryAfter: "30"}, false, pushmsg.ErrUnavailable, 30 * time.Second},
		{"server error 500", pushtest.Reply{Status: 500}, false, pushmsg.ErrUnavailable, 0},
		{"vapid refused 403", pushtest.Reply{Status: 403}, true, pushmsg.ErrCredentials, 0},
		{"vapid refused 401", pushtest.Reply{Status: 401}, true, pushmsg.ErrCredentials, 0},
		{"too large 413", pushtest.Reply{Status: 413}, true, pushmsg.ErrRejected, 0},
		{"bad request 400", pushtest.Reply{Status: 400}, true, pushmsg.ErrRejected, 0},
	}
	s := newSetup(t, "mailto:security@example.org")
	var mu sync.Mutex
	replies := map[string]pushtest.Reply{} // by subscription id
	s.fake.Reply = func(id string, n int) pushtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		return replies[id]
	}
	var errs []error
	var leaks []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub, raw, m := s.device(t)
			mu.Lock()
			replies[sub.ID] = c.reply
			mu.Unlock()
			leaks = append(leaks, sub.Endpoint, sub.ID, string(raw), m.To)
			_, err := s.n.Notify(context.Background(), m)
			errs = append(errs, err)
			if err == nil {
				t.Fatal("got no error")
			}
			if got := notify.IsPermanent(err); got != c.permanent {
				t.Errorf("got permanent %v, want %v (%v)", got, c.permanent, err)
			}
			if !errors.Is(err, c.is) {
				t.Errorf("got %v, want it to wrap %v", err, c.is)
			}
			after, ok := pushmsg.RetryAfter(err)
			if after != c.retryAfter || ok != (c.retryAfter > 0) {
				t.Errorf("got retry after %s (%v), want %s", after, ok, c.retryAfter)
			}
			if c.retryAfter > 0 && !strings.Contains(err.Error(), "retry after "+c.retryAfter.String()) {
				t.Errorf("got reason %q, want it to say retry after %s", err, c.retryAfter)
			}
		})
	}
	if got := s.log.Count(logrus.ErrorLevel, "VAPID"); got != 1 {
		t.Errorf("got %d VAPID alerts for two refusals, want 1", got)
	}
	notifytest.AssertNoLeak(t, []string{s.private}, leaks, errs, s.log.String())
}

func TestNotifyRefusesUnusableDevices(t *testing.T) {
	s := newSetup(t, "mailto:security@example.org")
	_, raw, m := s.device(t)
	var sub map[string]any
	_ = json.Unmarshal(raw, &sub)
	with := func(f func(map[string]any)) string {
		c := map[string]any{}
		b, _ := json.Marshal(sub)
		_ = json.Unmarshal(b, &c)
		f(c)
		out, _ := json.Marshal(c)
		return pushmsg.Device{Platform: "webpush", Subscription: out}.Address()
	}
	cases := []struct{ name, to string }{
		{"plain http endpoint", with(func(c map[string]any) { c["endpoint"] = "http://push.example.org/x" })},
		{"no endpoint", with(func(c map[string]any) { delete(c, "endpoint") })},
		{"short p256dh", with(func(c map[string]any) {
			c["keys"] = map[string]string{"p256dh": "BAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}
		})},
		{"no keys", with(func(c map[string]any) { delete(c, "keys") })},
		{"apns token", `{"platform":"apns","token":"abcdef"}`},
		{"not a device", "someone@example.org"},
	}
	var errs []error
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := *m
			m.To = c.to
			_, err := s.n.Notify(context.Background(), &m)
			errs = append(errs, err)
			if !notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrInvalidDevice) {
				t.Errorf("got %v, want a permanent failure wrapping ErrInvalidDevice", err)
			}
		})
	}
	if got := len(s.fake.Received()) + len(s.fake.Problems()); got != 0 {
		t.Errorf("got %d requests at the push service, want 0", got)
	}
	notifytest.AssertNoLeak(t, []string{s.private}, []string{"someone@example.org", "push.example.org"}, errs, s.log.String())
}

func TestNotifyConnectionRefusedIsTemporary(t *testing.T) {
	s := newSetup(t, "mailto:security@example.org")
	sub, _, m := s.device(t)
	s.fake.Server.Close()
	_, err := s.n.Notify(context.Background(), m)
	if err == nil || notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrUnavailable) {
		t.Fatalf("got %v, want a temporary failure wrapping ErrUnavailable", err)
	}
	notifytest.AssertNoLeak(t, []string{s.private}, []string{sub.Endpoint, sub.ID}, []error{err}, s.log.String())
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	priv, pub, _ := wp.GenerateVAPIDKeys()
	otherPriv, _, _ := wp.GenerateVAPIDKeys()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", priv)
	cases := []struct {
		name string
		cfg  webpush.Config
		want string
	}{
		{"no public key", webpush.Config{VAPIDPrivateKeyFile: good, Subject: "mailto:a@example.org"}, "channels.push.webpush.vapid_public_key: is required"},
		{"bad public key", webpush.Config{VAPIDPublicKey: "AAAA", VAPIDPrivateKeyFile: good, Subject: "mailto:a@example.org"}, "channels.push.webpush.vapid_public_key: must be an uncompressed P-256"},
		{"no key file", webpush.Config{VAPIDPublicKey: pub, Subject: "mailto:a@example.org"}, "channels.push.webpush.vapid_private_key_file: is required"},
		{"no subject", webpush.Config{VAPIDPublicKey: pub, VAPIDPrivateKeyFile: good}, "channels.push.webpush.subject: is required"},
		{"bare address subject", webpush.Config{VAPIDPublicKey: pub, VAPIDPrivateKeyFile: good, Subject: "a@example.org"}, "channels.push.webpush.subject: must start with mailto: or https://"},
		{"negative ttl", webpush.Config{VAPIDPublicKey: pub, VAPIDPrivateKeyFile: good, Subject: "mailto:a@example.org", TTL: -time.Second}, "channels.push.webpush.ttl:"},
		{"missing key file", webpush.Config{VAPIDPublicKey: pub, VAPIDPrivateKeyFile: filepath.Join(dir, "nope"), Subject: "mailto:a@example.org"}, "channels.push.webpush.vapid_private_key_file: read"},
		{"key of another pair", webpush.Config{VAPIDPublicKey: pub, VAPIDPrivateKeyFile: write("other", otherPriv), Subject: "mailto:a@example.org"}, "does not match channels.push.webpush.vapid_public_key"},
		{"key not base64url", webpush.Config{VAPIDPublicKey: pub, VAPIDPrivateKeyFile: write("pem", "-----BEGIN EC PRIVATE KEY-----\nxx\n"), Subject: "mailto:a@example.org"}, "vapid_private_key_file: must hold the raw 32-byte private key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := webpush.New(c.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			notifytest.AssertNoLeak(t, []string{priv, otherPriv}, nil, []error{err}, "")
		})
	}
}

// Without a configured client, endpoints inside the network are refused:
// subscriptions come from browsers, and anyone could register one that
// points at an internal service.
func TestNotifyRefusesEndpointsThatAreNotPublic(t *testing.T) {
	s := newSetup(t, "mailto:security@example.org")
	cfg := s.cfg
	cfg.HTTPClient = nil
	n, err := webpush.New(cfg, s.log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	sub, _, m := s.device(t) // https://127.0.0.1:<port>/…
	_, err = n.Notify(context.Background(), m)
	if !notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrNotPublic) || !errors.Is(err, pushmsg.ErrInvalidDevice) {
		t.Fatalf("got %v, want a permanent ErrNotPublic that deactivates the device", err)
	}
	if got := len(s.fake.Received()) + len(s.fake.Problems()); got != 0 {
		t.Errorf("got %d requests at the endpoint, want 0", got)
	}
	notifytest.AssertNoLeak(t, []string{s.private}, []string{sub.Endpoint, "127.0.0.1"}, []error{err}, s.log.String())
}
