package main

import (
	"context"
	"encoding/json"
	"path/filepath"
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
// into the outbox, then renders the same person's notice with `breach
// notice render --data-dir` and checks the preview's content hash is the
// one the proof-of-notice ledger recorded for the notice sent.
func TestPreviewMatchesWhatIsSent(t *testing.T) {
	dir := t.TempDir()
	ex := filepath.Join(dir, "examples")
	if err := examples.WriteTo(ex); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir, cfg.Inventory = filepath.Join(dir, "data"), filepath.Join(ex, "inventory.yaml")
	cfg.NATS.Listen, cfg.HTTP.Addr, cfg.Campaign.AutoApprove = "", "127.0.0.1:0", true
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
	if _, err := natsbus.PublishIncident(ctx, svc.Bus().JetStream(), svc.Bus().Subjects(), in, raw); err != nil {
		t.Fatal(err)
	}
	var sent notify.Entry
	deadline := time.Now().Add(60 * time.Second)
	for sent.Key == "" {
		if time.Now().After(deadline) {
			t.Fatal("no e-mail notice sent within 60s")
		}
		time.Sleep(100 * time.Millisecond)
		_ = svc.Store().Ledger().Each(ctx, in.ID, func(e notify.Entry) error {
			if e.Channel == notify.ChannelEmail && e.State == notify.StateSent && sent.Key == "" {
				sent = e
			}
			return nil
		})
	}
	code, stdout, stderr := runCLI(t, "notice", "render", "--inventory", cfg.Inventory, "--incident", file,
		"--subject", sent.SubjectID, "--channel", "email", "--data-dir", cfg.DataDir, "--json")
	if code != 0 {
		t.Fatalf("notice render: exit %d: %s", code, stderr)
	}
	var preview struct {
		ContentHash     string `json:"content_hash"`
		TemplateVersion string `json:"template_version"`
		Message         struct {
			VerificationCode string `json:"VerificationCode"`
		} `json:"message"`
	}
	if err := json.Unmarshal([]byte(stdout), &preview); err != nil {
		t.Fatalf("preview JSON: %v\n%s", err, stdout)
	}
	if preview.ContentHash != sent.ContentHash || preview.TemplateVersion != sent.TemplateVersion {
		t.Errorf("preview hash %s (templates %s), want the ledger's %s (%s) for notice %s",
			preview.ContentHash, preview.TemplateVersion, sent.ContentHash, sent.TemplateVersion, sent.Key)
	}
	if preview.Message.VerificationCode == "" {
		t.Error("the preview carries no verification code")
	}
}
