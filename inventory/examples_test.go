package inventory

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/breach-notify/breach/incident"
)

const examplesDir = "../examples/seestar"

// readDirectory reads every row of an example directory and returns each
// person's systems by id, failing on any bad row, warning or repeated id.
func readDirectory(t *testing.T, path string, inv *Inventory) map[string][]string {
	t.Helper()
	r, err := OpenDirectory(path, inv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	people := map[string][]string{}
	var minors, noContact, devices int
	jurisdictions := map[string]bool{}
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%v", err)
		}
		if _, dup := people[s.ID]; dup {
			t.Errorf("%s: id %s appears twice", path, s.ID)
		}
		people[s.ID] = slices.Clone(s.Systems)
		jurisdictions[s.Jurisdiction()] = true
		if s.Minor {
			minors++
			if s.GuardianEmail == "" && s.GuardianPhone == "" {
				t.Errorf("%s: minor %s has no guardian contact", path, s.ID)
			}
		}
		if !s.HasContact() {
			noContact++
		}
		devices += len(s.Devices)
		for _, w := range r.RowWarnings() {
			t.Errorf("%v", w)
		}
	}
	t.Logf("%s: %d people, %d minors, %d without contact, %d devices, jurisdictions %v", path, len(people), minors, noContact, devices, jurisdictions)
	return people
}

func TestExamples(t *testing.T) {
	inv, err := Load(filepath.Join(examplesDir, "inventory.yaml"))
	if err != nil {
		t.Fatalf("load the example inventory: %v", err)
	}
	if n := len(inv.Systems); n < 4 || n > 7 {
		t.Errorf("example inventory has %d systems, want 4-7", n)
	}
	encrypted := 0
	for _, s := range inv.Systems {
		if s.EncryptedAtRest {
			encrypted++
		}
	}
	if encrypted == 0 {
		t.Errorf("no example system is encrypted at rest; want one")
	}

	people := readDirectory(t, inv.SubjectsPath, inv)
	if len(people) < 200 {
		t.Errorf("examples/seestar/subjects.csv has %d people, want a few hundred", len(people))
	}
	app := readDirectory(t, filepath.Join(examplesDir, "subjects.jsonl"), inv)
	if len(app) < 24 {
		t.Errorf("examples/seestar/subjects.jsonl has %d people, want a few dozen", len(app))
	}

	files, err := filepath.Glob(filepath.Join(examplesDir, "incidents", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Errorf("got %d example incidents, want at least 8", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, err := incident.Decode(data)
			if err != nil {
				t.Fatalf("incident.Decode: %v", err)
			}
			for i, a := range in.Affected {
				sys, ok := inv.System(a.System)
				if !ok {
					t.Errorf("affected[%d]: system %q is not in the example inventory", i, a.System)
					continue
				}
				for _, c := range a.Categories {
					if !slices.Contains(sys.Categories, c) {
						t.Errorf("affected[%d]: system %s does not hold category %q", i, a.System, c)
					}
				}
				for _, id := range a.Subjects {
					systems, ok := people[id]
					switch {
					case !ok:
						t.Errorf("affected[%d]: subject %s is not in examples/seestar/subjects.csv", i, id)
					case !slices.Contains(systems, a.System):
						t.Errorf("affected[%d]: subject %s is not in system %s", i, id, a.System)
					}
				}
			}
		})
	}
	// That every cause of docs/incident.md is covered and every example makes
	// notices is checked in examples/notices_test.go, through the real
	// approval gate and templates.
}
