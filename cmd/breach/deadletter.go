package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/internal/natsbus"
)

// headerReplayOf marks a replayed message with the dead letter it came
// from ("DEADLETTER/17"), so the stage that reads it again can tell.
const headerReplayOf = deadletter.HeaderReplayOf

// deadletterEnv is what the deadletter commands take from the process.
type deadletterEnv struct {
	incidentEnv
	// width is the width of the terminal w writes to, 0 when unknown;
	// terminalWidth when nil.
	width func(w io.Writer) int
}

func (env deadletterEnv) termWidth(w io.Writer) int {
	if env.width != nil {
		return env.width(w)
	}
	return terminalWidth(w)
}

func newDeadletterCmd() *cobra.Command {
	return newDeadletterCmdWith(deadletterEnv{incidentEnv: liveEnv()})
}

func newDeadletterCmdWith(env deadletterEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deadletter",
		Short: "List, replay, resolve and purge the messages a stage rejected",
		Long: "Read the DEADLETTER stream, where each stage (intake, email, sms...) keeps what it\n" +
			"could not process with the reason in the Breach-Error header, and republish dead\n" +
			"letters to where they came from once the cause is fixed. list and replay remove\n" +
			"nothing; resolve and purge remove dead letters (they can hold personal data) and\n" +
			"leave a record without a body on <prefix>.deadletter.resolved or .purged saying\n" +
			"what went and why. The stream also drops dead letters past nats.deadletter_max_age\n" +
			"or beyond nats.deadletter_max_bytes. The commands need the operator credential\n" +
			"(--nats-creds; `breach nats creds operator`).",
	}
	cmd.AddCommand(newDeadletterListCmd(env), newDeadletterReplayCmd(env), newDeadletterResolveCmd(env), newDeadletterPurgeCmd(env))
	return cmd
}

// natsFlags are the connection flags of the deadletter commands.
type natsFlags struct {
	url, creds, prefix, stream string
	timeout                    time.Duration
}

func addNATSFlags(cmd *cobra.Command) *natsFlags {
	nf := &natsFlags{}
	cmd.Flags().StringVar(&nf.url, "nats-url", defaultNATSURL, "NATS server URLs, comma-separated (env "+envNATSURL+")")
	cmd.Flags().StringVar(&nf.creds, "nats-creds", "", "NATS credentials file (env "+envNATSCreds+")")
	cmd.Flags().StringVar(&nf.prefix, "prefix", natsbus.DefaultPrefix, "subject prefix of the service (env "+envNATSPrefix+")")
	cmd.Flags().StringVar(&nf.stream, "stream", natsbus.StreamDeadletter, "name of the dead-letter stream")
	cmd.Flags().DurationVar(&nf.timeout, "timeout", 10*time.Second, "time allowed to connect and for each answer")
	return nf
}

// deadletterConn is an open connection to the dead-letter stream.
type deadletterConn struct {
	*deadletter.Admin
	nc *nats.Conn
}

// open resolves the flags against the environment and connects.
func (nf *natsFlags) open(ctx context.Context, cmd *cobra.Command, env deadletterEnv, client string) (*deadletterConn, error) {
	if nf.timeout <= 0 {
		return nil, usageError(fmt.Errorf("--timeout must be positive, got %s", nf.timeout))
	}
	natsURL := orEnv(cmd, env.incidentEnv, "nats-url", nf.url, envNATSURL, defaultNATSURL)
	creds := cmp.Or(orEnv(cmd, env.incidentEnv, "nats-creds", nf.creds, envNATSCreds, ""), localCreds(env.incidentEnv, "operator"))
	prefix := strings.TrimSuffix(orEnv(cmd, env.incidentEnv, "prefix", nf.prefix, envNATSPrefix, natsbus.DefaultPrefix), ".")
	if prefix == "" || !validSubject(prefix) {
		return nil, usageError(fmt.Errorf("--prefix %q is not one or more plain subject tokens", prefix))
	}
	if nf.stream == "" || strings.ContainsAny(nf.stream, " \t\r\n.*>") {
		return nil, usageError(fmt.Errorf("--stream %q is not a stream name", nf.stream))
	}
	nc, js, shown, err := connectNATS(natsURL, creds, client, nf.timeout)
	if err != nil {
		return nil, err
	}
	adm, err := deadletter.Open(ctx, nc, js, deadletter.Config{Stream: nf.stream, Prefix: prefix, Shown: shown, Timeout: nf.timeout})
	if err != nil {
		nc.Close()
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil, errors.New(strings.TrimSuffix(err.Error(), ": "+jetstream.ErrStreamNotFound.Error()))
		}
		return nil, notPermitted(nc, err)
	}
	return &deadletterConn{Admin: adm, nc: nc}, nil
}

