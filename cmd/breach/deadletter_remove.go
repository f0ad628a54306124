package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/internal/natsbus"
)

// The stages of the records resolve and purge leave in the dead-letter
// stream, and the header naming what a record is about.
const (
	stageResolved     = "resolved"
	stagePurged       = "purged"
	headerResolvedOf  = "Breach-Resolved-Of"
	headerPurgedUntil = "Breach-Purged-Before-Sequence"
)

// ---------------------------------------------------------------- resolve

func newDeadletterResolveCmd(env deadletterEnv) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "resolve SEQ [SEQ...]",
		Short: "Mark dead letters handled: remove them, keeping a record of why",
		Long: "For each dead letter (by stream sequence), publish a record on\n" +
			"<prefix>.deadletter.resolved carrying its stage, original subject and message id,\n" +
			"its reason and yours, but not its body; then erase the dead letter (its bytes are\n" +
			"overwritten, as it can hold personal data). Every sequence is checked before\n" +
			"anything is removed. Records themselves cannot be resolved.",
		Args: usageArgs(cobra.MinimumNArgs(1)),
		Example: "  breach deadletter resolve 17 --reason \"replayed as 17 after the SMTP fix\"\n" +
			"  breach deadletter resolve 3 4 5 --reason \"test messages\"",
	}
	nf := addNATSFlags(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why the dead letters need no more work (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if strings.TrimSpace(reason) == "" {
			return usageError(errors.New("--reason is required: say why the dead letters need no more work"))
		}
		seqs, err := parseSeqs(args)
		if err != nil {
			return err
		}
		ctx := cmd.Context()
		c, err := nf.open(ctx, cmd, env, "breach deadletter resolve")
		if err != nil {
			return err
		}
		defer c.close()
		entries := make([]deadletterEntry, 0, len(seqs))
		for _, seq := range seqs {
			m, err := c.get(ctx, seq)
			if err != nil {
				return err
			}
			e := c.entry(m.Subject, seq, m.Time, m.Header, len(m.Data))
			if e.Stage == stageResolved || e.Stage == stagePurged {
				return usageError(fmt.Errorf("%s %d is itself a record of a %s; purge it by age instead", c.name, seq, e.Stage))
			}
			entries = append(entries, e)
		}
		by := operatorName(env)
		for _, e := range entries {
			rec, err := c.record(ctx, stageResolved, "resolved/"+c.name+"/"+strconv.FormatUint(e.Sequence, 10),
				fmt.Sprintf("resolved %s %d (stage %s, %s) by %s: %s; it had failed with: %s", c.name, e.Sequence, e.Stage,
					dash(e.OriginalSubject), by, reason, dash(e.Reason)),
				map[string]string{headerResolvedOf: c.name + "/" + strconv.FormatUint(e.Sequence, 10),
					natsbus.HeaderOriginalSubject: e.OriginalSubject, natsbus.HeaderOriginalMsgID: e.OriginalMsgID})
			if err != nil {
				return err
			}
			dctx, cancel := context.WithTimeout(ctx, c.timeout)
			err = c.stream.SecureDeleteMsg(dctx, e.Sequence)
			cancel()
			if err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
				return fmt.Errorf("resolve %s %d: recorded as %s %d, but not removed: %w", c.name, e.Sequence, c.name, rec, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "resolved %s %d (%s): removed; record %s %d\n", c.name, e.Sequence, e.Stage, c.name, rec)
		}
		return nil
	}
	return cmd
}

// parseSeqs reads stream sequences from the command line.
func parseSeqs(args []string) ([]uint64, error) {
	seqs := make([]uint64, 0, len(args))
	for _, a := range args {
		seq, err := strconv.ParseUint(a, 10, 64)
		if err != nil || seq == 0 {
			return nil, usageError(fmt.Errorf("%q is not a stream sequence (a number, 1 or more)", a))
		}
		seqs = append(seqs, seq)
	}
	return seqs, nil
}

