package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
)

func newNoticesCmd() *cobra.Command {
	return newNoticesCmdWith(liveEnv())
}

func newNoticesCmdWith(env incidentEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notices",
		Short: "Follow and export the notice campaign of an incident",
		Long: "Read the proof-of-notice ledger of an approved incident from the HTTP API of a running\n" +
			"`breach serve`: where each notice stands, live while the campaign runs, and the full\n" +
			"ledger as CSV for the record, and preview one notice before a campaign (render).",
	}
	cmd.AddCommand(newNoticesStatusCmd(env), newNoticesExportCmd(env), newNoticeRenderCmd())
	return cmd
}

// validID checks an incident id argument.
func validID(id string) error {
	if !incident.ValidID(id) {
		return usageError(fmt.Errorf("%q is not an incident id (1-128 letters, digits, '-' or '_')", id))
	}
	return nil
}

// ---------------------------------------------------------------- status

func newNoticesStatusCmd(env incidentEnv) *cobra.Command {
	var watch bool
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "status ID",
		Short: "Show how many notices of an incident are in each state, per channel",
		Long: "Show the incident's notices by channel and state, with totals. With --watch, poll until\n" +
			"every notice is final: on a terminal a progress bar (final notices of all notices) is\n" +
			"redrawn in place, otherwise a line is printed when the counts change (and once a minute);\n" +
			"the table follows at the end. Interrupting the watch exits with status 130. With -o json\n" +
			"(or --json) the API's status object is printed (one per line, as it changes, with\n" +
			"--watch); with -o yaml, one YAML document (one per change, with --watch).",
		Args: usageArgs(cobra.ExactArgs(1)),
		Example: "  breach notices status INC-2026-0042\n" +
			"  breach notices status INC-2026-0042 --watch --interval 5s",
	}
	cf := addReadFlags(cmd)
	cmd.Flags().BoolVar(&watch, "watch", false, "refresh until the campaign is complete (or Ctrl-C)")
	cmd.Flags().DurationVar(&interval, "interval", 2*time.Second, "time between refreshes with --watch")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id := args[0]
		if err := validID(id); err != nil {
			return err
		}
		if interval <= 0 {
			return usageError(fmt.Errorf("--interval must be positive, got %s", interval))
		}
		format, err := cf.format(cmd)
		if err != nil {
			return err
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		if !watch {
			s, err := fetchStatus(cmd.Context(), c, id)
			if err != nil {
				return err
			}
			return writeAs(cmd.OutOrStdout(), format, s, func(w io.Writer) error {
				if err := writeNoticeStatus(w, s); err != nil {
					return err
				}
				// Who the campaign does not tell, and why.
				if p, err := c.Plan(cmd.Context(), id); err == nil {
					writeNotTold(w, p.NotTold)
				}
				// A public notice the campaign's unreachable people need.
				if st, err := c.Announcement(cmd.Context(), id); err == nil {
					writeAnnouncementLine(w, &st)
				}
				return nil
			})
		}
		w := &watcher{c: c, id: id, interval: interval, format: format, out: cmd.OutOrStdout(), errOut: cmd.ErrOrStderr(),
			live: format == formatTable && env.isTTY(cmd.OutOrStdout()), now: env.now}
		return w.run(cmd.Context())
	}
	return cmd
}

// fetchStatus reads the notice status of id.
func fetchStatus(ctx context.Context, c *apiClient, id string) (web.NoticeStatus, error) {
	s, err := c.NoticeStatus(ctx, id)
	return s, cliError(err)
}

// channelOrder is the order of the status table's rows: the ways of reaching
// people, then the people no way reached.
var channelOrder = []notify.Channel{notify.ChannelEmail, notify.ChannelSMS, notify.ChannelPush, notify.ChannelVoice,
	notify.ChannelLetter, notify.ChannelNone}

func sortedChannels(m map[notify.Channel]map[notify.State]int) []notify.Channel {
	return slices.SortedFunc(maps.Keys(m), func(a, b notify.Channel) int {
		ia, ib := slices.Index(channelOrder, a), slices.Index(channelOrder, b)
		if ia < 0 {
			ia = len(channelOrder)
		}
		if ib < 0 {
			ib = len(channelOrder)
		}
		return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
	})
}

