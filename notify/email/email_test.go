package email

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

const (
	testUser     = "mailer@breach.example"
	testPassword = "s3cret-Pa55word!"
)

var fixedNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// harness is a notifier wired to an in-process SMTP server, with the
// secrets and addresses every test checks for leaks.
type harness struct {
	t       *testing.T
	srv     *notifytest.SMTPServer
	n       *Notifier
	log     *notifytest.Log
	errs    []error
	rcpts   []string
	secrets []string
	mu      sync.Mutex
}

func newHarness(t *testing.T, b notifytest.Behaviour, mutate func(*Config)) *harness {
	t.Helper()
	srv := notifytest.StartSMTP(t, b)
	cfg := Config{
		Host:        srv.Host,
		Port:        srv.Port,
		TLS:         TLSNone,
		From:        "Example Privacy Office <privacy@example.org>",
		ReplyTo:     "dpo@example.org",
		Connections: 2,
		Timeout:     5 * time.Second,
	}
	if b.Auth != nil {
		cfg.Username, cfg.Password = b.Auth.Username, config.NewSecret(b.Auth.Password)
	}
	if b.StartTLS || b.ImplicitTLS {
		// Either is enough; tests switch one off to try the other.
		cfg.TLS = TLSStartTLS
		cfg.InsecureSkipVerify = true
		cfg.RootCAs = srv.CertPool()
	}
	if b.ImplicitTLS {
		cfg.TLS = TLSImplicit
	}
	if mutate != nil {
		mutate(&cfg)
	}
	h := &harness{t: t, srv: srv, log: notifytest.NewLog(), secrets: []string{testPassword, cfg.Password.Reveal()}}
	n, err := New(cfg, h.log.Entry, WithClock(clock))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.n = n
	t.Cleanup(func() {
		_ = n.Close()
		h.mu.Lock()
		defer h.mu.Unlock()
		notifytest.AssertNoLeak(t, h.secrets, h.rcpts, h.errs, h.log.String())
	})
	return h
}

// send notifies m and records the recipient and error for the leak check.
func (h *harness) send(ctx context.Context, m *notify.Message) (string, error) {
	id, err := h.n.Notify(ctx, m)
	h.mu.Lock()
	h.rcpts = append(h.rcpts, m.To)
	h.errs = append(h.errs, err)
	h.mu.Unlock()
	return id, err
}

func notice(to string, i int) *notify.Message {
	return &notify.Message{
		Key:              fmt.Sprintf("INC-2026-0042/u-%d/email/1", i),
		IncidentID:       "INC-2026-0042",
		SubjectID:        fmt.Sprintf("u-%d", i),
		Channel:          notify.ChannelEmail,
		To:               to,
		ToName:           "Zoë Müller",
		Locale:           "de-DE",
		Subject:          "Wichtige Sicherheitsmitteilung / Important security notice",
		Text:             "Dear customer,\nan intruder copied our order database.\nVerification code: K7Q-2MX\n",
		HTML:             "<p>Dear customer,</p><p>an intruder copied our <b>order database</b>.</p><p>Verification code: K7Q-2MX</p>",
		VerificationCode: "K7Q-2MX",
	}
}

func deliveryError(t *testing.T, err error) *notify.DeliveryError {
	t.Helper()
	var de *notify.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("got error %v (%T), want a *notify.DeliveryError", err, err)
	}
	return de
}

func parse(t *testing.T, raw []byte) *netmail.Message {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, raw)
	}
	return m
}

type part struct{ ContentType, Body string }

// parts decodes a multipart/alternative body into its parts, in order.
func parts(t *testing.T, m *netmail.Message) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("got Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	var out []part
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("decode part: %v", err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out = append(out, part{ct, strings.ReplaceAll(string(b), "\r\n", "\n")})
	}
	return out
}

func TestDelivery(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{}, nil)
	m := notice("alice@example.net", 1)
	id, err := h.send(context.Background(), m)
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := h.srv.Messages()
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	if got[0].From != "privacy@example.org" || !cmp.Equal(got[0].To, []string{"alice@example.net"}) {
		t.Errorf("got envelope from %q to %v, want privacy@example.org to [alice@example.net]", got[0].From, got[0].To)
	}
	msg := parse(t, got[0].Data)
	if msg.Header.Get("Message-ID") != id {
		t.Errorf("got provider id %q, want the Message-ID %q", id, msg.Header.Get("Message-ID"))
	}
	if st := h.n.Stats(); st.Sent != 1 || st.Dials != 1 || st.Failed != 0 {
		t.Errorf("got stats %+v, want 1 sent over 1 dial", st)
	}
}

func TestMultipartOrder(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{}, nil)
	m := notice("bob@example.net", 2)
	if _, err := h.send(context.Background(), m); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := parts(t, parse(t, h.srv.Messages()[0].Data))
	want := []part{{"text/plain", m.Text}, {"text/html", m.HTML}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}

	t.Run("text only", func(t *testing.T) {
		m := notice("carol@example.net", 3)
		m.HTML = ""
		if _, err := h.send(context.Background(), m); err != nil {
			t.Fatalf("Notify: %v", err)
		}
		msgs := h.srv.MessagesTo("carol@example.net")
		msg := parse(t, msgs[0].Data)
		if ct := msg.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("got Content-Type %q, want text/plain", ct)
		}
	})
}

