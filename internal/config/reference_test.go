package config

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite docs/configuration.md from the config structs")

// referencePath is the generated reference, relative to this package.
const referencePath = "../../docs/configuration.md"

// TestReference fails when docs/configuration.md differs from what the
// config structs, their defaults and descriptions generate.
func TestReference(t *testing.T) {
	src, err := sourceDocs(".")
	if err != nil {
		t.Fatal(err)
	}
	sections := Reference(BuiltinDocs().Merge(src))
	if missing := Undocumented(sections); len(missing) > 0 {
		t.Errorf("config keys without a description: %s; describe each in keyDocs (internal/config/reference.go) or with a comment on its field",
			strings.Join(missing, ", "))
	}
	got := RenderReference(sections)
	if *update {
		if err := os.WriteFile(referencePath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("read %s: %v; run go test ./internal/config -run Reference -update", referencePath, err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("docs/configuration.md is out of date with the config structs; run go test ./internal/config -run Reference -update (-committed +generated):\n%s", diff)
	}
}

// TestReferenceDocsNotStale fails when keyDocs or sectionDocs describes a
// key that no longer exists.
func TestReferenceDocsNotStale(t *testing.T) {
	keys := map[string]bool{}
	secs := map[string]bool{}
	for _, sec := range Reference(Docs{}) {
		secs[sec.Key] = true
		for _, s := range sec.Settings {
			keys[s.Key] = true
		}
	}
	for k := range keyDocs {
		if !keys[k] {
			t.Errorf("keyDocs describes %q, which is not a config key", k)
		}
	}
	for k := range sectionDocs {
		if !secs[k] {
			t.Errorf("sectionDocs describes %q, which is not a section with keys", k)
		}
	}
}

// TestReferenceSettings checks a few rows against the defaults and the
// environment names Load reads.
func TestReferenceSettings(t *testing.T) {
	got := map[string]Setting{}
	for _, sec := range Reference(BuiltinDocs()) {
		for _, s := range sec.Settings {
			got[s.Key] = s
		}
	}
	tests := []Setting{
		{Key: "nats.duplicate_window", Env: "BREACH_NATS_DUPLICATE_WINDOW", Type: "duration", Default: "24h", Doc: keyDocs["nats.duplicate_window"]},
		{Key: "campaign.channels", Env: "BREACH_CAMPAIGN_CHANNELS", Type: "text", Default: "email,sms,voice,letter", Doc: keyDocs["campaign.channels"]},
		{Key: "channels.sms.auth_token_file", Env: "BREACH_CHANNELS_SMS_AUTH_TOKEN_FILE", Type: "text", Default: "", Doc: keyDocs["channels.sms.auth_token_file"], Secret: EnvTwilioAuthToken},
		{Key: "nats.tls.key_file", Env: "BREACH_NATS_TLS_KEY_FILE", Type: "text", Default: "", Doc: keyDocs["nats.tls.key_file"], Secret: "-"},
		{Key: "intake.workers", Env: "BREACH_INTAKE_WORKERS", Type: "whole number", Default: "4", Doc: keyDocs["intake.workers"]},
	}
	for _, want := range tests {
		t.Run(want.Key, func(t *testing.T) {
			if diff := cmp.Diff(want, got[want.Key]); diff != "" {
				t.Errorf("setting (-want +got):\n%s", diff)
			}
		})
	}
}

// sourceDocs reads the Go doc comments of the config structs, keyed by
// dotted key: a field's comment (its doc comment or its end-of-line one)
// for a key; for a section, the comment of the field that holds it, or
// else its struct type's doc comment. The structs are read from the source
// files of their packages, dir being this package's directory. Go names in
// a comment are written as their keys, so "DataDir holds" reads "`data_dir`
// holds".
func sourceDocs(dir string) (Docs, error) {
	const module = "github.com/breach-notify/breach/"
	self := reflect.TypeFor[Config]().PkgPath()
	type pkgSource struct {
		types    map[string]*ast.TypeSpec
		typeDocs map[string]string
	}
	pkgs := map[string]*pkgSource{}
	load := func(pkgPath string) (*pkgSource, error) {
		if p, ok := pkgs[pkgPath]; ok {
			return p, nil
		}
		pdir := dir
		if pkgPath != self {
			rest, ok := strings.CutPrefix(pkgPath, module)
			if !ok {
				return nil, fmt.Errorf("config struct in package %s outside the module", pkgPath)
			}
			pdir = filepath.Join(dir, "..", "..", filepath.FromSlash(rest))
		}
		p := &pkgSource{types: map[string]*ast.TypeSpec{}, typeDocs: map[string]string{}}
		pkgs[pkgPath] = p
		names, err := filepath.Glob(filepath.Join(pdir, "*.go"))
		if err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("read config source: %w", err)
			}
			f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
			if err != nil {
				return nil, fmt.Errorf("parse config source: %w", err)
			}
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					p.types[ts.Name.Name] = ts
					doc := ts.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					p.typeDocs[ts.Name.Name] = doc.Text()
				}
			}
		}
		return p, nil
	}
	d := Docs{Keys: map[string]string{}, Sections: map[string]string{}}
	var walk func(t reflect.Type, path, fieldDoc string) error
	walk = func(t reflect.Type, path, fieldDoc string) error {
		src, err := load(t.PkgPath())
		if err != nil {
			return err
		}
		ts, ok := src.types[t.Name()]
		if !ok {
			return fmt.Errorf("config struct %s.%s: no source found", t.PkgPath(), t.Name())
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return nil
		}
		rename := map[string]string{}
		comments := map[string]string{}
		for _, field := range st.Fields.List {
			text := field.Doc.Text()
			if text == "" {
				text = field.Comment.Text()
			}
			for _, n := range field.Names {
				comments[n.Name] = text
			}
		}
		for f := range t.Fields() {
			if tag := strings.Split(f.Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
				rename[f.Name] = "`" + tag + "`"
			}
		}
		if path != "" {
			doc := fieldDoc
			if doc == "" {
				doc = src.typeDocs[t.Name()]
				if rest, ok := strings.CutPrefix(doc, t.Name()+" "); ok {
					doc = "`" + lastKey(path) + "` " + rest
				}
			}
			d.Sections[path] = goNamesToKeys(doc, rename)
		}
		for f := range t.Fields() {
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			key := join(path, tag)
			c := goNamesToKeys(comments[f.Name], rename)
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]() {
				if err := walk(f.Type, key, c); err != nil {
					return err
				}
				continue
			}
			if c != "" {
				d.Keys[key] = c
			}
		}
		return nil
	}
	if err := walk(reflect.TypeFor[Config](), "", ""); err != nil {
		return Docs{}, err
	}
	return d, nil
}

