package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "breach.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreValid(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatalf("Load with no file: %v", err)
	}
	if cfg.NATS.URL != "" || cfg.NATS.Listen != "127.0.0.1:4223" {
		t.Errorf("got nats url %q listen %q, want embedded on 127.0.0.1:4223", cfg.NATS.URL, cfg.NATS.Listen)
	}
	if cfg.HTTP.Addr != "127.0.0.1:8080" {
		t.Errorf("got http.addr %q, want 127.0.0.1:8080", cfg.HTTP.Addr)
	}
}

func TestLoadFileEnvAndSet(t *testing.T) {
	p := writeFile(t, "data_dir: /var/lib/breach\nnats:\n  url: nats://a:4222,nats://b:4222\n  duplicate_window: 1h\nlog:\n  level: debug\n")
	cfg, err := Load(p, []string{"BREACH_HTTP_ADDR=127.0.0.1:9999", "BREACH_CHANNELS_EMAIL_SMTP_PORT=2525", "PATH=/bin"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "/var/lib/breach" || cfg.NATS.URL != "nats://a:4222,nats://b:4222" || cfg.NATS.DuplicateWindow != time.Hour || cfg.Log.Level != "debug" {
		t.Errorf("file values not applied: %+v", cfg)
	}
	if cfg.HTTP.Addr != "127.0.0.1:9999" || cfg.Channels.Email.SMTP.Port != 2525 {
		t.Errorf("env overrides not applied: http %q port %d", cfg.HTTP.Addr, cfg.Channels.Email.SMTP.Port)
	}
	if err := cfg.Set("nats.listen", "127.0.0.1:5000"); err != nil || cfg.NATS.Listen != "127.0.0.1:5000" {
		t.Errorf("Set nats.listen: err %v, got %q", err, cfg.NATS.Listen)
	}
	if err := cfg.Set("nats.nope", "x"); err == nil || !strings.Contains(err.Error(), "nats.nope") {
		t.Errorf("Set unknown key: got %v, want error naming nats.nope", err)
	}
}

func TestErrorsNameKeyAndLine(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  []string
		want string
	}{
		{"unknown top-level key", "data_dir: x\nnatz:\n  url: y\n", nil, "breach.yaml:2: natz: unknown key"},
		{"unknown nested key", "nats:\n  tls:\n    ca: x\n", nil, "breach.yaml:3: nats.tls.ca: unknown key"},
		{"bad duration", "nats:\n  duplicate_window: soon\n", nil, `breach.yaml:2: nats.duplicate_window: "soon" is not a duration`},
		{"bad int", "intake:\n  workers: many\n", nil, `breach.yaml:2: intake.workers: "many" is not a whole number`},
		{"bad bool", "campaign:\n  auto_approve: perhaps\n", nil, `breach.yaml:2: campaign.auto_approve: "perhaps" is not true or false`},
		{"list where scalar", "http:\n  addr: [a, b]\n", nil, "breach.yaml:2: http.addr: must be a single text value"},
		{"scalar where mapping", "nats: yes\n", nil, "breach.yaml:1: nats: must be a mapping"},
		{"duplicate key", "log:\n  level: info\n  level: debug\n", nil, "log.level: is set twice"},
		{"bad enum", "log:\n  level: loud\n", nil, `log.level: "loud" is not one of debug, info, warn, error`},
		{"listen not loopback", "nats:\n  listen: 0.0.0.0:4223\n", nil, "nats.listen:"},
		{"url without scheme", "nats:\n  url: localhost:4222\n", nil, "nats.url:"},
		{"smtp tls", "channels:\n  email:\n    smtp:\n      tls: maybe\n", nil, "channels.email.smtp.tls:"},
		{"from required", "channels:\n  email:\n    smtp:\n      host: mail.example\n", nil, "channels.email.from: is required"},
		{"bad env", "", []string{"BREACH_INTAKE_WORKERS=lots"}, "intake.workers: from environment BREACH_INTAKE_WORKERS"},
		{"postgres needs dsn", "store:\n  driver: postgres\n", nil, "store.dsn_file: is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tc.yaml), tc.env)
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pw")
	if err := os.WriteFile(p, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSecret("channels.email.smtp.password_file", p, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Reveal() != "hunter2" {
		t.Fatalf("got %q, want hunter2", s.Reveal())
	}
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), s.String()} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("secret leaked in %q", out)
		}
	}
	type holder struct {
		name string
		pw   Secret
	}
	if out := fmt.Sprintf("%v %+v %#v", holder{"x", s}, &holder{"x", s}, holder{"x", s}); strings.Contains(out, "hunter2") {
		t.Errorf("secret leaked through an unexported field: %s", out)
	}
	b, _ := s.MarshalJSON()
	if string(b) != `"<secret>"` {
		t.Errorf("got JSON %s, want \"<secret>\"", b)
	}
	_, err = ReadSecret("k", filepath.Join(dir, "missing"), "")
	if err == nil || !strings.Contains(err.Error(), "config k") {
		t.Errorf("got %v, want an error naming the key", err)
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	cfg := Default()
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, string(out))
	got, err := Load(p, nil)
	if err != nil {
		t.Fatalf("printed config does not load back: %v\n%s", err, out)
	}
	if got != cfg {
		t.Errorf("round trip changed the config:\n got %+v\nwant %+v", got, cfg)
	}
}

func TestCampaignPolicy(t *testing.T) {
	p, err := Default().Campaign.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(p.Order); got != "[email sms voice letter]" || !p.Push || !p.SMSAlsoWhenHigh {
		t.Errorf("got default policy %+v, want email, sms, voice, letter with push and SMS when high", p)
	}
	for _, bad := range []string{"email,fax", "push", "email,email", ""} {
		cfg := Default()
		cfg.Campaign.Channels = bad
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "campaign.channels") {
			t.Errorf("channels %q: got %v, want an error naming campaign.channels", bad, err)
		}
	}
}
