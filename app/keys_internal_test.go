package app

import (
	"strings"
	"testing"

	"github.com/breach-notify/breach/internal/config"
)

// TestUnsharedKeyWarning: a shared store or bus without a configured notice
// key is warned about (each replica would generate its own); an embedded
// setup, or a configured key, is not.
func TestUnsharedKeyWarning(t *testing.T) {
	cfg := config.Default()
	if w := unsharedKeyWarning(cfg); w != "" {
		t.Errorf("embedded defaults: got %q, want no warning", w)
	}
	cfg.Store.Driver = "postgres"
	cfg.NATS.URL = "nats://n1:4222"
	if w := unsharedKeyWarning(cfg); !strings.Contains(w, "PostgreSQL") || !strings.Contains(w, "external NATS") || !strings.Contains(w, "secrets.notice_key_file") {
		t.Errorf("shared store and bus: got %q, want a warning naming both and the key to set", w)
	}
}
