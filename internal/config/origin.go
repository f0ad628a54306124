package config

import (
	"fmt"
	"maps"
	"strings"
)

// origins records where each setting's value came from, so that an error
// found after loading (by Validate or CheckSecrets) names the file and line,
// the environment variable or the flag, as a decode error does.
type origins struct {
	file  string
	lines map[string]int    // dotted key → line in file (sections too)
	env   map[string]string // dotted key → environment variable
	flags map[string]bool   // dotted key → set by Set (a command-line flag)
}

// clone returns a copy that can be changed without touching o: Config
// values are copied freely and share the pointer.
func (o *origins) clone() *origins {
	n := &origins{lines: map[string]int{}, env: map[string]string{}, flags: map[string]bool{}}
	if o != nil {
		n.file = o.file
		maps.Copy(n.lines, o.lines)
		maps.Copy(n.env, o.env)
		maps.Copy(n.flags, o.flags)
	}
	return n
}

// locate fills in where key's value came from: a flag, then the
// environment, then the file, as they override each other. It reports
// whether key was set at all (a default was not).
func (o *origins) locate(e *KeyError, key string) bool {
	switch {
	case o == nil:
		return false
	case o.flags[key]:
		e.From = "command-line flag"
	case o.env[key] != "":
		e.From = "environment " + o.env[key]
	case o.lines[key] > 0:
		e.File, e.Line = o.file, o.lines[key]
	default:
		return false
	}
	return true
}

// keyError builds the error for key, naming where key's value came from,
// or else where the first of related that was set came from (for a value
// required by another setting: "channels.email.from is required when
// channels.email.smtp.host is set" points at the host's line).
func (o *origins) keyError(key string, related []string, msg string) *KeyError {
	e := &KeyError{Key: key, Msg: msg}
	if o.locate(e, key) {
		return e
	}
	for _, r := range related {
		if o.locate(e, r) {
			return e
		}
	}
	return e
}

// KeyError is a configuration error naming the key (dotted path), and the
// file and line when the value came from a file, or From (the environment
// variable or the flag) when it came from there.
type KeyError struct {
	File string
	Line int
	Key  string
	From string // "environment BREACH_X", "command-line flag"; "" for the file or a default
	Msg  string
}

func (e *KeyError) Error() string {
	var b strings.Builder
	b.WriteString("config ")
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	}
	fmt.Fprintf(&b, "%s: ", e.Key)
	if e.From != "" {
		fmt.Fprintf(&b, "from %s: ", e.From)
	}
	b.WriteString(e.Msg)
	return b.String()
}
