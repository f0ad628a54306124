package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRedactURLs: a NATS URL (or a comma-separated cluster list) may carry
// user:password; wherever breach shows one, the user information is
// <secret> (the issue: "Secrets … print as <secret>").
func TestRedactURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"nats://n1:4222", "nats://n1:4222"},
		{"nats://svc:hunter2@n1:4222", "nats://<secret>@n1:4222"},
		{"nats://token@n1:4222", "nats://<secret>@n1:4222"},
		{"nats://svc:hunter2@n1:4222, nats://n2:4222,tls://a:hunter2@n3:4443", "nats://<secret>@n1:4222, nats://n2:4222,tls://<secret>@n3:4443"},
		{"https://u:p%ZZhunter2@api.example/x?y=@z", "https://<secret>@api.example/x?y=@z"}, // not a valid URL: still redacted
		{"svc:hunter2@n1:4222", "<secret>@n1:4222"},                                         // no scheme
		{"https://p@ss:hunter2@host/", "https://<secret>@host/"},                            // '@' in the password
		{"https://host/path@x", "https://host/path@x"},                                      // '@' outside the user information
	}
	for _, tc := range tests {
		if got := RedactURLs(tc.in); got != tc.want {
			t.Errorf("RedactURLs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestYAMLHidesURLUserInfo: check-config prints the configuration; the
// NATS password in nats.url (and in any other URL setting) must not reach
// the terminal or a CI log (review of issue 2, finding 5).
func TestYAMLHidesURLUserInfo(t *testing.T) {
	p := writeFile(t, "campaign:\n  announcement_url: https://web:hunter2@news.example/breach\n"+
		"channels:\n  sms:\n    status_callback: https://cb:hunter2@hooks.example/sms\n    base_url: https://b:hunter2@api.example\n")
	cfg, err := Load(p, []string{"BREACH_NATS_URL=nats://svc:hunter2@n1:4222,nats://n2:4222"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "hunter2") {
		t.Errorf("printed configuration holds a password:\n%s", out)
	}
	for _, want := range []string{"url: nats://<secret>@n1:4222,nats://n2:4222", "announcement_url: https://<secret>@news.example/breach",
		"status_callback: https://<secret>@hooks.example/sms", "base_url: https://<secret>@api.example"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("printed configuration lacks %q:\n%s", want, out)
		}
	}
	if cfg.NATS.URL != "nats://svc:hunter2@n1:4222,nats://n2:4222" {
		t.Errorf("YAML changed the configuration itself: nats.url is now %q", cfg.NATS.URL)
	}
}

// TestCheckSecrets: check-config reads every secret as serve will, so an
// unreadable or empty secret file, a short notice key or an API open to the
// network without a token fail there, naming the key and its line, instead
// of at serve time (finding 7). No secret value appears in any output.
func TestCheckSecrets(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	token := write("token", "hunter2-token\n")
	empty := write("empty", "\n")
	shortKey := write("short.key", "hunter2")
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		want    map[string]string // key → SecretState.String()
		wantErr []string
	}{
		{name: "nothing set", want: map[string]string{"http.api_token_file": "(not set)", "channels.sms.auth_token_file": "(not set)"}},
		{name: "files read", yaml: "http:\n  api_token_file: " + token + "\nchannels:\n  email:\n    smtp:\n      password_file: " + token + "\n",
			want: map[string]string{"http.api_token_file": "<secret>", "channels.email.smtp.password_file": "<secret>", "store.dsn_file": "(not set)"}},
		{name: "from environment", env: map[string]string{EnvTwilioAuthToken: "hunter2-env"},
			want: map[string]string{"channels.sms.auth_token_file": "<secret> (from BREACH_TWILIO_AUTH_TOKEN)"}},
		{name: "missing file", yaml: "log:\n  level: info\nhttp:\n  api_token_file: " + missing + "\n",
			wantErr: []string{"/breach.yaml:4: http.api_token_file: read secret file:"}},
		{name: "empty file", yaml: "channels:\n  email:\n    dkim:\n      domain: example.org\n      selector: s1\n      key_file: " + empty + "\n",
			wantErr: []string{"/breach.yaml:6: channels.email.dkim.key_file: secret file " + empty + " is empty"}},
		{name: "every secret file checked", yaml: "store:\n  dsn_file: " + missing + "\nchannels:\n  sms:\n    auth_token_file: " + missing + "\n",
			wantErr: []string{"breach.yaml:2: store.dsn_file:", "breach.yaml:5: channels.sms.auth_token_file:"}},
		{name: "short notice key", yaml: "secrets:\n  notice_key_file: " + shortKey + "\n",
			wantErr: []string{"breach.yaml:2: secrets.notice_key_file: the key must be at least 16 bytes"}},
		{name: "open API without token", yaml: "http:\n  addr: 0.0.0.0:8080\n",
			wantErr: []string{`breach.yaml:2: http.addr: "0.0.0.0:8080" is not a loopback address; set http.api_token_file`}},
		{name: "open API with token", yaml: "http:\n  addr: 0.0.0.0:8080\n", env: map[string]string{EnvAPIToken: "hunter2-env"},
			want: map[string]string{"http.api_token_file": "<secret> (from BREACH_API_TOKEN)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range Default().SecretSettings() {
				if s.Env != "" {
					t.Setenv(s.Env, "")
				}
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := Load(writeFile(t, tc.yaml), nil)
			if err != nil {
				t.Fatal(err)
			}
			states, err := cfg.CheckSecrets()
			got := map[string]string{}
			for _, s := range states {
				got[s.Key] = s.String()
			}
			if all := fmt.Sprintf("%v %+v %v", states, states, err); strings.Contains(all, "hunter2") {
				t.Errorf("a secret value is shown: %s", all)
			}
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s: got %q, want %q", k, got[k], w)
				}
			}
			if len(tc.wantErr) == 0 && err != nil {
				t.Errorf("got error %v, want none", err)
			}
			for _, w := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("got error %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

// TestSecretSettingsCoverEveryFileKey: every *_file setting that holds a
// secret is one CheckSecrets reads; a new one must be added there (or here,
// when it is not a secret).
func TestSecretSettingsCoverEveryFileKey(t *testing.T) {
	notSecret := map[string]bool{"nats.tls.ca_file": true, "nats.tls.cert_file": true, "channels.letter.font_file": true, "http.tls.cert_file": true, "channels.letter.cjk_font_file": true}
	listed := map[string]bool{}
	for _, s := range Default().SecretSettings() {
		listed[s.Key] = true
	}
	cfg := Default()
	_ = leaves(reflect.ValueOf(&cfg).Elem(), "", func(key string, _ reflect.Value) error {
		if strings.HasSuffix(key, "_file") && !notSecret[key] && !listed[key] {
			t.Errorf("%s is not in SecretSettings", key)
		}
		return nil
	})
}

// TestLoopbackAddrSharesNetaddr checks the HTTP and embedded-NATS address
// checks read loopback as internal/netaddr does (the channels' check):
// localhost in any case and IPv4-mapped loopback addresses included.
func TestLoopbackAddrSharesNetaddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:8080": true, "LocalHost:8080": true,
		"[::ffff:127.0.0.1]:8080": true, ":8080": false, "0.0.0.0:8080": false, "example.org:8080": false, "no-port": false,
	} {
		if got := LoopbackAddr(addr); got != want {
			t.Errorf("LoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
		if got := loopbackAddr(addr) == nil; got != want {
			t.Errorf("loopbackAddr(%q) accepted = %v, want %v", addr, got, want)
		}
	}
}
