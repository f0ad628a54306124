package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes: every route of the route table that has a
// method is described in openapi.json with the action its decision needs,
// and every described operation is a route the API serves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                           `json:"openapi"`
		Paths   map[string]map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi: got %q, want 3.1.0", doc.OpenAPI)
	}
	described := map[string]string{} // "GET /path" → action
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var action string
			if err := json.Unmarshal(op["x-breach-action"], &action); err != nil {
				t.Errorf("%s %s: no x-breach-action", method, path)
			}
			described[strings.ToUpper(method)+" "+path] = action
		}
	}
	served := map[string]bool{}
	for _, r := range RouteTable(Config{}, Deps{}) {
		if !strings.Contains(r.Pattern, " ") {
			continue // the 405 answers of a path and the catch-all
		}
		served[r.Pattern] = true
		action, ok := described[r.Pattern]
		if !ok {
			t.Errorf("route %s is not described in openapi.json", r.Pattern)
			continue
		}
		if action != r.Decision.String() {
			t.Errorf("route %s: openapi.json says action %q, the route table %q", r.Pattern, action, r.Decision)
		}
	}
	for op := range described {
		if !served[op] {
			t.Errorf("openapi.json describes %s, which the API does not serve", op)
		}
	}
	if len(served) == 0 || !slices.Contains(sortedKeys(served), "GET /api/v1/openapi.json") {
		t.Errorf("the API does not serve its own description")
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
