package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
)

// documentedCodes reads the "Error codes" table of docs/api.md: code →
// status.
func documentedCodes(t *testing.T) map[fault.Code]int {
	t.Helper()
	f, err := os.Open("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| (\\d{3}) \\| `([a-z_]+)` \\|")
	got := map[fault.Code]int{}
	in := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			in = line == "### Error codes"
		case in:
			if m := row.FindStringSubmatch(line); m != nil {
				status, _ := strconv.Atoi(m[1])
				code := fault.Code(m[2])
				if prev, dup := got[code]; dup {
					t.Errorf("docs/api.md lists %s twice (%d and %d)", code, prev, status)
				}
				got[code] = status
			}
		}
	}
	if len(got) == 0 {
		t.Fatal(`docs/api.md has no "### Error codes" table`)
	}
	return got
}

// TestEveryCodeHasItsDocumentedStatus: the status table, fault.Codes and
// the table of docs/api.md say the same thing.
func TestEveryCodeHasItsDocumentedStatus(t *testing.T) {
	docs := documentedCodes(t)
	for _, c := range fault.Codes {
		status, ok := statusOf[c]
		if !ok {
			t.Errorf("code %s has no HTTP status in statusOf", c)
			continue
		}
		if d, ok := docs[c]; !ok {
			t.Errorf("code %s (%d) is missing from docs/api.md's error codes", c, status)
		} else if d != status {
			t.Errorf("code %s: docs/api.md says %d, statusOf says %d", c, d, status)
		}
	}
	for c := range docs {
		if _, ok := statusOf[c]; !ok {
			t.Errorf("docs/api.md lists code %s, which the API never sends", c)
		}
	}
	if len(statusOf) != len(fault.Codes) {
		t.Errorf("statusOf has %d codes, fault.Codes %d", len(statusOf), len(fault.Codes))
	}
	var spec struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Code struct {
							Enum []fault.Code `json:"enum"`
						} `json:"code"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPI, &spec); err != nil {
		t.Fatal(err)
	}
	if got := spec.Components.Schemas.Error.Properties.Code.Enum; !slices.Equal(got, fault.Codes) {
		t.Errorf("openapi.json's Error code enum is %v, want fault.Codes %v", got, fault.Codes)
	}
}

// TestErrorBody: what reaches a client for each kind of error a handler
// may return.
func TestErrorBody(t *testing.T) {
	secret := errors.New("pq: password authentication failed for user breach at 10.0.0.5")
	domainConflict := fault.New(fault.Conflict, "already has a version 2") // as a domain package declares it
	ve := &incident.ValidationError{Problems: []incident.Problem{{Field: "title", Message: "is required"}}}
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   fault.Code
		wantMsg    string
		wantField  string
	}{
		{"domain sentinel as it comes", fmt.Errorf("add version: %w", domainConflict), 409, fault.Conflict, "already has a version 2", ""},
		{"store sentinel", fmt.Errorf("get: %w", ErrNotFound), 404, fault.NotFound, "not found", ""},
		{"second approval", fmt.Errorf("approve INC-1: %w", ErrAlreadyApproved), 409, fault.AlreadyApproved, "already approved", ""},
		{"invalid cursor", ErrInvalidCursor, 400, fault.Invalid, "the cursor is not valid", ""},
		{"forbidden", fault.Errorf(fault.Forbidden, "ann (role reader) may not approve: %w", access.ErrForbidden), 403, fault.Forbidden, "ann (role reader) may not approve", ""},
		{"unauthenticated", access.ErrUnauthenticated, 401, fault.Unauthorized, "unknown or revoked token", ""},
		{"plain error is internal", fmt.Errorf("list: %w", secret), 500, fault.Internal, "internal error", ""},
		{"a cause stays out", fault.Wrap(secret, fault.Unavailable, "the store is down; retry later"), 503, fault.Unavailable, "the store is down; retry later", ""},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), 503, fault.Unavailable, "timed out", ""},
		{"problems of a rejected incident", fmt.Errorf("decode: %w", ve), 400, fault.InvalidIncident, "title: is required", "title"},
		{"problems of a bad field", invalidField("limit must be 1 to 100", "limit", "must be 1 to 100"), 400, fault.Invalid, "limit must be 1 to 100", "limit"},
		{"body over the limit", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 4096}), 413, fault.TooLarge, "4096-byte limit", ""},
		{"a code without a status", fault.New("no_such_code", "odd"), 500, fault.Internal, "internal error", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, b := errorBody(tc.err)
			if status != tc.wantStatus || b.Code != string(tc.wantCode) || !strings.Contains(b.Error, tc.wantMsg) {
				t.Errorf("got %d %s %q, want %d %s and a message containing %q", status, b.Code, b.Error, tc.wantStatus, tc.wantCode, tc.wantMsg)
			}
			if strings.Contains(b.Error, "password") || strings.Contains(b.Error, "10.0.0.5") {
				t.Errorf("the message leaks the cause: %q", b.Error)
			}
			if tc.wantField != "" && (len(b.Problems) != 1 || b.Problems[0].Field != tc.wantField) {
				t.Errorf("problems: got %+v, want one for %s", b.Problems, tc.wantField)
			}
		})
	}
}

// failingIncidents answers every read with err.
type failingIncidents struct {
	Incidents
	err error
}

func (f failingIncidents) GetIncident(context.Context, string) (IncidentView, error) {
	return IncidentView{}, f.err
}

// TestHandlersReturnWhatTheyGot: a collaborator's coded error reaches the
// client with its status and message through a handler that only wraps
// it; an uncoded one is a 500 that hides its text and is logged.
func TestHandlersReturnWhatTheyGot(t *testing.T) {
	tests := []struct {
		err        error
		wantStatus int
		wantCode   fault.Code
		wantMsg    string
	}{
		{fmt.Errorf("read: %w", fault.New(fault.Unavailable, "the incident store is being migrated")), 503, fault.Unavailable, "the incident store is being migrated"},
		{fmt.Errorf("read: %w", fault.New(fault.Conflict, "the incident changed while it was read")), 409, fault.Conflict, "the incident changed while it was read"},
		{errors.New("disk I/O error at /var/lib/breach/secret.db"), 500, fault.Internal, "internal error; quote request id"},
	}
	for _, tc := range tests {
		f := newFixture(t, Config{}, func(d *Deps) { d.Incidents = failingIncidents{Incidents: d.Incidents, err: tc.err} })
		resp, b := f.do(t, "GET", "/api/v1/incidents/INC-1", "", nil)
		e := decodeError(t, b)
		if resp.StatusCode != tc.wantStatus || e.Code != string(tc.wantCode) || !strings.HasPrefix(e.Error, tc.wantMsg) {
			t.Errorf("%v: got %d %s %q, want %d %s %q", tc.err, resp.StatusCode, e.Code, e.Error, tc.wantStatus, tc.wantCode, tc.wantMsg)
		}
		if strings.Contains(e.Error, "secret.db") {
			t.Errorf("the answer leaks the cause: %s", b)
		}
		if tc.wantStatus == 503 && resp.Header.Get("Retry-After") == "" {
			t.Errorf("503 without Retry-After")
		}
	}
}

// TestUnauthenticatedSaysWhatIsMissing: the 401 of a request without a
// token names the header to send, as the guard wrote it.
func TestUnauthenticatedSaysWhatIsMissing(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	resp, b := f.do(t, "GET", "/api/v1/incidents", "", nil, "Authorization", "")
	e := decodeError(t, b)
	if resp.StatusCode != http.StatusUnauthorized || e.Code != string(fault.Unauthorized) || !strings.Contains(e.Error, "Authorization: Bearer") {
		t.Errorf("got %d %s %q, want 401 unauthorized naming the Authorization header", resp.StatusCode, e.Code, e.Error)
	}
}
