package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
)

// TestDemoExample runs `breach demo --example NAME --exit` in-process for
// every example organisation, and the default (no --example) once: each
// must publish its incident, assess it, run the campaign into the outbox
// and print the summary.
func TestDemoExample(t *testing.T) {
	type demoCase struct {
		name    string
		args    []string
		example examples.Example
	}
	def, err := examples.Lookup(examples.Default)
	if err != nil {
		t.Fatal(err)
	}
	cases := []demoCase{{"default", nil, def}}
	for _, ex := range examples.All() {
		cases = append(cases, demoCase{ex.Name, []string{"--example", ex.Name}, ex})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			args := append([]string{"demo", "--exit", "--data-dir", dir, "--timeout", "1m"}, tc.args...)
			if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
				t.Fatalf("got exit %d, want 0; stderr:\n%s", code, stderr.String())
			}
			out := stdout.String()
			for _, want := range []string{"example " + tc.example.Name, tc.example.Organization, tc.example.Seed, "== What each law requires ==", "== Notices =="} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			raw, err := tc.example.ReadFile("incidents/" + tc.example.Incident)
			if err != nil {
				t.Fatal(err)
			}
			in, err := incident.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "Publishing example incident "+in.ID) {
				t.Errorf("output does not say incident %s was published:\n%s", in.ID, out)
			}
			// Every default incident tells people: the outbox has notices.
			emls, _ := filepath.Glob(filepath.Join(dir, "outbox", "email", "*", "*.eml"))
			if len(emls) == 0 {
				t.Errorf("got no e-mail in the outbox for %s, want the campaign's notices", tc.example.Name)
			}
			if _, err := os.Stat(filepath.Join(dir, "examples", "inventory.yaml")); err != nil {
				t.Errorf("got %v, want the example written into the data directory", err)
			}
		})
	}
}

func TestDemoListExamples(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"demo", "--list-examples"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("got exit %d, want 0; stderr: %s", code, stderr.String())
	}
	for _, ex := range examples.All() {
		for _, want := range []string{ex.Name, ex.Seed, ex.Organization} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("list lacks %q:\n%s", want, stdout.String())
			}
		}
	}
	if !strings.Contains(stdout.String(), examples.Default+" (default)") {
		t.Errorf("list does not mark the default example:\n%s", stdout.String())
	}
}

func TestDemoExampleBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown example", []string{"--example", "nope"}, `no example "nope"`},
		{"incident of another example", []string{"--example", "orionstar", "--incident", "01-exfiltration-orders.json"}, "not an incident of example orionstar"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"demo", "--exit", "--data-dir", t.TempDir()}, tc.args...)
			if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 2 {
				t.Fatalf("got exit %d, want 2; stderr: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("got stderr %q, want it to contain %q", stderr.String(), tc.want)
			}
		})
	}
}
