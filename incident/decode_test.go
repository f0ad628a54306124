package incident

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fullExample is the incident of docs/incident.md, verbatim.
const fullExample = `{
  "schema": "breach.incident/v1",
  "id": "INC-2026-0042",
  "title": "Order database copied by an intruder",
  "description": "Plain-language account of what happened; it goes into notices.",
  "source": "detector:waf-7",
  "occurred_at": "2026-11-20T02:00:00Z",
  "occurred_until": "2026-11-20T05:30:00Z",
  "discovered_at": "2026-11-20T09:00:00Z",
  "cause": "exfiltration",
  "malicious": true,
  "effects": {
    "confidentiality": "unknown_recipients",
    "integrity": "none",
    "availability": "none",
    "outage_hours": 0
  },
  "affected": [
    { "system": "orders-db" },
    { "system": "accounts", "categories": ["email", "password_hash"], "subjects": ["u-17", "u-42"],
      "encrypted": false }
  ],
  "mitigation": {
    "contained": true,
    "data_recovered": false,
    "recipient_trusted": false,
    "measures": ["Revoked the leaked API key", "Forced password reset"],
    "advice": ["Change your password wherever you reused it"],
    "remedies": ["12 months of free credit monitoring"]
  },
  "contact": { "name": "Privacy Office", "email": "privacy@example.org", "phone": "+1 800 555 0100" }
}`

const minimalDoc = `{"schema":"breach.incident/v1","title":"Laptop stolen","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"hr"}]}`

func ptr[T any](v T) *T { return &v }

func wantFull() *Incident {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return &Incident{
		Schema:        Schema,
		ID:            "INC-2026-0042",
		Revision:      1,
		Title:         "Order database copied by an intruder",
		Description:   "Plain-language account of what happened; it goes into notices.",
		Source:        "detector:waf-7",
		OccurredAt:    ptr(at("2026-11-20T02:00:00Z")),
		OccurredUntil: ptr(at("2026-11-20T05:30:00Z")),
		DiscoveredAt:  at("2026-11-20T09:00:00Z"),
		Cause:         CauseExfiltration,
		Malicious:     true,
		Effects:       Effects{Confidentiality: ConfidentialityUnknownRecipients, Integrity: IntegrityNone, Availability: AvailabilityNone},
		Affected: []Affected{
			{System: "orders-db"},
			{System: "accounts", Categories: []string{"email", "password_hash"}, Subjects: []string{"u-17", "u-42"}, Encrypted: ptr(false)},
		},
		Mitigation: Mitigation{
			Contained: true,
			Measures:  []string{"Revoked the leaked API key", "Forced password reset"},
			Advice:    []string{"Change your password wherever you reused it"},
			Remedies:  []string{"12 months of free credit monitoring"},
		},
		Contact: &Contact{Name: "Privacy Office", Email: "privacy@example.org", Phone: "+1 800 555 0100"},
	}
}

