package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/web/client"
)

// apiClient is the CLI's client of the HTTP API: client.Client, whose
// "cannot reach" errors gain the CLI's hint.
type apiClient struct {
	*client.Client
}

// clientFlags are the flags of the commands that use the HTTP API.
type clientFlags struct {
	server  string
	token   string
	asJSON  bool
	timeout time.Duration
	// out is -o table|json|yaml on read commands (addReadFlags).
	out *outputFlag
}

// addClientFlags adds --server, --token, --timeout and --json.
func addClientFlags(cmd *cobra.Command) *clientFlags {
	cf := addServerFlags(cmd)
	cmd.Flags().BoolVar(&cf.asJSON, "json", false, "print the API's JSON instead of a table")
	return cf
}

// addReadFlags adds --server, --token, --timeout and -o table|json|yaml
// (with --json as an alias of -o json), for commands that read.
func addReadFlags(cmd *cobra.Command) *clientFlags {
	cf := addServerFlags(cmd)
	cf.out = addOutputFlag(cmd)
	return cf
}

// addServerFlags adds --server, --token and --timeout.
func addServerFlags(cmd *cobra.Command) *clientFlags {
	cf := &clientFlags{}
	cmd.Flags().StringVar(&cf.server, "server", defaultServerURL, "URL of the breach HTTP API (env "+envServer+")")
	cmd.Flags().StringVar(&cf.token, "token", "", "API token, when the server requires one (env "+envAPIToken+")")
	cmd.Flags().DurationVar(&cf.timeout, "timeout", 15*time.Second, "time allowed for each request")
	return cf
}

// format returns the output format of a read command.
func (cf *clientFlags) format(cmd *cobra.Command) (string, error) {
	if cf.out == nil {
		if cf.asJSON {
			return formatJSON, nil
		}
		return formatTable, nil
	}
	return cf.out.resolve(cmd)
}

// client returns the API client the flags, the environment and the local
// admin token describe.
func (cf *clientFlags) client(cmd *cobra.Command, env incidentEnv) (*apiClient, error) {
	server := orEnv(cmd, env, "server", cf.server, envServer, defaultServerURL)
	if cf.timeout <= 0 {
		return nil, usageError(fmt.Errorf("--timeout must be positive, got %s", cf.timeout))
	}
	c, err := client.New(client.Config{
		Server:  server,
		Token:   cmp.Or(orEnv(cmd, env, "token", cf.token, envAPIToken, ""), localAdminToken(env)),
		Timeout: cf.timeout,
	})
	if err != nil {
		return nil, usageError(fmt.Errorf("--server %q is not an http:// or https:// URL", redactURLs(server)))
	}
	return &apiClient{Client: c}, nil
}

// cliError turns an error of the API client into the CLI's: a server that
// cannot be reached gains the hint to start it or name it, an error answer
// its exit status and hint (apiExit).
func cliError(err error) error {
	var ue *client.UnreachableError
	if errors.As(err, &ue) {
		return fmt.Errorf("%w (is `breach serve` running? set --server or %s)", err, envServer)
	}
	return apiExit(err)
}

// apiAnswers is how the CLI answers each error code of the API, and the
// only place that says so: the exit status (2 when the input must change,
// as for any invalid input; 1 otherwise) and a hint the user can act on.
// A code not listed exits 1 with the server's message alone.
var apiAnswers = map[fault.Code]struct {
	status int
	hint   string
}{
	fault.Invalid:          {status: 2},
	fault.InvalidIncident:  {status: 2},
	fault.TooLarge:         {status: 2},
	fault.UnsupportedMedia: {status: 2},
	fault.Unauthorized:     {status: 1, hint: "pass an API token with --token or " + envAPIToken},
	fault.Forbidden:        {status: 1, hint: "the token's role does not allow this; an admin can make one that does (breach token create)"},
}

// apiExit gives an error answer of the API its exit status and hint
// (apiAnswers); any other error is returned as it is.
func apiExit(err error) error {
	var ae *client.Error
	var ee *exitError
	if !errors.As(err, &ae) || errors.As(err, &ee) {
		return err
	}
	a, ok := apiAnswers[ae.Code]
	if !ok {
		return err
	}
	if a.hint != "" {
		err = fmt.Errorf("%w (%s)", err, a.hint)
	}
	return &exitError{code: a.status, err: err}
}

// request is one call to the API by a command that has no typed method in
// package client.
type request struct {
	method string
	path   string
	query  url.Values
	body   any    // sent as JSON when not nil
	accept string // "application/json" when empty
	stream bool   // no limit on the whole exchange, only on the wait for headers
}

// do sends req and returns the answer when it is 200 OK; the caller closes
// its body. Any other answer is a *client.Error carrying the server's
// message.
func (c *apiClient) do(ctx context.Context, req request) (*http.Response, error) {
	resp, err := c.Client.Do(ctx, client.Request{Method: req.method, Path: req.path, Query: req.query, Body: req.body,
		Accept: req.accept, Stream: req.stream})
	return resp, cliError(err)
}

// get fetches path and returns the body of a 200 answer.
func (c *apiClient) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	return c.call(ctx, request{method: http.MethodGet, path: path, query: query})
}

// call sends req and returns the body of a 200 answer.
func (c *apiClient) call(ctx context.Context, req request) ([]byte, error) {
	b, err := c.Client.Call(ctx, client.Request{Method: req.method, Path: req.path, Query: req.query, Body: req.body,
		Accept: req.accept, Stream: req.stream})
	return b, cliError(err)
}
