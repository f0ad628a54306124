package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

// Default font files: Debian's fonts-dejavu-core and fonts-droid-fallback
// (a TTF; fpdf cannot read TrueType collections, .ttc).
const (
	DefaultFontFile    = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	DefaultCJKFontFile = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
)

// PDFOptions are the font files the PDF embeds.
type PDFOptions struct {
	// FontFile is a TrueType font for Latin, Greek and Cyrillic text
	// (setting report.font_file); empty means DefaultFontFile.
	FontFile string
	// CJKFontFile is a TrueType font for Chinese and Japanese text
	// (setting report.cjk_font_file), read only when the draft holds such
	// text; empty means DefaultCJKFontFile.
	CJKFontFile string
}

// FontError is a font file the PDF needs but cannot read; Setting names the
// configuration key that chooses it.
type FontError struct {
	Setting string
	Path    string
	Err     error
}

func (e *FontError) Error() string {
	hint := "install Debian fonts-dejavu-core"
	if e.Setting == "report.cjk_font_file" {
		hint = "the draft contains Chinese or Japanese text; install Debian fonts-droid-fallback"
	}
	return fmt.Sprintf("%s: read font %s: %v (%s or set %s to a .ttf file)", e.Setting, e.Path, e.Err, hint, e.Setting)
}

// Unwrap returns the read error.
func (e *FontError) Unwrap() error { return e.Err }

// readFont reads a TrueType font for the setting.
func readFont(setting, path, def string) ([]byte, error) {
	if path == "" {
		path = def
	}
	b, err := os.ReadFile(path)
	if err == nil && len(b) < 12 {
		err = errors.New("not a TrueType font")
	}
	if err == nil && (string(b[:4]) == "ttcf") {
		err = errors.New("a TrueType collection (.ttc), which fpdf cannot embed; use a .ttf")
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fs.ErrNotExist
		}
		return nil, &FontError{Setting: setting, Path: path, Err: err}
	}
	return b, nil
}

// isCJK reports whether r needs the CJK font.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}

// hasCJK reports whether any text of d needs the CJK font.
func hasCJK(d *Draft) bool {
	b, _ := json.Marshal(d)
	return strings.ContainsFunc(string(b), isCJK)
}

// pdfWriter lays out a draft with fpdf, switching to the CJK font for
// runs of Chinese or Japanese text.
type pdfWriter struct {
	pdf *fpdf.Fpdf
	cjk bool
}

// text writes s at size pt as flowing text and ends the paragraph.
func (w *pdfWriter) text(size float64, s string) {
	h := size * 0.5
	for _, line := range strings.Split(s, "\n") {
		for _, run := range runs(line, w.cjk) {
			fam := "main"
			if run.cjk {
				fam = "cjk"
			}
			w.pdf.SetFont(fam, "", size)
			w.pdf.Write(h, run.s)
		}
		w.pdf.Ln(h)
	}
}

// gap adds vertical space.
func (w *pdfWriter) gap(mm float64) { w.pdf.Ln(mm) }

// run is a piece of text in one font.
type run struct {
	s   string
	cjk bool
}

// runs splits s into runs of CJK and other text; without a CJK font
// everything is one run.
func runs(s string, cjk bool) []run {
	if !cjk {
		return []run{{s: s}}
	}
	var out []run
	var cur strings.Builder
	curCJK := false
	for i, r := range s {
		c := isCJK(r)
		if i > 0 && c != curCJK {
			out = append(out, run{s: cur.String(), cjk: curCJK})
			cur.Reset()
		}
		curCJK = c
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, run{s: cur.String(), cjk: curCJK})
	}
	return out
}

