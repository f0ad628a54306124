package twilioapi

import (
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	creds := URLRules{Credentials: true}
	tests := []struct {
		name  string
		raw   string
		rules URLRules
		want  string // substring of the error; "" = valid
	}{
		{"https", "https://breach.example.org/twilio/status", URLRules{}, ""},
		{"callback with query", "https://breach.example.org/cb?x=1", URLRules{}, ""},
		{"plain http callback", "http://breach.example.org/cb", URLRules{}, ""},
		{"base url with path", "https://twilio-proxy.example.org/api", creds, ""},
		{"http base url to loopback", "http://127.0.0.1:8080", creds, ""},
		{"http base url to localhost", "http://localhost:8080", creds, ""},
		{"http base url to ipv6 loopback", "http://[::1]:8080", creds, ""},
		{"underscore allowed by default", "https://my_host.example.org/cb", URLRules{}, ""},
		{"relative", "/twilio/status", URLRules{}, "absolute http or https"},
		{"no scheme", "api.twilio.com", creds, "absolute http or https"},
		{"ftp", "ftp://example.org/x", URLRules{}, "absolute http or https"},
		{"user info", "https://user:pw@example.org/cb", URLRules{}, "user name or password"},
		{"underscore refused", "https://my_host.example.org/cb", URLRules{NoUnderscore: true}, "underscore"},
		{"base url with query", "https://api.example.org/?a=b", creds, "query"},
		{"http base url to a remote host", "http://twilio.example.org", creds, "clear text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckURL(tt.raw, tt.rules)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "pw") {
				t.Errorf("got %q, want no password in the error", err)
			}
		})
	}
}

func TestCheckAccountSID(t *testing.T) {
	tests := []struct {
		name, sid, want string
	}{
		{"valid", "AC0123456789abcdef0123456789ABCDEF", ""},
		{"empty", "", "is required"},
		{"api key sid", "SK0123456789abcdef0123456789abcdef", "must be AC followed by 32 hexadecimal digits"},
		{"short", "AC12", "must be AC followed by 32 hexadecimal digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := CheckAccountSID(tt.sid); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckAuthToken(t *testing.T) {
	const token = "S3cretT0kenValue9876543210zyxwvu"
	tests := []struct {
		name, token, want string
	}{
		{"valid", token, ""},
		{"empty", "", "is required"},
		{"trailing newline", token + "\n", "must hold letters and digits only"},
		{"quoted", `"` + token + `"`, "must hold letters and digits only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := CheckAuthToken(tt.token); err != nil {
				got = err.Error()
			}
			if !strings.HasPrefix(got, tt.want) || (tt.want == "") != (got == "") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if strings.Contains(got, token) {
				t.Errorf("got the token in %q", got)
			}
		})
	}
}
