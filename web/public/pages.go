package public

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/templates"
)

//go:embed pages/*.html pages/style.css
var pageFiles embed.FS

// Pages renders the site's pages in every language. It implements
// announce.Renderer, so the static export writes the pages the site
// serves.
type Pages struct {
	words   map[string]words
	org     announce.Org
	baseURL string
	pages   map[string]*template.Template
	css     []byte
}

var _ announce.Renderer = (*Pages)(nil)

// NewPages parses the embedded pages and strings. org is the publishing
// organisation (named in the header and as the contact to report a
// forged notice to); baseURL, when set, is the live site a static export
// points to for the forms.
func NewPages(org announce.Org, baseURL string) (*Pages, error) {
	w, err := loadWords()
	if err != nil {
		return nil, err
	}
	css, err := pageFiles.ReadFile("pages/style.css")
	if err != nil {
		return nil, err
	}
	p := &Pages{words: w, org: org, baseURL: baseURL, pages: map[string]*template.Template{}, css: css}
	for _, name := range []string{"index", "notice", "verify", "verifyform", "lookup", "message"} {
		t, err := template.New(name).Option("missingkey=error").ParseFS(pageFiles, "pages/layout.html", "pages/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		p.pages[name] = t
	}
	return p, nil
}

// DefaultLocale implements announce.Renderer.
func (p *Pages) DefaultLocale() string { return templates.Locales[0] }

// Locales implements announce.Renderer.
func (p *Pages) Locales() []string { return slices.Clone(templates.Locales) }

// Stylesheet implements announce.Renderer.
func (p *Pages) Stylesheet() []byte { return p.css }

// PressLabels implements announce.Renderer.
func (p *Pages) PressLabels(locale string) announce.PressLabels {
	w := p.wordsOf(locale)
	return announce.PressLabels{Heading: w.t("notice_heading"), Reference: w.t("reference"),
		FirstPublished: w.t("first_published"), LastChanged: w.t("last_updated"),
		Withdrawn: w.t("withdrawn_title"), FullText: w.t("press_full")}
}

func (p *Pages) wordsOf(locale string) words {
	if w, ok := p.words[locale]; ok {
		return w
	}
	return p.words[p.DefaultLocale()]
}

// page is what every page shows.
type page struct {
	Lang      string
	Title     string
	Links     announce.Links
	Org       announce.Org
	Languages []langLink
	w         words
}

// T returns the page's string of key (see words.t).
func (p page) T(key string, pairs ...string) string { return p.w.t(key, pairs...) }

// langLink is one entry of the language switcher.
type langLink struct {
	Tag, Name, Href string
	Current         bool
}

func (p *Pages) base(locale, title string, l announce.Links, switcher func(loc string) string, locales []string) page {
	pg := page{Lang: locale, Title: title, Links: l, Org: p.org, w: p.wordsOf(locale)}
	if switcher != nil && len(locales) > 1 {
		for _, loc := range locales {
			pg.Languages = append(pg.Languages, langLink{Tag: loc, Name: p.wordsOf(loc).t("language_name"), Href: switcher(loc), Current: loc == locale})
		}
	}
	return pg
}

func (p *Pages) exec(w io.Writer, name string, data any) error {
	var buf bytes.Buffer
	if err := p.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render page %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// indexItem is one announcement in the index.
type indexItem struct {
	Href, Title, Reference, First, Changed string
}

type indexPage struct {
	page
	Current, Withdrawn []indexItem
	// VerifyAction and Reference fill the genuine-check form (no form
	// when VerifyAction is empty: a static export).
	VerifyAction, Reference string
}

// RenderIndex implements announce.Renderer.
func (p *Pages) RenderIndex(w io.Writer, locale string, notices []*announce.Notice, l announce.Links) error {
	d := indexPage{page: p.base(locale, p.wordsOf(locale).t("site_title")+" – "+p.org.Name, l, l.Index, p.Locales()), VerifyAction: l.Verify()}
	for _, n := range notices {
		c := n.Content()
		if c == nil {
			continue
		}
		loc := chooseLocale(locale, "", c.Locales())
		it := indexItem{Href: l.Notice(n.IncidentID, loc, announce.VariantGeneral), Title: c.Title, Reference: c.Reference,
			First: day(n.FirstPublished())}
		if len(n.Versions) > 1 {
			it.Changed = day(n.Latest().PublishedAt)
		}
		if n.Withdrawn() {
			d.Withdrawn = append(d.Withdrawn, it)
		} else {
			d.Current = append(d.Current, it)
		}
	}
	return p.exec(w, "index", d)
}

type versionItem struct {
	Number     int
	Date, Kind string
	Note       string
}

type noticePage struct {
	page
	Content                    *announce.Content
	Text                       *announce.Text
	Variant                    string
	OtherVariant               string
	First, Changed             string
	Withdrawn                  bool
	WithdrawnOn, WithdrawnNote string
	Versions                   []versionItem
	VerifyAction, LookupAction string
	StaticForms                string
	PressMD, PressTXT          string
	// Reference fills the genuine-check form.
	Reference string
}

// renderVerifyForm renders the genuine-check form on a page of its own
// (GET /verify: the genuine-check URL of the notices).
func (p *Pages) renderVerifyForm(w io.Writer, locale string, l announce.Links) error {
	self := func(loc string) string { return l.Verify() + "?lang=" + url.QueryEscape(loc) }
	d := indexPage{page: p.base(locale, p.wordsOf(locale).t("verify_heading")+" – "+p.org.Name, l, self, p.Locales()), VerifyAction: l.Verify()}
	return p.exec(w, "verifyform", d)
}

// RenderNotice implements announce.Renderer.
func (p *Pages) RenderNotice(w io.Writer, locale, variant string, n *announce.Notice, l announce.Links) error {
	c := n.Content()
	if c == nil || len(n.Versions) == 0 {
		return fmt.Errorf("render notice %s: %w", n.IncidentID, announce.ErrNotFound)
	}
	locales := c.Locales()
	if !slices.Contains(locales, locale) {
		locale = chooseLocale(locale, "", locales)
	}
	if !c.HasVariant(variant) {
		variant = announce.VariantGeneral
	}
	wd := p.wordsOf(locale)
	d := noticePage{
		page:    p.base(locale, wd.t("notice_heading")+": "+c.Title+" – "+c.Org.Name, l, func(loc string) string { return l.Notice(n.IncidentID, loc, variant) }, locales),
		Content: c, Text: c.Text(locale, variant), Variant: variant, Reference: c.Reference,
		First: day(n.FirstPublished()), Withdrawn: n.Withdrawn(),
		VerifyAction: l.Verify(), LookupAction: l.Lookup(),
		PressMD: l.Press(n.IncidentID, locale, "md"), PressTXT: l.Press(n.IncidentID, locale, "txt"),
	}
	d.Org = c.Org
	if len(n.Versions) > 1 {
		d.Changed = day(n.Latest().PublishedAt)
	}
	if d.Withdrawn {
		d.WithdrawnOn, d.WithdrawnNote = day(n.Latest().PublishedAt), n.Latest().Note
	}
	if c.HasVariant(announce.VariantCalifornia) {
		other := announce.VariantCalifornia
		if variant == announce.VariantCalifornia {
			other = announce.VariantGeneral
		}
		d.OtherVariant = l.Notice(n.IncidentID, locale, other)
	}
	if l.Verify() == "" && p.baseURL != "" {
		d.StaticForms = p.baseURL
	}
	for i := len(n.Versions) - 1; i >= 0; i-- {
		v := n.Versions[i]
		d.Versions = append(d.Versions, versionItem{Number: v.Version, Date: day(v.PublishedAt), Kind: wd.t("kind_" + string(v.Kind)), Note: v.Note})
	}
	return p.exec(w, "notice", d)
}

// RenderFeed implements announce.Renderer: the feed of every version,
// newest first, in the default language.
func (p *Pages) RenderFeed(w io.Writer, notices []*announce.Notice, l announce.Links) error {
	var versions []announce.Version
	titles := map[string]string{}
	for _, n := range notices {
		versions = append(versions, n.Versions...)
		if c := n.Content(); c != nil {
			titles[n.IncidentID] = c.Title
		}
	}
	slices.SortStableFunc(versions, func(a, b announce.Version) int { return b.PublishedAt.Compare(a.PublishedAt) })
	return p.feed(w, versions, titles, l)
}

func (p *Pages) feed(w io.Writer, versions []announce.Version, titles map[string]string, l announce.Links) error {
	en := p.wordsOf(p.DefaultLocale())
	base := p.baseURL
	if l.Verify() == "" {
		base = "" // a static export links its own files, wherever it is hosted
	}
	return announce.WriteFeed(w, versions, titles, announce.FeedOptions{
		Title: en.t("feed_title", "org", p.org.Name), Author: p.org.Name, SelfURL: l.Feed(), BaseURL: base,
		PageURL: func(id string) string { return l.Notice(id, p.DefaultLocale(), announce.VariantGeneral) },
		Summary: func(v announce.Version) string {
			s := en.t("kind_" + string(v.Kind))
			if v.Note != "" {
				s += ": " + v.Note
			}
			return s
		},
		Updated: time.Unix(0, 0),
	})
}

type verifyPage struct {
	page
	Genuine            bool
	Incident, Channel  string
	SentOn, NoticeHref string
	Report             string
}

type messagePage struct {
	page
	Heading, Message string
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// reportContact is where a forged notice is reported: the organisation's
// e-mail address, else its phone number.
func (p *Pages) reportContact() string {
	if p.org.ContactEmail != "" {
		return p.org.ContactEmail
	}
	return p.org.ContactPhone
}

// serverLinks are the links of the live site.
type serverLinks struct{}

var _ announce.Links = serverLinks{}

func (serverLinks) Index(locale string) string { return "/?lang=" + url.QueryEscape(locale) }

func (serverLinks) Notice(id, locale, variant string) string {
	q := url.Values{"lang": {locale}}
	if variant != announce.VariantGeneral {
		q.Set("variant", variant)
	}
	return "/notices/" + url.PathEscape(id) + "?" + q.Encode()
}

func (serverLinks) Press(id, locale, ext string) string {
	return "/notices/" + url.PathEscape(id) + "/press." + ext + "?lang=" + url.QueryEscape(locale)
}

func (serverLinks) Feed() string       { return "/feed.atom" }
func (serverLinks) Stylesheet() string { return "/style.css" }
func (serverLinks) Verify() string     { return "/verify" }
func (serverLinks) Lookup() string     { return "/lookup" }
