package incident

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecode checks that Decode never panics, that every rejection is a
// *ValidationError whose problems name a real path (checkField), that the
// structural scan agrees with encoding/json on syntax, and that an accepted
// document, re-encoded with json.Marshal, is accepted again as an equal
// Incident (what intake stores and publishes can always be read back).
func FuzzDecode(f *testing.F) {
	seeds := []string{
		minimalDoc,
		fullExample,
		ceDoc(map[string]any{"data": json.RawMessage(fullExample)}),
		ceDoc(map[string]any{"data_base64": base64.StdEncoding.EncodeToString([]byte(minimalDoc))}),
		ceDoc(map[string]any{"specversion": "0.3"}),
		set("revision", 0),
		set("cause", "sabotage"),
		set("occurred_at", "2026-11-20T10:00:00Z"),
		set("discovered_at", "0000-01-01T00:30:00+01:00"),
		set("discovered_at", "9999-12-31T23:30:00-01:00"),
		set("effects", map[string]any{"outage_hours": -0.0}),
		set("title", "\u2028\ufeff\u00a0title"),
		affected(map[string]any{"system": "hr", "subjects": []string{" u-1 "}, "categories": []string{"email"}}),
		set("contact", map[string]any{"email": "a@b.example", "phone": "+1 (800) 555-0100"}),
		set("severity", 1),
		minimalDoc + "{}",
		`{"schema":"breach.incident/v1","title":"\ud800","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`,
		`{"affected":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}`,
		"",
		"null",
		"{",
		`{"specversion":"1.0","data":{"specversion":"1.0","data":{}}}`,
		`{"specversion":null,"data":{}}`,
		strings.Replace(minimalDoc, `"title"`, `"Title"`, 1),
		strings.Replace(minimalDoc, `"title"`, `"\u0074itle"`, 1),
		`{"title":"a","title":"b","effects":{"Colour":1,"outage_hours":"x"},"affected":[{"system":1},{"a b":[]},"x"],"revision":1.5}`,
		`{"mitigation":{"measures":["a",2,{"x":[1,{}]}]},"contact":[],"":0,"\n":1}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := !scan(data, wireShape).syntax, json.Valid(data); got != want {
			t.Fatalf("scan says valid JSON %t, json.Valid says %t", got, want)
		}
		in, err := Decode(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("rejection %v (%T) is not a *ValidationError with problems", err, err)
			}
			if in != nil {
				t.Fatalf("got an incident with error %v", err)
			}
			if len(ve.Problems) > maxProblems+1 {
				t.Fatalf("got %d problems, want at most %d", len(ve.Problems), maxProblems+1)
			}
			for _, p := range ve.Problems {
				if err := checkField(p); err != nil {
					t.Fatalf("problem %q: %v", p, err)
				}
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("error text %q is not one line", msg)
			}
			return
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("accepted incident does not encode: %v", err)
		}
		again, err := Decode(b)
		if err != nil {
			t.Fatalf("re-encoded incident %s rejected: %v", b, err)
		}
		if diff := cmp.Diff(in, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the incident (-first +second):\n%s", diff)
		}
	})
}

// envelopeFields are the Problem.Field values the CloudEvents envelope check
// may report.
var envelopeFields = map[string]bool{"specversion": true, "datacontenttype": true, "data": true, "data_base64": true,
	"cloudevent.id": true, "cloudevent.source": true, "cloudevent.type": true}

// checkField returns an error unless p.Field is empty, "(document)", an
// envelope attribute, or a path that resolves through the incident's shape
// from a known top-level key: object keys are fields of the object they are
// in, indexes are taken of arrays. Only an "unknown field" problem may end
// in a key the shape does not have.
func checkField(p Problem) error {
	if p.Field == "" || p.Field == "(document)" || envelopeFields[p.Field] {
		return nil
	}
	segs, err := splitPath(p.Field)
	if err != nil {
		return err
	}
	unknown := p.Message == "unknown field"
	if !unknown && !topLevelKeys[segs[0].key] {
		return fmt.Errorf("path starts with %q, not a top-level key", segs[0].key)
	}
	s := wireShape
	for i, seg := range segs {
		last := i == len(segs)-1
		switch {
		case seg.index >= 0:
			if s.typ != typeArray {
				return fmt.Errorf("segment %d indexes a %s", i, s.typ.what())
			}
			s = s.elem
		case s.typ != typeObject:
			return fmt.Errorf("segment %d is a key of %s", i, s.typ.what())
		default:
			j := -1
			for k, f := range s.fields {
				if f.name == seg.key {
					j = k
				}
			}
			switch {
			case j >= 0 && last && unknown:
				return fmt.Errorf("known key %q reported as unknown", seg.key)
			case j >= 0:
				s = s.fields[j].shape
			case !(last && unknown):
				return fmt.Errorf("key %q is not a field here", seg.key)
			}
		}
	}
	return nil
}

// splitPath parses a path: a first key (plain or ["quoted"]), then .key,
// ["quoted"] or [index] segments.
func splitPath(path string) ([]pathSeg, error) {
	var segs []pathSeg
	for rest := path; rest != ""; {
		switch {
		case strings.HasPrefix(rest, `["`):
			q, err := strconv.QuotedPrefix(rest[1:])
			if err != nil || !strings.HasPrefix(rest[1+len(q):], "]") {
				return nil, fmt.Errorf("bad quoted key in %q", path)
			}
			k, _ := strconv.Unquote(q)
			if plainKey(k) {
				return nil, fmt.Errorf("plain key %q is quoted in %q", k, path)
			}
			segs = append(segs, pathSeg{key: k, index: -1})
			rest = rest[len(q)+2:]
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			n, err := strconv.Atoi(rest[1:max(end, 1)])
			if end < 0 || err != nil || n < 0 || strconv.Itoa(n) != rest[1:end] {
				return nil, fmt.Errorf("bad index in %q", path)
			}
			segs = append(segs, pathSeg{index: n})
			rest = rest[end+1:]
		default:
			if len(segs) > 0 {
				if rest[0] != '.' {
					return nil, fmt.Errorf("expected '.' or '[' at %q in %q", rest, path)
				}
				rest = rest[1:]
			}
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if !plainKey(rest[:end]) {
				return nil, fmt.Errorf("key %q in %q is neither plain nor quoted", rest[:end], path)
			}
			segs = append(segs, pathSeg{key: rest[:end], index: -1})
			rest = rest[end:]
		}
	}
	return segs, nil
}

