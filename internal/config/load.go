package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
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

// KeyError is a configuration error naming the key (dotted path), and the
// file and line when it came from a file.
type KeyError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *KeyError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	}
	fmt.Fprintf(&b, "%s: %s", e.Key, e.Msg)
	return "config " + b.String()
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
	return decodeNode(doc.Content[0], reflect.ValueOf(cfg).Elem(), "", file)
}

// decodeNode walks a mapping node against a struct, so an unknown key or a
// bad value is reported with its dotted path and line.
func decodeNode(n *yaml.Node, v reflect.Value, path, file string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if v.Kind() == reflect.Struct && v.Type() != reflect.TypeFor[time.Duration]() {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		if n.Kind != yaml.MappingNode {
			return &KeyError{file, n.Line, orRoot(path), "must be a mapping of keys"}
		}
		fields := yamlFields(v.Type())
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := join(path, k.Value)
			if seen[k.Value] {
				return &KeyError{file, k.Line, key, "is set twice"}
			}
			seen[k.Value] = true
			idx, ok := fields[k.Value]
			if !ok {
				return &KeyError{file, k.Line, key, fmt.Sprintf("unknown key (known keys here: %s)", strings.Join(sortedKeys(fields), ", "))}
			}
			if err := decodeNode(val, v.Field(idx), key, file); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return &KeyError{file, n.Line, path, fmt.Sprintf("must be a single %s value", kindName(v.Type()))}
	}
	if err := setScalar(v, n.Value, n.Tag == "!!null"); err != nil {
		return &KeyError{file, n.Line, path, err.Error()}
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
	return leaves(reflect.ValueOf(cfg).Elem(), "", func(key string, v reflect.Value) error {
		name := EnvName(key)
		s, ok := env[name]
		if !ok {
			return nil
		}
		if err := setScalar(v, s, false); err != nil {
			return &KeyError{Key: key, Msg: fmt.Sprintf("from environment %s: %v", name, err)}
		}
		return nil
	})
}

// Set applies one dotted-key override, as a command-line flag does.
func (c *Config) Set(key, value string) error {
	found := false
	err := leaves(reflect.ValueOf(c).Elem(), "", func(k string, v reflect.Value) error {
		if k != key {
			return nil
		}
		found = true
		if err := setScalar(v, value, false); err != nil {
			return &KeyError{Key: key, Msg: err.Error()}
		}
		return nil
	})
	if err == nil && !found {
		err = &KeyError{Key: key, Msg: "unknown key"}
	}
	return err
}

// Validate checks every value and names the first key at fault.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &KeyError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	oneOf := func(key, v string, allowed ...string) {
		if !slices.Contains(allowed, v) {
			bad(key, "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("data_dir", "must not be empty")
	}
	oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf("log.format", c.Log.Format, "auto", "json", "text")
	if c.NATS.Listen != "" {
		if err := loopbackAddr(c.NATS.Listen); err != nil {
			bad("nats.listen", "%v", err)
		}
	}
	for _, u := range strings.Split(c.NATS.URL, ",") {
		if u = strings.TrimSpace(u); u != "" && !strings.Contains(u, "://") {
			bad("nats.url", "%q needs a scheme, e.g. nats://host:4222", u)
		}
	}
	if c.NATS.Prefix == "" || strings.ContainsAny(c.NATS.Prefix, " *>") || strings.HasPrefix(c.NATS.Prefix, ".") {
		bad("nats.prefix", "%q must be a non-empty subject token without spaces or wildcards", c.NATS.Prefix)
	}
	if c.NATS.Replicas < 1 || c.NATS.Replicas > 5 {
		bad("nats.replicas", "must be 1 to 5, got %d", c.NATS.Replicas)
	}
	if c.NATS.DuplicateWindow < time.Second {
		bad("nats.duplicate_window", "must be at least 1s, got %s", c.NATS.DuplicateWindow)
	}
	if c.NATS.NoticeDuplicateWindow < time.Second {
		bad("nats.notice_duplicate_window", "must be at least 1s, got %s", c.NATS.NoticeDuplicateWindow)
	}
	for key, name := range map[string]string{"nats.streams.incidents": c.NATS.Streams.Incidents, "nats.streams.notices": c.NATS.Streams.Notices,
		"nats.streams.deadletter": c.NATS.Streams.Deadletter, "nats.streams.events": c.NATS.Streams.Events} {
		if name == "" || strings.ContainsAny(name, " .*>/\\") {
			bad(key, "%q is not a valid stream name", name)
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		bad("http.addr", "%q is not host:port", c.HTTP.Addr)
	}
	oneOf("store.driver", c.Store.Driver, "sqlite", "postgres")
	if c.Store.Driver == "postgres" && c.Store.DSNFile == "" {
		bad("store.dsn_file", "is required when store.driver is postgres")
	}
	if c.Intake.Workers < 1 {
		bad("intake.workers", "must be at least 1, got %d", c.Intake.Workers)
	}
	if c.Intake.AckWait < time.Second {
		bad("intake.ack_wait", "must be at least 1s, got %s", c.Intake.AckWait)
	}
	if c.Intake.MaxDeliver < 2 {
		bad("intake.max_deliver", "must be at least 2, got %d", c.Intake.MaxDeliver)
	}
	if _, err := c.Campaign.Policy(); err != nil {
		bad("campaign.channels", "%v", err)
	}
	if c.Campaign.GiveUpAfter < 0 {
		bad("campaign.give_up_after", "must not be negative, got %s", c.Campaign.GiveUpAfter)
	}
	if c.Campaign.MaxAttempts < 1 {
		bad("campaign.max_attempts", "must be at least 1, got %d", c.Campaign.MaxAttempts)
	}
	if u := c.Campaign.AnnouncementURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		bad("campaign.announcement_url", "%q must be an absolute http(s) URL", u)
	}
	e := c.Channels.Email
	oneOf("channels.email.smtp.tls", e.SMTP.TLS, "none", "starttls", "implicit")
	if e.SMTP.Port < 1 || e.SMTP.Port > 65535 {
		bad("channels.email.smtp.port", "must be 1 to 65535, got %d", e.SMTP.Port)
	}
	if e.SMTP.Host != "" && e.From == "" {
		bad("channels.email.from", "is required when channels.email.smtp.host is set")
	}
	if e.Connections < 1 {
		bad("channels.email.connections", "must be at least 1, got %d", e.Connections)
	}
	if e.RatePerSec <= 0 {
		bad("channels.email.rate_per_sec", "must be above 0, got %g", e.RatePerSec)
	}
	if sms := c.Channels.SMS; sms.AccountSID != "" && sms.From == "" && sms.MessagingServiceSID == "" {
		bad("channels.sms.from", "is required (or channels.sms.messaging_service_sid) when channels.sms.account_sid is set")
	}
	if c.Channels.SMS.RatePerSec <= 0 {
		bad("channels.sms.rate_per_sec", "must be above 0, got %g", c.Channels.SMS.RatePerSec)
	}
	if (e.DKIM.Domain != "" || e.DKIM.Selector != "" || e.DKIM.KeyFile != "") && (e.DKIM.Domain == "" || e.DKIM.Selector == "" || e.DKIM.KeyFile == "") {
		bad("channels.email.dkim", "needs domain, selector and key_file together")
	}
	return errors.Join(errs...)
}

func loopbackAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if _, err := strconv.Atoi(port); err != nil {
		return fmt.Errorf("%q has no numeric port", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q must be a loopback address (the embedded server is for this machine only; use nats.url for a cluster)", addr)
	}
	return nil
}
