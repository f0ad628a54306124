package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-msgauth/dkim"
	gomail "github.com/wneessen/go-mail"

	"github.com/breach-notify/breach/internal/ascii"
	"github.com/breach-notify/breach/notify"
)

// The headers every notice carries besides the standard ones.
const (
	HeaderIncident      = "X-Breach-Incident"
	HeaderNotice        = "X-Breach-Notice"
	HeaderAutoSubmitted = "Auto-Submitted"
)

// signedHeaders are covered by the DKIM signature; oversigned ones are
// listed once more, so that a second instance added in transit breaks the
// signature.
var (
	signedHeaders = []string{"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
		"Content-Type", HeaderIncident, HeaderNotice, HeaderAutoSubmitted}
	oversignedHeaders = []string{"From", "To", "Reply-To", "Subject", "Date", "Message-ID"}
)

// ErrInvalidMessage marks a notice that cannot be turned into an e-mail
// (no valid recipient address, no text, a missing key). Retrying cannot
// help.
var ErrInvalidMessage = errors.New("invalid e-mail notice")

// Composer turns a notice into the exact RFC 5322 message the e-mail
// channel sends; the outbox writes the same message to .eml files (its
// non-ASCII text quoted-printable, and every line ending in CRLF: a file
// has no server offering 8BITMIME). It is safe for concurrent use.
type Composer struct {
	from, replyTo *netmail.Address
	domain        string
	dkim          *dkimKey
	now           func() time.Time
}

// NewComposer returns a Composer sending from from (and replyTo, which may
// be empty), signing with dk when it is not nil, dating messages with
// now (time.Now when nil).
func NewComposer(from, replyTo string, dk *DKIMConfig, now func() time.Time) (*Composer, error) {
	var errs []error
	f, err := parseAddress(from)
	if err != nil {
		errs = append(errs, fmt.Errorf("channels.email.from: %w", err))
	}
	var rt *netmail.Address
	if replyTo != "" {
		if rt, err = parseAddress(replyTo); err != nil {
			errs = append(errs, fmt.Errorf("channels.email.reply_to: %w", err))
		}
	}
	key, err := dk.parse()
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if now == nil {
		now = time.Now
	}
	_, domain, _ := strings.Cut(f.Address, "@")
	return &Composer{from: f, replyTo: rt, domain: strings.ToLower(domain), dkim: key, now: now}, nil
}

// MessageID returns the Message-ID of the notice with idempotency key key,
// without angle brackets: a hash of the key at the sender's domain, so a
// resent notice keeps its Message-ID and mail clients can fold duplicates.
func (c *Composer) MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@" + c.domain
}

// Compose builds the message for m: From, To (with display name),
// Reply-To, Subject, Date, Message-ID, X-Breach-Incident, X-Breach-Notice,
// Auto-Submitted, a text/plain part then the HTML alternative (the last
// part is the preferred one, RFC 2046 §5.1.4), DKIM-signed when
// configured. Control characters in the display name and subject become
// spaces, so no header can be injected. Errors for an unusable notice wrap
// ErrInvalidMessage; no error contains the address or the content.
func (c *Composer) Compose(m *notify.Message) (*gomail.Msg, error) {
	return c.compose(m, bodyEncoding{unencoded: c.dkim == nil, crlf: true})
}

// bodyEncoding is how compose writes a message's body parts.
type bodyEncoding struct {
	// unencoded: a part that needs no encoding goes as it is (body);
	// otherwise every part is quoted-printable.
	unencoded bool
	// eightBit: so does one of UTF-8 text, for a server that offers
	// 8BITMIME (RFC 6152).
	eightBit bool
	// crlf: an unencoded part's line breaks are made CRLF.
	crlf bool
}

// composeSMTP is Compose for the notifier's own SMTP transaction: with
// eightBit, for a server that offers 8BITMIME, a UTF-8 body whose lines
// fit goes unencoded too, and an unencoded body keeps its bare line
// feeds, which the DATA payload turns into CRLF (dotStuff). A composer
// that signs with DKIM writes every part quoted-printable (RFC 6376 §5.3:
// signers should use a 7-bit transfer encoding). A part labelled 8bit may
// be converted to quoted-printable by a relay whose next hop lacks
// 8BITMIME, which changes the signed body, whatever octets it holds.
func (c *Composer) composeSMTP(m *notify.Message, eightBit bool) (*gomail.Msg, error) {
	return c.compose(m, bodyEncoding{unencoded: c.dkim == nil, eightBit: eightBit})
}

