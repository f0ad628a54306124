package config

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Load reads the YAML file at path (none when path is ""), then applies the
// environment overrides from environ (os.Environ() form), on top of
// Default(). The result is validated.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read config: %w", err)
		}
		if err := decodeYAML(data, path, &cfg); err != nil {
			return cfg, err
		}
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func decodeYAML(data []byte, file string, cfg *Config) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config %s: %w", file, err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	o := cfg.origin.clone()
	o.file = file
	cfg.origin = o
	return decodeNode(doc.Content[0], reflect.ValueOf(cfg).Elem(), "", file, o.lines)
}

// decodeNode walks a mapping node against a struct, so an unknown key or a
// bad value is reported with its dotted path and line. It records the line
// of every key in lines, for the errors Validate finds later.
func decodeNode(n *yaml.Node, v reflect.Value, path, file string, lines map[string]int) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if v.Kind() == reflect.Struct && v.Type() != reflect.TypeFor[time.Duration]() {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		if n.Kind != yaml.MappingNode {
			return &KeyError{File: file, Line: n.Line, Key: orRoot(path), Msg: "must be a mapping of keys"}
		}
		fields := yamlFields(v.Type())
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := join(path, k.Value)
			if seen[k.Value] {
				return &KeyError{File: file, Line: k.Line, Key: key, Msg: "is set twice"}
			}
			seen[k.Value] = true
			lines[key] = k.Line
			idx, ok := fields[k.Value]
			if !ok {
				return &KeyError{File: file, Line: k.Line, Key: key, Msg: fmt.Sprintf("unknown key (known keys here: %s)", strings.Join(sortedKeys(fields), ", "))}
			}
			if err := decodeNode(val, v.Field(idx), key, file, lines); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return &KeyError{File: file, Line: n.Line, Key: path, Msg: fmt.Sprintf("must be a single %s value", kindName(v.Type()))}
	}
	if err := setScalar(v, n.Value, n.Tag == "!!null"); err != nil {
		return &KeyError{File: file, Line: n.Line, Key: path, Msg: err.Error()}
	}
	return nil
}

func orRoot(p string) string {
	if p == "" {
		return "(top level)"
	}
	return p
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		if tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
			m[tag] = i
		}
	}
	return m
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func kindName(t reflect.Type) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "duration"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true/false"
	case reflect.Int, reflect.Int64:
		return "whole number"
	case reflect.Float64:
		return "number"
	}
	return "text"
}

// setScalar parses s into v according to v's type.
func setScalar(v reflect.Value, s string, null bool) error {
	if null {
		v.SetZero()
		return nil
	}
	switch {
	case v.Type() == reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration such as 30s, 5m or 24h", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(i)
	case v.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("unsupported setting type %s", v.Type())
	}
	return nil
}

// EnvName returns the environment variable that overrides a dotted key:
// "nats.url" → BREACH_NATS_URL.
func EnvName(key string) string {
	return "BREACH_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// leaves calls fn for every settable leaf of v with its dotted key.
func leaves(v reflect.Value, path string, fn func(key string, v reflect.Value) error) error {
	if v.Kind() == reflect.Struct && v.Type() != reflect.TypeFor[time.Duration]() {
		t := v.Type()
		for i := range t.NumField() {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			if err := leaves(v.Field(i), join(path, tag), fn); err != nil {
				return err
			}
		}
		return nil
	}
	return fn(path, v)
}

func applyEnv(cfg *Config, environ []string) error {
	env := map[string]string{}
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "BREACH_") {
			env[k] = val
		}
	}
	if len(env) == 0 {
		return nil
	}
	o := cfg.origin.clone()
	cfg.origin = o
	return leaves(reflect.ValueOf(cfg).Elem(), "", func(key string, v reflect.Value) error {
		name := EnvName(key)
		s, ok := env[name]
		if !ok {
			return nil
		}
		if err := setScalar(v, s, false); err != nil {
			return &KeyError{Key: key, From: "environment " + name, Msg: err.Error()}
		}
		o.env[key] = name
		return nil
	})
}

// Set applies one dotted-key override, as a command-line flag does; errors
// about it say it came from a command-line flag.
func (c *Config) Set(key, value string) error {
	found := false
	err := leaves(reflect.ValueOf(c).Elem(), "", func(k string, v reflect.Value) error {
		if k != key {
			return nil
		}
		found = true
		if err := setScalar(v, value, false); err != nil {
			return &KeyError{Key: key, From: "command-line flag", Msg: err.Error()}
		}
		o := c.origin.clone()
		o.flags[key] = true
		c.origin = o
		return nil
	})
	if err == nil && !found {
		err = &KeyError{Key: key, Msg: "unknown key"}
	}
	return err
}
