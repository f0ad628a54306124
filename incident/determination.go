package incident

import (
	"fmt"
	"time"
)

// maxDeterminations bounds the determinations one incident may record.
const maxDeterminations = 50

// Determination is a documented determination, recorded on the incident,
// that a statutory exception to notice applies in one jurisdiction (for
// example Florida's written no-harm determination after consulting law
// enforcement, or HIPAA's documented low-probability risk assessment):
// who made it, when, and its text. The assessment applies such an
// exception only once its determination is recorded.
type Determination struct {
	Jurisdiction string    `json:"jurisdiction"`
	Exception    string    `json:"exception"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
	Text         string    `json:"text"`
}

// wireDetermination is a Determination as it travels, its time a string.
type wireDetermination struct {
	Jurisdiction string `json:"jurisdiction"`
	Exception    string `json:"exception"`
	By           string `json:"by"`
	At           string `json:"at"`
	Text         string `json:"text"`
}

// validateDeterminations checks every determination: each field is
// required, at is an RFC 3339 time.
func validateDeterminations(c *checker, ds []wireDetermination) []Determination {
	if len(ds) > maxDeterminations {
		c.add("determinations", "has %d entries; at most %d are allowed", len(ds), maxDeterminations)
		return nil
	}
	var out []Determination
	for i, d := range ds {
		f := fmt.Sprintf("determinations[%d]", i)
		v := Determination{
			Jurisdiction: c.text(f+".jurisdiction", d.Jurisdiction, 64, true),
			Exception:    c.text(f+".exception", d.Exception, 128, true),
			By:           c.text(f+".by", d.By, maxTitle, true),
			Text:         c.text(f+".text", d.Text, maxDescription, true),
		}
		if t := c.time(f+".at", d.At, true); t != nil {
			v.At = *t
		}
		out = append(out, v)
	}
	return out
}
