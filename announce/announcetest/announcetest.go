// Package announcetest gives the tests of the announcement and of the
// public site a real example: the example organisation, one of its
// incidents assessed by the real engine, and a Builder over the real
// notice templates.
package announcetest

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/templates"
)

// Now is the clock of the examples: the day after the example incident.
var Now = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// Secret is a notice key for tests.
var Secret = []byte("0123456789abcdef0123456789abcdef")

// BaseURL is the public site of the examples.
const BaseURL = "https://notice.store.example"

// Example is the example organisation with one assessed incident.
type Example struct {
	Inventory  *inventory.Inventory
	Incident   *incident.Incident
	Assessment *assess.Assessment
}

// Load writes the examples to a temporary directory and returns the
// inventory, the example incident file name (such as
// "01-exfiltration-orders.json") decoded, and its assessment at Now.
func Load(t testing.TB, incidentFile string) Example {
	t.Helper()
	dir := t.TempDir()
	if err := examples.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		t.Fatalf("load example inventory: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "incidents", incidentFile))
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		t.Fatalf("decode example incident: %v", err)
	}
	a, err := assess.Assess(t.Context(), inv, in, Now)
	if err != nil {
		t.Fatalf("assess example incident: %v", err)
	}
	return Example{Inventory: inv, Incident: in, Assessment: a}
}

// Templates returns the embedded notice templates, parsed once per test
// binary.
func Templates(t testing.TB) *templates.Set {
	t.Helper()
	set, err := templatesOnce()
	if err != nil {
		t.Fatalf("templates: %v", err)
	}
	return set
}

var templatesOnce = sync.OnceValues(func() (*templates.Set, error) { return templates.New(templates.Options{}) })

// Builder returns a Builder over the real templates for ex, with pages
// under BaseURL.
func (ex Example) Builder(t testing.TB) *announce.Builder {
	return &announce.Builder{Templates: Templates(t), Inventory: ex.Inventory, Now: func() time.Time { return Now },
		PageURL: func(id string) string { return BaseURL + "/notices/" + id }}
}
