package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/obligation"
)

// ANSI colours of the deadline table on a terminal.
const (
	ansiRed   = "\033[31m"
	ansiReset = "\033[0m"
)

func newDeadlinesCmd() *cobra.Command {
	return newDeadlinesCmdWith(liveEnv())
}

func newDeadlinesCmdWith(env incidentEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deadlines",
		Short: "List every open obligation across incidents, undated duties first, then soonest due",
		Long: "deadlines lists what is still owed for every incident: each report to a regulator\n" +
			"(one per filing), telling the individuals, the public notice and further notices,\n" +
			"while open or drafted. Duties the law words without a date (\"without undue delay\")\n" +
			"come first, then the dated ones, soonest first; an overdue line is marked OVERDUE,\n" +
			"and printed in red on a terminal.",
		Args: usageArgs(cobra.NoArgs),
	}
	cf := addReadFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		format, err := cf.format(cmd)
		if err != nil {
			return err
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		dl, err := c.Deadlines(cmd.Context())
		if err != nil {
			return cliError(err)
		}
		out := cmd.OutOrStdout()
		return writeAs(out, format, dl, func(w io.Writer) error { return writeDeadlines(w, dl.Deadlines, env.isTTY(out)) })
	}
	return cmd
}

// writeDeadlines prints the deadline table; with colour, overdue lines are
// red.
func writeDeadlines(w io.Writer, ds []obligation.Deadline, colour bool) error {
	if len(ds) == 0 {
		_, err := fmt.Fprintln(w, "no open obligations")
		return err
	}
	rows := make([][]string, 0, len(ds))
	red := make([]bool, 0, len(ds))
	for _, d := range ds {
		due, left := d.DueText, "-"
		if due == "" {
			due = "no date set"
		}
		if d.Due != nil {
			due = d.Due.UTC().Format("2006-01-02 15:04Z")
			left = durationText(time.Duration(*d.LeftSeconds) * time.Second)
			if d.Overdue {
				left = "OVERDUE " + strings.TrimPrefix(left, "-")
			}
		}
		rows = append(rows, []string{d.Incident, d.Jurisdiction, d.Duty, cmpOrDash(d.Filing), truncate(oneLine(due), 48), left, string(d.State)})
		red = append(red, d.Overdue)
	}
	return writeTable(w, []string{"INCIDENT", "JURISDICTION", "DUTY", "FILING", "DUE", "LEFT", "STATE"}, rows, red, colour)
}

// writeTable prints rows under a header in aligned columns; with colour,
// the rows marked red are printed in red.
func writeTable(w io.Writer, header []string, rows [][]string, red []bool, colour bool) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i, l := range strings.SplitAfter(buf.String(), "\n") {
		if colour && i > 0 && i <= len(rows) && red[i-1] {
			l = ansiRed + strings.TrimSuffix(l, "\n") + ansiReset + "\n"
		}
		if _, err := io.WriteString(w, l); err != nil {
			return err
		}
	}
	return nil
}

// durationText writes a duration to the minute, days first: "2d3h15m".
func durationText(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	if days > 0 {
		return fmt.Sprintf("%s%dd%dh%dm", sign, days, h, m)
	}
	return fmt.Sprintf("%s%dh%dm", sign, h, m)
}

func cmpOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeIncidentObligations prints every obligation of one incident with
// its state (for incident show): the pending ones as deadlines, the
// others with what met them or why they are not required.
func writeIncidentObligations(w io.Writer, obs []obligation.Obligation, now time.Time, colour bool) error {
	if len(obs) == 0 {
		_, err := fmt.Fprintln(w, "no obligations recorded (the incident is not assessed yet)")
		return err
	}
	rows := make([][]string, 0, len(obs))
	red := make([]bool, len(obs))
	for i, o := range obs {
		due := "-"
		if o.Due != nil {
			due = o.Due.UTC().Format("2006-01-02 15:04Z")
		} else if o.DueText != "" {
			due = o.DueText
		}
		note := o.Reason
		switch {
		case o.State == obligation.StateFiled:
			note = fmt.Sprintf("%s by %s: %s", o.Since.UTC().Format("2006-01-02 15:04Z"), o.By, o.Reference)
		case o.State.Pending() && o.Due != nil && o.Due.Before(now):
			red[i] = true
			note = "OVERDUE " + durationText(now.Sub(*o.Due))
		case o.State.Pending() && o.Due != nil:
			note = durationText(o.Due.Sub(now)) + " left"
		}
		rows = append(rows, []string{o.Jurisdiction, o.Duty, cmpOrDash(o.Filing), string(o.State), truncate(oneLine(due), 32), truncate(oneLine(note), 72)})
	}
	return writeTable(w, []string{"JURISDICTION", "DUTY", "FILING", "STATE", "DUE", "NOTE"}, rows, red, colour)
}
