package apns_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/notify/push/apns"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/notify/push/pushtest"
)

const (
	keyID  = "ABC123DEFG"
	teamID = "DEF123GHIJ"
	topic  = "org.example.breach"
)

var clock = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

type setup struct {
	fake *pushtest.APNs
	cfg  apns.Config
	key  string
	log  *notifytest.Log
	n    *apns.Notifier
}

func newSetup(t *testing.T) *setup {
	t.Helper()
	fake, err := pushtest.NewAPNs(t, keyID, teamID, topic)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "AuthKey.p8")
	if err := os.WriteFile(keyFile, fake.KeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A leak of the key would show a line of its PEM.
	s := &setup{fake: fake, key: strings.Split(string(fake.KeyPEM()), "\n")[2], log: notifytest.NewLog()}
	s.cfg = apns.Config{
		KeyFile: keyFile, KeyID: keyID, TeamID: teamID, Topic: topic, BaseURL: fake.Server.URL,
		Content:    pushmsg.Content{NoticeURL: "https://status.example.org/notices/{reference}"},
		HTTPClient: fake.Client(),
		Now:        func() time.Time { return clock },
	}
	if s.n, err = apns.New(s.cfg, s.log.Entry); err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.n.Close() })
	return s
}

func message(token string) *notify.Message {
	return &notify.Message{
		Key: "INC-2026-0042/u-17/push/1/d0", IncidentID: "INC-2026-0042", SubjectID: "u-17", Channel: notify.ChannelPush,
		To:      pushmsg.Device{Platform: pushmsg.PlatformAPNs, Token: token}.Address(),
		ToName:  "Ada Lovelace",
		Subject: "Important security notice", Text: "Seestar Store has sent you an important security notice (ref. INC-2026-0042).",
	}
}

func token(i int) string {
	return strings.Repeat("0123456789abcdef", 4)[:62] + string("0123456789abcdef"[i%16]) + "f"
}

func TestNotifyOverHTTP2WithProviderToken(t *testing.T) {
	s := newSetup(t)
	m := message(token(1))
	id, err := s.n.Notify(context.Background(), m)
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if p := s.fake.Problems(); len(p) > 0 {
		t.Fatalf("apns found problems: %v", p)
	}
	if !strings.HasPrefix(id, "00000000-0000-4000-8000-") {
		t.Errorf("got id %q, want the apns-id", id)
	}
	got := s.fake.Received()
	if len(got) != 1 {
		t.Fatalf("got %d pushes, want 1", len(got))
	}
	want := map[string]any{
		"aps": map[string]any{
			"alert": map[string]any{"title": "Important security notice", "body": m.Text},
			"sound": "default",
		},
		"kind": "breach.notice", "reference": "INC-2026-0042", "url": "https://status.example.org/notices/INC-2026-0042",
	}
	if d := cmp.Diff(want, got[0].Payload); d != "" {
		t.Errorf("payload (-want +got):\n%s", d)
	}
	if want := clock.Add(pushmsg.DefaultTTL).Unix(); got[0].Expiration != want {
		t.Errorf("got apns-expiration %d, want %d", got[0].Expiration, want)
	}
	if got[0].Priority != "10" || got[0].CollapseID == "" {
		t.Errorf("got priority %q collapse id %q, want 10 and a collapse id", got[0].Priority, got[0].CollapseID)
	}
}

