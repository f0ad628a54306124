package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/web/client"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "List, verify and export the audit log",
		Long: `The audit log records every state change (incident submitted or revised,
approval, token created or revoked, dead letter replayed or purged, notice
rejected, configuration loaded) as an append-only entry: time, principal,
action, object, digest of the details, and the hash of the entry before.
verify recomputes the chain and names the first entry that was altered,
removed or moved. These commands read the store directly (the data
directory's database, or the PostgreSQL store of --config).`,
	}
	cmd.AddCommand(newAuditListCmd(), newAuditVerifyCmd(), newAuditExportCmd())
	return cmd
}

func newAuditListCmd() *cobra.Command {
	var f audit.Filter
	var action, since, until string
	var p audit.Page
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List audit entries, oldest first",
		Example: "  breach audit list --object incident/INC-2026-0042\n" +
			"  breach audit list --action token.created --since 2026-12-01T00:00:00Z -o json",
		Args: usageArgs(cobra.NoArgs),
	}
	tf := addTrustFlags(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&f.Principal, "principal", "", "only entries by this principal")
	fl.StringVar(&action, "action", "", "only entries of this action, e.g. token.created")
	fl.StringVar(&f.Object, "object", "", "only entries about this object, e.g. incident/INC-1 or token/ci")
	fl.StringVar(&since, "since", "", "only entries at or after this time (RFC 3339)")
	fl.StringVar(&until, "until", "", "only entries before this time (RFC 3339)")
	fl.Int64Var(&p.After, "after", 0, "start after this entry (the next page of a previous listing)")
	fl.IntVar(&p.Limit, "limit", 100, "at most this many entries (at most 1000)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f.Action = audit.Action(action)
		var err error
		if f.Since, err = parseTimeFlag("since", since); err != nil {
			return err
		}
		if f.Until, err = parseTimeFlag("until", until); err != nil {
			return err
		}
		if p.Limit < 1 || p.After < 0 {
			return usageError(errors.New("--limit must be at least 1 and --after at least 0"))
		}
		env, err := tf.open(cmd.Context(), true)
		if err != nil {
			return err
		}
		defer env.st.Close()
		entries, next, err := env.log.List(cmd.Context(), f, p)
		if err != nil {
			return err
		}
		if tf.format == "json" {
			return writeJSONOut(cmd.OutOrStdout(), struct {
				Entries []audit.Entry `json:"entries"`
				Next    int64         `json:"next_after,omitempty"`
			}{entries, next.After})
		}
		if err := printAudit(cmd.OutOrStdout(), entries); err != nil {
			return err
		}
		if next.After != 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "breach: more entries follow; add --after %d\n", next.After)
		}
		return nil
	}
	return cmd
}

func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, usageError(fmt.Errorf("--%s %q: want an RFC 3339 time such as 2026-12-01T09:00:00Z", name, v))
	}
	return t, nil
}

func printAudit(w io.Writer, entries []audit.Entry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tPRINCIPAL\tACTION\tOBJECT\tDETAILS")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Format(time.RFC3339), oneLine(e.Principal),
			e.Action, oneLine(orDefault(e.Object, "-")), oneLine(string(e.Details)))
	}
	return tw.Flush()
}

func newAuditVerifyCmd() *cobra.Command {
	var file, head string
	cmd := &cobra.Command{
		Use:   "verify [--file EXPORT] [--head SEQ:HASH]",
		Short: "Check the hash chain; name the first entry altered, removed or moved",
		Long: `Recompute every entry's digest and hash in order and check that each names the
hash of the one before. Exit status 1 names the first bad entry. With --file,
check an export (breach audit export) instead of the store.

The chain cannot show that entries were cut off its end: keep the head printed
here (SEQ:HASH) somewhere else, and later pass it as --head to check that the
log still holds that entry unchanged.`,
		Example: "  breach audit verify\n" +
			"  breach audit verify --head 42:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n" +
			"  breach audit verify --file audit-2026-12.jsonl",
		Args: usageArgs(cobra.NoArgs),
	}
	tf := addTrustFlags(cmd, true)
	sf := addAuditServerFlags(cmd)
	cmd.Flags().StringVar(&file, "file", "", "check this export (JSON Lines) instead of the store")
	cmd.Flags().StringVar(&head, "head", "", "a head printed earlier (SEQ:HASH) that the log must still hold")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		seq, hash, err := parseHead(head)
		if err != nil {
			return err
		}
		var rep audit.Report
		holds := true
		if cmd.Flags().Changed("server") {
			if file != "" || head != "" {
				return usageError(errors.New("--server verifies the server's own log; --file and --head are for a local store or export"))
			}
			c, err := sf.clientOf(cmd)
			if err != nil {
				return err
			}
			v, err := c.VerifyAudit(cmd.Context())
			if err != nil {
				return cliError(err)
			}
			return printVerify(cmd.OutOrStdout(), tf.format, v.Report, "", true)
		}
		if file != "" {
			key, err := tf.auditKey()
			if err != nil {
				return err
			}
			if rep, err = verifyFile(file, key); err != nil {
				return err
			}
			holds = head == "" || rep.HeadSeq >= seq && holdsIn(file, seq, hash)
		} else {
			env, err := tf.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer env.st.Close()
			if rep, err = env.log.Verify(cmd.Context()); err != nil {
				return err
			}
			if head != "" && rep.OK() {
				if holds, err = env.log.Holds(cmd.Context(), seq, hash); err != nil {
					return err
				}
			}
		}
		return printVerify(cmd.OutOrStdout(), tf.format, rep, head, holds)
	}
	return cmd
}

