package email

import (
	"bytes"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"github.com/breach-notify/breach/notify"
)

// FuzzCompose feeds arbitrary names, subjects, addresses and bodies to the
// composer: it must never panic, and whatever it accepts must parse as one
// message to one recipient with no header beyond those it sets.
// Run longer with: go test ./notify/email -run '^$' -fuzz FuzzCompose -fuzztime 30s
func FuzzCompose(f *testing.F) {
	f.Add("Zoë", "Notice", "a@example.net", "text", "<p>html</p>", "de")
	f.Add("Eve\r\nBcc: x@evil.example", "S\r\n\r\nbody", "a@example.net", "t", "", "en")
	f.Add("\"quoted\" <name>", "=?utf-8?q?x?=", "a+b@example.net", ".\r\n.\r\n", "</html>", "fr-CA")
	f.Add("", "", "not an address", "", "", "")
	c, err := NewComposer("Privacy <privacy@example.org>", "dpo@example.org", nil, clock)
	if err != nil {
		f.Fatal(err)
	}
	allowed := map[string]bool{"From": true, "To": true, "Reply-To": true, "Subject": true, "Date": true, "Message-Id": true,
		"Mime-Version": true, "Content-Type": true, "X-Breach-Incident": true, "X-Breach-Notice": true,
		"Auto-Submitted": true, "X-Auto-Response-Suppress": true, "Content-Language": true, "Content-Transfer-Encoding": true}
	f.Fuzz(func(t *testing.T, name, subject, to, text, html, locale string) {
		m := &notify.Message{Key: "INC-1/u-1/email/1", IncidentID: "INC-1", Channel: notify.ChannelEmail,
			To: to, ToName: name, Subject: subject, Text: text, HTML: html, Locale: locale}
		for _, compose := range []func(*notify.Message) (*gomail.Msg, error){
			c.Compose,
			func(m *notify.Message) (*gomail.Msg, error) { return c.composeSMTP(m, false) },
			func(m *notify.Message) (*gomail.Msg, error) { return c.composeSMTP(m, true) },
		} {
			msg, err := compose(m)
			if err != nil {
				if strings.Contains(to, "@") && strings.Contains(err.Error(), to) {
					t.Errorf("error %q repeats the address", err)
				}
				return
			}
			var buf bytes.Buffer
			if _, err := msg.WriteTo(&buf); err != nil {
				t.Fatalf("WriteTo: %v", err)
			}
			pm := parse(t, buf.Bytes())
			for k := range pm.Header {
				if !allowed[k] {
					t.Errorf("got unexpected header %q in\n%s", k, buf.Bytes())
				}
			}
			if got := pm.Header["To"]; len(got) != 1 {
				t.Errorf("got To headers %q, want one", got)
			}
		}
	})
}

// TestPrintableText compares the word-at-a-time check with the octet one
// on every octet value at every position of a line, and on UTF-8 text.
func TestPrintableText(t *testing.T) {
	for _, eightBit := range []bool{false, true} {
		for c := 0; c < 256; c++ {
			for pos := 0; pos < 19; pos++ {
				line := []byte(strings.Repeat("a", 19))
				line[pos] = byte(c)
				if got, want := printableText(string(line), eightBit), printableBytes(string(line), eightBit); got != want {
					t.Fatalf("eightBit %t, octet %#x at %d: got %t, want %t", eightBit, c, pos, got, want)
				}
			}
		}
		for _, s := range []string{"Grüße aus Köln, 李 and tabs\there", "", "short", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"} {
			if got, want := printableText(s, eightBit), printableBytes(s, eightBit); got != want {
				t.Errorf("eightBit %t, %q: got %t, want %t", eightBit, s, got, want)
			}
		}
	}
}

// BenchmarkBody measures the check of a notice's text for sending
// unencoded.
func BenchmarkBody(b *testing.B) {
	text := strings.Repeat("Dear customer, an intruder copied our order database on 3 May.\n", 60)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, enc := body(text, true, false); enc != "8bit" {
			b.Fatal(enc)
		}
	}
}

// FuzzWireRoundTrip sends arbitrary text and HTML bodies through the SMTP
// rendering (unencoded or quoted-printable, 8-bit or not) and reads them
// back as a receiver does: every payload line ends in CRLF and fits in
// 998 octets (plus a stuffed dot), and each part decodes to its body.
// Run longer with: go test ./notify/email -run '^$' -fuzz FuzzWireRoundTrip -fuzztime 30s
func FuzzWireRoundTrip(f *testing.F) {
	f.Add("Dear Zoë,\nline two\n", "<p>=3D</p>", true)
	f.Add(".dot\r\n..two\r\nend", "", false)
	f.Add(strings.Repeat("x", 1200), "<p>\xff</p>", true)
	f.Add("a\rb\x00c\t\n", "  \n", false)
	c, err := NewComposer("Privacy <privacy@example.org>", "", nil, clock)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, html string, eightBit bool) {
		m := &notify.Message{Key: "INC-1/u-1/email/1", IncidentID: "INC-1", Channel: notify.ChannelEmail,
			To: "a@example.net", Subject: "Notice", Text: text, HTML: html}
		msg, err := c.composeSMTP(m, eightBit)
		if err != nil {
			return // no text: refused
		}
		w, err := render(msg)
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		defer w.release()
		data := string(w.data)
		if !strings.HasSuffix(data, "\r\n.\r\n") {
			t.Fatalf("payload does not end in CRLF . CRLF: %q", data[max(0, len(data)-20):])
		}
		var plain strings.Builder
		for _, line := range strings.SplitAfter(data[:len(data)-3], "\r\n") {
			if line == "" {
				continue
			}
			if !strings.HasSuffix(line, "\r\n") || strings.Contains(line[:len(line)-2], "\n") {
				t.Fatalf("line without CRLF or with a bare LF: %q", line)
			}
			if len(line)-2 > 999 {
				t.Fatalf("line of %d octets", len(line)-2)
			}
			plain.WriteString(strings.TrimPrefix(line, ".")) // undo dot-stuffing
		}
		want := []wantPart{{"", text}}
		if strings.TrimSpace(html) != "" {
			want = append(want, wantPart{"", html})
		}
		checkDecoded(t, []byte(plain.String()), want)
	})
}
