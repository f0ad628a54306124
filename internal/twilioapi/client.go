// Package twilioapi is what the SMS and voice channels share of Twilio's
// REST API (version 2010-04-01, through github.com/twilio/twilio-go):
//
//   - a Client for one account whose Do sends each request to Twilio, or
//     to a configured base URL, within a timeout and bound to a context
//     (twilio-go takes none), and reports in an Outcome whether the
//     request was written and which status came back: with no reply, a
//     written request may have taken effect (an ambiguous outcome);
//   - E.164 number normalising (NormalizeNumber, IsE164);
//   - the configuration checks of account SIDs, auth tokens and absolute
//     URLs (CheckAccountSID, CheckAuthToken, CheckURL);
//   - the classification of Twilio's error replies into
//     notify.DeliveryError values, permanent or temporary, carrying
//     Twilio's code and a reason free of personal data (Refusals.Failure,
//     LookupFailure). Twilio's own messages, which can echo the phone
//     number, are dropped.
package twilioapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
)

// Config configures a Client. Callers check its values first with
// CheckAccountSID, CheckAuthToken and CheckURL, so that their errors name
// the configuration keys.
type Config struct {
	// AccountSID is the Twilio account ("AC" and 32 hex digits).
	AccountSID string
	// AuthToken is the account's auth token, revealed.
	AuthToken string
	// BaseURL replaces https://api.twilio.com (scheme, host and an
	// optional path prefix); "" means Twilio.
	BaseURL string
	// Timeout bounds one request, from connecting to reading the reply;
	// it must be positive.
	Timeout time.Duration
	// Transport carries the requests; nil means a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
}

// Client makes requests to Twilio's API for one account. It is safe for
// concurrent use, and prints without the token.
type Client struct {
	accountSID string
	token      string
	base       *url.URL // nil: Twilio itself
	timeout    time.Duration
	transport  http.RoundTripper
}

// New returns a Client for cfg. Errors name the field, never the token.
func New(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("twilio client timeout: must be positive, got %s", cfg.Timeout)
	}
	c := &Client{accountSID: cfg.AccountSID, token: cfg.AuthToken, timeout: cfg.Timeout, transport: cfg.Transport}
	if c.transport == nil {
		c.transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Host == "" {
			return nil, errors.New("twilio client base url: must be an absolute http or https URL")
		}
		c.base = u
	}
	return c, nil
}

// BaseURL returns the URL requests go to instead of Twilio, or nil when
// they go to Twilio.
func (c *Client) BaseURL() *url.URL {
	if c.base == nil {
		return nil
	}
	u := *c.base
	return &u
}

// Timeout returns the bound of one request.
func (c *Client) Timeout() time.Duration { return c.timeout }

// Format prints the account and where requests go, never the token.
func (c *Client) Format(f fmt.State, _ rune) {
	where := "https://api.twilio.com"
	if c.base != nil {
		where = c.base.Scheme + "://" + c.base.Host
	}
	_, _ = fmt.Fprintf(f, "twilioapi.Client{account %s at %s}", c.accountSID, where)
}

// Outcome is what the transport saw of one request.
type Outcome struct {
	// Status is the HTTP status of the reply, 0 when none came.
	Status int
	// Wrote reports whether the request was written to a connection: if
	// no reply came, it may have taken effect.
	Wrote bool
	// Expired reports whether the request's context (the caller's, bound
	// by the client's timeout) had ended when it returned.
	Expired bool
}

// Do runs one request, f, on the API service of c, bound to ctx and to the
// client's timeout, and reports what the transport saw. Redirects are not
// followed (a redirect is not the Twilio API), and the reply body that
// twilio-go leaves open after an error reply is closed.
func Do[T any](ctx context.Context, c *Client, f func(*api.ApiService) (T, error)) (T, Outcome, error) {
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	t := &tracker{ctx: callCtx, next: c.transport, base: c.base}
	tc := &tclient.Client{Credentials: tclient.NewCredentials(c.accountSID, c.token), HTTPClient: &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	tc.SetAccountSid(c.accountSID)
	// Edge and Region are left empty on purpose: TWILIO_EDGE/TWILIO_REGION
	// from the environment would silently move the traffic.
	res, err := f(api.NewApiService(&tclient.RequestHandler{Client: tc}))
	status := t.finish()
	return res, Outcome{Status: status, Wrote: t.wrote.Load(), Expired: callCtx.Err() != nil}, err
}

// tracker is the transport of one request: it carries the caller's
// context, rewrites the base URL, and records whether the request was
// written and which status came back.
type tracker struct {
	ctx  context.Context
	next http.RoundTripper
	base *url.URL

	wrote  atomic.Bool
	mu     sync.Mutex
	status int
	resp   *http.Response
}

func (t *tracker) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := httptrace.WithClientTrace(t.ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				t.wrote.Store(true)
			}
		},
	})
	r := req.Clone(ctx)
	if t.base != nil {
		r.URL.Scheme, r.URL.Host = t.base.Scheme, t.base.Host
		r.URL.Path = strings.TrimSuffix(t.base.Path, "/") + r.URL.Path
		r.URL.RawPath = ""
		r.Host = ""
	}
	resp, err := t.next.RoundTrip(r)
	if resp != nil {
		t.mu.Lock()
		t.status, t.resp = resp.StatusCode, resp
		t.mu.Unlock()
	}
	return resp, err
}

// finish closes the last reply body, draining a little first so that the
// connection stays reusable, and returns the last status.
func (t *tracker) finish() int {
	t.mu.Lock()
	resp, status := t.resp, t.status
	t.mu.Unlock()
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}
	return status
}
