package announce

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSectionsOf(t *testing.T) {
	const page = "https://notice.example/notices/INC-1"
	doc := `<!DOCTYPE html><html><body>
<h1>Title</h1><p class="ref">Reference <strong>INC-1</strong><br>Code <strong>PUBLI-CNOTE</strong></p>
<p>Dear customer,</p>
<h2>What happened</h2><p>An   intruder
copied it.</p>
<h2>What you can do</h2><ul><li>Change your <b>password</b></li><li> </li></ul>
<p class="pre">Equifax<br>P.O. Box 1
Atlanta</p>
<h2>How to reach us</h2><ul><li>Email: <a href="mailto:p@x.example">p@x.example</a></li></ul>
<p>We publish it at:<br><a href="` + page + `">` + page + `</a></p>
<p class="ref">Code PUBLI-CNOTE</p><p>Yours sincerely</p></body></html>`
	got, err := sectionsOf(doc, page)
	if err != nil {
		t.Fatal(err)
	}
	want := []Section{
		{Heading: "What happened", Blocks: []Block{{Text: "An intruder copied it."}}},
		{Heading: "What you can do", Blocks: []Block{{Items: []string{"Change your password"}}, {Text: "Equifax\nP.O. Box 1\nAtlanta", Pre: true}}},
		{Heading: "How to reach us", Blocks: []Block{{Items: []string{"Email: p@x.example"}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if _, err := sectionsOf("<p>no headings</p>", page); err == nil {
		t.Errorf("a notice without headings: got nil error")
	}
}
