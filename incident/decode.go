package incident

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/mail"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/breach-notify/breach/fault"
)

// Problem is one reason a document was rejected, naming the field at fault
// with a JSON path such as "affected[1].system".
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// ValidationError lists every problem found in a rejected document. Its
// Error text is one line that a person can act on.
type ValidationError struct {
	Problems []Problem `json:"problems"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "invalid incident: " + strings.Join(parts, "; ")
}

// ErrInvalid matches every *ValidationError with errors.Is.
var ErrInvalid = fault.New(fault.InvalidIncident, "invalid incident")

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Limits on free text, so one incident cannot blow up every notice.
const (
	maxTitle       = 300
	maxDescription = 20000
	maxListItem    = 2000
	maxListItems   = 100
	maxAffected    = 1000
	maxSubjects    = 100000
)

// MaxRevision is the highest revision accepted: revisions count up by one
// from 1, so anything near it is an attack or a bug.
const MaxRevision = 1_000_000

// EarliestDiscovery is the earliest discovered_at accepted.
var EarliestDiscovery = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxClockSkew is how far in the future discovered_at may be, for a sender
// whose clock runs ahead.
const MaxClockSkew = 5 * time.Minute

// CheckDiscoveredAt refuses an incident discovered after now plus
// MaxClockSkew, naming the field. Decode cannot check it (it has no clock):
// every entry point calls it with its injected clock after Decode.
func CheckDiscoveredAt(in *Incident, now time.Time) error {
	if limit := now.Add(MaxClockSkew); in.DiscoveredAt.After(limit) {
		return invalid("discovered_at", fmt.Sprintf("%s is in the future (now is %s; at most %s ahead is accepted)",
			in.DiscoveredAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339), MaxClockSkew))
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// ValidID reports whether s may be used as an incident id: letters, digits,
// '-' and '_' (ids appear in NATS subjects, so no dots or wildcards).
func ValidID(s string) bool { return idPattern.MatchString(s) }

// wire is the document as it travels; times stay strings so that a bad time
// is reported with the name of its field.
type wire struct {
	Schema        *string    `json:"schema"`
	ID            string     `json:"id"`
	Revision      *int       `json:"revision"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Source        string     `json:"source"`
	OccurredAt    string     `json:"occurred_at"`
	OccurredUntil string     `json:"occurred_until"`
	DiscoveredAt  string     `json:"discovered_at"`
	Cause         string     `json:"cause"`
	Malicious     bool       `json:"malicious"`
	Effects       *Effects   `json:"effects"`
	Affected      []Affected `json:"affected"`
	Mitigation    Mitigation `json:"mitigation"`
	Contact       *Contact   `json:"contact"`
	// Determinations is optional; see Determination.
	Determinations []wireDetermination `json:"determinations"`
	// Translations is optional; see Translation.
	Translations map[string]Translation `json:"translations"`
}

// maxTranslations bounds the languages of one incident.
const maxTranslations = 50

