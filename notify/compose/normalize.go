package compose

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/breach-notify/breach/internal/ascii"
)

// The gate reads text as a person sees it, not as its code points spell
// it: "pass\u00ADword" (a soft hyphen), "pass\u200Bword" (a zero-width
// space), "ｐａｓｓｗｏｒｄ" (full-width letters) and "раssword" (Cyrillic
// р and а) all read "password". Two forms serve the checks:
//
//   - foldText: NFKC, default-ignorable code points dropped, combining
//     marks left on a visible ASCII character after composition dropped (no notice
//     language needs them: é, ü and ñ compose), lower case. E-mail
//     addresses, phone numbers, card numbers and links are found in it, so
//     that a look-alike of the organisation's domain stays different from
//     it.
//   - normalizeText: foldText with look-alike letters, digits and marks
//     mapped to their prototypes (the UTS #39 skeleton mapping, restricted
//     to the subset in confusables_table.go; traditional Chinese
//     characters of the gate's words to simplified ones), words spelled
//     out letter by letter joined, and digits written for letters read as
//     letters. The credential rule and the obfuscated-link patterns match
//     it.

// foldText returns text in NFKC, without default-ignorable code points or
// marks on visible ASCII characters, in lower case.
func foldText(text string) string { return fixpoint(text, false) }

// normalizeText returns foldText(text) with confusable characters mapped
// to their prototypes, words spelled out letter by letter joined ("p a s
// s w o r d", "p.a.s.s.w.o.r.d", "密 码") and digits and signs written for
// letters read as letters ("p4ssw0rd", "pa$$word").
func normalizeText(text string) string { return unleet(joinSpelled(fixpoint(text, true))) }

// leetWord finds a word of letters, digits and the signs written for
// letters; leetLetters maps them.
var (
	leetWord    = regexp.MustCompile(`[a-z0-9@$]+`)
	leetLetters = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")
)

