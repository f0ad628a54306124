package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
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
	// stdinTTY reports whether r is a terminal a person answers on; a
	// check of the file descriptor when nil.
	stdinTTY func(r io.Reader) bool
}

// liveEnv is the environment and clock of this process.
func liveEnv() incidentEnv { return incidentEnv{getenv: os.Getenv, now: time.Now} }

// isTTY reports whether w is a terminal.
func (env incidentEnv) isTTY(w io.Writer) bool {
	if env.terminal != nil {
		return env.terminal(w)
	}
	return isTerminal(w)
}

func newIncidentCmd() *cobra.Command {
	return newIncidentCmdWith(liveEnv())
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
	var file, natsURL, creds, prefix, server, token string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "submit FILE",
		Short: "Validate an incident document and publish it to the INCIDENTS stream",
		Long: "Validate an incident document (breach.incident/v1 JSON, plain or in a CloudEvents 1.0\n" +
			"envelope) exactly as the service does, give it an id when it has none, and publish it\n" +
			"on <prefix>.incident.submit with Nats-Msg-Id <id>/<revision>/<content digest>. Prints the\n" +
			"id, followed by \"duplicate\" when the stream already had this document. An invalid\n" +
			"document exits with status 2. The embedded server wants the detector credential\n" +
			"(--nats-creds; `breach nats creds detector`). FILE may also be given with -f; - reads\n" +
			"standard input. With --server the document goes through the HTTP API instead, whose\n" +
			"answer also warns about systems and categories the service's inventory does not hold.",
		Args: usageArgs(cobra.MaximumNArgs(1)),
		Example: "  breach incident submit incident.json\n" +
			"  breach incident submit incident.json --server https://breach.internal:8080\n" +
			"  detector | breach incident submit -f - --nats-url nats://nats-1:4222,nats://nats-2:4222",
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "incident document (JSON); - reads standard input")
	cmd.Flags().StringVar(&natsURL, "nats-url", defaultNATSURL, "NATS server URLs, comma-separated (env "+envNATSURL+")")
	cmd.Flags().StringVar(&creds, "nats-creds", "", "NATS credentials file (env "+envNATSCreds+")")
	cmd.Flags().StringVar(&prefix, "prefix", natsbus.DefaultPrefix, "subject prefix of the service (env "+envNATSPrefix+")")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Second, "time allowed to connect and be acknowledged")
	cmd.Flags().StringVar(&server, "server", "", "submit over the HTTP API of this server instead of NATS; its answer warns about systems and categories the inventory does not hold")
	cmd.Flags().StringVar(&token, "token", "", "API token with --server (env "+envAPIToken+")")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 {
			if file != "" {
				return usageError(fmt.Errorf("name the incident document once: %s or -f %s, not both", args[0], file))
			}
			file = args[0]
		}
		if file == "" {
			return usageError(errors.New("name the incident document: breach incident submit FILE, or -f FILE (- reads standard input)"))
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
		if cmd.Flags().Changed("server") {
			return submitHTTP(cmd, env, &clientFlags{server: server, token: token, timeout: timeout}, sub, name)
		}
		natsURL = orEnv(cmd, env, "nats-url", natsURL, envNATSURL, defaultNATSURL)
		creds = cmp.Or(orEnv(cmd, env, "nats-creds", creds, envNATSCreds, ""), localCreds(env, "detector"))
		prefix = orEnv(cmd, env, "prefix", prefix, envNATSPrefix, natsbus.DefaultPrefix)
		ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
		defer cancel()
		dup, err := publishSubmission(ctx, natsURL, creds, natsbus.Topics{Prefix: prefix}, sub, timeout)
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

// submitHTTP posts the prepared submission to the API and prints what the
// NATS submission prints, and the server's warnings.
func submitHTTP(cmd *cobra.Command, env incidentEnv, cf *clientFlags, sub *web.Submission, name string) error {
	c, err := cf.client(cmd, env)
	if err != nil {
		return err
	}
	res, err := c.Submit(cmd.Context(), sub.Raw)
	if err != nil {
		return cliError(err)
	}
	out := res.ID
	if res.Duplicate {
		out += " duplicate"
	}
	fmt.Fprintln(cmd.OutOrStdout(), out)
	for _, w := range res.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: warning: %s\n", w)
	}
	if res.Duplicate {
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: %s revision %d was already submitted; if the document changed, submit it as revision %d\n",
			res.ID, res.Revision, res.Revision+1)
	}
	if sub.Assigned {
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: %s had no id and was given %s; put \"id\": %q in it to submit later revisions\n",
			name, res.ID, res.ID)
	}
	return nil
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
func publishSubmission(ctx context.Context, natsURL, creds string, subjects natsbus.Topics, sub *web.Submission, timeout time.Duration) (bool, error) {
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

// ---------------------------------------------------------------- list

func newIncidentListCmd(env incidentEnv) *cobra.Command {
	var limit int
	var cursor string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List incidents, newest first",
		Args:  usageArgs(cobra.NoArgs),
		Example: "  breach incident list\n" +
			"  breach incident list -o yaml --limit 10",
	}
	cf := addReadFlags(cmd)
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many incidents")
	cmd.Flags().StringVar(&cursor, "cursor", "", "continue after the cursor an earlier list printed")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if limit < 1 {
			return usageError(fmt.Errorf("--limit must be 1 or more, got %d", limit))
		}
		format, err := cf.format(cmd)
		if err != nil {
			return err
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		list, err := c.List(cmd.Context(), client.ListOptions{Limit: limit, Cursor: cursor})
		if err != nil {
			return cliError(err)
		}
		return writeAs(cmd.OutOrStdout(), format, list, func(w io.Writer) error { return writeIncidentList(w, list) })
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

// incidentReport is what incident show prints with -o json or yaml: the
// incident as the API serves it and its assessment, null before the first.
type incidentReport struct {
	Incident   web.IncidentView   `json:"incident"`
	Assessment *assess.Assessment `json:"assessment"`
	// AssessmentError says why the current revision could not be
	// assessed, when the service says so.
	AssessmentError string `json:"assessment_error,omitempty"`
	// Obligations are the duties the service tracks for the incident; nil
	// when the server does not track them.
	Obligations []obligation.Obligation `json:"obligations,omitempty"`
	// Announcement is whether a public notice is required, outstanding
	// since when, and its versions; nil when the server does not say.
	Announcement *web.AnnouncementStatus `json:"announcement,omitempty"`
}

func newIncidentShowCmd(env incidentEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show an incident, its revisions and its assessment",
		Long: "Show an incident as stored (the current revision and the history), followed by its\n" +
			"assessment in the same report `breach assess --format text` prints.",
		Args: usageArgs(cobra.ExactArgs(1)),
		Example: "  breach incident show INC-2026-0042\n" +
			"  breach incident show INC-2026-0042 -o json",
	}
	cf := addReadFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id := args[0]
		if err := validID(id); err != nil {
			return err
		}
		format, err := cf.format(cmd)
		if err != nil {
			return err
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		r, err := fetchReport(cmd.Context(), c, id)
		if err != nil {
			return err
		}
		return writeAs(cmd.OutOrStdout(), format, r, func(w io.Writer) error {
			var buf bytes.Buffer
			if err := writeIncidentView(&buf, r, env.now(), env.isTTY(cmd.OutOrStdout())); err != nil {
				return err
			}
			_, err := w.Write(buf.Bytes())
			return err
		})
	}
	return cmd
}

// fetchReport reads an incident and its assessment (nil when it has none
// yet).
func fetchReport(ctx context.Context, c *apiClient, id string) (incidentReport, error) {
	view, err := c.Get(ctx, id)
	if err != nil {
		return incidentReport{}, cliError(err)
	}
	r := incidentReport{Incident: view}
	r.Assessment, err = c.Assessment(ctx, id)
	switch fault.CodeOf(err) {
	case "", fault.NotAssessed:
	case fault.AssessmentFailed:
		r.AssessmentError = fault.MessageOf(err)
	default:
		return incidentReport{}, cliError(err)
	}
	r.Obligations, err = c.Obligations(ctx, id)
	var oe *client.Error
	switch {
	case errors.As(err, &oe) && (oe.Status == http.StatusNotFound || oe.Code == fault.Unavailable):
		// An older server, or one that does not track obligations.
	case err != nil:
		return incidentReport{}, cliError(err)
	case r.Obligations == nil:
		r.Obligations = []obligation.Obligation{}
	}
	if st, err := c.Announcement(ctx, id); err == nil {
		r.Announcement = &st
	}
	return r, nil
}

// writeIncidentView prints the incident as stored, then its assessment as
// assess.WriteText reports it.
func writeIncidentView(w io.Writer, r incidentReport, now time.Time, colour bool) error {
	v := r.Incident
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
	if s := v.Approvals; s != nil && (s.Approved || len(s.Approvers) > 0 || s.Required > 1) {
		row("Approval", fmt.Sprintf("revision %d: %s", s.Revision, approvalProgress(s)))
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

	switch {
	case r.AssessmentError != "":
		fmt.Fprintln(w, "\nAssessment: FAILED: "+r.AssessmentError)
		return nil
	case r.Assessment == nil:
		fmt.Fprintln(w, "\nAssessment: not assessed yet")
		return nil
	}
	fmt.Fprintln(w)
	if err := assess.WriteText(w, r.Assessment, now); err != nil {
		return err
	}
	writeAnnouncementLine(w, r.Announcement)
	if r.Obligations == nil {
		return nil // the server does not track obligations
	}
	fmt.Fprintf(w, "\nObligations\n-----------\n")
	return writeIncidentObligations(w, r.Obligations, now, colour)
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
	b, err := os.ReadFile(filepath.Join(localDataDir(env), access.AdminTokenFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// writeAnnouncementLine says whether the public notice is outstanding
// (and since when) or published; nothing when none is required.
func writeAnnouncementLine(w io.Writer, st *web.AnnouncementStatus) {
	switch {
	case st == nil || !st.Required:
	case st.OutstandingSince != nil:
		fmt.Fprintf(w, "\nPublic notice outstanding since %s: publish it with `breach announce publish %s`\n", formatTime(*st.OutstandingSince), st.Incident)
	case len(st.Versions) > 0:
		v := st.Versions[len(st.Versions)-1]
		fmt.Fprintf(w, "\nPublic notice: version %d (%s) published %s %s\n", v.Version, v.Kind, formatTime(v.PublishedAt), st.URL)
	}
}

// localDataDir is the service's data directory on this machine:
// $BREACH_DATA_DIR, else the default ./breach-data.
func localDataDir(env incidentEnv) string {
	return cmp.Or(env.getenv("BREACH_DATA_DIR"), config.Default().DataDir)
}
