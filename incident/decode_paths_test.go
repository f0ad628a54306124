package incident

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// withAffected is minimalDoc with its affected array replaced by the raw
// JSON text a, so a case can hold what a Go map cannot (key order, repeated
// or mis-cased keys).
func withAffected(a string) string {
	return strings.Replace(minimalDoc, `"affected":[{"system":"hr"}]`, `"affected":`+a, 1)
}

// withField is minimalDoc with raw `"key":value` text added at the top level.
func withField(kv string) string {
	return strings.Replace(minimalDoc, `{"schema"`, `{`+kv+`,"schema"`, 1)
}

// TestDecodeStructuralProblems checks the whole problem list for documents
// whose keys or JSON types are wrong: every problem names its full path.
func TestDecodeStructuralProblems(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []Problem
	}{
		// Unknown keys, at every level, by path.
		{"unknown top-level key", withField(`"severity":"high"`),
			[]Problem{{"severity", "unknown field"}}},
		{"unknown key in effects", set("effects", map[string]any{"colour": "red"}),
			[]Problem{{"effects.colour", "unknown field"}}},
		{"unknown key in second affected entry", withAffected(`[{"system":"hr"},{"system":"crm","colour":"red"}]`),
			[]Problem{{"affected[1].colour", "unknown field"}}},
		{"unknown key inside an unknown key is not reported", withField(`"extra":{"deeper":{"x":1}}`),
			[]Problem{{"extra", "unknown field"}}},
		{"key with a space is quoted", withField(`"a b":1`),
			[]Problem{{`["a b"]`, "unknown field"}}},
		{"key with a dot is quoted", set("effects", map[string]any{"outage.hours": 1}),
			[]Problem{{`effects["outage.hours"]`, "unknown field"}}},
		{"empty key", withField(`"":1`),
			[]Problem{{`[""]`, "unknown field"}}},
		{"key with a newline stays on one line", withField(`"a\nb":1`),
			[]Problem{{`["a\nb"]`, "unknown field"}}},
		{"long key is cut", withField(`"` + strings.Repeat("k", 100) + ` ":1`),
			[]Problem{{`["` + strings.Repeat("k", 64) + `…"]`, "unknown field"}}},

		// Case-sensitive keys.
		{"title with capital", strings.Replace(minimalDoc, `"title"`, `"Title"`, 1),
			[]Problem{{"title", `key "Title" must be written "title" (keys are case-sensitive)`}}},
		{"nested key upper case", set("effects", map[string]any{"OUTAGE_HOURS": 2}),
			[]Problem{{"effects.outage_hours", `key "OUTAGE_HOURS" must be written "outage_hours" (keys are case-sensitive)`}}},
		{"key in array entry", withAffected(`[{"system":"hr"},{"System":"crm"}]`),
			[]Problem{{"affected[1].system", `key "System" must be written "system" (keys are case-sensitive)`}}},
		{"unicode fold (long s)", strings.Replace(minimalDoc, `"schema"`, `"ſchema"`, 1),
			[]Problem{{"schema", `key "ſchema" must be written "schema" (keys are case-sensitive)`}}},

		// Duplicate keys.
		{"title twice", withField(`"title":"Other"`),
			[]Problem{{"title", "appears more than once; give each field once"}}},
		{"title twice, second differently cased", withField(`"TITLE":"Other"`),
			[]Problem{
				{"title", `key "TITLE" must be written "title" (keys are case-sensitive)`},
				{"title", "appears more than once; give each field once"},
			}},
		{"key twice in an affected entry", withAffected(`[{"system":"hr","encrypted":true,"encrypted":false}]`),
			[]Problem{{"affected[0].encrypted", "appears more than once; give each field once"}}},
		{"same key in two entries is fine but type is not", withAffected(`[{"system":"hr"},{"system":7}]`),
			[]Problem{{"affected[1].system", "must be a string, got JSON number"}}},

		// Wrong JSON types, by path.
		{"category number", withAffected(`[{"system":"hr"},{"system":"crm","categories":["email",5]}]`),
			[]Problem{{"affected[1].categories[1]", "must be a string, got JSON number"}}},
		{"measure object", set("mitigation", map[string]any{"measures": []any{"a", "b", map[string]any{}}}),
			[]Problem{{"mitigation.measures[2]", "must be a string, got JSON object"}}},
		{"outage hours string", effects("outage_hours", "3"),
			[]Problem{{"effects.outage_hours", "must be a number, got JSON string"}}},
		{"outage hours out of range", set("effects", json.RawMessage(`{"outage_hours":1e999}`)),
			[]Problem{{"effects.outage_hours", "number 1e999 is out of range"}}},
		{"encrypted string in first entry", affected(map[string]any{"system": "hr", "encrypted": "no"}),
			[]Problem{{"affected[0].encrypted", "must be true or false, got JSON string"}}},
		{"malicious true as string", set("malicious", "true"),
			[]Problem{{"malicious", "must be true or false, got JSON string"}}},
		{"title true", set("title", true),
			[]Problem{{"title", "must be a string, got JSON true"}}},
		{"affected object", set("affected", map[string]any{"system": "hr"}),
			[]Problem{{"affected", "must be an array, got JSON object"}}},
		{"affected entry string", set("affected", []string{"hr"}),
			[]Problem{{"affected[0]", "must be an object, got JSON string"}}},
		{"affected entry array", withAffected(`[{"system":"hr"},[]]`),
			[]Problem{{"affected[1]", "must be an object, got JSON array"}}},
		{"effects array", set("effects", []string{}),
			[]Problem{{"effects", "must be an object, got JSON array"}}},
		{"contact string", set("contact", "privacy office"),
			[]Problem{{"contact", "must be an object, got JSON string"}}},
		{"revision 2.0", set("revision", json.RawMessage(`2.0`)),
			[]Problem{{"revision", "must be a whole number, got JSON number 2.0"}}},
		{"revision 1e0", set("revision", json.RawMessage(`1e0`)),
			[]Problem{{"revision", "must be a whole number, got JSON number 1e0"}}},
		{"revision beyond int64", set("revision", json.RawMessage(`9223372036854775808`)),
			[]Problem{{"revision", "must be a whole number, got JSON number 9223372036854775808"}}},
		{"revision long literal is cut", set("revision", json.RawMessage(strings.Repeat("9", 40))),
			[]Problem{{"revision", "must be a whole number, got JSON number " + strings.Repeat("9", 32) + "…"}}},
		{"revision true", set("revision", true),
			[]Problem{{"revision", "must be a whole number, got JSON true"}}},

		// Several problems, all reported, in document order.
		{"several problems", `{"schema":"breach.incident/v1","Title":"x","title":"y","revision":"2","effects":{"colour":1,"outage_hours":[]},` +
			`"affected":[{"system":"hr","subjects":["u-1",2]},{"sytem":"crm"}],"mitigation":{"measures":[1]},"contact":{"fax":"1"}}`,
			[]Problem{
				{"title", `key "Title" must be written "title" (keys are case-sensitive)`},
				{"title", "appears more than once; give each field once"},
				{"revision", "must be a whole number, got JSON string"},
				{"effects.colour", "unknown field"},
				{"effects.outage_hours", "must be a number, got JSON array"},
				{"affected[0].subjects[1]", "must be a string, got JSON number"},
				{"affected[1].sytem", "unknown field"},
				{"mitigation.measures[0]", "must be a string, got JSON number"},
				{"contact.fax", "unknown field"},
			}},

		// The incident inside a CloudEvent gets the same treatment.
		{"cloudevent data with mis-cased key", ceDoc(map[string]any{"data": json.RawMessage(strings.Replace(minimalDoc, `"cause"`, `"Cause"`, 1))}),
			[]Problem{{"cause", `key "Cause" must be written "cause" (keys are case-sensitive)`}}},
		{"cloudevent data with nested unknown key", ceDoc(map[string]any{"data": json.RawMessage(withAffected(`[{"system":"hr","owner":"x"}]`))}),
			[]Problem{{"affected[0].owner", "unknown field"}}},
		{"cloudevent base64 data with duplicate key", ceDoc(map[string]any{"data_base64": b64(withField(`"cause":"other"`))}),
			[]Problem{{"cause", "appears more than once; give each field once"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := Decode([]byte(c.doc))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got incident %v, error %v; want a *ValidationError", in, err)
			}
			if diff := cmp.Diff(c.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\r\n") {
				t.Errorf("error text %q: want one line", msg)
			}
		})
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestDecodeProblemCap checks that a document with very many problems
// reports the first maxProblems and says that more were found.
func TestDecodeProblemCap(t *testing.T) {
	var extra []string
	for i := range 30 {
		extra = append(extra, fmt.Sprintf(`"x%d":1`, i))
	}
	_, err := Decode([]byte(withField(strings.Join(extra, ","))))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	if got, want := len(ve.Problems), maxProblems+1; got != want {
		t.Fatalf("got %d problems, want %d", got, want)
	}
	if got, want := ve.Problems[0], (Problem{"x0", "unknown field"}); got != want {
		t.Errorf("first problem: got %v, want %v", got, want)
	}
	if got, want := ve.Problems[maxProblems-1].Field, fmt.Sprintf("x%d", maxProblems-1); got != want {
		t.Errorf("last listed problem: got field %q, want %q", got, want)
	}
	if got := ve.Problems[maxProblems]; got.Field != "" || !strings.Contains(got.Message, "more problems not listed") {
		t.Errorf("closing problem: got %v, want a document-level note that more problems exist", got)
	}
}

// TestDecodeAcceptsWhatEncodingJSONAccepts covers inputs that the scanner must
// not reject: escaped keys, null for any field, numbers in every JSON form.
func TestDecodeAcceptsWhatEncodingJSONAccepts(t *testing.T) {
	cases := []struct {
		name string
		doc  string
	}{
		{"escaped key", strings.Replace(minimalDoc, `"title"`, `"\u0074itle"`, 1)},
		{"escaped slash in key value", set("source", "detector/waf-7")},
		{"null for every optional field", withField(`"id":null,"revision":null,"description":null,"source":null,"occurred_at":null,` +
			`"occurred_until":null,"malicious":null,"effects":null,"mitigation":null,"contact":null`)},
		{"null inside an affected entry", withAffected(`[{"system":"hr","categories":null,"subjects":null,"encrypted":null,"key_compromised":null}]`)},
		{"null measure list", set("mitigation", map[string]any{"measures": nil, "contained": nil})},
		{"revision at the maximum", set("revision", json.RawMessage(`1000000`))},
		{"outage hours forms", set("effects", json.RawMessage(`{"outage_hours":1.5e2}`))},
		{"outage hours negative zero", set("effects", json.RawMessage(`{"outage_hours":-0}`))},
		{"outage hours subnormal", set("effects", json.RawMessage(`{"outage_hours":1E-400}`))},
		{"whitespace everywhere", " {\n\t\"schema\" :\r\"breach.incident/v1\" , \"title\":\"t\",\"discovered_at\":\"2026-11-20T09:00:00Z\"," +
			"\"cause\":\"theft\",\"affected\":[ { \"system\" : \"hr\" } ] } \n"},
		{"cloudevent envelope attribute case unchanged", strings.Replace(ceDoc(map[string]any{"data": json.RawMessage(minimalDoc)}), `"specversion"`, `"SpecVersion"`, 1)},
		{"cloudevent extension attributes of any type", ceDoc(map[string]any{"data": json.RawMessage(minimalDoc), "ext": map[string]any{"Deep": []any{1, nil}}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Decode([]byte(c.doc)); err != nil {
				t.Errorf("got %v, want accepted", err)
			}
		})
	}
}

// TestScannerSyntaxMatchesEncodingJSON checks the scanner's verdict on
// syntax against json.Valid for inputs near the edges of the grammar.
func TestScannerSyntaxMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`{}`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"a":1e+}`, `{"a":.5}`,
		`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, "{\"a\":\"\t\"}", `{"a":tru}`, `{"a":nul}`, `{"a":[1,]}`, `{"a":[,1]}`,
		`{"a":[1 2]}`, `{"a":{"b":1}}}`, `{"a":1} x`, `{"a":1}{}`, `{"a":"\ud800"}`, `{"a":[]}`, `{"a":[[]]}`, ` {} `, `{`, `{"a"`,
		`{"a":`, `{"a":"`, `{"a":[`, `{"a":truex}`, `{"a":-0}`, `{"a":-01}`, `{"a":1E5}`, `{"a":1e-5}`, `{1:2}`,
		strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
		`{"a":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`,
		`{"a":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`,
	}
	for _, d := range docs {
		got := !scan([]byte(d), wireShape).syntax
		if want := json.Valid([]byte(d)); got != want {
			t.Errorf("scan(%.60q): got valid %t, want %t (json.Valid)", d, got, want)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	doc := []byte(fullExample)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCloudEvent(b *testing.B) {
	doc := []byte(ceDoc(map[string]any{"data": json.RawMessage(fullExample)}))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScan(b *testing.B) {
	doc := []byte(fullExample)
	b.ReportAllocs()
	for b.Loop() {
		if sc := scan(doc, wireShape); sc.syntax || len(sc.probs) > 0 {
			b.Fatal("scan rejected the documented example")
		}
	}
}
