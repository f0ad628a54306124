package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// runCLI runs the command line in-process and returns the exit status and
// both outputs.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestInventorySynth(t *testing.T) {
	root := t.TempDir()
	a, b, c := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	for _, x := range []struct{ dir, seed string }{{a, "7"}, {b, "7"}, {c, "8"}} {
		code, stdout, stderr := runCLI(t, "inventory", "synth", "--subjects", "3000", "--systems", "5", "--seed", x.seed, "--out", x.dir)
		if code != 0 {
			t.Fatalf("synth --out %s: got exit %d (stderr %q), want 0", x.dir, code, stderr)
		}
		want := "wrote " + filepath.Join(x.dir, "inventory.yaml") + ", " + filepath.Join(x.dir, "subjects.csv") + " (3000 people, "
		if !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, filepath.Join(x.dir, "incident.json")) {
			t.Errorf("stdout: got %q, want it to start with %q and name incident.json", stdout, want)
		}
	}
	for _, name := range []string{"inventory.yaml", "subjects.csv", "incident.json"} {
		x, errX := os.ReadFile(filepath.Join(a, name))
		y, errY := os.ReadFile(filepath.Join(b, name))
		if errX != nil || errY != nil || len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: got different or missing files for the same seed (%v, %v); want the same bytes", name, errX, errY)
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "subjects.csv"))
	z, _ := os.ReadFile(filepath.Join(c, "subjects.csv"))
	if bytes.Equal(x, z) {
		t.Errorf("seeds 7 and 8 wrote the same subjects.csv; want different people")
	}

	// The files load: the inventory, every row clean, the incident.
	inv, err := inventory.Load(filepath.Join(a, "inventory.yaml"))
	if err != nil {
		t.Fatalf("load the synthetic inventory: %v", err)
	}
	if len(inv.Systems) != 5 {
		t.Errorf("got %d systems, want 5", len(inv.Systems))
	}
	dir, err := inventory.OpenDirectory(inv.SubjectsPath, inv)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	rows := 0
	for {
		_, err := dir.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", rows+1, err)
		}
		rows++
	}
	if w := dir.Warnings(); rows != 3000 || w.Fields != 0 {
		t.Errorf("got %d rows and %d warnings (%v), want 3000 clean rows", rows, w.Fields, w.First)
	}
	data, err := os.ReadFile(filepath.Join(a, "incident.json"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(data)
	if err != nil {
		t.Fatalf("decode the synthetic incident: %v", err)
	}
	for _, af := range in.Affected {
		if _, ok := inv.System(af.System); !ok {
			t.Errorf("incident names system %q, which is not in the inventory", af.System)
		}
	}
	// And the check command agrees.
	if code, stdout, stderr := runCLI(t, "inventory", "check", filepath.Join(a, "inventory.yaml")); code != 0 || !strings.Contains(stdout, " 3000 people,") {
		t.Errorf("check of the synthetic organisation: got exit %d, stdout %q, stderr %q; want 0 and 3000 people", code, stdout, stderr)
	}
}

func TestInventorySynthUsage(t *testing.T) {
	out := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no subjects", []string{"--out", out}, "--subjects must be at least 1"},
		{"no out", []string{"--subjects", "10"}, "--out is required"},
		{"too many systems", []string{"--subjects", "10", "--out", out, "--systems", "1001"}, "--systems must be between 1 and 1000"},
		{"zero systems", []string{"--subjects", "10", "--out", out, "--systems", "0"}, "--systems must be between 1 and 1000"},
		{"bad flag", []string{"--subjects", "ten"}, `invalid argument "ten"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"inventory", "synth"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

const checkInventory = `schema: breach.inventory/v1
organization:
  name: Example Shop
  establishment: DE
  contact: { email: privacy@shop.example }
systems:
  - id: orders
    name: Orders
    categories: [name, email, postal_address]
subjects: subjects.csv
`

// writeCheckOrg writes an inventory document and a subject directory with
// the given data rows and returns the inventory's path.
func writeCheckOrg(t *testing.T, doc string, rows ...string) string {
	t.Helper()
	dir := t.TempDir()
	csv := "id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n" +
		strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "subjects.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInventoryCheck(t *testing.T) {
	const (
		ana = "u-1,Ana Example,ana@example.com,+49 1555 0000001,de-DE,DE,,false,,,,orders"
		ben = "u-2,Ben Example,ben@example,01555 0000002,en-GB,GB,,false,,,,orders" // two warnings
		cai = "u-3,Cai Example,cai@example.com,,en-US,US,,false,,,,orders"          // US without a state: bad
		dee = "u-4,Dee Example,dee@example.com,,fr,FR,,false,,,,orders;billing"     // unknown system: bad
	)
	demo := t.TempDir()
	if err := examples.WriteTo(demo); err != nil {
		t.Fatal(err)
	}
	badDoc := strings.Replace(checkInventory, "[name, email, postal_address]", "[name, email, postal_adress]", 1)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string // each must appear
		wantStderr []string // each must appear, in order
		noStderr   bool
	}{
		{
			name:       "the examples in the tree",
			args:       []string{"../../examples/seestar/inventory.yaml"},
			wantStdout: []string{"Seestar Store, 7 systems, 1 category declared", ": 320 people, ", " 28 minors, 14 without a usable contact, 0 bad rows, 0 warnings in 0 rows\n", "  CN-PIPL ", "  US-CA "},
			noStderr:   true,
		},
		{
			name:       "the embedded examples written out",
			args:       []string{filepath.Join(demo, "inventory.yaml")},
			wantStdout: []string{": 320 people, ", " 0 bad rows, 0 warnings in 0 rows\n"},
			noStderr:   true,
		},
		{
			name:       "bad inventory: exit 2 with file and line",
			args:       []string{writeCheckOrg(t, badDoc, ana)},
			wantCode:   2,
			wantStderr: []string{`inventory.yaml:9: systems[0].categories[2]: unknown category "postal_adress" (did you mean "postal_address"?`},
		},
		{
			name:       "inventory that does not exist",
			args:       []string{filepath.Join(t.TempDir(), "nope.yaml")},
			wantCode:   2,
			wantStderr: []string{"nope.yaml"},
		},
		{
			name:       "warnings keep the row and exit 0",
			args:       []string{writeCheckOrg(t, checkInventory, ana, ben)},
			wantStdout: []string{": 2 people, 2 memberships, 0 minors, 1 without a usable contact, 0 bad rows, 2 warnings in 1 row\n", "  EU-GDPR    1\n", "  UK-GDPR    1\n"},
			wantStderr: []string{
				"subjects.csv:3: row u-2: warning: email is not a plausible e-mail address; ignored\n",
				"subjects.csv:3: row u-2: warning: phone is not an international number (+, country code, 7-15 digits); ignored\n",
			},
		},
		{
			name:       "warnings with --strict exit 2",
			args:       []string{"--strict", writeCheckOrg(t, checkInventory, ana, ben)},
			wantCode:   2,
			wantStderr: []string{"subjects.csv:3: row u-2: warning: email", "breach: 2 warnings in ", "(--strict)"},
		},
		{
			name:       "bad rows exit 2 with file and line",
			args:       []string{writeCheckOrg(t, checkInventory, ana, ben, cai, dee)},
			wantCode:   2,
			wantStdout: []string{": 2 people, ", " 2 bad rows, 2 warnings in 1 row\n"},
			wantStderr: []string{
				"subjects.csv:3: row u-2: warning: email",
				"subjects.csv:4: row u-3: region is required for US rows (a state code such as CA or NY)\n",
				`subjects.csv:5: row u-4: unknown system "billing"` + "\n",
				"breach: 2 bad rows in ",
			},
		},
		{
			name:       "max-errors bounds what is printed",
			args:       []string{"--max-errors", "1", writeCheckOrg(t, checkInventory, ana, ben, cai, dee)},
			wantCode:   2,
			wantStderr: []string{"subjects.csv:3: row u-2: warning: email", "subjects.csv:4: row u-3:", "... 1 more bad rows not shown", "... 1 more warnings not shown"},
		},
		{
			name:       "no argument",
			args:       nil,
			wantCode:   2,
			wantStderr: []string{"accepts 1 arg(s), received 0"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"inventory", "check"}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit status: got %d, want %d (stdout %q, stderr %q)", code, tc.wantCode, stdout, stderr)
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout: got %q, want it to contain %q", stdout, w)
				}
			}
			rest := stderr
			for _, w := range tc.wantStderr {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("stderr: got %q, want %q (in this order)", stderr, w)
					break
				}
				rest = rest[i+len(w):]
			}
			if tc.noStderr && stderr != "" {
				t.Errorf("stderr: got %q, want nothing", stderr)
			}
			// Problems name places and fields, never the people.
			for _, secret := range []string{"Example,", "ben@", "0000002", "Ben", "Cai", "Dee"} {
				if strings.Contains(stderr, secret) {
					t.Errorf("stderr %q contains personal data %q", stderr, secret)
				}
			}
		})
	}
}

// TestInventoryCheckLinesAreFileColonLine checks the shape every problem
// line takes, so that editors and CI annotate the right place.
func TestInventoryCheckLinesAreFileColonLine(t *testing.T) {
	path := writeCheckOrg(t, checkInventory,
		"u-1,A,,,,DE,,maybe,,,,orders",
		",B,,,,DE,,,,,,orders",
		"u-3,C,,,,XX,,,,,,orders",
		"u-4,D,,,,DE,,,,,,orders",
	)
	code, _, stderr := runCLI(t, "inventory", "check", path)
	if code != 2 {
		t.Fatalf("got exit %d, want 2", code)
	}
	shape := regexp.MustCompile(`^\S*subjects\.csv:[0-9]+: `)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	var got []string
	for _, l := range lines[:len(lines)-1] { // the last is the exit reason
		if !shape.MatchString(l) {
			t.Errorf("got problem line %q, want FILE:LINE: REASON", l)
		}
		got = append(got, l[strings.Index(l, "subjects.csv:"):strings.Index(l, "subjects.csv:")+len("subjects.csv:2")])
	}
	want := []string{"subjects.csv:2", "subjects.csv:3", "subjects.csv:4"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got problems on %v, want %v", got, want)
	}
}
