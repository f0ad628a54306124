// Package examples embeds the example organisation, Seestar Store: its data
// inventory, a subject directory of synthetic people in CSV and JSONL, and
// invented incidents that exercise every cause (see README.md). `breach
// demo` writes it out with WriteTo and runs the incidents through the
// service.
package examples

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// FS holds the example files in their directory layout: inventory.yaml,
// subjects.csv, subjects.jsonl, README.md and incidents/*.json.
//
//go:embed inventory.yaml subjects.csv subjects.jsonl incidents/*.json README.md
var FS embed.FS

// WriteTo writes the example files into dir in the same layout, creating dir
// and dir/incidents when missing and overwriting files of the same names, so
// that inventory.Load(filepath.Join(dir, "inventory.yaml")) loads the example
// inventory and its subject directory.
func WriteTo(dir string) error {
	err := fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := FS.ReadFile(name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("write examples to %s: %w", dir, err)
	}
	return nil
}

// Incidents returns the example incidents' paths, sorted, relative to the
// root of FS and written with slashes, such as
// "incidents/01-exfiltration-orders.json": read one with FS.ReadFile(name),
// or after WriteTo(dir) at filepath.Join(dir, filepath.FromSlash(name)).
func Incidents() ([]string, error) {
	entries, err := FS.ReadDir("incidents")
	if err != nil {
		return nil, fmt.Errorf("list example incidents: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && path.Ext(e.Name()) == ".json" {
			names = append(names, path.Join("incidents", e.Name()))
		}
	}
	slices.Sort(names)
	return names, nil
}
