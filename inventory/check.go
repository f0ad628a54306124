package inventory

import (
	"fmt"
	"slices"
	"strings"
)

// Warnings checks what an incident names against the inventory: systems
// the inventory does not have (with the nearest id as a suggestion) and
// categories a system does not hold. Each warning names the field
// (affected[i].system, affected[i].categories). An incident with warnings
// is still accepted; its assessment cannot use what does not match.
func (inv *Inventory) Warnings(systems []string, categories [][]string) []string {
	var out []string
	for i, id := range systems {
		sys, ok := inv.System(id)
		if !ok {
			msg := fmt.Sprintf("affected[%d].system: %q is not a system of the inventory", i, id)
			if near := inv.nearestSystem(id); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
			out = append(out, msg)
			continue
		}
		if i < len(categories) {
			for _, c := range categories[i] {
				if !slices.Contains(sys.Categories, c) {
					out = append(out, fmt.Sprintf("affected[%d].categories: system %q does not hold %q (it holds %s)", i, id, c, strings.Join(sys.Categories, ", ")))
				}
			}
		}
	}
	return out
}

// nearestSystem is the system id id is a prefix of (or that is a prefix
// of id), else the one within a small edit distance, "" when none is close.
func (inv *Inventory) nearestSystem(id string) string {
	ids := make([]string, len(inv.Systems))
	for i, s := range inv.Systems {
		if strings.HasPrefix(s.ID, id) || strings.HasPrefix(id, s.ID) {
			return s.ID
		}
		ids[i] = s.ID
	}
	return nearest(id, ids)
}