func (c *deadletterConn) close() { c.nc.Close() }

// validSubject reports whether s is one or more plain subject tokens, with
// no wildcard.
func validSubject(s string) bool { return deadletter.ValidSubject(s) }

// ---------------------------------------------------------------- list

// deadletterEntry is one dead letter as list prints it: its headers and
// size, never its body.
type deadletterEntry = deadletter.Entry

// deadletterList is the JSON of `breach deadletter list --json`.
type deadletterList = deadletter.List

func newDeadletterListCmd(env deadletterEnv) *cobra.Command {
	var stages []string
	var limit int
	var asJSON bool
	var showData uint64
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List dead letters with their stage, original subject and reason",
		Long: "List the newest dead letters, oldest first: stream sequence, time, stage, the subject\n" +
			"the message was first published to, its size and the reason it was rejected (cut to\n" +
			"the terminal's width; --json has it whole). Bodies are never read or printed, as\n" +
			"they can hold personal data, unless --show-data SEQ asks for one, which is then\n" +
			"written raw to standard output and nothing else is printed. Nothing is acknowledged\n" +
			"or removed.",
		Args: usageArgs(cobra.NoArgs),
		Example: "  breach deadletter list\n" +
			"  breach deadletter list --stage email --stage sms --limit 20\n" +
			"  breach deadletter list --json | jq '.deadletters[].reason'\n" +
			"  breach deadletter list --show-data 17 > dead-17.json",
	}
	nf := addDeadletterFlags(cmd)
	cmd.Flags().StringSliceVar(&stages, "stage", nil, "only this stage (intake, email, sms...); repeat or separate with commas for several")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many dead letters, the newest")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	cmd.Flags().Uint64Var(&showData, "show-data", 0, "print the raw body of the dead letter with this stream sequence, and nothing else")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if limit < 1 {
			return usageError(fmt.Errorf("--limit must be 1 or more, got %d", limit))
		}
		if cmd.Flags().Changed("show-data") && showData == 0 {
			return usageError(errors.New("--show-data takes a stream sequence, 1 or more"))
		}
		for _, s := range stages {
			if !validSubject(s) {
				return usageError(fmt.Errorf("--stage %q is not a stage name (a subject token such as intake or email)", s))
			}
		}
		ctx := cmd.Context()
		if cmd.Flags().Changed("show-data") && cmd.Flags().Changed("server") {
			return usageError(errShowDataNeedsNATS)
		}
		c, err := nf.open(ctx, cmd, env, "breach deadletter list")
		if err != nil {
			return err
		}
		defer c.close()
		if cmd.Flags().Changed("show-data") {
			m, err := c.(*deadletterConn).Get(ctx, showData)
			if err != nil {
				return err
			}
			if env.isTTY(cmd.OutOrStdout()) {
				fmt.Fprintf(cmd.ErrOrStderr(), "breach: dead letter %d may hold personal data; do not paste it into tickets or chats\n", showData)
			}
			_, err = cmd.OutOrStdout().Write(m.Data)
			return err
		}
		list, err := c.Newest(ctx, stages, limit)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSONOut(cmd.OutOrStdout(), list)
		}
		writeDeadletterTable(cmd.OutOrStdout(), list, env.termWidth(cmd.OutOrStdout()))
		if int(list.Matched) > len(list.Deadletters) {
			fmt.Fprintf(cmd.ErrOrStderr(), "breach: showing the newest %d of %d dead letters; raise --limit to see more\n",
				len(list.Deadletters), list.Matched)
		}
		return nil
	}
	return cmd
}

