package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/breach-notify/breach/access"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/web"
)

// Defaults of the incident commands; the environment variables override
// them, flags override both.
const (
	defaultNATSURL   = "nats://127.0.0.1:4223" // the embedded server's default listen address
	defaultServerURL = "http://127.0.0.1:8080"
	envNATSURL       = "BREACH_NATS_URL"
	envNATSCreds     = "BREACH_NATS_CREDS"
	envNATSPrefix    = "BREACH_NATS_PREFIX"
	envServer        = "BREACH_SERVER"
	envAPIToken      = config.EnvAPIToken
)

// incidentEnv is what the incident commands take from the process: the
// environment and the clock. Tests pass their own.
type incidentEnv struct {
	getenv func(string) string
	now    func() time.Time
	// terminal reports whether w is a terminal that can redraw a line;
	// isTerminal when nil.
	terminal func(w io.Writer) bool
}

// isTTY reports whether w is a terminal.
func (env incidentEnv) isTTY(w io.Writer) bool {
	if env.terminal != nil {
		return env.terminal(w)
	}
	return isTerminal(w)
}

func newIncidentCmd() *cobra.Command {
	return newIncidentCmdWith(incidentEnv{getenv: os.Getenv, now: time.Now})
}

func newIncidentCmdWith(env incidentEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "incident",
		Short: "Submit, list, show and approve incidents",
		Long: "Submit an incident document to the service's NATS stream, or read incidents and their\n" +
			"assessments from the HTTP API of a running `breach serve`, and approve them for\n" +
			"notification.",
	}
	cmd.AddCommand(newIncidentSubmitCmd(env), newIncidentListCmd(env), newIncidentShowCmd(env), newIncidentApproveCmd(env))
	return cmd
}

// orEnv returns the flag's value when it was set, else the environment
// variable when set, else the default.
func orEnv(cmd *cobra.Command, env incidentEnv, flag, value, name, def string) string {
	if cmd.Flags().Changed(flag) {
		return value
	}
	if v := env.getenv(name); v != "" {
		return v
	}
	return def
}

// usageArgs makes a wrong number of arguments exit with status 2.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError(err)
		}
		return nil
	}
}

// ---------------------------------------------------------------- submit

func newIncidentSubmitCmd(env incidentEnv) *cobra.Command {
	var file, natsURL, creds, prefix string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "submit -f FILE",
		Short: "Validate an incident document and publish it to the INCIDENTS stream",
		Long: "Validate an incident document (breach.incident/v1 JSON, plain or in a CloudEvents 1.0\n" +
			"envelope) exactly as the service does, give it an id when it has none, and publish it\n" +
			"on <prefix>.incident.submit with Nats-Msg-Id <id>/<revision>/<content digest>. Prints the\n" +
			"id, followed by \"duplicate\" when the stream already had this document. An invalid\n" +
			"document exits with status 2. The embedded server wants the detector credential\n" +
			"(--nats-creds; `breach nats creds detector`).",
		Args: usageArgs(cobra.NoArgs),
		Example: "  breach incident submit -f incident.json\n" +
			"  detector | breach incident submit -f - --nats-url nats://nats-1:4222,nats://nats-2:4222",
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "incident document (JSON); - reads standard input")
	cmd.Flags().StringVar(&natsURL, "nats-url", defaultNATSURL, "NATS server URLs, comma-separated (env "+envNATSURL+")")
	cmd.Flags().StringVar(&creds, "nats-creds", "", "NATS credentials file (env "+envNATSCreds+")")
	cmd.Flags().StringVar(&prefix, "prefix", natsbus.DefaultPrefix, "subject prefix of the service (env "+envNATSPrefix+")")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Second, "time allowed to connect and be acknowledged")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if file == "" {
			return usageError(errors.New("name the incident document with -f FILE (or -f - for standard input)"))
		}
		if timeout <= 0 {
			return usageError(fmt.Errorf("--timeout must be positive, got %s", timeout))
		}
		raw, name, err := readIncidentFile(cmd, file)
		if err != nil {
			return err
		}
		sub, err := web.PrepareSubmission(raw, env.now())
		if errors.Is(err, incident.ErrInvalid) {
			return usageError(fmt.Errorf("%s: %w", name, err))
		}
		if err != nil {
			return err
		}
		natsURL = orEnv(cmd, env, "nats-url", natsURL, envNATSURL, defaultNATSURL)
		creds = cmp.Or(orEnv(cmd, env, "nats-creds", creds, envNATSCreds, ""), localCreds(env, "detector"))
		prefix = orEnv(cmd, env, "prefix", prefix, envNATSPrefix, natsbus.DefaultPrefix)
		ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
		defer cancel()
		dup, err := publishSubmission(ctx, natsURL, creds, natsbus.Subjects{Prefix: prefix}, sub, timeout)
		if err != nil {
			return err
		}
		out := sub.Incident.ID
		if dup {
			out += " duplicate"
		}
		fmt.Fprintln(cmd.OutOrStdout(), out)
		if dup {
			fmt.Fprintf(cmd.ErrOrStderr(), "breach: %s revision %d was already submitted; if the document changed, submit it as revision %d (the stream keeps the first document of a revision)\n",
				sub.Incident.ID, sub.Incident.Revision, sub.Incident.Revision+1)
		}
		if sub.Assigned {
			fmt.Fprintf(cmd.ErrOrStderr(), "breach: %s had no id and was given %s; put \"id\": %q in it to submit later revisions\n",
				name, sub.Incident.ID, sub.Incident.ID)
		}
		return nil
	}
	return cmd
}

