package twilioapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/breach-notify/breach/internal/twiliotest"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "S3cretT0kenValue9876543210zyxwvu"
	testFrom  = "+15005550006"
	testTo    = "+447700900123"
)

func newClient(t *testing.T, baseURL string, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(Config{AccountSID: testSID, AuthToken: testToken, BaseURL: baseURL, Timeout: timeout})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// createMessage is one CreateMessage request through c.
func createMessage(ctx context.Context, c *Client) (*api.ApiV2010Message, Outcome, error) {
	p := (&api.CreateMessageParams{}).SetTo(testTo).SetFrom(testFrom).SetBody("Hello.")
	return Do(ctx, c, func(svc *api.ApiService) (*api.ApiV2010Message, error) { return svc.CreateMessage(p) })
}

func TestDoSendsToTheBaseURL(t *testing.T) {
	fake := twiliotest.New(t, testSID, testToken)
	tests := []struct {
		name, suffix string
	}{
		{"host only", ""},
		{"trailing slash", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, out, err := createMessage(t.Context(), newClient(t, fake.URL+tt.suffix, 5*time.Second))
			if err != nil || msg.Sid == nil {
				t.Fatalf("got %v, %v, want a message", msg, err)
			}
			if want := (Outcome{Status: http.StatusCreated, Wrote: true}); out != want {
				t.Errorf("got outcome %+v, want %+v", out, want)
			}
		})
	}
	reqs := fake.Requests()
	if len(reqs) != 2 || reqs[0].User != testSID || reqs[0].Password != testToken || reqs[0].Operation != twiliotest.OpCreateMessage {
		t.Errorf("got requests %+v, want two authenticated CreateMessage", reqs)
	}
}

func TestDoKeepsTheBasePathPrefix(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Path
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprint(w, `{"sid":"SM1","status":"queued"}`)
	}))
	defer srv.Close()
	if _, _, err := createMessage(t.Context(), newClient(t, srv.URL+"/twilio-mock/", 5*time.Second)); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	if want := "/twilio-mock/2010-04-01/Accounts/" + testSID + "/Messages.json"; got != want {
		t.Errorf("got path %q, want %q", got, want)
	}
}

func TestDoWithoutBaseURLTargetsTwilio(t *testing.T) {
	t.Setenv("TWILIO_EDGE", "sydney") // must not move the traffic
	t.Setenv("TWILIO_REGION", "au1")
	var got string
	c, err := New(Config{AccountSID: testSID, AuthToken: testToken, Timeout: time.Second,
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r.URL.Scheme + "://" + r.URL.Host + r.URL.Path
			return &http.Response{StatusCode: http.StatusCreated, Header: http.Header{}, Request: r,
				Body: http.NoBody}, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = createMessage(t.Context(), c)
	if want := "https://api.twilio.com/2010-04-01/Accounts/" + testSID + "/Messages.json"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if c.BaseURL() != nil {
		t.Errorf("got base URL %v, want nil", c.BaseURL())
	}
}

// serve returns the URL of a server running h until t ends, or of a
// loopback port nothing listens on when h is nil.
func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	if h != nil {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Close()
	return "http://" + l.Addr().String()
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDoOutcomes(t *testing.T) {
	hang := func(w http.ResponseWriter, r *http.Request) {
		// Read the body so that the server notices the client leaving.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}
	tests := []struct {
		name      string
		handler   http.HandlerFunc // nil: nothing listens
		want      Outcome
		restError bool
	}{
		{"twilio refusal", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprint(w, `{"code":21211,"message":"The 'To' number is not valid","status":400}`)
		}, Outcome{Status: 400, Wrote: true}, true},
		{"no reply after sending", hang, Outcome{Wrote: true, Expired: true}, false},
		{"connection closed after sending", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}, Outcome{Wrote: true}, false},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://login.example.net/", http.StatusFound)
		}, Outcome{Status: http.StatusFound, Wrote: true}, false},
		{"nothing listens", nil, Outcome{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := serve(t, tt.handler)
			_, out, err := createMessage(t.Context(), newClient(t, url, 300*time.Millisecond))
			if out != tt.want {
				t.Errorf("got outcome %+v, want %+v (err %v)", out, tt.want, err)
			}
			_, code, _, rest := Reply(out, err)
			if rest != tt.restError || (rest && code != 21211) {
				t.Errorf("got Twilio error %v code %d, want %v", rest, code, tt.restError)
			}
		})
	}
}

func TestDoCancelledBeforeSending(t *testing.T) {
	fake := twiliotest.New(t, testSID, testToken)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, out, err := createMessage(ctx, newClient(t, fake.URL, time.Second))
	if err == nil || out.Wrote || out.Status != 0 || !out.Expired {
		t.Errorf("got %v, outcome %+v, want an error, nothing written", err, out)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("got %d requests, want 0", n)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no timeout", Config{AccountSID: testSID, AuthToken: testToken}, "timeout"},
		{"relative base url", Config{AccountSID: testSID, AuthToken: testToken, Timeout: time.Second, BaseURL: "api.twilio.com"}, "base url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error naming %s", err, tt.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("got the token in %q", err)
			}
		})
	}
}

func TestClientDoesNotPrintTheToken(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:8080", time.Second)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		s := fmt.Sprintf(verb, c)
		if strings.Contains(s, testToken) {
			t.Errorf("got the token in %s of the Client: %s", verb, s)
		}
		if !strings.Contains(s, testSID) {
			t.Errorf("got %q for %s, want the account", s, verb)
		}
	}
}

func TestIsTimeout(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"deadline", fmt.Errorf("post: %w", context.DeadlineExceeded), true},
		{"net timeout", &net.OpError{Op: "dial", Err: timeoutErr{}}, true},
		{"refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, false},
		{"other", errors.New("boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTimeout(tt.err); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestNetDetail(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"op error", fmt.Errorf("post https://x/?To=%%2B44: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), "dial tcp: connection refused"},
		{"dns error", fmt.Errorf("post: %w", &net.DNSError{Err: "no such host", Name: "api.example.org"}), "lookup api.example.org: no such host"},
		{"other", errors.New("boom"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NetDetail(tt.err); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
