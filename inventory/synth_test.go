package inventory

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/breach-notify/breach/incident"
)

func TestSynthDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := Synth(SynthOptions{Subjects: 5000, Systems: 9, Seed: 42, Out: dir}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Synth(SynthOptions{Subjects: 5000, Systems: 9, Seed: 43, Out: c}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"inventory.yaml", "subjects.csv", "incident.json"} {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: two runs with seed 42 differ (%d and %d bytes); want the same bytes", name, len(x), len(y))
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "subjects.csv"))
	z, _ := os.ReadFile(filepath.Join(c, "subjects.csv"))
	if bytes.Equal(x, z) {
		t.Errorf("seeds 42 and 43 wrote the same subjects.csv; want different people")
	}
}

func TestSynthOutputLoads(t *testing.T) {
	const n = 20000
	for _, tc := range []struct {
		name    string
		systems int
	}{{"default", 0}, {"one system", 1}, {"many systems", 30}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			res, err := Synth(SynthOptions{Subjects: n, Systems: tc.systems, Seed: 1, Out: dir})
			if err != nil {
				t.Fatal(err)
			}
			inv, err := Load(res.Inventory)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			wantSystems := tc.systems
			if wantSystems == 0 {
				wantSystems = 8
			}
			if len(inv.Systems) != wantSystems {
				t.Errorf("got %d systems, want %d", len(inv.Systems), wantSystems)
			}
			r, err := OpenDirectory(inv.SubjectsPath, inv)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var people, minors, noContact, memberships int
			countries := map[string]int{}
			for {
				s, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("row %d: %v", people+1, err)
				}
				people++
				memberships += len(s.Systems)
				countries[s.Country]++
				if s.Minor {
					minors++
					if s.GuardianEmail == "" {
						t.Errorf("minor %s has no guardian e-mail", s.ID)
					}
				}
				if !s.HasContact() {
					noContact++
				}
			}
			if people != n || res.Subjects != n {
				t.Errorf("got %d people (result says %d), want %d", people, res.Subjects, n)
			}
			if int64(memberships) != res.Memberships || minors != res.Minors || noContact != res.WithoutContact {
				t.Errorf("result %+v disagrees with the file: memberships %d, minors %d, without contact %d", res, memberships, minors, noContact)
			}
			if pct := 100 * float64(minors) / n; pct < 4 || pct > 6 {
				t.Errorf("got %.1f%% minors, want about 5%%", pct)
			}
			if pct := 100 * float64(noContact) / n; pct < 2 || pct > 4 {
				t.Errorf("got %.1f%% without contact, want about 3%%", pct)
			}
			avg := float64(memberships) / n
			if wantSystems >= 5 && (avg < 2.8 || avg > 3.2) {
				t.Errorf("got %.2f systems per person, want about 3", avg)
			}
			if wantSystems == 1 && avg != 1 {
				t.Errorf("got %.2f systems per person with one system, want 1", avg)
			}
			for _, c := range []string{"CN", "DE", "FR", "ES", "IT", "NL", "IE", "PL", "GB", "US", "CA", "AU", "SG", "BR", "JP", "IN"} {
				if countries[c] == 0 {
					t.Errorf("no people in %s", c)
				}
			}

			data, err := os.ReadFile(res.Incident)
			if err != nil {
				t.Fatal(err)
			}
			in, err := incident.Decode(data)
			if err != nil {
				t.Fatalf("incident.json does not decode: %v", err)
			}
			if len(in.Affected) != min(3, wantSystems) {
				t.Errorf("incident affects %d systems, want %d", len(in.Affected), min(3, wantSystems))
			}
			for _, a := range in.Affected {
				sys, ok := inv.System(a.System)
				if !ok {
					t.Errorf("incident names unknown system %q", a.System)
					continue
				}
				for _, c := range a.Categories {
					if !contains(sys.Categories, c) {
						t.Errorf("incident narrows %s to %q, which it does not hold", a.System, c)
					}
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSynthOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts SynthOptions
	}{
		{"no subjects", SynthOptions{Out: t.TempDir()}},
		{"negative systems", SynthOptions{Subjects: 1, Systems: -1, Out: t.TempDir()}},
		{"too many systems", SynthOptions{Subjects: 1, Systems: MaxSynthSystems + 1, Out: t.TempDir()}},
		{"no out", SynthOptions{Subjects: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Synth(tc.opts); err == nil {
				t.Errorf("got nil error, want one")
			}
		})
	}
}

func BenchmarkSynth(b *testing.B) {
	const n = 1_000_000
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Synth(SynthOptions{Subjects: n, Seed: 1, Out: dir}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