// readIncidentFile reads the document at path ("-" for standard input),
// refusing more than incident.MaxDocumentBytes.
func readIncidentFile(cmd *cobra.Command, path string) ([]byte, string, error) {
	var r io.Reader
	name := path
	if path == "-" {
		r, name = cmd.InOrStdin(), "standard input"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, name, usageError(fmt.Errorf("read incident: %w", err))
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, incident.MaxDocumentBytes+1))
	if err != nil {
		return nil, name, usageError(fmt.Errorf("read incident %s: %w", name, err))
	}
	if len(raw) > incident.MaxDocumentBytes {
		return nil, name, usageError(fmt.Errorf("%s: the incident document is larger than the %d-byte limit", name, incident.MaxDocumentBytes))
	}
	return raw, name, nil
}

// publishSubmission connects to NATS, publishes the incident with its
// Nats-Msg-Id and waits for the stream's acknowledgement.
func publishSubmission(ctx context.Context, natsURL, creds string, subjects natsbus.Subjects, sub *web.Submission, timeout time.Duration) (bool, error) {
	nc, js, shown, err := connectNATS(natsURL, creds, "breach incident submit", timeout)
	if err != nil {
		return false, err
	}
	defer nc.Close()
	dup, err := natsbus.PublishIncident(ctx, js, subjects, sub.Incident, sub.Raw)
	switch {
	case errors.Is(err, jetstream.ErrNoStreamResponse), errors.Is(err, nats.ErrNoResponders):
		return false, fmt.Errorf("publish incident %s: no JetStream stream on %s stores %s (is this breach's NATS server, with this --prefix?)",
			sub.Incident.Key(), shown, subjects.IncidentSubmit())
	case errors.Is(err, context.DeadlineExceeded):
		return false, fmt.Errorf("publish incident %s to %s: no acknowledgement within %s", sub.Incident.Key(), shown, timeout)
	case err != nil:
		return false, fmt.Errorf("%w (NATS at %s)", err, shown)
	}
	return dup, nil
}

// redactURLs hides the user information of each URL of a comma-separated
// list, so a password never reaches an error message (config.RedactURLs).
func redactURLs(list string) string { return config.RedactURLs(list) }

// ---------------------------------------------------------------- HTTP client

// apiClient talks to the HTTP API of a running breach serve.
type apiClient struct {
	base  *url.URL
	token string
	// http bounds each whole exchange; stream only the wait for the
	// answer's headers, for bodies of any length.
	http   *http.Client
	stream *http.Client
}

// clientFlags are the flags of the commands that use the HTTP API.
type clientFlags struct {
	server  string
	token   string
	asJSON  bool
	timeout time.Duration
}