func TestHeaders(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{}, nil)
	m := notice("dave@example.net", 4)
	if _, err := h.send(context.Background(), m); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	msg := parse(t, h.srv.Messages()[0].Data)
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	date, err := msg.Header.Date()
	if err != nil {
		t.Fatalf("Date header: %v", err)
	}
	to, err := (&netmail.AddressParser{WordDecoder: dec}).Parse(msg.Header.Get("To"))
	if err != nil {
		t.Fatalf("To header: %v", err)
	}
	from, _ := msg.Header.AddressList("From")
	replyTo, _ := msg.Header.AddressList("Reply-To")
	got := map[string]string{
		"Message-ID":        msg.Header.Get("Message-ID"),
		"X-Breach-Incident": msg.Header.Get("X-Breach-Incident"),
		"X-Breach-Notice":   msg.Header.Get("X-Breach-Notice"),
		"Auto-Submitted":    msg.Header.Get("Auto-Submitted"),
		"Content-Language":  msg.Header.Get("Content-Language"),
		"Subject":           subject,
		"Date":              date.UTC().Format(time.RFC3339),
		"To":                to.String(),
		"From":              fmt.Sprint(from),
		"Reply-To":          fmt.Sprint(replyTo),
	}
	want := map[string]string{
		"Message-ID":        "<" + h.n.Composer().MessageID(m.Key) + ">",
		"X-Breach-Incident": "INC-2026-0042",
		"X-Breach-Notice":   m.Key,
		"Auto-Submitted":    "auto-generated",
		"Content-Language":  "de-DE",
		"Subject":           m.Subject,
		"Date":              "2026-11-20T10:00:00Z",
		"To":                (&netmail.Address{Name: "Zoë Müller", Address: "dave@example.net"}).String(),
		"From":              fmt.Sprint([]*netmail.Address{{Name: "Example Privacy Office", Address: "privacy@example.org"}}),
		"Reply-To":          fmt.Sprint([]*netmail.Address{{Address: "dpo@example.org"}}),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	id := h.n.Composer().MessageID(m.Key)
	if local, domain, _ := strings.Cut(id, "@"); len(local) != 32 || domain != "example.org" {
		t.Errorf("got Message-ID %q, want 32 hex digits at the sender's domain example.org", id)
	}
	if other := h.n.Composer().MessageID(m.Key + "x"); other == id {
		t.Errorf("got the same Message-ID for two keys, want distinct")
	}
}

// TestBodyTransferEncoding: a body of printable US-ASCII with short lines
// goes unencoded (labelled 8bit, CRLF line breaks, "=" intact); so does
// one of UTF-8 text once the server has offered 8BITMIME; with DKIM
// signing every part is quoted-printable; one with a control character,
// invalid UTF-8 or a line over 998 octets is quoted-printable; a server that does not
// offer 8BITMIME gets non-ASCII text quoted-printable, even when the
// notifier had learnt otherwise. Either way the reader gets the text back.
func TestBodyTransferEncoding(t *testing.T) {
	long := strings.Repeat("x", 999)
	type tcase struct {
		name, text, html string
		// wantText, wantHTML: the parts' encodings with a server that
		// takes 8-bit data; nonASCII: the text part holds non-ASCII
		// characters (quoted-printable without 8BITMIME or with DKIM).
		wantText, wantHTML string
		nonASCII           bool
	}
	tests := []tcase{
		{"ascii", "a = b\n\n.leading dot\ttab\n", "<p style=\"a\">=3D</p>", "8bit", "8bit", false},
		{"crlf kept", "one\r\ntwo\r\n", "<p>x</p>", "8bit", "8bit", false},
		{"line of 998", strings.Repeat("y", 998) + "\n", "<p>x</p>", "8bit", "8bit", false},
		{"non-ascii text", "Grüße, Zoë = 李\n", "<p>x</p>", "8bit", "8bit", true},
		{"invalid utf-8", "a\xffb\n", "<p>x</p>", "quoted-printable", "8bit", false},
		{"long html line", "ok\n", "<p>" + long + "</p>", "8bit", "quoted-printable", false},
		{"bare cr", "a\rb\n", "<p>x</p>", "quoted-printable", "8bit", false},
		{"control", "a\x01b\n", "<p>x</p>", "quoted-printable", "8bit", false},
	}
	edKey := func() []byte {
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}()
	for _, setting := range []struct {
		name string
		// eightBit: non-ASCII text may go unencoded.
		eightBit bool
		// learnt: the notifier believes the server offered 8BITMIME.
		learnt bool
		mutate func(*Config)
		strip  bool // the server does not offer 8BITMIME
		signed bool // every part quoted-printable
	}{
		{name: "8BITMIME", eightBit: true},
		{name: "no 8BITMIME", strip: true},
		{name: "8BITMIME lost since", learnt: true, strip: true},
		// Signed: every part quoted-printable (RFC 6376 §5.3).
		{name: "DKIM", signed: true, mutate: func(c *Config) {
			c.DKIM = &DKIMConfig{Domain: "example.org", Selector: "s1", KeyPEM: edKey}
		}},
	} {
		t.Run(setting.name, func(t *testing.T) {
			h := newHarness(t, notifytest.Behaviour{}, func(c *Config) {
				if setting.strip {
					c.Host, c.Port = withoutExtension(t, fmt.Sprintf("%s:%d", c.Host, c.Port), "8BITMIME")
				}
				if setting.mutate != nil {
					setting.mutate(c)
				}
			})
			// The notifier learns the server's extensions at its first
			// connection.
			if _, err := h.send(context.Background(), notice("warm@example.net", 99)); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			for i, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					if setting.learnt {
						h.n.eightBit.Store(true)
					}
					to := fmt.Sprintf("enc%d@example.net", i)
					m := notice(to, 100+i)
					m.Text, m.HTML = tc.text, tc.html
					if _, err := h.send(context.Background(), m); err != nil {
						t.Fatalf("Notify: %v", err)
					}
					wantText, wantHTML := tc.wantText, tc.wantHTML
					if tc.nonASCII && !setting.eightBit {
						wantText = "quoted-printable"
					}
					if setting.signed {
						wantText, wantHTML = "quoted-printable", "quoted-printable"
					}
					checkParts(t, h.srv.MessagesTo(to)[0].Data, []wantPart{{wantText, tc.text}, {wantHTML, tc.html}})
				})
			}
		})
	}
}

