package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
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
	"github.com/breach-notify/breach/workflow"
)

// newNoticeCmd is the old name of `notices render`, kept hidden so that
// scripts written for it still run.
func newNoticeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "notice", Short: "Old name of `breach notices render`", Hidden: true}
	cmd.AddCommand(newNoticeRenderCmd())
	return cmd
}

func newNoticeRenderCmd() *cobra.Command {
	var cfgPath, invPath, incPath, subject, channel, locale, dataDir, overrides string
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Show exactly what one affected person would receive on one channel",
		Long: `Render the notice one person would receive for an incident, using the same
channel policy, risk, templates, announcement address and verification code
as the campaign. With --config (or BREACH_* variables) the service's
configuration supplies the channel policy, campaign.announcement_url,
campaign.templates_dir, the inventory and the data directory. The
verification code is derived from the service's notice key
(secrets.notice_key_file, or <data-dir>/notice.key when --data-dir or
--config is given); otherwise a throw-away key is used and the code will not
verify.`,
		Args: usageArgs(cobra.NoArgs),
		Example: "  breach notices render --config breach.yaml --incident incident.json --subject u-17\n" +
			"  breach notices render --inventory inventory.yaml --incident incident.json --subject u-17 --channel sms",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cfgPath, os.Environ())
			if err != nil {
				return usageError(err)
			}
			if dataDir != "" {
				cfg.DataDir = dataDir
			}
			if invPath == "" {
				invPath = cfg.Inventory
			}
			if overrides == "" {
				overrides = cfg.Campaign.TemplatesDir
			}
			if invPath == "" || incPath == "" || subject == "" || channel == "" {
				return usageError(errors.New("--inventory (or config inventory), --incident, --subject and --channel are required"))
			}
			ch, err := notify.ParseChannel(channel)
			if err != nil {
				return usageError(err)
			}
			policy, err := cfg.Campaign.Policy()
			if err != nil {
				return usageError(fmt.Errorf("config campaign.channels: %w", err))
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
			key, warn := previewKey(cfg, dataDir != "" || cfgPath != "")
			if warn != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", warn)
			}
			job, told, err := findJob(cmd.Context(), inv, in, policy, cfg.Campaign.NotifyAllAffected, subject, ch, locale)
			if err != nil {
				return fmt.Errorf("%s: %w", incPath, err)
			}
			if told != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", told)
			}
			c, err := compose.New(compose.Config{Templates: set, Inventory: inv, Secret: key, AnnouncementURL: cfg.Campaign.AnnouncementURL, Now: time.Now},
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
	f.StringVar(&cfgPath, "config", "", "the service's configuration file (YAML): channel policy, announcement address, templates, data directory")
	f.StringVar(&invPath, "inventory", "", "data inventory YAML (default: config inventory)")
	f.StringVar(&incPath, "incident", "", "incident JSON")
	f.StringVar(&subject, "subject", "", "subject id of the person")
	f.StringVar(&channel, "channel", "email", "channel: email, sms, push, voice, letter")
	f.StringVar(&locale, "locale", "", "override the person's locale")
	f.StringVar(&dataDir, "data-dir", "", "service data directory whose notice key signs the verification code")
	f.StringVar(&overrides, "templates", "", "directory of template overrides (default: config campaign.templates_dir)")
	f.BoolVar(&jsonOut, "json", false, "print the message as JSON")
	return cmd
}

// findJob builds the job the campaign would create for subject on channel:
// one assessment pass finds the person and the incident's risk, which the
// policy needs (SMS as well as e-mail when the risk is high). notTold is a
// note when the campaign would not tell this person at all.
func findJob(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, policy notify.Policy, notifyAll bool, subject string, ch notify.Channel, locale string) (job *notify.Job, notTold string, err error) {
	var r *notify.Recipient
	var person assess.AffectedPerson
	a, err := assess.AssessEach(ctx, inv, in, time.Now(), func(p *assess.AffectedPerson) error {
		if p.ID == subject {
			r = &notify.Recipient{}
			compose.Recipient(r, p)
			r.Categories = slices.Clone(r.Categories)
			person = *p
		}
		return nil
	})
	if err != nil {
		return nil, "", usageError(err)
	}
	if r == nil {
		return nil, "", usageError(fmt.Errorf("subject %s is not affected by this incident (or not in the directory)", subject))
	}
	to := workflow.NewAddressees(a, notifyAll)
	if !to.Includes(&person) {
		notTold = fmt.Sprintf("the campaign would not tell %s: no law requires individual notice in %s for this assessment (required in: %s; campaign.notify_all_affected is off)",
			subject, person.Jurisdiction, orDefault(strings.Join(to.Jurisdictions(), ", "), "none"))
	}
	plan := policy.Plan(r, to.HighRisk(&person))
	routes := slices.Concat(plan.Primary, plan.Fallback, plan.Accelerators)
	i := slices.IndexFunc(routes, func(rt notify.Route) bool { return rt.Channel == ch })
	if i < 0 {
		return nil, "", usageError(fmt.Errorf("subject %s has no %s route (no address on that channel, or the channel policy leaves it out)", subject, ch))
	}
	j := r.NewJob(in.ID, in.Revision, 1, routes[i], nil)
	if locale != "" {
		j.Locale = locale
	}
	return &j, notTold, nil
}

// previewKey returns the key the service signs verification codes with:
// the configured secret, else the data directory's notice.key when the
// caller named a data directory, else a throw-away key with a warning.
func previewKey(cfg config.Config, useDataDir bool) ([]byte, string) {
	if s, err := cfg.Secret("secrets.notice_key_file"); err == nil && s.IsSet() {
		return []byte(s.Reveal()), ""
	} else if err != nil {
		return previewOnlyKey, err.Error() + "; the verification code shown will not verify"
	}
	if !useDataDir {
		return previewOnlyKey, "no --data-dir or --config: the verification code shown is a preview and will not verify"
	}
	if key, err := app.ReadNoticeKey(cfg.DataDir); err == nil {
		return key, ""
	}
	return previewOnlyKey, "no readable notice.key in " + cfg.DataDir + "; the verification code shown will not verify"
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
