package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/notify"
)

// TestPreviewMatchesWhatIsSent runs a campaign on the example organisation
// into the outbox, then renders the same people's notices with `breach
// notice render` and checks each preview's content hash is the one the
// proof-of-notice ledger recorded for the notice sent: once on the embedded
// defaults (--data-dir), once with a configuration file (--config) whose
// channel policy, announcement address and template override all change
// what is sent.
func TestPreviewMatchesWhatIsSent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config string // YAML; "" = defaults
	}{
		{"defaults", ""},
		{"configured", `campaign:
  announcement_url: https://status.example.org/incident
  channels: sms,email,letter
  templates_dir: TEMPLATES
`},
	} {
		t.Run(tc.name, func(t *testing.T) { testPreviewMatches(t, tc.config) })
	}
}

func testPreviewMatches(t *testing.T, configYAML string) {
	dir := t.TempDir()
	ex := filepath.Join(dir, "examples")
	if err := examples.WriteTo(ex); err != nil {
		t.Fatal(err)
	}
	cfgPath := ""
	if configYAML != "" {
		tmpl := filepath.Join(dir, "templates")
		override := `{{define "sms"}}Notice {{.Reference}} from {{.Org.Name}}: data about you was involved in a security incident. Details: {{.AnnouncementURL}} Code {{.VerificationCode}}{{end}}` +
			`{{define "sms_short"}}Notice {{.Reference}} code {{.VerificationCode}} {{.AnnouncementURL}}{{end}}`
		for _, locale := range []string{"en", "de", "fr", "es", "zh-CN"} {
			if err := os.MkdirAll(filepath.Join(tmpl, locale), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmpl, locale, "sms.tmpl"), []byte(override), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cfgPath = filepath.Join(dir, "breach.yaml")
		if err := os.WriteFile(cfgPath, []byte(strings.ReplaceAll(configYAML, "TEMPLATES", tmpl)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.Inventory = filepath.Join(dir, "data"), filepath.Join(ex, "inventory.yaml")
	cfg.NATS.Listen, cfg.HTTP.Addr, cfg.Public.Addr, cfg.Campaign.AutoApprove = "", "127.0.0.1:0", "127.0.0.1:0", true
	cfg.Campaign.MaxUntranslated = -1 // the example incident carries no translations
	ctx, cancel := context.WithCancel(context.Background())
	svc, err := app.Start(ctx, cfg, logging.Discard(), app.Options{})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() { cancel(); <-done }()

	file := filepath.Join(ex, "incidents", "01-exfiltration-orders.json")
	raw, err := examples.FS.ReadFile("incidents/01-exfiltration-orders.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := natsbus.PublishIncident(ctx, svc.Bus().JetStream(), svc.Bus().Topics(), in, raw); err != nil {
		t.Fatal(err)
	}
	// The first person sent an SMS and, on the defaults, an e-mail too (the
	// example incident is high risk, so the default policy sends both; the
	// configured policy tries SMS first and e-mail only if that fails).
	sent := map[string]map[notify.Channel]notify.Entry{}
	var subject string
	deadline := time.Now().Add(60 * time.Second)
	for subject == "" {
		if time.Now().After(deadline) {
			t.Fatal("nobody was sent the expected notices within 60s")
		}
		time.Sleep(100 * time.Millisecond)
		_ = svc.Store().Ledger().Each(ctx, in.ID, func(e notify.Entry) error {
			if !e.State.Handed() || subject != "" {
				return nil
			}
			if sent[e.SubjectID] == nil {
				sent[e.SubjectID] = map[notify.Channel]notify.Entry{}
			}
			sent[e.SubjectID][e.Channel] = e
			if _, sms := sent[e.SubjectID][notify.ChannelSMS]; sms && (cfgPath != "" || len(sent[e.SubjectID]) == 2) {
				subject = e.SubjectID
			}
			return nil
		})
	}
	for ch, e := range sent[subject] {
		args := []string{"notice", "render", "--incident", file, "--subject", subject, "--channel", string(ch), "--json"}
		if cfgPath != "" {
			args = append(args, "--config", cfgPath, "--data-dir", cfg.DataDir, "--inventory", cfg.Inventory)
		} else {
			args = append(args, "--data-dir", cfg.DataDir, "--inventory", cfg.Inventory)
		}
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("notice render --channel %s: exit %d: %s", ch, code, stderr)
		}
		var preview struct {
			ContentHash     string `json:"content_hash"`
			TemplateVersion string `json:"template_version"`
			Message         struct {
				VerificationCode string `json:"VerificationCode"`
				Text             string `json:"Text"`
			} `json:"message"`
		}
		if err := json.Unmarshal([]byte(stdout), &preview); err != nil {
			t.Fatalf("preview JSON: %v\n%s", err, stdout)
		}
		if preview.ContentHash != e.ContentHash || preview.TemplateVersion != e.TemplateVersion {
			t.Errorf("%s preview hash %s (templates %s), want the ledger's %s (%s) for notice %s",
				ch, preview.ContentHash, preview.TemplateVersion, e.ContentHash, e.TemplateVersion, e.Key)
		}
		if preview.Message.VerificationCode == "" {
			t.Errorf("the %s preview carries no verification code", ch)
		}
		if cfgPath != "" && !strings.Contains(preview.Message.Text, "https://status.example.org/incident") {
			t.Errorf("the %s preview ignores campaign.announcement_url:\n%s", ch, preview.Message.Text)
		}
		if cfgPath != "" && ch == notify.ChannelSMS && !strings.HasPrefix(preview.Message.Text, "Notice ") {
			t.Errorf("the SMS preview ignores campaign.templates_dir:\n%s", preview.Message.Text)
		}
	}
}

// TestNoticeRenderSaysWhoIsNotTold previews offline, from the examples, the
// notice of a person the campaign would tell and of one it would not. The
// shop processes its data in China, so PIPL covers every customer
// wherever they live: the exfiltration of contact and order data (01) tells
// a Californian too. A misdelivery to a trusted recipient who confirmed
// deletion (05) tells nobody.
func TestNoticeRenderSaysWhoIsNotTold(t *testing.T) {
	dir := t.TempDir()
	if err := examples.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	inv := filepath.Join(dir, "inventory.yaml")
	for _, tc := range []struct {
		incident string
		subject  string
		notTold  bool
	}{
		{"01-exfiltration-orders.json", "ss-0002", false}, // AT: EU-GDPR and PIPL
		{"01-exfiltration-orders.json", "ss-0001", false}, // US: PIPL by processing in China
		{"05-misdelivery-trusted-recipient.json", "ss-0002", true},
	} {
		inc := filepath.Join(dir, "incidents", tc.incident)
		code, stdout, stderr := runCLI(t, "notice", "render", "--inventory", inv, "--incident", inc, "--subject", tc.subject, "--channel", "email")
		if code != 0 || !strings.Contains(stdout, "Code:") {
			t.Fatalf("render %s: exit %d, stdout %q, stderr %q", tc.subject, code, stdout, stderr)
		}
		if got := strings.Contains(stderr, "the campaign would not tell "+tc.subject); got != tc.notTold {
			t.Errorf("render %s: note that the campaign would not tell them = %v, want %v (stderr %q)", tc.subject, got, tc.notTold, stderr)
		}
	}
}