// parseHead parses --head SEQ:HASH; "" is no head.
func parseHead(s string) (int64, string, error) {
	if s == "" {
		return 0, "", nil
	}
	n, hash, ok := strings.Cut(s, ":")
	seq, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || seq < 1 || len(hash) != 64 {
		return 0, "", usageError(fmt.Errorf("--head %q: want SEQ:HASH as audit verify prints it", s))
	}
	return seq, hash, nil
}

func verifyFile(path string, key *audit.Key) (audit.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return audit.Report{}, usageError(err)
	}
	defer f.Close()
	return audit.VerifyJSONL(f, key)
}

// holdsIn reports whether the export at path has entry seq with hash.
func holdsIn(path string, seq int64, hash string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	for {
		var e audit.Entry
		if dec.Decode(&e) != nil {
			return false
		}
		if e.Seq == seq {
			return e.Hash == hash
		}
	}
}

// printVerify reports the result and returns an error (exit status 1) when
// the chain is broken or does not hold the head given.
func printVerify(w io.Writer, format string, rep audit.Report, head string, holds bool) error {
	if format == "json" {
		out := struct {
			audit.Report
			Head  string `json:"expected_head,omitempty"`
			Holds *bool  `json:"holds_expected_head,omitempty"`
		}{Report: rep, Head: head}
		if head != "" && rep.OK() {
			out.Holds = &holds
		}
		if err := writeJSONOut(w, out); err != nil {
			return err
		}
	} else if rep.OK() {
		fmt.Fprintf(w, "audit log intact: %d entries; head %d:%s\n", rep.Checked, rep.HeadSeq, orDefault(rep.HeadHash, "-"))
		switch {
		case rep.Keyed > 0 && rep.MACsChecked:
			fmt.Fprintf(w, "%d entries keyed, their MACs checked; %d written before the chain was keyed\n", rep.Keyed, rep.Unkeyed)
		case rep.Keyed > 0:
			fmt.Fprintf(w, "%d entries keyed, their MACs NOT checked: no key here (secrets.notice_key_file, or the data directory's notice.key)\n", rep.Keyed)
		}
	} else {
		fmt.Fprintf(w, "audit log BROKEN at entry %d: %s (%d entries before it are intact)\n", rep.Broken.Seq, rep.Broken.Reason, rep.Checked)
	}
	switch {
	case !rep.OK():
		return rep.Broken
	case !holds:
		return fmt.Errorf("the audit log does not hold the head %s: entries were cut off or rewritten since it was printed", head)
	}
	return nil
}

func newAuditExportCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [-o FILE]",
		Short: "Write the whole audit log as JSON Lines",
		Long: `Write every entry, oldest first, one JSON object a line (seq, time, principal,
action, object, details, details_digest, prev_hash, hash), exactly as stored,
so that the chain can be checked elsewhere. With -o the file appears only
once the export is complete, readable by its owner only.`,
		Args: usageArgs(cobra.NoArgs),
	}
	tf := addTrustFlags(cmd, false)
	sf := addAuditServerFlags(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Flags().Changed("server") {
			return exportAuditFrom(cmd, sf, output)
		}
		env, err := tf.open(cmd.Context(), true)
		if err != nil {
			return err
		}
		defer env.st.Close()
		if output == "" || output == "-" {
			_, err := env.log.Export(cmd.Context(), cmd.OutOrStdout())
			return err
		}
		n, err := writeFileAtomic(output, func(w io.Writer) (int, error) {
			n, err := env.log.Export(cmd.Context(), w)
			return int(n), err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: wrote %d audit entries to %s\n", n, output)
		return nil
	}
	return cmd
}

// addAuditServerFlags adds --server and --token: the audit commands then
// ask a running service (an auditor's or admin's token) instead of reading
// the store.
func addAuditServerFlags(cmd *cobra.Command) *clientFlags {
	cf := &clientFlags{timeout: 15 * time.Second}
	cmd.Flags().StringVar(&cf.server, "server", "", "ask this breach server's API (auditor token) instead of reading the store")
	cmd.Flags().StringVar(&cf.token, "token", "", "API token with --server (env "+envAPIToken+")")
	return cf
}

// client is the API client of --server.
func (cf *clientFlags) clientOf(cmd *cobra.Command) (*apiClient, error) {
	return cf.client(cmd, liveEnv())
}

// exportAuditFrom writes the server's audit log as JSON Lines and says
// which chain head the server quoted when the export started.
func exportAuditFrom(cmd *cobra.Command, sf *clientFlags, output string) error {
	c, err := sf.clientOf(cmd)
	if err != nil {
		return err
	}
	var head client.AuditHead
	if output == "" || output == "-" {
		head, _, err = c.ExportAudit(cmd.Context(), 0, cmd.OutOrStdout())
	} else {
		_, err = writeFileAtomic(output, func(w io.Writer) (int, error) {
			var n int64
			head, n, err = c.ExportAudit(cmd.Context(), 0, w)
			return int(n), err
		})
	}
	if err != nil {
		return cliError(err)
	}
	if h := head.String(); h != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: audit chain head when the export started: %s (check later with breach audit verify --head %s)\n", h, h)
	}
	return nil
}
