package public

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/breach-notify/breach/templates"
)

// TestStringsComplete checks that every locale has every string, and
// that every string is used by a page or by the code.
func TestStringsComplete(t *testing.T) {
	all, err := loadWords()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(templates.Locales) {
		t.Fatalf("got strings for %d locales, want %d", len(all), len(templates.Locales))
	}
	var sources strings.Builder
	for _, dir := range []string{"pages", "."} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			b, err := fs.ReadFile(os.DirFS(dir), e.Name())
			if err != nil {
				t.Fatal(err)
			}
			sources.Write(b)
		}
	}
	for _, key := range all["en"].keys() {
		quoted := `"` + key + `"`
		prefixed := strings.HasPrefix(key, "kind_") || strings.HasPrefix(key, "channel_")
		if !strings.Contains(sources.String(), quoted) && !prefixed {
			t.Errorf("string %q is used nowhere", key)
		}
	}
}

func TestChooseLocale(t *testing.T) {
	all := templates.Locales
	tests := []struct {
		name, asked, header string
		available           []string
		want                string
	}{
		{"asked wins", "es", "de", all, "es"},
		{"asked but unavailable", "pt", "de", all, "de"},
		{"q values", "", "fr;q=0.4, de;q=0.9", all, "de"},
		{"Chinese script", "", "zh-Hans", all, "zh-CN"},
		{"regional", "", "es-419", all, "es"},
		{"only some languages", "", "de", []string{"en", "fr"}, "en"},
		{"garbage", "", ";;;", all, "en"},
	}
	for _, tc := range tests {
		if got := chooseLocale(tc.asked, tc.header, tc.available); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
