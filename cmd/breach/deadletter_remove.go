package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/internal/deadletter"
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
	nf := addDeadletterFlags(cmd)
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
		done, err := c.Resolve(ctx, seqs, operatorName(env), reason)
		nf.record(cmd, env, deadletter.ResolveEvents(done, reason))
		for _, r := range done {
			fmt.Fprintf(cmd.OutOrStdout(), "resolved %s %d (%s): removed; record %s %d\n", c.Stream(), r.Sequence, r.Stage, c.Stream(), r.Record)
		}
		if errors.Is(err, deadletter.ErrRefused) {
			return usageError(errors.New(strings.TrimSuffix(err.Error(), ": "+deadletter.ErrRefused.Error())))
		}
		if err != nil {
			return err
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
	nf := addDeadletterFlags(cmd)
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
			p, err := c.PurgeSeqs(ctx, seqs, by, reason)
			if err != nil {
				if p.Count > 0 { // removed some before failing
					nf.record(cmd, env, deadletter.PurgeEvents(p, reason))
				}
				return err
			}
			nf.record(cmd, env, deadletter.PurgeEvents(p, reason))
			fmt.Fprintf(cmd.OutOrStdout(), "purged %d dead letters from %s; record %s %d\n", p.Count, c.Stream(), c.Stream(), p.Record)
			return nil
		}
		p, err := c.PurgeOlder(ctx, env.now().Add(-olderThan), olderThan, stages, by, reason)
		if err != nil {
			if p.Count > 0 { // removed some before failing
				nf.record(cmd, env, deadletter.PurgeEvents(p, reason))
			}
			return err
		}
		nf.record(cmd, env, deadletter.PurgeEvents(p, reason))
		what := "all stages"
		if len(stages) > 0 {
			what = "stage " + strings.Join(stages, ", ")
		}
		fmt.Fprintf(cmd.OutOrStdout(), "purged %d dead letters of %s older than %s from %s; record %s %d\n", p.Count, what, olderThan, c.Stream(), c.Stream(), p.Record)
		return nil
	}
	return cmd
}
