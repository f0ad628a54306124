package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckConfig: check-config shows the effective configuration without
// any secret (a NATS password in nats.url is <secret>, secret files are
// read and shown as <secret> or (not set)), and fails with exit status 2,
// naming the key and line, on what serve would reject later (review of
// issue 2, findings 5 and 7).
func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte("hunter2-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := func(body string) string {
		p := filepath.Join(t.TempDir(), "breach.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want []string // in stdout when code is 0, else in stderr
	}{
		{name: "secrets hidden", code: 0,
			args: []string{"--config", conf("http:\n  api_token_file: " + token + "\n")},
			env:  map[string]string{"BREACH_NATS_URL": "nats://svc:hunter2@n1:4222,nats://n2:4222"},
			want: []string{"url: nats://<secret>@n1:4222,nats://n2:4222", "#   http.api_token_file: <secret>\n", "#   store.dsn_file: (not set)\n"}},
		{name: "unreadable token file", code: 2,
			args: []string{"--config", conf("http:\n  api_token_file: " + filepath.Join(dir, "missing") + "\n")},
			want: []string{"breach.yaml:2: http.api_token_file: read secret file"}},
		{name: "nak delay above intake cap", code: 2,
			args: []string{"--config", conf("intake:\n  nak_delay: 2h\n")},
			want: []string{"breach.yaml:2: intake.nak_delay: must be at most 1m"}},
		{name: "e-mail sender serve would refuse", code: 2,
			args: []string{"--config", conf("channels:\n  email:\n    from: not an address\n    smtp:\n      host: mail.example.org\n")},
			want: []string{"channels.email.from: is not a valid e-mail address"}},
		{name: "template overrides that do not exist", code: 2,
			args: []string{"--config", conf("campaign:\n  templates_dir: " + filepath.Join(dir, "no-templates") + "\n")},
			want: []string{"campaign.templates_dir"}},
		{name: "every problem in one pass", code: 2,
			args: []string{"--config", conf("log:\n  level: loud\nintake:\n  nak_delay: 2h\nhttp:\n  api_token_file: " + filepath.Join(dir, "missing") + "\ncampaign:\n  templates_dir: " + filepath.Join(dir, "no-templates") + "\n"),
				"--nats-listen", "127.0.0.1:99999"},
			want: []string{"the configuration has 5 problems:\n", "breach.yaml:2: log.level", "breach.yaml:4: intake.nak_delay", "nats.listen: from command-line flag",
				"breach.yaml:6: http.api_token_file", "campaign.templates_dir"}},
		{name: "port out of range from a flag", code: 2,
			args: []string{"--nats-listen", "127.0.0.1:99999"},
			want: []string{"nats.listen: from command-line flag:", "port 99999"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"BREACH_NATS_URL", "BREACH_API_TOKEN", "BREACH_STORE_DSN", "BREACH_NOTICE_KEY", "BREACH_SMTP_PASSWORD", "BREACH_TWILIO_AUTH_TOKEN"} {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"check-config"}, tc.args...), strings.NewReader(""), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit: got %d, want %d; stderr %q", code, tc.code, stderr.String())
			}
			out := stdout.String()
			if tc.code != 0 {
				out = stderr.String()
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("got %q, want it to contain %q", out, w)
				}
			}
			if all := stdout.String() + stderr.String(); strings.Contains(all, "hunter2") {
				t.Errorf("output shows a secret: %q", all)
			}
		})
	}
}
