package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/schema"
)

func newSchemaCmd() *cobra.Command {
	var validate string
	cmd := &cobra.Command{
		Use:   "schema [NAME]",
		Short: "Print the JSON Schema of a document (incident, inventory, directory, assessment), or list them",
		Long: "Without NAME, list the schemas. With NAME, print that JSON Schema (draft 2020-12).\n" +
			"With --validate FILE, check the file against it instead and list every problem by JSON pointer\n" +
			"(exit 2 when there are any). For the directory, FILE is a .csv or .jsonl directory and every\n" +
			"row is checked. The service's own decoders check a little more (for example that a system\n" +
			"named by an incident is in the inventory): `breach inventory check` and `breach assess` do that.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if len(args) == 0 {
				if validate != "" {
					return usageError(errors.New("--validate needs a schema name: breach schema NAME --validate FILE"))
				}
				return listSchemas(out)
			}
			name := args[0]
			raw, err := schema.Get(name)
			if err != nil {
				return usageError(err)
			}
			if validate == "" {
				_, err := out.Write(raw)
				return err
			}
			return validateFile(out, name, validate)
		},
	}
	cmd.Flags().StringVar(&validate, "validate", "", "check FILE against the schema instead of printing it")
	return cmd
}

// listSchemas prints each schema's name and title.
func listSchemas(w io.Writer) error {
	for _, name := range schema.Names() {
		raw, err := schema.Get(name)
		if err != nil {
			return err
		}
		var doc struct {
			Title string `json:"title"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("schema %s: %w", name, err)
		}
		fmt.Fprintf(w, "%-12s %s\n", name, doc.Title)
	}
	return nil
}

// validateFile checks one document, or every row of a directory file, and
// reports the problems; any problem is exit status 2.
func validateFile(w io.Writer, name, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usageError(fmt.Errorf("read %s: %w", path, err))
	}
	var docs []schemaDoc
	if name == schema.Directory {
		docs, err = directoryRows(path, data)
		if err != nil {
			return usageError(err)
		}
	} else {
		docs = []schemaDoc{{path, data}}
	}
	bad := 0
	for _, d := range docs {
		err := schema.Validate(name, d.body)
		var ve *schema.ValidationError
		switch {
		case errors.As(err, &ve):
			bad++
			for _, p := range ve.Problems {
				fmt.Fprintf(w, "%s: %s\n", d.where, p)
			}
		case err != nil:
			bad++
			fmt.Fprintf(w, "%s: %v\n", d.where, err)
		}
	}
	if bad > 0 {
		return usageError(fmt.Errorf("%s: %d of %d %s not match the %s schema", path, bad, len(docs), plural(len(docs), "document does", "documents do"), name))
	}
	fmt.Fprintf(w, "%s: %d %s the %s schema\n", path, len(docs), plural(len(docs), "document matches", "documents match"), name)
	return nil
}

// schemaDoc is one document to validate and where it comes from.
type schemaDoc struct {
	where string
	body  []byte
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// directoryRows splits a directory file into row documents, each named by
// file and line: a CSV row becomes an object of column name to cell text.
func directoryRows(path string, data []byte) ([]schemaDoc, error) {
	var docs []schemaDoc
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		header, err := r.Read()
		if err != nil {
			return nil, fmt.Errorf("%s: header: %w", path, err)
		}
		for i := range header {
			header[i] = strings.ToLower(strings.TrimSpace(header[i]))
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			line, _ := r.FieldPos(0)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
			row := make(map[string]string, len(rec))
			for i, h := range header {
				row[h] = strings.TrimSpace(rec[i])
			}
			body, err := json.Marshal(row)
			if err != nil {
				return nil, err
			}
			docs = append(docs, schemaDoc{fmt.Sprintf("%s:%d", path, line), body})
		}
	case ".jsonl", ".ndjson":
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				docs = append(docs, schemaDoc{fmt.Sprintf("%s:%d", path, n), bytes.Clone(line)})
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	default:
		return nil, fmt.Errorf("%s: a directory file must end in .csv or .jsonl", path)
	}
	return docs, nil
}
