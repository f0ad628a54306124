package inventory

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fieldOf returns the named field of s, for the warning tables.
func fieldOf(s *Subject, field string) string {
	switch field {
	case "name":
		return s.Name
	case "email":
		return s.Email
	case "phone":
		return s.Phone
	case "locale":
		return s.Locale
	case "region":
		return s.Region
	case "minor":
		return strconv.FormatBool(s.Minor)
	case "guardian_email":
		return s.GuardianEmail
	case "guardian_phone":
		return s.GuardianPhone
	case "postal_address":
		return s.PostalAddress
	case "devices":
		return strconv.Itoa(len(s.Devices))
	}
	return ""
}

// problemCase is a row with one problem: an error that drops the row, or a
// warning that keeps it with field cleared (cleared is the value left then).
type problemCase struct {
	name    string
	row     string
	want    string // RowError text; the row is on line 3
	warning bool
	field   string // the field a warning clears
	cleared string // its value afterwards ("" for strings)
}

// checkProblem reads three rows (good, tc.row, good) and checks that the
// problem is reported on line 3 with the right kind and that the reader goes
// on with the next row.
func checkProblem(t *testing.T, tc problemCase, r *DirectoryReader) {
	t.Helper()
	var subs []*Subject
	var errs, warns []*RowError
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			if re.Warning {
				t.Errorf("Next returned a warning as an error: %v", re)
			}
			if w := r.RowWarnings(); w != nil {
				t.Errorf("RowWarnings after a row error: got %v, want nil", w)
			}
			errs = append(errs, re)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		warns = append(warns, r.RowWarnings()...)
		subs = append(subs, s.Clone())
	}
	got := errs
	if tc.warning {
		got = warns
		if len(errs) != 0 {
			t.Errorf("got row errors %v, want none", errs)
		}
		if len(subs) != 3 {
			t.Fatalf("got %d rows, want 3: a warning keeps the row", len(subs))
		}
		if tc.field != "" {
			if v := fieldOf(subs[1], tc.field); v != tc.cleared {
				t.Errorf("got %s %q after the warning, want %q", tc.field, v, tc.cleared)
			}
		}
		sum := r.Warnings()
		if sum.Rows != 1 || sum.Fields != 1 || len(sum.First) != 1 || sum.First[0].Error() != tc.want {
			t.Errorf("got Warnings() %d rows, %d fields, %v; want 1, 1, [%s]", sum.Rows, sum.Fields, sum.First, tc.want)
		}
	} else {
		if len(warns) != 0 {
			t.Errorf("got warnings %v, want none", warns)
		}
		if len(subs) != 2 || subs[0].ID != "u-1" || subs[1].ID != "u-10" {
			t.Errorf("around the bad row got %d rows, want u-1 and u-10", len(subs))
		}
	}
	if len(got) != 1 {
		t.Fatalf("got %v, want one problem %q", got, tc.want)
	}
	if msg := got[0].Error(); msg != tc.want {
		t.Errorf("got %q, want %q", msg, tc.want)
	}
	if got[0].Line != 3 {
		t.Errorf("got line %d, want 3", got[0].Line)
	}
	if tc.warning && got[0].Field != tc.field {
		t.Errorf("got field %q, want %q", got[0].Field, tc.field)
	}
}