// operatorName names who ran the command in a record: the login name, or
// "unknown".
func operatorName(env deadletterEnv) string {
	for _, k := range []string{"BREACH_OPERATOR", "USER", "LOGNAME"} {
		if v := strings.TrimSpace(env.getenv(k)); v != "" {
			return oneLine(v)
		}
	}
	return "unknown"
}

// record publishes a record without a body on <prefix>.deadletter.<stage>
// and returns its stream sequence.
func (c *deadletterConn) record(ctx context.Context, stage, msgID, text string, hdr map[string]string) (uint64, error) {
	msg := &nats.Msg{Subject: c.subjects.Deadletter(stage), Header: nats.Header{}}
	msg.Header.Set(natsbus.HeaderError, natsbus.HeaderValue(text))
	msg.Header.Set(jetstream.MsgIDHeader, msgID)
	for k, v := range hdr {
		if v != "" {
			msg.Header.Set(k, natsbus.HeaderValue(v))
		}
	}
	pctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	ack, err := c.js.PublishMsg(pctx, msg, jetstream.WithExpectStream(c.name))
	if err != nil {
		return 0, fmt.Errorf("record the %s in %s: %w (nothing was removed)", stage, c.name, err)
	}
	return ack.Sequence, nil
}

// ---------------------------------------------------------------- purge

func newDeadletterPurgeCmd(env deadletterEnv) *cobra.Command {
	var olderThan time.Duration
	var stages []string
	var reason string
	cmd := &cobra.Command{
		Use:   "purge [SEQ...] --older-than AGE | SEQ...",
		Short: "Remove dead letters by sequence or by age, keeping a record",
		Long: "Remove the dead letters given by stream sequence, or every dead letter older than\n" +
			"--older-than (of the stages given by --stage, all when none). A record on\n" +
			"<prefix>.deadletter.purged says what was removed, by whom and why, without any\n" +
			"body. Give sequences or --older-than, not both.",
		Example: "  breach deadletter purge --older-than 720h --reason retention\n" +
			"  breach deadletter purge --older-than 24h --stage email\n" +
			"  breach deadletter purge 17 18",
	}
	nf := addNATSFlags(cmd)
	cmd.Flags().DurationVar(&olderThan, "older-than", 0, "remove dead letters older than this (e.g. 720h)")
	cmd.Flags().StringSliceVar(&stages, "stage", nil, "with --older-than: only this stage; repeat or separate with commas for several")
	cmd.Flags().StringVar(&reason, "reason", "purged", "why, for the record")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		byAge := cmd.Flags().Changed("older-than")
		switch {
		case byAge && len(args) > 0:
			return usageError(errors.New("give sequences or --older-than, not both"))
		case !byAge && len(args) == 0:
			return usageError(errors.New("give the sequences to purge, or --older-than AGE"))
		case byAge && olderThan <= 0:
			return usageError(fmt.Errorf("--older-than must be positive, got %s", olderThan))
		case !byAge && len(stages) > 0:
			return usageError(errors.New("--stage applies only with --older-than"))
		}
		for _, s := range stages {
			if !validSubject(s) {
				return usageError(fmt.Errorf("--stage %q is not a stage name (a subject token such as intake or email)", s))
			}
		}
		seqs, err := parseSeqs(args)
		if err != nil {
			return err
		}
		ctx := cmd.Context()
		c, err := nf.open(ctx, cmd, env, "breach deadletter purge")
		if err != nil {
			return err
		}
		defer c.close()
		by := operatorName(env)
		if !byAge {
			return c.purgeSeqs(ctx, cmd, seqs, by, reason)
		}
		return c.purgeOlder(ctx, cmd, env.now().Add(-olderThan), olderThan, stages, by, reason)
	}
	return cmd
}

