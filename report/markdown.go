package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes d as Markdown: per filing the header, what is
// missing, what is unverified, every field in order and the notice copy.
// Text from the incident is escaped so it cannot add headings, links or
// HTML.
func WriteMarkdown(w io.Writer, d *Draft) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	p("# Regulator report drafts: %s, incident %s (revision %d)", d.Jurisdiction, mdInline(d.Incident), d.Revision)
	p("")
	p("%s", mdInline(d.Title))
	p("")
	p("Drafted %s. Discovered %s: every deadline counts from then.", d.GeneratedAt.UTC().Format(timeFormat), d.DiscoveredAt.UTC().Format(timeFormat))
	if d.Law != "" {
		p("Law: %s.", mdInline(d.Law))
	}
	p("%s to file.", plural(len(d.Filings), "report", "reports"))
	for i := range d.Filings {
		f := &d.Filings[i]
		p("")
		p("## %d. %s", i+1, mdInline(filingHeading(f)))
		p("")
		p("| | |")
		p("|---|---|")
		p("| Regulator | %s |", mdCell(f.Regulator))
		p("| Legal basis | %s |", mdCell(strings.Join(f.LegalBasis, "; ")))
		p("| Required on the assessed facts | %s |", yes(f.Required))
		p("| Deadline | %s |", mdCell(deadlineLine(f)))
		p("| Time left | %s |", mdCell(timeLeftLine(f)))
		p("| People concerned | %d |", f.Subjects)
		if note := overdueNote(f); note != "" {
			p("")
			p("> **OVERDUE.** %s", note)
		}
		p("")
		if m := missingLines(f); len(m) > 0 {
			p("**Missing (%d):**", len(m))
			p("")
			for _, l := range m {
				p("- MISSING: %s", mdInline(l))
			}
		} else {
			p("**Missing:** nothing.")
		}
		p("")
		if u := unverifiedLabels(f); len(u) > 0 {
			p("**Not verified against the law's text (%d):** %s. Have a lawyer check them.", len(u), mdInline(strings.Join(u, "; ")))
		} else {
			p("**Every field was verified against the law's text.**")
		}
		p("")
		p("Source of the list: %s.", mdInline(f.Source))
		if len(f.Why) > 0 {
			p("")
			p("Why:")
			p("")
			for _, r := range f.Why {
				p("- %s", mdInline(r))
			}
		}
		p("")
		p("### Fields")
		for j, fl := range f.Fields {
			p("")
			p("#### %d.%d %s", i+1, j+1, mdInline(fl.Label))
			p("")
			var tags []string
			if fl.LabelEn != "" {
				tags = append(tags, "*"+mdInline(fl.LabelEn)+"*")
			}
			tags = append(tags, mdInline(fl.Citation), "`"+fl.ID+"`")
			if fl.Phased {
				tags = append(tags, "may follow later")
			}
			if !fl.Verified {
				tags = append(tags, "unverified")
			}
			p("%s", strings.Join(tags, " · "))
			p("")
			if fl.Missing != "" {
				p("**MISSING: %s**", mdInline(fl.Missing))
			} else {
				p("%s", mdBlock(fl.Value))
			}
		}
		if nc := f.NoticeCopy; nc != nil {
			p("")
			p("### Copy of the notice sent to individuals")
			p("")
			if nc.Error != "" {
				p("**MISSING: the notice could not be rendered: %s**", mdInline(nc.Error))
				continue
			}
			p("Sample e-mail (%s), without personal data; the verification code is shown as %s.", nc.Locale, SampleCode)
			p("")
			p("Subject: %s", mdInline(nc.Subject))
			p("")
			fence := "```"
			for strings.Contains(nc.Text, fence) {
				fence += "`"
			}
			p("%stext\n%s\n%s", fence, strings.TrimRight(nc.Text, "\n"), fence)
		}
	}
	return b.Flush()
}

// filingHeading is a filing's title with the place it covers.
func filingHeading(f *Filing) string {
	if f.Place != "" {
		return f.Title + " — " + f.Place + ": " + f.Regulator
	}
	return f.Title
}

// mdEscaper escapes the characters that would make Markdown of free text.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "<", `\<`, ">", `\>`, "[", `\[`, "]", `\]`, "*", `\*`, "|", `\|`)

// mdInline escapes free text for a Markdown line.
func mdInline(s string) string {
	s = mdEscaper.Replace(strings.Join(strings.Fields(s), " "))
	if strings.HasPrefix(s, "#") {
		s = `\` + s
	}
	return s
}

// mdCell escapes free text for a table cell.
func mdCell(s string) string { return mdInline(s) }

// mdBlock escapes a multi-line value: lines starting "- " stay list items
// (set off from the text before them by a blank line), other lines keep
// their breaks.
func mdBlock(s string) string {
	var out []string
	prevItem := false
	for i, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if rest, ok := strings.CutPrefix(l, "- "); ok {
			if i > 0 && !prevItem {
				out = append(out, "")
			}
			out = append(out, "- "+mdInline(rest))
			prevItem = true
			continue
		}
		if prevItem {
			out = append(out, "")
		} else if i > 0 {
			out[len(out)-1] += "  " // hard line break
		}
		out = append(out, mdInline(l))
		prevItem = false
	}
	return strings.Join(out, "\n")
}

// plural writes "1 report" or "n reports".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
