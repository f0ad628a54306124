package inventory

import (
	"encoding/json"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Codes is a list of codes (country codes, or "EU") read from a YAML or
// JSON list. It is held as one string so that the structs holding it
// (Organization) stay comparable with ==; Declared tells an absent list
// from an empty one.
type Codes struct {
	joined   string
	declared bool
}

// NewCodes returns a declared list of codes.
func NewCodes(codes ...string) Codes {
	return Codes{joined: strings.Join(codes, " "), declared: true}
}

// List returns the codes in order; nil when there are none.
func (c Codes) List() []string {
	if c.joined == "" {
		return nil
	}
	return strings.Fields(c.joined)
}

// Declared reports whether the document gave the list at all.
func (c Codes) Declared() bool { return c.declared }

// Contains reports whether code is in the list.
func (c Codes) Contains(code string) bool { return slices.Contains(c.List(), code) }

// UnmarshalYAML reads a YAML list of codes.
func (c *Codes) UnmarshalYAML(n *yaml.Node) error {
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*c = NewCodes(list...)
	return nil
}

// MarshalJSON writes the codes as a JSON list.
func (c Codes) MarshalJSON() ([]byte, error) {
	l := c.List()
	if l == nil {
		l = []string{}
	}
	return json.Marshal(l)
}

// UnmarshalJSON reads a JSON list of codes.
func (c *Codes) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*c = NewCodes(list...)
	return nil
}

// Equal reports whether c and o hold the same codes, equally declared
// (go-cmp uses it).
func (c Codes) Equal(o Codes) bool { return c == o }
