package logging

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

func TestRedactsPersonalData(t *testing.T) {
	pii := []string{"ada.lovelace@example.org", "+44 20 7946 0958", "+8613800138000", "(555) 555-0100", "555-555-0199", "Ada Lovelace", "Zhang Wei"}
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := New(&buf, "debug", format)
			if err != nil {
				t.Fatal(err)
			}
			l.WithFields(logrus.Fields{
				"email":          "ada.lovelace@example.org",
				"recipient_name": "Ada Lovelace",
				"name":           "Zhang Wei",
				"guardian_phone": "+8613800138000",
				"note":           "call (555) 555-0100 or 555-555-0199",
				"incident":       "INC-2026-0042",
				"count":          3,
			}).WithError(errors.New("smtp: 550 5.1.1 <ada.lovelace@example.org>: user unknown")).
				Info("sent notice to ada.lovelace@example.org at +44 20 7946 0958")
			out := buf.String()
			for _, p := range pii {
				if strings.Contains(out, p) {
					t.Errorf("log line contains %q:\n%s", p, out)
				}
			}
			for _, keep := range []string{"INC-2026-0042", "550 5.1.1", "sent notice to"} {
				if !strings.Contains(out, keep) {
					t.Errorf("log line lost %q:\n%s", keep, out)
				}
			}
		})
	}
}

func TestScrubKeepsIDsAndTimes(t *testing.T) {
	for _, s := range []string{"INC-2026-0042", "2026-11-20T09:00:00Z", "INC-01JD3W4Q7XK4N8S8R6Y2ZC9T1M/2", "seq 1234567890", "127.0.0.1:4223"} {
		if got := Scrub(s); got != s {
			t.Errorf("Scrub(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, "loud", "json"); err == nil {
		t.Error("got no error for level loud")
	}
	if _, err := New(&bytes.Buffer{}, "info", "xml"); err == nil {
		t.Error("got no error for format xml")
	}
}
