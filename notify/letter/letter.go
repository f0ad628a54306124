// Package letter is the postal channel: a notify.Notifier that lays each
// notice out as a print-ready A4 PDF and adds it to its campaign's batch,
// a directory of PDFs with a manifest.csv a mail house prints, folds and
// posts from.
//
// Each PDF follows DIN 5008 form B: the recipient's address sits in the
// address field (45 mm from the top, 20 mm from the left, 85 × 45 mm,
// text from the 25 mm line) that shows through the window of a C5/6 or DL
// window envelope when the sheet is folded at the fold marks (105 and
// 210 mm); the return address line is above it, the sender's contact
// block to its right, then the full notice with its date, reference and
// verification code; every page's footer repeats the reference and code.
//
// PDFs are written with codeberg.org/go-pdf/fpdf, the continuation of
// github.com/go-pdf/fpdf (archived at v0.9.0): pure Go, so the service
// needs no browser or C library at run time, and it embeds subsets of
// TrueType fonts with their Unicode maps, so the text stays searchable and
// extractable (pdftotext). Two fonts cover the notice locales: font_file
// (default DejaVu Sans, Debian fonts-dejavu-core) for Latin, Greek and
// Cyrillic, and cjk_font_file (default Droid Sans Fallback, Debian
// fonts-droid-fallback, a .ttf rather than a .ttc collection, which fpdf
// cannot read) for every character the first lacks; the CJK font is
// embedded only in letters that need it. A letter with characters neither
// font covers is refused, naming the scripts, never printed with blanks.
package letter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
)

// ProviderPrefix starts every provider id Notify returns:
// "letter:<batch>/<file>".
const ProviderPrefix = "letter:"

// Notifier writes notice letters into one batch per incident under
// Config.Dir. It is safe for concurrent use; one process should own the
// directory.
type Notifier struct {
	dir string
	r   *Renderer
	log *logrus.Entry

	mu      sync.Mutex
	batches map[string]*Batch
	closed  bool
	alerted sync.Map
}

var _ notify.Notifier = (*Notifier)(nil)

// Option adjusts a Notifier.
type Option func(*options)

type options struct{ now func() time.Time }

// WithClock sets the clock that dates the PDFs' metadata.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New checks cfg, loads the fonts and returns a Notifier. Errors name the
// configuration key. A nil log discards.
func New(cfg Config, log *logrus.Entry, opts ...Option) (*Notifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	r, err := NewRenderer(cfg, o.now)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = logging.Discard()
	}
	return &Notifier{dir: cfg.Dir, r: r, log: log.WithField("channel", "letter"), batches: map[string]*Batch{}}, nil
}

// Dir returns the directory holding the batches.
func (n *Notifier) Dir() string { return n.dir }

// Batch returns the batch of an incident, opening it when needed.
func (n *Notifier) Batch(incidentID string) (*Batch, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, errBatchClosed
	}
	if b, ok := n.batches[incidentID]; ok {
		return b, nil
	}
	b, err := OpenBatch(n.dir, incidentID, n.r)
	if err != nil {
		return nil, err
	}
	n.batches[incidentID] = b
	return b, nil
}

// Notify lays m out (m.Text is the rendered letter, m.To the postal
// address with lines separated by newlines or ";", m.ToName the
// recipient, m.IncidentID the reference) and adds it to the incident's
// batch. It returns "letter:<batch>/<file>". A letter that cannot be
// printed (missing parts, an address too long for the window) is a
// permanent failure; missing glyphs and I/O errors are temporary (fixed
// by configuration or disk space).
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before writing", err)
	}
	if m == nil {
		return "", notify.Permanent("", "no message", errors.New("nil message"))
	}
	lines := AddressLines(m.To)
	if len(lines) == 0 {
		return "", notify.Permanent("", "no postal address", notify.ErrNoAddress)
	}
	if strings.TrimSpace(m.IncidentID) == "" {
		return "", notify.Permanent("", "notice has no incident", fmt.Errorf("%w: Reference is empty", ErrInvalidLetter))
	}
	b, err := n.Batch(m.IncidentID)
	if err != nil {
		return "", notify.Temporary("", "cannot open the letter batch", err)
	}
	file, err := b.Add(Letter{Key: m.Key, Reference: m.IncidentID, VerificationCode: m.VerificationCode,
		Locale: m.Locale, ToName: m.ToName, AddressLines: lines, Text: m.Text})
	switch {
	case errors.Is(err, ErrInvalidLetter):
		return "", notify.Permanent("", "letter cannot be printed", err)
	case errors.Is(err, ErrMissingGlyphs):
		if _, seen := n.alerted.LoadOrStore("glyphs", true); !seen {
			n.log.WithError(err).Error("letters need fonts that cover their text: set channels.letter.font_file or cjk_font_file; such letters are retried")
		}
		return "", notify.Temporary("", "letter fonts do not cover the text", err)
	case err != nil:
		return "", notify.Temporary("", "cannot write the letter", err)
	}
	id := ProviderPrefix + b.Name() + "/" + file
	n.log.WithFields(logrus.Fields{"incident": m.IncidentID, "notice": m.Key, "letter": id}).Info("letter added to the print batch")
	return id, nil
}

// Close closes every open batch.
func (n *Notifier) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closed = true
	var errs []error
	for _, b := range n.batches {
		errs = append(errs, b.Close())
	}
	return errors.Join(errs...)
}

// AddressLines splits a postal address into its lines (separated by
// newlines or ";", as in the subject directory), trimmed, blanks dropped.
func AddressLines(addr string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(addr, func(r rune) bool { return r == '\n' || r == ';' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
