package letter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry in millimetres, A4 portrait, after DIN 5008 form B, whose
// address field shows through the window of a C5/6 or DL window envelope
// (DIN 680: window 90 × 45 mm, 20 mm from the left and 15 mm from the
// bottom edge) when the sheet is folded in three at the fold marks.
const (
	pageW, pageH = 210.0, 297.0
	// marginLeft is DIN 5008's alignment line: text starts 25 mm in.
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 20.0 // pages after the first
	marginBottom = 25.0

	// The address field: 85 × 45 mm, 45 mm from the top and 20 mm from
	// the left edge. Its upper 17.7 mm (five 8 pt lines) is the zone for
	// the return address and postal remarks; the lower 27.3 mm holds the
	// recipient (six lines). Text inside starts at the 25 mm line.
	windowX, windowY, windowW, windowH = 20.0, 45.0, 85.0, 45.0
	remarkH                            = 17.7
	addressY                           = windowY + remarkH // 62.7
	addressH                           = windowH - remarkH // 27.3
	fieldTextX                         = marginLeft
	fieldTextW                         = windowX + windowW - fieldTextX // 80

	// The information block (sender, contact) to the right of the field.
	infoX, infoY, infoW = 125.0, 50.0, 75.0
	// bodyY is where the text starts on the first page (form B).
	bodyY = 98.46

	// Fold marks at 105 and 210 mm, the punch mark at half height.
	fold1, fold2, punch = 105.0, 210.0, 148.5

	bodySize, bodyLine = 10.0, 5.0
)

// MaxAddressLines is how many postal address lines (without the name)
// a letter may have; the address zone of the window holds six.
const MaxAddressLines = 6

// maxWindowLines is how many lines (names and address) fit in the
// address zone at the smallest size allowed (8 pt).
const maxWindowLines = 8

// ErrInvalidLetter: a letter lacks a required part or its address does
// not fit the envelope window.
var ErrInvalidLetter = errors.New("invalid letter")

// ErrMissingGlyphs: the letter has characters neither configured font
// covers.
var ErrMissingGlyphs = errors.New("characters not covered by the letter fonts")

// Letter is one notice letter to print.
type Letter struct {
	// Key is the notice's idempotency key; it names the file.
	Key string
	// Reference is the incident reference, printed in every page's footer.
	Reference string
	// VerificationCode lets the recipient check the notice is genuine.
	VerificationCode string
	// Locale is the language of the text (a BCP 47 tag), recorded in the
	// PDF.
	Locale string
	// ToName is the recipient's name, used for the window when Text does
	// not hold the address block.
	ToName string
	// AddressLines is the postal address, at most MaxAddressLines lines,
	// the country last.
	AddressLines []string
	// Text is the rendered letter (templates' letter layout): the sender
	// block, the recipient block, then the notice.
	Text string
}

// parts is a letter's text split for the page: the sender block for the
// information block, the recipient lines for the window, and the body.
type parts struct {
	sender, window, body []string
	// recipient is the window's lines above the address (names).
	recipient []string
}

// split finds the recipient block in l.Text (the lines just above the
// address lines). Without it the window gets ToName and the address, and
// the whole text is the body.
func (l Letter) split() parts {
	lines := strings.Split(strings.ReplaceAll(l.Text, "\r\n", "\n"), "\n")
	n := len(l.AddressLines)
	for i := 0; n > 0 && i+n <= len(lines); i++ {
		if !sameLines(lines[i:i+n], l.AddressLines) {
			continue
		}
		a := i
		for a > 0 && strings.TrimSpace(lines[a-1]) != "" {
			a--
		}
		return parts{
			sender:    trimBlank(lines[:a]),
			recipient: trimBlank(lines[a:i]),
			window:    trimBlank(lines[a : i+n]),
			body:      trimBlank(lines[i+n:]),
		}
	}
	p := parts{body: trimBlank(lines)}
	if name := strings.TrimSpace(l.ToName); name != "" {
		p.recipient = []string{name}
	}
	p.window = append(append([]string(nil), p.recipient...), l.AddressLines...)
	return p
}

func sameLines(a, b []string) bool {
	for i := range a {
		if strings.TrimSpace(a[i]) != strings.TrimSpace(b[i]) {
			return false
		}
	}
	return true
}

// trimBlank drops blank lines at both ends and trailing spaces.
func trimBlank(ls []string) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, strings.TrimRight(l, " \t"))
	}
	for len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// check returns the first problem of l, naming the field.
