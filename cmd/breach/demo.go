package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/web/public"
)

func newDemoCmd() *cobra.Command {
	var dataDir, incidentName, httpAddr, publicAddr, logLevel, exampleName string
	var exit, listEx, keep bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole product on the example organisation: intake, assessment, campaign into the outbox",
		Long: `demo needs no configuration and no external service. It writes the example
organisation (the Seestar Store, or --example NAME; --list-examples lists
them with the seed privacy policy each is built from) into a fresh data
directory, starts the service with an embedded NATS server and SQLite,
publishes a sample incident over NATS as a detector would, assesses it,
approves it automatically (demo only), runs the notice campaign into the
outbox, and prints a summary. With --exit
it stops when the campaign is done; otherwise it keeps serving the API until
Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), demoOptions{dataDir: dataDir, incident: incidentName,
				httpAddr: httpAddr, publicAddr: publicAddr, logLevel: logLevel, exit: exit, timeout: timeout, example: exampleName, listExamples: listEx, keep: keep})
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data-dir", "", "data directory (default: a fresh temporary directory)")
	f.StringVar(&incidentName, "incident", "", "incident of the example to publish (default: the example's own; see examples/NAME/incidents)")
	f.StringVar(&exampleName, "example", examples.Default, "example organisation to run (see --list-examples)")
	f.BoolVar(&listEx, "list-examples", false, "list the example organisations with their seed policies and exit")
	f.StringVar(&httpAddr, "http-addr", "127.0.0.1:0", "HTTP API address (port 0 picks a free one)")
	f.StringVar(&publicAddr, "public-addr", "127.0.0.1:0", "public announcement site address (port 0 picks a free one)")
	f.StringVar(&logLevel, "log-level", "warn", "service log level while the demo runs")
	f.BoolVar(&exit, "exit", false, "stop when the campaign is done")
	f.BoolVar(&keep, "keep", false, "keep the temporary data directory (outbox, drafts, static export) when the demo ends")
	f.DurationVar(&timeout, "timeout", 5*time.Minute, "give up when the campaign is not done by then")
	return cmd
}

type demoOptions struct {
	dataDir, incident, httpAddr, publicAddr, logLevel string
	exit                                              bool
	timeout                                           time.Duration
	example                                           string
	listExamples                                      bool
	keep                                              bool
}

func runDemo(ctx context.Context, out, errOut io.Writer, o demoOptions) error {
	if o.listExamples {
		return listExamples(out)
	}
	ex, incidentPath, err := demoExample(o.example, o.incident)
	if err != nil {
		return err
	}
	if o.dataDir == "" {
		if o.dataDir, err = os.MkdirTemp("", "breach-demo-"); err != nil {
			return err
		}
		// A temporary directory the demo made goes when it ends, unless
		// asked to stay.
		if !o.keep {
			dir := o.dataDir
			defer func() {
				if err := os.RemoveAll(dir); err == nil {
					fmt.Fprintf(out, "\nRemoved the demo's data directory %s (run with --keep to look at the outbox, the drafts and the static export).\n", dir)
				}
			}()
		}
	}
	exDir := filepath.Join(o.dataDir, "examples")
	if err := ex.WriteTo(exDir); err != nil {
		return fmt.Errorf("write examples: %w", err)
	}
	cfg := config.Default()
	cfg.DataDir = o.dataDir
	cfg.Inventory = filepath.Join(exDir, "inventory.yaml")
	cfg.NATS.Listen = "" // in-process only: the demo never collides with a running service
	cfg.HTTP.Addr = o.httpAddr
	// The public site's address is fixed before the start so that the
	// notices link to the real page of the announcement.
	if cfg.Public.Addr, err = resolvePort(o.publicAddr); err != nil {
		return usageError(fmt.Errorf("--public-addr: %w", err))
	}
	cfg.Public.BaseURL = "http://" + cfg.Public.Addr
	cfg.Campaign.AutoApprove = true
	cfg.Campaign.AutoAnnounce = true // demo only: publishes the public notice without an approver
	// The example incidents are in English only; until they carry
	// translations, the demo tells everyone in the incident's own words.
	cfg.Campaign.MaxUntranslated = -1
	cfg.Log.Level = o.logLevel
	if err := cfg.Validate(); err != nil {
		return usageError(err)
	}
	logger, err := logging.New(errOut, cfg.Log.Level, "text")
	if err != nil {
		return usageError(err)
	}
	raw, err := ex.ReadFile(incidentPath)
	if err != nil {
		return err
	}
	in, err := incident.Decode(raw)
	if err != nil {
		return fmt.Errorf("example %s %s: %w", ex.Name, incidentPath, err)
	}
	// An example set after today (a law not yet in force) runs on a clock
	// a couple of hours after its discovery: a service refuses incidents
	// discovered in the future.
	var opts app.Options
	if in.DiscoveredAt.After(time.Now()) {
		offset := in.DiscoveredAt.Add(2 * time.Hour).Sub(time.Now())
		opts.Now = func() time.Time { return time.Now().Add(offset) }
		fmt.Fprintf(out, "note: incident %s is discovered after today; the demo's clock runs from %s\n", in.ID, in.DiscoveredAt.Add(2*time.Hour).UTC().Format(time.RFC3339))
	}
	svc, err := app.Start(ctx, cfg, logger.WithField("service", "breach-demo"), opts)
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()

	fmt.Fprintf(out, "breach demo — example %s (%s, seed %s), data directory %s\n", ex.Name, ex.Organization, ex.Seed, o.dataDir)
	fmt.Fprintf(out, "Publishing example incident %s (%s) on NATS subject %s, as a detector would...\n",
		in.ID, in.Title, svc.Bus().Topics().IncidentSubmit())
	if _, err := natsbus.PublishIncident(ctx, svc.Bus().JetStream(), svc.Bus().Topics(), in, raw); err != nil {
		return err
	}
	waitCtx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	a, err := waitAssessed(waitCtx, svc.Store(), in.ID)
	if err != nil {
		return err
	}
	counts, err := waitCampaign(waitCtx, svc, in.ID, a)
	if err != nil {
		return err
	}
	notice, err := waitAnnounced(waitCtx, svc.Store(), in.ID, a)
	if err != nil {
		return err
	}
	printDemoSummary(out, svc, cfg, in, a, counts, notice != nil, o.exit, filepath.Join(exDir, filepath.FromSlash(incidentPath)))
	if err := writeDemoReports(ctx, out, filepath.Join(cfg.DataDir, "reports"), cfg.Inventory, in, counts, cfg.Public.PageURL(in.ID)); err != nil {
		return err
	}
	if o.exit {
		if notice != nil {
			exportDir := filepath.Join(cfg.DataDir, "public")
			pages, err := public.NewPages(announce.Org{Name: notice.Content().Org.Name, Website: notice.Content().Org.Website}, cfg.Public.BaseURL)
			if err != nil {
				return err
			}
			if _, err := announce.Export(exportDir, []*announce.Notice{notice}, pages); err != nil {
				return fmt.Errorf("export the public notice: %w", err)
			}
			fmt.Fprintf(out, "  public notice, static copy for any web host: %s\n", filepath.Join(exportDir, "index.html"))
		}
		stop()
		return <-done
	}
	fmt.Fprintf(out, "\nThe service keeps running (API http://%s, public site http://%s). Press Ctrl-C to stop.\n", svc.HTTPAddr(), svc.PublicAddr())
	select {
	case <-ctx.Done():
		stop()
		return <-done
	case err := <-done:
		return err
	}
}

func waitAssessed(ctx context.Context, st store.Store, id string) (*assess.Assessment, error) {
	for {
		doc, _, err := st.GetAssessment(ctx, id)
		if err == nil {
			var a assess.Assessment
			if err := json.Unmarshal(doc, &a); err != nil {
				return nil, err
			}
			return &a, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("incident %s not assessed in time: %w", id, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitCampaign waits until every notice of the incident is final; it
// returns at once when no law requires telling the people.
func waitCampaign(ctx context.Context, svc *app.Service, id string, a *assess.Assessment) (notify.Counts, error) {
	if !slices.ContainsFunc(a.Obligations, func(o regulators.Obligation) bool { return o.NotifyIndividuals }) {
		return nil, nil
	}
	// The ledger is complete only once the whole plan is in it: people
	// nobody can reach are booked before the rest of their batch, so wait
	// for the campaign.planned event first.
	subject := svc.Bus().Topics().Event(id, string(incident.EventCampaignPlanned))
	cons, err := svc.Bus().JetStream().OrderedConsumer(ctx, svc.Bus().Streams().Events, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	if _, err := cons.Next(jetstream.FetchMaxWait(max(time.Until(deadline), time.Second))); err != nil {
		return nil, fmt.Errorf("campaign of %s not planned in time: %w", id, err)
	}
	for {
		counts, err := svc.Store().Ledger().Counts(ctx, id)
		if err != nil {
			return nil, err
		}
		if counts.Complete() {
			return counts, nil
		}
		open, total := counts.Open()
		select {
		case <-ctx.Done():
			return counts, fmt.Errorf("campaign for %s not done in time (%d of %d notices still open): %w", id, open, total, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// resolvePort turns "host:0" into host and a free port, so the address is
// known before the service listens on it.
func resolvePort(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitAnnounced waits for the public notice the assessment requires
// (auto-announced in the demo) and returns it; nil when none is required.
func waitAnnounced(ctx context.Context, st store.Store, id string, a *assess.Assessment) (*announce.Notice, error) {
	if !a.PublicNotice.Required {
		return nil, nil
	}
	for {
		n, err := announce.Load(ctx, st, id)
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, announce.ErrNotFound) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("public notice of %s not published in time: %w", id, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func printDemoSummary(out io.Writer, svc *app.Service, cfg config.Config, in *incident.Incident, a *assess.Assessment, counts notify.Counts, announced, exited bool, incidentFile string) {
	fmt.Fprintf(out, "\n== Who is affected ==\n%d people (%d minors, %d without usable contact), %d records\n",
		a.Subjects.Total, a.Subjects.Minors, a.Subjects.WithoutContact, a.Records)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, j := range sortedKeys(a.Subjects.ByJurisdiction) {
		fmt.Fprintf(tw, "  %s\t%d\n", j, a.Subjects.ByJurisdiction[j])
	}
	tw.Flush()
	fmt.Fprintf(out, "Data involved: %s\n", strings.Join(a.Categories, ", "))
	fmt.Fprintf(out, "\n== How severe ==\nENISA SE %.2f (%s); risk %q\n", a.Severity.Score, a.Severity.Level, a.Risk)
	fmt.Fprintf(out, "\n== What each law requires ==\n")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  JURISDICTION\tPEOPLE\tREGULATOR\tBY\tTELL PEOPLE\tPUBLIC NOTICE")
	for _, ob := range a.Obligations {
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\n", ob.Jurisdiction, ob.Subjects, yesNoWord(ob.NotifyRegulator),
			deadlineWord(ob.RegulatorDeadline, ob.NotifyRegulator), yesNoWord(ob.NotifyIndividuals), yesNoWord(ob.PublicNotice))
	}
	tw.Flush()
	fmt.Fprintf(out, "\n== Notices ==\n")
	if counts == nil {
		fmt.Fprintln(out, "No law requires telling the people for this incident: no campaign.")
	} else {
		tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  CHANNEL\tSTATE\tCOUNT")
		for _, ch := range sortedKeys(counts) {
			for _, st := range notify.States {
				if n := counts[ch][st]; n > 0 {
					fmt.Fprintf(tw, "  %s\t%s\t%d\n", ch, st, n)
				}
			}
		}
		tw.Flush()
	}
	fmt.Fprintf(out, "\n== Where to look ==\n")
	fmt.Fprintf(out, "  outbox (OUTBOX MODE: nothing was sent): %s\n", filepath.Join(cfg.DataDir, "outbox"))
	fmt.Fprintf(out, "  ledger:     %s (SQLite)\n", filepath.Join(cfg.DataDir, "breach.db"))
	if announced {
		fmt.Fprintf(out, "  public notice (auto-announced, demo only): %s\n", cfg.Public.PageURL(in.ID))
	}
	fmt.Fprintf(out, "  API token:  %s (admin; `breach token create` makes named ones)\n", filepath.Join(cfg.DataDir, "admin.token"))
	fmt.Fprintf(out, "  report:     breach assess --inventory %s --incident %s --format text\n", cfg.Inventory, incidentFile)
	if exited {
		fmt.Fprintf(out, "  serve it again: breach serve --data-dir %s --inventory %s\n", cfg.DataDir, cfg.Inventory)
		return
	}
	fmt.Fprintf(out, "  while the demo serves: BREACH_DATA_DIR=%s breach incident show %s --server http://%s\n", cfg.DataDir, in.ID, svc.HTTPAddr())
	fmt.Fprintf(out, "                         BREACH_DATA_DIR=%s breach notices status %s --server http://%s\n", cfg.DataDir, in.ID, svc.HTTPAddr())
}

func yesNoWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func deadlineWord(t *time.Time, required bool) string {
	switch {
	case !required:
		return "-"
	case t == nil:
		return "no fixed time (see report)"
	}
	return t.UTC().Format("2006-01-02 15:04 MST")
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
