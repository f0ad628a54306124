package access_test

import (
	"testing"

	"github.com/breach-notify/breach/access"
	"github.com/google/go-cmp/cmp"
)

// TestRoleTable spells out what each role may do, so that a change to the
// table is a deliberate change to this test too.
func TestRoleTable(t *testing.T) {
	want := map[access.Role][]access.Action{
		access.RoleDetector: {access.ActionSubmit},
		access.RoleAnalyst:  {access.ActionSubmit, access.ActionRead, access.ActionPreview},
		access.RoleApprover: {access.ActionRead, access.ActionPreview, access.ActionApprove, access.ActionAnnounce, access.ActionReportFile},
		access.RoleAuditor:  {access.ActionRead, access.ActionExport, access.ActionAudit},
		access.RoleAdmin:    access.Actions(),
	}
	for _, r := range access.Roles() {
		if diff := cmp.Diff(want[r], r.Actions()); diff != "" {
			t.Errorf("%s may (-want +got):\n%s", r, diff)
		}
	}
}

func TestRoleAllows(t *testing.T) {
	tests := []struct {
		name string
		role access.Role
		act  access.Action
		want bool
	}{
		{"detector submits", access.RoleDetector, access.ActionSubmit, true},
		{"detector cannot approve", access.RoleDetector, access.ActionApprove, false},
		{"detector cannot read", access.RoleDetector, access.ActionRead, false},
		{"analyst cannot approve", access.RoleAnalyst, access.ActionApprove, false},
		{"approver cannot submit", access.RoleApprover, access.ActionSubmit, false},
		{"auditor cannot approve", access.RoleAuditor, access.ActionApprove, false},
		{"auditor cannot manage tokens", access.RoleAuditor, access.ActionAdminTokens, false},
		{"admin manages tokens", access.RoleAdmin, access.ActionAdminTokens, true},
		{"admin approves", access.RoleAdmin, access.ActionApprove, true},
		{"admin: unknown action", access.RoleAdmin, access.Action("launch"), false},
		{"unknown role", access.Role("root"), access.ActionRead, false},
		{"empty role", access.Role(""), access.ActionSubmit, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.role.Allows(tc.act); got != tc.want {
				t.Errorf("%q.Allows(%q): got %v, want %v", tc.role, tc.act, got, tc.want)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range access.Roles() {
		if got, err := access.ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q): got %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", "root", "admin "} {
		if _, err := access.ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q): got nil error, want one", s)
		}
	}
}
