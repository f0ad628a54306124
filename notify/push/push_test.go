package push_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	wp "github.com/SherClockHolmes/webpush-go"
	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"
	"go.yaml.in/yaml/v3"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/notify/push"
	"github.com/breach-notify/breach/notify/push/apns"
	"github.com/breach-notify/breach/notify/push/fcm"
	"github.com/breach-notify/breach/notify/push/pushtest"
)

var clock = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// fakes is one fake per platform and the configuration pointing at them.
type fakes struct {
	web     *pushtest.WebPush
	fcm     *pushtest.FCM
	apns    *pushtest.APNs
	cfg     push.Config
	secrets []string
}

func newFakes(tb testing.TB) *fakes {
	tb.Helper()
	dir := tb.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			tb.Fatal(err)
		}
		return p
	}
	f := &fakes{web: pushtest.NewWebPush(tb)}
	var err error
	if f.fcm, err = pushtest.NewFCM(tb, "seestar-store-app"); err != nil {
		tb.Fatal(err)
	}
	if f.apns, err = pushtest.NewAPNs(tb, "ABC123DEFG", "DEF123GHIJ", "org.example.breach"); err != nil {
		tb.Fatal(err)
	}
	priv, pub, err := wp.GenerateVAPIDKeys()
	if err != nil {
		tb.Fatal(err)
	}
	f.web.VAPIDPublicKey = pub
	f.secrets = []string{priv, strings.Split(string(f.apns.KeyPEM()), "\n")[2]}
	var creds struct {
		PrivateKey string `json:"private_key"`
	}
	_ = json.Unmarshal(f.fcm.CredentialsJSON(), &creds)
	f.secrets = append(f.secrets, strings.Split(creds.PrivateKey, "\n")[3])

	now := func() time.Time { return clock }
	f.cfg.NoticeURL = "https://status.example.org/notices/{reference}"
	f.cfg.Organization = "Seestar Store"
	f.cfg.WebPush.VAPIDPublicKey = pub
	f.cfg.WebPush.VAPIDPrivateKeyFile = write("vapid.key", []byte(priv))
	f.cfg.WebPush.Subject = "mailto:security@store.example"
	f.cfg.WebPush.HTTPClient = f.web.Client()
	f.cfg.WebPush.Now = now
	f.cfg.FCM.CredentialsFile = write("fcm.json", f.fcm.CredentialsJSON())
	f.cfg.FCM.ProjectID = "seestar-store-app"
	f.cfg.FCM.BaseURL = f.fcm.Server.URL
	f.cfg.FCM.Now = now
	f.cfg.APNs.KeyFile = write("AuthKey.p8", f.apns.KeyPEM())
	f.cfg.APNs.KeyID, f.cfg.APNs.TeamID, f.cfg.APNs.Topic = "ABC123DEFG", "DEF123GHIJ", "org.example.breach"
	f.cfg.APNs.BaseURL = f.apns.Server.URL
	f.cfg.APNs.HTTPClient = f.apns.Client()
	f.cfg.APNs.Now = now
	return f
}

// devices returns one device address per platform, in the canonical form,
// and the short form the planner writes for the Web Push one.
func (f *fakes) devices(tb testing.TB, i int) (web, webShort, fcmTo, apnsTo string) {
	tb.Helper()
	_, sub, err := f.web.Subscribe()
	if err != nil {
		tb.Fatal(err)
	}
	return push.DeviceAddress("webpush", "", sub), "webpush:" + string(sub),
		push.DeviceAddress("fcm", fmt.Sprintf("fcm-token-%d:APA91bH%s", i, strings.Repeat("x", 100)), nil),
		push.DeviceAddress("apns", fmt.Sprintf("%064x", i+1), nil)
}

func message(to string) *notify.Message {
	return &notify.Message{
		Key: "INC-2026-0042/u-17/push/1/d0", IncidentID: "INC-2026-0042", SubjectID: "u-17", Channel: notify.ChannelPush,
		To: to, ToName: "Ada Lovelace", Locale: "en",
		Subject: "Important security notice", Text: "Seestar Store has sent you an important security notice (ref. INC-2026-0042).",
	}
}

func TestNotifyRoutesEachDeviceToItsPlatform(t *testing.T) {
	f := newFakes(t)
	log := notifytest.NewLog()
	n, err := push.New(f.cfg, log.Entry)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer n.Close()
	if got, want := n.Platforms(), []string{"apns", "fcm", "webpush"}; !cmp.Equal(got, want) {
		t.Errorf("got platforms %v, want %v", got, want)
	}
	web, webShort, fcmTo, apnsTo := f.devices(t, 0)
	for _, to := range []string{web, webShort, fcmTo, apnsTo} {
		if _, err := n.Notify(context.Background(), message(to)); err != nil {
			t.Errorf("Notify: %v", err)
		}
	}
	for name, problems := range map[string][]string{"webpush": f.web.Problems(), "fcm": f.fcm.Problems(), "apns": f.apns.Problems()} {
		if len(problems) > 0 {
			t.Errorf("%s fake found problems: %v", name, problems)
		}
	}
	if got := []int{len(f.web.Received()), len(f.fcm.Received()), len(f.apns.Received())}; !cmp.Equal(got, []int{2, 1, 1}) {
		t.Errorf("got webpush, fcm, apns pushes %v, want [2 1 1]", got)
	}
	notifytest.AssertNoLeak(t, f.secrets, []string{web, fcmTo, apnsTo, "Ada Lovelace"}, nil, log.String())
}

