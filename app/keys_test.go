package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify/notifytest"
)

// TestNoticeKeyIsSharedWhenTheBusOrStoreIs: replicas sharing NATS or
// PostgreSQL must sign with one key, so none is generated per data
// directory then; the error names the key to set. Alone, the service
// generates its own once and keeps it.
func TestNoticeKeyIsSharedWhenTheBusOrStoreIs(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*config.Config)
	}{
		{"external bus", func(c *config.Config) { c.NATS.URL = "nats://nats-1:4222" }},
		{"postgres store", func(c *config.Config) { c.Store.Driver = "postgres" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			tc.edit(&cfg)
			_, err := noticeKey(cfg, logging.Discard())
			if err == nil || !strings.Contains(err.Error(), "secrets.notice_key_file") {
				t.Fatalf("got %v, want an error naming secrets.notice_key_file", err)
			}
			if _, err := os.Stat(filepath.Join(cfg.DataDir, "notice.key")); !os.IsNotExist(err) {
				t.Errorf("a key was generated in the data directory (%v)", err)
			}

			// A key generated before the service was shared is kept, with
			// a warning naming the setting.
			alone := config.Default()
			alone.DataDir = cfg.DataDir
			first, err := noticeKey(alone, logging.Discard())
			if err != nil {
				t.Fatal(err)
			}
			log := notifytest.NewLog()
			again, err := noticeKey(cfg, log.Entry)
			if err != nil || string(again) != string(first) {
				t.Fatalf("the existing key: got %x, %v; want %x", again, err, first)
			}
			if !strings.Contains(log.String(), "secrets.notice_key_file") {
				t.Errorf("no warning naming secrets.notice_key_file; log:\n%s", log.String())
			}

			// With the key configured, every replica reads the same one.
			keyFile := filepath.Join(t.TempDir(), "notice.key")
			if err := os.WriteFile(keyFile, []byte(strings.Repeat("k", 32)), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg.Secrets.NoticeKeyFile = keyFile
			cfg.DataDir = t.TempDir()
			shared, err := noticeKey(cfg, logging.Discard())
			if err != nil || string(shared) != strings.Repeat("k", 32) {
				t.Errorf("configured key: got %q, %v", shared, err)
			}
		})
	}
}

// TestConfiguredNoticeKeyRefusesWhatTheServiceRefuses: the offline
// commands (gone devices, audit) read the configured key as the service
// does, so a key too short for the service is an error naming the
// setting, not a key they compute digests and MACs with.
func TestConfiguredNoticeKeyRefusesWhatTheServiceRefuses(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "notice.key")
	if err := os.WriteFile(keyFile, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Secrets.NoticeKeyFile = keyFile
	if _, err := noticeKey(cfg, logging.Discard()); err == nil || !strings.Contains(err.Error(), "secrets.notice_key_file") {
		t.Fatalf("service: got %v, want an error naming secrets.notice_key_file", err)
	}
	if key, err := ConfiguredNoticeKey(cfg); err == nil || !strings.Contains(err.Error(), "secrets.notice_key_file") {
		t.Fatalf("offline commands: got %q, %v; want an error naming secrets.notice_key_file", key, err)
	}
	if key, err := AuditKey(cfg); err == nil {
		t.Fatalf("audit key: got %v, want an error", key)
	}
}
