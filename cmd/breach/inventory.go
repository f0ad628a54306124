package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/inventory"
)

func newInventoryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "Work with the data inventory and the subject directory",
	}
	cmd.AddCommand(newInventorySynthCmd(), newInventoryCheckCmd(), newInventoryImportCmd())
	return cmd
}

func newInventorySynthCmd() *cobra.Command {
	var opts inventory.SynthOptions
	cmd := &cobra.Command{
		Use:   "synth --subjects N --out DIR",
		Short: "Write a synthetic organisation: inventory.yaml, subjects.csv and incident.json",
		Long: `Write a synthetic organisation for demos and load tests: inventory.yaml,
subjects.csv with N people and incident.json. The same seed writes the same
bytes. Names are invented, e-mail domains are example.*, and phone numbers
come only from ranges reserved for fiction.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Subjects < 1 {
				return usageError(errors.New("--subjects must be at least 1"))
			}
			if opts.Out == "" {
				return usageError(errors.New("--out is required"))
			}
			if opts.Systems < 1 || opts.Systems > inventory.MaxSynthSystems {
				return usageError(fmt.Errorf("--systems must be between 1 and %d", inventory.MaxSynthSystems))
			}
			start := time.Now()
			res, err := inventory.Synth(opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "wrote %s, %s (%d people, %d memberships, %d minors, %d without contact, %.1f MB) and %s in %s\n",
				res.Inventory, res.Directory, res.Subjects, res.Memberships, res.Minors, res.WithoutContact,
				float64(res.Bytes)/1e6, res.Incident, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Subjects, "subjects", 0, "number of people to write (required)")
	f.IntVar(&opts.Systems, "systems", 8, "number of systems in the inventory")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed; the same seed writes the same files")
	f.StringVar(&opts.Out, "out", "", "directory to write to (created if missing; required)")
	return cmd
}

func newInventoryCheckCmd() *cobra.Command {
	var maxErrors int
	var strict bool
	cmd := &cobra.Command{
		Use:   "check INVENTORY.yaml",
		Short: "Validate an inventory and read every row of its subject directory",
		Long: `Validate an inventory document and stream every row of its subject
directory, then print a summary: people per jurisdiction, minors, people
without a usable contact, bad rows and warnings.

A bad row (no id, a bad or missing country, a US row without a state, no
systems, an unknown system, malformed CSV or JSON) cannot be assessed and is
left out of every assessment. A warning is a malformed contact or preference
field (e-mail address, phone number, locale, guardian contact, postal address,
device, ...): the person is still counted and notified, but not through that
field. Problems go to stderr as FILE:LINE: REASON, never quoting personal data.

Exits 2 when the inventory or any row is invalid, or with --strict when there
is any warning.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			inv, err := inventory.Load(args[0])
			if err != nil {
				return usageError(err)
			}
			dir, err := inventory.OpenDirectory(inv.SubjectsPath, inv)
			if err != nil {
				return usageError(err)
			}
			defer dir.Close()
			var people, minors, noContact, bad, shownWarnings int
			var memberships int64
			byJur := map[string]int{}
			errOut := cmd.ErrOrStderr()
			for {
				s, err := dir.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				var re *inventory.RowError
				if errors.As(err, &re) {
					bad++
					if bad <= maxErrors {
						fmt.Fprintln(errOut, re)
					}
					continue
				}
				if err != nil {
					return err
				}
				if shownWarnings < maxErrors {
					for _, w := range dir.RowWarnings() {
						if shownWarnings++; shownWarnings <= maxErrors {
							fmt.Fprintln(errOut, w)
						}
					}
				}
				people++
				memberships += int64(len(s.Systems))
				byJur[s.Jurisdiction()]++
				if s.Minor {
					minors++
				}
				if !s.HasContact() {
					noContact++
				}
			}
			warn := dir.Warnings()
			if bad > maxErrors {
				fmt.Fprintf(errOut, "... %d more bad rows not shown (--max-errors)\n", bad-maxErrors)
			}
			if warn.Fields > maxErrors {
				fmt.Fprintf(errOut, "... %d more warnings not shown (--max-errors)\n", warn.Fields-maxErrors)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%s: %s, %s, %s declared\n", inv.Path, inv.Organization.Name,
				counted(len(inv.Systems), "system", "systems"), counted(len(inv.Categories), "category", "categories"))
			fmt.Fprintf(out, "%s: %s, %s, %s, %d without a usable contact, %s, %s in %s\n",
				inv.SubjectsPath, counted(people, "person", "people"), counted(int(memberships), "membership", "memberships"),
				counted(minors, "minor", "minors"), noContact, counted(bad, "bad row", "bad rows"),
				counted(warn.Fields, "warning", "warnings"), counted(warn.Rows, "row", "rows"))
			for _, j := range slices.Sorted(maps.Keys(byJur)) {
				fmt.Fprintf(out, "  %-10s %d\n", j, byJur[j])
			}
			switch {
			case bad > 0:
				return usageError(fmt.Errorf("%s in %s", counted(bad, "bad row", "bad rows"), inv.SubjectsPath))
			case strict && warn.Fields > 0:
				return usageError(fmt.Errorf("%d warnings in %s (--strict)", warn.Fields, inv.SubjectsPath))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&maxErrors, "max-errors", 20, "print at most this many bad rows and this many warnings")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 2 on warnings too (malformed contact or preference fields)")
	return cmd
}
