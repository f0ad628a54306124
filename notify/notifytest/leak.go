// Package notifytest holds the helpers every notifier test uses: a check
// that no secret and no recipient address leaks into errors or logs, a
// logrus capture, and an in-process SMTP server (on top of
// github.com/emersion/go-smtp) that records what it receives and can script
// failures: deferrals, rejections, dropped connections, AUTH and STARTTLS.
package notifytest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// AssertNoLeak fails t when any secret or recipient address appears in an
// error (its message, its %+v form and every error it wraps) or in logs.
// Addresses match case-insensitively; empty strings are ignored. Secrets
// are also looked for in their base64 form, as an SMTP AUTH exchange would
// carry them.
func AssertNoLeak(t testing.TB, secrets []string, recipients []string, errs []error, logs string) {
	t.Helper()
	type needle struct {
		kind, value string
		n           int // position in the caller's list, for the failure message
	}
	var needles []needle
	for i, s := range secrets {
		if s == "" {
			continue
		}
		needles = append(needles, needle{"secret", s, i}, needle{"secret (base64)", base64.StdEncoding.EncodeToString([]byte(s)), i})
	}
	for i, r := range recipients {
		if r = strings.TrimSpace(r); r != "" {
			needles = append(needles, needle{"recipient address", r, i})
		}
	}
	check := func(where, text string) {
		low := strings.ToLower(text)
		for _, n := range needles {
			hit := strings.Contains(text, n.value)
			if n.kind == "recipient address" {
				hit = strings.Contains(low, strings.ToLower(n.value))
			}
			if hit {
				// Name the kind and position only: printing the needle would
				// itself leak into test logs.
				t.Errorf("%s leaks a %s (index %d of the list given to AssertNoLeak)", where, n.kind, n.n)
				return
			}
		}
	}
	for i, err := range errs {
		if err == nil {
			continue
		}
		for j, e := range errorChain(err) {
			check(fmt.Sprintf("error %d (chain element %d, %T)", i, j, e), e.Error())
		}
		check(fmt.Sprintf("error %d formatted with %%+v", i), fmt.Sprintf("%+v", err))
		check(fmt.Sprintf("error %d formatted with %%#v", i), fmt.Sprintf("%#v", err))
	}
	for n, line := range strings.Split(logs, "\n") {
		check(fmt.Sprintf("log line %d", n+1), line)
	}
}

// errorChain returns err and every error it wraps, depth first, following
// both Unwrap() error and Unwrap() []error.
func errorChain(err error) []error {
	var out []error
	var walk func(error, int)
	walk = func(e error, depth int) {
		if e == nil || depth > 64 {
			return
		}
		out = append(out, e)
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c, depth+1)
			}
		default:
			walk(errors.Unwrap(e), depth+1)
		}
	}
	walk(err, 0)
	return out
}