func TestDirectoryCSVProblems(t *testing.T) {
	header := "id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n"
	const w = true
	tests := []problemCase{
		// Errors: the row cannot be assessed and is skipped.
		{name: "missing id", row: ",A,,,,DE,,,,,,app", want: "subjects.csv:3: id is empty"},
		{name: "id with control character", row: "u\x01,A,,,,DE,,,,,,app", want: "subjects.csv:3: id must be at most 128 characters without control characters"},
		{name: "lower-case country", row: "u-9,A,,,,de,,,,,,app", want: `subjects.csv:3: row u-9: country "de" must be written in upper case (DE)`},
		{name: "unknown country", row: "u-9,A,,,,XX,,,,,,app", want: `subjects.csv:3: row u-9: country "XX" is not an ISO 3166-1 alpha-2 code`},
		{name: "empty country", row: "u-9,A,,,,,,,,,,app", want: "subjects.csv:3: row u-9: country is empty; it must be an ISO 3166-1 alpha-2 code such as DE or US"},
		{name: "US without region", row: "u-9,A,,,,US,,,,,,app", want: "subjects.csv:3: row u-9: region is required for US rows (a state code such as CA or NY)"},
		{name: "US bad region", row: "u-9,A,,,,US,ZZ,,,,,app", want: `subjects.csv:3: row u-9: region "ZZ" is not a US state or territory code (such as CA, NY or DC)`},
		{name: "US lower-case region", row: "u-9,A,,,,US,ca,,,,,app", want: `subjects.csv:3: row u-9: region "ca" must be written in upper case (CA)`},
		{name: "no systems", row: "u-9,A,,,,DE,,,,,,", want: "subjects.csv:3: row u-9: systems is empty; list the systems the person is in, separated by ;"},
		{name: "only separators", row: "u-9,A,,,,DE,,,,,, ; ;", want: "subjects.csv:3: row u-9: systems is empty; list the systems the person is in, separated by ;"},
		{name: "unknown system", row: "u-9,A,,,,DE,,,,,,app;x", want: `subjects.csv:3: row u-9: unknown system "x"`},
		{name: "too few fields", row: "u-9,A,,,,DE,app", want: "subjects.csv:3: row u-9: has 7 fields but the header has 12"},
		{name: "bare quote", row: `u-9,A "x",,,,DE,,,,,,app`, want: `subjects.csv:3: malformed CSV: bare " in non-quoted-field`},
		{name: "email-like id is not printed", row: "ada@example.com,A,,,,XX,,,,,,app", want: `subjects.csv:3: country "XX" is not an ISO 3166-1 alpha-2 code`},
		{name: "bad country wins over bad email", row: "u-9,A,ada@@x,,,XX,,,,,,app", want: `subjects.csv:3: row u-9: country "XX" is not an ISO 3166-1 alpha-2 code`},

		// Warnings: the row is kept with the field cleared.
		{name: "bad email", row: "u-9,A,ada@@example.com,,,DE,,,,,,app", warning: w, field: "email",
			want: "subjects.csv:3: row u-9: warning: email is not a plausible e-mail address; ignored"},
		{name: "email without domain dot", row: "u-9,A,ada@example,,,DE,,,,,,app", warning: w, field: "email",
			want: "subjects.csv:3: row u-9: warning: email is not a plausible e-mail address; ignored"},
		{name: "national phone", row: "u-9,A,,0171 5550100,,DE,,,,,,app", warning: w, field: "phone",
			want: "subjects.csv:3: row u-9: warning: phone is not an international number (+, country code, 7-15 digits); ignored"},
		{name: "phone with letters", row: "u-9,A,,+49 CALL ME,,DE,,,,,,app", warning: w, field: "phone",
			want: "subjects.csv:3: row u-9: warning: phone is not an international number (+, country code, 7-15 digits); ignored"},
		{name: "bad guardian email", row: "u-9,A,,,,DE,,true,parent,,,app", warning: w, field: "guardian_email",
			want: "subjects.csv:3: row u-9: warning: guardian_email is not a plausible e-mail address; ignored"},
		{name: "bad guardian phone", row: "u-9,A,,,,DE,,true,,12,,app", warning: w, field: "guardian_phone",
			want: "subjects.csv:3: row u-9: warning: guardian_phone is not an international number (+, country code, 7-15 digits); ignored"},
		{name: "bad locale", row: "u-9,A,,,german!,DE,,,,,,app", warning: w, field: "locale",
			want: `subjects.csv:3: row u-9: warning: locale "german!" is not a language tag such as en, de-DE or zh-Hans-CN; ignored`},
		{name: "bad region outside the US", row: "u-9,A,,,,DE,Bavaria,,,,,app", warning: w, field: "region",
			want: `subjects.csv:3: row u-9: warning: region "Bavaria" must be a subdivision code of 1-3 upper-case letters or digits; ignored`},
		{name: "bad minor", row: "u-9,A,,,,DE,,maybe,,,,app", warning: w, field: "minor", cleared: "false",
			want: `subjects.csv:3: row u-9: warning: minor "maybe" is not true, false, yes, no, 1 or 0; read as false`},
		{name: "control character in name", row: "u-9,A\x01B,,,,DE,,,,,,app", warning: w, field: "name",
			want: "subjects.csv:3: row u-9: warning: name contains control characters or is too long; ignored"},
		{name: "control character in address", row: "u-9,A,,,,DE,,,,,1 Road\x00,app", warning: w, field: "postal_address",
			want: "subjects.csv:3: row u-9: warning: postal_address contains control characters or is too long; ignored"},
		{name: "email-like id with bad phone", row: "ada@example.com,A,,12,,DE,,,,,,app", warning: w, field: "phone",
			want: "subjects.csv:3: warning: phone is not an international number (+, country code, 7-15 digits); ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := header + "u-1,,,,,DE,,,,,,app\n" + tc.row + "\nu-10,,,,,DE,,,,,,app\n"
			r, err := NewDirectoryReader(strings.NewReader(data), "subjects.csv", FormatCSV, testInventory(t))
			if err != nil {
				t.Fatal(err)
			}
			checkProblem(t, tc, r)
		})
	}
}

