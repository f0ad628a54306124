package public_test

import (
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/templates"
)

// TestStaticExportOpensFromDisk exports the site and follows every link of
// every page as a browser opening the files would: each must be relative
// and name a file of the export.
func TestStaticExportOpensFromDisk(t *testing.T) {
	f := newFixture(t, testConfig())
	notices, err := announce.LoadAll(t.Context(), f.store)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	written, err := announce.Export(dir, notices, f.site.Pages())
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	for _, want := range []string{"index.html", "index.de.html", "style.css", "feed.atom", "notices/INC-2026-0042/index.html",
		"notices/INC-2026-0042/zh-CN.html", "notices/INC-2026-0042/en.us-ca.html", "notices/INC-2026-0042/press.md", "notices/INC-2026-0042/press.fr.txt"} {
		if !slices.Contains(written, want) {
			t.Errorf("export lacks %s (wrote %d files)", want, len(written))
		}
	}
	checked := 0
	for _, name := range written {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		if strings.Contains(page, "<form") {
			t.Errorf("%s: a static page has a form, which cannot work without the server", name)
		}
		for _, tag := range []struct{ el, attr string }{{"a", "href"}, {"link", "href"}} {
			for _, n := range elements(t, page, tag.el) {
				ref := attr(n, tag.attr)
				if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "mailto:") {
					continue
				}
				u, err := url.Parse(ref)
				if err != nil || u.IsAbs() || strings.HasPrefix(ref, "/") || u.RawQuery != "" {
					t.Errorf("%s: link %q is not a relative file link", name, ref)
					continue
				}
				target := filepath.Join(dir, filepath.FromSlash(filepath.Dir(name)), filepath.FromSlash(u.Path))
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s: link %q does not resolve to a file: %v", name, ref, err)
				}
				checked++
			}
		}
		want := strings.TrimPrefix(strings.TrimSuffix(filepath.Base(name), ".html"), "index.")
		if want == "index" {
			want = templates.Locales[0]
		}
		want = strings.TrimSuffix(want, ".us-ca")
		if got := htmlLang(t, page); got != want {
			t.Errorf("%s: <html lang> %q, want %q", name, got, want)
		}
	}
	if checked < 100 {
		t.Errorf("checked %d links, want the export's links (at least 100)", checked)
	}
	// The feed's links resolve in the export too.
	b, err := os.ReadFile(filepath.Join(dir, "feed.atom"))
	if err != nil {
		t.Fatal(err)
	}
	var feed struct {
		Entries []struct {
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &feed); err != nil || len(feed.Entries) != 1 {
		t.Fatalf("exported feed: %v, %d entries", err, len(feed.Entries))
	}
	if got := feed.Entries[0].Link.Href; got != "notices/INC-2026-0042/index.html" {
		t.Errorf("exported feed entry link: got %q, want the exported page", got)
	}
	if page, _ := os.ReadFile(filepath.Join(dir, "notices/INC-2026-0042/de.html")); !strings.Contains(string(page), "https://notice.store.example") {
		t.Errorf("exported page does not point to the live site for the forms")
	}
}
