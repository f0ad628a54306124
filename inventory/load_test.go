package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const goodYAML = `schema: breach.inventory/v1
organization:
  name: Seestar Store
  website: https://store.example
  establishment: CN
  hipaa_covered_entity: false
  contact: { name: Data Protection Officer, email: privacy@store.example, phone: "+86 512 0000 0000" }
categories:
  - { id: observation_log, class: behavioural, label: Telescope observation logs }
  - { id: insurance_id, class: sensitive, us_personal_info: true, health: true }
systems:
  - id: orders-db
    name: Order database
    categories: [name, postal_address, phone, email, purchase_history, payment_card_partial]
    encrypted_at_rest: false
    records: 120000
  - id: app
    name: Telescope app
    categories: [username, observation_log, insurance_id]
    encrypted_at_rest: true
subjects: data/subjects.csv
`

func TestParseValid(t *testing.T) {
	inv, err := Parse([]byte(goodYAML), "conf/inventory.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Inventory{
		Schema: Schema,
		Organization: Organization{Name: "Seestar Store", Website: "https://store.example", Establishment: "CN",
			Contact: Contact{Name: "Data Protection Officer", Email: "privacy@store.example", Phone: "+86 512 0000 0000"}},
		Categories: []CategoryDef{
			{ID: "observation_log", Class: ClassBehavioural, Label: "Telescope observation logs"},
			{ID: "insurance_id", Class: ClassSensitive, USPersonalInfo: true, Health: true},
		},
		Systems: []System{
			{ID: "orders-db", Name: "Order database", Categories: []string{"name", "postal_address", "phone", "email", "purchase_history", "payment_card_partial"}, Records: 120000},
			{ID: "app", Name: "Telescope app", Categories: []string{"username", "observation_log", "insurance_id"}, EncryptedAtRest: true},
		},
		Subjects:     "data/subjects.csv",
		Path:         "conf/inventory.yaml",
		SubjectsPath: filepath.Join("conf", "data", "subjects.csv"),
	}
	if diff := cmp.Diff(want, inv, cmpopts.IgnoreUnexported(Inventory{})); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
	if s, ok := inv.System("app"); !ok || s.Name != "Telescope app" {
		t.Errorf("System(app) = %v, %v; want the Telescope app", s, ok)
	}
	if _, ok := inv.System("nope"); ok {
		t.Errorf("System(nope) found; want not found")
	}
	for _, tc := range []struct {
		id   string
		want Category
	}{
		{"email", Category{ID: "email", Label: "e-mail address", Class: ClassSimple, Identifying: true}},
		{"observation_log", Category{ID: "observation_log", Label: "Telescope observation logs", Class: ClassBehavioural}},
		{"insurance_id", Category{ID: "insurance_id", Label: "insurance id", Class: ClassSensitive, USPersonalInfo: true, Health: true}},
	} {
		got, ok := inv.Category(tc.id)
		if !ok {
			t.Errorf("Category(%q) not found", tc.id)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Category(%q) (-want +got):\n%s", tc.id, diff)
		}
	}
	if _, ok := inv.Category("foo"); ok {
		t.Errorf("Category(foo) found; want not found")
	}
	if got := len(inv.SystemCategories(&inv.Systems[1])); got != 3 {
		t.Errorf("SystemCategories(app) has %d categories, want 3", got)
	}
}

func TestParseAbsoluteSubjects(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "people.jsonl")
	doc := strings.Replace(goodYAML, "data/subjects.csv", abs, 1)
	inv, err := Parse([]byte(doc), "x/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if inv.SubjectsPath != abs {
		t.Errorf("SubjectsPath = %q, want %q", inv.SubjectsPath, abs)
	}
}