// edit decodes the minimal document into a map, applies f and re-encodes it,
// so each case states only what it changes.
func edit(f func(m map[string]any)) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(minimalDoc), &m); err != nil {
		panic(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func set(key string, v any) string { return edit(func(m map[string]any) { m[key] = v }) }

func del(key string) string { return edit(func(m map[string]any) { delete(m, key) }) }

func effects(key string, v any) string {
	return set("effects", map[string]any{key: v})
}

func affected(entries ...map[string]any) string { return set("affected", entries) }

func ceDoc(fields map[string]any) string {
	ce := map[string]any{"specversion": "1.0", "type": "org.example.breach.incident", "source": "detector:waf-7", "id": "evt-1"}
	for k, v := range fields {
		if v == nil {
			delete(ce, k)
			continue
		}
		ce[k] = v
	}
	b, _ := json.Marshal(ce)
	return string(b)
}

func TestDecodeRejects(t *testing.T) {
	huge := `{"schema":"breach.incident/v1","title":"` + strings.Repeat("a", MaxDocumentBytes) + `"}`
	cases := []struct {
		name  string
		doc   string
		field string // a Problem must name this field
		msg   string // and its message must contain this
	}{
		// Document level.
		{"empty", "", "", "document is empty"},
		{"only whitespace", " \r\n\t", "", "document is empty"},
		{"not json", "incident: order db copied", "", "not a JSON object"},
		{"json string", `"breach.incident/v1"`, "", "not a JSON object"},
		{"json array", `[` + minimalDoc + `]`, "", "not a JSON object"},
		{"json null", `null`, "", "not a JSON object"},
		{"syntax error", `{"schema": "breach.incident/v1",}`, "", "not valid JSON"},
		{"truncated", minimalDoc[:40], "", "JSON ends early"},
		{"trailing object", minimalDoc + `{}`, "", "unexpected data after the JSON object"},
		{"trailing garbage", minimalDoc + ` x`, "", "unexpected data after the JSON object"},
		{"huge document", huge, "", fmt.Sprintf("larger than the %d-byte limit", MaxDocumentBytes)},
		{"invalid utf-8", "{\"schema\":\"breach.incident/v1\",\"title\":\"\xc3\x28\"}", "", "not valid UTF-8"},

		// schema.
		{"missing schema", del("schema"), "schema", "is required"},
		{"null schema", set("schema", nil), "schema", "is required"},
		{"wrong schema", set("schema", "breach.incident/v2"), "schema", `"breach.incident/v2" is not supported`},
		{"schema wrong type", set("schema", 1), "schema", "must be a string"},

		// id and revision.
		{"id with space", set("id", "INC 42"), "id", "must be 1-128 letters"},
		{"id with dot", set("id", "INC.42"), "id", "must be 1-128 letters"},
		{"id with wildcard", set("id", "INC-*"), "id", "must be 1-128 letters"},
		{"id starting with dash", set("id", "-INC"), "id", "starting with a letter or digit"},
		{"id too long", set("id", strings.Repeat("a", 129)), "id", "must be 1-128"},
		{"id wrong type", set("id", 42), "id", "must be a string"},
		{"revision 0", set("revision", 0), "revision", "must be 1 or more, got 0"},
		{"revision negative", set("revision", -3), "revision", "must be 1 or more, got -3"},
		{"revision past the maximum", set("revision", 1_000_001), "revision", "must be at most 1000000, got 1000001"},
		{"revision int64 max", set("revision", json.RawMessage(`9223372036854775807`)), "revision", "must be at most 1000000, got 9223372036854775807"},
		{"discovered before 1990", set("discovered_at", "1989-12-31T23:59:59Z"), "discovered_at", "is before 1990"},
		{"discovered year 1", set("discovered_at", "0001-01-01T00:00:00Z"), "discovered_at", "is before 1990"},
		{"revision string", set("revision", "2"), "revision", "must be a whole number, got JSON string"},
		{"revision fraction", set("revision", 2.5), "revision", "must be a whole number, got JSON number 2.5"},

		// title, description, source.
		{"missing title", del("title"), "title", "is required"},
		{"blank title", set("title", "   "), "title", "is required"},
		{"title too long", set("title", strings.Repeat("é", 301)), "title", "is 301 characters long; at most 300"},
		{"title control character", set("title", "Order\x00db"), "title", "contains control characters"},
		{"title escape character", set("title", "Order \x1b[31mdb"), "title", "contains control characters"},
		{"title DEL", set("title", "Order\x7fdb"), "title", "contains control characters"},
		{"title wrong type", set("title", []string{"a"}), "title", "must be a string, got JSON array"},
		{"description control character", set("description", "line\x07bell"), "description", "contains control characters"},
		{"description too long", set("description", strings.Repeat("x", 20001)), "description", "at most 20000"},
		{"source control character", set("source", "det\rector"), "source", "contains control characters"},

		// Times.
		{"missing discovered_at", del("discovered_at"), "discovered_at", "is required (RFC 3339 time"},
		{"discovered_at space separator", set("discovered_at", "2026-11-20 09:00:00Z"), "discovered_at", "is not an RFC 3339 time"},
		{"discovered_at without zone", set("discovered_at", "2026-11-20T09:00:00"), "discovered_at", "is not an RFC 3339 time"},
		{"discovered_at date only", set("discovered_at", "2026-11-20"), "discovered_at", "is not an RFC 3339 time"},
		{"discovered_at unix number", set("discovered_at", 1763629200), "discovered_at", "must be a string, got JSON number"},
		{"discovered_at before year 1 in UTC", set("discovered_at", "0001-01-01T00:30:00+01:00"), "discovered_at", "outside the years 0001-9999"},
		{"occurred_until after year 9999 in UTC", set("occurred_until", "9999-12-31T23:30:00-01:00"), "occurred_until", "outside the years 0001-9999"},
		{"occurred_at words", set("occurred_at", "yesterday"), "occurred_at", "is not an RFC 3339 time"},
		{"occurred_until bad month", set("occurred_until", "2026-13-01T00:00:00Z"), "occurred_until", "is not an RFC 3339 time"},
		{"occurred_until before occurred_at", edit(func(m map[string]any) {
			m["occurred_at"] = "2026-11-20T05:00:00Z"
			m["occurred_until"] = "2026-11-20T04:59:59Z"
		}), "occurred_until", "is before occurred_at"},
		{"discovered before occurred", set("occurred_at", "2026-11-20T09:00:01Z"), "discovered_at", "is before occurred_at"},
		{"discovered before occurred across zones", edit(func(m map[string]any) {
			m["occurred_at"] = "2026-11-20T08:30:00Z"
			m["discovered_at"] = "2026-11-20T10:00:00+02:00" // 08:00Z
		}), "discovered_at", "is before occurred_at"},

		// Enums.
		{"missing cause", del("cause"), "cause", "is required (one of ransomware, hacking"},
		{"bad cause", set("cause", "sabotage"), "cause", `"sabotage" is not one of ransomware, hacking, exfiltration`},
		{"cause wrong case", set("cause", "Theft"), "cause", `"Theft" is not one of`},
		{"bad confidentiality", effects("confidentiality", "leaked"), "effects.confidentiality", `"leaked" is not one of none, possible, known_recipients, unknown_recipients`},
		{"bad integrity", effects("integrity", "altered"), "effects.integrity", `"altered" is not one of none, altered_recovered, altered_recoverable, altered_unrecoverable`},
		{"bad availability", effects("availability", "gone"), "effects.availability", `"gone" is not one of none, recoverable, temporary, permanent`},
		{"negative outage_hours", effects("outage_hours", -1.5), "effects.outage_hours", "must not be negative, got -1.5"},
		{"outage_hours string", effects("outage_hours", "3"), "effects.outage_hours", "must be a number, got JSON string"},
		{"effects not object", set("effects", "none"), "effects", "must be an object, got JSON string"},
		{"malicious string", set("malicious", "yes"), "malicious", "must be true or false, got JSON string"},

		// affected.
		{"no affected", del("affected"), "affected", "needs at least one entry"},
		{"empty affected", set("affected", []any{}), "affected", "needs at least one entry"},
		{"null affected", set("affected", nil), "affected", "needs at least one entry"},
		{"affected not array", set("affected", map[string]any{"system": "hr"}), "affected", "must be an array, got JSON object"},
		{"too many affected", set("affected", func() []any {
			out := make([]any, 1001)
			for i := range out {
				out[i] = map[string]any{"system": fmt.Sprint("s", i)}
			}
			return out
		}()), "affected", "has 1001 entries; at most 1000"},
		{"empty system", affected(map[string]any{"system": ""}), "affected[0].system", "is required"},
		{"missing system", affected(map[string]any{"system": "hr"}, map[string]any{"categories": []string{"email"}}), "affected[1].system", "is required"},
		{"system too long", affected(map[string]any{"system": strings.Repeat("s", 129)}), "affected[0].system", "at most 128"},
		{"empty categories list", affected(map[string]any{"system": "hr", "categories": []string{}}), "affected[0].categories", "is empty; leave it out"},
		{"empty category", affected(map[string]any{"system": "hr", "categories": []string{"email", " "}}), "affected[0].categories[1]", "is empty"},
		{"empty subjects list", affected(map[string]any{"system": "hr", "subjects": []string{}}), "affected[0].subjects", "is empty; leave it out"},
		{"empty subject id", affected(map[string]any{"system": "hr"}, map[string]any{"system": "crm", "subjects": []string{"u-1", ""}}), "affected[1].subjects[1]", "is empty"},
		{"key compromised but not encrypted", affected(map[string]any{"system": "hr", "encrypted": false, "key_compromised": true}), "affected[0].key_compromised", "is true but encrypted is false"},
		{"encrypted string", affected(map[string]any{"system": "hr", "encrypted": "no"}), "affected[0].encrypted", "must be true or false, got JSON string"},
		{"subjects number", affected(map[string]any{"system": "hr", "subjects": 17}), "affected[0].subjects", "must be an array, got JSON number"},

		// mitigation.
		{"empty measure", set("mitigation", map[string]any{"measures": []string{""}}), "mitigation.measures[0]", "is required"},
		{"advice control character", set("mitigation", map[string]any{"advice": []string{"ok", "bad\x1b"}}), "mitigation.advice[1]", "contains control characters"},
		{"too many remedies", set("mitigation", map[string]any{"remedies": make([]string, 101)}), "mitigation.remedies", "has 101 items; at most 100"},
		{"contained string", set("mitigation", map[string]any{"contained": "yes"}), "mitigation.contained", "must be true or false"},

		// contact.
		{"invalid contact email", set("contact", map[string]any{"email": "privacy at example.org"}), "contact.email", "is not an e-mail address"},
		{"contact email with display name", set("contact", map[string]any{"email": "Privacy <privacy@example.org>"}), "contact.email", "is not an e-mail address"},
		{"contact email two addresses", set("contact", map[string]any{"email": "a@example.org, b@example.org"}), "contact.email", "is not an e-mail address"},
		{"contact phone letters", set("contact", map[string]any{"phone": "+1 800 CALL NOW"}), "contact.phone", "may hold only digits"},
		{"contact name control character", set("contact", map[string]any{"name": "Privacy\nOffice\x00"}), "contact.name", "contains control characters"},

		// Unknown fields.
		{"unknown top-level field", set("severity", "high"), "severity", "unknown field"},
		{"unknown field in effects", set("effects", map[string]any{"colour": "red"}), "effects.colour", "unknown field"},
		{"unknown field in affected", affected(map[string]any{"system": "hr", "records": 12}), "affected[0].records", "unknown field"},
		{"unknown field in mitigation", set("mitigation", map[string]any{"notified": true}), "mitigation.notified", "unknown field"},
		{"unknown field in contact", set("contact", map[string]any{"fax": "1"}), "contact.fax", "unknown field"},

		// CloudEvents envelope.
		{"cloudevent wrong specversion", ceDoc(map[string]any{"specversion": "0.3", "data": json.RawMessage(minimalDoc)}), "specversion", `"0.3" is not supported`},
		{"cloudevent specversion number", ceDoc(map[string]any{"specversion": 1, "data": json.RawMessage(minimalDoc)}), "specversion", "must be a string"},
		{"cloudevent missing data", ceDoc(map[string]any{}), "data", "carries no incident"},
		{"cloudevent null data", ceDoc(map[string]any{"data": nil}), "data", "carries no incident"},
		{"cloudevent data and data_base64", ceDoc(map[string]any{"data": json.RawMessage(minimalDoc), "data_base64": base64.StdEncoding.EncodeToString([]byte(minimalDoc))}), "data", "both data and data_base64"},
		{"cloudevent bad base64", ceDoc(map[string]any{"data_base64": "!!not base64!!"}), "data_base64", "not valid base64"},
		{"cloudevent data is a string", ceDoc(map[string]any{"data": minimalDoc}), "data", "not a JSON object"},
		{"cloudevent base64 of non-json", ceDoc(map[string]any{"data_base64": base64.StdEncoding.EncodeToString([]byte("plain text"))}), "data", "not a JSON object"},
		{"cloudevent xml content type", ceDoc(map[string]any{"datacontenttype": "application/xml", "data": json.RawMessage(minimalDoc)}), "datacontenttype", `"application/xml" is not JSON`},
		{"cloudevent missing id", ceDoc(map[string]any{"id": nil, "data": json.RawMessage(minimalDoc)}), "cloudevent.id", "required CloudEvents attribute"},
		{"cloudevent missing source", ceDoc(map[string]any{"source": nil, "data": json.RawMessage(minimalDoc)}), "cloudevent.source", "required CloudEvents attribute"},
		{"cloudevent missing type", ceDoc(map[string]any{"type": nil, "data": json.RawMessage(minimalDoc)}), "cloudevent.type", "required CloudEvents attribute"},
		{"cloudevent invalid incident", ceDoc(map[string]any{"data": json.RawMessage(set("cause", "sabotage"))}), "cause", "is not one of"},
		{"cloudevent unknown field in incident", ceDoc(map[string]any{"data": json.RawMessage(set("severity", 3))}), "severity", "unknown field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := Decode([]byte(c.doc))
			if err == nil {
				t.Fatalf("got incident %+v, want an error naming %q", in, c.field)
			}
			if in != nil {
				t.Errorf("got a non-nil incident with error %v", err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid): got false for %v, want true", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %T, want *ValidationError", err)
			}
			found := false
			for _, p := range ve.Problems {
				if p.Field == c.field && strings.Contains(p.Message, c.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("got problems %v, want one with field %q and message containing %q", ve.Problems, c.field, c.msg)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, "invalid incident: ") {
				t.Errorf("error text %q: want one line starting with \"invalid incident: \"", msg)
			}
		})
	}
}

func TestDecodeReportsEveryProblem(t *testing.T) {
	doc := `{"schema":"breach.incident/v1","revision":0,"cause":"sabotage","effects":{"outage_hours":-1},"affected":[{"system":""}],"contact":{"email":"nope"}}`
	_, err := Decode([]byte(doc))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want *ValidationError", err)
	}
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	want := []string{"revision", "title", "discovered_at", "cause", "effects.outage_hours", "affected[0].system", "contact.email"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s", diff)
	}
}

