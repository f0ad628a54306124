package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client/clienttest"
)

// TestAPIAnswersExitStatus: every code of the API becomes the exit status
// and hint apiAnswers gives it: 2 when the input must change, 1 otherwise,
// with the server's message on one line.
func TestAPIAnswersExitStatus(t *testing.T) {
	for _, code := range fault.Codes {
		t.Run(string(code), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest) // the status does not decide; the code does
				json.NewEncoder(w).Encode(web.ErrorBody{Error: "the server says " + string(code), Code: string(code), RequestID: "r-1"})
			}))
			defer srv.Close()
			exit, stdout, stderr := runIncident(t, map[string]string{envAPIToken: "t"}, "", "show", "INC-1", "--server", srv.URL)
			want := 1
			switch code {
			case fault.Invalid, fault.InvalidIncident, fault.TooLarge, fault.UnsupportedMedia:
				want = 2
			}
			if exit != want || stdout != "" {
				t.Errorf("got exit %d, stdout %q; want %d and nothing", exit, stdout, want)
			}
			if !strings.Contains(stderr, "the server says "+string(code)) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("stderr: got %q, want the server's message on one line", stderr)
			}
			if code == fault.Unauthorized && !strings.Contains(stderr, "--token or "+envAPIToken) {
				t.Errorf("stderr: got %q, want the hint to pass a token", stderr)
			}
		})
	}
}

// TestInvalidRequestOverHTTPIsInvalidInput: a request the API refuses as
// invalid (a cursor it never gave) exits 2, like invalid flags.
func TestInvalidRequestOverHTTPIsInvalidInput(t *testing.T) {
	srv := clienttest.Start(t)
	env := map[string]string{envAPIToken: clienttest.Token}
	exit, _, stderr := runIncident(t, env, "", "list", "--cursor", "zzz", "--server", srv.URL)
	if exit != 2 || !strings.Contains(stderr, "cursor") {
		t.Errorf("got exit %d, stderr %q; want 2 naming the cursor", exit, stderr)
	}
}
