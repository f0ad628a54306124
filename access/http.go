package access

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
)

// Decision is what a route requires: nothing (Public) or an authenticated
// principal whose role allows an Action (Need).
type Decision struct {
	action Action
	public bool
}

// Public is the decision of a route anyone may call, such as /healthz.
var Public = Decision{public: true}

// Need is the decision of a route that requires action.
func Need(action Action) Decision { return Decision{action: action} }

// IsPublic reports whether the route needs no token.
func (d Decision) IsPublic() bool { return d.public }

// Action returns the action the route requires, "" for a public one.
func (d Decision) Action() Action { return d.action }

// String returns "public" or the action.
func (d Decision) String() string {
	if d.public {
		return "public"
	}
	return string(d.action)
}

// Authenticator turns a bearer token into a principal; *Manager is one.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Principal, error)
}

var _ Authenticator = (*Manager)(nil)

// BearerToken returns the token of the request's "Authorization: Bearer
// <token>" header (the scheme in any case), and whether there was one.
func BearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// Guard enforces decisions on requests.
type Guard struct {
	// Auth authenticates bearer tokens.
	Auth Authenticator
	// Deny writes the answer to a refused request. err wraps
	// ErrUnauthenticated (answer 401 with a WWW-Authenticate header),
	// ErrForbidden (403), or is the Authenticator failing (503). When
	// nil, DenyJSON answers.
	Deny func(w http.ResponseWriter, r *http.Request, err error)
	// Audit, when set, records each request refused with ErrForbidden
	// (an authenticated principal trying what its role does not allow)
	// as an ActionAccessDenied entry. Unauthenticated requests are not
	// recorded: anyone could fill the log with them.
	Audit *audit.Log
}

// Wrap returns h guarded by d: a public route is h itself; any other first
// authenticates the bearer token, checks that the principal's role allows
// d's action, and serves h with the principal in the request's context
// (PrincipalFrom).
func (g *Guard) Wrap(d Decision, h http.Handler) http.Handler {
	if d.public {
		return h
	}
	if d.action == "" {
		panic("access: a route's decision is the zero Decision; use Public or Need(action)")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := g.authorize(r, d.action)
		if err != nil {
			g.deny(w, r, err)
			return
		}
		h.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

func (g *Guard) authorize(r *http.Request, a Action) (Principal, error) {
	tok, ok := BearerToken(r)
	if !ok {
		return Principal{}, fault.Errorf(fault.Unauthorized, "this route needs the header \"Authorization: Bearer <token>\": %w", ErrUnauthenticated)
	}
	p, err := g.Auth.Authenticate(r.Context(), tok)
	if err != nil {
		return Principal{}, err
	}
	if !p.Can(a) {
		err := forbidden(p, a)
		if g.Audit != nil {
			if _, aerr := g.Audit.Append(r.Context(), audit.Event{Principal: p.Name, Action: audit.ActionAccessDenied,
				Object: "route/" + routeOf(r), Details: map[string]string{"role": string(p.Role), "needs": string(a)}}); aerr != nil {
				// Not a refusal the caller can act on but a failure, so
				// that it is logged and the store's error never reaches
				// the answer.
				return Principal{}, fault.Wrap(aerr, fault.Internal, "%s; the refusal was not written to the audit log", err)
			}
		}
		return Principal{}, err
	}
	return p, nil
}

// routeOf is the pattern that matched r, else its method and path.
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return r.Method + " " + r.URL.Path
}

func (g *Guard) deny(w http.ResponseWriter, r *http.Request, err error) {
	if g.Deny != nil {
		g.Deny(w, r, err)
		return
	}
	DenyJSON(w, r, err)
}

// DenyJSON answers a refused request with {"error": ..., "code": ...}:
// 401 "unauthorized", 403 "forbidden" or 503 "unavailable".
func DenyJSON(w http.ResponseWriter, _ *http.Request, err error) {
	status, code, msg := http.StatusServiceUnavailable, "unavailable", "tokens cannot be checked now; retry later"
	switch {
	case errors.Is(err, ErrForbidden):
		status, code, msg = http.StatusForbidden, "forbidden", err.Error()
	case errors.Is(err, ErrUnauthenticated):
		status, code, msg = http.StatusUnauthorized, "unauthorized", err.Error()
		w.Header().Set("WWW-Authenticate", `Bearer realm="breach"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": code})
}

// Route is one pattern of a Mux and its decision.
type Route struct {
	Pattern  string
	Decision Decision
}

// Mux is an http.ServeMux whose every route carries a Decision: Handle
// takes one, so a route without an authorisation decision does not
// compile, and Routes lists them for tests (accesstest.CheckRoutes).
type Mux struct {
	mux    *http.ServeMux
	guard  *Guard
	routes []Route
}

// NewMux returns an empty Mux whose routes g guards.
func NewMux(g *Guard) *Mux { return &Mux{mux: http.NewServeMux(), guard: g} }

// Handle registers h for pattern (http.ServeMux syntax) behind d. Like
// http.ServeMux.Handle it panics on a malformed or conflicting pattern,
// which is a bug at start-up, not bad input.
func (m *Mux) Handle(pattern string, d Decision, h http.Handler) {
	m.mux.Handle(pattern, m.guard.Wrap(d, h))
	m.routes = append(m.routes, Route{Pattern: pattern, Decision: d})
}

// ServeHTTP dispatches r to the handler of the route it matches.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }

// Routes returns every route registered, in registration order.
func (m *Mux) Routes() []Route { return append([]Route(nil), m.routes...) }
