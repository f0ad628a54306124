package inventory

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Subject is one person of the subject directory (docs/inventory.md).
type Subject struct {
	ID            string
	Name          string
	Email         string
	Phone         string
	Locale        string
	Country       string
	Region        string
	Minor         bool
	GuardianEmail string
	GuardianPhone string
	PostalAddress string
	Systems       []string
	Devices       []Device
}

// Device is a push-notification endpoint of a person: an APNs or FCM token,
// or a Web Push subscription (the browser's PushSubscription JSON).
type Device struct {
	Platform     string          `json:"platform"`
	Token        string          `json:"token,omitempty"`
	Subscription json.RawMessage `json:"subscription,omitempty"`
}

// Push platforms a Device may name.
const (
	PlatformWebPush = "webpush"
	PlatformAPNs    = "apns"
	PlatformFCM     = "fcm"
)

// HasContact reports whether the person can be reached individually: a
// usable e-mail address, phone number, push device or postal address, or,
// for a minor, a guardian's e-mail address or phone number.
func (s *Subject) HasContact() bool {
	if s.Email != "" || s.Phone != "" || s.PostalAddress != "" {
		return true
	}
	for _, d := range s.Devices {
		if d.Token != "" || len(d.Subscription) > 0 {
			return true
		}
	}
	return s.Minor && (s.GuardianEmail != "" || s.GuardianPhone != "")
}

// Jurisdiction returns the jurisdiction id of the person's country and
// region (see the function Jurisdiction).
func (s *Subject) Jurisdiction() string { return Jurisdiction(s.Country, s.Region) }