func TestDecodeValid(t *testing.T) {
	minimal := &Incident{Schema: Schema, Revision: 1, Title: "Laptop stolen", DiscoveredAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Cause: CauseTheft, Affected: []Affected{{System: "hr"}}}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		name string
		doc  string
		want *Incident
	}{
		{"minimal", minimalDoc, minimal},
		{"full documented example", fullExample, wantFull()},
		{"surrounding whitespace", "\n\t " + minimalDoc + " \r\n", minimal},
		{"cloudevent with data", ceDoc(map[string]any{"data": json.RawMessage(fullExample), "datacontenttype": "application/json"}), wantFull()},
		{"cloudevent with data_base64", ceDoc(map[string]any{"data_base64": b64(fullExample)}), wantFull()},
		{"cloudevent +json content type and extension", ceDoc(map[string]any{"data": json.RawMessage(minimalDoc), "datacontenttype": "application/cloudevents+json; charset=utf-8", "tenant": "acme"}), minimal},
		{"title trimmed", set("title", "  Laptop stolen \n"), minimal},
		{"times normalised to UTC", edit(func(m map[string]any) {
			m["discovered_at"] = "2026-11-20T11:00:00+02:00"
		}), minimal},
		{"revision and id", edit(func(m map[string]any) {
			m["id"] = "INC-01JD3W4Q7XK4N8S8R6Y2ZC9T1M"
			m["revision"] = 7
		}), func() *Incident {
			in := *minimal
			in.ID, in.Revision = "INC-01JD3W4Q7XK4N8S8R6Y2ZC9T1M", 7
			return &in
		}()},
		{"every cause, effect and flag", edit(func(m map[string]any) {
			m["cause"] = "social_engineering"
			m["effects"] = map[string]any{"confidentiality": "possible", "integrity": "altered_unrecoverable", "availability": "permanent", "outage_hours": 12.5}
			m["affected"] = []any{map[string]any{"system": "hr", "encrypted": true, "key_compromised": true}}
		}), func() *Incident {
			in := *minimal
			in.Cause = CauseSocialEngineering
			in.Effects = Effects{ConfidentialityPossible, IntegrityAlteredUnrecoverable, AvailabilityPermanent, 12.5}
			in.Affected = []Affected{{System: "hr", Encrypted: ptr(true), KeyCompromised: ptr(true)}}
			return &in
		}()},
		{"newline and tab allowed in description", set("description", "line one\n\tline two"), func() *Incident {
			in := *minimal
			in.Description = "line one\n\tline two"
			return &in
		}()},
		{"empty contact dropped", set("contact", map[string]any{}), minimal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode([]byte(c.doc))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("decoded incident (-want +got):\n%s", diff)
			}
			// Round trip: what we encode, we accept and read back the same.
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			again, err := Decode(b)
			if err != nil {
				t.Fatalf("decode of re-encoded %s: %v", b, err)
			}
			if diff := cmp.Diff(got, again, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip (-first +second):\n%s", diff)
			}
		})
	}
}

