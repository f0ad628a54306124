package examples

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
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

func TestWriteTo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo") // WriteTo creates it
	// Twice: a second demo run overwrites the files.
	for range 2 {
		if err := WriteTo(dir); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		t.Fatalf("load the written inventory: %v", err)
	}
	if want := filepath.Join(dir, "subjects.csv"); inv.SubjectsPath != want {
		t.Errorf("got subjects at %s, want %s", inv.SubjectsPath, want)
	}
	if n := readClean(t, inv.SubjectsPath, inv); n < 200 {
		t.Errorf("got %d people in subjects.csv, want a few hundred", n)
	}
	if n := readClean(t, filepath.Join(dir, "subjects.jsonl"), inv); n < 24 {
		t.Errorf("got %d people in subjects.jsonl, want a few dozen", n)
	}

	names, err := Incidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 8 {
		t.Fatalf("got %d incidents, want at least 8", len(names))
	}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatalf("incident %s was not written: %v", name, err)
		}
		embedded, _ := FS.ReadFile(name)
		if !bytes.Equal(data, embedded) {
			t.Errorf("%s: written file differs from the embedded one", name)
		}
		if _, err := incident.Decode(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, f := range []string{"README.md", "subjects.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("got %v, want %s written", err, f)
		}
	}
}

// TestEmbeddedMatchesDisk guards against an example file added on disk but
// left out of the embed pattern.
func TestEmbeddedMatchesDisk(t *testing.T) {
	onDisk, err := filepath.Glob(filepath.Join("incidents", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	names, err := Incidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk) != len(names) {
		t.Fatalf("got %d embedded incidents %v, want the %d on disk", len(names), names, len(onDisk))
	}
	for i, f := range onDisk {
		if got, want := names[i], filepath.ToSlash(f); got != want {
			t.Errorf("incident %d: got %s, want %s", i, got, want)
		}
		if !strings.HasPrefix(names[i], "incidents/") {
			t.Errorf("got %s, want a path under incidents/", names[i])
		}
	}
}

func TestWriteToUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteTo(filepath.Join(file, "sub"))
	if err == nil || !strings.Contains(err.Error(), "write examples to") {
		t.Errorf("got %v, want a write examples error", err)
	}
}