// InSystem reports whether the person is in the system with the given id.
func (s *Subject) InSystem(id string) bool {
	for _, x := range s.Systems {
		if x == id {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of s that later DirectoryReader.Next calls do
// not touch.
func (s *Subject) Clone() *Subject {
	c := *s
	c.Systems = append([]string(nil), s.Systems...)
	if s.Devices != nil {
		c.Devices = make([]Device, len(s.Devices))
		for i, d := range s.Devices {
			d.Subscription = append(json.RawMessage(nil), d.Subscription...)
			c.Devices[i] = d
		}
	}
	return &c
}

// RowError is a problem with one row of the subject directory, with the
// line it starts on. Next returns it as an error when the row cannot be used
// for an assessment (no id, a bad or missing country, a US row without a
// state, no systems, an unknown system, malformed CSV or JSON, a row longer
// than MaxRecordBytes or MaxLineBytes, an id an earlier row already has):
// the reader
// skips the row and the next call to Next continues with the following one.
// A problem with a contact or preference field is a warning instead
// (Warning is true): Next returns the row with that field cleared and the
// reader reports the warning through RowWarnings and Warnings. Reason never
// quotes a name, e-mail address, phone number or postal address.
type RowError struct {
	File    string // the directory's path as given to OpenDirectory
	Line    int    // line where the row starts (1 is the CSV header)
	ID      string // the row's id, "" when it has none
	Field   string // for a warning, the column that was cleared ("" for an ignored unknown JSONL field)
	Warning bool   // the row was kept; only Field was cleared
	Reason  string
}

// Error reads "subjects.csv:17: row u-9: unknown system \"x\"", or for a
// warning "subjects.csv:18: row u-10: warning: email is not a plausible
// e-mail address; ignored". An id that looks like an e-mail address or phone
// number is left out.
func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteString(": ")
	if e.ID != "" && !strings.ContainsRune(e.ID, '@') && !strings.HasPrefix(e.ID, "+") {
		b.WriteString("row ")
		b.WriteString(e.ID)
		b.WriteString(": ")
	}
	if e.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Format is a subject-directory file format.
type Format int

// The directory formats of docs/inventory.md.
const (
	FormatCSV Format = iota + 1
	FormatJSONL
)

// FormatOf returns the format a path's extension names (.csv or .jsonl).
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return FormatCSV, nil
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	}
	return 0, fmt.Errorf("subject directory %s: unknown format; the name must end in .csv or .jsonl", path)
}

// Columns lists the subject directory's CSV columns in the order of
// docs/directory.md. A header may hold them in any order; id, country and
// systems are required.
var Columns = []string{"id", "name", "email", "phone", "locale", "country", "region", "minor",
	"guardian_email", "guardian_phone", "postal_address", "systems"}

const (
	colID = iota
	colName
	colEmail
	colPhone
	colLocale
	colCountry
	colRegion
	colMinor
	colGuardianEmail
	colGuardianPhone
	colPostalAddress
	colSystems
	numCols
)

// MaxLineBytes is the longest JSONL row read; a longer row is a RowError.
// CSV rows are bounded by MaxRecordBytes and MaxRecordLines.
const MaxLineBytes = 1 << 20

// MaxWarnings is how many warnings WarningSummary.First keeps; later ones are
// only counted.
const MaxWarnings = 100

// DirectoryReader streams the subject directory row by row. Rows it cannot
// use are errors of Next; malformed contact and preference fields are
// cleared and reported by RowWarnings and Warnings.
//
// A row whose id an earlier usable row already has is an error of Next too,
// so that nobody is counted twice. Checking that costs the only memory
// that grows with the directory: a 128-bit fingerprint per distinct id, 16
// bytes a slot at a load of 1/2 to 3/4, so 21 to 32 bytes a person (about
// 27 MB for a million people); see idSet. Everything else is bounded by
// one row (MaxRecordBytes, MaxLineBytes).
type DirectoryReader struct {
	name   string
	inv    *Inventory
	closer io.Closer
	format Format
	br     *bufio.Reader
	err    error // sticky fatal error

	// CSV
	c    csvState
	cols [numCols]int // column index of each field, -1 when absent
	ncol int

	ids idSet // the ids of the usable rows so far

	// JSONL
	line int
	buf  []byte
	row  jsonRow
	jsys []string

	subj Subject
	sys  []string
	devs []Device

	// Warnings: those of the row Next last returned (reused, materialised
	// only on demand so that rows stay allocation-free) and the totals.
	warns    []warning
	warnLine int
	summary  WarningSummary
}

// WarningSummary counts the warnings of the rows a DirectoryReader has
// returned so far.
type WarningSummary struct {
	Rows   int         // rows returned with at least one warning
	Fields int         // warnings in all (fields cleared or ignored)
	First  []*RowError // the first MaxWarnings warnings, in file order
}

// warning is one contact or preference problem of the current row, kept in
// a form that costs no allocation until it is reported.
type warning struct {
	code  warnCode
	value string // a non-personal value the reason quotes (locale, minor, region, field name, platform)
	index int    // the device's index for warnDevice
	text  string // a fixed reason for warnDevice and warnJSONType
}

type warnCode uint8

const (
	warnName warnCode = iota + 1
	warnEmail
	warnPhone
	warnLocale
	warnRegion
	warnMinor
	warnGuardianEmail
	warnGuardianPhone
	warnPostal
	warnDevice
	warnDevices
	warnUnknownField
	warnJSONType
)

// OpenDirectory opens the subject directory at path, choosing the format by
// its extension (.csv or .jsonl), and reads the CSV header. When inv is not
// nil every row's systems must be systems of the inventory.
func OpenDirectory(path string, inv *Inventory) (*DirectoryReader, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open subject directory: %w", err)
	}
	r, err := NewDirectoryReader(f, path, format, inv)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewDirectoryReader reads a subject directory in the given format from rd;
// name is used in errors. Close does not close rd.
func NewDirectoryReader(rd io.Reader, name string, format Format, inv *Inventory) (*DirectoryReader, error) {
	r := &DirectoryReader{name: name, inv: inv, format: format, br: bufio.NewReaderSize(rd, 256<<10)}
	if b, err := r.br.Peek(3); err == nil && bytes.Equal(b, []byte("\uFEFF")) {
		r.br.Discard(3)
	}
	switch format {
	case FormatCSV:
		if err := r.header(); err != nil {
			return nil, err
		}
	case FormatJSONL:
	default:
		return nil, fmt.Errorf("subject directory %s: unknown format %d", name, format)
	}
	return r, nil
}

func (r *DirectoryReader) header() error {
	r.c.feedBuf = bufio.NewReaderSize(&r.c.feed, 4096)
	r.c.csv = csv.NewReader(r.c.feedBuf)
	r.c.csv.ReuseRecord = true
	_, bad, err := r.nextRecord()
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: the file is empty; it needs a header row such as %s", r.name, strings.Join(Columns, ","))
	case err != nil:
		return err
	case bad != nil:
		return fmt.Errorf("%s:1: header: %w", r.name, csvReason(bad))
	}
	rec, err := r.readCSV()
	if err != nil {
		return fmt.Errorf("%s:1: header: %w", r.name, csvReason(err))
	}
	for i := range r.cols {
		r.cols[i] = -1
	}
	var probs []string
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		idx := -1
		for j, c := range Columns {
			if c == h {
				idx = j
			}
		}
		switch {
		case h == "":
			probs = append(probs, fmt.Sprintf("column %d has no name", i+1))
		case idx < 0 && looksLikeData(h):
			// A header cell that looks like a value (an address, a
			// number, a long text) is a missing header row: never quote
			// it, it is someone's personal data.
			probs = append(probs, fmt.Sprintf("column %d is not a known column and looks like data: the first row must be the header (%s)", i+1, strings.Join(Columns, ",")))
		case idx < 0:
			probs = append(probs, fmt.Sprintf("unknown column %q%s", h, suggest(h, Columns)))
		case r.cols[idx] >= 0:
			probs = append(probs, fmt.Sprintf("column %q appears twice", h))
		default:
			r.cols[idx] = i
		}
	}
	for _, req := range []int{colID, colCountry, colSystems} {
		if r.cols[req] < 0 {
			probs = append(probs, fmt.Sprintf("required column %q is missing", Columns[req]))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%s:1: header: %s (the columns are %s)", r.name, strings.Join(probs, "; "), strings.Join(Columns, ","))
	}
	r.ncol = len(rec)
	return nil
}