func TestDecodeEveryEnumValue(t *testing.T) {
	for _, cause := range Causes {
		if _, err := Decode([]byte(set("cause", string(cause)))); err != nil {
			t.Errorf("cause %q: got %v, want accepted", cause, err)
		}
	}
	for key, values := range map[string][]string{
		"confidentiality": {"none", "possible", "known_recipients", "unknown_recipients"},
		"integrity":       {"none", "altered_recovered", "altered_recoverable", "altered_unrecoverable"},
		"availability":    {"none", "recoverable", "temporary", "permanent"},
	} {
		for _, v := range values {
			if _, err := Decode([]byte(effects(key, v))); err != nil {
				t.Errorf("effects.%s %q: got %v, want accepted", key, v, err)
			}
		}
	}
}

func TestDecodeErrorsCarryNoDocumentData(t *testing.T) {
	// A rejected contact e-mail is named, not echoed: errors end up in logs
	// and dead-letter headers.
	_, err := Decode([]byte(set("contact", map[string]any{"email": "jane.doe.private@@example.org"})))
	if err == nil || strings.Contains(err.Error(), "jane.doe") {
		t.Errorf("got %v, want an error that does not quote the address", err)
	}
	_, err = Decode([]byte(set("contact", map[string]any{"phone": "+1 555 JANE DOE"})))
	if err == nil || strings.Contains(err.Error(), "JANE") {
		t.Errorf("got %v, want an error that does not quote the phone number", err)
	}
}