// writeDeadletterTable prints the list as a table whose last column, the
// reason, is cut so that each line fits width (no cut when width is 0).
func writeDeadletterTable(w io.Writer, list *deadletterList, width int) {
	if len(list.Deadletters) == 0 {
		fmt.Fprintf(w, "no dead letters in %s\n", list.Stream)
		return
	}
	rows := [][]string{{"SEQ", "TIME", "STAGE", "ORIGINAL SUBJECT", "SIZE", "REASON"}}
	for _, e := range list.Deadletters {
		rows = append(rows, []string{strconv.FormatUint(e.Sequence, 10), e.Time.Format("2006-01-02 15:04:05Z"),
			oneLine(e.Stage), dash(oneLine(e.OriginalSubject)), byteSize(e.Size), dash(oneLine(e.Reason))})
	}
	const gap = 2
	last := len(rows[0]) - 1
	widths := make([]int, last)
	for _, r := range rows {
		for i := range last {
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
	}
	room := 0 // characters left for the reason; 0 means no limit
	if width > 0 {
		used := 0
		for _, wd := range widths {
			used += wd + gap
		}
		room = max(width-used, 12)
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i := range last {
			b.WriteString(r[i])
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(r[i])+gap))
		}
		reason := r[last]
		if room > 0 {
			reason = truncate(reason, room)
		}
		b.WriteString(reason)
		fmt.Fprintln(w, b.String())
	}
}

// byteSize prints n bytes briefly: 512 B, 4.1 KiB, 2.0 MiB.
func byteSize(n int) string {
	switch {
	case n < 1024:
		return strconv.Itoa(n) + " B"
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// ---------------------------------------------------------------- replay

func newDeadletterReplayCmd(env deadletterEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replay SEQ [SEQ...]",
		Short: "Republish dead letters to the subject they were first published to",
		Long: "Republish the original bytes of each dead letter (by stream sequence, as `breach\n" +
			"deadletter list` shows) to its Breach-Original-Subject (an incident published on a\n" +
			"wrong <prefix>.incident.* subject goes to <prefix>.incident.submit), with the original Nats-Msg-Id\n" +
			"followed by /replay-<seq> so JetStream does not drop it as a duplicate of the first\n" +
			"publication, and wait for the stream's acknowledgement. Every dead letter is checked\n" +
			"before anything is published: one without an original subject, or whose subject is\n" +
			"not under --prefix, stops the whole replay. The dead letters stay in the stream as\n" +
			"the record. Replaying the same dead letter again within the stream's duplicate\n" +
			"window is reported as a duplicate and stored once.",
		Args: usageArgs(cobra.MinimumNArgs(1)),
		Example: "  breach deadletter replay 17\n" +
			"  breach deadletter replay 17 18 23 --nats-url nats://nats-1:4222",
	}
	nf := addDeadletterFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		seqs := make([]uint64, 0, len(args))
		for _, a := range args {
			seq, err := strconv.ParseUint(a, 10, 64)
			if err != nil || seq == 0 {
				return usageError(fmt.Errorf("%q is not a stream sequence (a number, 1 or more)", a))
			}
			seqs = append(seqs, seq)
		}
		ctx := cmd.Context()
		c, err := nf.open(ctx, cmd, env, "breach deadletter replay")
		if err != nil {
			return err
		}
		defer c.close()
		done, err := c.ReplayAll(ctx, seqs)
		nf.record(cmd, env, deadletter.ReplayEvents(done, ""))
		for _, r := range done {
			line := fmt.Sprintf("replayed %s %d to %s: %s sequence %d, msg id %s", c.Stream(), r.Sequence, r.Subject, r.Stream, r.StreamSequence, r.MsgID)
			if r.Duplicate {
				line = fmt.Sprintf("%s %d already replayed to %s (duplicate of %s sequence %d, msg id %s); not stored again",
					c.Stream(), r.Sequence, r.Subject, r.Stream, r.StreamSequence, r.MsgID)
			}
			fmt.Fprintln(cmd.OutOrStdout(), line)
		}
		if err != nil {
			return err
		}
		return nil
	}
	return cmd
}
