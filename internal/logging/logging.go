// Package logging builds breach's logrus logger: JSON in production, text
// on a terminal, and a redacting formatter that keeps e-mail addresses,
// phone numbers and personal names out of log lines.
//
// What the formatter removes, in the message and in every field (nested
// maps, structs and slices included): e-mail addresses; phone numbers, both
// international (+44 20 7946 0958) and national (13800138000, 020 7946
// 0958, 0151 23456789: any standalone run of 9 or more digits with single
// spaces, dashes, dots or parentheses between them); and the whole value of
// every field whose key denotes personal data (name, email, phone,
// recipient, approver, person, user, guardian, contact … see
// IsPersonalKey), at any depth. Timestamps, IP addresses, decimal numbers,
// ids and hashes that contain such a run, and numbers that follow a counter
// word ("seq 1234567890") survive; numeric fields (stream_seq, delivered,
// count) are never touched, nor is a bare number under a key that names a
// count, a sequence or an id (request_id: "123456789012").
//
// What it cannot remove: a personal name inside free text, such as a
// message "notice for Ada Lovelace". No pattern tells a name from other
// words, so keeping names out of messages and non-personal keys is the
// caller's job: log constant messages, and put values in fields whose key
// says what they are.
package logging

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"

	"github.com/sirupsen/logrus"
	"golang.org/x/term"
)

// New returns a logger writing to out at level ("debug", "info", "warn",
// "error") in format ("json", "text", or "auto": text when out is a
// terminal, JSON otherwise), every line redacted.
func New(out io.Writer, level, format string) (*logrus.Logger, error) {
	lvl, err := logrus.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	var inner logrus.Formatter
	switch format {
	case "json":
		inner = jsonFormatter()
	case "text":
		inner = &logrus.TextFormatter{FullTimestamp: true}
	case "auto", "":
		if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			inner = &logrus.TextFormatter{FullTimestamp: true}
		} else {
			inner = jsonFormatter()
		}
	default:
		return nil, fmt.Errorf("log format %q is not one of auto, json, text", format)
	}
	l := logrus.New()
	l.SetOutput(out)
	l.SetLevel(lvl)
	l.SetFormatter(&RedactingFormatter{Inner: inner})
	return l, nil
}

// Discard returns a logger that writes nothing, for tests and library
// defaults.
func Discard() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

func jsonFormatter() logrus.Formatter {
	return &logrus.JSONFormatter{FieldMap: logrus.FieldMap{logrus.FieldKeyMsg: "message"}, TimestampFormat: "2006-01-02T15:04:05.000Z07:00"}
}

// Redacted replaces personal data in a log line.
const Redacted = "[redacted]"

// personalKeys are field names whose values are personal data whatever
// they hold. Matching ignores case, '-', '_' and '.'.
var personalKeys = map[string]bool{
	"name": true, "fullname": true, "firstname": true, "lastname": true, "recipient": true, "recipientname": true,
	"email": true, "emailaddress": true, "to": true, "from": true, "cc": true, "bcc": true, "address": true, "rcpt": true,
	"phone": true, "phonenumber": true, "mobile": true, "msisdn": true, "postaladdress": true, "guardianemail": true,
	"guardianphone": true, "guardianname": true, "guardian": true, "contact": true, "token": true, "devicetoken": true,
	"password": true, "secret": true, "authorization": true, "dateofbirth": true, "dob": true, "by": true,
	"birthdate": true, "owner": true, "author": true, "reporter": true, "requester": true, "assignee": true,
	"sender": true, "customer": true, "patient": true, "employee": true, "member": true, "subjectname": true,
	"datasubject": true, "street": true, "postcode": true, "zip": true, "ssn": true, "nationalid": true,
}

// personalParts make any key that contains them personal ("approver",
// "approved_by_person", "user_id", "guardian_contact").
var personalParts = []string{"approver", "person", "recipient", "guardian", "contact", "user", "email", "phone", "mobile", "address", "birth"}

// personalSuffixes make any key that ends with them personal
// ("subject_name", "approved_by", "api_token").
var personalSuffixes = []string{"name", "by", "token", "password", "secret"}

// notPersonal are keys that end like a personal key but name a thing.
var notPersonal = map[string]bool{"channelname": true, "servername": true, "streamname": true, "hostname": true, "filename": true}

