package access_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/access/accesstest"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

// whoami answers 200 with the principal the guard put in the context.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, _ := access.PrincipalFrom(r.Context())
	fmt.Fprint(w, p.Name)
})

// methodNotAllowed answers 405, as a path's catch-all route does.
var methodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusMethodNotAllowed)
})

func newMux(g *access.Guard) *access.Mux {
	m := access.NewMux(g)
	m.Handle("GET /healthz", access.Public, whoami)
	m.Handle("POST /api/v1/incidents", access.Need(access.ActionSubmit), whoami)
	m.Handle("GET /api/v1/incidents/{id}", access.Need(access.ActionRead), whoami)
	m.Handle("/api/v1/incidents/{id}", access.Public, methodNotAllowed)
	m.Handle("POST /api/v1/incidents/{id}/approve", access.Need(access.ActionApprove), whoami)
	m.Handle("GET /api/v1/incidents/{id}/notices/export", access.Need(access.ActionExport), whoami)
	m.Handle("GET /api/v1/audit", access.Need(access.ActionAudit), whoami)
	m.Handle("POST /api/v1/tokens", access.Need(access.ActionAdminTokens), whoami)
	m.Handle("GET /api/v1/deadletters/{seq...}", access.Need(access.ActionAdminDeadLetters), whoami)
	m.Handle("/", access.Public, http.NotFoundHandler())
	return m
}