// wantPart is a part's expected transfer encoding and decoded body.
type wantPart struct{ enc, body string }

// checkParts reads the parts of a multipart message and compares each
// part's transfer encoding and decoded body (line breaks aside) with want;
// an unencoded part must have CRLF line breaks only.
func checkParts(t *testing.T, raw []byte, want []wantPart) {
	t.Helper()
	checkDecoded(t, raw, want)
}

// checkDecoded is checkParts; a want of encoding "" takes any, and a
// message of one part is read as that part.
func checkDecoded(t *testing.T, raw []byte, want []wantPart) {
	t.Helper()
	mm := parse(t, raw)
	mt, params, _ := mime.ParseMediaType(mm.Header.Get("Content-Type"))
	if !strings.HasPrefix(mt, "multipart/") {
		if len(want) != 1 {
			t.Fatalf("got a %s message, want %d parts", mt, len(want))
		}
		checkPart(t, mm.Header.Get("Content-Transfer-Encoding"), mm.Header.Get("Content-Type"), mm.Body, want[0])
		return
	}
	r := multipart.NewReader(mm.Body, params["boundary"])
	for _, w := range want {
		p, err := r.NextRawPart()
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		checkPart(t, p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Type"), p, w)
	}
}

// checkPart compares one part, of transfer encoding enc, with w.
func checkPart(t *testing.T, enc, contentType string, r io.Reader, w wantPart) {
	t.Helper()
	norm := func(s string) string { return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }
	if w.enc != "" && enc != w.enc {
		t.Errorf("%s: got Content-Transfer-Encoding %q, want %q", contentType, enc, w.enc)
	}
	if enc == "quoted-printable" {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: decode: %v", contentType, err)
	}
	if enc == "8bit" && bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("unencoded part has a bare LF: %q", b)
	}
	// A bare CR is a line break to the quoted-printable encoder: such a
	// body is compared by encoding only.
	if !strings.Contains(strings.ReplaceAll(w.body, "\r\n", ""), "\r") {
		if norm(string(b)) != norm(w.body) {
			t.Errorf("%s: got body %q, want %q", contentType, b, w.body)
		}
	}
}

// withoutExtension starts a proxy to the SMTP server at addr that hides
// the EHLO extension ext from the client, and returns its host and port.
func withoutExtension(t *testing.T, addr, ext string) (string, int) {
	return notifytest.Proxy(t, addr, notifytest.ProxyOptions{ServerLine: func(line string) string {
		if len(line) > 4 && strings.EqualFold(strings.TrimSpace(line[4:]), ext) {
			return line[:4] + "X-HIDDEN\r\n"
		}
		return line
	}})
}

func TestDKIM(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	edDER, _ := x509.MarshalPKCS8PrivateKey(edKey)
	tests := []struct {
		name   string
		keyPEM []byte
		txt    string
	}{
		{"rsa pkcs1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}),
			"v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(rsaPub)},
		{"ed25519 pkcs8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER}),
			"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(edPub)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, notifytest.Behaviour{}, func(c *Config) {
				c.DKIM = &DKIMConfig{Domain: "example.org", Selector: "breach2026", KeyPEM: tc.keyPEM}
			})
			m := notice("erin@example.net", 5)
			m.Subject = "Notice\r\nBcc: evil@attacker.example"
			if _, err := h.send(context.Background(), m); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			raw := h.srv.Messages()[0].Data
			var looked []string
			lookup := func(domain string) ([]string, error) {
				looked = append(looked, domain)
				if domain != "breach2026._domainkey.example.org" {
					return nil, fmt.Errorf("no TXT record for %s", domain)
				}
				return []string{tc.txt}, nil
			}
			vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if len(vs) != 1 {
				t.Fatalf("got %d signatures, want 1", len(vs))
			}
			if vs[0].Err != nil {
				t.Fatalf("got verification error %v, want a valid signature\n%s", vs[0].Err, raw)
			}
			if vs[0].Domain != "example.org" {
				t.Errorf("got d=%q, want example.org", vs[0].Domain)
			}
			for _, hdr := range []string{"from", "to", "subject", "date", "message-id", "x-breach-incident", "x-breach-notice"} {
				if !containsFold(vs[0].HeaderKeys, hdr) {
					t.Errorf("got signed headers %v, want %s among them", vs[0].HeaderKeys, hdr)
				}
			}
			if !strings.Contains(string(raw), "c=relaxed/relaxed") {
				t.Errorf("got no c=relaxed/relaxed tag in the signature")
			}

			// A changed body must break the signature.
			tampered := bytes.Replace(raw, []byte("order database"), []byte("order databasE"), 1)
			vs, err = dkim.VerifyWithOptions(bytes.NewReader(tampered), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil || len(vs) != 1 || vs[0].Err == nil {
				t.Errorf("got %v / %v for a tampered body, want a failed verification", err, vs)
			}
		})
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func TestHeaderInjection(t *testing.T) {
	tests := []struct {
		name, toName, subject string
	}{
		{"CRLF in display name", "Eve\r\nBcc: evil@attacker.example", "Notice"},
		{"LF in display name", "Eve\nX-Injected: yes", "Notice"},
		{"CRLF in subject", "Eve", "Notice\r\nBcc: evil@attacker.example"},
		{"LF in subject then body", "Eve", "Notice\n\nfake body\r\nX-Injected: yes"},
		{"bare CR in subject", "Eve", "Notice\rX-Injected: yes"},
		{"unicode line separator", "Eve\u2028X-Injected: yes", "Notice\u2029X-Injected: yes"},
	}
	h := newHarness(t, notifytest.Behaviour{}, nil)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			to := fmt.Sprintf("frank%d@example.net", i)
			m := notice(to, 10+i)
			m.ToName, m.Subject = tc.toName, tc.subject
			if _, err := h.send(context.Background(), m); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := h.srv.MessagesTo(to)
			if len(got) != 1 || len(got[0].To) != 1 {
				t.Fatalf("got %d messages (%+v), want exactly one to one recipient", len(got), got)
			}
			raw := got[0].Data
			head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			for _, line := range strings.Split(string(head), "\r\n") {
				low := strings.ToLower(line)
				if strings.HasPrefix(low, "bcc:") || strings.HasPrefix(low, "x-injected:") {
					t.Errorf("got injected header line %q", line)
				}
			}
			msg := parse(t, raw)
			if len(msg.Header["Bcc"]) > 0 || len(msg.Header["X-Injected"]) > 0 {
				t.Errorf("got injected headers %v", msg.Header)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Fatalf("decode subject: %v", err)
			}
			if strings.ContainsAny(subject, "\r\n") {
				t.Errorf("got subject %q, want it on one line", subject)
			}
		})
	}
	if n := len(h.srv.MessagesTo("evil@attacker.example")); n != 0 {
		t.Errorf("got %d messages to the injected address, want 0", n)
	}
}