// IsPersonalKey reports whether a log field (or a map key or struct field
// inside one) of that name carries personal data.
func IsPersonalKey(key string) bool {
	k := strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "").Replace(key))
	if personalKeys[k] {
		return true
	}
	if notPersonal[k] {
		return false
	}
	for _, p := range personalParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	for _, p := range personalSuffixes {
		if strings.HasSuffix(k, p) {
			return true
		}
	}
	return false
}

var (
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`)
	// intlPhoneRe: international form with a leading + (E.164 and spaced),
	// and the North American (555) 555-0100 / 555-555-0100 form.
	intlPhoneRe = regexp.MustCompile(`\+\d[\d\s().\-]{5,}\d|\(\d{3}\)\s?\d{3}[\s.\-]\d{4}\b|\b\d{3}[.\-]\d{3}[.\-]\d{4}\b`)
	// numberRe finds, leftmost first, what must survive (group 1: an ISO
	// date or date-time, a clock time), numbers of four or more dotted
	// groups (group 2: an IPv4 address survives, 01.23.45.67.89 does not)
	// and candidate national phone numbers (group 3: digit groups joined by
	// single spaces, dashes, dots or parentheses).
	numberRe = regexp.MustCompile(`(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?)?` +
		`|\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)` +
		`|(\d+(?:\.\d+){3,}(?::\d+)?)` +
		`|(\(?\d+(?:(?:\)[ .\-]?|[ .\-]\(?)\d+)*)`)
	ipv4Re    = regexp.MustCompile(`^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$`)
	decimalRe = regexp.MustCompile(`^\d+\.\d+$`)
	// counterRe: a number right after one of these words is a count or a
	// sequence, not a phone number ("seq 1234567890", "delivered=123456789").
	counterRe = regexp.MustCompile(`(?i)\b(?:seq|sequence|stream_seq|consumer_seq|delivered|count|total|offset|pending|lag|bytes|size|pid|port|revision|attempts?)[ =:#]{0,2}$`)
)

// minPhoneDigits is the fewest digits a national phone number has (a
// 9-digit French or Swiss number without its trunk 0).
const minPhoneDigits = 9

// Scrub removes e-mail addresses and phone numbers from free text.
func Scrub(s string) string {
	if !strings.ContainsAny(s, "@+0123456789") {
		return s
	}
	s = emailRe.ReplaceAllString(s, Redacted)
	s = intlPhoneRe.ReplaceAllString(s, Redacted)
	return scrubNational(s)
}

// scrubNational replaces national phone numbers: standalone runs of
// minPhoneDigits or more digits, with single separators.
func scrubNational(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range numberRe.FindAllStringSubmatchIndex(s, -1) {
		start, end := m[6], m[7]
		if m[4] >= 0 && !ipv4Re.MatchString(s[m[4]:m[5]]) {
			start, end = m[4], m[5]
		}
		if start < 0 || !isPhone(s, start, end) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(Redacted)
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// isPhone reports whether the candidate s[start:end] is a phone number:
// enough digits, not part of a longer token (an id such as INC-2026-…, a
// hash, a duration such as 123456789ms), not a decimal number and not a
// count after a counter word.
func isPhone(s string, start, end int) bool {
	c := s[start:end]
	digits := 0
	for _, r := range c {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits < minPhoneDigits || decimalRe.MatchString(c) {
		return false
	}
	if start > 0 {
		prev := s[start-1]
		if isWordByte(prev) || strings.IndexByte("-_/.#", prev) >= 0 && start > 1 && isWordByte(s[start-2]) {
			return false
		}
	}
	if end < len(s) {
		next := s[end]
		if isWordByte(next) || strings.IndexByte("-_/", next) >= 0 && end+1 < len(s) && isWordByte(s[end+1]) {
			return false
		}
	}
	return !counterRe.MatchString(s[:start])
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// RedactingFormatter removes personal data from every entry, then delegates
// to Inner. Fields whose names denote personal data are replaced whole;
// e-mail addresses and phone numbers are scrubbed from the message and every
// other field; maps, structs and slices are walked, so that a personal key
// inside one is replaced too. It copies the entry's data, so hooks that run
// later see the original only if registered before it (register none that
// ship logs).
type RedactingFormatter struct {
	Inner logrus.Formatter
}

// Format implements logrus.Formatter.
func (f *RedactingFormatter) Format(e *logrus.Entry) ([]byte, error) {
	clean := *e
	clean.Message = Scrub(e.Message)
	clean.Data = make(logrus.Fields, len(e.Data))
	for k, v := range e.Data {
		clean.Data[k] = redactField(k, v)
	}
	return f.Inner.Format(&clean)
}

// redactField returns a field's value for the log line: Redacted under a
// personal key, numbers and booleans as they are, everything else as
// scrubbed text.
func redactField(key string, v any) any {
	if IsPersonalKey(key) {
		return Redacted
	}
	if v == nil {
		return nil
	}
	switch v.(type) {
	case error, fmt.Stringer, fmt.Formatter:
	default:
		switch reflect.ValueOf(v).Kind() {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			return v
		}
	}
	return fmt.Sprint(walkField(key, reflect.ValueOf(v), 0))
}

// numberKeys are keys (after their last '_') whose text value, when it is
// a bare number, is a count, a sequence or an id, not a phone number.
var numberKeys = map[string]bool{"seq": true, "sequence": true, "count": true, "delivered": true, "total": true, "offset": true,
	"pending": true, "lag": true, "bytes": true, "size": true, "attempt": true, "attempts": true, "revision": true, "id": true,
	"incident": true, "notice": true}

// isNumberKey reports whether key names a count, a sequence or an id
// ("stream_seq", "delivered", "request_id").
func isNumberKey(key string) bool {
	k := strings.ToLower(key)
	if i := strings.LastIndexAny(k, "_-."); i >= 0 {
		k = k[i+1:]
	}
	return numberKeys[k]
}

// walkField walks the value of a map key or struct field: Redacted under a
// personal key; a bare number under a number key as it is.
func walkField(key string, v reflect.Value, depth int) any {
	switch {
	case IsPersonalKey(key):
		return Redacted
	case isNumberKey(key) && v.Kind() == reflect.String && isDigits(v.String()):
		return v.String()
	}
	return walk(v, depth)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// maxDepth bounds the walk through nested values (and cycles).
const maxDepth = 8

// walk returns a copy of v fit for fmt: text scrubbed, values under
// personal keys (map keys, struct fields) replaced, structs turned into
// maps keyed by field name. Values that print themselves (error,
// fmt.Stringer, fmt.Formatter) are printed, then scrubbed.
func walk(v reflect.Value, depth int) any {
	if !v.IsValid() {
		return nil
	}
	if depth > maxDepth {
		return "…"
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case error:
			return Scrub(x.Error())
		case fmt.Stringer:
			return Scrub(x.String())
		case fmt.Formatter:
			return Scrub(fmt.Sprint(x))
		case []byte:
			return Scrub(string(x))
		}
	} else if printsItself(v.Type()) {
		return Redacted // fmt could not call its method either; never guess
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walk(v.Elem(), depth+1)
	case reflect.String:
		return Scrub(v.String())
	case reflect.Map:
		return walkMap(v, depth)
	case reflect.Struct:
		return walkStruct(v, depth)
	case reflect.Slice, reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = walk(v.Index(i), depth+1)
		}
		return out
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return v.Kind().String() // channels, funcs: their kind, never their content
}

func walkMap(v reflect.Value, depth int) map[string]any {
	out := make(map[string]any, v.Len())
	it := v.MapRange()
	for it.Next() {
		k := fmt.Sprint(walk(it.Key(), depth+1))
		out[k] = walkField(k, it.Value(), depth+1)
	}
	return out
}

func walkStruct(v reflect.Value, depth int) map[string]any {
	t := v.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Name
		if tag := strings.Split(f.Tag.Get("json"), ",")[0]; tag != "" && tag != "-" {
			name = tag
		}
		if IsPersonalKey(f.Name) {
			out[name] = Redacted
			continue
		}
		out[name] = walkField(name, v.Field(i), depth+1)
	}
	return out
}

// printsItself reports whether values of t (or *t) format themselves; such
// a value in an unexported field cannot be asked how.
func printsItself(t reflect.Type) bool {
	for _, tt := range []reflect.Type{t, reflect.PointerTo(t)} {
		if tt.Implements(reflect.TypeFor[fmt.Stringer]()) || tt.Implements(reflect.TypeFor[error]()) || tt.Implements(reflect.TypeFor[fmt.Formatter]()) {
			return true
		}
	}
	return false
}
