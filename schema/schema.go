// Package schema holds the JSON Schemas (draft 2020-12) of breach's
// documents: the incident (breach.incident/v1), the data inventory
// (breach.inventory/v1), one row of the subject directory (CSV or JSONL) and
// the assessment (breach.assessment/v1). They are embedded in the binary,
// printed by `breach schema NAME` and served by the HTTP API, and Validate
// checks a document against one of them, listing every problem with the JSON
// pointer of the value at fault.
//
// The schemas describe what the decoders in packages incident and inventory
// accept; the decoders stay the authority (they also check what a schema
// cannot, such as a system id that the inventory must know). The tests keep
// the two in step on every example and scenario of the repository.
package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed json/*.json
var files embed.FS

// The names of the schemas.
const (
	Incident   = "incident"
	Inventory  = "inventory"
	Directory  = "directory"
	Assessment = "assessment"
)

// ErrUnknown is returned (wrapped) by Get and Validate for a name that is
// not a schema.
var ErrUnknown = errors.New("unknown schema")

// Names lists the schemas in alphabetical order.
func Names() []string {
	entries, err := fs.ReadDir(files, "json")
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(names)
	return names
}

// Get returns the schema document called name, as JSON.
func Get(name string) ([]byte, error) {
	if !slices.Contains(Names(), name) {
		return nil, fmt.Errorf("schema %q: %w (the schemas are %s)", name, ErrUnknown, strings.Join(Names(), ", "))
	}
	return files.ReadFile(path.Join("json", name+".json"))
}

// Problem is one way a document departs from its schema.
type Problem struct {
	// Pointer is the JSON pointer (RFC 6901) of the value at fault, ""
	// for the whole document, e.g. "/affected/0/system".
	Pointer string `json:"pointer"`
	// Message says what is wrong, in the validator's words.
	Message string `json:"message"`
}

// String reads "/affected/0/system: missing property".
func (p Problem) String() string {
	ptr := p.Pointer
	if ptr == "" {
		ptr = "(document)"
	}
	return ptr + ": " + p.Message
}

// ValidationError lists every problem Validate found in a document.
type ValidationError struct {
	Schema   string    `json:"schema"`
	Problems []Problem `json:"problems"`
}

// Error joins the problems on one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("document does not match the %s schema: %s", e.Schema, strings.Join(parts, "; "))
}

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

// compile compiles every schema once, with format assertions on (so
// date-time and email are checked, as the decoders check them).
func compile() (map[string]*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		out := map[string]*jsonschema.Schema{}
		for _, name := range Names() {
			raw, err := Get(name)
			if err != nil {
				compileErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			if err != nil {
				compileErr = fmt.Errorf("schema %s: %w", name, err)
				return
			}
			url := "urn:breach:schema:" + name
			if err := c.AddResource(url, doc); err != nil {
				compileErr = fmt.Errorf("schema %s: %w", name, err)
				return
			}
			sch, err := c.Compile(url)
			if err != nil {
				compileErr = fmt.Errorf("compile schema %s: %w", name, err)
				return
			}
			out[name] = sch
		}
		compiled = out
	})
	return compiled, compileErr
}

// Validate checks doc against the schema called name. doc is JSON; for the
// inventory it may also be YAML, the form the inventory is written in. It
// returns nil when the document matches, a *ValidationError listing every
// problem when it does not, and another error when doc cannot be read at
// all or name is not a schema.
func Validate(name string, doc []byte) error {
	all, err := compile()
	if err != nil {
		return err
	}
	sch, ok := all[name]
	if !ok {
		return fmt.Errorf("validate: schema %q: %w (the schemas are %s)", name, ErrUnknown, strings.Join(Names(), ", "))
	}
	inst, err := instance(name, doc)
	if err != nil {
		return err
	}
	err = sch.Validate(inst)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return &ValidationError{Schema: name, Problems: problems(ve)}
	}
	if err != nil {
		return fmt.Errorf("validate against the %s schema: %w", name, err)
	}
	return nil
}

// instance reads doc as JSON, or for the inventory as YAML too.
func instance(name string, doc []byte) (any, error) {
	if name == Inventory {
		var v any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			return nil, fmt.Errorf("read document as YAML: %w", err)
		}
		j, err := json.Marshal(jsonable(v))
		if err != nil {
			return nil, fmt.Errorf("read document as YAML: %w", err)
		}
		doc = j
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("read document as JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("read document as JSON: unexpected data after the first value")
	}
	return v, nil
}

// jsonable turns what yaml.v3 decodes into values encoding/json can write:
// maps with non-string keys get their keys printed.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
		return x
	}
	return v
}

// problems flattens the validator's tree of errors into its leaves, in
// document order, without repeats.
func problems(ve *jsonschema.ValidationError) []Problem {
	var out []Problem
	seen := map[Problem]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		p := Problem{Pointer: pointer(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(english)}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	walk(ve)
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Pointer, b.Pointer) })
	return out
}

// english prints the validator's messages.
var english = message.NewPrinter(language.English)

// pointer writes a JSON pointer (RFC 6901) from its reference tokens.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}
