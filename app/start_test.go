package app_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
)

// TestStartErrorsNameTheProblem starts the service with configurations
// that cannot work. Each must come back as an error naming the setting (not
// a panic), with what was already opened closed again: the same data
// directory then starts cleanly.
func TestStartErrorsNameTheProblem(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		edit func(*config.Config)
		want string
	}{
		{"missing inventory", func(c *config.Config) { c.Inventory = filepath.Join(dir, "nope.yaml") }, "inventory"},
		{"http port taken", func(c *config.Config) { c.HTTP.Addr = busy.Addr().String() }, "http.addr"},
		{"missing token file", func(c *config.Config) { c.HTTP.APITokenFile = filepath.Join(dir, "no-token") }, "http.api_token_file"},
		{"open address without token", func(c *config.Config) { c.HTTP.Addr = "0.0.0.0:0" }, "http.addr"},
		// The channel registry: each provider's own checks, named by key.
		{"voice without caller id", func(c *config.Config) {
			c.Channels.Voice.AccountSID = "AC" + strings.Repeat("0", 32)
			c.Channels.Voice.AuthTokenFile = writeSecret(t, dir, "voice-token", strings.Repeat("t", 32))
		}, "channels.voice.from"},
		{"fcm without project", func(c *config.Config) {
			c.Channels.Push.FCM.CredentialsFile = filepath.Join(dir, "fcm.json")
		}, "channels.push.fcm"},
		{"letter font missing", func(c *config.Config) {
			c.Channels.Letter.Dir = filepath.Join(dir, "letters")
			c.Channels.Letter.FontFile = filepath.Join(dir, "no-font.ttf")
		}, "channels.letter.font_file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(filepath.Join(dir, "data"), testInventory)
			tc.edit(&cfg)
			var svc *app.Service
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("Start panicked instead of returning its error: %v", r)
					}
				}()
				svc, err = app.Start(context.Background(), cfg, logging.Discard(), app.Options{})
			}()
			if err == nil {
				svc.Close()
				t.Fatal("Start succeeded, want an error")
			}
			if svc != nil {
				t.Error("Start returned a service with its error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
		})
	}
	// Nothing was left open: the data directory (NATS file store, SQLite)
	// starts again.
	svc, err := app.Start(context.Background(), testConfig(filepath.Join(dir, "data"), testInventory), logging.Discard(), app.Options{})
	if err != nil {
		t.Fatalf("restart on the same data directory: %v", err)
	}
	svc.Close()
}

func writeSecret(t *testing.T, dir, name, value string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
