package main

import (
	"encoding/json"
	"io"
)

// writeJSONOut prints v as indented JSON.
func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
