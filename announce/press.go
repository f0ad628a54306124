package announce

import (
	"fmt"
	"io"
	"strings"
)

// PressLabels are the words of the press text in one language.
type PressLabels struct {
	// Heading introduces the organisation's name: "Public notice of a
	// data security incident".
	Heading   string
	Reference string
	// FirstPublished and LastChanged label the dates of the first and the
	// newest version.
	FirstPublished string
	LastChanged    string
	// Withdrawn replaces the text of a withdrawn announcement.
	Withdrawn string
	// FullText introduces the link to the page.
	FullText string
}

// Date formats the dates of the press text and the feed: ISO 8601 days,
// the same in every language.
func Date(n *Notice, i int) string { return n.Versions[i].PublishedAt.UTC().Format("2006-01-02") }

// WritePress writes the press text of n in locale and variant, as Markdown
// or as plain text, ending with a link to pageURL.
func WritePress(w io.Writer, n *Notice, locale, variant string, l PressLabels, pageURL string, markdown bool) error {
	c := n.Content()
	if c == nil {
		return fmt.Errorf("press text %s: %w", n.IncidentID, ErrNotFound)
	}
	var b strings.Builder
	esc := func(s string) string { return s }
	if markdown {
		esc = mdEscape
	}
	heading := func(level int, s string) {
		if markdown {
			b.WriteString(strings.Repeat("#", level) + " " + esc(s) + "\n\n")
			return
		}
		ch := "="
		if level > 1 {
			ch = "-"
		}
		b.WriteString(s + "\n" + strings.Repeat(ch, max(len([]rune(s)), 3)) + "\n\n")
	}
	heading(1, c.Org.Name+": "+l.Heading)
	b.WriteString(esc(c.Title) + "\n\n")
	line := func(label, value string) {
		if markdown {
			b.WriteString("- **" + esc(label) + "** " + esc(value) + "\n")
			return
		}
		b.WriteString(label + " " + value + "\n")
	}
	line(l.Reference, c.Reference)
	line(l.FirstPublished, Date(n, 0))
	if len(n.Versions) > 1 {
		line(l.LastChanged, Date(n, len(n.Versions)-1))
	}
	b.WriteString("\n")
	if n.Withdrawn() {
		b.WriteString(esc(l.Withdrawn) + "\n\n")
		if note := n.Latest().Note; note != "" {
			b.WriteString(esc(note) + "\n\n")
		}
	} else if t := c.Text(locale, variant); t != nil {
		for _, s := range t.Sections {
			heading(2, s.Heading)
			for _, blk := range s.Blocks {
				switch {
				case len(blk.Items) > 0:
					for _, it := range blk.Items {
						b.WriteString("- " + esc(it) + "\n")
					}
				case blk.Pre && markdown:
					for l := range strings.SplitSeq(blk.Text, "\n") {
						b.WriteString(esc(l) + "  \n")
					}
				default:
					b.WriteString(esc(blk.Text) + "\n")
				}
				b.WriteString("\n")
			}
		}
	}
	if markdown {
		b.WriteString(esc(l.FullText) + " <" + pageURL + ">\n")
	} else {
		b.WriteString(l.FullText + " " + pageURL + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape escapes what Markdown would read as markup, so the incident's
// text stays text (no links, emphasis or HTML of its own).
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|!", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
