package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/schema"
)

// SchemaList is the body of GET /api/v1/schemas.
type SchemaList struct {
	Schemas []string `json:"schemas"`
}

// listSchemas answers the names of the JSON Schemas.
func (a *api) listSchemas(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, SchemaList{Schemas: schema.Names()})
	return nil
}

// getSchema answers one JSON Schema (draft 2020-12), the bytes `breach
// schema NAME` prints.
func (a *api) getSchema(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	doc, err := schema.Get(name)
	switch {
	case errors.Is(err, schema.ErrUnknown):
		return fault.Errorf(fault.NotFound, "there is no schema %q; the schemas are %s", name, strings.Join(schema.Names(), ", "))
	case err != nil:
		return fmt.Errorf("get schema %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(doc)
	return err
}
