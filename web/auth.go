package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/fault"
)

// Route is an extra route a caller adds to the API (the service adds the
// report, plan and webhook routes this way), with its decision.
type Route struct {
	Pattern  string
	Decision access.Decision
	Handler  http.Handler
}

// auth is the authenticator of the route table: the configured one, or one
// that refuses every token, so that a server built without one is closed,
// never open.
func (a *api) auth() access.Authenticator {
	if a.deps.Auth != nil {
		return a.deps.Auth
	}
	return refuseAll{}
}

type refuseAll struct{}

func (refuseAll) Authenticate(context.Context, string) (access.Principal, error) {
	return access.Principal{}, fault.Errorf(fault.Unauthorized, "no token is accepted: the server has no authenticator: %w", access.ErrUnauthenticated)
}

// StaticToken is an Authenticator for one fixed token held by one
// principal: the legacy http.api_token_file setting, and tests. The token
// is compared in constant time.
type StaticToken struct {
	Token     string
	Principal access.Principal
	// Next, when set, authenticates every other token.
	Next access.Authenticator
}

// Authenticate implements access.Authenticator.
func (s StaticToken) Authenticate(ctx context.Context, token string) (access.Principal, error) {
	if s.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.Token)) == 1 {
		return s.Principal, nil
	}
	if s.Next != nil {
		return s.Next.Authenticate(ctx, token)
	}
	return access.Principal{}, access.ErrUnauthenticated
}

// protect adds the browser-facing protections to every response and
// refuses, before any handler runs, a request whose Host is not one of the
// server's names (DNS rebinding) and a cross-origin state-changing request
// from a browser (a page the operator visits must not drive the API).
func (a *api) protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, fault.Errorf(fault.Forbidden, "cross-origin requests that change state are refused; call the API from the CLI or a server, not from a web page"))
	}))
	guarded := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("X-Content-Type-Options", "nosniff")
		if !a.hostAllowed(r.Host) {
			a.writeError(w, r, fault.Errorf(fault.Misdirected, "host %q is not a name of this server (config http.hosts)", hostOnly(r.Host)))
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// hostAllowed accepts loopback addresses, localhost, the listen address's
// own host and the names in Config.Hosts.
func (a *api) hostAllowed(host string) bool {
	h := strings.ToLower(hostOnly(host))
	if h == "" {
		return false
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if ip := net.ParseIP(h); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return true
	}
	if addrHost := hostOnly(a.cfg.Addr); addrHost != "" && strings.EqualFold(addrHost, h) {
		return true
	}
	for _, n := range a.cfg.Hosts {
		if strings.EqualFold(strings.TrimSpace(n), h) {
			return true
		}
	}
	return false
}

// hostOnly strips the port and IPv6 brackets of a Host value.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// principal is the authenticated caller of a guarded route.
func principal(r *http.Request) (access.Principal, error) {
	p, ok := access.PrincipalFrom(r.Context())
	if !ok {
		return access.Principal{}, errors.New("route has no authenticated principal")
	}
	return p, nil
}

// RouteTable lists every route of the API New builds for cfg and deps,
// with its decision, for tests and documentation.
func RouteTable(cfg Config, deps Deps) []access.Route {
	cfg = cfg.withDefaults()
	a := &api{cfg: cfg, deps: deps, log: orDiscard(nil)}
	if a.deps.Registry == nil {
		a.deps.Registry = prometheus.NewRegistry()
	}
	return a.routes().Routes()
}
