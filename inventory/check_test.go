package inventory

import (
	"strings"
	"testing"
)

// TestWarnings: a misspelled system is named with the nearest id as a
// suggestion, and a category the system does not hold is named.
func TestWarnings(t *testing.T) {
	inv := &Inventory{Systems: []System{
		{ID: "orders-db", Categories: []string{"name", "email"}},
		{ID: "accounts", Categories: []string{"email", "password_hash"}},
	}}
	for _, tc := range []struct {
		name       string
		systems    []string
		categories [][]string
		want       []string
	}{
		{"prefix", []string{"order"}, nil, []string{`affected[0].system: "order" is not a system of the inventory; did you mean "orders-db"?`}},
		{"typo", []string{"acounts"}, nil, []string{`did you mean "accounts"?`}},
		{"nothing close", []string{"payroll"}, nil, []string{`"payroll" is not a system of the inventory`}},
		{"category not held", []string{"accounts"}, [][]string{{"email", "health"}}, []string{`affected[0].categories: system "accounts" does not hold "health"`}},
		{"all known", []string{"orders-db", "accounts"}, [][]string{{"name"}, {"email"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := inv.Warnings(tc.systems, tc.categories)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %d warnings like %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d: got %q, want it to contain %q", i, got[i], w)
				}
			}
			if tc.name == "nothing close" && strings.Contains(got[0], "did you mean") {
				t.Errorf("got a suggestion for a name nothing resembles: %q", got[0])
			}
		})
	}
}
