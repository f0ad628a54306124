package announce

import (
	"errors"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sectionsOf reads the sections of a notice rendered as an HTML e-mail:
// each <h2> with the paragraphs and lists after it. What addresses one
// person is left out: everything before the first heading (title,
// greeting, the reference and code box) and everything from the paragraph
// that links to the announcement page on (the code again, the closing and
// the signature). Blocks that show the placeholder code are dropped too.
func sectionsOf(doc, page string) ([]Section, error) {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return nil, err
	}
	body := find(root, atom.Body)
	if body == nil {
		return nil, errors.New("the rendered notice has no body")
	}
	var out []Section
	for n := body.FirstChild; n != nil; n = n.NextSibling {
		if n.Type != html.ElementNode {
			continue
		}
		if n.DataAtom == atom.H2 {
			out = append(out, Section{Heading: flat(n)})
			continue
		}
		if len(out) == 0 {
			continue
		}
		if links(n, page) {
			break
		}
		if hasClass(n, "ref") {
			continue
		}
		s := &out[len(out)-1]
		switch n.DataAtom {
		case atom.P:
			text := flat(n)
			if hasClass(n, "pre") {
				text = preText(n)
			}
			if text != "" && !strings.Contains(text, placeholderCode) {
				s.Blocks = append(s.Blocks, Block{Text: text, Pre: hasClass(n, "pre")})
			}
		case atom.Ul, atom.Ol:
			var items []string
			for li := n.FirstChild; li != nil; li = li.NextSibling {
				if li.Type == html.ElementNode && li.DataAtom == atom.Li {
					if t := flat(li); t != "" {
						items = append(items, t)
					}
				}
			}
			if len(items) > 0 {
				s.Blocks = append(s.Blocks, Block{Items: items})
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the rendered notice has no sections (no <h2> headings)")
	}
	return out, nil
}

func find(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

// flat is the text of n with runs of white space made one space.
func flat(n *html.Node) string { return strings.Join(strings.Fields(textOf(n, " ")), " ") }

// preText is the text of n keeping its line breaks (<br>), each line's
// white space made one space and empty lines dropped.
func preText(n *html.Node) string {
	var lines []string
	for l := range strings.SplitSeq(textOf(n, "\n"), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// textOf is the text under n, with br for each <br>.
func textOf(n *html.Node, br string) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.DataAtom == atom.Br:
			b.WriteString(br)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " "+class+" ") {
			return true
		}
	}
	return false
}

// links reports whether n holds a link to page.
func links(n *html.Node, page string) bool {
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		for _, a := range n.Attr {
			if a.Key == "href" && strings.TrimSuffix(a.Val, "/") == strings.TrimSuffix(page, "/") {
				return true
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if links(c, page) {
			return true
		}
	}
	return false
}
