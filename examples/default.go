package examples

import (
	"io/fs"
)

// FS holds the default example's (the Seestar Store's) files in their
// directory layout: inventory.yaml, subjects.csv, subjects.jsonl, README.md
// and incidents/*.json. Other examples are reached through Lookup.
var FS fs.ReadFileFS = readFileFS{mustLookup(Default).FS()}

// WriteTo writes the default example's files into dir (see Example.WriteTo).
func WriteTo(dir string) error { return mustLookup(Default).WriteTo(dir) }

// Incidents returns the default example's incident paths (see
// Example.Incidents).
func Incidents() ([]string, error) { return mustLookup(Default).Incidents() }

// readFileFS adds ReadFile to a file system.
type readFileFS struct{ fs.FS }

// ReadFile reads the named file.
func (f readFileFS) ReadFile(name string) ([]byte, error) { return fs.ReadFile(f.FS, name) }

// mustLookup returns a registered example; the names passed are constants
// of this package, so a miss is a programming error caught by the tests.
func mustLookup(name string) Example {
	e, err := Lookup(name)
	if err != nil {
		panic(err)
	}
	return e
}
