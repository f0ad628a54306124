package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/regulators"
)

var update = flag.Bool("update", false, "rewrite the golden drafts in testdata/golden")

// goldenCase is one incident and inventory whose drafts have golden files.
type goldenCase struct {
	name, inventory, incident string
}

// goldenCases are the example incidents and the assess command's cases
// that bring in jurisdictions the examples do not.
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	var cases []goldenCase
	incs, err := filepath.Glob("../examples/seestar/incidents/*.json")
	if err != nil || len(incs) == 0 {
		t.Fatalf("no example incidents: %v", err)
	}
	for _, p := range incs {
		cases = append(cases, goldenCase{name: "examples-" + strings.TrimSuffix(filepath.Base(p), ".json"), inventory: "../examples/seestar/inventory.yaml", incident: p})
	}
	for _, c := range []string{"multi-jurisdiction", "health-hipaa", "hospital-ransomware"} {
		dir := filepath.Join("../cmd/breach/testdata/assess", c)
		cases = append(cases, goldenCase{name: "assess-" + c, inventory: filepath.Join(dir, "inventory.yaml"), incident: filepath.Join(dir, "incident.json")})
	}
	cases = append(cases, goldenCase{name: "canada", inventory: "testdata/canada/inventory.yaml", incident: "testdata/canada/incident.json"})
	cases = append(cases, goldenCase{name: "us-states", inventory: "../regulators/testdata/us_states/inventory.yaml", incident: "../regulators/testdata/us_states/incident.json"})
	return cases
}

// TestGoldenDrafts renders every jurisdiction's draft of every case as
// Markdown and JSON, 60 hours after discovery, and compares them with the
// golden files (go test ./report -update rewrites them).
func TestGoldenDrafts(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range goldenCases(t) {
		now := discoveredAt(t, c.incident).Add(60 * time.Hour)
		x := assessFiles(t, c.inventory, c.incident, now)
		for _, ob := range x.a.Obligations {
			seen[ob.Jurisdiction] = true
			t.Run(c.name+"/"+ob.Jurisdiction, func(t *testing.T) {
				d, err := Build(x.input(t, ob.Jurisdiction, now))
				if err != nil {
					t.Fatalf("build: %v", err)
				}
				for _, format := range []string{"md", "json"} {
					var buf bytes.Buffer
					if err := Write(&buf, d, format, PDFOptions{}); err != nil {
						t.Fatalf("write %s: %v", format, err)
					}
					checkGolden(t, filepath.Join("testdata", "golden", c.name, ob.Jurisdiction+"."+format), buf.Bytes())
				}
			})
		}
	}
	for _, r := range regulators.All() {
		if !seen[r.ID] {
			t.Errorf("no golden case assesses %s; add a case that does", r.ID)
		}
	}
}

// checkGolden compares got with the golden file, or rewrites it.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./report -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		line := func(ls []string) string {
			if i < len(ls) {
				return ls[i]
			}
			return "<end>"
		}
		t.Errorf("%s differs at line %d:\ngot  %q\nwant %q\n(run go test ./report -update if the change is intended)", path, i+1, line(gl), line(wl))
	}
}

// TestEveryRequiredFieldPresent checks, for every draft of every case, that
// each field the jurisdiction's list requires is in the filing, in order,
// with a value or listed as missing, and that the missing list is exact.
func TestEveryRequiredFieldPresent(t *testing.T) {
	for _, c := range goldenCases(t) {
		for _, hours := range []int{60, 100} {
			now := discoveredAt(t, c.incident).Add(time.Duration(hours) * time.Hour)
			x := assessFiles(t, c.inventory, c.incident, now)
			for _, ob := range x.a.Obligations {
				d, err := Build(x.input(t, ob.Jurisdiction, now))
				if err != nil {
					t.Fatalf("%s %s: build: %v", c.name, ob.Jurisdiction, err)
				}
				forms := regulators.ReportForms(ob.Jurisdiction)
				for _, f := range d.Filings {
					form := forms[slices.IndexFunc(forms, func(fm regulators.ReportForm) bool {
						return f.ID == fm.ID || strings.HasPrefix(f.ID, fm.ID+"/") && f.Place != ""
					})]
					checkFiling(t, c.name+" "+f.ID, form, f)
				}
			}
		}
	}
}

// checkFiling checks one filing against its form.
func checkFiling(t *testing.T, name string, form regulators.ReportForm, f Filing) {
	t.Helper()
	var want, missing, unverified []string
	for _, rf := range form.Fields {
		if !rf.OnlyIfLate || f.Overdue {
			want = append(want, rf.ID)
		}
		if !rf.Verified && (!rf.OnlyIfLate || f.Overdue) {
			unverified = append(unverified, rf.ID)
		}
	}
	var got []string
	for _, fl := range f.Fields {
		got = append(got, fl.ID)
		value, miss := strings.TrimSpace(fl.Value), strings.TrimSpace(fl.Missing)
		switch {
		case value == "" && miss == "":
			t.Errorf("%s field %s: got neither a value nor MISSING", name, fl.ID)
		case value != "" && miss != "":
			t.Errorf("%s field %s: got both a value and MISSING", name, fl.ID)
		case miss != "":
			missing = append(missing, fl.ID)
		}
		if strings.TrimSpace(fl.Label) == "" || strings.TrimSpace(fl.Citation) == "" {
			t.Errorf("%s field %s: got a blank label or citation", name, fl.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: got fields %v, want %v", name, got, want)
	}
	if !slices.Equal(f.Missing, append([]string{}, missing...)) && !(len(f.Missing) == 0 && len(missing) == 0) {
		t.Errorf("%s: got missing list %v, want %v", name, f.Missing, missing)
	}
	if !slices.Equal(f.Unverified, unverified) && !(len(f.Unverified) == 0 && len(unverified) == 0) {
		t.Errorf("%s: got unverified list %v, want %v", name, f.Unverified, unverified)
	}
	switch nc := f.NoticeCopy; {
	case !form.NoticeCopy:
		if nc != nil {
			t.Errorf("%s: got a notice copy the addressee does not ask for", name)
		}
	case nc == nil:
		t.Errorf("%s: got no notice copy, want one", name)
	case nc.Error != "":
		// A notice that cannot be rendered (no measures yet) leaves the
		// field asking for it missing.
		i := slices.IndexFunc(form.Fields, func(rf regulators.ReportField) bool { return rf.Fact == regulators.FactNoticeCopy })
		if i >= 0 && !slices.Contains(missing, form.Fields[i].ID) {
			t.Errorf("%s: the notice could not be rendered (%s) but field %s is not missing", name, nc.Error, form.Fields[i].ID)
		}
	case !strings.Contains(nc.Text, SampleCode):
		t.Errorf("%s: got notice copy %q, want the sample with the placeholder code", name, nc.Text)
	}
	if f.Regulator == "" || f.Title == "" {
		t.Errorf("%s: got regulator %q title %q, want both", name, f.Regulator, f.Title)
	}
}
