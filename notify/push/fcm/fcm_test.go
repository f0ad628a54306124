package fcm_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/notify/push/fcm"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/notify/push/pushtest"
)

const project = "seestar-store-app"

var clock = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

type setup struct {
	fake  *pushtest.FCM
	cfg   fcm.Config
	creds string
	log   *notifytest.Log
	n     *fcm.Notifier
}

func newSetup(t *testing.T, tokenURLInFile bool) *setup {
	t.Helper()
	fake, err := pushtest.NewFCM(t, project)
	if err != nil {
		t.Fatal(err)
	}
	creds := fake.CredentialsJSON()
	s := &setup{fake: fake, creds: keyLine(t, creds), log: notifytest.NewLog()}
	if !tokenURLInFile {
		creds = []byte(strings.Replace(string(creds), fake.TokenURL(), "https://oauth2.googleapis.com/token", 1))
	}
	file := filepath.Join(t.TempDir(), "service-account.json")
	if err := os.WriteFile(file, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	s.cfg = fcm.Config{
		CredentialsFile: file, ProjectID: project, BaseURL: fake.Server.URL,
		Content: pushmsg.Content{NoticeURL: "https://status.example.org/notices/{reference}"},
		Now:     func() time.Time { return clock },
	}
	if !tokenURLInFile {
		s.cfg.TokenURL = fake.TokenURL()
	}
	if s.n, err = fcm.New(s.cfg, s.log.Entry); err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// keyLine returns one line from the middle of the private key of a
// credentials file: what a leak of the key would show.
func keyLine(t *testing.T, creds []byte) string {
	t.Helper()
	var f struct {
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal(creds, &f); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(f.PrivateKey, "\n")
	if len(lines) < 5 {
		t.Fatalf("got a private key of %d lines", len(lines))
	}
	return lines[3]
}

func message(token string) *notify.Message {
	return &notify.Message{
		Key: "INC-2026-0042/u-17/push/1/d0", IncidentID: "INC-2026-0042", SubjectID: "u-17", Channel: notify.ChannelPush,
		To:      pushmsg.Device{Platform: pushmsg.PlatformFCM, Token: token}.Address(),
		ToName:  "Ada Lovelace",
		Subject: "Important security notice", Text: "Seestar Store has sent you an important security notice (ref. INC-2026-0042).",
	}
}

func token(i int) string {
	return "dGVzdC1kZXZpY2Ut" + string(rune('a'+i)) + ":APA91bH" + strings.Repeat("x", 120)
}

func TestNotifySendsV1MessageWithOAuth2(t *testing.T) {
	for _, c := range []struct {
		name   string
		inFile bool
	}{{"token_uri of the credentials file", true}, {"token_url setting", false}} {
		t.Run(c.name, func(t *testing.T) {
			s := newSetup(t, c.inFile)
			for i := range 3 {
				m := message(token(i))
				id, err := s.n.Notify(context.Background(), m)
				if err != nil {
					t.Fatalf("Notify: %v", err)
				}
				if !strings.HasPrefix(id, "projects/"+project+"/messages/0:") {
					t.Errorf("got id %q, want FCM's message name", id)
				}
			}
			if p := s.fake.Problems(); len(p) > 0 {
				t.Fatalf("fcm found problems: %v", p)
			}
			if got := s.fake.TokensIssued(); got != 1 {
				t.Errorf("got %d access tokens fetched for 3 sends, want 1 (reused)", got)
			}
			got := s.fake.Received()
			if len(got) != 3 {
				t.Fatalf("got %d messages, want 3", len(got))
			}
			want := pushtest.FCMMessage{
				"token":        token(0),
				"notification": map[string]any{"title": "Important security notice", "body": message("").Text},
				"data":         map[string]any{"kind": "breach.notice", "reference": "INC-2026-0042", "url": "https://status.example.org/notices/INC-2026-0042"},
				"android":      map[string]any{"priority": "HIGH", "ttl": "86400s", "collapse_key": got[0]["android"].(map[string]any)["collapse_key"]},
				"apns": map[string]any{"headers": map[string]any{
					"apns-priority": "10", "apns-expiration": strconv.FormatInt(clock.Add(24*time.Hour).Unix(), 10),
					"apns-collapse-id": got[0]["android"].(map[string]any)["collapse_key"],
				}},
				"webpush": map[string]any{
					"headers":     map[string]any{"TTL": "86400", "Urgency": "high", "Topic": got[0]["android"].(map[string]any)["collapse_key"]},
					"fcm_options": map[string]any{"link": "https://status.example.org/notices/INC-2026-0042"},
				},
			}
			if d := cmp.Diff(want, got[0]); d != "" {
				t.Errorf("message (-want +got):\n%s", d)
			}
		})
	}
}

func TestNotifyClassifiesFCMErrors(t *testing.T) {
	cases := []struct {
		name       string
		reply      pushtest.Reply
		permanent  bool
		is         error
		retryAfter time.Duration
	}{
		{"unregistered", pushtest.Reply{Reason: "UNREGISTERED"}, true, pushmsg.ErrDeviceGone, 0},
		{"invalid token", pushtest.Reply{Reason: "INVALID_ARGUMENT"}, true, pushmsg.ErrInvalidDevice, 0},
		{"invalid payload", pushtest.Reply{Reason: "INVALID_ARGUMENT", Field: "message.android.ttl"}, true, pushmsg.ErrRejected, 0},
		{"sender id mismatch", pushtest.Reply{Reason: "SENDER_ID_MISMATCH"}, true, pushmsg.ErrRejected, 0},
		{"quota exceeded with retry-after", pushtest.Reply{Reason: "QUOTA_EXCEEDED", RetryAfter: "60"}, false, pushmsg.ErrThrottled, time.Minute},
		{"quota exceeded", pushtest.Reply{Reason: "QUOTA_EXCEEDED"}, false, pushmsg.ErrThrottled, 0},
		{"unavailable with retry-after", pushtest.Reply{Reason: "UNAVAILABLE", RetryAfter: "Fri, 20 Nov 2026 10:00:30 GMT"}, false, pushmsg.ErrUnavailable, 30 * time.Second},
		{"internal", pushtest.Reply{Reason: "INTERNAL"}, false, pushmsg.ErrUnavailable, 0},
		{"third party auth", pushtest.Reply{Reason: "THIRD_PARTY_AUTH_ERROR"}, false, pushmsg.ErrCredentials, 0},
	}
	s := newSetup(t, true)
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
				t.Errorf("got code %q, want FCM's errorCode %q", de.Code, c.reply.Reason)
			}
			if after, _ := pushmsg.RetryAfter(err); after != c.retryAfter {
				t.Errorf("got retry after %s, want %s", after, c.retryAfter)
			}
		})
	}
	if p := s.fake.Problems(); len(p) > 0 {
		t.Errorf("fcm found problems: %v", p)
	}
	notifytest.AssertNoLeak(t, []string{s.creds, "ya29.fake-1"}, tokens, errs, s.log.String())
}

