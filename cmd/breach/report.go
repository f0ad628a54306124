package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/report"
)

func newReportCmd() *cobra.Command {
	return newReportCmdWith(liveEnv())
}

func newReportCmdWith(env incidentEnv) *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "Draft the reports regulators must receive, and record their filing"}
	cmd.AddCommand(newReportDraftCmd(env), newReportFileCmd(env))
	return cmd
}

// reportDraftOptions are the flags of breach report draft.
type reportDraftOptions struct {
	inventory, incident, jurisdiction, format, out, now string
	fontFile, cjkFontFile                               string
}

func newReportDraftCmd(env incidentEnv) *cobra.Command {
	o := &reportDraftOptions{}
	var cf *clientFlags
	cmd := &cobra.Command{
		Use:   "draft [ID] --jurisdiction J [--inventory inventory.yaml --incident incident.json]",
		Short: "Draft one jurisdiction's regulator reports offline, with what is still missing",
		Long: `draft assesses the incident as breach assess does (same inventory, same
incident, same --now) and writes the reports the jurisdiction's regulator
must receive: every field the law asks for, filled from the incident, the
assessment and the inventory's organisation block, or marked MISSING with
what to provide; the missing fields first, the deadline and the time left,
and a copy of the notice sent to individuals where the regulator asks for
one. Offline there are no campaign figures, so the fields about telling the
people are missing until the service drafts them.

Formats: md (default), html, json, pdf. The PDF embeds --font-file (setting
report.font_file) and, for Chinese or Japanese text, --cjk-font-file
(setting report.cjk_font_file). Exit status 2 means invalid input.

With an incident ID instead of --inventory and --incident, the running
service drafts the reports of the incident's stored assessment, with the
campaign's figures from its ledger (GET
/api/v1/incidents/{id}/reports/{jurisdiction}).`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return runReportDraftServer(cmd, env, cf, o, args[0])
			}
			return runReportDraft(cmd, o, env.now())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.inventory, "inventory", "", "data inventory YAML (required)")
	f.StringVar(&o.incident, "incident", "", "incident JSON, plain or a CloudEvents envelope (required)")
	f.StringVar(&o.jurisdiction, "jurisdiction", "", "jurisdiction of the assessment to draft for, e.g. EU-GDPR (required)")
	f.StringVar(&o.format, "format", "md", "output format: "+strings.Join(report.Formats, ", "))
	f.StringVar(&o.out, "out", "", "write to this file instead of standard output")
	f.StringVar(&o.now, "now", "", "drafting time, RFC 3339 (default: the current time)")
	f.StringVar(&o.fontFile, "font-file", "", "TrueType font for the PDF (report.font_file; default "+report.DefaultFontFile+")")
	f.StringVar(&o.cjkFontFile, "cjk-font-file", "", "TrueType font for Chinese and Japanese text in the PDF (report.cjk_font_file; default "+report.DefaultCJKFontFile+")")
	cf = addServerFlags(cmd)
	return cmd
}

// runReportDraft runs the command with the clock read once by the caller.
func runReportDraft(cmd *cobra.Command, o *reportDraftOptions, clock time.Time) error {
	switch {
	case o.inventory == "":
		return usageError(errors.New("report draft: --inventory is required"))
	case o.incident == "":
		return usageError(errors.New("report draft: --incident is required"))
	case o.jurisdiction == "":
		return usageError(errors.New("report draft: --jurisdiction is required (e.g. EU-GDPR)"))
	case !slices.Contains(report.Formats, o.format):
		return usageError(fmt.Errorf("report draft: --format %q is not one of %s", o.format, strings.Join(report.Formats, ", ")))
	}
	now := clock.UTC()
	if o.now != "" {
		t, err := time.Parse(time.RFC3339Nano, o.now)
		if err != nil {
			return usageError(fmt.Errorf("report draft: --now %q is not an RFC 3339 time (e.g. 2026-11-20T10:00:00Z)", o.now))
		}
		now = t.UTC()
	}
	inv, err := inventory.Load(o.inventory)
	if err != nil {
		return usageError(fmt.Errorf("report draft: load inventory %s: %w", o.inventory, err))
	}
	data, err := os.ReadFile(o.incident)
	if err != nil {
		return usageError(fmt.Errorf("report draft: read incident: %w", err))
	}
	in, err := incident.Decode(data)
	if err != nil {
		return usageError(fmt.Errorf("report draft: incident %s: %w", o.incident, err))
	}
	if in.ID == "" {
		in.ID = incident.NewID(in.DiscoveredAt)
	}
	a, people, err := report.AssessAndCount(cmd.Context(), inv, in, now)
	if err != nil {
		if errors.Is(err, assess.ErrInput) {
			return usageError(fmt.Errorf("report draft: incident %s: %w", o.incident, err))
		}
		return fmt.Errorf("report draft: assess incident %s: %w", in.ID, err)
	}
	d, err := report.Build(report.Input{Incident: in, Assessment: a, Organization: inv.Organization, Inventory: inv,
		People: people, Jurisdiction: o.jurisdiction, Now: now})
	if err != nil {
		if errors.Is(err, report.ErrJurisdiction) {
			return usageError(fmt.Errorf("report draft: --jurisdiction: %w", err))
		}
		return fmt.Errorf("report draft %s: %w", in.ID, err)
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, d, o.format, report.PDFOptions{FontFile: o.fontFile, CJKFontFile: o.cjkFontFile}); err != nil {
		var fe *report.FontError
		if errors.As(err, &fe) {
			return usageError(fmt.Errorf("report draft: %w", err))
		}
		return fmt.Errorf("report draft %s: %w", in.ID, err)
	}
	if o.out == "" {
		_, err := cmd.OutOrStdout().Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report draft: write %s: %w", o.out, err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s, %d filings, %d fields missing)\n", o.out, o.format, len(d.Filings), missingCount(d))
	return nil
}

// missingCount counts the missing fields of every filing.
func missingCount(d *report.Draft) int {
	n := 0
	for _, f := range d.Filings {
		n += len(f.Missing)
	}
	return n
}
