package schema

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// scenarios is the directory of the assess command's scenarios.
const scenarios = "../cmd/breach/testdata/assess"

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no file matches %s", pattern)
	}
	return files
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSchemaNamesAndGet(t *testing.T) {
	want := []string{"assessment", "directory", "incident", "inventory"}
	if diff := cmp.Diff(want, Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	for _, name := range Names() {
		raw, err := Get(name)
		if err != nil {
			t.Fatalf("Get(%q): %v", name, err)
		}
		var doc struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("schema %s is not JSON: %v", name, err)
		}
		if doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("schema %s: $schema is %q, want draft 2020-12", name, doc.Schema)
		}
		if doc.ID != "urn:breach:schema:"+name {
			t.Errorf("schema %s: $id is %q, want urn:breach:schema:%s", name, doc.ID, name)
		}
	}
	if _, err := Get("incidents"); !errors.Is(err, ErrUnknown) {
		t.Errorf("Get(incidents): got %v, want ErrUnknown", err)
	}
	if err := Validate("nope", []byte(`{}`)); !errors.Is(err, ErrUnknown) {
		t.Errorf("Validate(nope): got %v, want ErrUnknown", err)
	}
}

// TestIncidentsValidate checks every example and scenario incident, each
// of which the decoder accepts.
func TestSchemaIncidentsValidate(t *testing.T) {
	files := append(glob(t, "../examples/*/incidents/*.json"), glob(t, scenarios+"/*/incident.json")...)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			doc := read(t, f)
			if _, err := incident.Decode(doc); err != nil {
				t.Fatalf("the decoder rejects the file: %v", err)
			}
			if err := Validate(Incident, doc); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestSchemaInventoriesValidate(t *testing.T) {
	files := append(glob(t, "../examples/*/inventory.yaml"), glob(t, scenarios+"/*/inventory.yaml")...)
	files = append(files, glob(t, "../app/testdata/inventory.yaml")...)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			doc := read(t, f)
			if _, err := inventory.Parse(doc, f); err != nil {
				t.Fatalf("the loader rejects the file: %v", err)
			}
			if err := Validate(Inventory, doc); err != nil {
				t.Error(err)
			}
		})
	}
}

// csvRows returns the rows of a subject directory CSV as objects of column
// name to cell text, with their line numbers.
func csvRows(t *testing.T, path string) (rows []map[string]string, lines []int) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(read(t, path)))
	header, err := r.Read()
	if err != nil {
		t.Fatalf("%s: header: %v", path, err)
	}
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		line, _ := r.FieldPos(0)
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
		lines = append(lines, line)
	}
	return rows, lines
}

func TestSchemaDirectoryRowsValidate(t *testing.T) {
	files := append(glob(t, "../examples/*/subjects.csv"), glob(t, scenarios+"/*/subjects.csv")...)
	files = append(files, glob(t, "../app/testdata/subjects.csv")...)
	total := 0
	for _, f := range files {
		rows, lines := csvRows(t, f)
		for i, row := range rows {
			doc, err := json.Marshal(row)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(Directory, doc); err != nil {
				t.Errorf("%s:%d: %v", f, lines[i], err)
			}
			total++
		}
	}
	for _, f := range glob(t, "../examples/*/subjects.jsonl") {
		sc := bufio.NewScanner(bytes.NewReader(read(t, f)))
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			if err := Validate(Directory, sc.Bytes()); err != nil {
				t.Errorf("%s:%d: %v", f, n, err)
			}
			total++
		}
	}
	if total < 300 {
		t.Errorf("validated %d rows, want the example directories' 300 and more", total)
	}
}