// progress is the campaign's headline numbers.
type progress struct {
	total, final, sent, failed, unreachable int
}

func progressOf(s web.NoticeStatus) progress {
	var p progress
	for st, n := range s.Totals {
		p.total += n
		if st.Final() {
			p.final += n
		}
	}
	p.sent = s.Totals[notify.StateSent]
	p.failed = s.Totals[notify.StateFailedPermanent]
	p.unreachable = s.PeopleUnreachable
	return p
}

func percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return part * 100 / whole
}

// headline is the first line of the status: where the campaign stands.
func headline(s web.NoticeStatus) string {
	p := progressOf(s)
	switch {
	case p.total == 0:
		return fmt.Sprintf("%s: no notices yet (the campaign is planned once the incident is approved and its assessment "+
			"requires telling people: breach incident approve %s)", s.Incident, s.Incident)
	case s.Complete:
		return fmt.Sprintf("%s: campaign complete, %s final: %d sent, %d failed, %s unreachable",
			s.Incident, counted(p.total, "notice", "notices"), p.sent, p.failed, counted(p.unreachable, "person", "people"))
	}
	return fmt.Sprintf("%s: campaign in progress, %d of %s final (%d%%): %d sent, %d open, %s unreachable",
		s.Incident, p.final, counted(p.total, "notice", "notices"), percent(p.final, p.total), p.sent, p.total-p.final, counted(p.unreachable, "person", "people"))
}

// writeNoticeStatus prints the headline and, when there are notices, a
// table of channels by state with totals.
func writeNoticeStatus(w io.Writer, s web.NoticeStatus) error {
	fmt.Fprintln(w, headline(s))
	if len(s.Channels) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "CHANNEL")
	for _, st := range notify.States {
		fmt.Fprint(tw, "\t"+strings.ToUpper(string(st)))
	}
	fmt.Fprintln(tw, "\tTOTAL")
	row := func(name string, byState map[notify.State]int) {
		fmt.Fprint(tw, name)
		n := 0
		for _, st := range notify.States {
			fmt.Fprintf(tw, "\t%d", byState[st])
			n += byState[st]
		}
		fmt.Fprintf(tw, "\t%d\n", n)
	}
	for _, ch := range sortedChannels(s.Channels) {
		row(string(ch), s.Channels[ch])
	}
	row("TOTAL", s.Totals)
	return tw.Flush()
}

// watcher polls the status until the campaign is complete.
type watcher struct {
	c        *apiClient
	id       string
	interval time.Duration
	format   string // formatTable, formatJSON or formatYAML
	live     bool   // redraw a progress bar in place
	out      io.Writer
	errOut   io.Writer
	now      func() time.Time

	start    time.Time
	first    progress  // at the first answer, for the rate
	firstAt  time.Time // when it came
	drawn    bool
	lastLine string
	lastAt   time.Time // when lastLine was printed
	lastDoc  string    // the last JSON or YAML document printed
	failures int       // polls failed in a row
	failing  time.Time // since when
}

// maxWatchOutage is how long the watch keeps polling a server that fails
// to answer (and at least minWatchFailures polls) before it gives up.
const (
	maxWatchOutage   = time.Minute
	minWatchFailures = 3
)

func (w *watcher) run(ctx context.Context) error {
	w.start = w.now()
	tick := time.NewTicker(w.interval)
	defer tick.Stop()
	var last *web.NoticeStatus
	for {
		s, err := fetchStatus(ctx, w.c, w.id)
		switch {
		case ctx.Err() != nil:
			return w.interrupted(last)
		case err != nil:
			var ae *client.Error
			if errors.As(err, &ae) && !ae.Temporary() {
				w.clear()
				return err
			}
			now := w.now()
			if w.failures == 0 {
				w.failing = now
			}
			w.failures++
			if w.failures >= minWatchFailures && now.Sub(w.failing) >= maxWatchOutage {
				w.clear()
				return fmt.Errorf("gave up watching %s after %d failed polls: %w", w.id, w.failures, err)
			}
			w.clear()
			fmt.Fprintf(w.errOut, "breach: %v (retrying every %s)\n", err, w.interval)
		default:
			w.failures = 0
			at := w.now()
			if last == nil {
				w.first, w.firstAt = progressOf(s), at
			}
			last = &s
			if err := w.show(s, at); err != nil {
				return err
			}
			if s.Complete {
				return w.finish(s)
			}
		}
		select {
		case <-ctx.Done():
			return w.interrupted(last)
		case <-tick.C:
		}
	}
}

