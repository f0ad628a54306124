// Package client is a typed client of breach's HTTP API (package web): it
// submits incidents, reads incidents, assessments and notice campaigns,
// approves incidents, streams the proof-of-notice export and publishes
// public notices. The CLI uses it, and so can tests and other programs.
//
// Every answer other than the one a call expects becomes an *Error carrying
// the status and the code and message of the API's error body.
package client

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/breach-notify/breach/internal/config"
)

// DefaultTimeout bounds each request when Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// maxAnswer bounds a JSON answer read into memory.
const maxAnswer = 64 << 20

// Config says where the API is and how to call it.
type Config struct {
	// Server is the base URL of the API, such as http://127.0.0.1:8080.
	Server string
	// Token is the bearer token; empty sends none.
	Token string
	// Timeout bounds each whole exchange, and the wait for the answer's
	// headers of a streaming call (DefaultTimeout when zero).
	Timeout time.Duration
	// Transport carries the requests (a clone of http.DefaultTransport when
	// nil).
	Transport http.RoundTripper
}

// Client calls one breach server. It is safe for concurrent use.
type Client struct {
	base  *url.URL
	token string
	// http bounds each whole exchange; stream only the wait for the
	// answer's headers, for bodies of any length.
	http   *http.Client
	stream *http.Client
}

// New returns a client for cfg.Server, which must be an http:// or https://
// URL.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.Server, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server %q is not an http:// or https:// URL", config.RedactURLs(cfg.Server))
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("timeout must be positive, got %s", cfg.Timeout)
	}
	timeout := cmp.Or(cfg.Timeout, DefaultTimeout)
	rt := cfg.Transport
	streamRT := cfg.Transport
	if rt == nil {
		rt = http.DefaultTransport.(*http.Transport).Clone()
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = timeout
		streamRT = tr
	}
	return &Client{
		base:   u,
		token:  cfg.Token,
		http:   &http.Client{Timeout: timeout, Transport: rt},
		stream: &http.Client{Transport: streamRT},
	}, nil
}

// Server returns the base URL with any password hidden, for messages.
func (c *Client) Server() string { return config.RedactURLs(c.base.String()) }

// Request is one call to the API, for routes this package has no method
// for.
type Request struct {
	Method string
	// Path is below the server's base URL, such as "/api/v1/incidents".
	Path  string
	Query url.Values
	// Body is sent as JSON when not nil; RawBody is sent as it is (as
	// application/json) when Body is nil.
	Body    any
	RawBody []byte
	// Accept is "application/json" when empty.
	Accept string
	// Stream lifts the limit on the whole exchange, keeping only the one on
	// the wait for the answer's headers, for bodies of any length.
	Stream bool
	// OK lists the statuses that are a success (200 when empty).
	OK []int
}

// Do sends req and returns the answer when its status is one of req.OK;
// the caller closes its body. Any other answer is an *Error; a server that
// cannot be reached is an *UnreachableError.
func (c *Client) Do(ctx context.Context, req Request) (*http.Response, error) {
	u := *c.base
	u.Path += req.Path
	u.RawQuery = req.Query.Encode()
	var body io.Reader
	switch {
	case req.Body != nil:
		b, err := json.Marshal(req.Body)
		if err != nil {
			return nil, fmt.Errorf("encode request to %s: %w", req.Path, err)
		}
		body = bytes.NewReader(b)
	case req.RawBody != nil:
		body = bytes.NewReader(req.RawBody)
	}
	hr, err := http.NewRequestWithContext(ctx, cmp.Or(req.Method, http.MethodGet), u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", req.Path, err)
	}
	hr.Header.Set("Accept", cmp.Or(req.Accept, "application/json"))
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.token)
	}
	hc := c.http
	if req.Stream {
		hc = c.stream
	}
	resp, err := hc.Do(hr)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // the *url.Error repeats the URL, which may hold a password
		}
		return nil, &UnreachableError{Server: c.Server(), Err: err}
	}
	ok := req.OK
	if len(ok) == 0 {
		ok = []int{http.StatusOK}
	}
	for _, s := range ok {
		if resp.StatusCode == s {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	return nil, readError(resp)
}

// Call sends req and returns the body of a successful answer.
func (c *Client) Call(ctx context.Context, req Request) ([]byte, error) {
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("read answer to %s: %w", req.Path, err)
	}
	return body, nil
}

// call sends req and decodes the JSON answer into v; what names the answer
// in an error ("incident list").
func (c *Client) call(ctx context.Context, req Request, what string, v any) error {
	body, err := c.Call(ctx, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("the server's %s is not the expected JSON: %w", what, err)
	}
	return nil
}