func TestAuth(t *testing.T) {
	creds := &notifytest.Credentials{Username: testUser, Password: testPassword}

	t.Run("accepted", func(t *testing.T) {
		h := newHarness(t, notifytest.Behaviour{Auth: creds}, nil)
		if _, err := h.send(context.Background(), notice("grace@example.net", 20)); err != nil {
			t.Fatalf("Notify: %v", err)
		}
		if got := h.srv.Messages()[0].User; got != testUser {
			t.Errorf("got authenticated user %q, want %q", got, testUser)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		h := newHarness(t, notifytest.Behaviour{Auth: creds}, func(c *Config) {
			c.Password = config.NewSecret("wrong-" + testPassword)
		})
		for i := range 3 {
			_, err := h.send(context.Background(), notice(fmt.Sprintf("heidi%d@example.net", i), 21+i))
			de := deliveryError(t, err)
			if de.Permanent || de.Code != "535 5.7.8" || !errors.Is(err, ErrAuth) {
				t.Errorf("got %+v, want temporary 535 5.7.8 wrapping ErrAuth", de)
			}
		}
		if got := h.log.Count(logrus.ErrorLevel, "SMTP authentication failed"); got != 1 {
			t.Errorf("got %d error logs about authentication, want exactly 1\n%s", got, h.log.String())
		}
		if got := h.srv.AuthFailures(); got != 3 {
			t.Errorf("got %d AUTH failures at the server, want 3", got)
		}
		// The operator fixes the account: the next message goes out and
		// the recovery is logged once.
		h.srv.Update(func(b *notifytest.Behaviour) {
			b.Auth = &notifytest.Credentials{Username: testUser, Password: "wrong-" + testPassword}
		})
		if _, err := h.send(context.Background(), notice("heidi@example.net", 24)); err != nil {
			t.Fatalf("Notify after the fix: %v", err)
		}
		if got := h.log.Count(logrus.InfoLevel, "SMTP connection works again"); got != 1 {
			t.Errorf("got %d recovery logs, want 1", got)
		}
	})

	t.Run("missing credentials", func(t *testing.T) {
		h := newHarness(t, notifytest.Behaviour{Auth: creds}, func(c *Config) {
			c.Username, c.Password = "", config.Secret{}
		})
		_, err := h.send(context.Background(), notice("ivan@example.net", 25))
		de := deliveryError(t, err)
		if de.Permanent || de.Code != "530 5.7.0" || !errors.Is(err, ErrSender) {
			t.Errorf("got %+v, want temporary 530 5.7.0 wrapping ErrSender", de)
		}
		if got := h.log.Count(logrus.ErrorLevel, "refused the sender"); got != 1 {
			t.Errorf("got %d error logs about the sender, want 1", got)
		}
	})
}

func TestStartTLS(t *testing.T) {
	creds := &notifytest.Credentials{Username: testUser, Password: testPassword}
	b := notifytest.Behaviour{Auth: creds, StartTLS: true, RequireTLS: true}

	t.Run("insecure skip verify", func(t *testing.T) {
		h := newHarness(t, b, func(c *Config) { c.RootCAs = nil })
		if _, err := h.send(context.Background(), notice("judy@example.net", 30)); err != nil {
			t.Fatalf("Notify: %v", err)
		}
		if m := h.srv.Messages()[0]; !m.TLS || m.User != testUser {
			t.Errorf("got TLS %v user %q, want an authenticated message over TLS", m.TLS, m.User)
		}
	})

	t.Run("verified with the test CA", func(t *testing.T) {
		h := newHarness(t, b, func(c *Config) { c.InsecureSkipVerify = false })
		if _, err := h.send(context.Background(), notice("judy@example.net", 31)); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	})

	t.Run("untrusted certificate", func(t *testing.T) {
		h := newHarness(t, b, func(c *Config) { c.InsecureSkipVerify, c.RootCAs = false, nil })
		_, err := h.send(context.Background(), notice("judy@example.net", 32))
		if de := deliveryError(t, err); de.Permanent || !errors.Is(err, ErrTLS) {
			t.Errorf("got %+v, want temporary wrapping ErrTLS", de)
		}
		if got := h.log.Count(logrus.ErrorLevel, "TLS with the SMTP server failed"); got != 1 {
			t.Errorf("got %d TLS error logs, want 1", got)
		}
	})

	t.Run("server without STARTTLS", func(t *testing.T) {
		h := newHarness(t, notifytest.Behaviour{}, func(c *Config) { c.TLS = TLSStartTLS })
		_, err := h.send(context.Background(), notice("judy@example.net", 33))
		if de := deliveryError(t, err); de.Permanent || !errors.Is(err, ErrTLS) {
			t.Errorf("got %+v, want temporary wrapping ErrTLS", de)
		}
	})

	t.Run("implicit TLS", func(t *testing.T) {
		h := newHarness(t, notifytest.Behaviour{Auth: creds, ImplicitTLS: true}, nil)
		if _, err := h.send(context.Background(), notice("judy@example.net", 34)); err != nil {
			t.Fatalf("Notify: %v", err)
		}
		if m := h.srv.Messages()[0]; !m.TLS || m.User != testUser {
			t.Errorf("got TLS %v user %q, want an authenticated message over TLS", m.TLS, m.User)
		}
	})
}

func TestConnectionReuse(t *testing.T) {
	const messages, senders = 60, 8
	h := newHarness(t, notifytest.Behaviour{}, func(c *Config) { c.Connections = 3 })
	var wg sync.WaitGroup
	errs := make(chan error, messages)
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := s; i < messages; i += senders {
				if _, err := h.send(context.Background(), notice(fmt.Sprintf("user%d@example.net", i), i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Notify: %v", err)
	}
	if got := h.srv.Delivered(); got != messages {
		t.Errorf("got %d messages delivered, want %d", got, messages)
	}
	if got := h.srv.Connections(); got < 1 || got > 3 {
		t.Errorf("got %d connections for %d messages, want 1 to 3", got, messages)
	}
	if st := h.n.Stats(); st.Dials > 3 || st.Sent != messages {
		t.Errorf("got stats %+v, want ≤ 3 dials and %d sent", st, messages)
	}
	if err := h.n.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	waitFor(t, func() bool { return h.srv.OpenConnections() == 0 }, "Close to close every pooled connection")
}

// TestPipelinedStream has eight senders share one connection, so that each
// message's MAIL FROM, RCPT TO and DATA go out behind the message before
// it, while the server refuses some recipients, refuses some contents and
// defers others: every message gets its own outcome, and refusals of one
// message never spoil the next.
func TestPipelinedStream(t *testing.T) {
	const messages, senders = 64, 8
	addr := func(i int) string { return fmt.Sprintf("p%d@example.net", i) }
	var reject, rejectData, deferData []string
	for i := range messages {
		switch i % 8 {
		case 3:
			reject = append(reject, addr(i))
		case 5:
			rejectData = append(rejectData, addr(i))
		case 6:
			deferData = append(deferData, addr(i))
		}
	}
	// A server that takes 2ms over each message's data, so that the other
	// senders are waiting whenever a message's data goes out (on a busy
	// machine they might not be, and fewer messages would follow one
	// another).
	h := newHarness(t, notifytest.Behaviour{Reject: reject, RejectData: rejectData, DeferData: deferData, DataDelay: 2 * time.Millisecond},
		func(c *Config) { c.Connections = 1 })
	errs := make([]error, messages)
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := s; i < messages; i += senders {
				_, errs[i] = h.send(context.Background(), notice(addr(i), i))
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		delivered := len(h.srv.MessagesTo(addr(i)))
		switch i % 8 {
		case 3, 5:
			if de := deliveryError(t, err); !de.Permanent || !errors.Is(err, ErrRejected) || delivered != 0 {
				t.Errorf("message %d: got %+v and %d delivered, want a permanent rejection", i, de, delivered)
			}
		case 6:
			if de := deliveryError(t, err); de.Permanent || !errors.Is(err, ErrDeferred) || delivered != 0 {
				t.Errorf("message %d: got %+v and %d delivered, want a temporary deferral", i, de, delivered)
			}
		default:
			if err != nil || delivered != 1 {
				t.Errorf("message %d: got %v and %d delivered, want it accepted once", i, err, delivered)
			}
		}
	}
	st := h.n.Stats()
	if st.Dials != 1 || h.srv.Connections() != 1 {
		t.Errorf("got %d dials and %d connections, want one of each: refusals keep the connection", st.Dials, h.srv.Connections())
	}
	if st.Pipelined < messages/2 {
		t.Errorf("got %d of %d messages pipelined behind the one before, want most of them", st.Pipelined, messages)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestClassification(t *testing.T) {
	tests := []struct {
		name          string
		behaviour     notifytest.Behaviour
		to            string
		wantPermanent bool
		wantCode      string
		wantIs        error
		wantReason    string
	}{
		{"550 unknown user", notifytest.Behaviour{Reject: []string{"Nobody@Example.net"}}, "nobody@example.net",
			true, "550 5.1.1", ErrRejected, "recipient rejected by smtp server"},
		{"451 greylisted", notifytest.Behaviour{Defer: []string{"later@example.net"}}, "later@example.net",
			false, "451 4.7.1", ErrDeferred, "recipient deferred by smtp server"},
		{"554 content refused after DATA", notifytest.Behaviour{RejectData: []string{"spam@example.net"}}, "spam@example.net",
			true, "554 5.7.1", ErrRejected, "message rejected by smtp server"},
		{"451 after DATA", notifytest.Behaviour{DeferData: []string{"full@example.net"}}, "full@example.net",
			false, "451 4.3.0", ErrDeferred, "message deferred by smtp server"},
		{"dropped at data", notifytest.Behaviour{DropRate: 1, DropAt: notifytest.DropAtData}, "lost@example.net",
			false, "", ErrConnection, "smtp connection lost"},
		{"dropped at rcpt", notifytest.Behaviour{DropRate: 1, DropAt: notifytest.DropAtRcpt}, "lost@example.net",
			false, "", ErrConnection, "smtp connection lost"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.behaviour, nil)
			_, err := h.send(context.Background(), notice(tc.to, 40))
			de := deliveryError(t, err)
			if de.Permanent != tc.wantPermanent || de.Code != tc.wantCode || de.Reason != tc.wantReason {
				t.Errorf("got permanent %v code %q reason %q, want %v %q %q", de.Permanent, de.Code, de.Reason,
					tc.wantPermanent, tc.wantCode, tc.wantReason)
			}
			if notify.IsPermanent(err) != tc.wantPermanent {
				t.Errorf("got IsPermanent %v, want %v", notify.IsPermanent(err), tc.wantPermanent)
			}
			if !errors.Is(err, tc.wantIs) {
				t.Errorf("got %v, want it to wrap %v", err, tc.wantIs)
			}
			// The pool carries on: a refusal keeps the connection, a
			// lost connection is replaced.
			h.srv.Update(func(b *notifytest.Behaviour) { b.DropRate = 0 })
			if _, err := h.send(context.Background(), notice("ok@example.net", 41)); err != nil {
				t.Fatalf("next Notify: %v", err)
			}
			wantConns := 1
			if tc.wantIs == ErrConnection {
				wantConns = 2
			}
			if got := h.srv.Connections(); got != wantConns {
				t.Errorf("got %d connections, want %d", got, wantConns)
			}
		})
	}
}

func TestDeferredThenAccepted(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{Defer: []string{"later@example.net"}, DeferTimes: 2}, nil)
	m := notice("later@example.net", 41)
	for i := range 2 {
		if _, err := h.send(context.Background(), m); notify.IsPermanent(err) || err == nil {
			t.Fatalf("attempt %d: got %v, want a temporary failure", i+1, err)
		}
	}
	if _, err := h.send(context.Background(), m); err != nil {
		t.Fatalf("attempt 3: got %v, want delivery", err)
	}
	// A refused recipient does not spoil the connection.
	if got := h.srv.Connections(); got != 1 {
		t.Errorf("got %d connections, want the first one reused", got)
	}
	if got := h.srv.RcptAttempts("later@example.net"); got != 3 {
		t.Errorf("got %d RCPT attempts, want 3", got)
	}
}

func TestDroppedConnectionRecovers(t *testing.T) {
	for _, stage := range []notifytest.Stage{notifytest.DropAtData, notifytest.DropAtRcpt} {
		t.Run(stage.String(), func(t *testing.T) {
			h := newHarness(t, notifytest.Behaviour{DropAt: stage}, func(c *Config) { c.Connections = 1 })
			h.srv.DropNext(1)
			_, err := h.send(context.Background(), notice("kim@example.net", 50))
			if de := deliveryError(t, err); de.Permanent || !errors.Is(err, ErrConnection) {
				t.Fatalf("got %+v, want a temporary connection failure", de)
			}
			if _, err := h.send(context.Background(), notice("kim@example.net", 50)); err != nil {
				t.Fatalf("next Notify: got %v, want delivery on a fresh connection", err)
			}
			if got, want := h.srv.Connections(), 2; got != want {
				t.Errorf("got %d connections, want %d", got, want)
			}
			if got := len(h.srv.MessagesTo("kim@example.net")); got != 1 {
				t.Errorf("got %d messages kept by the server, want 1", got)
			}
		})
	}
}

func TestStaleConnectionIsRedialled(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{}, func(c *Config) { c.Connections = 1 })
	if _, err := h.send(context.Background(), notice("lena@example.net", 60)); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	waitFor(t, func() bool { return h.srv.CloseConnections() == 1 }, "the server to close the pooled connection")
	// Nothing of the next message reached the dead connection, so the
	// notifier resends it on a fresh one without reporting an error.
	if _, err := h.send(context.Background(), notice("lena@example.net", 61)); err != nil {
		t.Fatalf("Notify after the server closed the connection: %v", err)
	}
	if got := h.srv.Connections(); got != 2 {
		t.Errorf("got %d connections, want 2", got)
	}
}

func TestIdleConnectionIsReplaced(t *testing.T) {
	now := fixedNow
	var mu sync.Mutex
	srv := notifytest.StartSMTP(t, notifytest.Behaviour{})
	log := notifytest.NewLog()
	n, err := New(Config{Host: srv.Host, Port: srv.Port, TLS: TLSNone, From: "privacy@example.org", Connections: 1,
		IdleTimeout: time.Minute}, log.Entry, WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var errs []error
	for _, advance := range []time.Duration{0, 30 * time.Second, 2 * time.Minute} {
		mu.Lock()
		now = now.Add(advance)
		mu.Unlock()
		_, err := n.Notify(context.Background(), notice("mia@example.net", 70))
		errs = append(errs, err)
		if err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
	if got := srv.Connections(); got != 2 {
		t.Errorf("got %d connections, want 2 (reused within the idle timeout, replaced after it)", got)
	}
	notifytest.AssertNoLeak(t, nil, []string{"mia@example.net"}, errs, log.String())
}

func TestTimeoutAndCancel(t *testing.T) {
	t.Run("server too slow", func(t *testing.T) {
		h := newHarness(t, notifytest.Behaviour{DataDelay: 2 * time.Second}, func(c *Config) { c.Timeout = 300 * time.Millisecond })
		start := time.Now()
		_, err := h.send(context.Background(), notice("nina@example.net", 80))
		if de := deliveryError(t, err); de.Permanent || !errors.Is(err, ErrTimeout) {
			t.Errorf("got %+v, want a temporary timeout", de)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("took %s, want about the 300ms timeout", d)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		h := newHarness(t, notifytest.Behaviour{DataDelay: 2 * time.Second}, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := h.send(ctx, notice("nina@example.net", 81))
		if de := deliveryError(t, err); de.Permanent || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %+v, want a temporary failure wrapping the context's error", de)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("took %s, want Notify to return soon after the context ended", d)
		}
		// The pool recovers: the next message goes out on a new connection.
		h.srv.Update(func(b *notifytest.Behaviour) { b.DataDelay = 0 })
		if _, err := h.send(context.Background(), notice("nina@example.net", 82)); err != nil {
			t.Fatalf("Notify after cancel: %v", err)
		}
	})
}

func TestWaitForConnectionCancelled(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{DataDelay: 1500 * time.Millisecond}, func(c *Config) { c.Connections = 1 })
	slow := make(chan error, 1)
	go func() {
		_, err := h.send(context.Background(), notice("olga@example.net", 85))
		slow <- err
	}()
	waitFor(t, func() bool { return h.srv.Connections() == 1 }, "the first message to take the only connection")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := h.send(ctx, notice("olga@example.net", 86))
	if de := deliveryError(t, err); de.Permanent || de.Reason != "cancelled waiting for a connection" {
		t.Errorf("got %+v, want a temporary failure while waiting for the pool", de)
	}
	if err := <-slow; err != nil {
		t.Errorf("slow message: %v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.Behaviour{})
	port := srv.Port
	_ = srv.Close()
	log := notifytest.NewLog()
	n, err := New(Config{Host: "127.0.0.1", Port: port, TLS: TLSNone, From: "privacy@example.org", Username: testUser,
		Password: config.NewSecret(testPassword), Timeout: time.Second}, log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var errs []error
	for i := range 3 {
		_, err := n.Notify(context.Background(), notice("oscar@example.net", 90+i))
		errs = append(errs, err)
		if de := deliveryError(t, err); de.Permanent || !errors.Is(err, ErrConnection) {
			t.Errorf("got %+v, want a temporary connection failure", de)
		}
	}
	if got := log.Count(logrus.WarnLevel, "cannot connect"); got != 1 {
		t.Errorf("got %d connection warnings, want 1 for the whole outage", got)
	}
	notifytest.AssertNoLeak(t, []string{testPassword}, []string{"oscar@example.net"}, errs, log.String())
}

func TestInvalidMessages(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*notify.Message)
		reason string
	}{
		{"not an address", func(m *notify.Message) { m.To = "peggy at example.net" }, "recipient address is not valid"},
		{"empty address", func(m *notify.Message) { m.To = "" }, "recipient address is empty"},
		{"CRLF in address", func(m *notify.Message) { m.To = "peggy@example.net\r\nRCPT TO:<x@example.net>" }, "recipient address has control characters"},
		{"address with a name", func(m *notify.Message) { m.To = "Peggy <peggy@example.net>" }, "recipient address must be a bare address (the name goes in ToName)"},
		{"no domain dot", func(m *notify.Message) { m.To = "peggy@examplenet" }, "recipient address has no usable domain"},
		{"no text", func(m *notify.Message) { m.Text = " \n" }, "no text body"},
		{"no subject", func(m *notify.Message) { m.Subject = "\r\n" }, "no subject"},
		{"no key", func(m *notify.Message) { m.Key = "" }, "notice key is empty or has control characters"},
		{"wrong channel", func(m *notify.Message) { m.Channel = notify.ChannelSMS }, "channel is sms, not email"},
	}
	h := newHarness(t, notifytest.Behaviour{}, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := notice("peggy@example.net", 100)
			tc.mutate(m)
			_, err := h.send(context.Background(), m)
			de := deliveryError(t, err)
			if !de.Permanent || de.Reason != tc.reason || !errors.Is(err, ErrInvalidMessage) {
				t.Errorf("got permanent %v reason %q, want permanent %q wrapping ErrInvalidMessage", de.Permanent, de.Reason, tc.reason)
			}
		})
	}
	if got := h.srv.Connections(); got != 0 {
		t.Errorf("got %d connections, want none for messages that cannot be composed", got)
	}
	h.mu.Lock()
	h.rcpts = append(h.rcpts, "peggy@example.net")
	h.mu.Unlock()
}

func TestClose(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{}, nil)
	if _, err := h.send(context.Background(), notice("quinn@example.net", 110)); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if err := h.n.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := h.n.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, err := h.send(context.Background(), notice("quinn@example.net", 111))
	if de := deliveryError(t, err); de.Permanent || !errors.Is(err, ErrClosed) {
		t.Errorf("got %+v, want temporary ErrClosed", de)
	}
}

func TestConfigErrors(t *testing.T) {
	good := Config{Host: "smtp.example.org", From: "privacy@example.org", Username: testUser, Password: config.NewSecret(testPassword)}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"no host", func(c *Config) { c.Host = "" }, "channels.email.smtp.host: is required"},
		{"bad tls", func(c *Config) { c.TLS = "maybe" }, `channels.email.smtp.tls: "maybe" is not one of none, starttls, implicit`},
		{"bad port", func(c *Config) { c.Port = 70000 }, "channels.email.smtp.port: must be 1 to 65535, got 70000"},
		{"no from", func(c *Config) { c.From = "" }, "channels.email.from: is required"},
		{"bad from", func(c *Config) { c.From = "privacy at example.org" }, "channels.email.from: is not a valid e-mail address"},
		{"bad reply-to", func(c *Config) { c.ReplyTo = "nope" }, "channels.email.reply_to: is not a valid e-mail address"},
		{"username without password", func(c *Config) { c.Password = config.Secret{} }, "channels.email.smtp.password_file: is required"},
		{"password without username", func(c *Config) { c.Username = "" }, "channels.email.smtp.username: is required"},
		{"clear-text password to a remote host", func(c *Config) { c.TLS = TLSNone }, "channels.email.smtp.tls: none would send the password in clear text"},
		{"negative connections", func(c *Config) { c.Connections = -1 }, "channels.email.connections: must be 1 to 256, got -1"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "channels.email.timeout: must not be negative"},
		{"unknown auth", func(c *Config) { c.AuthMechanism = "ntlm" }, `channels.email.smtp.auth_mechanism: "ntlm" is not one of plain, login`},
		{"bad helo", func(c *Config) { c.HeloName = "two words" }, "channels.email.helo_name:"},
		{"dkim without key", func(c *Config) { c.DKIM = &DKIMConfig{Domain: "example.org", Selector: "s1"} }, "channels.email.dkim.key_file: is not an RSA or Ed25519 private key"},
		{"dkim without selector", func(c *Config) {
			c.DKIM = &DKIMConfig{Domain: "example.org", KeyPEM: []byte("-----BEGIN PRIVATE KEY-----\n" + testPassword + "\n-----END PRIVATE KEY-----\n")}
		}, "channels.email.dkim.selector: is required"},
	}
	var errs []error
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.mutate(&cfg)
			_, err := New(cfg, notifytest.NewLog().Entry)
			errs = append(errs, err)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	notifytest.AssertNoLeak(t, []string{testPassword}, nil, errs, "")

	t.Run("defaults", func(t *testing.T) {
		n, err := New(good, nil)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		got := []any{n.cfg.TLS, n.cfg.Port, n.cfg.Connections, n.cfg.Timeout, n.cfg.IdleTimeout, n.cfg.AuthMechanism}
		want := []any{TLSStartTLS, 587, DefaultConnections, DefaultTimeout, DefaultIdleTimeout, "plain"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("defaults (-want +got):\n%s", diff)
		}
	})
}