// Next returns the next person. It returns io.EOF after the last row. A row
// that cannot be assessed (see RowError) returns a *RowError and the
// following call continues with the next row; any other error is fatal and
// returned again by every later call.
//
// The returned *Subject and its Systems and Devices slices are reused by the
// next call, so that a million rows allocate almost nothing per row: copy
// what you keep (strings may be kept as they are; Subject.Clone copies
// everything). In CSV, minor may be true/false/yes/no/1/0 or empty; in JSONL
// it is a JSON boolean.
//
// A malformed contact or preference field (name, email, phone, locale, a
// region outside the US, minor, guardian_email, guardian_phone,
// postal_address, a device, an unknown JSONL field) does not make the row
// bad: the field is cleared (a bad minor reads as false, a bad device is
// dropped) so that nobody is written to at a malformed address, the row is
// returned, and the problem is reported by RowWarnings and Warnings.
func (r *DirectoryReader) Next() (*Subject, error) {
	r.warns = r.warns[:0]
	if r.err != nil {
		return nil, r.err
	}
	var s *Subject
	var err error
	if r.format == FormatCSV {
		s, err = r.nextCSV()
	} else {
		s, err = r.nextJSONL()
	}
	if err == nil && r.ids.add(s.ID) {
		s, err = nil, r.rowErr(r.warnLine, s.ID, "id repeats an earlier row; only the first row with this id is used")
	}
	if err != nil {
		r.warns = r.warns[:0]
		var re *RowError
		if !errors.As(err, &re) {
			r.err = err
		}
		return nil, err
	}
	if len(r.warns) > 0 {
		r.summary.Rows++
		r.summary.Fields += len(r.warns)
		for i := range r.warns {
			if len(r.summary.First) >= MaxWarnings {
				break
			}
			r.summary.First = append(r.summary.First, r.warningError(&r.warns[i]))
		}
	}
	return s, nil
}

// RowWarnings returns the warnings of the row the last call to Next
// returned, one per field cleared or ignored, or nil when the row was clean
// (or Next returned an error). It allocates only when there are warnings.
func (r *DirectoryReader) RowWarnings() []*RowError {
	if len(r.warns) == 0 {
		return nil
	}
	out := make([]*RowError, len(r.warns))
	for i := range r.warns {
		out[i] = r.warningError(&r.warns[i])
	}
	return out
}

// RowWarningCount returns how many warnings the row the last call to Next
// returned has, without allocating: len(RowWarnings()).
func (r *DirectoryReader) RowWarningCount() int { return len(r.warns) }

// Warnings returns the warnings of all rows returned so far: how many rows
// had one, how many there were, and the first MaxWarnings of them. The
// First slice is shared with the reader; do not modify it.
func (r *DirectoryReader) Warnings() WarningSummary {
	return r.summary
}

// warn records a contact or preference problem of the current row.
func (r *DirectoryReader) warn(code warnCode, value string) {
	r.warns = append(r.warns, warning{code: code, value: value})
}

