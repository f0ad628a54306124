package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"md", "html", "json", "pdf"}

// Write renders d in format (md, html, json or pdf) to w. opts matter only
// for PDF.
func Write(w io.Writer, d *Draft, format string, opts PDFOptions) error {
	switch format {
	case "md", "markdown":
		return WriteMarkdown(w, d)
	case "html":
		return WriteHTML(w, d)
	case "json":
		return WriteJSON(w, d)
	case "pdf":
		return WritePDF(w, d, opts)
	}
	return fmt.Errorf("report format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// WriteJSON writes d as indented JSON: fields in the law's order, keys in a
// fixed order, so that two drafts of the same facts are byte-identical.
func WriteJSON(w io.Writer, d *Draft) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// yes writes a flag in words.
func yes(v bool) string { return yesNo(v) }

// deadlineLine says when a filing is due and how much time is left.
func deadlineLine(f *Filing) string {
	if f.Deadline == nil {
		if f.DeadlineText != "" {
			return "no fixed time: " + f.DeadlineText
		}
		return "none set by the law"
	}
	v := f.Deadline.UTC().Format(timeFormat)
	if f.DeadlineText != "" {
		v += " (" + f.DeadlineText + ")"
	}
	return v
}

// timeLeftLine says the time left, or that the deadline has passed.
func timeLeftLine(f *Filing) string {
	switch {
	case !f.Required:
		return "not required on the assessed facts"
	case f.Deadline == nil:
		return "no fixed deadline"
	case f.Overdue:
		return "OVERDUE by " + strings.TrimPrefix(f.TimeLeft, "-")
	}
	return f.TimeLeft
}

// overdueNote is the warning of an overdue filing.
func overdueNote(f *Filing) string {
	if !f.Overdue {
		return ""
	}
	for _, fl := range f.Fields {
		if fl.ID == "delay_reasons" {
			return "The deadline has passed: the report must give the reasons for the delay (field delay_reasons)."
		}
	}
	return "The deadline has passed: file at once and explain the delay."
}

// missingLines lists the missing fields as "label: what to provide".
func missingLines(f *Filing) []string {
	var out []string
	for _, fl := range f.Fields {
		if fl.Missing != "" {
			out = append(out, labelOf(fl)+": "+fl.Missing)
		}
	}
	return out
}

// unverifiedLabels lists the labels of the unverified fields.
func unverifiedLabels(f *Filing) []string {
	var out []string
	for _, fl := range f.Fields {
		if !fl.Verified {
			out = append(out, labelOf(fl))
		}
	}
	return out
}