// cloudEvent is the CloudEvents 1.0 structured JSON envelope.
type cloudEvent struct {
	SpecVersion     string          `json:"specversion"`
	Type            string          `json:"type"`
	Source          string          `json:"source"`
	ID              string          `json:"id"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
	DataBase64      string          `json:"data_base64"`
}

// Decode parses and validates one incident document, plain or wrapped in a
// CloudEvents 1.0 structured envelope. It never panics; every rejection is a
// *ValidationError naming the fields at fault by their full path
// ("affected[1].categories[0]"). Keys are case-sensitive and may appear once.
// A document without an id is given none here: callers that accept it assign
// one with NewID.
func Decode(data []byte) (*Incident, error) {
	if len(data) > MaxDocumentBytes {
		return nil, invalid("", fmt.Sprintf("document is %d bytes, larger than the %d-byte limit", len(data), MaxDocumentBytes))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, invalid("", "document is empty")
	}
	if !utf8.Valid(trimmed) {
		return nil, invalid("", "document is not valid UTF-8")
	}
	if trimmed[0] != '{' {
		return nil, invalid("", "document is not a JSON object")
	}
	body := trimmed
	sc := scan(body, wireShape)
	if sc.envelope && !sc.syntax {
		var err error
		if body, err = unwrapCloudEvent(trimmed); err != nil {
			return nil, err
		}
		sc = scan(body, wireShape)
	}
	if sc.syntax {
		if err := syntaxProblem(body); err != nil {
			return nil, err
		}
		// The scanner and encoding/json disagree about the syntax: fall back
		// to encoding/json alone rather than reject a document it accepts.
		sc.probs = nil
	}
	if len(sc.probs) > 0 {
		return nil, &ValidationError{Problems: sc.probs}
	}
	var w wire
	if !sc.syntax {
		// The scan has checked syntax, keys and types: plain Unmarshal
		// reads exactly what it saw.
		if err := json.Unmarshal(body, &w); err != nil {
			return nil, jsonProblem(err)
		}
		return w.validate()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("", "unexpected data after the JSON object")
	}
	return w.validate()
}

// syntaxProblem reports why body is not exactly one JSON value, in the words
// of encoding/json, or nil when it is.
func syntaxProblem(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("", "unexpected data after the JSON object")
	}
	return nil
}

// unwrapCloudEvent returns the incident inside a CloudEvents envelope. The
// caller has established that doc is syntactically valid JSON with a
// top-level "specversion" key.
func unwrapCloudEvent(doc []byte) ([]byte, error) {
	var ce cloudEvent
	if err := json.Unmarshal(doc, &ce); err != nil {
		return nil, jsonProblem(err)
	}
	var probs []Problem
	if ce.SpecVersion != "1.0" {
		probs = append(probs, Problem{"specversion", fmt.Sprintf("CloudEvents spec version %q is not supported; want \"1.0\"", ce.SpecVersion)})
	}
	for _, f := range []struct{ name, v string }{{"id", ce.ID}, {"source", ce.Source}, {"type", ce.Type}} {
		if f.v == "" {
			probs = append(probs, Problem{"cloudevent." + f.name, "required CloudEvents attribute is missing"})
		}
	}
	if ct := ce.DataContentType; ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasSuffix(strings.SplitN(ct, ";", 2)[0], "+json") {
		probs = append(probs, Problem{"datacontenttype", fmt.Sprintf("%q is not JSON", ct)})
	}
	var data []byte
	switch {
	case len(ce.Data) > 0 && ce.DataBase64 != "":
		probs = append(probs, Problem{"data", "both data and data_base64 are set"})
	case ce.DataBase64 != "":
		b, err := base64.StdEncoding.DecodeString(ce.DataBase64)
		if err != nil {
			probs = append(probs, Problem{"data_base64", "not valid base64"})
		}
		data = b
	case len(ce.Data) > 0 && !bytes.Equal(ce.Data, []byte("null")):
		data = ce.Data
	default:
		probs = append(probs, Problem{"data", "the CloudEvent carries no incident"})
	}
	if len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, invalid("data", "the CloudEvent data is not a JSON object")
	}
	return data, nil
}

func jsonProblem(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return invalid("", fmt.Sprintf("not valid JSON at byte %d: %v", se.Offset, se))
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(document)"
		}
		return invalid(field, fmt.Sprintf("must be %s, got JSON %s", jsonKind(te.Type.Kind().String()), te.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("", "JSON ends early")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return invalid(strings.Trim(f, `"`), "unknown field")
	}
	return invalid("", strings.TrimPrefix(msg, "json: "))
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "int", "int64":
		return "a whole number"
	case "float64":
		return "a number"
	}
	return k
}

func invalid(field, msg string) *ValidationError {
	return &ValidationError{Problems: []Problem{{Field: field, Message: msg}}}
}

type checker struct{ probs []Problem }

func (c *checker) add(field, format string, args ...any) {
	c.probs = append(c.probs, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) text(field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		c.add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		c.add(field, "is %d characters long; at most %d are allowed", utf8.RuneCountInString(v), max)
	case strings.ContainsFunc(v, isControl):
		c.add(field, "contains control characters")
	}
	return v
}

func isControl(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }

func (c *checker) time(field, v string, required bool) *time.Time {
	if v == "" {
		if required {
			c.add(field, "is required (RFC 3339 time, e.g. 2026-11-20T09:00:00Z)")
		}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		c.add(field, "%q is not an RFC 3339 time (e.g. 2026-11-20T09:00:00Z)", v)
		return nil
	}
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		// json.Marshal refuses such a time: the incident could not be stored.
		c.add(field, "%q is outside the years 0001-9999 in UTC", v)
		return nil
	}
	return &t
}