// roleTokens creates one token per role.
func roleTokens(t *testing.T, f *fixture) map[access.Role]string {
	t.Helper()
	toks := map[access.Role]string{}
	for _, r := range access.Roles() {
		_, tok, err := f.m.Create(t.Context(), cli, "as-"+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		toks[r] = tok.Reveal()
	}
	return toks
}

func TestMuxRouteTable(t *testing.T) {
	f := newFixture(t)
	m := newMux(&access.Guard{Auth: f.m})
	accesstest.CheckRoutes(t, m, m.Routes(), roleTokens(t, f))
}

// recorder is a testing.TB that keeps what Errorf reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(f, a...)) }

// TestCheckRoutesCatchesMistakes checks the checker: a route served
// without its guard, or guarded by the wrong action, must be reported.
func TestCheckRoutesCatchesMistakes(t *testing.T) {
	f := newFixture(t)
	toks := roleTokens(t, f)
	g := &access.Guard{Auth: f.m}
	mux := http.NewServeMux()
	mux.Handle("GET /open", whoami)                                             // claims to need read, has no guard
	mux.Handle("POST /approve", g.Wrap(access.Need(access.ActionRead), whoami)) // claims approve, checks read
	routes := []access.Route{
		{Pattern: "GET /open", Decision: access.Need(access.ActionRead)},
		{Pattern: "POST /approve", Decision: access.Need(access.ActionApprove)},
	}
	rec := &recorder{TB: t}
	accesstest.CheckRoutes(rec, mux, routes, toks)
	// /open: no token (1), detector (1); /approve: analyst, auditor (2).
	if len(rec.errs) != 4 {
		t.Errorf("CheckRoutes: got %d reports, want 4:\n%v", len(rec.errs), rec.errs)
	}
}

func TestGuard(t *testing.T) {
	f := newFixture(t)
	toks := roleTokens(t, f)
	m := newMux(&access.Guard{Auth: f.m, Audit: f.log})
	tests := []struct {
		name, method, path, auth string
		wantStatus               int
		wantBody                 string
		wantCode                 string
	}{
		{"public", "GET", "/healthz", "", 200, "", ""},
		{"principal in context", "GET", "/api/v1/incidents/INC-1", "Bearer " + toks[access.RoleAuditor], 200, "as-auditor", ""},
		{"scheme in any case", "GET", "/api/v1/incidents/INC-1", "bearer " + toks[access.RoleAnalyst], 200, "as-analyst", ""},
		{"no header", "GET", "/api/v1/incidents/INC-1", "", 401, "", "unauthorized"},
		{"basic auth", "GET", "/api/v1/incidents/INC-1", "Basic " + toks[access.RoleAdmin], 401, "", "unauthorized"},
		{"unknown token", "GET", "/api/v1/incidents/INC-1", "Bearer brt_nope", 401, "", "unauthorized"},
		{"role without the action", "POST", "/api/v1/incidents/INC-1/approve", "Bearer " + toks[access.RoleDetector], 403, "", "forbidden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			w := httptest.NewRecorder()
			m.ServeHTTP(w, r)
			if w.Code != tc.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", w.Code, tc.wantStatus, w.Body)
			}
			if tc.wantCode == "" {
				if w.Body.String() != tc.wantBody {
					t.Errorf("body: got %q, want %q", w.Body, tc.wantBody)
				}
				return
			}
			var body struct{ Error, Code string }
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if body.Code != tc.wantCode || body.Error == "" {
				t.Errorf("body: got %+v, want code %s and a message", body, tc.wantCode)
			}
			if tc.wantStatus == 403 && !strings.Contains(body.Error, "may not approve; a token of role approver or admin may") {
				t.Errorf("403: got %q, want the roles that may", body.Error)
			}
			if tc.wantStatus == 401 && w.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("401 without a WWW-Authenticate header")
			}
		})
	}
	es, _, err := f.log.List(t.Context(), audit.Filter{Action: audit.ActionAccessDenied}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Principal+" "+e.Object+" "+string(e.Details))
	}
	want := []string{`as-detector route/POST /api/v1/incidents/{id}/approve {"needs":"approve","role":"detector"}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access.denied entries (-want +got):\n%s", diff)
	}
}

type brokenAuth struct{}

func (brokenAuth) Authenticate(context.Context, string) (access.Principal, error) {
	return access.Principal{}, errors.New("database is locked: secret dsn here")
}

func TestGuardStoreDown(t *testing.T) {
	m := newMux(&access.Guard{Auth: brokenAuth{}})
	r := httptest.NewRequest("GET", "/api/v1/audit", nil)
	r.Header.Set("Authorization", "Bearer brt_x")
	w := httptest.NewRecorder()
	m.ServeHTTP(w, r)
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status: got %d, want 503", w.Code)
	}
	if got := w.Body.String(); !json.Valid([]byte(got)) || strings.Contains(got, "dsn") {
		t.Errorf("body: got %q, want JSON without the cause", got)
	}
}

func TestGuardCustomDeny(t *testing.T) {
	var got error
	g := &access.Guard{Auth: brokenAuth{}, Deny: func(w http.ResponseWriter, _ *http.Request, err error) {
		got = err
		w.WriteHeader(http.StatusTeapot)
	}}
	h := g.Wrap(access.Need(access.ActionRead), whoami)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusTeapot || !errors.Is(got, access.ErrUnauthenticated) {
		t.Errorf("custom Deny: got status %d and %v, want 418 and ErrUnauthenticated", w.Code, got)
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{"Bearer abc", "abc", true},
		{"BEARER  abc ", "abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Token abc", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", tc.header)
		got, ok := access.BearerToken(r)
		if got != tc.want || ok != tc.ok {
			t.Errorf("BearerToken(%q): got %q, %v; want %q, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRequest(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{"GET /api/v1/incidents/{id}", "GET 127.0.0.1 /api/v1/incidents/x"},
		{"/healthz", "GET 127.0.0.1 /healthz"},
		{"POST /a/{id}/b/{rest...}", "POST 127.0.0.1 /a/x/b/x"},
		{"GET /{$}", "GET 127.0.0.1 /"},
		{"GET example.org/x", "GET example.org /x"},
	}
	for _, tc := range tests {
		r := accesstest.Request(tc.pattern)
		if got := r.Method + " " + r.Host + " " + r.URL.Path; got != tc.want {
			t.Errorf("Request(%q): got %q, want %q", tc.pattern, got, tc.want)
		}
	}
}

// TestGuardRefusalNotAudited: a refusal that cannot be written to the
// audit log is a failure (503 here, logged as 500 by the web package),
// never a 403 quoting the store's error.
func TestGuardRefusalNotAudited(t *testing.T) {
	f := newFixture(t)
	toks := roleTokens(t, f)
	down, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "down.db")})
	if err != nil {
		t.Fatal(err)
	}
	down.Close()
	m := newMux(&access.Guard{Auth: f.m, Audit: audit.New(down, time.Now)})
	r := httptest.NewRequest("POST", "/api/v1/incidents/INC-1/approve", nil)
	r.Header.Set("Authorization", "Bearer "+toks[access.RoleDetector])
	w := httptest.NewRecorder()
	m.ServeHTTP(w, r)
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status: got %d %s, want 503", w.Code, w.Body)
	}
	if got := w.Body.String(); !json.Valid([]byte(got)) || strings.Contains(got, "closed") || strings.Contains(got, "audit") {
		t.Errorf("body: got %q, want JSON without the store's error", got)
	}
}