func TestDirectoryJSONLProblems(t *testing.T) {
	const w = true
	fields := "(the fields are " + strings.Join(Columns, ", ") + ", devices)"
	tests := []problemCase{
		{name: "not an object", row: `["u-9"]`, want: "subjects.jsonl:3: is not a JSON object"},
		{name: "syntax", row: `{"id":"u-9",`, want: "subjects.jsonl:3: JSON ends early"},
		{name: "systems as string", row: `{"id":"u-9","country":"DE","systems":"app"}`, want: `subjects.jsonl:3: row u-9: systems must be a list, got JSON string`},
		{name: "country as number", row: `{"id":"u-9","country":49,"systems":["app"]}`, want: `subjects.jsonl:3: row u-9: country must be string, got JSON number`},
		{name: "unknown system", row: `{"id":"u-9","country":"DE","systems":["nope"]}`, want: `subjects.jsonl:3: row u-9: unknown system "nope"`},
		{name: "US without region", row: `{"id":"u-9","country":"US","systems":["app"]}`, want: "subjects.jsonl:3: row u-9: region is required for US rows (a state code such as CA or NY)"},
		{name: "trailing data", row: `{"id":"u-9","country":"DE","systems":["app"]} {}`, want: "subjects.jsonl:3: row u-9: unexpected data after the JSON object"},
		{name: "invalid UTF-8", row: "{\"id\":\"u-9\xff\"}", want: "subjects.jsonl:3: is not valid UTF-8"},

		{name: "unknown field", row: `{"id":"u-9","country":"DE","systems":["app"],"age":9}`, warning: w,
			want: `subjects.jsonl:3: row u-9: warning: unknown field "age" ignored ` + fields},
		{name: "minor as string", row: `{"id":"u-9","country":"DE","systems":["app"],"minor":"yes"}`, warning: w, field: "minor", cleared: "false",
			want: `subjects.jsonl:3: row u-9: warning: minor must be true or false; read as false`},
		{name: "email as number", row: `{"id":"u-9","country":"DE","systems":["app"],"email":5}`, warning: w, field: "email",
			want: `subjects.jsonl:3: row u-9: warning: email must be a string; ignored`},
		{name: "bad email", row: `{"id":"u-9","country":"DE","systems":["app"],"email":"a@b"}`, warning: w, field: "email",
			want: `subjects.jsonl:3: row u-9: warning: email is not a plausible e-mail address; ignored`},
		{name: "bad platform", row: `{"id":"u-9","country":"DE","systems":["app"],"devices":[{"platform":"sms","token":"x"}]}`, warning: w, field: "devices", cleared: "0",
			want: `subjects.jsonl:3: row u-9: warning: devices[0]: platform "sms" is not webpush, apns or fcm; device ignored`},
		{name: "fcm without token", row: `{"id":"u-9","country":"DE","systems":["app"],"devices":[{"platform":"fcm"}]}`, warning: w, field: "devices", cleared: "0",
			want: "subjects.jsonl:3: row u-9: warning: devices[0]: an fcm device needs a token; device ignored"},
		{name: "only the bad device is dropped", row: `{"id":"u-9","country":"DE","systems":["app"],"devices":[{"platform":"apns","token":"t"},{"platform":"webpush","subscription":{}}]}`,
			warning: w, field: "devices", cleared: "1",
			want: "subjects.jsonl:3: row u-9: warning: devices[1]: subscription.endpoint must be an https:// URL; device ignored"},
		{name: "devices as object", row: `{"id":"u-9","country":"DE","systems":["app"],"devices":{"platform":"fcm"}}`, warning: w, field: "devices", cleared: "0",
			want: "subjects.jsonl:3: row u-9: warning: devices must be a list of objects; all devices ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := `{"id":"u-1","country":"DE","systems":["app"],"devices":[{"platform":"apns","token":"t"}]}` + "\n\n" + tc.row + "\n" +
				`{"id":"u-10","country":"DE","systems":["app"]}` + "\n"
			r, err := NewDirectoryReader(strings.NewReader(data), "subjects.jsonl", FormatJSONL, testInventory(t))
			if err != nil {
				t.Fatal(err)
			}
			checkProblem(t, tc, r)
		})
	}
}

