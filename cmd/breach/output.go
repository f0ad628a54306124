package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// writeJSONOut prints v as indented JSON.
func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeYAMLOut prints v as YAML with the field names of its JSON encoding,
// so that -o yaml and -o json show the same document.
func writeYAMLOut(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode output as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encode output as YAML: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// The output formats of the read commands (-o).
const (
	formatTable = "table"
	formatJSON  = "json"
	formatYAML  = "yaml"
)

// outputFlag is -o table|json|yaml with --json kept as an alias of -o json.
type outputFlag struct {
	format string
	asJSON bool
}

// addOutputFlag adds -o/--output and --json to cmd.
func addOutputFlag(cmd *cobra.Command) *outputFlag {
	o := &outputFlag{}
	cmd.Flags().StringVarP(&o.format, "output", "o", formatTable, "output format: table, json or yaml")
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "same as -o json")
	return o
}

// resolve returns the chosen format; an unknown format, or --json with
// another -o, is invalid input.
func (o *outputFlag) resolve(cmd *cobra.Command) (string, error) {
	switch o.format {
	case formatTable, formatJSON, formatYAML:
	default:
		return "", usageError(fmt.Errorf("-o %q is not one of table, json, yaml", o.format))
	}
	if o.asJSON {
		if cmd.Flags().Changed("output") && o.format != formatJSON {
			return "", usageError(errors.New("--json is -o json; give one of them"))
		}
		return formatJSON, nil
	}
	return o.format, nil
}

// writeAs prints v as JSON or YAML, or calls table for the table format.
func writeAs(w io.Writer, format string, v any, table func(io.Writer) error) error {
	switch format {
	case formatJSON:
		return writeJSONOut(w, v)
	case formatYAML:
		return writeYAMLOut(w, v)
	}
	return table(w)
}

// counted returns "1 category" or "3 categories": n and the form that
// agrees with it.
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
