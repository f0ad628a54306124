package pushmsg

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/breach-notify/breach/notify"
)

// DefaultTTL is how long a push service keeps a notice for a device that
// is offline, when a sender's ttl is not set. A push service drops a
// message with TTL 0 unless the device is connected at that moment.
const DefaultTTL = 24 * time.Hour

// MaxTTL is the longest TTL every platform accepts (FCM's limit).
const MaxTTL = 28 * 24 * time.Hour

// Limits of the payload's text, in characters: a lock screen shows little
// more, and every platform's payload stays far below its 4 KB limit.
const (
	MaxTitle = 120
	MaxBody  = 300
)

// Kind is the payload's "kind" value, which lets an app or service worker
// tell a breach notice from its other pushes.
const Kind = "breach.notice"

// Content configures the payload builder. Both fields are optional.
type Content struct {
	// NoticeURL is the link to the notice, with "{reference}" standing for
	// the notice reference (path-escaped), e.g.
	// "https://status.example.org/notices/{reference}"; a URL without the
	// placeholder is used as it is; empty means no link.
	NoticeURL string
	// Organization names the sender in the generic title used when the
	// message has no rendered push text.
	Organization string
}

// Validate checks c; key is the configuration key of NoticeURL for the
// error.
func (c Content) Validate(key string) error {
	if c.NoticeURL == "" {
		return nil
	}
	u, err := url.Parse(strings.ReplaceAll(c.NoticeURL, "{reference}", "ref"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return errors.New(key + ": must be an absolute http or https URL without user information")
	}
	return nil
}

// Payload is what every push carries: a generic alert, the notice
// reference and a link to the notice. It holds no personal data and no
// breach details, because Apple, Google and the browser vendors relay and
// may store it; the app or page behind URL shows the notice itself.
type Payload struct {
	Title     string `json:"title"`
	Body      string `json:"body"`
	Reference string `json:"reference"`
	URL       string `json:"url,omitempty"`
	// Collapse lets a push service replace an undelivered notice with a
	// newer one of the same reference: 31 characters of [a-z0-9-], valid
	// as a Web Push Topic, an APNs collapse id and an FCM collapse key.
	Collapse string `json:"-"`
}

// Build makes the payload of m: m.Subject and m.Text as title and body
// (the rendered push template, generic by construction), the notice
// reference (m.IncidentID) and the link of c. When m has no rendered text,
// or the text shows the recipient's name, subject id or verification code,
// the generic English alert replaces it: "Important security notice from
// <Organization>". Text is reduced to one line and clipped to MaxTitle and
// MaxBody characters. The only error is a message without a reference.
func Build(m *notify.Message, c Content) (Payload, error) {
	ref := strings.TrimSpace(m.IncidentID)
	if ref == "" {
		return Payload{}, errors.New("message has no notice reference")
	}
	p := Payload{Reference: ref, Collapse: collapseKey(ref)}
	p.Title, p.Body = oneLine(m.Subject), oneLine(m.Text)
	if p.Title == "" || p.Body == "" || shows(p.Title+"\n"+p.Body, m.ToName, m.SubjectID, m.VerificationCode) {
		p.Title, p.Body = genericTitle(c.Organization), "Please read security notice "+ref+"."
	}
	p.Title, p.Body = clip(p.Title, MaxTitle), clip(p.Body, MaxBody)
	if c.NoticeURL != "" {
		p.URL = strings.ReplaceAll(c.NoticeURL, "{reference}", url.PathEscape(ref))
	}
	return p, nil
}

// JSON is the payload as a Web Push message body (the service worker's
// event.data.json()).
func (p Payload) JSON() []byte {
	b, _ := json.Marshal(struct {
		Payload
		Kind string `json:"kind"`
	}{p, Kind}) // strings only: cannot fail
	return b
}

// Data is the payload's machine-readable part as string pairs, for FCM's
// data map and APNs custom keys.
func (p Payload) Data() map[string]string {
	d := map[string]string{"kind": Kind, "reference": p.Reference}
	if p.URL != "" {
		d["url"] = p.URL
	}
	return d
}

func genericTitle(org string) string {
	if org = oneLine(org); org != "" {
		return "Important security notice from " + org
	}
	return "Important security notice"
}

// shows reports whether text contains any of the values (case-insensitive,
// values under three characters ignored).
func shows(text string, values ...string) bool {
	low := strings.ToLower(text)
	for _, v := range values {
		if v = strings.TrimSpace(v); utf8.RuneCountInString(v) >= 3 && strings.Contains(low, strings.ToLower(v)) {
			return true
		}
	}
	return false
}

// oneLine folds runs of white space and control characters to one space.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// clip shortens s to at most n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func collapseKey(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return "breach-" + hex.EncodeToString(sum[:12])
}

// Prepare reads the device of m and builds its payload: what every sender's
// Notify and the notify/push dispatcher do first. Its errors are permanent
// delivery errors (no address, an unusable device, no reference).
func Prepare(m *notify.Message, c Content) (Device, Payload, error) {
	if m == nil || strings.TrimSpace(m.To) == "" {
		return Device{}, Payload{}, notify.Permanent("", "no push device", notify.ErrNoAddress)
	}
	dev, err := Parse(m.To)
	if err != nil {
		return Device{}, Payload{}, notify.Permanent("invalid-device", "unusable push device address", err)
	}
	p, err := Build(m, c)
	if err != nil {
		return Device{}, Payload{}, notify.Permanent("", "cannot build the push payload", err)
	}
	return dev, p, nil
}
