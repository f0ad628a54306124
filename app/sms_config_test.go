package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/notify/sms"
)

// TestSMSTimeoutAndValidityReachTheChannel checks channels.sms.timeout and
// channels.sms.validity_period are handed to the SMS channel: values it
// refuses stop it, naming the key.
func TestSMSTimeoutAndValidityReachTheChannel(t *testing.T) {
	token := filepath.Join(t.TempDir(), "twilio.token")
	if err := os.WriteFile(token, []byte(strings.Repeat("a1", 16)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := config.Default()
	base.Channels.SMS.AccountSID = "AC" + strings.Repeat("0123456789abcdef", 2)
	base.Channels.SMS.AuthTokenFile = token
	base.Channels.SMS.From = "+15005550006"
	log := logrus.NewEntry(logrus.New())
	if _, err := smsChannel(base, log); err != nil {
		t.Fatalf("valid SMS configuration refused: %v", err)
	}
	for key, set := range map[string]func(*config.SMS){
		"channels.sms.timeout":         func(c *config.SMS) { c.Timeout = -time.Second },
		"channels.sms.validity_period": func(c *config.SMS) { c.ValidityPeriod = 11 * time.Hour },
	} {
		cfg := base
		set(&cfg.Channels.SMS)
		_, err := smsChannel(cfg, log)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s out of range: got %v, want an error naming the key", key, err)
		}
	}
}

// TestSMSTimeoutReferenceDefault checks the configuration reference
// quotes the SMS channel's own default timeout (internal/config cannot
// import notify/sms, so it writes the figure itself).
func TestSMSTimeoutReferenceDefault(t *testing.T) {
	for _, sec := range config.Reference(config.BuiltinDocs()) {
		for _, s := range sec.Settings {
			if s.Key == "channels.sms.timeout" {
				if want := sms.DefaultTimeout.String(); s.Default != want {
					t.Fatalf("reference default of channels.sms.timeout is %q, notify/sms applies %s", s.Default, want)
				}
				return
			}
		}
	}
	t.Fatal("channels.sms.timeout is not in the configuration reference")
}