// plainHeartbeat is how often a plain watch repeats an unchanged line, so
// that a log shows the watch is alive.
const plainHeartbeat = time.Minute

// show prints one poll's answer: a redrawn bar (cut to the terminal's
// width, so that it never wraps), a line when the counts changed (or a
// minute passed), or the JSON (one line) or YAML (one document) when it
// changed.
func (w *watcher) show(s web.NoticeStatus, at time.Time) error {
	switch {
	case w.format == formatJSON || w.format == formatYAML:
		var doc bytes.Buffer
		if w.format == formatJSON {
			if err := json.NewEncoder(&doc).Encode(s); err != nil {
				return fmt.Errorf("encode the notice status of %s: %w", w.id, err)
			}
		} else {
			doc.WriteString("---\n")
			if err := writeYAMLOut(&doc, s); err != nil {
				return err
			}
		}
		if doc.String() != w.lastDoc {
			w.lastDoc = doc.String()
			io.WriteString(w.out, w.lastDoc)
		}
	case w.live:
		line := w.bar(s, 30, at)
		if cols := terminalWidth(w.out); cols > 1 {
			line = truncate(line, cols-1)
		}
		fmt.Fprint(w.out, "\r\033[K"+line)
		w.drawn = true
	default:
		line := statusLine(s)
		if line != w.lastLine || at.Sub(w.lastAt) >= plainHeartbeat {
			w.lastLine, w.lastAt = line, at
			fmt.Fprintf(w.out, "%s %s\n", at.UTC().Format(time.RFC3339), line)
		}
	}
	return nil
}

// finish prints the final table (JSON mode already printed the last
// status).
func (w *watcher) finish(s web.NoticeStatus) error {
	w.clear()
	if w.format != formatTable {
		return nil
	}
	return writeNoticeStatus(w.out, s)
}

// interrupted ends a watch stopped by Ctrl-C: the last status, then exit
// status 130.
func (w *watcher) interrupted(last *web.NoticeStatus) error {
	w.clear()
	if last != nil && w.format == formatTable {
		if err := writeNoticeStatus(w.out, *last); err != nil {
			return err
		}
	}
	return &exitError{code: 130, err: fmt.Errorf("stopped watching %s before its campaign completed", w.id)}
}

func (w *watcher) clear() {
	if w.drawn {
		fmt.Fprint(w.out, "\r\033[K")
		w.drawn = false
	}
}

// terminalWidth is the width of the terminal w writes to, 0 when unknown.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}