func (c *checker) list(field string, items []string) []string {
	if len(items) > maxListItems {
		c.add(field, "has %d items; at most %d are allowed", len(items), maxListItems)
		return nil
	}
	out := make([]string, 0, len(items))
	for i, s := range items {
		out = append(out, c.text(fmt.Sprintf("%s[%d]", field, i), s, maxListItem, true))
	}
	return out
}

func oneOf[T ~string](c *checker, field string, v T, allowed ...T) T {
	if v != "" && !slices.Contains(allowed, v) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		c.add(field, "%q is not one of %s", v, strings.Join(names, ", "))
	}
	return v
}

func (w *wire) validate() (*Incident, error) {
	c := &checker{}
	in := &Incident{Schema: Schema, Revision: 1}
	switch {
	case w.Schema == nil:
		c.add("schema", "is required (%q)", Schema)
	case *w.Schema != Schema:
		c.add("schema", "%q is not supported; want %q", *w.Schema, Schema)
	}
	if w.ID != "" && !ValidID(w.ID) {
		c.add("id", "%q must be 1-128 letters, digits, '-' or '_', starting with a letter or digit", w.ID)
	}
	in.ID = w.ID
	if w.Revision != nil {
		if *w.Revision < 1 {
			c.add("revision", "must be 1 or more, got %d", *w.Revision)
		}
		if *w.Revision > MaxRevision {
			c.add("revision", "must be at most %d, got %d", MaxRevision, *w.Revision)
		}
		in.Revision = *w.Revision
	}
	in.Title = c.text("title", w.Title, maxTitle, true)
	in.Description = c.text("description", w.Description, maxDescription, false)
	in.Source = c.text("source", w.Source, maxListItem, false)
	in.OccurredAt = c.time("occurred_at", w.OccurredAt, false)
	in.OccurredUntil = c.time("occurred_until", w.OccurredUntil, false)
	if d := c.time("discovered_at", w.DiscoveredAt, true); d != nil {
		in.DiscoveredAt = *d
		if d.Before(EarliestDiscovery) {
			c.add("discovered_at", "%q is before %d: not a date this service can assess", w.DiscoveredAt, EarliestDiscovery.Year())
		}
	}
	if in.OccurredAt != nil && in.OccurredUntil != nil && in.OccurredUntil.Before(*in.OccurredAt) {
		c.add("occurred_until", "is before occurred_at")
	}
	if in.OccurredAt != nil && !in.DiscoveredAt.IsZero() && in.DiscoveredAt.Before(*in.OccurredAt) {
		c.add("discovered_at", "is before occurred_at: a breach cannot be discovered before it happens")
	}
	if w.Cause == "" {
		c.add("cause", "is required (one of %s)", causeList())
	} else {
		in.Cause = oneOf(c, "cause", Cause(w.Cause), Causes...)
	}
	in.Malicious = w.Malicious
	if w.Effects != nil {
		e := *w.Effects
		oneOf(c, "effects.confidentiality", e.Confidentiality, ConfidentialityNone, ConfidentialityPossible, ConfidentialityKnownRecipients, ConfidentialityUnknownRecipients)
		oneOf(c, "effects.integrity", e.Integrity, IntegrityNone, IntegrityAlteredRecovered, IntegrityAlteredRecoverable, IntegrityAlteredUnrecoverable)
		oneOf(c, "effects.availability", e.Availability, AvailabilityNone, AvailabilityRecoverable, AvailabilityTemporary, AvailabilityPermanent)
		if e.OutageHours < 0 {
			c.add("effects.outage_hours", "must not be negative, got %g", e.OutageHours)
		}
		in.Effects = e
	}
	in.Affected = w.validateAffected(c)
	m := w.Mitigation
	in.Mitigation = Mitigation{Contained: m.Contained, DataRecovered: m.DataRecovered, RecipientTrusted: m.RecipientTrusted,
		Measures: c.list("mitigation.measures", m.Measures),
		Advice:   c.list("mitigation.advice", m.Advice),
		Remedies: c.list("mitigation.remedies", m.Remedies)}
	if w.Contact != nil {
		ct := Contact{Name: c.text("contact.name", w.Contact.Name, maxTitle, false),
			Email: c.text("contact.email", w.Contact.Email, maxTitle, false),
			Phone: c.text("contact.phone", w.Contact.Phone, 64, false)}
		if ct.Email != "" {
			if a, err := mail.ParseAddress(ct.Email); err != nil || a.Name != "" {
				c.add("contact.email", "is not an e-mail address")
			}
		}
		if ct.Phone != "" && strings.ContainsFunc(ct.Phone, func(r rune) bool { return !strings.ContainsRune("+0123456789 ()-./", r) }) {
			c.add("contact.phone", "may hold only digits, spaces and + ( ) - . /")
		}
		if ct != (Contact{}) {
			in.Contact = &ct
		}
	}
	in.Determinations = validateDeterminations(c, w.Determinations)
	in.Translations = w.validateTranslations(c)
	if len(c.probs) > 0 {
		return nil, &ValidationError{Problems: c.probs}
	}
	return in, nil
}

