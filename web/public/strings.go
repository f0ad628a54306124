package public

import (
	"embed"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"github.com/breach-notify/breach/templates"
)

//go:embed locales/*.yaml
var localeFiles embed.FS

// words are the site's strings in one language, by key.
type words map[string]string

// loadWords reads the strings of every supported locale and checks that
// each has every key of English, and no other.
func loadWords() (map[string]words, error) {
	out := map[string]words{}
	for _, loc := range templates.Locales {
		b, err := localeFiles.ReadFile("locales/" + loc + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("site strings %s: %w", loc, err)
		}
		var w words
		if err := yaml.Unmarshal(b, &w); err != nil {
			return nil, fmt.Errorf("site strings %s: %w", loc, err)
		}
		out[loc] = w
	}
	en := out["en"]
	for loc, w := range out {
		for k := range en {
			if strings.TrimSpace(w[k]) == "" {
				return nil, fmt.Errorf("site strings %s: key %q is missing", loc, k)
			}
		}
		for k := range w {
			if _, ok := en[k]; !ok {
				return nil, fmt.Errorf("site strings %s: key %q is not in en.yaml", loc, k)
			}
		}
	}
	return out, nil
}

// t returns the string of key with each {name} of pairs (name, value...)
// replaced; a missing key shows as itself, which the tests catch.
func (w words) t(key string, pairs ...string) string {
	s, ok := w[key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{"+pairs[i]+"}", pairs[i+1])
	}
	return s
}

// keys lists the keys of the English strings, sorted.
func (w words) keys() []string { return slices.Sorted(maps.Keys(w)) }

// chooseLocale picks the language of a page among available: the lang
// query or form value when it is one of them, else the best match of
// Accept-Language, else the first.
func chooseLocale(asked, acceptLanguage string, available []string) string {
	if slices.Contains(available, asked) {
		return asked
	}
	if len(available) == 0 {
		return templates.Locales[0]
	}
	tags := make([]language.Tag, 0, len(available))
	for _, a := range available {
		tags = append(tags, language.Make(a))
	}
	want, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(want) == 0 {
		return available[0]
	}
	_, idx, conf := language.NewMatcher(tags).Match(want...)
	if conf == language.No {
		return available[0]
	}
	return available[idx]
}