func (l Letter) check() error {
	switch {
	case strings.TrimSpace(l.Key) == "":
		return fmt.Errorf("%w: Key is empty", ErrInvalidLetter)
	case strings.TrimSpace(l.Reference) == "":
		return fmt.Errorf("%w: Reference is empty", ErrInvalidLetter)
	case strings.TrimSpace(l.VerificationCode) == "":
		return fmt.Errorf("%w: VerificationCode is empty", ErrInvalidLetter)
	case strings.TrimSpace(l.Text) == "":
		return fmt.Errorf("%w: Text is empty", ErrInvalidLetter)
	case len(l.AddressLines) == 0:
		return fmt.Errorf("%w: AddressLines is empty", ErrInvalidLetter)
	case len(l.AddressLines) > MaxAddressLines:
		return fmt.Errorf("%w: AddressLines has %d lines, the envelope window holds %d", ErrInvalidLetter,
			len(l.AddressLines), MaxAddressLines)
	}
	return nil
}

// Renderer lays out letters as print-ready PDFs. It is safe for
// concurrent use.
type Renderer struct {
	fonts         *fontSet
	now           func() time.Time
	returnAddress string
}

// NewRenderer loads the fonts of cfg (errors name font_file or
// cjk_font_file). now dates the PDF's metadata; nil means time.Now.
func NewRenderer(cfg Config, now func() time.Time) (*Renderer, error) {
	cfg, _ = cfg.withDefaults() // only the font defaults matter here
	main, err := loadFont("font_file", cfg.FontFile, "fonts-dejavu-core")
	if err != nil {
		return nil, err
	}
	cjk, err := loadFont("cjk_font_file", cfg.CJKFontFile, "fonts-droid-fallback")
	if err != nil {
		return nil, err
	}
	for _, f := range []*font{main, cjk} {
		// fpdf has its own TrueType parser; make sure it takes the file.
		probe := fpdf.New("P", "mm", "A4", "")
		probe.AddUTF8FontFromBytes("probe", "", f.data)
		probe.SetFont("probe", "", 10)
		if err := probe.Error(); err != nil {
			return nil, fmt.Errorf("channels.letter.%s: the PDF writer cannot use this font: %w", f.key, err)
		}
	}
	if now == nil {
		now = time.Now
	}
	return &Renderer{fonts: &fontSet{main: main, cjk: cjk}, now: now, returnAddress: cfg.ReturnAddress}, nil
}

// Render writes l as a PDF to w and returns its page count. Nothing is
// written when l is invalid (ErrInvalidLetter) or has characters neither
// font covers (ErrMissingGlyphs, naming the scripts, never the text).
func (r *Renderer) Render(w io.Writer, l Letter) (int, error) {
	var buf bytes.Buffer
	pages, err := r.render(&buf, l)
	if err != nil {
		return 0, err
	}
	if _, err := buf.WriteTo(w); err != nil {
		return 0, fmt.Errorf("write letter pdf: %w", err)
	}
	return pages, nil
}

// doc is one PDF being laid out.
type doc struct {
	pdf     *fpdf.Fpdf
	fonts   *fontSet
	missing map[rune]bool
}