// assessmentNow is one day after the scenarios' discovery time.
var assessmentNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// TestAssessmentsValidate assesses every scenario that has a directory and
// every example incident, and validates each assessment.
func TestSchemaAssessmentsValidate(t *testing.T) {
	type pair struct{ name, inventory, incident string }
	var pairs []pair
	for _, dir := range glob(t, scenarios+"/*") {
		if _, err := os.Stat(filepath.Join(dir, "subjects.csv")); err != nil {
			continue // the scenario generates its directory
		}
		pairs = append(pairs, pair{filepath.Base(dir), filepath.Join(dir, "inventory.yaml"), filepath.Join(dir, "incident.json")})
	}
	for _, f := range glob(t, "../examples/*/incidents/*.json") {
		org := filepath.Dir(filepath.Dir(f))
		pairs = append(pairs, pair{"examples/" + filepath.Base(org) + "/" + filepath.Base(f), filepath.Join(org, "inventory.yaml"), f})
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			inv, err := inventory.Load(p.inventory)
			if err != nil {
				t.Fatal(err)
			}
			in, err := incident.Decode(read(t, p.incident))
			if err != nil {
				t.Fatal(err)
			}
			if in.ID == "" {
				in.ID = "INC-TEST"
			}
			a, err := assess.Assess(context.Background(), inv, in, assessmentNow)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(Assessment, doc); err != nil {
				t.Error(err)
			}
		})
	}
}

const goodIncident = `{"schema":"breach.incident/v1","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"orders"}]}`