// TestCheckField keeps the fuzz target's path check honest.
func TestCheckField(t *testing.T) {
	cases := []struct {
		p  Problem
		ok bool
	}{
		{Problem{"", "document is empty"}, true},
		{Problem{"(document)", "must be an object"}, true},
		{Problem{"cloudevent.id", "required CloudEvents attribute is missing"}, true},
		{Problem{"affected[1].categories[0]", "is empty"}, true},
		{Problem{"mitigation.measures[2]", "must be a string, got JSON number"}, true},
		{Problem{"effects.outage_hours", "must not be negative"}, true},
		{Problem{"effects.colour", "unknown field"}, true},
		{Problem{`affected[0]["a b"]`, "unknown field"}, true},
		{Problem{`[""]`, "unknown field"}, true},
		{Problem{"severity", "unknown field"}, true},
		{Problem{"colour", "must be a string"}, false},
		{Problem{"effects.colour", "must be a string"}, false},
		{Problem{"affected.encrypted", "must be true or false"}, false},
		{Problem{"effects[0]", "must be a string"}, false},
		{Problem{"affected[01]", "is empty"}, false},
		{Problem{"affected[-1]", "is empty"}, false},
		{Problem{"affected[0]system", "is empty"}, false},
		{Problem{`["title"]`, "is required"}, false},
		{Problem{`["a b`, "unknown field"}, false},
		{Problem{"effects.outage_hours", "unknown field"}, false},
		{Problem{"title.x", "unknown field"}, false},
	}
	for _, c := range cases {
		if err := checkField(c.p); (err == nil) != c.ok {
			t.Errorf("checkField(%q): got error %v, want ok %t", c.p, err, c.ok)
		}
	}
}
