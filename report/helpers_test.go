package report

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/templates"
)

// testTemplates is the embedded template set, parsed once for every test.
var testTemplates = sync.OnceValues(func() (*templates.Set, error) { return templates.New(templates.Options{}) })

// assessed is one incident assessed against its inventory.
type assessed struct {
	inv    *inventory.Inventory
	in     *incident.Incident
	a      *assess.Assessment
	people *Tally
}

// assessFiles loads an inventory and an incident and assesses them, counting
// people as the report command does.
func assessFiles(t *testing.T, invPath, incPath string, now time.Time) assessed {
	t.Helper()
	inv, err := inventory.Load(invPath)
	if err != nil {
		t.Fatalf("load inventory %s: %v", invPath, err)
	}
	raw, err := os.ReadFile(incPath)
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		t.Fatalf("decode %s: %v", incPath, err)
	}
	if in.ID == "" {
		in.ID = "INC-TEST"
	}
	a, people, err := AssessAndCount(context.Background(), inv, in, now)
	if err != nil {
		t.Fatalf("assess %s: %v", incPath, err)
	}
	return assessed{inv: inv, in: in, a: a, people: people}
}

// input is the Build input of x for a jurisdiction at now.
func (x assessed) input(t *testing.T, jurisdiction string, now time.Time) Input {
	t.Helper()
	set, err := testTemplates()
	if err != nil {
		t.Fatal(err)
	}
	return Input{Incident: x.in, Assessment: x.a, Organization: x.inv.Organization, Inventory: x.inv, People: x.people,
		Jurisdiction: jurisdiction, Now: now, Templates: set}
}

// discoveredAt reads an incident's discovered_at.
func discoveredAt(t *testing.T, incPath string) time.Time {
	t.Helper()
	raw, err := os.ReadFile(incPath)
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return in.DiscoveredAt
}

// writeFile writes a test file under dir.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
