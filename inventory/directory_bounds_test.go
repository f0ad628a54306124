package inventory

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const boundsHeader = "id,name,country,postal_address,systems\n"

// rowLine formats an error as the line and reason checked below.
func rowLines(bad []*RowError) []string {
	var out []string
	for _, e := range bad {
		out = append(out, e.Error())
	}
	return out
}

func ids(subs []*Subject) []string {
	var out []string
	for _, s := range subs {
		out = append(out, s.ID)
	}
	return out
}

// TestDirectoryCSVBrokenRecords: a CSV row with a missing closing quote
// used to swallow the rest of the file (encoding/csv reads on to the end
// looking for the quote), so every later person was silently dropped from
// the assessment and the reader held the whole file in memory. A record is
// now bounded (MaxRecordBytes, MaxRecordLines); a broken one is one bad row
// at its own line, and reading goes on with the next line.
func TestDirectoryCSVBrokenRecords(t *testing.T) {
	var many strings.Builder
	manyIDs := []string{"u-0"}
	for i := range 100 {
		fmt.Fprintf(&many, "p%d,Person %d,DE,,app\n", i, i)
		manyIDs = append(manyIDs, fmt.Sprintf("p%d", i))
	}
	longAddress := `"` + strings.Repeat("Street 1\n", MaxRecordLines-1) + `Town"`
	tests := []struct {
		name    string
		rows    string
		wantIDs []string
		wantBad []string
	}{
		{
			name:    "unterminated quote followed by valid rows",
			rows:    "u-1,\"Anna Schmidt,DE,,app\n" + "u-2,Ben,DE,,app\n" + "u-3,Cleo,FR,,app\n",
			wantIDs: []string{"u-2", "u-3"},
			wantBad: []string{`s.csv:2: malformed CSV: extraneous or missing " in quoted-field: a quoted field that starts on this row is never closed`},
		},
		{
			name:    "unterminated quote followed by more rows than a record may span",
			rows:    "u-0,Ann,DE,,app\n" + "u-1,\"Anna Schmidt,DE,,app\n" + many.String(),
			wantIDs: manyIDs,
			wantBad: []string{fmt.Sprintf(`s.csv:3: malformed CSV: extraneous or missing " in quoted-field: a quoted field that starts on this row is not closed within %d lines or %d bytes`, MaxRecordLines, MaxRecordBytes)},
		},
		{
			name: "unterminated quote followed by quoted fields",
			rows: "u-1,\"Anna,DE,,app\n" + "u-2,\"Ben\",DE,\"1 Road\",app\n" + "u-3,\"C\"\"leo\",DE,,app\n",
			// Line 3 read as the continuation of line 2's field has a
			// stray quote; read on its own, it is a good row.
			wantIDs: []string{"u-2", "u-3"},
			wantBad: []string{`s.csv:2: malformed CSV: extraneous or missing " in quoted-field`},
		},
		{
			name:    "a quoted address may span MaxRecordLines lines",
			rows:    "u-1,Ann," + "DE," + longAddress + ",app\n" + "u-2,Ben,DE,,app\n",
			wantIDs: []string{"u-1", "u-2"},
		},
		{
			name:    "an address one line longer is a missing quote",
			rows:    "u-1,Ann,DE,\"Flat 2\n" + longAddress[1:] + ",app\n" + "u-2,Ben,DE,,app\n",
			wantIDs: []string{"u-2"},
			wantBad: append([]string{fmt.Sprintf(`s.csv:2: malformed CSV: extraneous or missing " in quoted-field: a quoted field that starts on this row is not closed within %d lines or %d bytes`, MaxRecordLines, MaxRecordBytes)},
				// Reading goes on with the address lines, each a bad row
				// (one field where the header has five), until the
				// closing quote, a stray one on its own.
				addressLineErrors(3, MaxRecordLines)...),
		},
		{
			name:    "a line longer than MaxRecordBytes",
			rows:    "u-1," + strings.Repeat("A", MaxRecordBytes) + ",DE,,app\n" + "u-2,Ben,DE,,app\n",
			wantIDs: []string{"u-2"},
			wantBad: []string{"s.csv:2: the row is longer than 65536 bytes"},
		},
		{
			name:    "a quoted field longer than MaxRecordBytes over several lines",
			rows:    "u-1,\"" + strings.Repeat(strings.Repeat("A", 5000)+"\n", 20) + "A\",DE,,app\n" + "u-2,Ben,DE,,app\n",
			wantIDs: []string{"u-2"},
			// 20 lines of 5,000 bytes pass MaxRecordBytes before
			// MaxRecordLines; the lines after the first are read again,
			// the one cut at MaxRecordBytes as a whole.
			wantBad: append([]string{fmt.Sprintf(`s.csv:2: malformed CSV: extraneous or missing " in quoted-field: a quoted field that starts on this row is not closed within %d lines or %d bytes`, MaxRecordLines, MaxRecordBytes)},
				addressLineErrors(3, 20)...),
		},
		{
			name:    "a stray quote costs its own row only",
			rows:    "u-1,\"Ann\"x,DE,,app\n" + "u-2,Ben,DE,,app\n",
			wantIDs: []string{"u-2"},
			wantBad: []string{`s.csv:2: malformed CSV: extraneous or missing " in quoted-field`},
		},
		{
			name:    "CRLF, empty lines and a last line without line ending",
			rows:    "u-1,\"Ann\",DE,\"1 Road\r\nTown\",app\r\n\r\n\nu-2,Ben,DE,,app",
			wantIDs: []string{"u-1", "u-2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewDirectoryReader(strings.NewReader(boundsHeader+tc.rows), "s.csv", FormatCSV, testInventory(t))
			if err != nil {
				t.Fatal(err)
			}
			subs, bad := readAll(t, r)
			if diff := cmp.Diff(tc.wantIDs, ids(subs)); diff != "" {
				t.Errorf("people read (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantBad, rowLines(bad)); diff != "" {
				t.Errorf("bad rows (-want +got):\n%s", diff)
			}
		})
	}
}

// addressLineErrors are the errors of the lines of a quoted field read as
// rows, from line first, n of them: lines with one field, then the closing
// line (`Town",app`) with a stray quote.
func addressLineErrors(first, n int) []string {
	out := repeatLines(first, first+n-2, "has 1 fields but the header has 5")
	return append(out, fmt.Sprintf(`s.csv:%d: malformed CSV: bare " in non-quoted-field`, first+n-1))
}

func repeatLines(from, to int, reason string) []string {
	var out []string
	for l := from; l <= to; l++ {
		out = append(out, fmt.Sprintf("s.csv:%d: %s", l, reason))
	}
	return out
}

// TestDirectoryCSVMemoryIsBounded: whatever the file, the reader holds at
// most about one record (MaxRecordBytes) of it, not the rest of the file.
func TestDirectoryCSVMemoryIsBounded(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(boundsHeader)
	b.WriteString("u-1,\"Anna,DE,,app\n")
	for i := range 50_000 {
		fmt.Fprintf(&b, "p%d,\"Person %d,DE,,app\n", i, i) // every row unterminated
		if i%1000 == 0 {
			b.WriteString("x,\"" + strings.Repeat("y", 3*MaxRecordBytes) + "\n")
		}
	}
	size := b.Len()
	r, err := NewDirectoryReader(&b, "s.csv", FormatCSV, testInventory(t))
	if err != nil {
		t.Fatal(err)
	}
	maxHeld := 0
	rows := 0
	for {
		_, err := r.Next()
		if err != nil && !strings.Contains(err.Error(), "s.csv:") {
			break
		}
		rows++
		maxHeld = max(maxHeld, cap(r.c.rec)+cap(r.c.pend)+cap(r.c.spare))
	}
	if rows < 50_000 {
		t.Errorf("got %d rows, want every line of the %d-byte file reported", rows, size)
	}
	if limit := 4 * MaxRecordBytes; maxHeld > limit {
		t.Errorf("the reader held %d bytes of a %d-byte file at once, want at most %d", maxHeld, size, limit)
	}
}

// TestDirectoryDuplicateIDs: one person listed twice must not count twice
// (thresholds such as "more than 500 residents" are crossed by repeats),
// and the assessment, inventory check and import must agree on who is in
// the directory. The first usable row of an id is kept; a repeat is a bad
// row at its own file:line.
func TestDirectoryDuplicateIDs(t *testing.T) {
	csvData := "id,country,minor,systems\n" +
		"e1,DE,false,app\n" +
		"e2,XX,false,app\n" + // unusable: does not reserve e2
		"e2,DE,false,app\n" +
		"e1,FR,true,app\n" +
		"e3,DE,false,app\n" +
		"e1,DE,false,orders-db\n"
	jsonlData := `{"id":"e1","country":"DE","systems":["app"]}` + "\n" +
		`{"id":"e1","country":"FR","minor":true,"systems":["app"]}` + "\n" +
		`{"id":"e2","country":"DE","systems":["app"]}` + "\n"
	tests := []struct {
		name, file, data string
		format           Format
		wantIDs          []string
		wantBad          []string
	}{
		{"csv", "subjects.csv", csvData, FormatCSV, []string{"e1", "e2", "e3"}, []string{
			`subjects.csv:3: row e2: country "XX" is not an ISO 3166-1 alpha-2 code`,
			"subjects.csv:5: row e1: id repeats an earlier row; only the first row with this id is used",
			"subjects.csv:7: row e1: id repeats an earlier row; only the first row with this id is used",
		}},
		{"jsonl", "subjects.jsonl", jsonlData, FormatJSONL, []string{"e1", "e2"}, []string{
			"subjects.jsonl:2: row e1: id repeats an earlier row; only the first row with this id is used",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewDirectoryReader(strings.NewReader(tc.data), tc.file, tc.format, testInventory(t))
			if err != nil {
				t.Fatal(err)
			}
			subs, bad := readAll(t, r)
			if diff := cmp.Diff(tc.wantIDs, ids(subs)); diff != "" {
				t.Errorf("people read (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantBad, rowLines(bad)); diff != "" {
				t.Errorf("bad rows (-want +got):\n%s", diff)
			}
			for _, s := range subs {
				if s.Minor {
					t.Errorf("person %s read as a minor: the repeat's fields leaked into the kept row", s.ID)
				}
			}
		})
	}
}

// TestIDSet: no false repeats among many distinct ids (ids that differ in
// one character, across many growths), and every true repeat found.
func TestIDSet(t *testing.T) {
	var s idSet
	const n = 300_000
	for i := range n {
		if s.add(fmt.Sprintf("u-%d", i)) {
			t.Fatalf("id u-%d reported as a repeat on first sight", i)
		}
	}
	for i := range n {
		if !s.add(fmt.Sprintf("u-%d", i)) {
			t.Fatalf("repeat of u-%d not found", i)
		}
	}
	total, slots := 0, 0
	for _, p := range s.parts {
		total += p.n
		slots += len(p.slots)
		if 4*p.n > 3*len(p.slots) {
			t.Errorf("a part holds %d ids in %d slots, over the 3/4 load", p.n, len(p.slots))
		}
	}
	if total != n {
		t.Errorf("got %d ids stored, want %d", total, n)
	}
	if perID := float64(slots*16) / n; perID > 33 {
		t.Errorf("got %.1f bytes per id, want at most 32 (16-byte slots at a load of at least 1/2)", perID)
	}
	if s.add("") || !s.add("") {
		t.Errorf("the empty id is not handled like any other")
	}
}

// FuzzCSVRecords: where encoding/csv reads a whole input without an error,
// the bounded record splitter in front of it must yield the same records
// (it only decides where a record ends; encoding/csv still parses it).
func FuzzCSVRecords(f *testing.F) {
	f.Add([]byte("a,b\n\"c\nd\",e\r\n\n\"\"\"x\"\"\",\n"))
	f.Add([]byte("a,\"b\"\"\",c\r\n\r\n,\"\"\r"))
	f.Add([]byte("\"a\r\nb\"\r\nc"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(data) > MaxRecordBytes {
			return
		}
		r := &DirectoryReader{name: "fuzz", br: bufio.NewReader(bytes.NewReader(data))}
		r.c.feedBuf = bufio.NewReaderSize(&r.c.feed, 4096)
		r.c.csv = csv.NewReader(r.c.feedBuf)
		r.c.csv.FieldsPerRecord = -1
		var got [][]string
		for {
			start, bad, err := r.nextRecord()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if bad != nil {
				if errors.Is(bad, errUnterminated) || errors.Is(bad, errRecordTooLong) {
					return // a legitimate field longer than MaxRecordLines
				}
				t.Fatalf("line %d: %v, but encoding/csv reads the input", start, bad)
			}
			rec, err := r.readCSV()
			if err != nil {
				t.Fatalf("line %d: %v, but encoding/csv reads the input", start, err)
			}
			got = append(got, slices.Clone(rec))
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("records (-encoding/csv +bounded):\n%s", diff)
		}
	})
}
