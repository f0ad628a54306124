package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/access/accesstest"
)

// roleTokens authenticates one token per role.
type roleTokens map[string]access.Role

func (r roleTokens) Authenticate(_ context.Context, tok string) (access.Principal, error) {
	if role, ok := r[tok]; ok {
		return access.Principal{Name: "p-" + string(role), Role: role}, nil
	}
	return access.Principal{}, access.ErrUnauthenticated
}

// TestRouteTable: every route of the API answers, without a token and with
// a token of each role, as the role table says (a new route must be added
// with a decision, or it does not compile).
func TestRouteTable(t *testing.T) {
	tokens := map[access.Role]string{}
	auth := roleTokens{}
	for _, r := range access.Roles() {
		tok := "tok-" + string(r)
		tokens[r], auth[tok] = tok, r
	}
	deps := Deps{Incidents: &fakeIncidents{}, Publisher: &fakePublisher{}, Auth: auth, Campaigns: &fakeCampaigns{}}
	cfg := Config{Hosts: []string{"example.com"}}
	accesstest.CheckRoutes(t, New(cfg, deps, nil), RouteTable(cfg, deps), tokens)
}

// TestBrowserProtections: a cross-origin POST from a browser and a request
// with a foreign Host are refused before any handler runs, and every
// answer carries the security headers.
func TestBrowserProtections(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	for _, tc := range []struct {
		name     string
		method   string
		hdr      []string
		host     string
		ct       string
		wantCode int
	}{
		{name: "cross-site POST", method: "POST", hdr: []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, ct: "application/json", wantCode: http.StatusForbidden},
		{name: "foreign Origin POST", method: "POST", hdr: []string{"Origin", "https://evil.example"}, ct: "application/json", wantCode: http.StatusForbidden},
		{name: "rebound host", method: "GET", host: "evil.example", wantCode: http.StatusMisdirectedRequest},
		{name: "rebound host with port", method: "GET", host: "evil.example:8080", wantCode: http.StatusMisdirectedRequest},
		{name: "no content type", method: "POST", wantCode: http.StatusUnsupportedMediaType},
		{name: "same-origin read", method: "GET", hdr: []string{"Sec-Fetch-Site", "same-origin"}, wantCode: http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, f.srv.URL+"/api/v1/incidents", strings.NewReader(validDoc))
			req.Header.Set("Authorization", "Bearer "+adminToken)
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				req.Header.Set(tc.hdr[i], tc.hdr[i+1])
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tc.wantCode)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("answer lacks %s", h)
				}
			}
			if tc.wantCode >= 400 && len(f.pub.calls) != 0 {
				t.Errorf("refused request published %d incidents", len(f.pub.calls))
			}
		})
	}
}
