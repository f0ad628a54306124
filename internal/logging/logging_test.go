package logging

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

// contactCard is a struct a caller might log whole.
type contactCard struct {
	Name     string
	Label    string
	Mobile   string `json:"mobile"`
	Note     string
	Email    string
	internal string
}

// TestRedactsPersonalData: the issue asks that e-mail addresses, phone
// numbers and personal names never reach a log line (GDPR Art. 5(1)(c) and
// (f): logs are copied widely and kept long). The examples are mostly CN,
// GB and EU people, so national phone formats (no leading +) count as much
// as international ones, and values nested in maps and structs as much as
// top-level fields (review of issue 2, finding 6).
func TestRedactsPersonalData(t *testing.T) {
	pii := []string{"ada.lovelace@example.org", "+44 20 7946 0958", "+8613800138000", "(555) 555-0100", "555-555-0199", "Ada Lovelace", "Zhang Wei",
		"Jane Doe", "Li Na", "jdoe", "Grace Hopper", "13800138000", "13900139000", "13700137000", "020 7946 0958", "0151 23456789", "(020) 7946 0958",
		"01.23.45.67.89", "0161-496-0000", "Wang Fang", "zhang.wei@example.cn", "Alan Turing", "Chen Jie", "15800158000", "Mary Major"}
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
				// Keys that denote a person, beyond the fixed list.
				"approver":     "Jane Doe",
				"subject_name": "Li Na",
				"user":         "jdoe",
				"approved_by":  "Grace Hopper",
				// National formats in free text.
				"note2": "call 020 7946 0958, (020) 7946 0958 or 0151 23456789; cn 13800138000; fr 01.23.45.67.89; uk 0161-496-0000",
				// Nested values printed via fmt.
				"person":  map[string]string{"name": "Zhang Wei", "mobile": "13800138000"},
				"details": map[string]any{"contact": map[string]string{"name": "Wang Fang"}, "text": "tel 13900139000", "to": []string{"zhang.wei@example.cn"}},
				"card":    contactCard{Name: "Alan Turing", Label: "front desk", Mobile: "13700137000", Note: "or 15800158000", Email: "a@b.example", internal: "x"},
				"cards":   []*contactCard{{Label: "ok", Mobile: "13800138000"}},
				"people":  []map[string]string{{"recipient": "Chen Jie"}, {"guardian_name": "Mary Major"}},
				// Values that must survive: ids, timestamps, sequences.
				"stream_seq":  uint64(1234567890),
				"delivered":   uint64(7),
				"request_id":  "123456789012",
				"occurred_at": "2026-11-22T02:40:00Z",
				"day":         "2026-11-22",
				"digest":      "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				"took":        "1.234567891s",
			}).WithError(errors.New("smtp: 550 5.1.1 <ada.lovelace@example.org>: user unknown")).
				Info("sent notice to ada.lovelace@example.org at +44 20 7946 0958, tel 13800138000")
			out := buf.String()
			for _, p := range pii {
				if strings.Contains(out, p) {
					t.Errorf("log line contains %q:\n%s", p, out)
				}
			}
			for _, keep := range []string{"INC-2026-0042", "550 5.1.1", "sent notice to", "1234567890", "123456789012", "2026-11-22T02:40:00Z",
				"2026-11-22", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "1.234567891s", "front desk", "ok"} {
				if !strings.Contains(out, keep) {
					t.Errorf("log line lost %q:\n%s", keep, out)
				}
			}
		})
	}
}

// TestScrubKeepsIDsAndTimes: redaction must not destroy what an operator
// needs to follow an incident through the logs.
func TestScrubKeepsIDsAndTimes(t *testing.T) {
	for _, s := range []string{"INC-2026-0042", "2026-11-20T09:00:00Z", "INC-01JD3W4Q7XK4N8S8R6Y2ZC9T1M/2", "seq 1234567890", "127.0.0.1:4223",
		// Timestamps: ISO dates and times, with fractions and offsets.
		"2026-11-22T02:40:00Z", "2026-11-22", "2026-11-22 02:40:00", "2026-11-22T02:40:00.123456789+01:00", "at 02:40:00.123456789",
		"2026-11-22 02:40:00.123456789 +0000 UTC",
		// Durations and decimal numbers.
		"took 1.234567891s", "waited 1234567890ns", "2h0m0s", "rate 0.123456789",
		// Sequence numbers and counts after their word.
		"stream_seq=1234567890", "delivered 123456789", "count: 1234567890", "offset#123456789",
		// Ids and hashes that hold long digit runs.
		"INC-20261122-000123456", "INC-2026-123456789", "req_123456789012", "notice 01JD3W4Q7XK4N8S8R6Y2ZC9T1M",
		"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "1234567890abcdef", "abcdef1234567890",
		// Addresses and short numbers.
		"192.168.100.200:4222", "smtp 550 5.1.1", "exit 2", "4222 4223",
	} {
		if got := Scrub(s); got != s {
			t.Errorf("Scrub(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestScrubNationalPhones: phone numbers as people write them at home,
// without the country code (GDPR Art. 4(1): a phone number identifies a
// person).
func TestScrubNationalPhones(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "[redacted]"},                                  // CN mobile
		{"call 020 7946 0958 today", "call [redacted] today"},          // UK London
		{"(020) 7946 0958", "[redacted]"},                              // UK, area code in parentheses
		{"0151 23456789", "[redacted]"},                                // DE mobile
		{"0151-234-56789.", "[redacted]."},                             // dashes, end of sentence
		{"01.23.45.67.89", "[redacted]"},                               // FR, dots
		{"06 12 34 56 78", "[redacted]"},                               // FR mobile, spaces
		{"tel:13800138000", "tel:[redacted]"},                          // after a colon
		{"电话13800138000", "电话[redacted]"},                              // right after non-Latin text
		{"a 13800138000, b 13900139000", "a [redacted], b [redacted]"}, // several
		{"on 2026-11-22 call 13800138000", "on 2026-11-22 call [redacted]"},
		{"+44 20 7946 0958", "[redacted]"}, // international, as before
	}
	for _, tc := range tests {
		if got := Scrub(tc.in); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestIsPersonalKey: keys that denote a person, including ones made of
// parts ("approved_by", "guardian_contact"), and keys that only look alike.
func TestIsPersonalKey(t *testing.T) {
	for _, k := range []string{"name", "approver", "approved_by", "person", "person_id", "subject_name", "user", "username", "recipient",
		"recipients", "guardian", "guardian_contact", "contact", "Email", "reply-to-email", "home_phone", "Mobile", "address", "date_of_birth"} {
		if !IsPersonalKey(k) {
			t.Errorf("IsPersonalKey(%q) = false, want true", k)
		}
	}
	for _, k := range []string{"incident", "notice", "channel", "component", "stream_seq", "delivered", "count", "subjects", "people",
		"request_id", "channel_name", "server_name", "hostname", "addr", "status", "error", "risk", "revision"} {
		if IsPersonalKey(k) {
			t.Errorf("IsPersonalKey(%q) = true, want false", k)
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