// The payload is built in one place: every platform carries the same
// title, body, reference and link, and nothing else of the message.
func TestEveryPlatformCarriesTheSameGenericPayload(t *testing.T) {
	f := newFakes(t)
	n, err := push.New(f.cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	web, _, fcmTo, apnsTo := f.devices(t, 0)
	for _, to := range []string{web, fcmTo, apnsTo} {
		m := message(to)
		// A rendered text that shows the person's name is replaced by the
		// generic alert.
		m.Text = "Ada Lovelace, your order history was exposed."
		if _, err := n.Notify(context.Background(), m); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
	want := map[string]string{
		"title": "Important security notice from Seestar Store", "body": "Please read security notice INC-2026-0042.",
		"reference": "INC-2026-0042", "url": "https://status.example.org/notices/INC-2026-0042", "kind": "breach.notice",
	}
	var webGot map[string]string
	if err := json.Unmarshal(f.web.Received()[0].Payload, &webGot); err != nil {
		t.Fatal(err)
	}
	fm := f.fcm.Received()[0]
	fcmGot := map[string]string{}
	for k, v := range fm["notification"].(map[string]any) {
		fcmGot[k] = v.(string)
	}
	for k, v := range fm["data"].(map[string]any) {
		fcmGot[k] = v.(string)
	}
	ap := f.apns.Received()[0].Payload
	alert := ap["aps"].(map[string]any)["alert"].(map[string]any)
	apnsGot := map[string]string{"title": alert["title"].(string), "body": alert["body"].(string)}
	for _, k := range []string{"reference", "url", "kind"} {
		apnsGot[k] = ap[k].(string)
	}
	for name, got := range map[string]map[string]string{"webpush": webGot, "fcm": fcmGot, "apns": apnsGot} {
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s payload (-want +got):\n%s", name, d)
		}
	}
	all, _ := json.Marshal([]any{webGot, fm, ap})
	for _, private := range []string{"Ada", "u-17", "order history"} {
		if bytes.Contains(all, []byte(private)) {
			t.Errorf("a payload shows %q", private)
		}
	}
}

func TestDeviceGoneOnEveryPlatform(t *testing.T) {
	f := newFakes(t)
	f.web.Reply = func(string, int) pushtest.Reply { return pushtest.Reply{Status: http.StatusGone} }
	f.fcm.Reply = func(string, int) pushtest.Reply { return pushtest.Reply{Reason: "UNREGISTERED"} }
	f.apns.Reply = func(string, int) pushtest.Reply { return pushtest.Reply{Status: 410, Reason: "Unregistered"} }
	log := notifytest.NewLog()
	var gone []string
	f.cfg.OnDeviceGone = func(_ context.Context, m *notify.Message, cause error) error {
		if !errors.Is(cause, push.ErrDeviceGone) {
			t.Errorf("OnDeviceGone got %v, want ErrDeviceGone", cause)
		}
		gone = append(gone, m.SubjectID+" "+m.To)
		// A store error that quotes the device must not reach the log.
		return fmt.Errorf("store: deactivate %s: database is locked", m.To)
	}
	n, err := push.New(f.cfg, log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	web, _, fcmTo, apnsTo := f.devices(t, 0)
	var errs []error
	for _, to := range []string{web, fcmTo, apnsTo} {
		_, err := n.Notify(context.Background(), message(to))
		errs = append(errs, err)
		if !notify.IsPermanent(err) || !errors.Is(err, push.ErrDeviceGone) || !push.ShouldDeactivate(err) {
			t.Errorf("got %v, want a permanent failure wrapping ErrDeviceGone", err)
		}
	}
	if want := []string{"u-17 " + web, "u-17 " + fcmTo, "u-17 " + apnsTo}; !cmp.Equal(gone, want) {
		t.Errorf("OnDeviceGone got %d calls, want one per device in order", len(gone))
	}
	if got := log.Count(logrus.ErrorLevel, "cannot record a gone push device"); got != 3 {
		t.Errorf("got %d hook failures logged, want 3", got)
	}
	// A temporary failure keeps the device.
	f.fcm.Reply = func(string, int) pushtest.Reply { return pushtest.Reply{Reason: "UNAVAILABLE"} }
	if _, err := n.Notify(context.Background(), message(fcmTo)); push.ShouldDeactivate(err) || len(gone) != 3 {
		t.Errorf("got %v and %d deactivations, want a temporary failure and no call", err, len(gone))
	}
	notifytest.AssertNoLeak(t, f.secrets, []string{web, fcmTo, apnsTo}, errs, log.String())
}

func TestUnconfiguredPlatformKeepsTheDevice(t *testing.T) {
	f := newFakes(t)
	cfg := push.Config{WebPush: f.cfg.WebPush}
	log := notifytest.NewLog()
	n, err := push.New(cfg, log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, apnsTo := f.devices(t, 0)
	var errs []error
	for range 2 {
		_, err := n.Notify(context.Background(), message(apnsTo))
		errs = append(errs, err)
		if !notify.IsPermanent(err) || !errors.Is(err, push.ErrPlatformNotConfigured) || push.ShouldDeactivate(err) {
			t.Errorf("got %v, want a permanent ErrPlatformNotConfigured that keeps the device", err)
		}
	}
	if got := log.Count(logrus.ErrorLevel, "channels.push.apns is not configured"); got != 1 {
		t.Errorf("got %d alerts, want 1", got)
	}
	notifytest.AssertNoLeak(t, f.secrets, []string{apnsTo}, errs, log.String())
}

func TestInvalidAddressesAreDeactivated(t *testing.T) {
	f := newFakes(t)
	n, err := push.New(f.cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"unknown platform":        `{"platform":"blackberry","token":"abc"}`,
		"an e-mail address":       "ada@example.org",
		"webpush without keys":    `{"platform":"webpush","subscription":{"endpoint":"https://push.example.org/x"}}`,
		"apns token with a slash": `{"platform":"apns","token":"ab/cd"}`,
	}
	var errs []error
	for name, to := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := n.Notify(context.Background(), message(to))
			errs = append(errs, err)
			if !notify.IsPermanent(err) || !push.ShouldDeactivate(err) || errors.Is(err, push.ErrDeviceGone) {
				t.Errorf("got %v, want a permanent ErrInvalidDevice", err)
			}
		})
	}
	notifytest.AssertNoLeak(t, f.secrets, []string{"ada@example.org", "push.example.org", "ab/cd", "blackberry"}, errs, "")
}

