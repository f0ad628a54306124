// Package access says who may do what on breach's API. Principals are named
// holders of an API token with one role; a role allows a fixed set of
// actions (one table, roleActions); tokens are random 256-bit values shown
// once and stored only as their SHA-256. Manager creates, lists and revokes
// tokens (each change an audit entry) and authenticates bearer tokens;
// Guard and Mux put a decision — Public, or an Action — on every HTTP
// route, so a route cannot be added without one.
package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/breach-notify/breach/fault"
)

// Role is what a principal is trusted to do.
type Role string

// The roles. RoleAdmin may do everything.
const (
	RoleDetector Role = "detector" // automated detectors: submit incidents
	RoleAnalyst  Role = "analyst"  // security team: submit, read, preview
	RoleApprover Role = "approver" // decides: approve campaigns (with a reason), announce, file reports
	RoleAuditor  Role = "auditor"  // reads and exports, reads the audit log
	RoleAdmin    Role = "admin"    // tokens, dead letters, and everything else
)

// Action is one thing a request can do.
type Action string

// The actions a route can require.
const (
	ActionSubmit           Action = "submit"             // submit or revise an incident
	ActionRead             Action = "read"               // read incidents, assessments, campaign status
	ActionPreview          Action = "preview"            // render notices and plans before approval
	ActionApprove          Action = "approve"            // approve a campaign, with a reason
	ActionAnnounce         Action = "announce"           // publish a public (substitute) announcement
	ActionReportFile       Action = "report.file"        // record that a regulator report was filed
	ActionExport           Action = "export"             // export the ledger and reports
	ActionAudit            Action = "audit"              // read, verify and export the audit log
	ActionAdminTokens      Action = "admin.tokens"       // create, list and revoke tokens
	ActionAdminDeadLetters Action = "admin.dead_letters" // list, replay and purge dead letters
)

// roleActions is the one table of what each role may do. RoleAdmin is not
// listed: it allows every action.
var roleActions = map[Role][]Action{
	RoleDetector: {ActionSubmit},
	RoleAnalyst:  {ActionSubmit, ActionRead, ActionPreview},
	// An approver reads what it approves: the incident, its assessment
	// and the preview of the notices.
	RoleApprover: {ActionRead, ActionPreview, ActionApprove, ActionAnnounce, ActionReportFile},
	RoleAuditor:  {ActionRead, ActionExport, ActionAudit},
}

// Roles returns every role, least trusted first.
func Roles() []Role {
	return []Role{RoleDetector, RoleAnalyst, RoleApprover, RoleAuditor, RoleAdmin}
}

// Actions returns every action.
func Actions() []Action {
	return []Action{ActionSubmit, ActionRead, ActionPreview, ActionApprove, ActionAnnounce, ActionReportFile,
		ActionExport, ActionAudit, ActionAdminTokens, ActionAdminDeadLetters}
}

// ParseRole returns the role named s, or an error listing the roles.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles(), r) {
		return "", fmt.Errorf("role %q is not one of %s", s, roleList())
	}
	return r, nil
}

func roleList() string {
	var names []string
	for _, r := range Roles() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// forbidden is the error of a principal whose role does not allow a; it
// names the roles that do, so the caller knows which token to use.
func forbidden(p Principal, a Action) error {
	var may []string
	for _, r := range Roles() {
		if r.Allows(a) {
			may = append(may, string(r))
		}
	}
	return fault.Errorf(fault.Forbidden, "%s (role %s) may not %s; a token of role %s may: %w", p.Name, p.Role, a, strings.Join(may, " or "), ErrForbidden)
}

// Allows reports whether the role may do a. An unknown role allows
// nothing.
func (r Role) Allows(a Action) bool {
	if r == RoleAdmin {
		return slices.Contains(Actions(), a)
	}
	return slices.Contains(roleActions[r], a)
}

// Actions returns what the role may do, in the order of Actions().
func (r Role) Actions() []Action {
	var out []Action
	for _, a := range Actions() {
		if r.Allows(a) {
			out = append(out, a)
		}
	}
	return out
}
