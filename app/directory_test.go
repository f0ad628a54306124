package app_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/store"
)

// TestImportedDirectoryIsTheOneAssessed: once a directory is imported into
// the store, the service assesses against it, not the inventory's file:
// one truth, and the log says which.
func TestImportedDirectoryIsTheOneAssessed(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir, testInventory)
	// Import only the people of the billing system.
	inv, err := inventory.Load(testInventory)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := inventory.OpenDirectory(inv.SubjectsPath, inv)
	if err != nil {
		t.Fatal(err)
	}
	var billing []*inventory.Subject
	for {
		s, err := rd.Next()
		if err != nil {
			break
		}
		if slices.Contains(s.Systems, "billing") {
			c := *s // the reader reuses its row
			c.Systems = slices.Clone(s.Systems)
			billing = append(billing, &c)
		}
	}
	rd.Close()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	rows := func(yield func(*inventory.Subject, error) bool) {
		for _, s := range billing {
			if !yield(s, nil) {
				return
			}
		}
	}
	if _, err := st.ImportSubjects(ctx, rows, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	svc := startService(t, cfg)
	in := testIncident("INC-IMPORTED", 1, incident.Affected{System: "crm"}, incident.Affected{System: "billing"})
	publish(t, svc, in)
	served := waitAssessment(t, svc, in.ID, 1)
	var a struct {
		Subjects struct {
			Total int `json:"total"`
		} `json:"subjects"`
	}
	if err := json.Unmarshal(served.raw, &a); err != nil {
		t.Fatal(err)
	}
	if a.Subjects.Total != len(billing) {
		t.Errorf("people assessed: got %d, want the %d imported (the file has more)", a.Subjects.Total, len(billing))
	}
}