// The YAML of channels.push decodes strictly into Config.
func TestConfigDecodesTheDocumentedYAML(t *testing.T) {
	const doc = `
notice_url: "https://status.example.org/notices/{reference}"
webpush: { vapid_public_key: "BPub", vapid_private_key_file: /etc/breach/vapid.key, subject: "mailto:security@store.example" }
fcm:     { credentials_file: /etc/breach/fcm.json, project_id: seestar-store-app, base_url: "" }
apns:    { key_file: /etc/breach/AuthKey.p8, key_id: ABC123DEFG, team_id: DEF123GHIJ, topic: org.example.breach, production: true, base_url: "" }
`
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	var got push.Config
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	var want push.Config
	want.NoticeURL = "https://status.example.org/notices/{reference}"
	want.WebPush.VAPIDPublicKey, want.WebPush.VAPIDPrivateKeyFile, want.WebPush.Subject = "BPub", "/etc/breach/vapid.key", "mailto:security@store.example"
	want.FCM.CredentialsFile, want.FCM.ProjectID = "/etc/breach/fcm.json", "seestar-store-app"
	want.APNs.KeyFile, want.APNs.KeyID, want.APNs.TeamID, want.APNs.Topic, want.APNs.Production = "/etc/breach/AuthKey.p8", "ABC123DEFG", "DEF123GHIJ", "org.example.breach", true
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decoded config (-want +got):\n%s", d)
	}
	// check-config prints the effective configuration: it must marshal
	// and read back.
	out, err := yaml.Marshal(got)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var again push.Config
	if err := yaml.Unmarshal(out, &again); err != nil || !cmp.Equal(again, got) {
		t.Errorf("marshalled config does not read back (%v):\n%s", err, out)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	cases := []struct {
		name string
		cfg  push.Config
		want []string
	}{
		{"nothing", push.Config{}, []string{"channels.push: no platform configured"}},
		{"fcm without project", push.Config{FCM: fcmConfig("", "/x.json")}, []string{"channels.push.fcm.project_id: is required"}},
		{"apns half set", push.Config{APNs: apnsConfig("ABC123DEFG", "")}, []string{
			"channels.push.apns.key_file: is required", "channels.push.apns.team_id: is required", "channels.push.apns.topic: is required"}},
		{"bad link", push.Config{NoticeURL: "status.example.org/{reference}", FCM: fcmConfig("seestar-store-app", "/x.json")}, []string{
			"channels.push.notice_url: must be an absolute http or https URL"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
			if _, err := push.New(c.cfg, nil); err == nil {
				t.Error("New accepted what Validate refused")
			}
		})
	}
}

func fcmConfig(project, file string) fcm.Config {
	return fcm.Config{ProjectID: project, CredentialsFile: file}
}

func apnsConfig(keyID, teamID string) apns.Config {
	return apns.Config{KeyID: keyID, TeamID: teamID}
}
