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
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
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

// BenchmarkLedgerRowFloor measures what one planned notice costs SQLite's
// single writer, beside the least SQLite can do for a row of that size, so
// that docs/performance.md can say how far the ledger is from its floor:
//
//   - bare: the notices table's sixteen columns (a job of ~520 bytes, a
//     64-character hash) in a table with its primary key only, 1,000
//     rows to a prepared INSERT and 4,000 to a transaction, on the
//     store's own writer connection and settings; the parameters are
//     built outside the timer.
//   - plan: announce.IndexingLedger.Plan as the planner calls it: the
//     ledger row (its job encoded, its indexes, the unreachable-mark lift)
//     and the verification-index row of each notice, 4,000 to a call;
//     the entries are built outside the timer.
//
// Both report ns/notice (the writer is one goroutine: wall time is its
// processor time):
//
//	go test ./store -run '^$' -bench LedgerRowFloor
func BenchmarkLedgerRowFloor(b *testing.B) {
	const batch, perStatement = 4000, 1000
	ctx := context.Background()
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	entry := func(i int) notify.Entry {
		subject := "u-" + strconv.Itoa(1000000+i)
		j := notify.NewJob("INC-2026-0001", 1, 1, subject, notify.Route{Channel: notify.ChannelEmail, To: subject + "@example.com",
			ToName: "Person Number " + subject}, []notify.Route{{Channel: notify.ChannelLetter, To: "Beispielstraße 12, 10115 Berlin"}})
		j.Locale, j.Jurisdiction, j.Categories, j.PostalName = "de-DE", "DE", []string{"contact", "identity", "financial"}, "Person Number "+subject
		e := j.Entry()
		e.TemplateVersion, e.ContentHash, e.CreatedAt, e.UpdatedAt = "email/de-DE/3f9a0c", strings.Repeat("ab", 32), base, base
		return e
	}
	b.Run("bare", func(b *testing.B) {
		db := store.RawDB(openSQLite(b, filepath.Join(b.TempDir(), "breach.db")))
		if _, err := db.ExecContext(ctx, `CREATE TABLE bare (key TEXT PRIMARY KEY, incident_id TEXT NOT NULL,
subject_id TEXT NOT NULL, channel TEXT NOT NULL, version INTEGER NOT NULL, guardian INTEGER NOT NULL, state TEXT NOT NULL,
attempts INTEGER NOT NULL, provider_id TEXT NOT NULL, error TEXT NOT NULL, template_version TEXT NOT NULL,
content_hash TEXT NOT NULL, created_at INTEGER, updated_at INTEGER, sent_at INTEGER, job TEXT NOT NULL) WITHOUT ROWID`); err != nil {
			b.Fatal(err)
		}
		rows := "(?" + strings.Repeat(",?", 15) + ")"
		insert, err := db.PrepareContext(ctx, "INSERT INTO bare VALUES "+rows+strings.Repeat(","+rows, perStatement-1))
		if err != nil {
			b.Fatal(err)
		}
		defer insert.Close()
		job := strings.Repeat("j", 520)
		next := 0
		args := make([][]any, batch/perStatement)
		for b.Loop() {
			b.StopTimer()
			for s := range args {
				args[s] = args[s][:0]
				for range perStatement {
					e := entry(next)
					next++
					args[s] = append(args[s], e.Key, e.IncidentID, e.SubjectID, string(e.Channel), e.Version, e.Guardian,
						string(e.State), e.Attempts, e.ProviderID, e.Error, e.TemplateVersion, e.ContentHash, e.CreatedAt.UnixNano(),
						e.UpdatedAt.UnixNano(), nil, job)
				}
			}
			b.StartTimer()
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, a := range args {
				if _, err := tx.StmtContext(ctx, insert).ExecContext(ctx, a...); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/notice")
	})
	b.Run("plan", func(b *testing.B) {
		ledger := announce.IndexingLedger{Ledger: openSQLite(b, filepath.Join(b.TempDir(), "breach.db")).Ledger(),
			Secret: []byte("benchmark-notice-key-0123456789")}
		next := 0
		entries := make([]notify.Entry, batch)
		for b.Loop() {
			b.StopTimer()
			for i := range entries {
				entries[i] = entry(next)
				next++
			}
			b.StartTimer()
			if _, n, err := ledger.Plan(ctx, entries); err != nil || n != batch {
				b.Fatalf("plan: %d created, %v", n, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/notice")
	})
}

// BenchmarkLookupVerify measures the public site's code check against the
// verification index a campaign of 1,000,000 notices leaves: 250
// generations of 4,000 entries. Every lookup probes every generation,
// found or not.
//
//	go test ./store -run '^$' -bench LookupVerify
func BenchmarkLookupVerify(b *testing.B) {
	const gens, perGen = 250, 4000
	ctx := context.Background()
	s := openSQLite(b, filepath.Join(b.TempDir(), "breach.db"))
	secret := []byte("benchmark-notice-key-0123456789")
	var known []byte
	for g := range gens {
		entries := make([]announce.VerifyEntry, perGen)
		for i := range entries {
			entries[i] = announce.NewVerifyEntry(secret, "INC-2026-0001", "email", fmt.Sprintf("notice/INC-2026-0001/u-%d/email/v1", g*perGen+i))
		}
		if err := s.AddVerifyEntries(ctx, entries); err != nil {
			b.Fatal(err)
		}
		if g == gens/2 {
			known = entries[0].Lookup
		}
	}
	unknown := announce.NewVerifyEntry(secret, "INC-2026-0001", "email", "notice/INC-2026-0001/nobody/email/v1").Lookup
	for name, lookup := range map[string][]byte{"found": known, "unknown": unknown} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				e, err := s.LookupVerify(ctx, lookup)
				if err != nil || (e != nil) != (name == "found") {
					b.Fatalf("lookup: %+v, %v", e, err)
				}
			}
		})
	}
}
