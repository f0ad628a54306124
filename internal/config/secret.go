package config

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Secret holds a password, token or key. It prints, logs and marshals as
// <secret>; only Reveal gives the value. The value sits behind a pointer so
// that even fmt's %+v of a struct holding a Secret in an unexported field
// (where fmt cannot call Format) prints an address, never the value.
type Secret struct{ v *string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: &s} }

// Reveal returns the secret value.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s.Reveal() != "" }

const masked = "<secret>"

func (s Secret) String() string   { return masked }
func (s Secret) GoString() string { return masked }

// Format makes every fmt verb print <secret>.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(masked)) }

// MarshalJSON writes "<secret>".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + masked + `"`), nil }

// MarshalYAML writes <secret>.
func (s Secret) MarshalYAML() (any, error) { return masked, nil }

var _ yaml.Marshaler = Secret{}

// ReadSecret reads a secret for the setting key: from the file at path when
// path is set, else from the environment variable env when set. The error
// names the key and the file, never the content.
func ReadSecret(key, path, env string) (Secret, error) {
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Secret{}, fmt.Errorf("config %s: read secret file: %w", key, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return Secret{}, fmt.Errorf("config %s: secret file %s is empty", key, path)
		}
		return NewSecret(v), nil
	}
	if env != "" {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			return NewSecret(v), nil
		}
	}
	return Secret{}, nil
}

// YAML renders the effective configuration for check-config.
func (c Config) YAML() ([]byte, error) { return yaml.Marshal(c) }