func TestNotifyRefetchesARevokedAccessToken(t *testing.T) {
	s := newSetup(t, true)
	if _, err := s.n.Notify(context.Background(), message(token(0))); err != nil {
		t.Fatalf("first Notify: %v", err)
	}
	s.fake.RevokeTokens()
	_, err := s.n.Notify(context.Background(), message(token(1)))
	if err == nil || notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrCredentials) {
		t.Fatalf("got %v, want a temporary credentials failure", err)
	}
	if _, err := s.n.Notify(context.Background(), message(token(1))); err != nil {
		t.Fatalf("Notify after the refusal: %v, want a new token to be fetched", err)
	}
	if got := s.fake.TokensIssued(); got != 2 {
		t.Errorf("got %d tokens issued, want 2", got)
	}
	if got := s.log.Count(logrus.InfoLevel, "accepts notices again"); got != 1 {
		t.Errorf("got %d recovery lines, want 1", got)
	}
	notifytest.AssertNoLeak(t, []string{s.creds, "ya29.fake-1", "ya29.fake-2"}, []string{token(0), token(1)}, []error{err}, s.log.String())
}

func TestNotifyTokenEndpointRefusalIsTemporaryAndLoggedOnce(t *testing.T) {
	s := newSetup(t, true)
	other, err := pushtest.NewFCM(t, project) // signs with another key
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "wrong-key.json")
	creds := strings.Replace(string(other.CredentialsJSON()), other.TokenURL(), s.fake.TokenURL(), 1)
	creds = strings.Replace(creds, other.ClientEmail, s.fake.ClientEmail, 1)
	if err := os.WriteFile(file, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := s.cfg
	cfg.CredentialsFile = file
	n, err := fcm.New(cfg, s.log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for i := range 2 {
		_, err := n.Notify(context.Background(), message(token(i)))
		errs = append(errs, err)
		if err == nil || notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrCredentials) {
			t.Fatalf("got %v, want a temporary credentials failure", err)
		}
	}
	if got := s.log.Count(logrus.ErrorLevel, "refused the service account"); got != 1 {
		t.Errorf("got %d alerts for two refusals, want 1", got)
	}
	if got := len(s.fake.Received()); got != 0 {
		t.Errorf("got %d messages sent without a token, want 0", got)
	}
	notifytest.AssertNoLeak(t, []string{keyLine(t, []byte(creds))}, []string{token(0), token(1)}, errs, s.log.String())
}

