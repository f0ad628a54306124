package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/public"
)

func newAnnounceCmd() *cobra.Command {
	env := liveEnv()
	cmd := &cobra.Command{
		Use:   "announce",
		Short: "Publish, show and export the public notice of an incident",
		Long: "The public notice is the announcement on the public site (public.addr) that covers\n" +
			"the people who cannot be told one by one. Publishing is an approver's act through\n" +
			"the API; every update, correction and withdrawal is a new version, kept.",
	}
	cmd.AddCommand(newAnnouncePublishCmd(env), newAnnounceShowCmd(env), newAnnounceExportCmd())
	return cmd
}

// unexpectedAnswer says that the server's answer (what) could not be
// decoded, with the cause, and how to look at it.
func unexpectedAnswer(c *apiClient, what string, err error) error {
	return fmt.Errorf("the %s from %s is not the expected JSON (is it a breach server of this version? --json prints the answer as it came): %w", what, c.Server(), err)
}

func announcementPath(id string) string {
	return "/api/v1/incidents/" + url.PathEscape(id) + "/announcement"
}

func newAnnouncePublishCmd(env incidentEnv) *cobra.Command {
	var kind, note string
	cmd := &cobra.Command{
		Use:   "publish ID",
		Short: "Publish (or update, correct, withdraw) the public notice of an incident",
		Args:  usageArgs(cobra.ExactArgs(1)),
		Example: "  breach announce publish INC-2026-0042\n" +
			"  breach announce publish INC-2026-0042 --kind correction --note \"The leak began on 19 November, not 20\"",
	}
	cf := addClientFlags(cmd)
	cmd.Flags().StringVar(&kind, "kind", "publish", "publish, update, correction or withdrawal")
	cmd.Flags().StringVar(&note, "note", "", "what changed, or why it is withdrawn (required for correction and withdrawal)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := validID(args[0]); err != nil {
			return err
		}
		if !announce.Kind(kind).Valid() {
			return usageError(fmt.Errorf("--kind %q: want publish, update, correction or withdrawal", kind))
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		body, err := c.call(cmd.Context(), request{method: http.MethodPost, path: announcementPath(args[0]),
			body: web.AnnounceRequest{Kind: kind, Note: note}})
		if err != nil {
			return err
		}
		if cf.asJSON {
			_, err := cmd.OutOrStdout().Write(body)
			return err
		}
		var v web.AnnouncementVersion
		if err := json.Unmarshal(body, &v); err != nil {
			return unexpectedAnswer(c, "public notice version", err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s: public notice version %d (%s) published at %s by %s\n", v.Incident, v.Version, v.Kind,
			formatTime(v.PublishedAt), oneLine(v.Approver))
		if v.URL != "" {
			fmt.Fprintf(cmd.OutOrStdout(), "  %s\n", v.URL)
		}
		return nil
	}
	return cmd
}

func newAnnounceShowCmd(env incidentEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Say whether a public notice is required, since when it is outstanding, and its versions",
		Args:  usageArgs(cobra.ExactArgs(1)),
	}
	cf := addClientFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := validID(args[0]); err != nil {
			return err
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		body, err := c.call(cmd.Context(), request{method: http.MethodGet, path: announcementPath(args[0])})
		if err != nil {
			return err
		}
		if cf.asJSON {
			_, err := cmd.OutOrStdout().Write(body)
			return err
		}
		var st web.AnnouncementStatus
		if err := json.Unmarshal(body, &st); err != nil {
			return unexpectedAnswer(c, "public notice status", err)
		}
		w := cmd.OutOrStdout()
		switch {
		case st.OutstandingSince != nil:
			fmt.Fprintf(w, "public notice outstanding since %s\n", formatTime(*st.OutstandingSince))
		case st.Required:
			fmt.Fprintln(w, "public notice required and published")
		default:
			fmt.Fprintln(w, "no public notice is required")
		}
		for _, r := range st.Reasons {
			fmt.Fprintf(w, "  - %s\n", oneLine(r))
		}
		for _, v := range st.Versions {
			fmt.Fprintf(w, "version %d  %-10s  %s  by %s  %s\n", v.Version, v.Kind, formatTime(v.PublishedAt), oneLine(v.Approver), oneLine(v.Note))
		}
		if st.URL != "" {
			fmt.Fprintf(w, "page: %s\n", st.URL)
		}
		return nil
	}
	return cmd
}

func newAnnounceExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export ID --out DIR",
		Short: "Write the public notice as static pages any web host can serve (relative links)",
		Args:  usageArgs(cobra.ExactArgs(1)),
	}
	tf := addTrustFlags(cmd, false)
	cmd.Flags().StringVar(&out, "out", "", "directory to write the pages to (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := validID(args[0]); err != nil {
			return err
		}
		if strings.TrimSpace(out) == "" {
			return usageError(fmt.Errorf("--out must name the directory to write"))
		}
		cfg, err := config.Load(tf.config, os.Environ())
		if err != nil {
			return usageError(err)
		}
		if tf.dataDir != "" {
			cfg.DataDir = tf.dataDir
		}
		st, err := openConfiguredStore(cmd.Context(), cfg, true)
		if err != nil {
			return err
		}
		defer st.Close()
		n, err := announce.Load(cmd.Context(), st, args[0])
		if err != nil {
			return fmt.Errorf("%s has no public notice to export (publish it first: breach announce publish %s): %w", args[0], args[0], err)
		}
		content := n.Content()
		if content == nil {
			return fmt.Errorf("%s: the public notice has no published content to export", args[0])
		}
		org := content.Org
		pages, err := public.NewPages(announce.Org{Name: org.Name, Website: org.Website, ContactName: org.ContactName,
			ContactEmail: org.ContactEmail, ContactPhone: org.ContactPhone}, cfg.Public.BaseURL)
		if err != nil {
			return err
		}
		files, err := announce.Export(out, []*announce.Notice{n}, pages)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "wrote %d files; open %s\n", len(files), strings.TrimSuffix(out, "/")+"/index.html")
		return nil
	}
	return cmd
}
