// Package accesstest checks an HTTP handler against the decisions of its
// access.Mux routes: every route, asked without a token and with a token
// of each role, must answer as the role table says.
package accesstest

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/breach-notify/breach/access"
)

// wildcard matches a path wildcard of a ServeMux pattern: {id}, {rest...}.
var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// Request returns a request that the route pattern matches: its method
// (GET when the pattern has none), its host when it names one, and its path
// with every wildcard replaced by "x". A POST, PUT or PATCH carries "{}" as
// JSON.
func Request(pattern string) *http.Request {
	return request(pattern, http.MethodGet)
}

// probeMethods are tried, in order, for a pattern without a method.
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}

// requestFor returns the request that reaches rt among routes: for a
// pattern without a method (such as the catch-all that answers 405 for a
// path), one whose method no other route of the same path claims, so that
// the request is not served by that other route.
func requestFor(rt access.Route, routes []access.Route) *http.Request {
	if strings.Contains(rt.Pattern, " ") {
		return Request(rt.Pattern)
	}
	taken := map[string]bool{}
	for _, o := range routes {
		if m, p, ok := strings.Cut(o.Pattern, " "); ok && strings.TrimSpace(p) == rt.Pattern {
			taken[m] = true
			if m == http.MethodGet {
				taken[http.MethodHead] = true
			}
		}
	}
	for _, m := range probeMethods {
		if !taken[m] {
			return request(rt.Pattern, m)
		}
	}
	return request(rt.Pattern, "TRACE")
}

func request(pattern, method string) *http.Request {
	path := pattern
	if m, p, ok := strings.Cut(pattern, " "); ok {
		method, path = m, strings.TrimSpace(p)
	}
	host := "127.0.0.1"
	if !strings.HasPrefix(path, "/") {
		host, path, _ = strings.Cut(path, "/")
		path = "/" + path
	}
	path = strings.ReplaceAll(path, "{$}", "")
	path = wildcard.ReplaceAllString(path, "x")
	var r *http.Request
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		r = httptest.NewRequest(method, path, strings.NewReader("{}"))
		r.Header.Set("Content-Type", "application/json")
	default:
		r = httptest.NewRequest(method, path, nil)
	}
	r.Host = host
	return r
}

// CheckRoutes sends, for each route, a request (see Request) without a
// token and one with the token of each role in tokens, to h, and reports
// every answer that contradicts the route's decision: a public route must
// never answer 401 or 403; any other must answer 401 without a token, 403
// to a role that does not allow its action, and neither to one that does.
// tokens should hold one valid token per role (access.Roles()).
func CheckRoutes(t testing.TB, h http.Handler, routes []access.Route, tokens map[access.Role]string) {
	t.Helper()
	if len(routes) == 0 {
		t.Errorf("no routes to check")
	}
	for _, rt := range routes {
		status := serve(h, requestFor(rt, routes), "")
		if rt.Decision.IsPublic() {
			if status == http.StatusUnauthorized || status == http.StatusForbidden {
				t.Errorf("%s (public) without a token: got status %d, want neither 401 nor 403", rt.Pattern, status)
			}
		} else if status != http.StatusUnauthorized {
			t.Errorf("%s (needs %s) without a token: got status %d, want 401", rt.Pattern, rt.Decision, status)
		}
		for _, role := range access.Roles() {
			tok, ok := tokens[role]
			if !ok {
				continue
			}
			status := serve(h, requestFor(rt, routes), tok)
			allowed := rt.Decision.IsPublic() || role.Allows(rt.Decision.Action())
			switch {
			case allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden):
				t.Errorf("%s (%s) as %s: got status %d, want the route served", rt.Pattern, rt.Decision, role, status)
			case !allowed && status != http.StatusForbidden:
				t.Errorf("%s (%s) as %s: got status %d, want 403", rt.Pattern, rt.Decision, role, status)
			}
		}
	}
}

func serve(h http.Handler, r *http.Request, token string) int {
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}