// unleet reads the words of s that mix at least two letters with digits
// or signs as letters. Words next to a dot, "@", "/" or ":" are left as
// they are: they are parts of host names, addresses or times.
func unleet(s string) string {
	if !strings.ContainsAny(s, "0134578@$") {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range leetWord.FindAllStringIndex(s, -1) {
		w := s[m[0]:m[1]]
		if letters(w) < 2 || !strings.ContainsAny(w, "0134578@$") || partOfAddress(s, m[0], m[1]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(leetLetters.Replace(w))
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// letters counts the ASCII letters of w.
func letters(w string) int {
	n := 0
	for i := 0; i < len(w); i++ {
		if 'a' <= w[i] && w[i] <= 'z' {
			n++
		}
	}
	return n
}

// partOfAddress reports whether the word from start to end is joined to
// another by a dot, "@", "/" or ":" ("store24.example", "10:45"), not
// merely followed by a full stop.
func partOfAddress(s string, start, end int) bool {
	joins := func(i int) bool { return strings.IndexByte(".@/:", s[i]) >= 0 }
	alnum := func(i int) bool { c := s[i] | 0x20; return 'a' <= c && c <= 'z' || '0' <= s[i] && s[i] <= '9' }
	return (start > 1 && joins(start-1) && alnum(start-2)) || (end+1 < len(s) && joins(end) && alnum(end+1))
}

// spelledOut finds four or more single Latin letters in a row, each after
// one space, dot, hyphen or underscore.
var spelledOut = regexp.MustCompile(`\b[a-z](?:[ .\-_][a-z]){3,}\b`)

// joinSpelled joins words spelled out letter by letter and drops spaces
// between Chinese characters.
func joinSpelled(s string) string {
	s = spelledOut.ReplaceAllStringFunc(s, func(m string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '.' || r == '-' || r == '_' {
				return -1
			}
			return r
		}, m)
	})
	if ascii.Is(s) {
		return s
	}
	var b strings.Builder
	var prev rune
	for i, r := range s {
		if r == ' ' && isHan(prev) {
			if next, _ := utf8.DecodeRuneInString(strings.TrimLeft(s[i:], " ")); isHan(next) {
				continue
			}
		}
		b.WriteRune(r)
		if r != ' ' {
			prev = r
		}
	}
	return b.String()
}

// fixpoint applies fold until the text no longer changes, so that the
// result is stable: dropping an ignorable code point can bring a base and
// a mark together that NFKC then composes. Three rounds are enough for any
// text seen so far; the fuzz test holds the result to idempotence.
func fixpoint(text string, skeleton bool) string {
	if ascii.Is(text) {
		return strings.ToLower(text)
	}
	out := fold(text, skeleton)
	for range 3 {
		next := fold(out, skeleton)
		if next == out {
			break
		}
		out = next
	}
	return out
}

// fold is one round of foldText or normalizeText.
func fold(text string, skeleton bool) string {
	if strings.ContainsFunc(text, ignorable) {
		text = strings.Map(func(r rune) rune {
			if ignorable(r) {
				return -1
			}
			return r
		}, text)
	}
	text = norm.NFKC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	afterASCII := false
	for _, r := range text {
		switch {
		case ignorable(r):
			continue
		case afterASCII && unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteRune(r)
			afterASCII = r > ' ' && r < 0x7F
			continue
		}
		if skeleton {
			if m, ok := confusable(r); ok {
				b.WriteString(m)
				c := m[len(m)-1]
				afterASCII = c > ' ' && c < 0x7F
				continue
			}
		}
		r = unicode.ToLower(r)
		b.WriteRune(r)
		afterASCII = r > ' ' && r < 0x7F
	}
	return b.String()
}

// confusable returns the prototype of r or of its lower case, or the
// simplified form of a traditional Chinese character.
func confusable(r rune) (string, bool) {
	if m, ok := confusables[r]; ok {
		return m, true
	}
	if s, ok := simplified[r]; ok {
		return string(s), true
	}
	if lr := unicode.ToLower(r); lr != r {
		m, ok := confusables[lr]
		return m, ok
	}
	return "", false
}

// ignorable reports whether r is a default-ignorable code point
// (Default_Ignorable_Code_Point in DerivedCoreProperties.txt, Unicode
// 15.1): invisible, it can split a word without showing.
func ignorable(r rune) bool {
	if r < 0xAD {
		return false
	}
	return unicode.Is(defaultIgnorable, r)
}

// defaultIgnorable lists Default_Ignorable_Code_Point, copied from
// DerivedCoreProperties.txt of Unicode 15.1.0 (the standard library has no
// such table).
var defaultIgnorable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00AD, Hi: 0x00AD, Stride: 1}, // soft hyphen
		{Lo: 0x034F, Hi: 0x034F, Stride: 1}, // combining grapheme joiner
		{Lo: 0x061C, Hi: 0x061C, Stride: 1}, // Arabic letter mark
		{Lo: 0x115F, Hi: 0x1160, Stride: 1}, // Hangul fillers
		{Lo: 0x17B4, Hi: 0x17B5, Stride: 1}, // Khmer inherent vowels
		{Lo: 0x180B, Hi: 0x180F, Stride: 1}, // Mongolian variation selectors and vowel separator
		{Lo: 0x200B, Hi: 0x200F, Stride: 1}, // zero-width space, joiners, direction marks
		{Lo: 0x202A, Hi: 0x202E, Stride: 1}, // bidirectional embeddings and overrides
		{Lo: 0x2060, Hi: 0x206F, Stride: 1}, // word joiner, invisible operators, bidirectional isolates
		{Lo: 0x3164, Hi: 0x3164, Stride: 1}, // Hangul filler
		{Lo: 0xFE00, Hi: 0xFE0F, Stride: 1}, // variation selectors
		{Lo: 0xFEFF, Hi: 0xFEFF, Stride: 1}, // zero-width no-break space (BOM)
		{Lo: 0xFFA0, Hi: 0xFFA0, Stride: 1}, // half-width Hangul filler
		{Lo: 0xFFF0, Hi: 0xFFF8, Stride: 1}, // unassigned, reserved as ignorable
	},
	R32: []unicode.Range32{
		{Lo: 0x1BCA0, Hi: 0x1BCA3, Stride: 1}, // shorthand format controls
		{Lo: 0x1D173, Hi: 0x1D17A, Stride: 1}, // musical symbol format controls
		{Lo: 0xE0000, Hi: 0xE0FFF, Stride: 1}, // tags and variation selectors supplement
	},
}

// simplified maps the traditional forms of the characters that the gate's
// Chinese words use to the simplified forms of zh-CN notices, so that
// "請回覆您的密碼" reads "请回复您的密码". Chinese has no look-alike table
// in UTS #39; this list is written by hand.
var simplified = map[rune]rune{
	'碼': '码', '號': '号', '請': '请', '覆': '复', '輸': '输', '發': '发', '給': '给', '驗': '验', '證': '证', '認': '认', '確': '确', '銀': '银', '帳': '账', '戶': '户', '寫': '写', '讀': '读', '問': '问', '題': '题', '態': '态', '動': '动', '錄': '录', '憑': '凭', '資': '资', '聯': '联', '鏈': '链', '連': '连', '網': '网', '點': '点', '擊': '击', '訴': '诉', '們': '们', '護': '护', '險': '险', '數': '数', '會': '会', '絕': '绝', '騙': '骗', '詐': '诈', '報': '报', '將': '将', '隨': '随', '單': '单', '親': '亲', '舊': '旧', '換': '换', '設': '设', '復': '复',
}