// with returns goodIncident with key set to the raw JSON value (or removed
// when value is "").
func with(key, value string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(goodIncident), &m); err != nil {
		panic(err)
	}
	if value == "" {
		delete(m, key)
	} else {
		m[key] = json.RawMessage(value)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestRefused checks that wrong documents are refused, naming every value
// at fault by its pointer, and that the decoder refuses them too.
func TestSchemaRefused(t *testing.T) {
	tests := []struct {
		name     string
		schema   string
		doc      string
		pointers []string
	}{
		{"incident without cause", Incident, with("cause", ""), []string{""}},
		{"unknown cause", Incident, with("cause", `"fire"`), []string{"/cause"}},
		{"bad time and unknown field", Incident, with("discovered_at", `"yesterday"`)[:len(with("discovered_at", `"yesterday"`))-1] + `,"severity":3}`, []string{"", "/discovered_at"}},
		{"empty affected", Incident, with("affected", `[]`), []string{"/affected"}},
		{"empty categories, bad effects", Incident, with("affected", `[{"system":"orders","categories":[]}]`)[:len(with("affected", `[{"system":"orders","categories":[]}]`))-1] + `,"effects":{"integrity":"broken"}}`, []string{"/affected/0/categories", "/effects/integrity"}},
		{"key compromised without encryption", Incident, with("affected", `[{"system":"orders","encrypted":false,"key_compromised":true}]`), []string{"/affected/0"}},
		{"blank title", Incident, with("title", `"   "`), []string{"/title"}},
		{"revision 0", Incident, with("revision", `0`), []string{"/revision"}},
		{"determination without by", Incident, with("determinations", `[{"jurisdiction":"US-FL","exception":"x","at":"2026-11-25T10:00:00Z","text":"t"}]`), []string{"/determinations/0"}},
		{"inventory with lower-case country and unknown key", Inventory, "schema: breach.inventory/v1\norganization: {name: X, establishment: de, size: 3}\nsystems: [{id: a, categories: [email]}]\nsubjects: s.csv\n",
			[]string{"/organization", "/organization/establishment"}},
		{"inventory declaring a built-in category", Inventory, "schema: breach.inventory/v1\norganization: {name: X, establishment: DE}\ncategories: [{id: email, class: simple}]\nsystems: [{id: a, categories: [email]}]\nsubjects: s.txt\n",
			[]string{"/categories/0/id", "/subjects"}},
		{"csv row without region in the US", Directory, `{"id":"u1","country":"US","systems":"orders"}`, []string{""}},
		{"csv row with a bad minor", Directory, `{"id":"u1","country":"DE","systems":"orders","minor":"maybe"}`, []string{"/minor"}},
		{"jsonl row with a bad device and no systems", Directory, `{"id":"u1","country":"DE","systems":[],"devices":[{"platform":"apns"}]}`, []string{"/devices/0", "/systems"}},
		{"assessment with a bad risk", Assessment, `{"schema":"breach.assessment/v1","incident":"I","assessed_at":"2026-11-21T09:00:00Z","subjects":{"total":0,"by_jurisdiction":{},"minors":0,"without_contact":0},"records":0,"categories":[],"severity":{"method":"ENISA-2013","dpc":1,"ei":1,"cb":0,"score":1,"level":"low"},"risk":"severe","obligations":[],"public_notice":{"required":false,"allowed":false,"reasons":[]},"explanation":[]}`,
			[]string{"/risk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.schema, []byte(tt.doc))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			var got []string
			for _, p := range ve.Problems {
				if !slices.Contains(got, p.Pointer) {
					got = append(got, p.Pointer)
				}
			}
			if diff := cmp.Diff(tt.pointers, got); diff != "" {
				t.Errorf("pointers (-want +got):\n%s\nerror: %v", diff, err)
			}
			if tt.schema == Incident {
				if _, err := incident.Decode([]byte(tt.doc)); err == nil {
					t.Errorf("the decoder accepts a document the schema refuses")
				}
			}
			if tt.schema == Inventory {
				if _, err := inventory.Parse([]byte(tt.doc), "inventory.yaml"); err == nil {
					t.Errorf("the loader accepts a document the schema refuses")
				}
			}
		})
	}
}

// TestEnumsMatchCode keeps the schemas' lists in step with the code's.
func TestSchemaEnumsMatchCode(t *testing.T) {
	defs := func(name string) map[string]json.RawMessage {
		var doc struct {
			Defs       map[string]json.RawMessage `json:"$defs"`
			Properties map[string]json.RawMessage `json:"properties"`
		}
		raw, _ := Get(name)
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Defs == nil {
			doc.Defs = map[string]json.RawMessage{}
		}
		for k, v := range doc.Properties {
			doc.Defs["property:"+k] = v
		}
		return doc.Defs
	}
	enum := func(raw json.RawMessage) []string {
		var v struct {
			Enum []string `json:"enum"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		return v.Enum
	}
	var countries, regions []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			c := string([]rune{a, b})
			if inventory.ValidCountry(c) {
				countries = append(countries, c)
			}
			if inventory.ValidUSRegion(c) {
				regions = append(regions, c)
			}
		}
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	for _, name := range []string{Inventory, Directory} {
		if diff := cmp.Diff(countries, sorted(enum(defs(name)["country"]))); diff != "" {
			t.Errorf("%s schema: countries (-code +schema):\n%s", name, diff)
		}
	}
	if diff := cmp.Diff(regions, sorted(enum(defs(Directory)["us_region"]))); diff != "" {
		t.Errorf("US regions (-code +schema):\n%s", diff)
	}
	var builtin []string
	for _, c := range inventory.Builtin() {
		builtin = append(builtin, c.ID)
	}
	if diff := cmp.Diff(builtin, enum(defs(Inventory)["builtin_category"])); diff != "" {
		t.Errorf("built-in categories (-code +schema):\n%s", diff)
	}
	var causes []string
	for _, c := range incident.Causes {
		causes = append(causes, string(c))
	}
	if diff := cmp.Diff(causes, enum(defs(Incident)["property:cause"])); diff != "" {
		t.Errorf("causes (-code +schema):\n%s", diff)
	}
}

func TestSchemaValidationErrorText(t *testing.T) {
	err := Validate(Incident, []byte(with("cause", `"fire"`)))
	if err == nil || !strings.HasPrefix(err.Error(), "document does not match the incident schema: /cause: ") {
		t.Errorf("got %v, want a message naming /cause", err)
	}
	if err := Validate(Incident, []byte(`{"schema":`)); err == nil || errors.As(err, new(*ValidationError)) {
		t.Errorf("got %v, want a read error", err)
	}
}
