package pushmsg_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/notify/push/pushmsg"
)

const sub = `{"endpoint":"https://push.example.org/wpush/v2/abc","expirationTime":null,"keys":{"p256dh":"BXYZ","auth":"QUJD"}}`

func TestParse(t *testing.T) {
	cases := []struct {
		name string
		to   string
		want pushmsg.Device
	}{
		{"apns json", `{"platform":"apns","token":"a1b2c3"}`, pushmsg.Device{Platform: "apns", Token: "a1b2c3"}},
		{"fcm json with spaces", ` {"platform":"FCM","token":" tok:APA91 "} `, pushmsg.Device{Platform: "fcm", Token: "tok:APA91"}},
		{"webpush json", `{"platform":"webpush","subscription":` + sub + `}`, pushmsg.Device{Platform: "webpush", Subscription: json.RawMessage(sub)}},
		{"unknown fields ignored", `{"platform":"apns","token":"a1","app":"org.example","last_seen":"2026-11-01"}`, pushmsg.Device{Platform: "apns", Token: "a1"}},
		{"planner short form apns", "apns:a1b2c3", pushmsg.Device{Platform: "apns", Token: "a1b2c3"}},
		{"planner short form fcm keeps colons", "fcm:tok:APA91bH", pushmsg.Device{Platform: "fcm", Token: "tok:APA91bH"}},
		{"planner short form webpush", "webpush:" + sub, pushmsg.Device{Platform: "webpush", Subscription: json.RawMessage(sub)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := pushmsg.Parse(c.to)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("device (-want +got):\n%s", d)
			}
			again, err := pushmsg.Parse(got.Address())
			if err != nil || !cmp.Equal(again, got) {
				t.Errorf("Address does not read back: got %+v, %v", again, err)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	cases := map[string]string{
		"empty":                  "  ",
		"e-mail address":         "ada@example.org",
		"phone number":           "+447700900123",
		"unknown platform":       `{"platform":"blackberry","token":"ada-pin"}`,
		"no platform":            `{"token":"ada-token"}`,
		"apns without token":     `{"platform":"apns"}`,
		"webpush without sub":    `{"platform":"webpush","token":"ada-token"}`,
		"webpush sub not json":   "webpush:{ada",
		"broken json":            `{"platform":"apns","token":"ada-token"`,
		"longer than the bounds": "apns:" + strings.Repeat("a", pushmsg.MaxAddressBytes),
	}
	var errs []error
	for name, to := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := pushmsg.Parse(to)
			errs = append(errs, err)
			if !errors.Is(err, pushmsg.ErrInvalidDevice) {
				t.Errorf("got %v, want ErrInvalidDevice", err)
			}
		})
	}
	notifytest.AssertNoLeak(t, nil, []string{"ada"}, errs, "")
}

func TestBuild(t *testing.T) {
	content := pushmsg.Content{NoticeURL: "https://status.example.org/notices/{reference}", Organization: "Seestar Store"}
	base := notify.Message{
		IncidentID: "INC-2026-0042", SubjectID: "u-17", ToName: "Ada Lovelace", VerificationCode: "K7Q-2MX",
		Subject: "Wichtiger Sicherheitshinweis", Text: "Seestar Store hat Ihnen einen Sicherheitshinweis gesendet (Ref. INC-2026-0042).",
	}
	generic := pushmsg.Payload{
		Title: "Important security notice from Seestar Store", Body: "Please read security notice INC-2026-0042.",
		Reference: "INC-2026-0042", URL: "https://status.example.org/notices/INC-2026-0042",
	}
	rendered := generic
	rendered.Title, rendered.Body = base.Subject, base.Text
	cases := []struct {
		name    string
		edit    func(*notify.Message)
		content pushmsg.Content
		want    pushmsg.Payload
	}{
		{"rendered push text kept", func(*notify.Message) {}, content, rendered},
		{"no rendered text", func(m *notify.Message) { m.Subject, m.Text = "", "" }, content, generic},
		{"text shows the name", func(m *notify.Message) { m.Text = "Dear ada lovelace, read this." }, content, generic},
		{"text shows the subject id", func(m *notify.Message) { m.Text = "Notice for u-17" }, content, generic},
		{"text shows the code", func(m *notify.Message) { m.Subject = "Code K7Q-2MX" }, content, generic},
		{"no link configured", func(m *notify.Message) { m.Subject = "" }, pushmsg.Content{}, pushmsg.Payload{
			Title: "Important security notice", Body: "Please read security notice INC-2026-0042.", Reference: "INC-2026-0042"}},
		{"reference escaped in the link", func(m *notify.Message) { m.IncidentID = "INC 1/2"; m.Text = "" }, content, pushmsg.Payload{
			Title: "Important security notice from Seestar Store", Body: "Please read security notice INC 1/2.",
			Reference: "INC 1/2", URL: "https://status.example.org/notices/INC%201%2F2"}},
		{"folded to one line", func(m *notify.Message) { m.Subject = "Important\n\tnotice  " }, content, pushmsg.Payload{
			Title: "Important notice", Body: base.Text, Reference: "INC-2026-0042", URL: generic.URL}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := base
			c.edit(&m)
			got, err := pushmsg.Build(&m, c.content)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got.Collapse == "" || len(got.Collapse) > 32 {
				t.Errorf("got collapse key %q, want 1 to 32 characters", got.Collapse)
			}
			got.Collapse = ""
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("payload (-want +got):\n%s", d)
			}
		})
	}
	if _, err := pushmsg.Build(&notify.Message{Text: "x"}, content); err == nil {
		t.Error("got no error for a message without reference")
	}
}

