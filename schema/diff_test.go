package schema

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// TestSchemaAgreesWithDecoder puts edge cases to both the incident schema
// and the decoder. They must agree, except where a case says why not: what
// JSON Schema cannot express (the decoder refuses, the schema cannot), and
// where the schema asks for the stricter form (the decoder reads a null or
// an empty value as absent, or accepts at submission an id that no
// inventory can hold). A document the schema accepts is never refused by
// the decoder.
func TestSchemaAgreesWithDecoder(t *testing.T) {
	const (
		agree          = ""
		schemaCannot   = "beyond JSON Schema"
		schemaStricter = "the schema asks for the stricter form"
	)
	tests := []struct {
		name, doc, differ string
	}{
		{"control character in title", with("title", `"a\u0007b"`), agree},
		{"tab-only title", with("title", `"\t"`), agree},
		{"no-break spaces only in title", with("title", `" \u00a0 "`), agree},
		{"line break in source", with("source", `"line\nbreak"`), agree},
		{"time with nanoseconds and offset", with("discovered_at", `"2026-11-20T09:00:00.123456789+01:00"`), agree},
		{"lower-case t and z", with("discovered_at", `"2026-11-20t09:00:00z"`), agree},
		{"space for T", with("discovered_at", `"2026-11-20 09:00:00Z"`), agree},
		{"year 0000", with("discovered_at", `"0000-11-20T09:00:00Z"`), agree},
		{"30 February", with("discovered_at", `"2026-02-30T09:00:00Z"`), agree},
		{"hour 24", with("discovered_at", `"2026-11-20T24:00:00Z"`), agree},
		{"leap second", with("discovered_at", `"2026-11-20T23:59:60Z"`), agree},
		{"empty id", with("id", `""`), agree},
		{"dotted id", with("id", `"a.b"`), agree},
		{"fractional revision", with("revision", `2.5`), agree},
		{"negative outage", with("effects", `{"outage_hours": -1}`), agree},
		{"contact e-mail with a display name", with("contact", `{"email":"Jane <j@example.org>"}`), agree},
		{"contact phone with letters", with("contact", `{"phone":"call us"}`), agree},
		{"empty contact", with("contact", `{}`), agree},
		{"blank subject", with("affected", `[{"system":"a","subjects":[" "]}]`), agree},
		{"blank measure", with("mitigation", `{"measures":[""]}`), agree},
		{"upper-case key", strings.Replace(goodIncident, `"schema"`, `"Schema"`, 1), agree},
		{"key twice", strings.Replace(goodIncident, `"title":"t"`, `"title":"t","title":"u"`, 1), schemaCannot},
		{"discovered before it occurred", with("occurred_at", `"2026-11-21T09:00:00Z"`), schemaCannot},
		{"revision written 1.0", with("revision", `1.0`), schemaCannot},
		{"null for a boolean", with("malicious", `null`), schemaStricter},
		{"empty effect", with("effects", `{"confidentiality": ""}`), schemaStricter},
		{"system id with a space", with("affected", `[{"system":"a b"}]`), schemaStricter},
		{"upper-case category id", with("affected", `[{"system":"a","categories":["Email"]}]`), schemaStricter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, derr := incident.Decode([]byte(tt.doc))
			serr := Validate(Incident, []byte(tt.doc))
			var ve *ValidationError
			if serr != nil && !errors.As(serr, &ve) {
				t.Fatalf("schema: %v", serr)
			}
			var want bool // whether they disagree
			switch tt.differ {
			case schemaCannot:
				want = derr != nil && serr == nil
			case schemaStricter:
				want = derr == nil && serr != nil
			default:
				want = (derr == nil) == (serr == nil)
			}
			if !want {
				t.Errorf("decoder: %v\nschema: %v\nwant them to %s", derr, serr, map[string]string{agree: "agree"}[tt.differ]+tt.differ)
			}
		})
	}
}

// TestSchemaDirectoryAgreesWithReader reads edge-case rows with the
// directory reader and checks that a row is valid by the schema exactly
// when the reader takes it without an error or a warning.
func TestSchemaDirectoryAgreesWithReader(t *testing.T) {
	rows := []struct {
		name string
		row  map[string]string
	}{
		{"clean", map[string]string{"id": "u1", "country": "DE", "systems": "orders"}},
		{"every field", map[string]string{"id": "u1", "name": "Ana", "email": "ana@example.com", "phone": "+49 30 1234567", "locale": "de-DE",
			"country": "DE", "region": "BE", "minor": "yes", "guardian_email": "g@example.com", "guardian_phone": "+4930123456", "postal_address": "Example Street 1", "systems": "orders;accounts"}},
		{"US with state", map[string]string{"id": "u1", "country": "US", "region": "CA", "systems": "orders"}},
		{"US without state", map[string]string{"id": "u1", "country": "US", "systems": "orders"}},
		{"US with unknown state", map[string]string{"id": "u1", "country": "US", "region": "ZZ", "systems": "orders"}},
		{"lower-case country", map[string]string{"id": "u1", "country": "de", "systems": "orders"}},
		{"no systems", map[string]string{"id": "u1", "country": "DE", "systems": " ; "}},
		{"bad e-mail", map[string]string{"id": "u1", "country": "DE", "email": "nope", "systems": "orders"}},
		{"national phone", map[string]string{"id": "u1", "country": "DE", "phone": "030 1234567", "systems": "orders"}},
		{"bad locale", map[string]string{"id": "u1", "country": "DE", "locale": "german", "systems": "orders"}},
		{"bad minor", map[string]string{"id": "u1", "country": "DE", "minor": "maybe", "systems": "orders"}},
		{"lower-case region outside the US", map[string]string{"id": "u1", "country": "DE", "region": "by", "systems": "orders"}},
	}
	header := []string{"id", "name", "email", "phone", "locale", "country", "region", "minor", "guardian_email", "guardian_phone", "postal_address", "systems"}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString(strings.Join(header, ",") + "\n")
			for i, h := range header {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(`"` + tt.row[h] + `"`)
			}
			r, err := inventory.NewDirectoryReader(strings.NewReader(b.String()+"\n"), "subjects.csv", inventory.FormatCSV, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, rerr := r.Next()
			clean := rerr == nil && r.RowWarningCount() == 0
			if rerr == io.EOF {
				t.Fatal("no row read")
			}
			doc, _ := json.Marshal(tt.row)
			serr := Validate(Directory, doc)
			if clean != (serr == nil) {
				t.Errorf("reader: error %v, warnings %v\nschema: %v\nwant a clean row exactly when the schema accepts it", rerr, r.RowWarnings(), serr)
			}
		})
	}
}
