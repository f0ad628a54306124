package store_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

func TestDirectoryRows(t *testing.T) {
	fatal := errors.New("read: disk gone")
	tests := []struct {
		name  string
		steps []error // nil yields a subject
		want  []string
	}{
		{"subjects then EOF", []error{nil, nil, io.EOF}, []string{"s1", "s2"}},
		{"row errors continue", []error{nil, &inventory.RowError{Line: 3}, nil, io.EOF}, []string{"s1", "row error", "s3"}},
		{"fatal error stops", []error{nil, fatal, nil, io.EOF}, []string{"s1", "fatal"}},
		{"empty", []error{io.EOF}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i := 0
			var sub inventory.Subject
			next := func() (*inventory.Subject, error) {
				if i >= len(tc.steps) {
					t.Fatal("Next called after the end")
				}
				err := tc.steps[i]
				i++
				if err != nil {
					return nil, err
				}
				sub.ID = "s" + string(rune('0'+i))
				return &sub, nil
			}
			var got []string
			for s, err := range store.DirectoryRows(next) {
				var re *inventory.RowError
				switch {
				case errors.As(err, &re):
					got = append(got, "row error")
				case err != nil:
					got = append(got, "fatal")
				default:
					got = append(got, s.ID)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("yielded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImportFromDirectoryReader imports a real CSV and JSONL directory
// through inventory.DirectoryReader, whose Subject is reused between rows.
func TestImportFromDirectoryReader(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"subjects.csv": "id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n" +
			"u-1,Ana Example,ana@example.com,,de-DE,DE,,false,,,,orders;accounts\n" +
			"u-2,Ben Example,ben@example.com,,en-US,US,,false,,,,orders\n" + // US without region: rejected
			"u-3,Cai Example,cai@example.cn,,zh-CN,CN,,true,guardian@example.cn,,,accounts\n" +
			"u-1,Ana Again,ana2@example.com,,de-DE,DE,,false,,,,orders\n", // repeated id: rejected
		"subjects.jsonl": `{"id":"p-1","name":"Dee Example","country":"FR","systems":["app"],"devices":[{"platform":"fcm","token":"tok-1"}]}` + "\n" +
			`{"id":"p-2","name":"Eve Example","country":"GB","systems":["app","web"]}` + "\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := openSQLite(t, filepath.Join(t.TempDir(), "breach.db"))
	tests := []struct {
		file     string
		taken    int
		rejected int
		wantIDs  []string
	}{
		{"subjects.csv", 2, 2, []string{"u-1", "u-3"}},
		{"subjects.jsonl", 2, 0, []string{"p-1", "p-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r, err := inventory.OpenDirectory(filepath.Join(dir, tc.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			res, err := s.ImportSubjects(t.Context(), store.DirectoryRows(r.Next), store.ImportOptions{})
			if err != nil {
				t.Fatalf("ImportSubjects: %v", err)
			}
			if res.Taken != tc.taken || res.Rejected != tc.rejected {
				t.Errorf("got taken %d, rejected %d (%q); want %d, %d", res.Taken, res.Rejected, res.Errors, tc.taken, tc.rejected)
			}
			var ids []string
			for sub, err := range s.Subjects(t.Context()) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, sub.ID)
			}
			if diff := cmp.Diff(tc.wantIDs, ids); diff != "" {
				t.Errorf("stored ids (-want +got):\n%s", diff)
			}
		})
	}
	p1, err := s.GetSubject(t.Context(), "p-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []inventory.Device{{Platform: "fcm", Token: "tok-1"}}
	if diff := cmp.Diff(want, p1.Devices); diff != "" {
		t.Errorf("devices of p-1 (-want +got):\n%s", diff)
	}
	p2, err := s.GetSubject(t.Context(), "p-2")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"app", "web"}, p2.Systems); diff != "" {
		t.Errorf("systems of p-2 (-want +got):\n%s", diff)
	}
}
