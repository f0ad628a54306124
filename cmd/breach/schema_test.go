package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breach-notify/breach/schema"
)

func runSchemaCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := run(append([]string{"schema"}, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestSchemaList(t *testing.T) {
	code, out, errOut := runSchemaCmd(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, name := range schema.Names() {
		if !strings.Contains(out, name+" ") {
			t.Errorf("got %q, want a line for %s", out, name)
		}
	}
}

func TestSchemaPrint(t *testing.T) {
	for _, name := range schema.Names() {
		code, out, errOut := runSchemaCmd(t, name)
		want, _ := schema.Get(name)
		if code != 0 || out != string(want) {
			t.Errorf("schema %s: exit %d, stderr %q; output differs from schema.Get: %v", name, code, errOut, out != string(want))
		}
	}
	code, _, errOut := runSchemaCmd(t, "incidents")
	if code != 2 || !strings.Contains(errOut, "the schemas are assessment, directory, incident, inventory") {
		t.Errorf("unknown schema: got exit %d and %q, want 2 and the list of schemas", code, errOut)
	}
}

func TestSchemaValidate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"schema":"breach.incident/v1","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"fire","affected":[{"system":"orders"}]}`), 0o644)
	rows := filepath.Join(dir, "subjects.csv")
	os.WriteFile(rows, []byte("id,country,region,systems\nu1,DE,,orders\nu2,US,,orders\n"), 0o644)
	tests := []struct {
		name, schema, file string
		code               int
		want               string
	}{
		{"example incident", "incident", "../../examples/seestar/incidents/01-exfiltration-orders.json", 0, "1 document matches the incident schema"},
		{"example inventory (YAML)", "inventory", "../../examples/seestar/inventory.yaml", 0, "1 document matches the inventory schema"},
		{"example JSONL directory", "directory", "../../examples/seestar/subjects.jsonl", 0, "40 documents match the directory schema"},
		{"wrong cause", "incident", bad, 2, bad + ": /cause: value must be one of"},
		{"US row without region", "directory", rows, 2, rows + ":3: /region: value must be one of 'AL'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runSchemaCmd(t, tt.schema, "--validate", tt.file)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("got exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, tt.code, tt.want)
			}
		})
	}
}