// statusLine is the plain one-line status of a watch.
func statusLine(s web.NoticeStatus) string {
	p := progressOf(s)
	if p.total == 0 {
		return s.Incident + ": waiting for the campaign to be planned"
	}
	parts := []string{fmt.Sprintf("%s: %d/%d final (%d%%)", s.Incident, p.final, p.total, percent(p.final, p.total))}
	for _, st := range notify.States {
		if n := s.Totals[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
	}
	return strings.Join(parts, ", ")
}

// bar draws the live progress line at time now: a bar of width cells for
// final of total notices, the counts, the time elapsed and, once notices
// have moved, an estimate of the time left at the rate seen so far.
func (w *watcher) bar(s web.NoticeStatus, width int, now time.Time) string {
	p := progressOf(s)
	elapsed := now.Sub(w.start)
	if p.total == 0 {
		return fmt.Sprintf("%s: waiting for the campaign to be planned  %s", s.Incident, clock(elapsed))
	}
	filled := p.final * width / p.total
	var b strings.Builder
	b.WriteString("[")
	b.WriteString(strings.Repeat("█", filled))
	b.WriteString(strings.Repeat("░", width-filled))
	fmt.Fprintf(&b, "] %3d%%  %d/%d final  sent %d  open %d", percent(p.final, p.total), p.final, p.total, p.sent, p.total-p.final)
	if p.failed > 0 {
		fmt.Fprintf(&b, "  failed %d", p.failed)
	}
	if p.unreachable > 0 {
		fmt.Fprintf(&b, "  unreachable %d", p.unreachable)
	}
	fmt.Fprintf(&b, "  %s", clock(elapsed))
	if done, took := p.final-w.first.final, now.Sub(w.firstAt); done > 0 && took > 0 && p.final < p.total {
		left := time.Duration(float64(took) * float64(p.total-p.final) / float64(done))
		fmt.Fprintf(&b, "  ETA %s", clock(left))
	}
	return b.String()
}

// clock prints a duration as h:mm:ss or m:ss.
func clock(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// ---------------------------------------------------------------- export

func newNoticesExportCmd(env incidentEnv) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export ID",
		Short: "Write the proof-of-notice ledger of an incident as CSV",
		Long: "Write every ledger entry of the incident (one row per notice: subject id, channel, state,\n" +
			"attempts, provider id, content hash and times) as CSV, exactly as the API sends it. The\n" +
			"ledger names people by subject id only. With -o the file appears only once the whole\n" +
			"export arrived (written to a temporary file, then renamed), readable by its owner only.",
		Args: usageArgs(cobra.ExactArgs(1)),
		Example: "  breach notices export INC-2026-0042 -o INC-2026-0042-notices.csv\n" +
			"  breach notices export INC-2026-0042 | grep ,failed_permanent,",
	}
	cf := addServerFlags(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id := args[0]
		if err := validID(id); err != nil {
			return err
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		body, err := c.ExportNotices(cmd.Context(), id)
		if err != nil {
			return cliError(err)
		}
		defer body.Close()
		if h := body.AuditHead.String(); h != "" {
			// Ties the ledger to the audit log as it stood: check it later
			// with breach audit verify --head.
			fmt.Fprintf(cmd.ErrOrStderr(), "breach: audit chain head at export: %s\n", h)
		}
		if output == "" || output == "-" {
			_, err := copyExport(cmd.OutOrStdout(), body, id)
			return err
		}
		n, err := writeFileAtomic(output, func(f io.Writer) (int, error) { return copyExport(f, body, id) })
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: wrote %s of %s to %s\n", counted(n, "notice", "notices"), id, output)
		return nil
	}
	return cmd
}

// copyExport copies the CSV from r to w byte for byte while parsing it, so
// that a truncated or malformed export is an error, and returns the number
// of notices (rows after the header).
func copyExport(w io.Writer, r io.Reader, id string) (int, error) {
	cr := csv.NewReader(io.TeeReader(r, w))
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return 0, fmt.Errorf("export of %s: %w", id, exportErr(err))
	}
	if !slices.Equal(head, web.ExportHeader) {
		return 0, fmt.Errorf("export of %s: unexpected header %q (is the server a different version?)", id, strings.Join(head, ","))
	}
	n := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("export of %s after %s: %w", id, counted(n, "notice", "notices"), exportErr(err))
		}
		n++
	}
}

// exportErr explains a broken transfer.
func exportErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("the transfer broke off (the server logs why): %w", err)
	}
	return err
}

// writeFileAtomic writes path through a temporary file in the same
// directory, renamed over path only when write succeeded, so that path
// never holds a partial export.
func writeFileAtomic(path string, write func(io.Writer) (int, error)) (int, error) {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(cmp.Or(dir, "."), "."+base+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	n, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return n, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}

// writeNotTold lists, per jurisdiction, the people the campaign does not
// tell and why.
func writeNotTold(w io.Writer, groups []client.PlanGroup) {
	if len(groups) == 0 {
		return
	}
	fmt.Fprintln(w, "\nNot told (no duty to tell them):")
	for _, g := range groups {
		fmt.Fprintf(w, "  %-10s %s: %s\n", g.Jurisdiction, counted(g.People, "person", "people"), oneLine(g.Reason))
	}
}
