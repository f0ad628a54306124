package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/internal/natsbus"
)

// headerReplayOf marks a replayed message with the dead letter it came
// from ("DEADLETTER/17"), so the stage that reads it again can tell.
const headerReplayOf = "Breach-Replay-Of"

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
	return newDeadletterCmdWith(deadletterEnv{incidentEnv: incidentEnv{getenv: os.Getenv, now: time.Now}})
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
	nc       *nats.Conn
	js       jetstream.JetStream
	stream   jetstream.Stream
	name     string // stream name
	subjects natsbus.Topics
	prefix   string // without the trailing dot
	shown    string // the server URLs without passwords
	timeout  time.Duration
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
	sctx, cancel := context.WithTimeout(ctx, nf.timeout)
	defer cancel()
	st, err := js.Stream(sctx, nf.stream)
	if err != nil {
		nc.Close()
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil, fmt.Errorf("no stream %s on %s (is this breach's NATS server? set --stream)", nf.stream, shown)
		}
		return nil, notPermitted(nc, fmt.Errorf("stream %s on %s: %w", nf.stream, shown, err))
	}
	return &deadletterConn{nc: nc, js: js, stream: st, name: nf.stream, subjects: natsbus.Topics{Prefix: prefix},
		prefix: prefix, shown: shown, timeout: nf.timeout}, nil
}

func (c *deadletterConn) close() { c.nc.Close() }

// stageOf is the stage of a dead-letter subject (<prefix>.deadletter.<stage>),
// or "-" for a subject outside that form.
func (c *deadletterConn) stageOf(subject string) string {
	base := c.subjects.Deadletter("")
	if s, ok := strings.CutPrefix(subject, base); ok && s != "" {
		return s
	}
	return "-"
}