// validateTranslations checks each translation: a BCP 47 locale as key,
// text within the limits of the incident's own.
func (w *wire) validateTranslations(c *checker) map[string]Translation {
	if len(w.Translations) == 0 {
		return nil
	}
	if len(w.Translations) > maxTranslations {
		c.add("translations", "has %d languages; at most %d are allowed", len(w.Translations), maxTranslations)
		return nil
	}
	out := make(map[string]Translation, len(w.Translations))
	for _, loc := range slices.Sorted(maps.Keys(w.Translations)) {
		tr := w.Translations[loc]
		field := "translations." + loc
		if !plainKey(loc) {
			field = "translations[" + strconv.Quote(loc) + "]"
		}
		if tag, err := language.Parse(loc); err != nil || tag.String() != loc && !strings.EqualFold(tag.String(), loc) {
			c.add(field, "%q is not a BCP 47 locale such as \"zh-CN\"", loc)
			continue
		}
		t := Translation{Title: c.text(field+".title", tr.Title, maxTitle, false),
			Description: c.text(field+".description", tr.Description, maxDescription, false),
			Measures:    slices.Clip(c.list(field+".measures", tr.Measures)),
			Advice:      slices.Clip(c.list(field+".advice", tr.Advice))}
		if len(t.Measures) == 0 {
			t.Measures = nil
		}
		if len(t.Advice) == 0 {
			t.Advice = nil
		}
		if t.Title == "" && t.Description == "" && len(t.Measures) == 0 && len(t.Advice) == 0 {
			c.add(field, "is empty; give at least one of title, description, measures, advice")
			continue
		}
		out[loc] = t
	}
	return out
}

func (w *wire) validateAffected(c *checker) []Affected {
	switch {
	case len(w.Affected) == 0:
		c.add("affected", "needs at least one entry naming an affected system")
		return nil
	case len(w.Affected) > maxAffected:
		c.add("affected", "has %d entries; at most %d are allowed", len(w.Affected), maxAffected)
		return nil
	}
	out := make([]Affected, len(w.Affected))
	for i, a := range w.Affected {
		f := fmt.Sprintf("affected[%d]", i)
		a.System = c.text(f+".system", a.System, 128, true)
		if a.Categories != nil && len(a.Categories) == 0 {
			c.add(f+".categories", "is empty; leave it out to mean every category the system holds")
		}
		for j, cat := range a.Categories {
			if strings.TrimSpace(cat) == "" {
				c.add(fmt.Sprintf("%s.categories[%d]", f, j), "is empty")
			}
		}
		if a.Subjects != nil && len(a.Subjects) == 0 {
			c.add(f+".subjects", "is empty; leave it out to mean everyone in the system")
		}
		if len(a.Subjects) > maxSubjects {
			c.add(f+".subjects", "lists %d people; at most %d are allowed (leave it out to mean everyone)", len(a.Subjects), maxSubjects)
		}
		for j, s := range a.Subjects {
			if strings.TrimSpace(s) == "" {
				c.add(fmt.Sprintf("%s.subjects[%d]", f, j), "is empty")
			}
		}
		if a.Encrypted != nil && !*a.Encrypted && a.KeyCompromised != nil && *a.KeyCompromised {
			c.add(f+".key_compromised", "is true but encrypted is false")
		}
		out[i] = a
	}
	return out
}

