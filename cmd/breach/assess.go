package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/spf13/cobra"
)

// assessOptions are the flags of breach assess.
type assessOptions struct {
	inventory string
	incident  string
	now       string
	format    string
}

func newAssessCmd() *cobra.Command {
	o := &assessOptions{}
	cmd := &cobra.Command{
		Use:   "assess --inventory inventory.yaml --incident incident.json",
		Short: "Assess one incident offline: affected people, ENISA severity, risk and every law's duties",
		Long: `assess reads the data inventory (and streams its subject directory once) and one
incident document, and prints the assessment: who is affected per jurisdiction,
the ENISA 2013 severity, the GDPR-sense risk with the rules that decided it,
each jurisdiction's duties with deadlines, and the public-notice decision.
It needs no NATS and no database. Exit status 2 means invalid input.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError(fmt.Errorf("assess takes no arguments, got %q; use --inventory and --incident", args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAssess(cmd, o, time.Now())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.inventory, "inventory", "", "data inventory YAML (required)")
	f.StringVar(&o.incident, "incident", "", "incident JSON, plain or a CloudEvents envelope (required)")
	f.StringVar(&o.now, "now", "", "assessment time, RFC 3339 (default: the current time)")
	f.StringVar(&o.format, "format", "json", "output format: json or text")
	return cmd
}

// runAssess runs the command with the clock read once by the caller.
func runAssess(cmd *cobra.Command, o *assessOptions, clock time.Time) error {
	if o.inventory == "" {
		return usageError(errors.New("assess: --inventory is required"))
	}
	if o.incident == "" {
		return usageError(errors.New("assess: --incident is required"))
	}
	if o.format != "json" && o.format != "text" {
		return usageError(fmt.Errorf("assess: --format %q is not json or text", o.format))
	}
	now := clock.UTC()
	if o.now != "" {
		t, err := time.Parse(time.RFC3339Nano, o.now)
		if err != nil {
			return usageError(fmt.Errorf("assess: --now %q is not an RFC 3339 time (e.g. 2026-11-20T10:00:00Z)", o.now))
		}
		now = t.UTC()
	}
	inv, err := inventory.Load(o.inventory)
	if err != nil {
		return usageError(fmt.Errorf("assess: load inventory %s: %w", o.inventory, err))
	}
	data, err := os.ReadFile(o.incident)
	if err != nil {
		return usageError(fmt.Errorf("assess: read incident: %w", err))
	}
	in, err := incident.Decode(data)
	if err != nil {
		return usageError(fmt.Errorf("assess: incident %s: %w", o.incident, err))
	}
	if in.ID == "" {
		in.ID = incident.NewID(in.DiscoveredAt)
	}
	a, err := assess.Assess(cmd.Context(), inv, in, now)
	if err != nil {
		if errors.Is(err, assess.ErrInput) {
			return usageError(fmt.Errorf("assess: incident %s: %w", o.incident, err))
		}
		return fmt.Errorf("assess incident %s: %w", in.ID, err)
	}
	out := cmd.OutOrStdout()
	if o.format == "text" {
		return assess.WriteText(out, a, now)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}