// warningError materialises a warning of the current row.
func (r *DirectoryReader) warningError(w *warning) *RowError {
	var field, reason string
	switch w.code {
	case warnName:
		field, reason = "name", "name contains control characters or is too long; ignored"
	case warnEmail:
		field, reason = "email", "email is not a plausible e-mail address; ignored"
	case warnPhone:
		field, reason = "phone", "phone is not an international number (+, country code, 7-15 digits); ignored"
	case warnLocale:
		field, reason = "locale", fmt.Sprintf("locale %q is not a language tag such as en, de-DE or zh-Hans-CN; ignored", clip(w.value))
	case warnRegion:
		field, reason = "region", fmt.Sprintf("region %q must be a subdivision code of 1-3 upper-case letters or digits; ignored", clip(w.value))
	case warnMinor:
		field = "minor"
		if w.value == "" {
			reason = "minor must be true or false; read as false"
		} else {
			reason = fmt.Sprintf("minor %q is not true, false, yes, no, 1 or 0; read as false", clip(w.value))
		}
	case warnGuardianEmail:
		field, reason = "guardian_email", "guardian_email is not a plausible e-mail address; ignored"
	case warnGuardianPhone:
		field, reason = "guardian_phone", "guardian_phone is not an international number (+, country code, 7-15 digits); ignored"
	case warnPostal:
		field, reason = "postal_address", "postal_address contains control characters or is too long; ignored"
	case warnDevice:
		field = "devices"
		if w.value != "" {
			reason = fmt.Sprintf("devices[%d]: platform %q is not webpush, apns or fcm; device ignored", w.index, clip(w.value))
		} else {
			reason = fmt.Sprintf("devices[%d]: %s; device ignored", w.index, w.text)
		}
	case warnDevices:
		field, reason = "devices", "devices must be a list of objects; all devices ignored"
	case warnUnknownField:
		reason = fmt.Sprintf("unknown field %s ignored (the fields are %s, devices)", clip(w.value), strings.Join(Columns, ", "))
	case warnJSONType:
		field, reason = w.value, fmt.Sprintf("%s %s; ignored", w.value, w.text)
	}
	id := r.subj.ID
	if !validID(id) {
		id = ""
	}
	return &RowError{File: r.name, Line: r.warnLine, ID: id, Field: field, Warning: true, Reason: reason}
}

// Close releases the file opened by OpenDirectory.
func (r *DirectoryReader) Close() error {
	r.err = errors.New("subject directory reader is closed")
	if r.closer == nil {
		return nil
	}
	c := r.closer
	r.closer = nil
	return c.Close()
}

func (r *DirectoryReader) rowErr(line int, id, format string, args ...any) *RowError {
	if !validID(id) {
		id = ""
	}
	return &RowError{File: r.name, Line: line, ID: id, Reason: fmt.Sprintf(format, args...)}
}

func csvReason(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, errRecordTooLong) {
		return err
	}
	return fmt.Errorf("malformed CSV: %w", err)
}

