package announce

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// FeedOptions describe the Atom feed.
type FeedOptions struct {
	// Title of the feed, in the site's default language.
	Title string
	// Author names the publisher (the organisation).
	Author string
	// SelfURL is where the feed is served and PageURL returns an
	// incident's page; both may be relative (static export) when BaseURL
	// is empty.
	SelfURL string
	PageURL func(incidentID string) string
	// BaseURL, when set, makes ids and links absolute.
	BaseURL string
	// Summary returns the one-line summary of a version in the default
	// language.
	Summary func(v Version) string
	// Updated is the feed's time when it has no entry.
	Updated time.Time
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Href     string `xml:"href,attr"`
	Type     string `xml:"type,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Links     []atomLink `xml:"link"`
	Summary   atomText   `xml:"summary"`
}

// WriteFeed writes an Atom 1.0 feed (RFC 4287) of versions, one entry per
// version, newest first as given.
func WriteFeed(w io.Writer, versions []Version, titles map[string]string, o FeedOptions) error {
	base := strings.TrimSuffix(o.BaseURL, "/")
	abs := func(u string) string {
		if base == "" || strings.Contains(u, "://") {
			return u
		}
		return base + "/" + strings.TrimPrefix(u, "/")
	}
	updated := o.Updated
	if len(versions) > 0 {
		updated = versions[0].PublishedAt
	}
	f := atomFeed{Title: o.Title, Updated: stamp(updated), Author: atomPerson{Name: o.Author},
		Links: []atomLink{{Rel: "self", Href: abs(o.SelfURL), Type: "application/atom+xml"}}}
	if base != "" {
		f.ID = base + "/feed.atom"
	} else {
		f.ID = "urn:breach:announcements"
	}
	for _, v := range versions {
		page := abs(o.PageURL(v.IncidentID))
		id := fmt.Sprintf("urn:breach:announcement:%s:%d", v.IncidentID, v.Version)
		if base != "" {
			id = fmt.Sprintf("%s#v%d", page, v.Version)
		}
		title := titles[v.IncidentID]
		if title == "" {
			title = v.IncidentID
		}
		summary := string(v.Kind)
		if o.Summary != nil {
			summary = o.Summary(v)
		}
		f.Entries = append(f.Entries, atomEntry{ID: id, Title: fmt.Sprintf("%s (%s)", title, v.IncidentID),
			Updated: stamp(v.PublishedAt), Published: stamp(v.PublishedAt),
			Links:   []atomLink{{Rel: "alternate", Href: page, Type: "text/html"}},
			Summary: atomText{Type: "text", Body: summary}})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("write feed: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