// doc builds a small inventory document with the given replacements of
// goodYAML lines.
func doc(repl ...string) string {
	d := goodYAML
	for i := 0; i+1 < len(repl); i += 2 {
		if !strings.Contains(d, repl[i]) {
			panic("doc: " + repl[i] + " not in goodYAML")
		}
		d = strings.Replace(d, repl[i], repl[i+1], 1)
	}
	return d
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"empty", "", "inventory.yaml:1: document is empty; it needs at least schema: breach.inventory/v1"},
		{"not a mapping", "- a\n- b\n", "inventory.yaml:1: must be a mapping (key: value lines), got a list"},
		{"syntax", "schema: [\n", "inventory.yaml:1: invalid YAML: did not find expected node content"},
		{"two documents", goodYAML + "---\nschema: x\n", "inventory.yaml:22: only one YAML document is allowed; remove the second one"},
		{"wrong schema", doc("schema: breach.inventory/v1", "schema: breach.inventory/v2"),
			`inventory.yaml:1: schema: "breach.inventory/v2" is not supported; want "breach.inventory/v1"`},
		{"missing schema", doc("schema: breach.inventory/v1\n", ""), "inventory.yaml:1: schema: is required (schema: breach.inventory/v1)"},
		{"unknown top key", doc("subjects: data/subjects.csv", "subjects: data/subjects.csv\nsubject: x.csv"),
			`inventory.yaml:22: subject: unknown key; did you mean "subjects"? (allowed: schema, organization, categories, systems, subjects)`},
		{"repeated key", doc("subjects: data/subjects.csv", "subjects: data/subjects.csv\nsubjects: y.csv"),
			"inventory.yaml:22: subjects: appears twice (first at line 21)"},
		{"missing organization name", doc("  name: Seestar Store\n", ""), "inventory.yaml:3: organization.name: is required: the controller's legal or trading name"},
		{"bad establishment", doc("establishment: CN", "establishment: China"),
			`inventory.yaml:5: organization.establishment: "China" is not an ISO 3166-1 alpha-2 country code`},
		{"lower-case establishment", doc("establishment: CN", "establishment: cn"),
			`inventory.yaml:5: organization.establishment: "cn" is not an ISO 3166-1 alpha-2 country code; write it in upper case: CN`},
		{"missing establishment", doc("  establishment: CN\n", ""),
			"inventory.yaml:3: organization.establishment: is required: the ISO 3166-1 alpha-2 country code of the main establishment (e.g. DE, CN, US)"},
		{"bad website", doc("https://store.example", "store.example"), `inventory.yaml:4: organization.website: "store.example" is not an http(s) URL`},
		{"hipaa not bool", doc("hipaa_covered_entity: false", "hipaa_covered_entity: maybe"),
			`inventory.yaml:6: organization.hipaa_covered_entity: must be true or false, got "maybe"`},
		{"bad contact email", doc("privacy@store.example", "privacy-at-store"),
			`inventory.yaml:7: organization.contact.email: "privacy-at-store" is not an e-mail address`},
		{"unknown organization key", doc("  website:", "  web: x\n  website:"),
			`inventory.yaml:4: organization.web: unknown key (allowed: name, website, establishment, establishments, targets, hipaa_covered_entity, hipaa_business_associate, contact)`},
		{"unknown category", doc("observation_log, insurance_id]", "observation_log, foo]"),
			`inventory.yaml:19: systems[1].categories[2]: unknown category "foo" (declare it under categories: or use one of ` + builtinList() + ")"},
		{"misspelt category", doc("[name, postal_address", "[name, postal_adress"),
			`inventory.yaml:14: systems[0].categories[1]: unknown category "postal_adress" (did you mean "postal_address"? declare it under categories: or use one of ` + builtinList() + ")"},
		{"repeated category", doc("[name, postal_address", "[name, name"), `inventory.yaml:14: systems[0].categories[1]: "name" is listed twice`},
		{"declared shadows builtin", doc("id: observation_log, class: behavioural", "id: email, class: behavioural"),
			`inventory.yaml:9: categories[0].id: "email" is a built-in category; remove the declaration or choose another id; ` +
				`inventory.yaml:19: systems[1].categories[1]: unknown category "observation_log" (declare it under categories: or use one of ` + builtinList() + ")"},
		{"declared bad class", doc("class: behavioural", "class: medium"),
			`inventory.yaml:9: categories[0].class: "medium" is not one of simple, behavioural, financial, sensitive`},
		{"declared missing class", doc("class: behavioural, ", ""),
			"inventory.yaml:9: categories[0].class: is required: one of simple, behavioural, financial, sensitive (the ENISA data classes)"},
		{"declared bad id", doc("id: observation_log, class", "id: Observation-Log, class"),
			`inventory.yaml:9: categories[0].id: "Observation-Log" must be lower-case letters, digits and _ , starting with a letter; ` +
				`inventory.yaml:19: systems[1].categories[1]: unknown category "observation_log" (declare it under categories: or use one of ` + builtinList() + ")"},
		{"declared twice", doc("  - { id: insurance_id", "  - { id: observation_log, class: simple }\n  - { id: insurance_id"),
			`inventory.yaml:10: categories[1].id: "observation_log" is declared twice (first at line 9)`},
		{"duplicate system id", doc("  - id: app", "  - id: orders-db"),
			`inventory.yaml:17: systems[1].id: "orders-db" is used twice (first at line 12); system ids must be unique`},
		{"bad system id", doc("  - id: app", "  - id: my app;x"),
			`inventory.yaml:17: systems[1].id: "my app;x" must be 1-128 letters, digits, '.', '-' or '_', starting with a letter or digit`},
		{"no systems", "schema: breach.inventory/v1\norganization: {name: X, establishment: DE}\nsystems: []\nsubjects: s.csv\n",
			"inventory.yaml:3: systems: is empty: list at least one system holding personal data"},
		{"systems missing", "schema: breach.inventory/v1\norganization: {name: X, establishment: DE}\nsubjects: s.csv\n",
			"inventory.yaml:1: systems: is required: list at least one system holding personal data"},
		{"system without categories", doc("    categories: [username, observation_log, insurance_id]\n", ""),
			"inventory.yaml:17: systems[1].categories: is required: the categories of personal data the system holds"},
		{"negative records", doc("records: 120000", "records: -5"), "inventory.yaml:16: systems[0].records: must not be negative, got -5"},
		{"records not a number", doc("records: 120000", "records: lots"), `inventory.yaml:16: systems[0].records: must be a whole number, got "lots"`},
		{"unknown system key", doc("    records: 120000", "    records: 120000\n    encrypted: true"),
			`inventory.yaml:17: systems[0].encrypted: unknown key (allowed: id, name, categories, encrypted_at_rest, records, processing_locations, phi)`},
		{"categories not a list", doc("[username, observation_log, insurance_id]", "username"),
			`inventory.yaml:19: systems[1].categories: must be a list, got "username"`},
		{"organization null", doc("organization:\n  name: Seestar Store\n  website: https://store.example\n  establishment: CN\n  hipaa_covered_entity: false\n  contact: { name: Data Protection Officer, email: privacy@store.example, phone: \"+86 512 0000 0000\" }\n", "organization:\n"),
			"inventory.yaml:1: organization: is required (name, establishment, contact)"},
		{"system null", doc("systems:\n", "systems:\n  -\n"), "inventory.yaml:12: systems[0]: must be a mapping (key: value lines), got nothing"},
		{"subjects missing", doc("subjects: data/subjects.csv\n", ""),
			"inventory.yaml:1: subjects: is required: the path of the subject directory (.csv or .jsonl), relative to this file"},
		{"subjects wrong extension", doc("data/subjects.csv", "data/subjects.xlsx"),
			`inventory.yaml:21: subjects: "data/subjects.xlsx" must end in .csv or .jsonl`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := Parse([]byte(tc.doc), "inventory.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded with %d systems; want error %q", len(inv.Systems), tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("got error\n  %s\nwant\n  %s", got, tc.want)
			}
			var lerr *Error
			if !errors.As(err, &lerr) || len(lerr.Problems) == 0 {
				t.Errorf("got %T, want *Error with problems", err)
			}
		})
	}
}

