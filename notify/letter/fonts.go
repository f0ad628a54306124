package letter

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

// font is one TrueType file: its bytes for embedding (fpdf subsets them)
// and its parsed cmap for telling which characters it covers.
type font struct {
	key  string // configuration key, for errors
	data []byte
	sf   *sfnt.Font
	bufs sync.Pool // *sfnt.Buffer
}

// loadFont reads and checks a TrueType file. Errors name key and the
// Debian package that provides the default.
func loadFont(key, path, pkg string) (*font, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("channels.letter.%s: font file %s not found (install Debian package %s or set the key)", key, path, pkg)
	}
	if err != nil {
		return nil, fmt.Errorf("channels.letter.%s: %w", key, err)
	}
	if bytes.HasPrefix(data, []byte("ttcf")) {
		return nil, fmt.Errorf("channels.letter.%s: %s is a TrueType collection (.ttc); give a single .ttf font", key, path)
	}
	if len(data) < 4 || !(bytes.HasPrefix(data, []byte{0, 1, 0, 0}) || bytes.HasPrefix(data, []byte("true"))) {
		return nil, fmt.Errorf("channels.letter.%s: %s is not a TrueType (.ttf) font", key, path)
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("channels.letter.%s: %s: %w", key, path, err)
	}
	return &font{key: key, data: data, sf: sf}, nil
}

// has reports whether the font has a glyph for r.
func (f *font) has(r rune) bool {
	b, _ := f.bufs.Get().(*sfnt.Buffer)
	if b == nil {
		b = &sfnt.Buffer{}
	}
	i, err := f.sf.GlyphIndex(b, r)
	f.bufs.Put(b)
	return err == nil && i != 0
}

// fontSet chooses, per character, the main font or, where it has no glyph,
// the CJK font.
type fontSet struct {
	main, cjk *font
	// covered caches the choice per character: 'm' main, 'c' CJK, 'x'
	// neither.
	covered sync.Map
}

// which returns 'm', 'c' or 'x' for r.
func (s *fontSet) which(r rune) byte {
	if v, ok := s.covered.Load(r); ok {
		return v.(byte)
	}
	w := byte('x')
	switch {
	case unicode.IsSpace(r) || s.main.has(r):
		w = 'm'
	case s.cjk.has(r):
		w = 'c'
	}
	s.covered.Store(r, w)
	return w
}

// run is a stretch of text in one font.
type run struct {
	cjk  bool
	text string
}

// runs splits s into runs by font. missing collects the characters
// neither font covers (they print as the main font's empty box).
func (s *fontSet) runs(line string, missing map[rune]bool) []run {
	var out []run
	var b strings.Builder
	cur := false
	for _, r := range line {
		w := s.which(r)
		if w == 'x' {
			missing[r] = true
		}
		cjk := w == 'c'
		if cjk != cur && b.Len() > 0 {
			out = append(out, run{cjk: cur, text: b.String()})
			b.Reset()
		}
		cur = cjk
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cjk: cur, text: b.String()})
	}
	return out
}

// scripts names the Unicode scripts of rs, for an error free of the text
// itself.
func scripts(rs map[rune]bool) string {
	seen := map[string]bool{}
	for r := range rs {
		name := "unknown"
		for n, t := range unicode.Scripts {
			if unicode.Is(t, r) {
				name = n
				break
			}
		}
		seen[name] = true
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