func (r *DirectoryReader) nextCSV() (*Subject, error) {
	line, bad, err := r.nextRecord()
	switch {
	case err != nil:
		return nil, err
	case bad != nil:
		return nil, r.rowErr(line, "", "%v", csvReason(bad))
	}
	rec, err := r.readCSV()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return nil, r.rowErr(line, "", "malformed CSV: the row ends early")
		case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
			// The columns are misaligned, so the id column may hold
			// anything: a line of a broken quoted field (an address) read
			// as a row has one field. Quote only what looks like an id.
			id := ""
			if i := r.cols[colID]; i < len(rec) && len(rec) > 1 {
				id = strings.TrimSpace(rec[i])
			}
			if strings.ContainsAny(id, " \t") {
				id = ""
			}
			return nil, r.rowErr(line, id, "has %d fields but the header has %d", len(rec), r.ncol)
		case errors.As(err, &pe):
			return nil, r.rowErr(line, "", "%v", csvReason(err))
		}
		return nil, fmt.Errorf("read subject directory %s: %w", r.name, err)
	}
	field := func(c int) string {
		if i := r.cols[c]; i >= 0 {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	s := &r.subj
	*s = Subject{
		ID: field(colID), Name: field(colName), Email: field(colEmail), Phone: field(colPhone),
		Locale: field(colLocale), Country: field(colCountry), Region: field(colRegion),
		GuardianEmail: field(colGuardianEmail), GuardianPhone: field(colGuardianPhone),
		PostalAddress: field(colPostalAddress),
	}
	r.warnLine = line
	minor, ok := parseMinor(field(colMinor))
	if !ok {
		r.warn(warnMinor, field(colMinor))
	}
	s.Minor = minor
	r.sys = r.sys[:0]
	sys := field(colSystems)
	for sys != "" {
		var part string
		if i := strings.IndexByte(sys, ';'); i >= 0 {
			part, sys = sys[:i], sys[i+1:]
		} else {
			part, sys = sys, ""
		}
		r.sys = appendSystem(r.sys, strings.TrimSpace(part))
	}
	s.Systems = r.sys
	if reason := r.check(s); reason != "" {
		return nil, r.rowErr(line, s.ID, "%s", reason)
	}
	r.clean(s)
	return s, nil
}

// appendSystem adds id unless it is empty or already present.
func appendSystem(list []string, id string) []string {
	if id == "" {
		return list
	}
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}

func parseMinor(v string) (minor, ok bool) {
	switch {
	case v == "":
		return false, true
	case v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes"):
		return true, true
	case v == "0" || strings.EqualFold(v, "false") || strings.EqualFold(v, "no"):
		return false, true
	}
	return false, false
}

// jsonRow is one JSONL row as it travels.
type jsonRow struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	Phone         string   `json:"phone"`
	Locale        string   `json:"locale"`
	Country       string   `json:"country"`
	Region        string   `json:"region"`
	Minor         *bool    `json:"minor"`
	GuardianEmail string   `json:"guardian_email"`
	GuardianPhone string   `json:"guardian_phone"`
	PostalAddress string   `json:"postal_address"`
	Systems       []string `json:"systems"`
	Devices       []Device `json:"devices"`
}

// readLine returns the next line without its line ending; tooLong reports
// a line over MaxLineBytes, of which only the start is returned.
func (r *DirectoryReader) readLine() (line []byte, tooLong bool, err error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) <= MaxLineBytes {
			r.buf = append(r.buf, chunk...)
		} else {
			tooLong = true
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(r.buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
		case err != nil:
			return nil, false, fmt.Errorf("read subject directory %s: %w", r.name, err)
		}
		r.line++
		return bytes.TrimRight(r.buf, "\r\n"), tooLong, nil
	}
}