// addClientFlags adds --server, --token, --timeout and --json.
func addClientFlags(cmd *cobra.Command) *clientFlags {
	cf := addServerFlags(cmd)
	cmd.Flags().BoolVar(&cf.asJSON, "json", false, "print the API's JSON instead of a table")
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

func (cf *clientFlags) client(cmd *cobra.Command, env incidentEnv) (*apiClient, error) {
	server := orEnv(cmd, env, "server", cf.server, envServer, defaultServerURL)
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageError(fmt.Errorf("--server %q is not an http:// or https:// URL", redactURLs(server)))
	}
	if cf.timeout <= 0 {
		return nil, usageError(fmt.Errorf("--timeout must be positive, got %s", cf.timeout))
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = cf.timeout
	return &apiClient{
		base:   u,
		token:  cmp.Or(orEnv(cmd, env, "token", cf.token, envAPIToken, ""), localAdminToken(env)),
		http:   &http.Client{Timeout: cf.timeout},
		stream: &http.Client{Transport: tr},
	}, nil
}

// apiError is an error answer of the API.
type apiError struct {
	status int
	body   web.ErrorBody
}

func (e *apiError) Error() string {
	msg := e.body.Error
	for _, p := range e.body.Problems {
		if !strings.Contains(msg, p.Field) {
			msg += "; " + p.String()
		}
	}
	return msg
}

// request is one call to the API.
type request struct {
	method string
	path   string
	query  url.Values
	body   any    // sent as JSON when not nil
	accept string // "application/json" when empty
	stream bool   // no limit on the whole exchange, only on the wait for headers
}

// do sends req and returns the answer when it is 200 OK; the caller closes
// its body. Any other answer becomes an *apiError carrying the server's
// message.
func (c *apiClient) do(ctx context.Context, req request) (*http.Response, error) {
	u := *c.base
	u.Path += req.path
	u.RawQuery = req.query.Encode()
	var body io.Reader
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return nil, fmt.Errorf("encode request to %s: %w", req.path, err)
		}
		body = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", req.path, err)
	}
	hr.Header.Set("Accept", cmp.Or(req.accept, "application/json"))
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.token)
	}
	hc := c.http
	if req.stream {
		hc = c.stream
	}
	resp, err := hc.Do(hr)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // the *url.Error repeats the URL, which may hold a password
		}
		return nil, fmt.Errorf("cannot reach the breach server at %s: %w (is `breach serve` running? set --server or %s)",
			redactURLs(c.base.String()), err, envServer)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	e := &apiError{status: resp.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(b, &e.body) != nil || e.body.Error == "" {
		e.body = web.ErrorBody{Error: fmt.Sprintf("the server answered %s", resp.Status)}
	}
	return nil, e
}

// get fetches path and returns the body of a 200 answer.
func (c *apiClient) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	return c.call(ctx, request{method: http.MethodGet, path: path, query: query})
}

// call sends req and returns the body of a 200 answer.
func (c *apiClient) call(ctx context.Context, req request) ([]byte, error) {
	resp, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer to %s: %w", req.path, err)
	}
	return body, nil
}

// ---------------------------------------------------------------- list

func newIncidentListCmd(env incidentEnv) *cobra.Command {
	var limit int
	var cursor string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List incidents, newest first",
		Args:  usageArgs(cobra.NoArgs),
	}
	cf := addClientFlags(cmd)
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many incidents")
	cmd.Flags().StringVar(&cursor, "cursor", "", "continue after the cursor an earlier list printed")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if limit < 1 {
			return usageError(fmt.Errorf("--limit must be 1 or more, got %d", limit))
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		body, err := c.get(cmd.Context(), "/api/v1/incidents", q)
		if err != nil {
			return err
		}
		if cf.asJSON {
			_, err := cmd.OutOrStdout().Write(body)
			return err
		}
		var list web.IncidentList
		if err := json.Unmarshal(body, &list); err != nil {
			return fmt.Errorf("the server's incident list is not the expected JSON: %w", err)
		}
		return writeIncidentList(cmd.OutOrStdout(), list)
	}
	return cmd
}