func TestNotifyConnectionRefusedIsTemporary(t *testing.T) {
	s := newSetup(t, true)
	if _, err := s.n.Notify(context.Background(), message(token(0))); err != nil {
		t.Fatal(err)
	}
	s.fake.Server.Close()
	_, err := s.n.Notify(context.Background(), message(token(1)))
	if err == nil || notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrUnavailable) {
		t.Fatalf("got %v, want a temporary failure wrapping ErrUnavailable", err)
	}
	notifytest.AssertNoLeak(t, []string{s.creds, "ya29.fake-1"}, []string{token(1)}, []error{err}, s.log.String())
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	userCreds := write("user.json", `{"type":"authorized_user","client_id":"x","client_secret":"s3cret-value","refresh_token":"r"}`)
	noKey := write("nokey.json", `{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com","private_key":"not a pem s3cret-value"}`)
	cases := []struct {
		name string
		cfg  fcm.Config
		want string
	}{
		{"no project", fcm.Config{CredentialsFile: userCreds}, "channels.push.fcm.project_id: is required"},
		{"bad project", fcm.Config{CredentialsFile: userCreds, ProjectID: "Seestar Store"}, "channels.push.fcm.project_id: must be a project id"},
		{"no credentials", fcm.Config{ProjectID: project}, "channels.push.fcm.credentials_file: is required"},
		{"remote http base url", fcm.Config{CredentialsFile: userCreds, ProjectID: project, BaseURL: "http://fcm.example.org"}, "channels.push.fcm.base_url: http would send"},
		{"token url with a password", fcm.Config{CredentialsFile: userCreds, ProjectID: project, TokenURL: "https://u:p@oauth.example.org/token"}, "channels.push.fcm.token_url: must not carry"},
		{"missing file", fcm.Config{CredentialsFile: filepath.Join(dir, "nope.json"), ProjectID: project}, "channels.push.fcm.credentials_file: read"},
		{"user credentials", fcm.Config{CredentialsFile: userCreds, ProjectID: project}, "must be a service account key"},
		{"no private key", fcm.Config{CredentialsFile: noKey, ProjectID: project}, "has no RSA private_key in PEM"},
		{"not json", fcm.Config{CredentialsFile: write("bad.json", "s3cret-value"), ProjectID: project}, "is not a JSON key file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := fcm.New(c.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			notifytest.AssertNoLeak(t, []string{"s3cret-value"}, nil, []error{err}, "")
		})
	}
}