// eightBitBody reports whether composeSMTP with eightBit would send m
// differently: the composer does not sign, and a body part it sends (the
// text, the HTML when there is any) is not US-ASCII.
func (c *Composer) eightBitBody(m *notify.Message) bool {
	return c.dkim == nil && (!ascii.Is(m.Text) || strings.TrimSpace(m.HTML) != "" && !ascii.Is(m.HTML))
}

// compose is Compose, with the body parts written as enc says.
func (c *Composer) compose(m *notify.Message, enc bodyEncoding) (*gomail.Msg, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: no message", ErrInvalidMessage)
	}
	if m.Channel != "" && m.Channel != notify.ChannelEmail {
		return nil, fmt.Errorf("%w: channel is %s, not email", ErrInvalidMessage, m.Channel)
	}
	if strings.TrimSpace(m.Key) == "" || hasControl(m.Key) {
		return nil, fmt.Errorf("%w: notice key is empty or has control characters", ErrInvalidMessage)
	}
	if strings.TrimSpace(m.IncidentID) == "" || hasControl(m.IncidentID) {
		return nil, fmt.Errorf("%w: incident id is empty or has control characters", ErrInvalidMessage)
	}
	to, err := recipient(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: recipient address %v", ErrInvalidMessage, err)
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, fmt.Errorf("%w: no text body", ErrInvalidMessage)
	}
	subject := clean(m.Subject)
	if subject == "" {
		return nil, fmt.Errorf("%w: no subject", ErrInvalidMessage)
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(c.from)
	msg.AddToMailAddress(&netmail.Address{Name: clean(m.ToName), Address: to})
	if c.replyTo != nil {
		msg.ReplyToMailAddress(c.replyTo)
	}
	msg.Subject(subject)
	msg.SetDateWithValue(c.now())
	msg.SetMessageIDWithValue(c.MessageID(m.Key))
	msg.SetGenHeader(gomail.Header(HeaderIncident), m.IncidentID)
	msg.SetGenHeader(gomail.Header(HeaderNotice), m.Key)
	msg.SetGenHeader(gomail.Header(HeaderAutoSubmitted), "auto-generated")
	msg.SetGenHeader(gomail.Header("X-Auto-Response-Suppress"), "All")
	if localeRe.MatchString(m.Locale) {
		msg.SetGenHeader(gomail.Header("Content-Language"), m.Locale)
	}
	text, te := enc.part(m.Text)
	msg.SetBodyWriter(gomail.TypeTextPlain, writeString(text), gomail.WithPartEncoding(te))
	if strings.TrimSpace(m.HTML) != "" {
		html, he := enc.part(m.HTML)
		msg.AddAlternativeWriter(gomail.TypeTextHTML, writeString(html), gomail.WithPartEncoding(he))
	}
	if c.dkim != nil {
		if err := c.sign(msg); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// sign adds a DKIM-Signature (relaxed/relaxed) to msg. go-mail v0.8.1's
// own signer folds a long h= tag inside header names, which breaks the
// signature of relaxed verifiers, so the message is rendered once here,
// signed with go-msgauth, and the signature added as a preformatted
// header. Every later rendering (SMTP, outbox) is byte-identical apart
// from that header: the Date, Message-ID and MIME boundary are fixed by
// then.
func (c *Composer) sign(msg *gomail.Msg) error {
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return fmt.Errorf("render message for dkim: %w", err)
	}
	s, err := dkim.NewSigner(&dkim.SignOptions{
		Domain:                 c.dkim.domain,
		Selector:               c.dkim.selector,
		Signer:                 c.dkim.signer,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             append(slices.Clone(signedHeaders), oversignedHeaders...),
	})
	if err != nil {
		return fmt.Errorf("dkim signer: %w", err)
	}
	if _, err := s.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("dkim sign: %w", err)
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("dkim sign: %w", err)
	}
	_, value, ok := strings.Cut(s.Signature(), ":")
	if !ok {
		return errors.New("dkim sign: malformed signature header")
	}
	msg.SetGenHeaderPreformatted(gomail.Header("DKIM-Signature"), strings.TrimSuffix(strings.TrimLeft(value, " "), "\r\n"))
	return nil
}

// part returns a body part's content and transfer encoding.
func (e bodyEncoding) part(s string) (string, gomail.Encoding) {
	if !e.unencoded {
		return s, gomail.EncodingQP
	}
	return body(s, e.eightBit, e.crlf)
}

// writeString is a part's body writer: s itself, written as often as the
// message is rendered (go-mail's SetBodyString would first copy it).
func writeString(s string) func(io.Writer) (int64, error) {
	return func(w io.Writer) (int64, error) {
		n, err := io.WriteString(w, s)
		return int64(n), err
	}
}