func TestBuildClipsLongText(t *testing.T) {
	m := &notify.Message{IncidentID: "INC-1", Subject: strings.Repeat("標", 500), Text: strings.Repeat("é", 1000)}
	p, err := pushmsg.Build(m, pushmsg.Content{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(p.Title)); n != pushmsg.MaxTitle {
		t.Errorf("got a title of %d characters, want %d", n, pushmsg.MaxTitle)
	}
	if n := len([]rune(p.Body)); n != pushmsg.MaxBody || !strings.HasSuffix(p.Body, "…") {
		t.Errorf("got a body of %d characters, want %d ending in …", n, pushmsg.MaxBody)
	}
	if n := len(p.JSON()); n > 3000 {
		t.Errorf("got a Web Push payload of %d bytes, want it well under the 3993-byte record limit", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 7 ", 7 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"86400", pushmsg.MaxRetryAfter},
		{"Fri, 20 Nov 2026 10:01:30 GMT", 90 * time.Second},
		{"Fri, 20 Nov 2026 09:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, c := range cases {
		if got := pushmsg.ParseRetryAfter(c.in, now); got != c.want {
			t.Errorf("ParseRetryAfter(%q): got %s, want %s", c.in, got, c.want)
		}
	}
}

func TestTemporaryCarriesRetryAfter(t *testing.T) {
	err := pushmsg.Temporary("http-429", "throttled", 90*time.Second, pushmsg.ErrThrottled)
	if notify.IsPermanent(err) || !errors.Is(err, pushmsg.ErrThrottled) {
		t.Errorf("got %v, want a temporary failure wrapping ErrThrottled", err)
	}
	if after, ok := pushmsg.RetryAfter(err); !ok || after != 90*time.Second {
		t.Errorf("got retry after %s %v, want 1m30s", after, ok)
	}
	if want := "temporary delivery failure http-429: throttled; retry after 1m30s"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	// The notify worker cannot import this package: it finds the delay
	// through an interface.
	var delayed interface{ RetryDelay() time.Duration }
	if !errors.As(err, &delayed) || delayed.RetryDelay() != 90*time.Second {
		t.Errorf("errors.As found no RetryDelay of 1m30s in %v", err)
	}
	if _, ok := pushmsg.RetryAfter(pushmsg.Temporary("", "x", 0, pushmsg.ErrUnavailable)); ok {
		t.Error("got a retry-after for a failure without one")
	}
}

func TestCheckBaseURL(t *testing.T) {
	cases := map[string]bool{
		"https://fcm.googleapis.com":      true,
		"https://api.push.apple.com/":     true,
		"http://127.0.0.1:8080":           true,
		"http://localhost:9":              true,
		"http://fcm.example.org":          false,
		"https://u:p@fcm.googleapis.com":  false,
		"https://fcm.googleapis.com/?a=b": false,
		"fcm.googleapis.com":              false,
		"ftp://fcm.googleapis.com":        false,
	}
	for in, ok := range cases {
		err := pushmsg.CheckBaseURL("channels.push.fcm.base_url", in)
		if (err == nil) != ok {
			t.Errorf("CheckBaseURL(%q): got %v, want ok %v", in, err, ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "channels.push.fcm.base_url: ") {
			t.Errorf("got %q, want it to name the key", err)
		}
	}
}

func TestAlertsLogOnceUntilOK(t *testing.T) {
	log := notifytest.NewLog()
	a := pushmsg.Alerts{Log: log.Entry}
	a.Alert("vapid", nil, "vapid refused")
	a.Alert("vapid", nil, "vapid refused")
	a.OK()
	a.OK()
	a.Alert("vapid", nil, "vapid refused")
	if got := strings.Count(log.String(), "vapid refused"); got != 2 {
		t.Errorf("got %d alert lines, want 2 (once before OK, once after)", got)
	}
	if got := strings.Count(log.String(), "accepts notices again"); got != 1 {
		t.Errorf("got %d recovery lines, want 1", got)
	}
}

func TestIsPublic(t *testing.T) {
	cases := map[string]bool{
		"142.250.185.74": true, "2a00:1450:4001:82b::200a": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "fd00::1": false, "fe80::1": false,
		"224.0.0.1": false, "::ffff:10.0.0.1": false,
	}
	for in, want := range cases {
		if got := pushmsg.IsPublic(netip.MustParseAddr(in)); got != want {
			t.Errorf("IsPublic(%s): got %v, want %v", in, got, want)
		}
	}
}