func causeList() string {
	names := make([]string, len(Causes))
	for i, c := range Causes {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// maxProblems caps the problems one structural scan reports; a document that
// is wrong in more places than this is probably not an incident at all.
const maxProblems = 20

// maxDepth is encoding/json's nesting limit; deeper documents are left to it
// to reject.
const maxDepth = 10000

// jsonType is the kind of JSON value a wire field accepts (null is accepted
// everywhere, as encoding/json leaves the field at its zero value).
type jsonType uint8

const (
	typeString jsonType = iota + 1
	typeNumber
	typeInteger
	typeBool
	typeArray
	typeObject
)

// what says what a field of type t must be, for "must be ..." messages.
func (t jsonType) what() string {
	switch t {
	case typeString:
		return "a string"
	case typeNumber:
		return "a number"
	case typeInteger:
		return "a whole number"
	case typeBool:
		return "true or false"
	case typeArray:
		return "an array"
	case typeObject:
		return "an object"
	}
	return "absent"
}

// shape is the JSON structure a Go type decodes from: an object's keys, an
// array's elements.
type shape struct {
	typ    jsonType
	elem   *shape       // typeArray; typeObject when keyed
	fields []shapeField // typeObject, in declaration order
	keyed  bool         // typeObject with any keys (a map), each value of shape elem
}

type shapeField struct {
	name  string
	shape *shape
}

// wireShape is the structure of an incident document, read once from the
// json tags of wire and the types it holds.
var wireShape = shapeOf(reflect.TypeFor[wire]())

// topLevelKeys are the keys an incident document may hold at the top level.
var topLevelKeys = func() map[string]bool {
	m := make(map[string]bool, len(wireShape.fields))
	for _, f := range wireShape.fields {
		m[f.name] = true
	}
	return m
}()

// shapeOf describes t. It panics on a type the wire format does not use:
// that is a programming error found by every test run, never an input.
func shapeOf(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return &shape{typ: typeString}
	case reflect.Bool:
		return &shape{typ: typeBool}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &shape{typ: typeInteger}
	case reflect.Float32, reflect.Float64:
		return &shape{typ: typeNumber}
	case reflect.Slice:
		return &shape{typ: typeArray, elem: shapeOf(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("incident: wire type %s: map keys must be strings", t))
		}
		return &shape{typ: typeObject, elem: shapeOf(t.Elem()), keyed: true}
	case reflect.Struct:
		s := &shape{typ: typeObject}
		for f := range t.Fields() {
			if !f.IsExported() || f.Anonymous {
				panic(fmt.Sprintf("incident: wire type %s: field %s is not supported by the scanner", t, f.Name))
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch name {
			case "-":
				continue
			case "":
				name = f.Name
			}
			s.fields = append(s.fields, shapeField{name: name, shape: shapeOf(f.Type)})
		}
		if len(s.fields) > 64 {
			panic(fmt.Sprintf("incident: wire type %s has more than 64 fields", t))
		}
		return s
	}
	panic(fmt.Sprintf("incident: wire type %s is not supported by the scanner", t))
}

// pathSeg is one step of a JSON path: an object key, or an array index when
// key is empty and index is not negative.
type pathSeg struct {
	key   string
	index int
}

// scanner walks a JSON document once against a shape, recording unknown,
// mis-cased and repeated keys and values of the wrong JSON type, each with
// its full path. It allocates only when it finds a problem.
type scanner struct {
	data     []byte
	pos      int
	path     []pathSeg
	probs    []Problem
	more     bool // problems beyond maxProblems were found
	syntax   bool // the document is not valid JSON (encoding/json says why)
	envelope bool // a top-level key is "specversion": a CloudEvent
}

// scan walks data, one JSON value and nothing after it, against s.
func scan(data []byte, s *shape) *scanner {
	sc := &scanner{data: data, path: make([]pathSeg, 0, 8)}
	sc.ws()
	sc.value(s, 0)
	sc.ws()
	if sc.pos != len(sc.data) {
		sc.syntax = true
	}
	if sc.more {
		sc.probs = append(sc.probs, Problem{Message: fmt.Sprintf("more problems not listed; the first %d are shown", maxProblems)})
	}
	return sc
}

func (sc *scanner) ws() {
	for sc.pos < len(sc.data) {
		switch sc.data[sc.pos] {
		case ' ', '\t', '\n', '\r':
			sc.pos++
		default:
			return
		}
	}
}

func (sc *scanner) push(p pathSeg) { sc.path = append(sc.path, p) }

func (sc *scanner) pop() { sc.path = sc.path[:len(sc.path)-1] }

// add records a problem at the current path.
func (sc *scanner) add(format string, args ...any) {
	if len(sc.probs) >= maxProblems {
		sc.more = true
		return
	}
	sc.probs = append(sc.probs, Problem{Field: sc.pathString(), Message: fmt.Sprintf(format, args...)})
}

// pathString writes the current path: effects.outage_hours,
// affected[1].categories[0], or ["odd key"] for a key that is not a plain
// name.
func (sc *scanner) pathString() string {
	var b strings.Builder
	seg := func(k string, i int) {
		switch {
		case k == "" && i >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(i))
			b.WriteByte(']')
		case plainKey(k):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(k)
		default:
			if utf8.RuneCountInString(k) > 64 {
				k = string([]rune(k)[:64]) + "…"
			}
			b.WriteByte('[')
			b.WriteString(strconv.Quote(k))
			b.WriteByte(']')
		}
	}
	for _, p := range sc.path {
		seg(p.key, p.index)
	}
	return b.String()
}

// plainKey reports whether k can stand in a path without quotes.
func plainKey(k string) bool {
	if k == "" || len(k) > 64 || k == "(document)" {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// value scans one value at sc.pos against s; a nil s accepts any value.
func (sc *scanner) value(s *shape, depth int) {
	if sc.syntax {
		return
	}
	if sc.pos >= len(sc.data) {
		sc.syntax = true
		return
	}
	if c := sc.data[sc.pos]; (c == '{' || c == '[') && depth >= maxDepth {
		sc.syntax = true // encoding/json: exceeded max depth
		return
	}
	var got string
	switch c := sc.data[sc.pos]; {
	case c == '{':
		if s == nil || s.typ == typeObject {
			sc.object(s, depth+1)
			return
		}
		got = "object"
		sc.object(nil, depth+1)
	case c == '[':
		if s == nil || s.typ == typeArray {
			sc.array(s, depth+1)
			return
		}
		got = "array"
		sc.array(nil, depth+1)
	case c == '"':
		sc.str()
		if s == nil || s.typ == typeString {
			return
		}
		got = "string"
	case c == 't', c == 'f', c == 'n':
		lit := "null"
		if c == 't' {
			lit = "true"
		} else if c == 'f' {
			lit = "false"
		}
		if !bytes.HasPrefix(sc.data[sc.pos:], []byte(lit)) {
			sc.syntax = true
			return
		}
		sc.pos += len(lit)
		if s == nil || c == 'n' || s.typ == typeBool {
			return
		}
		got = lit
	case c == '-' || c >= '0' && c <= '9':
		start := sc.pos
		sc.number()
		if sc.syntax || s == nil {
			return
		}
		lit := string(sc.data[start:sc.pos])
		switch s.typ {
		case typeNumber:
			if _, err := strconv.ParseFloat(lit, 64); err != nil {
				sc.add("number %s is out of range", shorten(lit))
			}
			return
		case typeInteger:
			if _, err := strconv.ParseInt(lit, 10, 0); err != nil {
				sc.add("must be a whole number, got JSON number %s", shorten(lit))
			}
			return
		}
		got = "number"
	default:
		sc.syntax = true
		return
	}
	if !sc.syntax {
		sc.add("must be %s, got JSON %s", s.typ.what(), got)
	}
}

func shorten(lit string) string {
	if len(lit) > 32 {
		return lit[:32] + "…"
	}
	return lit
}

// object scans an object at sc.pos. Against a shape, every key must be one
// of its fields, spelled exactly, once.
func (sc *scanner) object(s *shape, depth int) {
	sc.pos++ // '{'
	sc.ws()
	if sc.pos < len(sc.data) && sc.data[sc.pos] == '}' {
		sc.pos++
		return
	}
	var seen uint64
	var keys map[string]bool // of a keyed object
	for !sc.syntax {
		if sc.pos >= len(sc.data) || sc.data[sc.pos] != '"' {
			sc.syntax = true
			return
		}
		start := sc.pos
		escaped := sc.str()
		if sc.syntax {
			return
		}
		raw := sc.data[start+1 : sc.pos-1]
		if escaped {
			var k string
			if json.Unmarshal(sc.data[start:sc.pos], &k) != nil {
				sc.syntax = true
				return
			}
			raw = []byte(k)
		}
		sc.ws()
		if sc.pos >= len(sc.data) || sc.data[sc.pos] != ':' {
			sc.syntax = true
			return
		}
		sc.pos++
		sc.ws()
		if depth == 1 && bytes.EqualFold(raw, []byte("specversion")) {
			sc.envelope = true
		}
		switch {
		case s == nil:
			sc.value(nil, depth)
		case s.keyed:
			sc.push(pathSeg{key: string(raw), index: -1})
			if keys == nil {
				keys = map[string]bool{}
			}
			if keys[string(raw)] {
				sc.add("appears more than once; give each key once")
			}
			keys[string(raw)] = true
			sc.value(s.elem, depth)
			sc.pop()
		default:
			i, exact := s.field(raw)
			if i < 0 {
				sc.push(pathSeg{key: string(raw), index: -1})
				sc.add("unknown field")
				sc.value(nil, depth)
			} else {
				sc.push(pathSeg{key: s.fields[i].name, index: -1})
				switch {
				case seen&(1<<i) != 0:
					sc.add("appears more than once; give each field once")
				case !exact:
					sc.add("key %q must be written %q (keys are case-sensitive)", raw, s.fields[i].name)
				}
				seen |= 1 << i
				sc.value(s.fields[i].shape, depth)
			}
			sc.pop()
		}
		sc.ws()
		if sc.pos >= len(sc.data) {
			sc.syntax = true
			return
		}
		switch sc.data[sc.pos] {
		case ',':
			sc.pos++
			sc.ws()
		case '}':
			sc.pos++
			return
		default:
			sc.syntax = true
			return
		}
	}
}

// field finds key among s's fields: exactly, or else ignoring case as
// encoding/json would. It returns -1 when no field matches.
func (s *shape) field(key []byte) (i int, exact bool) {
	for i, f := range s.fields {
		if string(key) == f.name {
			return i, true
		}
	}
	for i, f := range s.fields {
		if bytes.EqualFold(key, []byte(f.name)) {
			return i, false
		}
	}
	return -1, false
}

// array scans an array at sc.pos, each element against s.elem.
func (sc *scanner) array(s *shape, depth int) {
	sc.pos++ // '['
	sc.ws()
	if sc.pos < len(sc.data) && sc.data[sc.pos] == ']' {
		sc.pos++
		return
	}
	var elem *shape
	if s != nil {
		elem = s.elem
	}
	for i := 0; !sc.syntax; i++ {
		if elem != nil {
			sc.push(pathSeg{index: i})
			sc.value(elem, depth)
			sc.pop()
		} else {
			sc.value(nil, depth)
		}
		sc.ws()
		if sc.pos >= len(sc.data) {
			sc.syntax = true
			return
		}
		switch sc.data[sc.pos] {
		case ',':
			sc.pos++
			sc.ws()
		case ']':
			sc.pos++
			return
		default:
			sc.syntax = true
			return
		}
	}
}

// str skips a string at sc.pos and reports whether it holds escapes.
func (sc *scanner) str() (escaped bool) {
	sc.pos++ // '"'
	for sc.pos < len(sc.data) {
		c := sc.data[sc.pos]
		switch {
		case c == '"':
			sc.pos++
			return escaped
		case c < 0x20:
			sc.syntax = true
			return escaped
		case c == '\\':
			escaped = true
			if sc.pos+1 >= len(sc.data) {
				sc.syntax = true
				return escaped
			}
			switch sc.data[sc.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				sc.pos += 2
			case 'u':
				if sc.pos+6 > len(sc.data) {
					sc.syntax = true
					return escaped
				}
				for _, h := range sc.data[sc.pos+2 : sc.pos+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						sc.syntax = true
						return escaped
					}
				}
				sc.pos += 6
			default:
				sc.syntax = true
				return escaped
			}
		default:
			sc.pos++
		}
	}
	sc.syntax = true
	return escaped
}

// number skips a number at sc.pos: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *scanner) number() {
	d := sc.data
	if d[sc.pos] == '-' {
		sc.pos++
	}
	digits := func() bool {
		start := sc.pos
		for sc.pos < len(d) && d[sc.pos] >= '0' && d[sc.pos] <= '9' {
			sc.pos++
		}
		return sc.pos > start
	}
	switch {
	case sc.pos < len(d) && d[sc.pos] == '0':
		sc.pos++
	case !digits():
		sc.syntax = true
		return
	}
	if sc.pos < len(d) && d[sc.pos] == '.' {
		sc.pos++
		if !digits() {
			sc.syntax = true
			return
		}
	}
	if sc.pos < len(d) && (d[sc.pos] == 'e' || d[sc.pos] == 'E') {
		sc.pos++
		if sc.pos < len(d) && (d[sc.pos] == '+' || d[sc.pos] == '-') {
			sc.pos++
		}
		if !digits() {
			sc.syntax = true
		}
	}
}