// maxLine is the longest line, in octets without its CRLF, that a body
// may carry unencoded (RFC 5322 §2.1.1, RFC 2045 §2.8).
const maxLine = 998

// body returns a part's content and its transfer encoding. A body of
// printable US-ASCII (and tabs) whose lines all fit in maxLine octets
// goes as it is (with its line breaks made CRLF when crlf is set; the
// SMTP DATA payload does that anyway): it needs no encoding,
// stays readable in transit, and is not run through a quoted-printable
// encoder byte by byte (make bench-e2e: that encoding was an eighth of the
// processor time of an e-mail campaign). With eightBit, so does a body of
// valid UTF-8 under the same rules (for a server that offers 8BITMIME).
// Anything else — a non-ASCII letter otherwise, a control character,
// invalid UTF-8, a long line — is quoted-printable. The unencoded part is
// labelled 8bit, not 7bit: go-mail v0.8.1 writes a "7bit" part through its
// quoted-printable encoder, which would corrupt every "=" in it. 8bit is a
// superset of 7bit (RFC 2045 §2.7–2.8), and US-ASCII data is 7-bit, so no
// server, with or without 8BITMIME (RFC 6152), receives an octet it could
// not carry (a composer that signs never sends a part unencoded: see
// composeSMTP).
func body(s string, eightBit, crlf bool) (string, gomail.Encoding) {
	if eightBit && !utf8.ValidString(s) {
		return s, gomail.EncodingQP
	}
	bare := 0 // line breaks without their CR
	for rest := s; len(rest) > 0; {
		line := rest
		i := strings.IndexByte(rest, '\n')
		if i >= 0 {
			line, rest = rest[:i], rest[i+1:]
			if strings.HasSuffix(line, "\r") {
				line = line[:len(line)-1]
			} else {
				bare++
			}
		} else {
			rest = ""
		}
		if len(line) > maxLine || !printableText(line, eightBit) {
			return s, gomail.EncodingQP
		}
	}
	if bare == 0 || !crlf {
		return s, gomail.NoEncoding
	}
	var b strings.Builder
	b.Grow(len(s) + bare)
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.WriteString(s)
			return b.String(), gomail.NoEncoding
		}
		b.WriteString(s[:i])
		if i == 0 || s[i-1] != '\r' {
			b.WriteByte('\r')
		}
		b.WriteString("\n")
		s = s[i+1:]
	}
}

// printable marks the octets a body may carry unencoded: printable US-ASCII
// and the tab.
var printable = func() (t [256]bool) {
	for c := ' '; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	return t
}()

// Word-at-a-time masks: every byte 0x01, and every byte 0x80.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// printableText reports whether every octet of line is printable, or,
// with eightBit, part of a non-ASCII UTF-8 character. (The caller has
// checked that the whole body is valid UTF-8; the C1 controls, U+0080 to
// U+009F, are let through as characters, as the quoted-printable path
// would carry them too.) It reads eight octets at a time, and looks at
// the octets of a word one by one only when the word may hold one that is
// not printable (a tab, say).
func printableText(line string, eightBit bool) bool {
	i := 0
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(line[i : i+8]))
		if !eightBit && x&highs != 0 {
			return false
		}
		// Some octet below 0x20 (only exact for octets under 0x80,
		// which is all this needs: ^x drops the others), or 0x7f.
		del := x ^ (ones * 0x7f)
		if (x-ones*0x20)&^x&highs == 0 && (del-ones)&^del&highs == 0 {
			continue
		}
		if !printableBytes(line[i:i+8], eightBit) {
			return false
		}
	}
	return printableBytes(line[i:], eightBit)
}

// printableBytes is printableText one octet at a time.
func printableBytes(s string, eightBit bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !printable[c] && (!eightBit || c < utf8.RuneSelf) {
			return false
		}
	}
	return true
}

var localeRe = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// recipient validates a bare recipient address.
func recipient(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("is empty")
	}
	if hasControl(s) {
		return "", errors.New("has control characters")
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", errors.New("is not valid")
	}
	if a.Name != "" || !strings.EqualFold(a.Address, strings.Trim(s, "<>")) {
		return "", errors.New("must be a bare address (the name goes in ToName)")
	}
	if local, domain, ok := strings.Cut(a.Address, "@"); !ok || local == "" || (!strings.Contains(domain, ".") && domain != "localhost") {
		return "", errors.New("has no usable domain")
	}
	return a.Address, nil
}

// clean turns control characters (CR, LF, TAB, …) into spaces and trims.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}