func writeIncidentList(w io.Writer, list web.IncidentList) error {
	if len(list.Incidents) == 0 {
		fmt.Fprintln(w, "no incidents")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREV\tSTATUS\tRISK\tSUBJECTS\tDISCOVERED\tCAUSE\tTITLE")
	for _, s := range list.Incidents {
		subjects := "-"
		if s.Subjects != nil {
			subjects = strconv.Itoa(*s.Subjects)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Revision, dash(s.Status), dash(s.Risk), subjects,
			formatTime(s.DiscoveredAt), dash(string(s.Cause)), truncate(oneLine(s.Title), 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if list.NextCursor != "" {
		fmt.Fprintf(w, "\nmore: breach incident list --cursor %s\n", list.NextCursor)
	}
	return nil
}

// ---------------------------------------------------------------- show

// assessmentDoc is the assessment (DESIGN §6) as the service serves it.
type assessmentDoc = assess.Assessment

// obligation is one jurisdiction's duties as the assessment states them
// (regulators.Obligation on the wire).

func newIncidentShowCmd(env incidentEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show an incident, its revisions and its assessment",
		Args:  usageArgs(cobra.ExactArgs(1)),
	}
	cf := addClientFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id := args[0]
		if !incident.ValidID(id) {
			return usageError(fmt.Errorf("%q is not an incident id (1-128 letters, digits, '-' or '_')", id))
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		path := "/api/v1/incidents/" + url.PathEscape(id)
		viewBody, err := c.get(cmd.Context(), path, nil)
		if err != nil {
			return err
		}
		assessBody, err := c.get(cmd.Context(), path+"/assessment", nil)
		var ae *apiError
		if errors.As(err, &ae) && ae.body.Code == "not_assessed" {
			assessBody, err = nil, nil
		}
		if err != nil {
			return err
		}
		if cf.asJSON {
			out := struct {
				Incident   json.RawMessage `json:"incident"`
				Assessment json.RawMessage `json:"assessment"`
			}{Incident: viewBody, Assessment: json.RawMessage("null")}
			if assessBody != nil {
				out.Assessment = assessBody
			}
			b, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				return fmt.Errorf("encode incident %s: %w", id, err)
			}
			_, err = cmd.OutOrStdout().Write(append(b, '\n'))
			return err
		}
		var view web.IncidentView
		if err := json.Unmarshal(viewBody, &view); err != nil || view.Incident == nil {
			return fmt.Errorf("the server's incident %s is not the expected JSON", id)
		}
		var a *assessmentDoc
		if assessBody != nil {
			a = &assessmentDoc{}
			if err := json.Unmarshal(assessBody, a); err != nil {
				return fmt.Errorf("the server's assessment of %s is not the expected JSON: %w", id, err)
			}
		}
		var buf bytes.Buffer
		writeIncidentView(&buf, view, a, env.now())
		_, err = cmd.OutOrStdout().Write(buf.Bytes())
		return err
	}
	return cmd
}

func writeIncidentView(w io.Writer, v web.IncidentView, a *assessmentDoc, now time.Time) {
	in := v.Incident
	fmt.Fprintf(w, "Incident %s (revision %d, %s)\n", in.ID, in.Revision, dash(v.Status))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, val string) {
		if val != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", k+":", val)
		}
	}
	row("Title", oneLine(in.Title))
	row("Source", oneLine(in.Source))
	cause := string(in.Cause)
	if in.Malicious {
		cause += " (malicious)"
	}
	row("Cause", cause)
	switch {
	case in.OccurredAt != nil && in.OccurredUntil != nil:
		row("Occurred", formatTime(*in.OccurredAt)+" to "+formatTime(*in.OccurredUntil))
	case in.OccurredAt != nil:
		row("Occurred", formatTime(*in.OccurredAt))
	}
	row("Discovered", formatTime(in.DiscoveredAt))
	row("Effects", effectsLine(in.Effects))
	row("Mitigation", fmt.Sprintf("contained %s, data recovered %s, recipient trusted %s",
		yesNo(in.Mitigation.Contained), yesNo(in.Mitigation.DataRecovered), yesNo(in.Mitigation.RecipientTrusted)))
	if ct := in.Contact; ct != nil {
		row("Contact", strings.Join(nonEmpty(ct.Name, ct.Email, ct.Phone), ", "))
	}
	if !v.FirstReceivedAt.IsZero() {
		row("Received", formatTime(v.FirstReceivedAt)+" (last revision "+formatTime(v.LastReceivedAt)+")")
	}
	tw.Flush()
	if d := strings.TrimSpace(in.Description); d != "" {
		fmt.Fprintln(w, "\nWhat happened")
		for _, l := range strings.Split(d, "\n") {
			fmt.Fprintln(w, "  "+l)
		}
	}

	fmt.Fprintln(w, "\nAffected systems")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SYSTEM\tCATEGORIES\tPEOPLE\tENCRYPTED")
	for _, af := range in.Affected {
		cats := "all it holds"
		if len(af.Categories) > 0 {
			cats = strings.Join(af.Categories, ", ")
		}
		people := "everyone in it"
		if len(af.Subjects) > 0 {
			people = strconv.Itoa(len(af.Subjects)) + " listed"
		}
		enc := "as inventoried"
		if af.Encrypted != nil {
			enc = yesNo(*af.Encrypted)
			if af.KeyCompromised != nil && *af.KeyCompromised {
				enc += ", key compromised"
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", oneLine(af.System), truncate(cats, 60), people, enc)
	}
	tw.Flush()
	for _, l := range []struct {
		title string
		items []string
	}{{"Measures taken", in.Mitigation.Measures}, {"Advice to people", in.Mitigation.Advice}, {"Remedies offered", in.Mitigation.Remedies}} {
		if len(l.items) == 0 {
			continue
		}
		fmt.Fprintln(w, "\n"+l.title)
		for _, it := range l.items {
			fmt.Fprintln(w, "  - "+oneLine(it))
		}
	}

	if len(v.Revisions) > 0 {
		fmt.Fprintln(w, "\nRevisions")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  REV\tRECEIVED\tTITLE")
		for _, r := range v.Revisions {
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", r.Revision, formatTime(r.ReceivedAt), truncate(dash(oneLine(r.Title)), 60))
		}
		tw.Flush()
	}

	if a == nil {
		fmt.Fprintln(w, "\nAssessment: not assessed yet")
		return
	}
	writeAssessment(w, a, now)
}

func writeAssessment(w io.Writer, a *assessmentDoc, now time.Time) {
	head := "\nAssessment"
	if !a.AssessedAt.IsZero() {
		head += " (" + formatTime(a.AssessedAt)
		if a.Revision > 0 {
			head += fmt.Sprintf(", revision %d", a.Revision)
		}
		head += ")"
	}
	fmt.Fprintln(w, head)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  Risk:\t%s\n", dash(string(a.Risk)))
	s := a.Severity
	fmt.Fprintf(tw, "  Severity:\t%s (%s score %s = DPC %s × EI %s + CB %s)\n", dash(s.Level), dash(s.Method),
		num(s.Score), num(float64(s.DPC)), num(s.EI), num(s.CB))
	fmt.Fprintf(tw, "  People:\t%d (minors %d, without contact %d); records %d\n",
		a.Subjects.Total, a.Subjects.Minors, a.Subjects.WithoutContact, a.Records)
	if len(a.Subjects.ByJurisdiction) > 0 {
		fmt.Fprintf(tw, "  By jurisdiction:\t%s\n", byJurisdiction(a.Subjects.ByJurisdiction))
	}
	if a.RejectedRows > 0 {
		fmt.Fprintf(tw, "  WARNING:\t%d directory rows could not be read and were skipped: those people may be affected (breach inventory check)\n", a.RejectedRows)
	}
	if a.WarnedRows > 0 {
		fmt.Fprintf(tw, "  Note:\t%d directory rows had a malformed contact; those people are counted but that contact is not used\n", a.WarnedRows)
	}
	if len(a.Categories) > 0 {
		fmt.Fprintf(tw, "  Categories:\t%s\n", strings.Join(a.Categories, ", "))
	}
	pn := "not required"
	switch {
	case a.PublicNotice.Required:
		pn = "required"
	case a.PublicNotice.Allowed:
		pn = "allowed, not required"
	}
	fmt.Fprintf(tw, "  Public notice:\t%s\n", pn)
	tw.Flush()

	if len(a.Obligations) == 0 {
		fmt.Fprintln(w, "\nDuties: none")
		return
	}
	fmt.Fprintln(w, "\nDuties")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  JURISDICTION\tPEOPLE\tREGULATOR\tREGULATOR DEADLINE\tINDIVIDUALS\tINDIVIDUAL DEADLINE\tPUBLIC NOTICE")
	for _, o := range a.Obligations {
		reg, regDL := "no", "-"
		if o.NotifyRegulator {
			reg = cmp.Or(o.Regulator, "yes")
			regDL = deadline(o.RegulatorDeadline, o.RegulatorDeadlineText, now)
		}
		ind, indDL := "no", "-"
		if o.NotifyIndividuals {
			ind = "yes"
			indDL = deadline(o.IndividualDeadline, o.IndividualDeadlineText, now)
		}
		if o.SafeHarbour != "" && !o.NotifyIndividuals {
			ind = "no (" + truncate(oneLine(o.SafeHarbour), 30) + ")"
		}
		pub := "no"
		switch {
		case o.PublicNotice:
			pub = "required"
		case o.PublicNoticeAllowed:
			pub = "allowed"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\t%s\n", o.Jurisdiction, o.Subjects, truncate(oneLine(reg), 40), regDL, ind, indDL, pub)
	}
	tw.Flush()
	var other bool
	for _, o := range a.Obligations {
		for _, n := range o.OtherNotices {
			if !other {
				fmt.Fprintln(w, "\nOther notices")
				other = true
			}
			req := "optional"
			if n.Required {
				req = "required"
			}
			fmt.Fprintf(w, "  %s: %s, %s, %s\n", o.Jurisdiction, oneLine(n.To), req, deadline(n.Deadline, n.DeadlineText, now))
		}
	}
	var cites bool
	for _, o := range a.Obligations {
		if len(o.Citations) == 0 {
			continue
		}
		if !cites {
			fmt.Fprintln(w, "\nCitations")
			cites = true
		}
		fmt.Fprintf(w, "  %s: %s\n", o.Jurisdiction, strings.Join(o.Citations, "; "))
	}
}

// ---------------------------------------------------------------- approve

func newIncidentApproveCmd(env incidentEnv) *cobra.Command {
	var reason, by string
	cmd := &cobra.Command{
		Use:   "approve ID",
		Short: "Approve the current revision of an assessed incident for notification",
		Long: "Approve the current revision of an incident for notification: the service then plans\n" +
			"and sends the notices its assessment requires. The incident must be assessed first\n" +
			"(see `breach incident show ID`). The approver is the principal of the API token;\n" +
			"the reason is kept with it in the audit log as proof of the decision.",
		Args: usageArgs(cobra.ExactArgs(1)),
		Example: "  breach incident approve INC-2026-0042 --reason \"counsel confirmed the duty to notify\"\n" +
			"  breach incident approve INC-2026-0042 --reason \"...\" --server https://breach.internal:8080",
	}
	cf := addClientFlags(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why the notices may go out (required; kept in the audit log)")
	cmd.Flags().StringVar(&by, "by", "", "ignored: the approver is the principal of the API token")
	_ = cmd.Flags().MarkDeprecated("by", "the approver is the principal of the API token; give --reason")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id := args[0]
		if !incident.ValidID(id) {
			return usageError(fmt.Errorf("%q is not an incident id (1-128 letters, digits, '-' or '_')", id))
		}
		if strings.TrimSpace(reason) == "" {
			return usageError(errors.New("--reason must say why the notices may go out (it is kept in the audit log)"))
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		body, err := c.call(cmd.Context(), request{method: http.MethodPost, path: "/api/v1/incidents/" + url.PathEscape(id) + "/approve",
			body: web.ApproveRequest{Reason: reason}})
		if err != nil {
			return err
		}
		if cf.asJSON {
			_, err := cmd.OutOrStdout().Write(body)
			return err
		}
		var ap web.Approval
		if err := json.Unmarshal(body, &ap); err != nil || ap.Incident == "" {
			return fmt.Errorf("the server's approval of %s is not the expected JSON", id)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s revision %d approved by %s at %s\n", ap.Incident, ap.Revision, oneLine(ap.By), formatTime(ap.At))
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: follow the campaign with: breach notices status %s --watch\n", ap.Incident)
		return nil
	}
	return cmd
}

// deadline prints an absolute deadline with the time left (or overdue)
// relative to now, or the law's words when it sets no fixed time.
func deadline(t *time.Time, text string, now time.Time) string {
	if t == nil {
		if text != "" {
			return truncate(oneLine(text), 50)
		}
		return "no fixed deadline"
	}
	d := t.Sub(now)
	if d < 0 {
		return formatTime(*t) + " (overdue by " + span(-d) + ")"
	}
	return formatTime(*t) + " (in " + span(d) + ")"
}

// span prints a duration in days and hours, or minutes under an hour.
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dm", int(d/time.Minute))
}

func byJurisdiction(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func effectsLine(e incident.Effects) string {
	if e == (incident.Effects{}) {
		return "not stated"
	}
	parts := []string{
		"confidentiality " + dash(string(e.Confidentiality)),
		"integrity " + dash(string(e.Integrity)),
		"availability " + dash(string(e.Availability)),
	}
	if e.OutageHours > 0 {
		parts = append(parts, "outage "+num(e.OutageHours)+" h")
	}
	return strings.Join(parts, ", ")
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string { return cmp.Or(s, "-") }

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// oneLine keeps a table cell on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// localAdminToken reads the admin token the service wrote on its first
// start in the data directory ($BREACH_DATA_DIR, else ./breach-data), so
// that on the machine that runs the service the CLI works without
// --token; "" when there is none to read.
func localAdminToken(env incidentEnv) string {
	dir := cmp.Or(env.getenv("BREACH_DATA_DIR"), config.Default().DataDir)
	b, err := os.ReadFile(filepath.Join(dir, access.AdminTokenFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
