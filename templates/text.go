package templates

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// oneLine makes s safe for a single-line field (a subject, a name): every
// control character, CR and LF included, becomes a space, and runs of
// spaces collapse. This is what keeps header injection out of subjects.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether oneLine would return s unchanged: no control
// or space character other than single spaces between words, and valid
// UTF-8.
func isOneLine(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
					return false
				}
			case c < 0x20 || c == 0x7f:
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}

// multiLine cleans free text that may span lines: CRLF and CR become LF,
// other control characters except tab are dropped, trailing space trimmed.
func multiLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// tidy trims trailing spaces, collapses runs of blank lines to one and
// trims the whole text, so templates can be written for readability.
func tidy(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	blank := true // drop leading blank lines
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}

// wide reports whether r takes two columns and may break a line on either
// side of it (CJK ideographs, kana, hangul, full-width forms).
func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F,
		r >= 0x2E80 && r <= 0xA4CF,
		r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF,
		r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6:
		return true
	}
	return false
}

func width(s string) int {
	n := 0
	for _, r := range s {
		if wide(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// noLineStart are characters that must not begin a line (CJK closing
// punctuation); they stay on the previous line even past the width.
const noLineStart = "，。、；：？！）」』》〉】,.;:?!)"

type token struct {
	text  string
	space bool // a space separates it from the previous token
}

// wrap breaks every line of s longer than w columns at spaces, and between
// CJK characters, indenting continuation lines under the text of a list
// item ("- ", "* ", "1. ") or under the line's own indentation.
func wrap(s string, w int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		out = append(out, wrapLine(line, w)...)
	}
	return strings.Join(out, "\n")
}

func wrapLine(line string, w int) []string {
	if width(line) <= w {
		return []string{line}
	}
	body := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(body)]
	hang := indent
	for _, m := range []string{"- ", "* ", "• "} {
		if strings.HasPrefix(body, m) {
			hang = indent + strings.Repeat(" ", width(m))
		}
	}
	if i := strings.Index(body, ". "); i > 0 && i <= 3 && strings.Trim(body[:i], "0123456789") == "" {
		hang = indent + strings.Repeat(" ", i+2)
	}
	var toks []token
	space := false
	for len(body) > 0 {
		r, size := utf8.DecodeRuneInString(body)
		switch {
		case r == ' ':
			space = true
			body = body[size:]
		case wide(r):
			toks = append(toks, token{body[:size], space})
			space = false
			body = body[size:]
		default:
			end := strings.IndexFunc(body, func(r rune) bool { return r == ' ' || wide(r) })
			if end < 0 {
				end = len(body)
			}
			toks = append(toks, token{body[:end], space})
			space = false
			body = body[end:]
		}
	}
	var lines []string
	cur, curW, fresh := indent, width(indent), true
	for _, t := range toks {
		tw := width(t.text)
		sep := ""
		if t.space && !fresh {
			sep = " "
		}
		r, _ := utf8.DecodeRuneInString(t.text)
		if !fresh && curW+len(sep)+tw > w && !strings.ContainsRune(noLineStart, r) {
			lines = append(lines, cur)
			cur, curW, fresh, sep = hang, width(hang), true, ""
		}
		cur += sep + t.text
		curW += len(sep) + tw
		fresh = false
	}
	return append(lines, cur)
}

// gsm7 is the GSM 03.38 default alphabet; gsm7Ext are the characters of its
// extension table, which take two septets.
const (
	gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Ext = "^{}\\[~]|€\f"
)

// SMS encodings reported by SMSSegments.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// SMSSegments returns how an SMS text is encoded and how many segments it
// takes: GSM-7 when every character is in the GSM 03.38 alphabet (160
// septets in one segment, 153 per segment when concatenated), UCS-2
// otherwise (70 characters, 67 per segment; characters outside the BMP
// count twice).
func SMSSegments(text string) (encoding string, segments int) {
	septets, gsm := 0, true
	for _, r := range text {
		switch gsmSeptets(r) {
		case 1:
			septets++
		case 2:
			septets += 2
		default:
			gsm = false
		}
	}
	if gsm {
		return EncodingGSM7, parts(septets, 160, 153)
	}
	units := 0
	for _, r := range text {
		if r > 0xFFFF {
			units += 2
		} else {
			units++
		}
	}
	return EncodingUCS2, parts(units, 70, 67)
}

// gsmLatin holds the septets of each rune below 256: 1 for the default
// alphabet, 2 for the extension table, 0 for neither.
var gsmLatin = func() (t [256]uint8) {
	for _, r := range gsm7Ext {
		if r < 256 {
			t[r] = 2
		}
	}
	for _, r := range gsm7 {
		if r < 256 {
			t[r] = 1
		}
	}
	return t
}()

// gsmSeptets returns how many septets r takes in GSM-7, 0 when it is not
// in the alphabet.
func gsmSeptets(r rune) int {
	if r >= 0 && r < 256 {
		return int(gsmLatin[r])
	}
	switch {
	case strings.ContainsRune(gsm7, r):
		return 1
	case strings.ContainsRune(gsm7Ext, r):
		return 2
	}
	return 0
}

func parts(n, single, multi int) int {
	if n == 0 {
		return 0
	}
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}

// gsmFold replaces letters outside GSM-7 with their nearest GSM-7 letter
// (á→a, ê→e, ç→Ç, ’→'...), the way SMS gateways' "smart encoding" does;
// used only when the correctly accented text would need too many UCS-2
// segments.
var gsmFold = strings.NewReplacer(
	"á", "a", "â", "a", "ã", "a", "Á", "A", "Â", "A", "À", "A",
	"ê", "e", "ë", "e", "È", "E", "Ê", "E",
	"í", "i", "î", "i", "ï", "i", "Í", "I", "Î", "I",
	"ó", "o", "ô", "o", "õ", "o", "Ó", "O", "Ô", "O",
	"ú", "u", "û", "u", "Ú", "U", "Û", "U",
	"ç", "Ç", "œ", "oe", "Œ", "OE", "ÿ", "y",
	"’", "'", "‘", "'", "“", "\"", "”", "\"", "«", "\"", "»", "\"",
	"–", "-", "—", "-", "…", "...", "\u00a0", " ", "\u202f", " ")

// Heading markers written by the text layouts at the start of a line; data
// cannot contain them because every control character is removed from it.
const (
	markHeading = "\x01"
	markTitle   = "\x02"
)

// headings underlines the lines the layouts marked, titles with "=" and
// headings with "-", wrapping them at w first so that the rule is as wide
// as the widest line of the heading.
func headings(s string, w int) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines)+8)
	for _, l := range lines {
		rule := ""
		switch {
		case strings.HasPrefix(l, markTitle):
			l, rule = strings.TrimPrefix(l, markTitle), "="
		case strings.HasPrefix(l, markHeading):
			l, rule = strings.TrimPrefix(l, markHeading), "-"
		}
		if rule == "" {
			out = append(out, l)
			continue
		}
		wrapped := wrapLine(l, w)
		widest := 0
		for _, wl := range wrapped {
			widest = max(widest, width(wl))
		}
		out = append(out, wrapped...)
		out = append(out, strings.Repeat(rule, widest))
	}
	return strings.Join(out, "\n")
}

// fullWidthPunct is punctuation after which a layout's space is dropped.
const fullWidthPunct = "，。：；！？）】」"

// cjkSpace removes the spaces a layout puts after a label or a sentence
// when the locale's punctuation is full width and wants none.
func cjkSpace(s string) string {
	// Every character of fullWidthPunct is encoded with a leading byte
	// 0xE3 (U+3000-U+3FFF) or 0xEF (U+F000-U+FFFF).
	if strings.IndexByte(s, 0xE3) < 0 && strings.IndexByte(s, 0xEF) < 0 {
		return s
	}
	if !strings.ContainsAny(s, fullWidthPunct) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	skip := false
	for _, r := range s {
		if skip && r == ' ' {
			continue
		}
		skip = strings.ContainsRune(fullWidthPunct, r)
		b.WriteRune(r)
	}
	return b.String()
}
