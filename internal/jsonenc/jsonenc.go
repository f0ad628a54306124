// Package jsonenc appends JSON values to a byte slice exactly as
// encoding/json's Marshal writes them (HTML characters escaped, invalid
// UTF-8 replaced), for the few documents written once per notice, where
// Marshal's reflection was a measurable share of the processor time.
// Types that use it keep their struct tags, are decoded with
// encoding/json, and are tested byte for byte against Marshal.
package jsonenc

import (
	"strconv"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// safe holds the ASCII characters written as they are: not control
// characters, quotes, backslashes or the HTML characters < > &.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// String appends s as a JSON string.
func String(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Strings appends ss as a JSON array of strings ("null" when nil, as
// Marshal writes a nil slice).
func Strings(dst []byte, ss []string) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = String(dst, s)
	}
	return append(dst, ']')
}

// Object appends the members of one JSON object, in the order they are
// added, as Marshal writes a struct's fields.
type Object struct {
	b     []byte
	first bool
}

// NewObject starts an object at the end of dst.
func NewObject(dst []byte) Object { return Object{b: append(dst, '{'), first: true} }

// key appends the member name of the next member.
func (o *Object) key(name string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, name...) // names are the caller's constants: plain ASCII
	o.b = append(o.b, '"', ':')
}

// String adds a string member; with omitEmpty, not when s is empty.
func (o *Object) String(name, s string, omitEmpty bool) {
	if omitEmpty && s == "" {
		return
	}
	o.key(name)
	o.b = String(o.b, s)
}

// Int adds an integer member; with omitEmpty, not when n is 0.
func (o *Object) Int(name string, n int, omitEmpty bool) {
	if omitEmpty && n == 0 {
		return
	}
	o.key(name)
	o.b = strconv.AppendInt(o.b, int64(n), 10)
}

// Bool adds a boolean member; with omitEmpty, not when v is false.
func (o *Object) Bool(name string, v, omitEmpty bool) {
	if omitEmpty && !v {
		return
	}
	o.key(name)
	o.b = strconv.AppendBool(o.b, v)
}

// Strings adds a member holding a string array; with omitEmpty, not when
// ss is empty.
func (o *Object) Strings(name string, ss []string, omitEmpty bool) {
	if omitEmpty && len(ss) == 0 {
		return
	}
	o.key(name)
	o.b = Strings(o.b, ss)
}

// Raw adds a member whose value the caller has appended itself: value
// gets the slice and returns it with the value appended.
func (o *Object) Raw(name string, value func([]byte) []byte) {
	o.key(name)
	o.b = value(o.b)
}

// End closes the object and returns the slice it was appended to.
func (o *Object) End() []byte { return append(o.b, '}') }