func TestDirectoryProblemsCarryNoPersonalData(t *testing.T) {
	header := "id,name,email,phone,country,systems,guardian_email,guardian_phone,postal_address\n"
	data := header + "u-1,Ada\x01Lovelace,ada@example..com,+44 7700 9001x23,GB,app,parent@x,+0,\"1 Example\x00Road\"\n" +
		"u-2,Bob,bob@@example.com,,XX,app,,,\n"
	r, err := NewDirectoryReader(strings.NewReader(data), "subjects.csv", FormatCSV, testInventory(t))
	if err != nil {
		t.Fatal(err)
	}
	subs, bad := readAll(t, r)
	sum := r.Warnings()
	if len(subs) != 1 || len(bad) != 1 || sum.Rows != 1 || sum.Fields != 6 {
		t.Fatalf("got %d rows, %d errors, %d warnings in %d rows; want 1, 1, 6 in 1", len(subs), len(bad), sum.Fields, sum.Rows)
	}
	want := &Subject{ID: "u-1", Country: "GB", Systems: []string{"app"}}
	if diff := cmp.Diff(want, subs[0]); diff != "" {
		t.Errorf("row with every contact malformed (-want +got):\n%s", diff)
	}
	var texts []string
	for _, e := range append(sum.First, bad...) {
		texts = append(texts, e.Error())
	}
	joined := strings.Join(texts, "\n")
	for _, secret := range []string{"Ada", "Lovelace", "ada@", "7700", "parent@", "Example", "Bob", "bob@"} {
		if strings.Contains(joined, secret) {
			t.Errorf("problems %q contain %q", joined, secret)
		}
	}
}

