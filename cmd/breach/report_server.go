package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/report"
	"github.com/breach-notify/breach/web"
)

// runReportDraftServer fetches the drafts of incident id from the
// service.
func runReportDraftServer(cmd *cobra.Command, env incidentEnv, cf *clientFlags, o *reportDraftOptions, id string) error {
	for _, flag := range []string{"inventory", "incident", "now", "font-file", "cjk-font-file"} {
		if cmd.Flags().Changed(flag) {
			return usageError(fmt.Errorf("report draft %s: --%s is for offline drafts; the service drafts from what it stored", id, flag))
		}
	}
	switch {
	case o.jurisdiction == "":
		return usageError(errors.New("report draft: --jurisdiction is required (e.g. EU-GDPR)"))
	case !slices.Contains(report.Formats, o.format):
		return usageError(fmt.Errorf("report draft: --format %q is not one of %s", o.format, strings.Join(report.Formats, ", ")))
	}
	c, err := cf.client(cmd, env)
	if err != nil {
		return err
	}
	body, err := c.call(cmd.Context(), request{method: http.MethodGet, accept: "*/*", query: url.Values{"format": {o.format}},
		path: "/api/v1/incidents/" + url.PathEscape(id) + "/reports/" + url.PathEscape(o.jurisdiction)})
	if err != nil {
		return err
	}
	if o.out == "" {
		_, err := cmd.OutOrStdout().Write(body)
		return err
	}
	if err := os.WriteFile(o.out, body, 0o644); err != nil {
		return fmt.Errorf("report draft: write %s: %w", o.out, err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s, %d bytes)\n", o.out, o.format, len(body))
	return nil
}

func newReportFileCmd(env incidentEnv) *cobra.Command {
	var jurisdiction, filing, reference, copyFile string
	cmd := &cobra.Command{
		Use:   "file ID --jurisdiction J --reference R [--filing F] [--copy FILE]",
		Short: "Record that a regulator report was filed, with the regulator's reference number",
		Long: "file records, through the service, that the report of one jurisdiction was filed:\n" +
			"when, by whom (the token's principal), the regulator's reference number and, with\n" +
			"--copy, the SHA-256 of the copy filed. Where a jurisdiction has several reports (one\n" +
			"per member state, say), --filing names the one filed, e.g. EU-GDPR/FR. The filing is\n" +
			"audited and the obligation leaves `breach deadlines`.",
		Args: usageArgs(cobra.ExactArgs(1)),
	}
	cf := addClientFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&jurisdiction, "jurisdiction", "", "jurisdiction of the report, e.g. EU-GDPR (required)")
	f.StringVar(&reference, "reference", "", "the regulator's reference number (required)")
	f.StringVar(&filing, "filing", "", "filing id when the jurisdiction has several, e.g. EU-GDPR/FR")
	f.StringVar(&copyFile, "copy", "", "the copy filed (PDF or other file); its SHA-256 is recorded")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		switch {
		case jurisdiction == "":
			return usageError(errors.New("report file: --jurisdiction is required (e.g. EU-GDPR)"))
		case strings.TrimSpace(reference) == "":
			return usageError(errors.New("report file: --reference is required (the regulator's reference number)"))
		}
		req := web.FilingRequest{Filing: filing, Reference: reference}
		if copyFile != "" {
			sum, err := fileSHA256(copyFile)
			if err != nil {
				return usageError(fmt.Errorf("report file: --copy: %w", err))
			}
			req.CopySHA256 = sum
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		body, err := c.call(cmd.Context(), request{method: http.MethodPost, body: req,
			path: "/api/v1/incidents/" + url.PathEscape(args[0]) + "/reports/" + url.PathEscape(jurisdiction) + "/filing"})
		if err != nil {
			return err
		}
		var o obligation.Obligation
		if err := json.Unmarshal(body, &o); err != nil {
			return fmt.Errorf("report file: the server's answer is not an obligation: %w", err)
		}
		out := cmd.OutOrStdout()
		if cf.asJSON {
			return writeJSONOut(out, o)
		}
		what := o.Filing
		if what == "" {
			what = o.Jurisdiction + " " + o.Duty
		}
		fmt.Fprintf(out, "filed %s of %s at %s by %s, reference %s", what, o.Incident, o.Since.UTC().Format("2006-01-02T15:04:05Z"), o.By, o.Reference)
		if o.CopySHA256 != "" {
			fmt.Fprintf(out, ", copy sha256 %s", o.CopySHA256)
		}
		_, err = fmt.Fprintln(out)
		return err
	}
	return cmd
}

// fileSHA256 is the hex SHA-256 of a file's content.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
