package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/templates"
)

func newNoticeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "notice", Short: "Preview notices"}
	cmd.AddCommand(newNoticeRenderCmd())
	return cmd
}

func newNoticeRenderCmd() *cobra.Command {
	var invPath, incPath, subject, channel, locale, dataDir, overrides string
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Show exactly what one affected person would receive on one channel",
		Long: `Render the notice one person would receive for an incident, using the same
channel plan, templates and verification code as the campaign. With
--data-dir the code is derived from that service's notice key; without it a
throw-away key is used and the code will not verify.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if invPath == "" || incPath == "" || subject == "" || channel == "" {
				return usageError(errors.New("--inventory, --incident, --subject and --channel are required"))
			}
			ch, err := notify.ParseChannel(channel)
			if err != nil {
				return usageError(err)
			}
			inv, err := inventory.Load(invPath)
			if err != nil {
				return usageError(err)
			}
			raw, err := os.ReadFile(incPath)
			if err != nil {
				return usageError(err)
			}
			in, err := incident.Decode(raw)
			if err != nil {
				return usageError(fmt.Errorf("%s: %w", incPath, err))
			}
			if in.ID == "" {
				in.ID = "PREVIEW"
			}
			set, err := templates.New(templates.Options{OverrideDir: overrides})
			if err != nil {
				return err
			}
			key, warn := previewKey(dataDir)
			if warn != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", warn)
			}
			job, err := findJob(cmd, inv, in, subject, ch, locale)
			if err != nil {
				return err
			}
			c, err := compose.New(compose.Config{Templates: set, Inventory: inv, Secret: key, Now: time.Now},
				compose.IncidentsFunc(func(context.Context, string, int) (*incident.Incident, error) { return in, nil }))
			if err != nil {
				return err
			}
			msg, r, err := c.Render(cmd.Context(), job)
			if err != nil {
				return err
			}
			return printMessage(cmd.OutOrStdout(), msg, r, jsonOut)
		},
	}
	f := cmd.Flags()
	f.StringVar(&invPath, "inventory", "", "data inventory YAML")
	f.StringVar(&incPath, "incident", "", "incident JSON")
	f.StringVar(&subject, "subject", "", "subject id of the person")
	f.StringVar(&channel, "channel", "email", "channel: email, sms, push, voice, letter")
	f.StringVar(&locale, "locale", "", "override the person's locale")
	f.StringVar(&dataDir, "data-dir", "", "service data directory whose notice key signs the verification code")
	f.StringVar(&overrides, "templates", "", "directory of template overrides")
	f.BoolVar(&jsonOut, "json", false, "print the message as JSON")
	return cmd
}

// findJob builds the job the campaign would create for subject on channel.
func findJob(cmd *cobra.Command, inv *inventory.Inventory, in *incident.Incident, subject string, ch notify.Channel, locale string) (*notify.Job, error) {
	var job *notify.Job
	var reason string
	stop := errors.New("found")
	err := assess.EachAffected(cmd.Context(), inv, in, func(p *assess.AffectedPerson) error {
		if p.ID != subject {
			return nil
		}
		var r notify.Recipient
		compose.Recipient(&r, p)
		r.Categories = slices.Clone(r.Categories)
		plan := notify.DefaultPolicy().Plan(&r, true)
		routes := slices.Concat(plan.Primary, plan.Fallback, plan.Accelerators)
		i := slices.IndexFunc(routes, func(rt notify.Route) bool { return rt.Channel == ch })
		if i < 0 {
			reason = fmt.Sprintf("subject %s has no %s route (no address on that channel)", subject, ch)
			return stop
		}
		j := notify.NewJob(in.ID, in.Revision, 1, r.ID, routes[i], nil)
		j.Locale, j.Jurisdiction, j.Categories, j.PostalName = r.Locale, r.Jurisdiction, r.Categories, r.Name
		if locale != "" {
			j.Locale = locale
		}
		job = &j
		return stop
	})
	if err != nil && !errors.Is(err, stop) {
		return nil, usageError(err)
	}
	if reason != "" {
		return nil, usageError(errors.New(reason))
	}
	if job == nil {
		return nil, usageError(fmt.Errorf("subject %s is not affected by this incident (or not in the directory)", subject))
	}
	return job, nil
}

func previewKey(dataDir string) ([]byte, string) {
	if dataDir != "" {
		if key, err := app.ReadNoticeKey(dataDir); err == nil {
			return key, ""
		}
		return previewOnlyKey, "no readable notice.key in " + dataDir + "; the verification code shown will not verify"
	}
	if s, _ := config.ReadSecret("secrets.notice_key_file", "", "BREACH_NOTICE_KEY"); s.IsSet() {
		return []byte(s.Reveal()), ""
	}
	return previewOnlyKey, "no --data-dir: the verification code shown is a preview and will not verify"
}

var previewOnlyKey = []byte("preview-only-key-not-for-sending")

func printMessage(w io.Writer, m *notify.Message, r notify.Rendering, asJSON bool) error {
	if asJSON {
		return writeJSONOut(w, map[string]any{"message": m, "template_version": r.TemplateVersion, "content_hash": r.ContentHash})
	}
	fmt.Fprintf(w, "Channel:  %s (%s)\nTo:       %s\n", m.Channel, m.Locale, m.To)
	if m.Subject != "" {
		fmt.Fprintf(w, "Subject:  %s\n", m.Subject)
	}
	fmt.Fprintf(w, "Code:     %s\nTemplate: %s\nHash:     %s\n\n%s\n", m.VerificationCode, r.TemplateVersion, r.ContentHash, m.Text)
	if m.HTML != "" {
		fmt.Fprintf(w, "\n----- HTML alternative -----\n%s\n", m.HTML)
	}
	return nil
}
