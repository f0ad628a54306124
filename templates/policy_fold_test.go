package templates

import (
	"strings"
	"testing"
	"unicode"
)

// cssLoadsFold relies on only ASCII letters, U+0130 and the Kelvin sign
// lower-casing to ASCII.
func TestOnlyKnownRunesLowerToASCII(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); l < 0x80 && r != '\u0130' && r != '\u212A' {
			t.Errorf("%U lowers to ASCII %q", r, l)
		}
	}
}

func TestCSSLoadsFoldMatchesLowerCasing(t *testing.T) {
	for _, s := range []string{
		"", "url(", "URL(", "uRl(x)", "@IMPORT 'a'", "@import", "a @Import b", "ur l(", "url", "@impor",
		"background: UrL(http://x)", "@\u0130mport", "@\u0130MPORT x", "\u0130", "url\u0130(", "@ımport",
		"Jürgen url(", "张伟 @import", "\xffurl(", "u\xffrl(", "URL\u212A(", "@imp\u212Aort",
		"<p>Dear Siobhán O&#39;Neill,</p>", "urL(" + strings.Repeat("x", 100),
	} {
		if got, want := cssLoadsFold(s), cssLoads(strings.ToLower(s)); got != want {
			t.Errorf("cssLoadsFold(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestContainsFoldASCII compares containsFoldASCII with lower-casing and
// searching, for patterns with and without an octet that is not a letter,
// at every position of a text.
func TestContainsFoldASCII(t *testing.T) {
	for _, pat := range []string{"url(", "@import", "abc", "(", "x"} {
		for _, fill := range []string{"", "zz", "URL", "@IMPOR", "ab(", "Ab"} {
			for pos := 0; pos <= 12; pos++ {
				for _, form := range []string{pat, strings.ToUpper(pat), pat[:len(pat)-1]} {
					s := strings.Repeat("-", pos) + fill + form + strings.Repeat("-", 12-pos)
					if got, want := containsFoldASCII(s, pat), strings.Contains(strings.ToLower(s), pat); got != want {
						t.Fatalf("containsFoldASCII(%q, %q) = %v, want %v", s, pat, got, want)
					}
				}
			}
		}
	}
}
