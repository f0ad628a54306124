package incident

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeTranslations(t *testing.T) {
	doc := withField(`"translations":{"zh-CN":{"title":"订单数据库被复制","description":"入侵者复制了订单数据库。","measures":["吊销了泄露的密钥"],"advice":["更改密码"]},"de":{"title":"Bestelldatenbank kopiert"}}`)
	in, err := Decode([]byte(doc))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := map[string]Translation{
		"zh-CN": {Title: "订单数据库被复制", Description: "入侵者复制了订单数据库。", Measures: []string{"吊销了泄露的密钥"}, Advice: []string{"更改密码"}},
		"de":    {Title: "Bestelldatenbank kopiert"},
	}
	if diff := cmp.Diff(want, in.Translations); diff != "" {
		t.Errorf("translations (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		locale   string
		hasText  bool
		wantText string
	}{
		{"zh-CN", true, "订单数据库被复制"}, {"zh-cn", true, "订单数据库被复制"}, {"de-AT", true, "Bestelldatenbank kopiert"},
		{"fr", false, ""}, {"en-GB", true, ""}, {"", true, ""}, {"zh-TW", false, ""},
	} {
		tr, _ := in.Text(tc.locale)
		if got := in.HasText(tc.locale); got != tc.hasText || tr.Title != tc.wantText {
			t.Errorf("locale %q: got HasText %v, title %q, want %v, %q", tc.locale, got, tr.Title, tc.hasText, tc.wantText)
		}
	}
}

func TestDecodeTranslationsRefused(t *testing.T) {
	tests := []struct {
		name, field, translations string
	}{
		{"not a locale", `translations["not a locale"]`, `{"not a locale":{"title":"x"}}`},
		{"empty translation", `translations.fr`, `{"fr":{}}`},
		{"unknown field", `translations.fr.summary`, `{"fr":{"summary":"x"}}`},
		{"repeated locale", `translations.fr`, `{"fr":{"title":"a"},"fr":{"title":"b"}}`},
		{"measure not a string", `translations.fr.measures[0]`, `{"fr":{"measures":[1]}}`},
		{"blank advice", `translations.fr.advice[0]`, `{"fr":{"advice":[" "]}}`},
		{"not an object", `translations`, `["fr"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(withField(`"translations":` + tc.translations)))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Decode: got %v, want a *ValidationError", err)
			}
			found := false
			for _, p := range ve.Problems {
				found = found || p.Field == tc.field
			}
			if !found {
				t.Errorf("problems %v: want one at %s", ve.Problems, tc.field)
			}
			if strings.Contains(err.Error(), "panic") {
				t.Errorf("error mentions a panic: %v", err)
			}
		})
	}
}