// TestDirectoryWarningsAcrossRows mixes clean rows, warnings and errors and
// checks RowWarnings per row and the Warnings summary with line numbers.
func TestDirectoryWarningsAcrossRows(t *testing.T) {
	data := "id,email,phone,country,region,systems,postal_address\n" + // line 1
		"u-1,a@example.com,,DE,,app,\n" + // 2: clean
		"u-2,not-an-email,12,FR,,app,\n" + // 3: two warnings
		"u-3,,,US,,app,\n" + // 4: error
		"u-4,,,GB,,app,\"Flat 1\n2 Example Road\"\n" + // 5-6: clean, on two lines
		"u-5,x@y,,NL,,app,\n" // 7: one warning
	r, err := NewDirectoryReader(strings.NewReader(data), "s.csv", FormatCSV, testInventory(t))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID       string
		Err      string
		Warnings []string
	}
	var got []row
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			got = append(got, row{Err: err.Error()})
			continue
		}
		x := row{ID: s.ID}
		if n := r.RowWarningCount(); n != len(r.RowWarnings()) {
			t.Errorf("row %s: got RowWarningCount %d, want %d", s.ID, n, len(r.RowWarnings()))
		}
		for _, w := range r.RowWarnings() {
			x.Warnings = append(x.Warnings, fmt.Sprintf("%d %s", w.Line, w.Field))
		}
		got = append(got, x)
	}
	want := []row{
		{ID: "u-1"},
		{ID: "u-2", Warnings: []string{"3 email", "3 phone"}},
		{Err: "s.csv:4: row u-3: region is required for US rows (a state code such as CA or NY)"},
		{ID: "u-4"},
		{ID: "u-5", Warnings: []string{"7 email"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	sum := r.Warnings()
	var first []string
	for _, w := range sum.First {
		first = append(first, fmt.Sprintf("%s:%d %s %v", w.File, w.Line, w.Field, w.Warning))
	}
	if diff := cmp.Diff([]string{"s.csv:3 email true", "s.csv:3 phone true", "s.csv:7 email true"}, first); diff != "" || sum.Rows != 2 || sum.Fields != 3 {
		t.Errorf("got Warnings() rows %d, fields %d, first %v; want 2, 3 (-want +got):\n%s", sum.Rows, sum.Fields, first, diff)
	}
}

func TestDirectoryWarningsAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,phone,country,systems\n")
	const rows = MaxWarnings + 50
	for i := range rows {
		fmt.Fprintf(&b, "u-%d,0171 555 01%02d,DE,app\n", i, i%100)
	}
	r, err := NewDirectoryReader(strings.NewReader(b.String()), "s.csv", FormatCSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	subs, bad := readAll(t, r)
	sum := r.Warnings()
	if len(subs) != rows || len(bad) != 0 {
		t.Fatalf("got %d rows and %d errors, want %d rows and none: nobody is dropped for a bad phone", len(subs), len(bad), rows)
	}
	if sum.Rows != rows || sum.Fields != rows || len(sum.First) != MaxWarnings {
		t.Errorf("got %d rows, %d fields, %d kept; want %d, %d, %d", sum.Rows, sum.Fields, len(sum.First), rows, rows, MaxWarnings)
	}
	if last := sum.First[MaxWarnings-1]; last.Line != MaxWarnings+1 {
		t.Errorf("got the last kept warning on line %d, want %d", last.Line, MaxWarnings+1)
	}
}

// TestDirectoryWarningRowsAllocateLittle reads rows that all carry a
// warning: past the first MaxWarnings they must cost no more allocations
// than clean rows.
func TestDirectoryWarningRowsAllocateLittle(t *testing.T) {
	var clean, warned strings.Builder
	clean.WriteString("id,phone,locale,country,systems\n")
	warned.WriteString("id,phone,locale,country,systems\n")
	for i := range 1200 {
		fmt.Fprintf(&clean, "u-%d,+49 171 555 01%02d,de,DE,app\n", i, i%100)
		fmt.Fprintf(&warned, "u-%d,0171 555 01%02d,german!,DE,app\n", i, i%100)
	}
	allocs := func(data string) float64 {
		r, err := NewDirectoryReader(strings.NewReader(data), "s.csv", FormatCSV, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range MaxWarnings { // past the kept warnings
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
		}
		return testing.AllocsPerRun(1000, func() {
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
		})
	}
	c, w := allocs(clean.String()), allocs(warned.String())
	if w > c {
		t.Errorf("got %.1f allocations per row with warnings, want at most %.1f as for a clean row", w, c)
	}
}
