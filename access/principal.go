package access

import (
	"context"

	"github.com/breach-notify/breach/fault"
)

// Principal is who a request acts for: the name and role of a token.
type Principal struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// Can reports whether the principal's role allows a.
func (p Principal) Can(a Action) bool { return p.Role.Allows(a) }

// System returns the principal breach itself acts as, "system:<part>" with
// the admin role, e.g. System("serve") for what the service records at
// start, System("cli") for the offline commands. Token names cannot contain
// ':', so no token holder can pass for it.
func System(part string) Principal { return Principal{Name: "system:" + part, Role: RoleAdmin} }

// ErrUnauthenticated is returned (wrapped) by Authenticate for a token
// breach does not accept: missing, malformed, unknown or revoked. The
// cases are deliberately not told apart. Match it with errors.Is.
var ErrUnauthenticated = fault.New(fault.Unauthorized, "unknown or revoked token")

// ErrForbidden is returned (wrapped) when an authenticated principal's role
// does not allow the action. Match it with errors.Is.
var ErrForbidden = fault.New(fault.Forbidden, "not allowed for this role")

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal ctx carries, as Guard puts it there
// for the handler of an authenticated route.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
