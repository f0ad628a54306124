package compose

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/breach-notify/breach/incident"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii is lowered", "Reply With Your PASSWORD", "reply with your password"},
		{"soft hyphen", "pass\u00ADword", "password"},
		{"zero-width space and joiner", "pass\u200Bw\u200Dord", "password"},
		{"word joiner and BOM", "pass\u2060wo\uFEFFrd", "password"},
		{"variation selector", "pin\uFE0F", "pin"},
		{"full-width letters", "ｐａｓｓｗｏｒｄ", "password"},
		{"mathematical letters", "𝐩𝐚𝐬𝐬𝐰𝐨𝐫𝐝", "password"},
		{"Cyrillic look-alikes", "раssword", "password"},
		{"Cyrillic capitals", "РІN", "pin"},
		{"Greek look-alikes", "ΡΙΝ", "pin"},
		{"typographic apostrophe", "don’t", "don't"},
		{"marks on ASCII letters", "pa\u0332ss\u0336word", "password"},
		{"German letters stay", "Passwörter Straße", "passwörter straße"},
		{"French and Spanish letters stay", "Numéro de carte, contraseña", "numéro de carte, contraseña"},
		{"Chinese stays", "请回复您的密码。", "请回复您的密码。"},
		{"traditional Chinese reads as simplified", "請回覆您的密碼", "请回复您的密码"},
		{"en dash stays a clause break", "delay – reply", "delay – reply"},
		{"full-width Chinese comma becomes a comma", "担心，回复", "担心,回复"},
		{"spelled out with spaces", "Reply with your P A S S W O R D", "reply with your password"},
		{"spelled out with dots", "your p.a.s.s.w.o.r.d.", "your password."},
		{"three letters stay", "U.S.A. and e.g. a b c", "u.s.a. and e.g. a b c"},
		{"spaces between Chinese characters", "请回复您的密 码", "请回复您的密码"},
		{"spaces around Latin words in Chinese stay", "请访问 store.example 查询", "请访问 store.example 查询"},
		{"digits and signs for letters", "Reply with your p4ssw0rd or pa$$word.", "reply with your password or password."},
		{"addresses, times and numbers stay", "privacy@store24.example at 10:45, order 4111, 2fa, covid19", "privacy@store24.example at 10:45, order 4111, 2fa, covidi9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalizeText(tc.in); got != tc.want {
				t.Errorf("normalizeText(%q): got %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFoldTextKeepsLookAlikes(t *testing.T) {
	if got, want := foldText("Pass\u00ADword at stоre.example"), "password at stоre.example"; got != want {
		t.Errorf("got %q, want %q (the Cyrillic о kept)", got, want)
	}
}

// FuzzNormalize: the normaliser never panics, returns valid UTF-8 for
// valid input, and is idempotent.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "password", "pass\u00ADword", "раssword", "ｐａｓｓ", "e\u200B\u0301", "и\u200B\u0306",
		"\uFFA0\u0301", "İstanbul", "ǅ", "ﬁ", "\xff\xfe", "a\u0332\u0333b", "hxxps://evil[.]example", "密码"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, fn := range map[string]func(string) string{"normalizeText": normalizeText, "foldText": foldText} {
			once := fn(s)
			if twice := fn(once); twice != once {
				t.Errorf("%s is not idempotent on %q: got %q, then %q", name, s, once, twice)
			}
			if utf8.ValidString(s) && !utf8.ValidString(once) {
				t.Errorf("%s(%q) = %q, want valid UTF-8", name, s, once)
			}
		}
	})
}

// FuzzCheckFacts: the gate never panics on any free text.
func FuzzCheckFacts(f *testing.F) {
	for _, c := range readCorpus(f) {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := &incident.Incident{Title: "t", Description: s, Mitigation: incident.Mitigation{Advice: []string{s}}}
		_ = CheckFactsWith(in, corpusOrg, corpusOptions)
		_, _ = findLinkProblem(foldText(s), normalizeText(s), newOwnDomains(s))
	})
}

// TestConfusablesTable: the generated subset maps the look-alikes the
// gate needs and leaves alone ASCII, the letters of the notice languages,
// Chinese, and the dashes the gate reads as clause breaks.
func TestConfusablesTable(t *testing.T) {
	if confusableVersion == "" {
		t.Error("got no version for the confusables table")
	}
	for r, want := range map[rune]string{'а': "a", 'е': "e", 'о': "o", 'р': "p", 'с': "c", 'і': "i", 'І': "i", 'В': "b",
		'ο': "o", 'ρ': "p", 'Ι': "i", 'ı': "i", '’': "'", 'ꓸ': "."} {
		if got, ok := confusables[r]; !ok || got != want {
			t.Errorf("confusables[%q]: got %q (%v), want %q", r, got, ok, want)
		}
	}
	for r := range confusables {
		if r < 0x80 || strings.ContainsRune("äöüßéèêëàâîïôûùçñáíóúÿœæ–—", r) || isHan(r) {
			t.Errorf("confusables maps %q, want it left as it is", r)
		}
	}
}