func (c *deadletterConn) purgeSeqs(ctx context.Context, cmd *cobra.Command, seqs []uint64, by, reason string) error {
	for _, seq := range seqs {
		if _, err := c.get(ctx, seq); err != nil {
			return err
		}
	}
	list := make([]string, len(seqs))
	for i, s := range seqs {
		list[i] = strconv.FormatUint(s, 10)
	}
	rec, err := c.record(ctx, stagePurged, "purged/"+c.name+"/"+strings.Join(list, ","),
		fmt.Sprintf("purged %s %s by %s: %s", c.name, strings.Join(list, ", "), by, reason), nil)
	if err != nil {
		return err
	}
	for _, seq := range seqs {
		dctx, cancel := context.WithTimeout(ctx, c.timeout)
		err := c.stream.SecureDeleteMsg(dctx, seq)
		cancel()
		if err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("purge %s %d: %w", c.name, seq, err)
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "purged %d dead letters from %s; record %s %d\n", len(seqs), c.name, c.name, rec)
	return nil
}

// purgeOlder removes, per filter subject, every message stored before the
// first one at or after cutoff.
func (c *deadletterConn) purgeOlder(ctx context.Context, cmd *cobra.Command, cutoff time.Time, age time.Duration, stages []string, by, reason string) error {
	filters := []string{c.subjects.Deadletter("*")}
	if len(stages) > 0 {
		filters = filters[:0]
		for _, s := range stages {
			filters = append(filters, c.subjects.Deadletter(s))
		}
	}
	total := uint64(0)
	for _, f := range filters {
		keep, err := c.firstAtOrAfter(ctx, f, cutoff)
		if err != nil {
			return err
		}
		n, err := c.purgeBefore(ctx, f, keep)
		if err != nil {
			return err
		}
		total += n
	}
	what := "all stages"
	if len(stages) > 0 {
		what = "stage " + strings.Join(stages, ", ")
	}
	rec, err := c.record(ctx, stagePurged, "purged/"+c.name+"/before/"+cutoff.UTC().Format(time.RFC3339Nano)+"/"+strings.Join(stages, ","),
		fmt.Sprintf("purged %d dead letters of %s older than %s (before %s) by %s: %s", total, what, age, cutoff.UTC().Format(time.RFC3339), by, reason), nil)
	if err != nil {
		return fmt.Errorf("purged %d dead letters, but %w", total, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "purged %d dead letters of %s older than %s from %s; record %s %d\n", total, what, age, c.name, c.name, rec)
	return nil
}

// firstAtOrAfter is the stream sequence of the first message on filter
// stored at or after t, or one past the stream's last when there is none.
func (c *deadletterConn) firstAtOrAfter(ctx context.Context, filter string, t time.Time) (uint64, error) {
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	info, err := c.stream.Info(cctx)
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
	}
	cons, err := c.stream.OrderedConsumer(cctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filter}, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &t,
		HeadersOnly: true, InactiveThreshold: 30 * time.Second,
	})
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
	}
	ci, err := cons.Info(cctx)
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
	}
	if ci.NumPending == 0 {
		return info.State.LastSeq + 1, nil
	}
	m, err := cons.Next(jetstream.FetchMaxWait(c.timeout))
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
	}
	meta, err := m.Metadata()
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", c.name, c.shown, err)
	}
	return meta.Sequence.Stream, nil
}

// purgeBefore removes the messages on filter below sequence keep and says
// how many went.
func (c *deadletterConn) purgeBefore(ctx context.Context, filter string, keep uint64) (uint64, error) {
	body, err := json.Marshal(struct {
		Filter string `json:"filter"`
		Seq    uint64 `json:"seq"`
	}{filter, keep})
	if err != nil {
		return 0, err
	}
	pctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.nc.RequestWithContext(pctx, "$JS.API.STREAM.PURGE."+c.name, body)
	if err != nil {
		return 0, fmt.Errorf("purge %s on %s: %w", c.name, c.shown, err)
	}
	var out struct {
		Purged uint64 `json:"purged"`
		Error  *struct {
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp.Data, &out); err != nil {
		return 0, fmt.Errorf("purge %s on %s: unreadable answer: %w", c.name, c.shown, err)
	}
	if out.Error != nil {
		return 0, fmt.Errorf("purge %s on %s: %s", c.name, c.shown, out.Error.Description)
	}
	return out.Purged, nil
}
