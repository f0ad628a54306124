package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/store"
)

// synthRows yields n realistic directory rows through one reused Subject,
// as inventory.DirectoryReader does.
func synthRows(n int) iter.Seq2[*inventory.Subject, error] {
	countries := []string{"DE", "FR", "CN", "US", "GB", "ES", "IT", "JP"}
	systems := [][]string{{"orders-db"}, {"orders-db", "accounts"}, {"accounts", "newsletter", "support"}}
	return func(yield func(*inventory.Subject, error) bool) {
		var s inventory.Subject
		for i := range n {
			id := "u-" + strconv.Itoa(1000000+i)
			s = inventory.Subject{ID: id, Name: "Person Number " + id, Email: id + "@example.com",
				Phone: "+491555" + strconv.Itoa(1000000+i), Locale: "de-DE", Country: countries[i%len(countries)],
				PostalAddress: "Beispielstraße " + strconv.Itoa(i%200) + ", 10115 Berlin",
				Systems:       append(s.Systems[:0], systems[i%len(systems)]...)}
			if i%20 == 0 {
				s.Minor, s.GuardianEmail = true, "guardian-"+id+"@example.com"
			}
			if i%8 == 3 {
				s.Region = "CA"
			}
			if !yield(&s, nil) {
				return
			}
		}
	}
}

// benchBackends opens a fresh store per benchmark: SQLite always,
// PostgreSQL when BREACH_TEST_POSTGRES_DSN is set.
func benchBackends(b *testing.B) map[string]func(b *testing.B) store.Store {
	backends := map[string]func(b *testing.B) store.Store{
		"sqlite": func(b *testing.B) store.Store { return openSQLite(b, filepath.Join(b.TempDir(), "breach.db")) },
	}
	dsn := os.Getenv("BREACH_TEST_POSTGRES_DSN")
	if dsn == "" {
		return backends
	}
	backends["postgres"] = func(b *testing.B) store.Store {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			b.Fatal(err)
		}
		schema := fmt.Sprintf("breach_bench_%d", os.Getpid())
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		u, err := url.Parse(dsn)
		if err != nil {
			b.Fatal("BREACH_TEST_POSTGRES_DSN is not a URL")
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		s, err := store.Open(context.Background(), store.Options{Driver: store.DriverPostgres, DSN: u.String()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	return backends
}

// BenchmarkImportSubjects measures replacing a directory of 100,000 and of
// 1,000,000 rows (each op replaces the directory the previous op stored).
func BenchmarkImportSubjects(b *testing.B) {
	for name, open := range benchBackends(b) {
		for _, rows := range []int{100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/rows=%d", name, rows), func(b *testing.B) {
				s := open(b)
				ctx := context.Background()
				var total time.Duration
				for b.Loop() {
					start := time.Now()
					res, err := s.ImportSubjects(ctx, synthRows(rows), store.ImportOptions{})
					total += time.Since(start)
					if err != nil || res.Taken != rows {
						b.Fatalf("import: got %+v, %v", res, err)
					}
				}
				b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkSaveIncident measures storing new revisions of incidents, one
// transaction each.
func BenchmarkSaveIncident(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) { benchSaveIncident(b, open(b)) })
	}
}

func benchSaveIncident(b *testing.B, s store.Store) {
	ctx := context.Background()
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	i := 0
	for b.Loop() {
		in := &incident.Incident{Schema: incident.Schema, ID: fmt.Sprintf("INC-%d", i/4), Revision: i%4 + 1,
			Title: "Order database copied by an intruder", Description: "Plain-language account of what happened.",
			DiscoveredAt: base.Add(time.Duration(i) * time.Second), Cause: incident.CauseExfiltration,
			Affected:   []incident.Affected{{System: "orders-db"}, {System: "accounts", Subjects: []string{"u-17", "u-42"}}},
			Mitigation: incident.Mitigation{Measures: []string{"Revoked the leaked API key"}}}
		if _, err := s.SaveIncident(ctx, in, nil); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
}

// BenchmarkRecordAffected measures recording 100,000 affected people.
func BenchmarkRecordAffected(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) { benchRecordAffected(b, open(b)) })
	}
}

func benchRecordAffected(b *testing.B, s store.Store) {
	const n = 100_000
	ctx := context.Background()
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ids := func(yield func(string) bool) {
		for i := range n {
			if !yield("u-" + strconv.Itoa(1000000+i)) {
				return
			}
		}
	}
	rev := 0
	for b.Loop() {
		rev++
		in := &incident.Incident{Schema: incident.Schema, ID: "INC-1", Revision: rev, Title: "t", DiscoveredAt: base,
			Cause: incident.CauseHacking, Affected: []incident.Affected{{System: "s"}}}
		if _, err := s.SaveIncident(ctx, in, nil); err != nil {
			b.Fatal(err)
		}
		if _, err := s.RecordAffected(ctx, "INC-1", rev, ids); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "ids/s")
}