func TestProblemString(t *testing.T) {
	cases := []struct {
		name string
		p    Problem
		want string
	}{
		{"with field", Problem{Field: "title", Message: "is required"}, "title: is required"},
		{"document level", Problem{Message: "document is empty"}, "document is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.String(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestValidID(t *testing.T) {
	cases := []struct {
		id   string
		want bool
	}{
		{"INC-2026-0042", true},
		{"a", true},
		{"0_x", true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"", false},
		{"_x", false},
		{"INC.1", false},
		{"INC 1", false},
		{"INC-1>", false},
		{"INC/1", false},
		{"INC-é", false},
	}
	for _, c := range cases {
		if got := ValidID(c.id); got != c.want {
			t.Errorf("ValidID(%q): got %t, want %t", c.id, got, c.want)
		}
	}
}

func TestNewID(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	a, b := NewID(t0), NewID(t0.Add(time.Millisecond))
	if !ValidID(a) || !strings.HasPrefix(a, "INC-") || len(a) != 30 {
		t.Errorf("NewID: got %q, want INC- and a 26-character ULID", a)
	}
	if a == NewID(t0) {
		t.Errorf("NewID twice at the same time gave %q both times, want distinct ids", a)
	}
	if b <= a {
		t.Errorf("NewID later (%q) sorts before earlier (%q)", b, a)
	}
}

func TestKey(t *testing.T) {
	in := &Incident{ID: "INC-1", Revision: 3}
	if got, want := in.Key(), "INC-1/3"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCheckDiscoveredAt(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		at   string
		want string // "" when accepted
	}{
		{"now", "2026-11-20T09:00:00Z", ""},
		{"within the skew", "2026-11-20T09:05:00Z", ""},
		{"past the skew", "2026-11-20T09:05:01Z", "discovered_at: 2026-11-20T09:05:01Z is in the future"},
		{"year 9999", "9999-12-31T23:59:59Z", "discovered_at: 9999-12-31T23:59:59Z is in the future"},
		{"long ago", "1990-01-01T00:00:00Z", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := Decode([]byte(set("discovered_at", c.at)))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			err = CheckDiscoveredAt(in, now)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrInvalid)):
				t.Errorf("got %v, want an ErrInvalid containing %q", err, c.want)
			}
		})
	}
}