func (r *DirectoryReader) nextJSONL() (*Subject, error) {
	for {
		raw, tooLong, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if tooLong {
			return nil, r.rowErr(r.line, "", "line is longer than %d bytes", MaxLineBytes)
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		return r.decodeJSONL(raw)
	}
}

func (r *DirectoryReader) decodeJSONL(raw []byte) (*Subject, error) {
	line := r.line
	if !utf8.Valid(raw) {
		return nil, r.rowErr(line, "", "is not valid UTF-8")
	}
	if raw[0] != '{' {
		return nil, r.rowErr(line, "", "is not a JSON object")
	}
	// Reuse the row's slices; clear old devices so that no field of an
	// earlier row survives into this one.
	clear(r.devs[:cap(r.devs)])
	r.row = jsonRow{Systems: r.jsys[:0], Devices: r.devs[:0]}
	r.warnLine = line
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r.row); err != nil {
		// encoding/json finishes the object after an unknown field or a
		// value of the wrong type and reports the first such problem; one
		// in a contact or preference field only costs that field.
		if !r.softJSONError(err) {
			return nil, r.rowErr(line, r.row.ID, "%s", jsonReason(err))
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, r.rowErr(line, r.row.ID, "unexpected data after the JSON object")
	}
	w := &r.row
	s := &r.subj
	*s = Subject{
		ID: strings.TrimSpace(w.ID), Name: strings.TrimSpace(w.Name), Email: strings.TrimSpace(w.Email),
		Phone: strings.TrimSpace(w.Phone), Locale: strings.TrimSpace(w.Locale), Country: strings.TrimSpace(w.Country),
		Region: strings.TrimSpace(w.Region), Minor: w.Minor != nil && *w.Minor,
		GuardianEmail: strings.TrimSpace(w.GuardianEmail), GuardianPhone: strings.TrimSpace(w.GuardianPhone),
		PostalAddress: strings.TrimSpace(w.PostalAddress),
	}
	r.jsys = w.Systems
	r.sys = r.sys[:0]
	for _, id := range w.Systems {
		r.sys = appendSystem(r.sys, strings.TrimSpace(id))
	}
	s.Systems = r.sys
	r.devs = w.Devices
	if len(w.Devices) > 0 {
		s.Devices = w.Devices
	}
	if reason := r.check(s); reason != "" {
		return nil, r.rowErr(line, s.ID, "%s", reason)
	}
	r.clean(s)
	if len(s.Devices) > 0 {
		kept := s.Devices[:0]
		for i, d := range s.Devices {
			if reason, platform := checkDevice(d); reason != "" {
				r.warns = append(r.warns, warning{code: warnDevice, index: i, value: platform, text: reason})
				continue
			}
			kept = append(kept, d)
		}
		clear(s.Devices[len(kept):])
		s.Devices = kept
		if len(kept) == 0 {
			s.Devices = nil
		}
	}
	return s, nil
}

// softJSONError reports whether err, from decoding a JSONL row, only
// concerns a contact or preference field or an unknown field, and records
// the warning; the rest of the row was decoded.
func (r *DirectoryReader) softJSONError(err error) bool {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		top, _, _ := strings.Cut(te.Field, ".")
		switch top {
		case "devices":
			r.row.Devices = nil
			r.warn(warnDevices, "")
			return true
		case "minor":
			r.row.Minor = nil
			r.warn(warnMinor, "")
			return true
		case "name", "email", "phone", "locale", "region", "guardian_email", "guardian_phone", "postal_address":
			r.warns = append(r.warns, warning{code: warnJSONType, value: top, text: "must be a string"})
			return true
		}
		return false
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		r.warn(warnUnknownField, f)
		return true
	}
	return false
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		want := te.Type.Kind().String()
		switch want {
		case "slice":
			want = "a list"
		case "ptr", "bool":
			want = "true or false"
		case "struct":
			want = "an object"
		}
		return fmt.Sprintf("%s must be %s, got JSON %s", te.Field, want, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "JSON ends early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// checkDevice returns why a device cannot be used, or "". For an unknown
// platform it returns the platform as well, for the reason to quote.
func checkDevice(d Device) (reason, platform string) {
	switch d.Platform {
	case PlatformAPNs:
		if strings.TrimSpace(d.Token) == "" {
			return "an apns device needs a token", ""
		}
	case PlatformFCM:
		if strings.TrimSpace(d.Token) == "" {
			return "an fcm device needs a token", ""
		}
	case PlatformWebPush:
		var sub struct {
			Endpoint string `json:"endpoint"`
		}
		if len(d.Subscription) == 0 || json.Unmarshal(d.Subscription, &sub) != nil {
			return "a webpush device needs a subscription object with an endpoint", ""
		}
		if !strings.HasPrefix(sub.Endpoint, "https://") {
			return "subscription.endpoint must be an https:// URL", ""
		}
		return "", ""
	case "":
		return "platform is required (webpush, apns or fcm)", ""
	default:
		return "platform is not webpush, apns or fcm", d.Platform
	}
	if len(d.Token) > 4096 {
		return "token is longer than 4096 bytes", ""
	}
	return "", ""
}

// check returns the reason a row cannot be used for an assessment, or "".
func (r *DirectoryReader) check(s *Subject) string {
	switch {
	case s.ID == "":
		return "id is empty"
	case !validID(s.ID):
		return "id must be at most 128 characters without control characters"
	case s.Country == "":
		return "country is empty; it must be an ISO 3166-1 alpha-2 code such as DE or US"
	case !ValidCountry(s.Country):
		if ValidCountry(strings.ToUpper(s.Country)) {
			return fmt.Sprintf("country %q must be written in upper case (%s)", s.Country, strings.ToUpper(s.Country))
		}
		return fmt.Sprintf("country %q is not an ISO 3166-1 alpha-2 code", clip(s.Country))
	case s.Country == "US" && s.Region == "":
		return "region is required for US rows (a state code such as CA or NY)"
	case s.Country == "US" && !ValidUSRegion(s.Region):
		if ValidUSRegion(strings.ToUpper(s.Region)) {
			return fmt.Sprintf("region %q must be written in upper case (%s)", s.Region, strings.ToUpper(s.Region))
		}
		return fmt.Sprintf("region %q is not a US state or territory code (such as CA, NY or DC)", clip(s.Region))
	case len(s.Systems) == 0:
		return "systems is empty; list the systems the person is in, separated by ;"
	}
	if r.inv != nil {
		for _, id := range s.Systems {
			if _, ok := r.inv.System(id); !ok {
				return fmt.Sprintf("unknown system %q", clip(id))
			}
		}
	}
	return ""
}

// clean clears the malformed contact and preference fields of a usable row,
// recording a warning for each.
func (r *DirectoryReader) clean(s *Subject) {
	if s.Region != "" && s.Country != "US" && !validRegion(s.Region) {
		r.warn(warnRegion, s.Region)
		s.Region = ""
	}
	if s.Locale != "" && !ValidLocale(s.Locale) {
		r.warn(warnLocale, s.Locale)
		s.Locale = ""
	}
	if !plainText(s.Name, false) {
		r.warn(warnName, "")
		s.Name = ""
	}
	if !plainText(s.PostalAddress, true) {
		r.warn(warnPostal, "")
		s.PostalAddress = ""
	}
	if s.Email != "" && !ValidEmail(s.Email) {
		r.warn(warnEmail, "")
		s.Email = ""
	}
	if s.Phone != "" && !ValidPhone(s.Phone) {
		r.warn(warnPhone, "")
		s.Phone = ""
	}
	if s.GuardianEmail != "" && !ValidEmail(s.GuardianEmail) {
		r.warn(warnGuardianEmail, "")
		s.GuardianEmail = ""
	}
	if s.GuardianPhone != "" && !ValidPhone(s.GuardianPhone) {
		r.warn(warnGuardianPhone, "")
		s.GuardianPhone = ""
	}
}

// clip shortens a value quoted in a reason.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func validID(id string) bool {
	if id == "" || len(id) > 128 || !utf8.ValidString(id) {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] == 0x7f {
			return false
		}
	}
	return true
}

