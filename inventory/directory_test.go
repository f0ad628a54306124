package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testInventory(t testing.TB) *Inventory {
	t.Helper()
	inv, err := Parse([]byte(goodYAML), "inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// readAll reads every row, cloning the good ones and collecting row errors.
func readAll(t *testing.T, r *DirectoryReader) ([]*Subject, []*RowError) {
	t.Helper()
	var subs []*Subject
	var bad []*RowError
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			return subs, bad
		}
		var re *RowError
		if errors.As(err, &re) {
			bad = append(bad, re)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		subs = append(subs, s.Clone())
	}
}

func TestDirectoryCSV(t *testing.T) {
	// Columns out of order, a BOM, CRLF line endings, a quoted address with a
	// comma and a line break, every spelling of minor.
	data := "\uFEFFsystems,id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address\r\n" +
		"orders-db;app,u-1,Ada Lovelace,ada@example.com,+44 7700 900123,en-GB,GB,,false,,,\r\n" +
		"orders-db; orders-db ,u-2,Zhang Wei,,,zh-CN,CN,,,,,\"1 Example Road,\r\nSuzhou\"\r\n" +
		"app,u-3,Tim,,,en-US,US,CA,yes,parent@example.com,+1 415 555 0100,\r\n" +
		"app,u-4,,,,,DE,,1,,,\r\n" +
		"app,u-5,,,,,FR,,NO,,,\r\n"
	r, err := NewDirectoryReader(strings.NewReader(data), "subjects.csv", FormatCSV, testInventory(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	subs, bad := readAll(t, r)
	if len(bad) > 0 {
		t.Fatalf("got row errors %v, want none", bad)
	}
	want := []*Subject{
		{ID: "u-1", Name: "Ada Lovelace", Email: "ada@example.com", Phone: "+44 7700 900123", Locale: "en-GB", Country: "GB", Systems: []string{"orders-db", "app"}},
		{ID: "u-2", Name: "Zhang Wei", Locale: "zh-CN", Country: "CN", PostalAddress: "1 Example Road,\nSuzhou", Systems: []string{"orders-db"}},
		{ID: "u-3", Name: "Tim", Locale: "en-US", Country: "US", Region: "CA", Minor: true, GuardianEmail: "parent@example.com", GuardianPhone: "+1 415 555 0100", Systems: []string{"app"}},
		{ID: "u-4", Country: "DE", Minor: true, Systems: []string{"app"}},
		{ID: "u-5", Country: "FR", Systems: []string{"app"}},
	}
	if diff := cmp.Diff(want, subs); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestDirectoryJSONL(t *testing.T) {
	data := "\uFEFF" + `{"id":"u-1","name":"Ada","email":"ada@example.com","country":"GB","systems":["app"],"devices":[{"platform":"apns","token":"abc"},{"platform":"webpush","subscription":{"endpoint":"https://push.example/x","keys":{"p256dh":"k","auth":"a"}}}]}` + "\r\n" +
		"\r\n" +
		`{"id":"u-2","country":"US","region":"NY","minor":true,"guardian_phone":"+1 212 555 0199","systems":["app","orders-db"]}` + "\n" +
		`{"id":"u-3","country":"JP","systems":["app"],"minor":null}`
	r, err := NewDirectoryReader(strings.NewReader(data), "subjects.jsonl", FormatJSONL, testInventory(t))
	if err != nil {
		t.Fatal(err)
	}
	subs, bad := readAll(t, r)
	if len(bad) > 0 {
		t.Fatalf("got row errors %v, want none", bad)
	}
	want := []*Subject{
		{ID: "u-1", Name: "Ada", Email: "ada@example.com", Country: "GB", Systems: []string{"app"}, Devices: []Device{
			{Platform: "apns", Token: "abc"},
			{Platform: "webpush", Subscription: json.RawMessage(`{"endpoint":"https://push.example/x","keys":{"p256dh":"k","auth":"a"}}`)},
		}},
		{ID: "u-2", Country: "US", Region: "NY", Minor: true, GuardianPhone: "+1 212 555 0199", Systems: []string{"app", "orders-db"}},
		{ID: "u-3", Country: "JP", Systems: []string{"app"}},
	}
	if diff := cmp.Diff(want, subs); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestDirectoryJSONLLongLine(t *testing.T) {
	long := `{"id":"u-9","name":"` + strings.Repeat("x", MaxLineBytes) + `"}`
	data := long + "\n" + `{"id":"u-10","country":"DE","systems":["app"]}` + "\n"
	r, err := NewDirectoryReader(strings.NewReader(data), "subjects.jsonl", FormatJSONL, nil)
	if err != nil {
		t.Fatal(err)
	}
	subs, bad := readAll(t, r)
	if len(bad) != 1 || bad[0].Line != 1 || len(subs) != 1 || subs[0].ID != "u-10" {
		t.Errorf("got rows %d and errors %v; want a line-1 error and u-10", len(subs), bad)
	}
}

func TestDirectoryHeaderErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty file", "", "subjects.csv: the file is empty; it needs a header row such as id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems"},
		{"unknown column", "id,country,systems,age\n", `subjects.csv:1: header: unknown column "age" (the columns are ` + strings.Join(Columns, ",") + ")"},
		{"misspelt column", "id,country,sytems\n", `subjects.csv:1: header: unknown column "sytems"; did you mean "systems"?; required column "systems" is missing (the columns are ` + strings.Join(Columns, ",") + ")"},
		{"repeated column", "id,country,systems,id\n", `subjects.csv:1: header: column "id" appears twice (the columns are ` + strings.Join(Columns, ",") + ")"},
		{"empty column", "id,,country,systems\n", `subjects.csv:1: header: column 2 has no name (the columns are ` + strings.Join(Columns, ",") + ")"},
		{"missing required", "name,email\n", `subjects.csv:1: header: required column "id" is missing; required column "country" is missing; required column "systems" is missing (the columns are ` + strings.Join(Columns, ",") + ")"},
		// The reason now also says that the quote is never closed: the
		// CSV records are split (and bounded) before encoding/csv parses
		// them, and an unclosed quote is named as such.
		{"malformed", "id,\"country\n", `subjects.csv:1: header: malformed CSV: extraneous or missing " in quoted-field: a quoted field that starts on this row is never closed`},
		{"header longer than MaxRecordBytes", "id,country,systems," + strings.Repeat("x", MaxRecordBytes) + "\nu-1,DE,app\n", "subjects.csv:1: header: the row is longer than 65536 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewDirectoryReader(strings.NewReader(tc.data), "subjects.csv", FormatCSV, nil)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestDirectoryHeaderCaseAndSpaces(t *testing.T) {
	r, err := NewDirectoryReader(strings.NewReader(" ID , Country ,Systems\nu-1,DE,app\n"), "s.csv", FormatCSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Next()
	if err != nil || s.ID != "u-1" || s.Country != "DE" {
		t.Errorf("got %+v, %v; want u-1 in DE", s, err)
	}
}

func TestOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "s.CSV")
	os.WriteFile(csvPath, []byte("id,country,systems\nu-1,DE,app\n"), 0o644)
	r, err := OpenDirectory(csvPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := r.Next(); err != nil || s.ID != "u-1" {
		t.Errorf("Next: got %v, %v", s, err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next at the end: got %v, want io.EOF", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := r.Next(); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("Next after Close: got %v, want an error", err)
	}
	if _, err := OpenDirectory(filepath.Join(dir, "s.xlsx"), nil); err == nil || !strings.Contains(err.Error(), "must end in .csv or .jsonl") {
		t.Errorf("OpenDirectory(.xlsx): got %v", err)
	}
	if _, err := OpenDirectory(filepath.Join(dir, "missing.jsonl"), nil); err == nil {
		t.Errorf("OpenDirectory(missing): got nil error")
	}
}

func TestSubjectIsReused(t *testing.T) {
	r, err := NewDirectoryReader(strings.NewReader("id,country,systems\nu-1,DE,a;b\nu-2,FR,c\n"), "s.csv", FormatCSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := r.Next()
	kept := first.Clone()
	second, _ := r.Next()
	if first != second {
		t.Errorf("Next returned a new Subject; want the reused one")
	}
	if diff := cmp.Diff(&Subject{ID: "u-1", Country: "DE", Systems: []string{"a", "b"}}, kept); diff != "" {
		t.Errorf("clone changed by the next row (-want +got):\n%s", diff)
	}
}

func TestHasContact(t *testing.T) {
	tests := []struct {
		name string
		s    Subject
		want bool
	}{
		{"nothing", Subject{}, false},
		{"email", Subject{Email: "a@example.com"}, true},
		{"phone", Subject{Phone: "+1 202 555 0100"}, true},
		{"postal", Subject{PostalAddress: "1 Example St"}, true},
		{"device", Subject{Devices: []Device{{Platform: "fcm", Token: "t"}}}, true},
		{"empty device", Subject{Devices: []Device{{Platform: "fcm"}}}, false},
		{"minor with guardian email", Subject{Minor: true, GuardianEmail: "p@example.com"}, true},
		{"minor with guardian phone", Subject{Minor: true, GuardianPhone: "+44 7700 900000"}, true},
		{"minor without guardian", Subject{Minor: true}, false},
		{"adult with only guardian fields", Subject{GuardianEmail: "p@example.com"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.HasContact(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestJurisdiction(t *testing.T) {
	tests := []struct {
		country, region, want string
	}{
		{"DE", "", "EU-GDPR"}, {"FR", "IDF", "EU-GDPR"}, {"IE", "", "EU-GDPR"}, {"PL", "", "EU-GDPR"},
		{"GR", "", "EU-GDPR"}, {"CY", "", "EU-GDPR"}, {"MT", "", "EU-GDPR"}, {"HR", "", "EU-GDPR"},
		{"IS", "", "EU-GDPR"}, {"LI", "", "EU-GDPR"}, {"NO", "", "EU-GDPR"},
		{"CH", "", "CH"}, {"GB", "ENG", "UK-GDPR"}, {"CN", "GD", "CN-PIPL"},
		{"US", "CA", "US-CA"}, {"US", "NY", "US-NY"}, {"US", "", "US"},
		{"CA", "QC", "CA-PIPEDA"}, {"AU", "NSW", "AU-NDB"}, {"SG", "", "SG-PDPA"}, {"BR", "SP", "BR-LGPD"},
		{"JP", "", "JP-APPI"}, {"IN", "MH", "IN-DPDP"}, {"MX", "", "MX"}, {"TR", "", "TR"},
		// US territories coded as countries are the same place as US with
		// that region (and usState already treats them as US States for
		// HIPAA); the uninhabited Minor Outlying Islands are not.
		{"PR", "", "US-PR"}, {"GU", "", "US-GU"}, {"VI", "", "US-VI"}, {"AS", "", "US-AS"}, {"MP", "", "US-MP"},
		{"US", "PR", "US-PR"}, {"UM", "", "UM"},
	}
	for _, tc := range tests {
		t.Run(tc.country+"-"+tc.region, func(t *testing.T) {
			if got := Jurisdiction(tc.country, tc.region); got != tc.want {
				t.Errorf("Jurisdiction(%q, %q) = %q, want %q", tc.country, tc.region, got, tc.want)
			}
		})
	}
	// 37, not 30: the 27 EU and 3 other EEA member states, and the seven
	// parts of member states that have an ISO code of their own (see
	// TestEUTerritories).
	eu := 0
	for _, c := range strings.Fields(iso3166) {
		if Jurisdiction(c, "") == "EU-GDPR" {
			eu++
		}
	}
	if eu != 37 {
		t.Errorf("got %d countries under EU-GDPR, want 37 (27 EU + IS, LI, NO + GP, GF, MQ, RE, YT, MF, AX)", eu)
	}
}

// TestEUTerritories: the GDPR applies wherever the Treaties do, which
// includes territories that ISO 3166-1 codes as countries of their own; a
// resident of Réunion is a data subject in France, not a person of an
// unknown jurisdiction with no duty to notify.
func TestEUTerritories(t *testing.T) {
	tests := []struct {
		code, law, wantJur, wantState string
	}{
		{"RE", "Réunion: outermost region, TEU Art. 52(2), TFEU Arts. 349, 355(1)", "EU-GDPR", "FR"},
		{"GP", "Guadeloupe: outermost region, TFEU Arts. 349, 355(1)", "EU-GDPR", "FR"},
		{"MQ", "Martinique: outermost region, TFEU Arts. 349, 355(1)", "EU-GDPR", "FR"},
		{"GF", "French Guiana: outermost region, TFEU Arts. 349, 355(1)", "EU-GDPR", "FR"},
		{"YT", "Mayotte: outermost region since 2014, TFEU Arts. 349, 355(1)", "EU-GDPR", "FR"},
		{"MF", "Saint-Martin: outermost region, TFEU Arts. 349, 355(1)", "EU-GDPR", "FR"},
		{"AX", "Åland: TFEU Art. 355(4), Protocol No 2 of the 1994 Act of Accession (tax derogations only)", "EU-GDPR", "FI"},
		{"FR", "a member state is its own member state", "EU-GDPR", "FR"},
		{"NO", "EEA member state (EEA Agreement, GDPR incorporated 2018)", "EU-GDPR", "NO"},
		{"BL", "Saint-Barthélemy: an overseas country and territory since 2012 (Annex II TFEU), not EU", "BL", ""},
		{"PM", "Saint Pierre and Miquelon: overseas country and territory (Annex II TFEU)", "PM", ""},
		{"NC", "New Caledonia: overseas country and territory (Annex II TFEU)", "NC", ""},
		{"GL", "Greenland: overseas country and territory (Annex II TFEU)", "GL", ""},
		{"FO", "Faroe Islands: TFEU Art. 355(5)(a), the Treaties do not apply", "FO", ""},
		{"SJ", "Svalbard: outside the EEA Agreement (its Protocol 40)", "SJ", ""},
		{"GI", "Gibraltar: left the EU with the United Kingdom", "GI", ""},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			if got := Jurisdiction(tc.code, ""); got != tc.wantJur {
				t.Errorf("%s: Jurisdiction(%q) got %q, want %q", tc.law, tc.code, got, tc.wantJur)
			}
			if got := EUMemberState(tc.code); got != tc.wantState {
				t.Errorf("%s: EUMemberState(%q) got %q, want %q", tc.law, tc.code, got, tc.wantState)
			}
		})
	}
}

func TestValidators(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"email plain", ValidEmail, "ada@example.com", true},
		{"email plus", ValidEmail, "ada+tag@mail.example.co.uk", true},
		{"email unicode", ValidEmail, "zhang.wei@例子.cn", true},
		{"email space", ValidEmail, "ada @example.com", false},
		{"email two at", ValidEmail, "a@b@example.com", false},
		{"email no tld", ValidEmail, "ada@localhost", false},
		{"email dot dot", ValidEmail, "ada..x@example.com", false},
		{"email bad label", ValidEmail, "ada@-example.com", false},
		{"phone E.164", ValidPhone, "+14155550100", true},
		{"phone grouped", ValidPhone, "+1 (415) 555-0100", true},
		{"phone too short", ValidPhone, "+123456", false},
		{"phone too long", ValidPhone, "+1234567890123456", false},
		{"phone no plus", ValidPhone, "4155550100", false},
		{"phone zero cc", ValidPhone, "+0 415 555 0100", false},
		{"locale en", ValidLocale, "en", true},
		{"locale zh-Hans-CN", ValidLocale, "zh-Hans-CN", true},
		{"locale underscore", ValidLocale, "pt_BR", true},
		{"locale trailing dash", ValidLocale, "en-", false},
		{"locale digits", ValidLocale, "12", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.fn(tc.in); got != tc.want {
				t.Errorf("got %v for %q, want %v", got, tc.in, tc.want)
			}
		})
	}
}

func FuzzDirectoryCSV(f *testing.F) {
	f.Add([]byte("id,country,systems\nu-1,DE,app\n"))
	f.Add([]byte("\uFEFFid,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\r\nu-1,\"A, B\",a@example.com,+1 202 555 0100,en,US,CA,yes,,,\"1\r\nX\",app;orders-db\r\n"))
	f.Add([]byte("id,country,systems\n\"u-1,DE,app\n"))
	f.Add([]byte("id,country,systems\nu-1,DE\n,,\n"))
	f.Add([]byte("id,email,phone,locale,region,minor,country,systems\nu-1,a@@b,0171,x!,Bavaria,maybe,DE,app\nu-2,,,,,,US,app\n"))
	inv := testInventory(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, FormatCSV, inv)
	})
}

func FuzzDirectoryJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"u-1","country":"DE","systems":["app"]}` + "\n"))
	f.Add([]byte(`{"id":"u-1","country":"US","region":"CA","minor":true,"guardian_email":"p@example.com","systems":["app"],"devices":[{"platform":"webpush","subscription":{"endpoint":"https://x"}}]}`))
	f.Add([]byte("{\"id\":1}\n[]\n\n{"))
	f.Add([]byte(`{"id":"u-1","country":"DE","systems":["app"],"email":5,"age":1,"devices":[{"platform":"sms"},{"platform":"fcm","token":"t"}]}` + "\n" + `{"id":"u-2","country":"DE","systems":["app"],"devices":{}}`))
	inv := testInventory(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, FormatJSONL, inv)
	})
}

// fuzzRead reads every row of data; it must end (io.EOF or a fatal error)
// without panicking. Every returned row must be usable for an assessment and
// carry no malformed contact (a malformed one is cleared and reported as a
// warning with a line and a field), and the warning counts must add up.
func fuzzRead(t *testing.T, data []byte, format Format, inv *Inventory) {
	r, err := NewDirectoryReader(bytes.NewReader(data), "fuzz", format, inv)
	if err != nil {
		return
	}
	var rows, fields, lastLine int
	defer func() {
		sum := r.Warnings()
		if sum.Rows != rows || sum.Fields != fields || len(sum.First) != min(fields, MaxWarnings) {
			t.Fatalf("got Warnings() %d rows, %d fields, %d kept; counted %d rows, %d fields", sum.Rows, sum.Fields, len(sum.First), rows, fields)
		}
	}()
	for i := 0; i < len(data)+2; i++ {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var re *RowError
		if errors.As(err, &re) {
			if re.Line < 1 || re.Reason == "" || re.Warning {
				t.Fatalf("row error without line or reason, or marked as a warning: %#v", re)
			}
			if r.RowWarnings() != nil {
				t.Fatalf("warnings reported for a rejected row")
			}
			continue
		}
		if err != nil {
			return
		}
		if s.ID == "" || !ValidCountry(s.Country) || len(s.Systems) == 0 || s.Country == "US" && !ValidUSRegion(s.Region) {
			t.Fatalf("accepted a bad row: %+v", s)
		}
		for _, id := range s.Systems {
			if _, ok := inv.System(id); !ok {
				t.Fatalf("accepted unknown system %q", id)
			}
		}
		if s.Email != "" && !ValidEmail(s.Email) || s.Phone != "" && !ValidPhone(s.Phone) ||
			s.GuardianEmail != "" && !ValidEmail(s.GuardianEmail) || s.GuardianPhone != "" && !ValidPhone(s.GuardianPhone) ||
			s.Locale != "" && !ValidLocale(s.Locale) || !plainText(s.Name, false) || !plainText(s.PostalAddress, true) {
			t.Fatalf("returned a malformed contact or preference field: %+v", s)
		}
		for _, d := range s.Devices {
			if reason, _ := checkDevice(d); reason != "" {
				t.Fatalf("returned a bad device: %s", reason)
			}
		}
		warns := r.RowWarnings()
		if r.RowWarningCount() != len(warns) {
			t.Fatalf("got RowWarningCount %d, want %d", r.RowWarningCount(), len(warns))
		}
		if len(warns) > 0 {
			rows++
			fields += len(warns)
		}
		for _, w := range warns {
			if !w.Warning || w.Line < 1 || w.Reason == "" || w.ID != s.ID && validID(s.ID) {
				t.Fatalf("malformed warning %#v for row %s", w, s.ID)
			}
			if w.Line < lastLine {
				t.Fatalf("warning on line %d after line %d", w.Line, lastLine)
			}
			lastLine = w.Line
		}
	}
	t.Fatalf("reader did not reach the end of %d bytes", len(data))
}

func BenchmarkDirectoryCSV(b *testing.B) {
	const rows = 200_000
	dir := b.TempDir()
	res, err := Synth(SynthOptions{Subjects: rows, Seed: 7, Out: dir})
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(res.Directory)
	if err != nil {
		b.Fatal(err)
	}
	inv, err := Load(res.Inventory)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		r, err := NewDirectoryReader(bytes.NewReader(data), "subjects.csv", FormatCSV, inv)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/row")
}