func TestParseAliases(t *testing.T) {
	d := doc("    categories: [name, postal_address, phone, email, purchase_history, payment_card_partial]",
		"    categories: &contact [name, postal_address, phone, email, purchase_history, payment_card_partial]",
		"    categories: [username, observation_log, insurance_id]", "    categories: *contact")
	inv, err := Parse([]byte(d), "inventory.yaml")
	if err != nil {
		t.Fatalf("Parse with an alias: %v", err)
	}
	if got, want := len(inv.Systems[1].Categories), 6; got != want {
		t.Errorf("aliased categories: got %d, want %d", got, want)
	}

	// A billion-laughs document must be refused quickly, not expanded.
	var b strings.Builder
	b.WriteString("schema: breach.inventory/v1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	if _, err := Parse([]byte(b.String()), "bomb.yaml"); err == nil {
		t.Fatal("Parse of nested aliases succeeded; want an error")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(path, []byte(goodYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	want := path + ":21: subjects: subject directory " + filepath.Join(dir, "data", "subjects.csv") + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Fatalf("Load without the directory: got %v, want %s", err, want)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "subjects.csv"), []byte("id,country,systems\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if inv.Path != path || inv.SubjectsPath != filepath.Join(dir, "data", "subjects.csv") {
		t.Errorf("got Path %q SubjectsPath %q", inv.Path, inv.SubjectsPath)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.HasPrefix(err.Error(), "load inventory: open ") {
		t.Errorf("Load of a missing file: got %v, want a load inventory error", err)
	}
}

func TestHandBuiltInventoryLookups(t *testing.T) {
	inv := &Inventory{Systems: []System{{ID: "a"}}, Categories: []CategoryDef{{ID: "x", Class: ClassFinancial}}}
	if _, ok := inv.System("a"); !ok {
		t.Errorf("System(a) on a hand-built inventory: not found")
	}
	if c, ok := inv.Category("x"); !ok || c.Class != ClassFinancial {
		t.Errorf("Category(x) on a hand-built inventory: got %v, %v", c, ok)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(goodYAML))
	f.Add([]byte("schema: breach.inventory/v1\nsystems: [{id: a, categories: [*x]}]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("schema: breach.inventory/v1\n---\n- x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse(data, "fuzz.yaml")
		if err != nil {
			var lerr *Error
			if !errors.As(err, &lerr) || len(lerr.Problems) == 0 {
				t.Fatalf("got %T %v, want *Error with problems", err, err)
			}
			return
		}
		if len(inv.Systems) == 0 || inv.Organization.Name == "" || !ValidCountry(inv.Organization.Establishment) {
			t.Fatalf("accepted an incomplete inventory: %+v", inv)
		}
		for _, s := range inv.Systems {
			for _, c := range s.Categories {
				if _, ok := inv.Category(c); !ok {
					t.Fatalf("accepted unknown category %q", c)
				}
			}
		}
	})
}