func (r *Renderer) render(w io.Writer, l Letter) (int, error) {
	if err := l.check(); err != nil {
		return 0, err
	}
	p := l.split()
	if len(p.window) > maxWindowLines {
		return 0, fmt.Errorf("%w: recipient and address take %d lines, the envelope window holds %d", ErrInvalidLetter,
			len(p.window), maxWindowLines)
	}
	ret := r.returnAddress
	if ret == "" && len(p.sender) > 0 {
		ret = strings.TrimSpace(p.sender[0])
	}

	d := &doc{fonts: r.fonts, missing: map[rune]bool{}}
	// Lay every line out in runs first: the CJK font is embedded only
	// when a character needs it.
	all := [][]string{p.sender, p.window, p.body, {ret, l.Reference, l.VerificationCode}}
	needCJK := false
	for _, ls := range all {
		for _, s := range ls {
			for _, rn := range d.fonts.runs(s, d.missing) {
				needCJK = needCJK || rn.cjk
			}
		}
	}
	if len(d.missing) > 0 {
		return 0, fmt.Errorf("%w: %d characters (scripts: %s); set channels.letter.font_file or cjk_font_file to fonts that cover them",
			ErrMissingGlyphs, len(d.missing), scripts(d.missing))
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	d.pdf = pdf
	now := r.now().UTC()
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetTitle(l.Reference, true)
	pdf.SetCreator("breach", false)
	if l.Locale != "" {
		pdf.SetLang(l.Locale)
	}
	pdf.AddUTF8FontFromBytes("main", "", r.fonts.main.data)
	if needCJK {
		pdf.AddUTF8FontFromBytes("cjk", "", r.fonts.cjk.data)
	}
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.AliasNbPages("{nb}")
	footer := l.Reference + " · " + l.VerificationCode
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		d.place(marginLeft, pdf.GetY(), pageW-marginLeft-marginRight, 8, 4, []string{fmt.Sprintf("%s · %d/{nb}", footer, pdf.PageNo())})
	})
	pdf.AddPage()

	// Fold and punch marks in the left margin.
	pdf.SetLineWidth(0.2)
	pdf.Line(4, fold1, 9, fold1)
	pdf.Line(4, fold2, 9, fold2)
	pdf.Line(4, punch, 11, punch)

	// The return address on the lowest line of the remark zone, the
	// recipient from the top of the address zone.
	if ret != "" {
		d.place(fieldTextX, addressY-4, fieldTextW, 7, 3.5, []string{ret})
	}
	size, lh := 10.0, 4.5
	if len(p.window) > 6 {
		size, lh = 8, addressH/maxWindowLines
	}
	d.place(fieldTextX, addressY+0.5, fieldTextW, size, lh, p.window)
	d.place(infoX, infoY, infoW, 9, 4.2, p.sender)

	pdf.SetXY(marginLeft, bodyY)
	d.body(p.body)
	if err := pdf.Error(); err != nil {
		return 0, fmt.Errorf("lay out letter: %w", err)
	}
	pages := pdf.PageNo()
	if err := pdf.Output(w); err != nil {
		return 0, fmt.Errorf("write letter pdf: %w", err)
	}
	return pages, nil
}

// write writes one line's runs at the current position, wrapping at the
// margins.
func (d *doc) write(h, size float64, line string) {
	for _, rn := range d.fonts.runs(line, d.missing) {
		d.pdf.SetFont(family(rn.cjk), "", size)
		d.pdf.Write(h, rn.text)
	}
	d.pdf.Ln(h)
}

func family(cjk bool) string {
	if cjk {
		return "cjk"
	}
	return "main"
}

// width is the printed width of line at size.
func (d *doc) width(line string, size float64) float64 {
	wd := 0.0
	for _, rn := range d.fonts.runs(line, d.missing) {
		d.pdf.SetFont(family(rn.cjk), "", size)
		wd += d.pdf.GetStringWidth(rn.text)
	}
	return wd
}

// place writes lines in a box at (x, y) of width w, shrinking a line that
// would not fit down to 6 pt rather than wrapping it out of the box.
func (d *doc) place(x, y, w, size, lh float64, lines []string) {
	lm, tm, rm, _ := d.pdf.GetMargins()
	d.pdf.SetLeftMargin(x)
	d.pdf.SetRightMargin(pageW - x - w)
	d.pdf.SetXY(x, y)
	for _, l := range lines {
		s := size
		for s > 6 && d.width(l, s) > w {
			s -= 0.5
		}
		d.write(lh, s, l)
	}
	d.pdf.SetMargins(lm, tm, rm)
}

// body writes the notice. A line underlined with "=" or "-" in the text
// layout is a heading: set larger, ruled, kept with what follows.
func (d *doc) body(lines []string) {
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		rule := byte(0)
		if i+1 < len(lines) {
			rule = ruleOf(lines[i+1])
		}
		if rule == 0 {
			if l == "" {
				d.pdf.Ln(bodyLine)
				continue
			}
			d.write(bodyLine, bodySize, l)
			continue
		}
		size, thick := 11.0, 0.2
		if rule == '=' {
			size, thick = 12.5, 0.4
		}
		if d.pdf.GetY() > pageH-marginBottom-4*bodyLine {
			d.pdf.AddPage()
		}
		d.write(bodyLine+1, size, l)
		y := d.pdf.GetY()
		d.pdf.SetLineWidth(thick)
		d.pdf.Line(marginLeft, y, pageW-marginRight, y)
		d.pdf.SetY(y + 1)
		i++ // the rule line
	}
}

// ruleOf returns '=' or '-' when s is a rule of at least three of them.
func ruleOf(s string) byte {
	t := strings.TrimSpace(s)
	if len(t) < 3 {
		return 0
	}
	for _, c := range []byte{'=', '-'} {
		if strings.Trim(t, string(c)) == "" {
			return c
		}
	}
	return 0
}
