package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/report"
)

// writeDemoReports writes the regulator report draft of every jurisdiction
// whose regulator must be told, as Markdown and PDF, into dir, with the
// campaign's figures, and prints their paths. A PDF that cannot be made
// (a font missing) is named with the reason; the Markdown is still
// written.
func writeDemoReports(ctx context.Context, out io.Writer, dir, inventoryPath string, in *incident.Incident, counts notify.Counts, publicURL string) error {
	inv, err := inventory.Load(inventoryPath)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	a, people, err := report.AssessAndCount(ctx, inv, in, now)
	if err != nil {
		return err
	}
	camp := &report.Campaign{Told: map[string]int{}, Complete: counts.Complete(), PublicNoticeURL: publicURL}
	for ch, byState := range counts {
		if ch == notify.ChannelNone {
			camp.Unreachable += byState[notify.StateUnreachable]
			continue
		}
		camp.Told[string(ch)] += byState[notify.StateSent]
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n== Regulator report drafts ==\n")
	for _, ob := range a.Obligations {
		if !ob.NotifyRegulator {
			continue
		}
		d, err := report.Build(report.Input{Incident: in, Assessment: a, Inventory: inv, People: people, Campaign: camp,
			Jurisdiction: ob.Jurisdiction, Now: now})
		if err != nil {
			return fmt.Errorf("report draft %s: %w", ob.Jurisdiction, err)
		}
		var written []string
		for _, format := range []string{"md", "pdf"} {
			var buf bytes.Buffer
			if err := report.Write(&buf, d, format, report.PDFOptions{}); err != nil {
				fmt.Fprintf(out, "  %s: no %s (%v)\n", ob.Jurisdiction, strings.ToUpper(format), err)
				continue
			}
			p := filepath.Join(dir, ob.Jurisdiction+"."+format)
			if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
				return err
			}
			written = append(written, p)
		}
		fmt.Fprintf(out, "  %-10s %s\n", ob.Jurisdiction, strings.Join(written, "  "))
	}
	return nil
}