func validRegion(r string) bool {
	if len(r) < 1 || len(r) > 3 {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func plainText(s string, multiline bool) bool {
	if len(s) > 1000 || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0x7f || c < 0x20 && c != '\t' && !(multiline && (c == '\n' || c == '\r')) {
			return false
		}
	}
	return true
}

// ValidEmail reports whether s is a plausible e-mail address: one @, a
// local part of at most 64 bytes, a dotted domain, no spaces, at most 254
// bytes in all.
func ValidEmail(s string) bool {
	if len(s) < 6 || len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at < 1 || at > 64 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' || c == '<' || c == '>' || c == '[' || c == '\\' || c == ']' {
			return false
		}
	}
	dot := strings.LastIndexByte(domain, '.')
	if dot < 1 || dot > len(domain)-3 {
		return false
	}
	for label := range strings.SplitSeq(domain, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' || len(label) > 63 {
			return false
		}
	}
	return true
}

// ValidPhone reports whether s looks like an E.164 number: a '+', a
// country code not starting with 0, and 7 to 15 digits in all, optionally
// grouped with spaces, '-', '.' or parentheses.
func ValidPhone(s string) bool {
	if len(s) < 8 || len(s) > 32 || s[0] != '+' {
		return false
	}
	digits := 0
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 0 && c == '0' {
				return false
			}
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// ValidLocale reports whether s looks like a BCP 47 language tag ("en",
// "pt-BR", "zh-Hans-CN"; '_' is accepted for '-').
func ValidLocale(s string) bool {
	if len(s) < 2 || len(s) > 35 {
		return false
	}
	first := true
	for len(s) > 0 {
		var part string
		if i := strings.IndexAny(s, "-_"); i >= 0 {
			part, s = s[:i], s[i+1:]
			if s == "" {
				return false
			}
		} else {
			part, s = s, ""
		}
		if first {
			if len(part) < 2 || len(part) > 3 || !isAlpha(part) {
				return false
			}
			first = false
			continue
		}
		if len(part) < 1 || len(part) > 8 || !isAlnum(part) {
			return false
		}
	}
	return true
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && (c|0x20 < 'a' || c|0x20 > 'z') {
			return false
		}
	}
	return true
}

// looksLikeData reports whether a header cell is more likely a value than
// a column name: column names are short lower-case words with underscores.
func looksLikeData(h string) bool {
	if len(h) > 32 {
		return true
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return true
		}
	}
	return false
}