func lastKey(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// goNamesToKeys joins a comment's lines and writes the Go names of rename
// as their keys: the first word when it names the field, and elsewhere
// only names that cannot be ordinary words (mixed case, like MaxAttempts).
func goNamesToKeys(text string, rename map[string]string) string {
	words := strings.Fields(text)
	for i, w := range words {
		core := strings.TrimRight(w, ".,;:)")
		k, ok := rename[core]
		if !ok || core == "" || i > 0 && !mixedCase(core) {
			continue
		}
		words[i] = k + w[len(core):]
	}
	return strings.Join(words, " ")
}

// mixedCase reports whether a word has a lower-case letter followed by an
// upper-case one, as Go names of several words do.
func mixedCase(w string) bool {
	for i := 1; i < len(w); i++ {
		if w[i-1] >= 'a' && w[i-1] <= 'z' && w[i] >= 'A' && w[i] <= 'Z' {
			return true
		}
	}
	return false
}

// TestReferenceSourceDocs checks the fallback descriptions read from the
// Go comments, which describe a key keyDocs does not.
func TestReferenceSourceDocs(t *testing.T) {
	d, err := sourceDocs(".")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"campaign.auto_approve": "`auto_approve` starts campaigns without a person's approval (demos and tests only).",
		"store.driver":          "sqlite (default) or postgres",
	}
	for key, want := range tests {
		if got := d.Keys[key]; got != want {
			t.Errorf("%s: got %q, want %q", key, got, want)
		}
	}
	if got, want := d.Sections["nats.tls"], "`tls` names the files for a TLS connection to an external NATS server."; got != want {
		t.Errorf("section nats.tls: got %q, want %q", got, want)
	}
}
