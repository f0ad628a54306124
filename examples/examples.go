// Package examples embeds the example organisations, one per seed privacy
// policy the product was built from: each has a data inventory, a subject
// directory of synthetic people and invented incidents that exercise the
// legal paths its policy implies (see each directory's README.md). `breach
// demo --example NAME` writes one out with WriteTo and runs an incident
// through the service; the default is the Seestar Store.
package examples

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// files holds every example in a directory of its name.
//
//go:embed */inventory.yaml */README.md */subjects.csv */subjects.jsonl */incidents/*.json
var files embed.FS

// Example is one example organisation.
type Example struct {
	// Name is the example's directory and its --example name, e.g. "seestar".
	Name string
	// Organization is the organisation's name in the inventory.
	Organization string
	// Seed is the file name of the privacy policy the example is built
	// from, in the project's seed collection.
	Seed string
	// Incident is the incident the demo publishes by default, a file name
	// under incidents/.
	Incident string
	// About says in a line which legal paths the example exercises.
	About string
}

// Default is the name of the example `breach demo` runs without --example.
const Default = "seestar"

// all lists the examples in seed order.
var all = []Example{
	{Name: "orionstar", Organization: "OrionStar Account", Seed: "000_57f6ba47e91d0cfd.txt", Incident: "01-credential-dump.json",
		About: "an account service in Beijing: credentials stolen, a backup kept after erasure, administrators in CN, EU, UK and US"},
	{Name: "astralcharto", Organization: "Astral Charto", Seed: "001_a182da0065efc689.txt", Incident: "02-lost-archive-key-with-it.json",
		About: "a Chinese app: an encrypted archive lost with its key safe and with its key, a desensitized store exposed with and without its key"},
	{Name: "seestar", Organization: "Seestar Store", Seed: "002_1dd46725ed517453.txt", Incident: "01-exfiltration-orders.json",
		About: "an online shop in China with customers in CN, EU, UK and US: every cause of breach"},
	{Name: "orientalgreen", Organization: "Oriental Green CCM", Seed: "003_e2242313dd34e787.txt", Incident: "01-location-leak-children.json",
		About: "a Chinese app: location leak touching under-14s (guardians told), push, e-mail and SMS, announcement, regulator report"},
	{Name: "indushome", Organization: "Indus Smart Home", Seed: "004_1418a600ebcc4adf.txt", Incident: "01-india-servers-exfiltration.json",
		About: "an app whose servers are in India for users worldwide: DPDP and CERT-In, EU, US and Indian users, minors"},
}

// All returns every example, in the order of their seed files.
func All() []Example { return slices.Clone(all) }

// Lookup returns the example of the given name.
func Lookup(name string) (Example, error) {
	for _, e := range all {
		if e.Name == name {
			return e, nil
		}
	}
	names := make([]string, len(all))
	for i, e := range all {
		names[i] = e.Name
	}
	return Example{}, fmt.Errorf("no example %q; choose one of %s", name, strings.Join(names, ", "))
}

// FS returns the example's files rooted at its directory: inventory.yaml,
// subjects.csv, subjects.jsonl, README.md and incidents/*.json.
func (e Example) FS() fs.FS {
	sub, err := fs.Sub(files, e.Name)
	if err != nil { // a zero Example: its name is not a path
		return errFS{fmt.Errorf("example %q: %w", e.Name, err)}
	}
	return sub
}

// errFS is a file system whose every file fails to open with err.
type errFS struct{ err error }

// Open returns the file system's error.
func (f errFS) Open(string) (fs.File, error) { return nil, f.err }

// ReadFile reads one of the example's files by its slash-separated path
// within the example, such as "incidents/01-exfiltration-orders.json".
func (e Example) ReadFile(name string) ([]byte, error) {
	return files.ReadFile(path.Join(e.Name, name))
}

// WriteTo writes the example's files into dir in the same layout, creating
// dir and dir/incidents when missing and overwriting files of the same
// names, so that inventory.Load(filepath.Join(dir, "inventory.yaml")) loads
// the example inventory and its subject directory.
func (e Example) WriteTo(dir string) error {
	err := fs.WalkDir(files, e.Name, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(name, e.Name), "/")
		target := filepath.Join(dir, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("write example %s to %s: %w", e.Name, dir, err)
	}
	return nil
}

// Incidents returns the example's incident paths, sorted, relative to the
// example's root and written with slashes, such as
// "incidents/01-exfiltration-orders.json": read one with ReadFile, or after
// WriteTo(dir) at filepath.Join(dir, filepath.FromSlash(name)).
func (e Example) Incidents() ([]string, error) {
	entries, err := files.ReadDir(path.Join(e.Name, "incidents"))
	if err != nil {
		return nil, fmt.Errorf("list incidents of example %s: %w", e.Name, err)
	}
	var names []string
	for _, d := range entries {
		if !d.IsDir() && path.Ext(d.Name()) == ".json" {
			names = append(names, path.Join("incidents", d.Name()))
		}
	}
	slices.Sort(names)
	return names, nil
}
