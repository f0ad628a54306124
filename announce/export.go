package announce

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Links are the addresses the pages link to: absolute paths on the public
// site, relative file names in a static export.
type Links interface {
	// Index is the list of announcements in locale.
	Index(locale string) string
	// Notice is an announcement's page in locale and variant.
	Notice(incidentID, locale, variant string) string
	// Press is the press text in locale, ext "md" or "txt".
	Press(incidentID, locale, ext string) string
	Feed() string
	Stylesheet() string
	// Verify and Lookup are where the forms post; "" in a static export,
	// which has no forms.
	Verify() string
	Lookup() string
}

// Renderer renders the pages of the public site; web/public implements
// it, so the site and its static export are the same pages.
type Renderer interface {
	// DefaultLocale is the language of index.html and of a page whose
	// language is not asked for.
	DefaultLocale() string
	// Locales are the site's languages.
	Locales() []string
	RenderIndex(w io.Writer, locale string, notices []*Notice, l Links) error
	RenderNotice(w io.Writer, locale, variant string, n *Notice, l Links) error
	RenderFeed(w io.Writer, notices []*Notice, l Links) error
	PressLabels(locale string) PressLabels
	Stylesheet() []byte
}

// StaticLinks are the links of a static export, relative to a page
// Depth directories below the export's root.
type StaticLinks struct {
	Depth int
	// DefaultLocale is written without a language suffix.
	DefaultLocale string
}

var _ Links = StaticLinks{}

func (s StaticLinks) prefix() string { return strings.Repeat("../", s.Depth) }

// Index implements Links.
func (s StaticLinks) Index(locale string) string { return s.prefix() + s.indexFile(locale) }

func (s StaticLinks) indexFile(locale string) string {
	if locale == s.DefaultLocale {
		return "index.html"
	}
	return "index." + locale + ".html"
}

// Notice implements Links.
func (s StaticLinks) Notice(id, locale, variant string) string {
	return s.prefix() + s.noticeFile(id, locale, variant)
}

func (s StaticLinks) noticeFile(id, locale, variant string) string {
	name := locale
	if variant != VariantGeneral {
		name += "." + strings.ToLower(variant)
	} else if locale == s.DefaultLocale {
		name = "index"
	}
	return path.Join("notices", id, name+".html")
}

// Press implements Links.
func (s StaticLinks) Press(id, locale, ext string) string {
	return s.prefix() + s.pressFile(id, locale, ext)
}

func (s StaticLinks) pressFile(id, locale, ext string) string {
	if locale == s.DefaultLocale {
		return path.Join("notices", id, "press."+ext)
	}
	return path.Join("notices", id, "press."+locale+"."+ext)
}

// Feed implements Links.
func (s StaticLinks) Feed() string { return s.prefix() + "feed.atom" }

// Stylesheet implements Links.
func (s StaticLinks) Stylesheet() string { return s.prefix() + "style.css" }

// Verify implements Links: a static export has no forms.
func (StaticLinks) Verify() string { return "" }

// Lookup implements Links: a static export has no forms.
func (StaticLinks) Lookup() string { return "" }

// Export writes the public site of notices under dir as static files that
// any web host serves, and that open from disk with working links: the
// index per language, each announcement's page per language and variant,
// the press texts, the Atom feed and the stylesheet. Every link is
// relative. It returns the files written, relative to dir.
func Export(dir string, notices []*Notice, r Renderer) ([]string, error) {
	if len(notices) == 0 {
		return nil, errors.New("export: no announcement to export")
	}
	var written []string
	write := func(name string, render func(w io.Writer) error) error {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.WriteFile(full, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		written = append(written, name)
		return nil
	}
	root := StaticLinks{DefaultLocale: r.DefaultLocale()}
	page := StaticLinks{Depth: 2, DefaultLocale: r.DefaultLocale()}
	err := write("style.css", func(w io.Writer) error { _, err := w.Write(r.Stylesheet()); return err })
	if err != nil {
		return written, err
	}
	for _, loc := range r.Locales() {
		if err := write(root.indexFile(loc), func(w io.Writer) error { return r.RenderIndex(w, loc, notices, root) }); err != nil {
			return written, err
		}
	}
	if err := write("feed.atom", func(w io.Writer) error { return r.RenderFeed(w, notices, root) }); err != nil {
		return written, err
	}
	for _, n := range notices {
		if len(n.Versions) == 0 {
			continue
		}
		variants := []string{VariantGeneral}
		if c := n.Content(); c != nil && c.HasVariant(VariantCalifornia) {
			variants = append(variants, VariantCalifornia)
		}
		for _, loc := range r.Locales() {
			for _, variant := range variants {
				if err := write(root.noticeFile(n.IncidentID, loc, variant), func(w io.Writer) error {
					return r.RenderNotice(w, loc, variant, n, page)
				}); err != nil {
					return written, err
				}
			}
			for _, ext := range []string{"md", "txt"} {
				if err := write(root.pressFile(n.IncidentID, loc, ext), func(w io.Writer) error {
					return WritePress(w, n, loc, VariantGeneral, r.PressLabels(loc), path.Base(root.noticeFile(n.IncidentID, loc, VariantGeneral)), ext == "md")
				}); err != nil {
					return written, err
				}
			}
		}
	}
	return written, nil
}
