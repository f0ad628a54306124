package examples

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// readClean reads every row of a directory and fails on any error or
// warning; it returns the number of people.
func readClean(t *testing.T, path string, inv *inventory.Inventory) int {
	t.Helper()
	r, err := inventory.OpenDirectory(path, inv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("got %v, want every row clean", err)
		}
		n++
	}
	if w := r.Warnings(); w.Fields != 0 {
		t.Errorf("got %d warnings (first %v), want none", w.Fields, w.First)
	}
	return n
}

func TestExampleWriteTo(t *testing.T) {
	for _, ex := range All() {
		t.Run(ex.Name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo") // WriteTo creates it
			// Twice: a second demo run overwrites the files.
			for range 2 {
				if err := ex.WriteTo(dir); err != nil {
					t.Fatal(err)
				}
			}
			inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
			if err != nil {
				t.Fatalf("load the written inventory: %v", err)
			}
			if inv.Organization.Name != ex.Organization {
				t.Errorf("got organisation %q, want %q", inv.Organization.Name, ex.Organization)
			}
			if n := readClean(t, inv.SubjectsPath, inv); n < 200 {
				t.Errorf("got %d people in %s, want a few hundred", n, inv.Subjects)
			}
			names, err := ex.Incidents()
			if err != nil {
				t.Fatal(err)
			}
			if len(names) < 2 {
				t.Fatalf("got %d incidents, want at least 2", len(names))
			}
			if !slices.Contains(names, "incidents/"+ex.Incident) {
				t.Errorf("default incident %s is not among %v", ex.Incident, names)
			}
			for _, name := range names {
				data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
				if err != nil {
					t.Fatalf("incident %s was not written: %v", name, err)
				}
				embedded, _ := ex.ReadFile(name)
				if !bytes.Equal(data, embedded) {
					t.Errorf("%s: written file differs from the embedded one", name)
				}
				in, err := incident.Decode(data)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				for i, a := range in.Affected {
					sys, ok := inv.System(a.System)
					if !ok {
						t.Errorf("%s: affected[%d]: system %q is not in the inventory", name, i, a.System)
						continue
					}
					for _, c := range a.Categories {
						if !slices.Contains(sys.Categories, c) {
							t.Errorf("%s: affected[%d]: system %s does not hold category %q", name, i, a.System, c)
						}
					}
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
				t.Errorf("got %v, want README.md written", err)
			}
			if ex.Seed == "" || !strings.HasSuffix(ex.Seed, ".txt") {
				t.Errorf("got seed %q, want the seed policy's file name", ex.Seed)
			}
		})
	}
}

// TestExampleDefaultAPI checks the package-level names still serve the default
// example, the Seestar Store, for the callers written before there were
// several.
func TestExampleDefaultAPI(t *testing.T) {
	def, err := Lookup(Default)
	if err != nil {
		t.Fatal(err)
	}
	names, err := Incidents()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := def.Incidents()
	if !slices.Equal(names, want) || len(names) < 8 {
		t.Errorf("got incidents %v, want the Seestar Store's %v", names, want)
	}
	a, err := FS.ReadFile("incidents/01-exfiltration-orders.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := def.ReadFile("incidents/01-exfiltration-orders.json")
	if !bytes.Equal(a, b) {
		t.Error("FS and the default example's files differ")
	}
	dir := t.TempDir()
	if err := WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "subjects.jsonl")); err != nil {
		t.Errorf("got %v, want the Seestar Store's subjects.jsonl written", err)
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "seestar") {
		t.Errorf("got %v, want an error listing the examples", err)
	}
}

// TestExampleFilesEmbedded guards against an example file added on disk but
// left out of the embed patterns, or an example directory not registered.
func TestExampleFilesEmbedded(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("*", "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(dirs), len(All()); got != want {
		t.Errorf("got %d example directories %v, want the %d registered", got, dirs, want)
	}
	for _, ex := range All() {
		onDisk, err := filepath.Glob(filepath.Join(ex.Name, "incidents", "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		names, err := ex.Incidents()
		if err != nil {
			t.Fatal(err)
		}
		if len(onDisk) != len(names) {
			t.Fatalf("%s: got %d embedded incidents %v, want the %d on disk", ex.Name, len(names), names, len(onDisk))
		}
		for i, f := range onDisk {
			if got, want := ex.Name+"/"+names[i], filepath.ToSlash(f); got != want {
				t.Errorf("incident %d: got %s, want %s", i, got, want)
			}
		}
	}
}

func TestExampleWriteToUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteTo(filepath.Join(file, "sub"))
	if err == nil || !strings.Contains(err.Error(), "write example seestar to") {
		t.Errorf("got %v, want a write example error", err)
	}
}