// TestFaultMix sends to many recipients concurrently while the server
// defers some of them and drops some connections; retrying temporary
// failures delivers every notice exactly once and nothing leaks.
func TestFaultMix(t *testing.T) {
	for _, tc := range []struct {
		name  string
		conns int
		b     notifytest.Behaviour
	}{{"three connections in ten dropped after the data", 3, notifytest.Behaviour{DropRate: 0.3, DropAt: notifytest.DropAtData}},
		// With one connection for six senders nearly every message goes
		// out pipelined behind the one before it, so these drops hit
		// commands sent ahead of their turn.
		{"one transaction in eight dropped after the data, one connection", 1, notifytest.Behaviour{DropTxRate: 0.125, DropAt: notifytest.DropAtData}},
		{"one transaction in eight dropped at MAIL FROM, one connection", 1, notifytest.Behaviour{DropTxRate: 0.125, DropAt: notifytest.DropAtMail}},
		{"one transaction in eight dropped at RCPT TO, one connection", 1, notifytest.Behaviour{DropTxRate: 0.125, DropAt: notifytest.DropAtRcpt}}} {
		t.Run(tc.name, func(t *testing.T) { testFaultMix(t, tc.conns, tc.b) })
	}
}

// testFaultMix has six senders share conns connections to a server that
// defers a fifth of the recipients once and drops connections as b says;
// every recipient must get exactly one message.
func testFaultMix(t *testing.T, conns int, b notifytest.Behaviour) {
	const recipients, senders = 120, 6
	b.DeferRate, b.DeferTimes = 0.2, 1
	h := newHarness(t, b, func(c *Config) { c.Connections = conns })
	var wg sync.WaitGroup
	var mu sync.Mutex
	attempts := 0
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := s; i < recipients; i += senders {
				m := notice(fmt.Sprintf("fault%d@example.net", i), i)
				for try := 1; ; try++ {
					mu.Lock()
					attempts++
					mu.Unlock()
					_, err := h.send(context.Background(), m)
					if err == nil {
						break
					}
					if notify.IsPermanent(err) || try == 10 {
						t.Errorf("recipient %d, try %d: %v", i, try, err)
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for i := range recipients {
		if got := len(h.srv.MessagesTo(fmt.Sprintf("fault%d@example.net", i))); got != 1 {
			t.Errorf("recipient %d: got %d messages, want exactly 1", i, got)
		}
	}
	if h.srv.Dropped() == 0 || attempts <= recipients {
		t.Errorf("got %d drops and %d attempts for %d recipients, want faults to have happened", h.srv.Dropped(), attempts, recipients)
	}
	t.Logf("%d attempts, %d connections, %d dropped, %d pipelined", attempts, h.srv.Connections(), h.srv.Dropped(), h.n.Stats().Pipelined)
}