// WritePDF writes d as an A4 PDF with the fonts of opts embedded. A font
// that cannot be read is a *FontError naming its setting.
func WritePDF(out io.Writer, d *Draft, opts PDFOptions) error {
	main, err := readFont("report.font_file", opts.FontFile, DefaultFontFile)
	if err != nil {
		return err
	}
	w := &pdfWriter{pdf: fpdf.New("P", "mm", "A4", ""), cjk: hasCJK(d)}
	pdf := w.pdf
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(d.GeneratedAt)
	pdf.SetModificationDate(d.GeneratedAt)
	pdf.SetProducer("breach", false)
	pdf.SetTitle(fmt.Sprintf("Regulator report drafts: %s, incident %s", d.Jurisdiction, d.Incident), true)
	pdf.AddUTF8FontFromBytes("main", "", main)
	if w.cjk {
		cjk, err := readFont("report.cjk_font_file", opts.CJKFontFile, DefaultCJKFontFile)
		if err != nil {
			return err
		}
		pdf.AddUTF8FontFromBytes("cjk", "", cjk)
	}
	pdf.SetAutoPageBreak(true, 15)
	pdf.SetMargins(18, 15, 18)
	pdf.AddPage()

	w.text(16, fmt.Sprintf("Regulator report drafts: %s, incident %s (revision %d)", d.Jurisdiction, d.Incident, d.Revision))
	w.text(11, d.Title)
	w.text(9, fmt.Sprintf("Drafted %s. Discovered %s: every deadline counts from then.", d.GeneratedAt.UTC().Format(timeFormat), d.DiscoveredAt.UTC().Format(timeFormat)))
	if d.Law != "" {
		w.text(9, "Law: "+d.Law)
	}
	for i := range d.Filings {
		f := &d.Filings[i]
		if i > 0 {
			pdf.AddPage()
		} else {
			w.gap(4)
		}
		w.text(14, fmt.Sprintf("%d. %s", i+1, filingHeading(f)))
		w.gap(1)
		for _, kv := range [][2]string{
			{"Regulator", f.Regulator},
			{"Legal basis", strings.Join(f.LegalBasis, "; ")},
			{"Required on the assessed facts", yes(f.Required)},
			{"Deadline", deadlineLine(f)},
			{"Time left", timeLeftLine(f)},
			{"People concerned", fmt.Sprint(f.Subjects)},
		} {
			w.text(10, kv[0]+": "+kv[1])
		}
		if note := overdueNote(f); note != "" {
			pdf.SetTextColor(170, 0, 0)
			w.text(11, "OVERDUE. "+note)
			pdf.SetTextColor(0, 0, 0)
		}
		w.gap(2)
		if m := missingLines(f); len(m) > 0 {
			pdf.SetTextColor(170, 0, 0)
			w.text(11, fmt.Sprintf("Missing (%d):", len(m)))
			for _, l := range m {
				w.text(10, "• MISSING: "+l)
			}
			pdf.SetTextColor(0, 0, 0)
		} else {
			w.text(11, "Missing: nothing.")
		}
		w.gap(1)
		if u := unverifiedLabels(f); len(u) > 0 {
			w.text(10, fmt.Sprintf("Not verified against the law's text (%d): %s. Have a lawyer check them.", len(u), strings.Join(u, "; ")))
		} else {
			w.text(10, "Every field was verified against the law's text.")
		}
		w.text(8, "Source of the list: "+f.Source+".")
		w.gap(3)
		for j, fl := range f.Fields {
			w.text(12, fmt.Sprintf("%d.%d %s", i+1, j+1, fl.Label))
			meta := fl.Citation + " · " + fl.ID
			if fl.LabelEn != "" {
				meta = fl.LabelEn + " · " + meta
			}
			if fl.Phased {
				meta += " · may follow later"
			}
			if !fl.Verified {
				meta += " · unverified"
			}
			pdf.SetTextColor(90, 90, 90)
			w.text(8, meta)
			pdf.SetTextColor(0, 0, 0)
			if fl.Missing != "" {
				pdf.SetTextColor(170, 0, 0)
				w.text(10, "MISSING: "+fl.Missing)
				pdf.SetTextColor(0, 0, 0)
			} else {
				w.text(10, fl.Value)
			}
			w.gap(2)
		}
		if nc := f.NoticeCopy; nc != nil {
			w.gap(2)
			w.text(12, "Copy of the notice sent to individuals")
			if nc.Error != "" {
				w.text(10, "MISSING: the notice could not be rendered: "+nc.Error)
				continue
			}
			w.text(8, fmt.Sprintf("Sample e-mail (%s), without personal data; the verification code is shown as %s.", nc.Locale, SampleCode))
			w.text(10, "Subject: "+nc.Subject)
			w.gap(1)
			w.text(9, nc.Text)
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("lay out pdf: %w", err)
	}
	if err := pdf.Output(out); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}