// validSubject reports whether s is one or more plain subject tokens, with
// no wildcard.
func validSubject(s string) bool {
	if s == "" {
		return false
	}
	for _, tok := range strings.Split(s, ".") {
		if tok == "" || strings.ContainsAny(tok, " \t\r\n*>") {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------- list

// deadletterEntry is one dead letter as list prints it: its headers and
// size, never its body.
type deadletterEntry struct {
	Sequence         uint64    `json:"sequence"`
	Time             time.Time `json:"time"`
	Stage            string    `json:"stage"`
	Subject          string    `json:"subject"`
	OriginalSubject  string    `json:"original_subject,omitempty"`
	OriginalStream   string    `json:"original_stream,omitempty"`
	OriginalSequence uint64    `json:"original_sequence,omitempty"`
	OriginalMsgID    string    `json:"original_msg_id,omitempty"`
	Deliveries       uint64    `json:"deliveries,omitempty"`
	Size             int       `json:"size"`
	Reason           string    `json:"reason"`
}

// deadletterList is the JSON of `breach deadletter list --json`.
type deadletterList struct {
	Stream      string            `json:"stream"`
	Matched     uint64            `json:"matched"` // dead letters that match the filter; more than shown when --limit cut
	Deadletters []deadletterEntry `json:"deadletters"`
}

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
	nf := addNATSFlags(cmd)
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
		c, err := nf.open(ctx, cmd, env, "breach deadletter list")
		if err != nil {
			return err
		}
		defer c.close()
		if cmd.Flags().Changed("show-data") {
			m, err := c.get(ctx, showData)
			if err != nil {
				return err
			}
			if env.isTTY(cmd.OutOrStdout()) {
				fmt.Fprintf(cmd.ErrOrStderr(), "breach: dead letter %d may hold personal data; do not paste it into tickets or chats\n", showData)
			}
			_, err = cmd.OutOrStdout().Write(m.Data)
			return err
		}
		list, err := c.list(ctx, stages, limit)
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

// list reads the headers of the dead letters of stages (all when empty)
// with an ordered consumer, which acknowledges and removes nothing, and
// keeps the newest limit of them.
func (c *deadletterConn) list(ctx context.Context, stages []string, limit int) (*deadletterList, error) {
	cfg := jetstream.OrderedConsumerConfig{
		DeliverPolicy:     jetstream.DeliverAllPolicy,
		HeadersOnly:       true, // the size comes in Nats-Msg-Size; bodies never leave the server
		InactiveThreshold: 30 * time.Second,
	}
	for _, s := range stages {
		cfg.FilterSubjects = append(cfg.FilterSubjects, c.subjects.Deadletter(s))
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cons, err := c.stream.OrderedConsumer(cctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
	}
	info, err := cons.Info(cctx)
	if err != nil {
		return nil, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
	}
	out := &deadletterList{Stream: c.name, Matched: info.NumPending, Deadletters: []deadletterEntry{}}
	if info.NumPending == 0 {
		return out, nil
	}
	// Keep the newest limit entries in a ring.
	ring := make([]deadletterEntry, 0, min(limit, int(min(info.NumPending, 1<<20))))
	next := 0
	var seen uint64
	for {
		m, err := cons.Next(jetstream.FetchMaxWait(c.timeout))
		if err != nil {
			return nil, fmt.Errorf("read stream %s on %s after %d dead letters: %w", c.name, c.shown, seen, err)
		}
		meta, err := m.Metadata()
		if err != nil {
			return nil, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
		}
		seen++
		e := c.entry(m.Subject(), meta.Sequence.Stream, meta.Timestamp, m.Headers(), -1)
		if len(ring) < limit {
			ring = append(ring, e)
		} else {
			ring[next] = e
			next = (next + 1) % limit
		}
		if meta.NumPending == 0 {
			break
		}
	}
	out.Matched = seen
	out.Deadletters = slices.Concat(ring[next:], ring[:next])
	return out, nil
}

// entry describes one dead letter from its headers; size < 0 takes the size
// from the Nats-Msg-Size header of a headers-only delivery.
func (c *deadletterConn) entry(subject string, seq uint64, at time.Time, h nats.Header, size int) deadletterEntry {
	if size < 0 {
		size, _ = strconv.Atoi(h.Get(nats.MsgSize))
	}
	origSeq, _ := strconv.ParseUint(h.Get(natsbus.HeaderOriginalSequence), 10, 64)
	deliveries, _ := strconv.ParseUint(h.Get(natsbus.HeaderDeliveries), 10, 64)
	return deadletterEntry{
		Sequence:         seq,
		Time:             at.UTC(),
		Stage:            c.stageOf(subject),
		Subject:          subject,
		OriginalSubject:  h.Get(natsbus.HeaderOriginalSubject),
		OriginalStream:   h.Get(natsbus.HeaderOriginalStream),
		OriginalSequence: origSeq,
		OriginalMsgID:    h.Get(natsbus.HeaderOriginalMsgID),
		Deliveries:       deliveries,
		Size:             size,
		Reason:           h.Get(natsbus.HeaderError),
	}
}

// get fetches one dead letter by stream sequence.
func (c *deadletterConn) get(ctx context.Context, seq uint64) (*jetstream.RawStreamMsg, error) {
	gctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	m, err := c.stream.GetMsg(gctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, fmt.Errorf("stream %s has no message %d", c.name, seq)
	}
	if err != nil {
		return nil, fmt.Errorf("get message %d of stream %s on %s: %w", seq, c.name, c.shown, err)
	}
	return m, nil
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

// replayPlan is one dead letter checked and ready to republish.
type replayPlan struct {
	seq     uint64
	subject string
	stream  string // the original stream, expected to store the replay; "" when unknown
	msgID   string
	data    []byte
}

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
	nf := addNATSFlags(cmd)
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
		plans := make([]replayPlan, 0, len(seqs))
		for _, seq := range seqs {
			p, err := c.plan(ctx, seq)
			if err != nil {
				return err
			}
			plans = append(plans, p)
		}
		for _, p := range plans {
			ack, err := c.replay(ctx, p)
			if err != nil {
				return err
			}
			line := fmt.Sprintf("replayed %s %d to %s: %s sequence %d, msg id %s", c.name, p.seq, p.subject, ack.Stream, ack.Sequence, p.msgID)
			if ack.Duplicate {
				line = fmt.Sprintf("%s %d already replayed to %s (duplicate of %s sequence %d, msg id %s); not stored again",
					c.name, p.seq, p.subject, ack.Stream, ack.Sequence, p.msgID)
			}
			fmt.Fprintln(cmd.OutOrStdout(), line)
		}
		return nil
	}
	return cmd
}

// errRefused marks a dead letter that cannot be replayed.
var errRefused = errors.New("refused")

// plan fetches dead letter seq and checks that it can go back where it came
// from.
func (c *deadletterConn) plan(ctx context.Context, seq uint64) (replayPlan, error) {
	m, err := c.get(ctx, seq)
	if err != nil {
		return replayPlan{}, err
	}
	if c.stageOf(m.Subject) == "-" {
		return replayPlan{}, fmt.Errorf("replay %s %d: its subject %s is not a dead-letter subject under %s: %w",
			c.name, seq, m.Subject, c.subjects.Deadletter("*"), errRefused)
	}
	subject := m.Header.Get(natsbus.HeaderOriginalSubject)
	switch {
	case subject == "":
		return replayPlan{}, fmt.Errorf("replay %s %d: it has no %s header, so where it came from is unknown: %w",
			c.name, seq, natsbus.HeaderOriginalSubject, errRefused)
	case !validSubject(subject) || !strings.HasPrefix(subject, c.prefix+"."):
		return replayPlan{}, fmt.Errorf("replay %s %d: its original subject %q is not under the prefix %s (set --prefix?): %w",
			c.name, seq, subject, c.prefix, errRefused)
	case strings.HasPrefix(subject, c.subjects.Deadletter("")):
		return replayPlan{}, fmt.Errorf("replay %s %d: its original subject %s is itself a dead-letter subject: %w",
			c.name, seq, subject, errRefused)
	}
	if strings.HasPrefix(subject, c.prefix+".incident.") {
		// An incident dead-lettered for its wrong subject goes back to
		// the one intake accepts.
		subject = c.subjects.IncidentSubmit()
	}
	id := m.Header.Get(natsbus.HeaderOriginalMsgID)
	if id == "" {
		id = "deadletter/" + c.name + "/" + strconv.FormatUint(seq, 10)
	}
	return replayPlan{
		seq:     seq,
		subject: subject,
		stream:  m.Header.Get(natsbus.HeaderOriginalStream),
		msgID:   id + "/replay-" + strconv.FormatUint(seq, 10),
		data:    m.Data,
	}, nil
}

// replay publishes p and waits for the acknowledgement.
func (c *deadletterConn) replay(ctx context.Context, p replayPlan) (*jetstream.PubAck, error) {
	msg := &nats.Msg{Subject: p.subject, Data: p.data, Header: nats.Header{}}
	msg.Header.Set(jetstream.MsgIDHeader, p.msgID)
	msg.Header.Set(headerReplayOf, c.name+"/"+strconv.FormatUint(p.seq, 10))
	var opts []jetstream.PublishOpt
	if p.stream != "" {
		opts = append(opts, jetstream.WithExpectStream(p.stream))
	}
	pctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	ack, err := c.js.PublishMsg(pctx, msg, opts...)
	switch {
	case errors.Is(err, jetstream.ErrNoStreamResponse), errors.Is(err, nats.ErrNoResponders):
		return nil, fmt.Errorf("replay %s %d: no JetStream stream on %s stores %s", c.name, p.seq, c.shown, p.subject)
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("replay %s %d to %s: no acknowledgement within %s", c.name, p.seq, p.subject, c.timeout)
	case err != nil:
		return nil, fmt.Errorf("replay %s %d to %s: %w", c.name, p.seq, p.subject, err)
	}
	return ack, nil
}
