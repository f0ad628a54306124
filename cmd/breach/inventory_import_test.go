package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breach-notify/breach/store"
)

const importInventory = `schema: breach.inventory/v1
organization:
  name: Seestar Store
  establishment: DE
  contact: { name: Data Protection Officer, email: privacy@store.example }
systems:
  - id: orders-db
    name: Order database
    categories: [name, email, postal_address]
  - id: accounts
    name: Customer accounts
    categories: [name, email, password_hash]
subjects: subjects.csv
`

// writeOrg writes an inventory and a directory with the given data rows.
func writeOrg(t *testing.T, rows ...string) string {
	t.Helper()
	dir := t.TempDir()
	csv := "id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n" +
		strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "subjects.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(p, []byte(importInventory), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func storedCount(t *testing.T, dataDir string) int {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(dataDir, "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountSubjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInventoryImport(t *testing.T) {
	good := []string{
		"u-1,Ana Example,ana@example.com,+4915550000001,de-DE,DE,,false,,,,orders-db;accounts",
		"u-2,Ben Example,ben@example.com,,en-GB,GB,,false,,,,orders-db",
		"u-3,Cai Example,,,zh-CN,CN,,true,guardian@example.cn,,,accounts",
	}
	bad := "u-4,Dan Example,dan@example.com,,en-US,US,CA,false,,,,no-such-system"
	dataDir := filepath.Join(t.TempDir(), "data")

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
		wantStored int
	}{
		{
			name:       "rejected rows are counted and named",
			args:       []string{"--inventory", writeOrg(t, good[0], bad, good[1], good[2])},
			wantStdout: "imported 3 subjects, rejected 1 (first reasons: ",
			wantStderr: "breach.db: directory of 3 people stored",
			wantStored: 3,
		},
		{
			name:       "a new import replaces the directory",
			args:       []string{"--inventory", writeOrg(t, good[1], good[2])},
			wantStdout: "imported 2 subjects, rejected 0\n",
			wantStored: 2,
		},
		{
			name:       "fail-fast stops at the bad row with exit 2 and changes nothing",
			args:       []string{"--fail-fast", "--inventory", writeOrg(t, good[0], bad, good[1])},
			wantCode:   2,
			wantStderr: "subjects.csv:3: row u-4:",
			wantStored: 2,
		},
		{
			name:       "missing inventory flag",
			args:       nil,
			wantCode:   2,
			wantStderr: "--inventory is required",
			wantStored: 2,
		},
		{
			name:       "inventory that does not exist",
			args:       []string{"--inventory", filepath.Join(t.TempDir(), "nope.yaml")},
			wantCode:   2,
			wantStderr: "nope.yaml",
			wantStored: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"inventory", "import", "--data-dir", dataDir}, tc.args...)
			code := run(args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit status: got %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout: got %q, want it to start with %q", stdout.String(), tc.wantStdout)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr.String(), tc.wantStderr)
			}
			if got := storedCount(t, dataDir); got != tc.wantStored {
				t.Errorf("stored subjects: got %d, want %d", got, tc.wantStored)
			}
		})
	}
	// The rejected row's reason names its line and the system.
	var stdout, stderr bytes.Buffer
	run([]string{"inventory", "import", "--data-dir", dataDir, "--inventory", writeOrg(t, bad)},
		strings.NewReader(""), &stdout, &stderr)
	if out := stdout.String(); !strings.Contains(out, "subjects.csv:2: row u-4:") || !strings.Contains(out, "no-such-system") {
		t.Errorf("stdout: got %q, want the reason with line 2 and the unknown system", out)
	}
}