func TestNotifyClassifiesReasons(t *testing.T) {
	cases := []struct {
		name      string
		reply     pushtest.Reply
		permanent bool
		is        error
	}{
		{"unregistered", pushtest.Reply{Status: 410, Reason: "Unregistered"}, true, pushmsg.ErrDeviceGone},
		{"bad device token", pushtest.Reply{Status: 400, Reason: "BadDeviceToken"}, true, pushmsg.ErrDeviceGone},
		{"token not for topic", pushtest.Reply{Status: 400, Reason: "DeviceTokenNotForTopic"}, true, pushmsg.ErrRejected},
		{"topic disallowed", pushtest.Reply{Status: 400, Reason: "TopicDisallowed"}, true, pushmsg.ErrRejected},
		{"payload too large", pushtest.Reply{Status: 413, Reason: "PayloadTooLarge"}, true, pushmsg.ErrRejected},
		{"too many requests", pushtest.Reply{Status: 429, Reason: "TooManyRequests"}, false, pushmsg.ErrThrottled},
		{"internal server error", pushtest.Reply{Status: 500, Reason: "InternalServerError"}, false, pushmsg.ErrUnavailable},
		{"service unavailable", pushtest.Reply{Status: 503, Reason: "ServiceUnavailable"}, false, pushmsg.ErrUnavailable},
		{"shutdown", pushtest.Reply{Status: 503, Reason: "Shutdown"}, false, pushmsg.ErrUnavailable},
		{"expired provider token", pushtest.Reply{Status: 403, Reason: "ExpiredProviderToken"}, false, pushmsg.ErrCredentials},
		{"invalid provider token", pushtest.Reply{Status: 403, Reason: "InvalidProviderToken"}, false, pushmsg.ErrCredentials},
	}
	s := newSetup(t)
	var mu sync.Mutex
	replies := map[string]pushtest.Reply{}
	s.fake.Reply = func(tok string, n int) pushtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		return replies[tok]
	}
	var errs []error
	var tokens []string
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok := token(i)
			tokens = append(tokens, tok)
			mu.Lock()
			replies[tok] = c.reply
			mu.Unlock()
			_, err := s.n.Notify(context.Background(), message(tok))
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
			var de *notify.DeliveryError
			if errors.As(err, &de) && de.Code != c.reply.Reason {
				t.Errorf("got code %q, want Apple's reason %q", de.Code, c.reply.Reason)
			}
		})
	}
	if p := s.fake.Problems(); len(p) > 0 {
		t.Errorf("apns found problems: %v", p)
	}
	if got := s.log.Count(logrus.ErrorLevel, "provider token"); got != 1 {
		t.Errorf("got %d provider token alerts for two refusals, want 1", got)
	}
	notifytest.AssertNoLeak(t, []string{s.key}, tokens, errs, s.log.String())
}

func TestNotifyRefusesBadTokensWithoutSending(t *testing.T) {
	s := newSetup(t)
	cases := map[string]string{
		"not hex":        `{"platform":"apns","token":"../../3/device/x"}`,
		"fcm device":     `{"platform":"fcm","token":"abc:def"}`,
		"no token":       `{"platform":"apns"}`,
		"e-mail address": "someone@example.org",
	}
	var errs []error
	for name, to := range cases {
		t.Run(name, func(t *testing.T) {
			m := message("")
			m.To = to
			_, err := s.n.Notify(context.Background(), m)
			errs = append(errs, err)
			if !notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrInvalidDevice) {
				t.Errorf("got %v, want a permanent failure wrapping ErrInvalidDevice", err)
			}
		})
	}
	if n := len(s.fake.Received()) + len(s.fake.Problems()); n != 0 {
		t.Errorf("got %d requests at apns, want 0", n)
	}
	notifytest.AssertNoLeak(t, []string{s.key}, []string{"someone@example.org", "abc:def"}, errs, s.log.String())
}

func TestNotifyConnectionRefusedIsTemporary(t *testing.T) {
	s := newSetup(t)
	s.fake.Server.Close()
	tok := token(3)
	_, err := s.n.Notify(context.Background(), message(tok))
	if err == nil || notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrUnavailable) {
		t.Fatalf("got %v, want a temporary failure wrapping ErrUnavailable", err)
	}
	notifytest.AssertNoLeak(t, []string{s.key}, []string{tok}, []error{err}, s.log.String())
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	notKey := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(notKey, []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := apns.Config{KeyFile: notKey, KeyID: keyID, TeamID: teamID, Topic: topic}
	with := func(f func(*apns.Config)) apns.Config { c := good; f(&c); return c }
	cases := []struct {
		name string
		cfg  apns.Config
		want string
	}{
		{"no key file", with(func(c *apns.Config) { c.KeyFile = "" }), "channels.push.apns.key_file: is required"},
		{"no key id", with(func(c *apns.Config) { c.KeyID = "" }), "channels.push.apns.key_id: is required"},
		{"short key id", with(func(c *apns.Config) { c.KeyID = "ABC" }), "channels.push.apns.key_id: must be the ten-character key id"},
		{"no team id", with(func(c *apns.Config) { c.TeamID = "" }), "channels.push.apns.team_id: is required"},
		{"no topic", with(func(c *apns.Config) { c.Topic = "" }), "channels.push.apns.topic: is required"},
		{"remote http base url", with(func(c *apns.Config) { c.BaseURL = "http://apns.example.org" }), "channels.push.apns.base_url: http would send"},
		{"ttl beyond 28 days", with(func(c *apns.Config) { c.TTL = 30 * 24 * time.Hour }), "channels.push.apns.ttl:"},
		{"missing key file", with(func(c *apns.Config) { c.KeyFile = filepath.Join(dir, "nope.p8") }), "channels.push.apns.key_file: read"},
		{"certificate instead of key", good, "channels.push.apns.key_file: " + notKey + " must be the .p8 signing key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := apns.New(c.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}
