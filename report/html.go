package report

import (
	"html/template"
	"io"
	"strings"
)

// htmlPage is the HTML draft. html/template escapes every value; values
// keep their line breaks through CSS.
var htmlPage = template.Must(template.New("draft").Option("missingkey=error").Funcs(template.FuncMap{
	"deadline": deadlineLine, "timeLeft": timeLeftLine, "overdue": overdueNote, "missing": missingLines,
	"unverified": unverifiedLabels, "heading": filingHeading, "yes": yes, "join": strings.Join,
	"date":       func(d *Draft) string { return d.GeneratedAt.UTC().Format(timeFormat) },
	"discovered": func(d *Draft) string { return d.DiscoveredAt.UTC().Format(timeFormat) },
	"add1":       func(i int) int { return i + 1 }, "sample": func() string { return SampleCode },
	"lang": func(d *Draft) string {
		if len(d.Filings) > 0 {
			return d.Filings[0].Language
		}
		return "en"
	},
}).Parse(`<!DOCTYPE html>
<html lang="{{lang .}}">
<head>
<meta charset="utf-8">
<title>Regulator report drafts: {{.Jurisdiction}}, incident {{.Incident}}</title>
<style>
body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left;vertical-align:top}
.value{white-space:pre-line}.missing{color:#a00;font-weight:bold}.overdue{color:#a00;font-weight:bold}
.meta{color:#555;font-size:.9em}pre{white-space:pre-wrap;border:1px solid #ccc;padding:.5rem}
</style>
</head>
<body>
<h1>Regulator report drafts: {{.Jurisdiction}}, incident {{.Incident}} (revision {{.Revision}})</h1>
<p>{{.Title}}</p>
<p class="meta">Drafted {{date .}}. Discovered {{discovered .}}: every deadline counts from then.{{if .Law}} Law: {{.Law}}.{{end}}</p>
{{range $i, $f := .Filings}}
<section id="{{$f.ID}}">
<h2>{{add1 $i}}. {{heading $f}}</h2>
<table>
<tr><th>Regulator</th><td>{{$f.Regulator}}</td></tr>
<tr><th>Legal basis</th><td>{{join $f.LegalBasis "; "}}</td></tr>
<tr><th>Required on the assessed facts</th><td>{{yes $f.Required}}</td></tr>
<tr><th>Deadline</th><td>{{deadline $f}}</td></tr>
<tr><th>Time left</th><td{{if $f.Overdue}} class="overdue"{{end}}>{{timeLeft $f}}</td></tr>
<tr><th>People concerned</th><td>{{$f.Subjects}}</td></tr>
</table>
{{with overdue $f}}<p class="overdue">OVERDUE. {{.}}</p>{{end}}
{{with missing $f}}<p><strong>Missing ({{len .}}):</strong></p>
<ul>{{range .}}<li class="missing">MISSING: {{.}}</li>{{end}}</ul>
{{else}}<p><strong>Missing:</strong> nothing.</p>{{end}}
{{with unverified $f}}<p><strong>Not verified against the law's text ({{len .}}):</strong> {{join . "; "}}. Have a lawyer check them.</p>
{{else}}<p><strong>Every field was verified against the law's text.</strong></p>{{end}}
<p class="meta">Source of the list: {{$f.Source}}.</p>
{{with $f.Why}}<p>Why:</p><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
<h3>Fields</h3>
{{range $j, $fl := $f.Fields}}
<h4 id="{{$f.ID}}-{{$fl.ID}}">{{add1 $i}}.{{add1 $j}} {{$fl.Label}}</h4>
<p class="meta">{{with $fl.LabelEn}}<em>{{.}}</em> · {{end}}{{$fl.Citation}} · <code>{{$fl.ID}}</code>{{if $fl.Phased}} · may follow later{{end}}{{if not $fl.Verified}} · unverified{{end}}</p>
{{if $fl.Missing}}<p class="missing">MISSING: {{$fl.Missing}}</p>{{else}}<p class="value">{{$fl.Value}}</p>{{end}}
{{end}}
{{with $f.NoticeCopy}}
<h3>Copy of the notice sent to individuals</h3>
{{if .Error}}<p class="missing">MISSING: the notice could not be rendered: {{.Error}}</p>
{{else}}<p class="meta">Sample e-mail ({{.Locale}}), without personal data; the verification code is shown as {{sample}}.</p>
<p>Subject: {{.Subject}}</p>
<pre lang="{{.Locale}}">{{.Text}}</pre>{{end}}
{{end}}
</section>
{{end}}
</body>
</html>
`))

// WriteHTML writes d as one HTML page, every value escaped.
func WriteHTML(w io.Writer, d *Draft) error {
	return htmlPage.Execute(w, d)
}
