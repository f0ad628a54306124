package compose

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// corpusOrg is the organisation of testdata/corpus.txt.
var (
	corpusOrg = inventory.Organization{Name: "Seestar Store", Website: "https://store.example",
		Contact: inventory.Contact{Email: "privacy@store.example", Phone: "+86 512 0000 0000"}}
	corpusOptions = FactsOptions{Domains: []string{"https://notices.store-group.example/"}}
)

// corpusProblems are the words a refusal of each verdict names.
var corpusProblems = map[string]string{
	"secret":    "mitigation.advice[0] asks the reader for a secret",
	"link":      "mitigation.advice[0] contains a link or domain",
	"imitates":  "that imitates the organisation's",
	"disguised": "mitigation.advice[0] contains a disguised link",
}

type corpusCase struct {
	line          int
	verdict, lang string
	text          string
}

var escapedRune = regexp.MustCompile(`\\u[0-9A-Fa-f]{4}`)

// readCorpus reads testdata/corpus.txt.
func readCorpus(t testing.TB) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, "\t", 3)
		if len(fields) != 3 {
			t.Fatalf("corpus.txt:%d: got %d tab-separated fields, want 3", n, len(fields))
		}
		if _, ok := corpusProblems[fields[0]]; !ok && fields[0] != "accept" {
			t.Fatalf("corpus.txt:%d: unknown verdict %q", n, fields[0])
		}
		text := escapedRune.ReplaceAllStringFunc(fields[2], func(e string) string {
			r, _ := strconv.ParseUint(e[2:], 16, 32)
			return string(rune(r))
		})
		out = append(out, corpusCase{line: n, verdict: fields[0], lang: fields[1], text: text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpus runs every sentence of testdata/corpus.txt through the gate
// as a piece of advice.
func TestCorpus(t *testing.T) {
	cases := readCorpus(t)
	counts := map[string]int{}
	for _, c := range cases {
		if c.verdict == "accept" {
			counts["accept"]++
		} else {
			counts["refuse"]++
		}
		t.Run(fmt.Sprintf("%s/%d_%s", c.lang, c.line, c.verdict), func(t *testing.T) {
			in := &incident.Incident{Title: "Order database copied", Description: "An intruder copied the order database.",
				Mitigation: incident.Mitigation{Measures: []string{"Closed the access path"}, Advice: []string{c.text}}}
			err := CheckFactsWith(in, corpusOrg, corpusOptions)
			if c.verdict == "accept" {
				if err != nil {
					t.Errorf("%q: got %v, want it accepted", c.text, err)
				}
				return
			}
			if want := corpusProblems[c.verdict]; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: got %v, want a refusal saying %q", c.text, err, want)
			}
		})
	}
	if counts["accept"] < 100 || counts["refuse"] < 100 {
		t.Errorf("got %d accepted and %d refused sentences, want at least 100 of each", counts["accept"], counts["refuse"])
	}
}
