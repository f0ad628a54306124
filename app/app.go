// Package app wires breach's service together: configuration in, then the
// store, the message bus (embedded or external NATS), intake, the automatic
// assessment and the HTTP API, run until the context ends and then drained
// in reverse order. cmd/breach calls Run; tests run it in-process.
package app

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/intake"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/notify/queue"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/templates"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/public"
	"github.com/breach-notify/breach/workflow"
)

// Service is a running breach service.
type Service struct {
	cfg     config.Config
	log     *logrus.Entry
	now     func() time.Time
	store   store.Store
	bus     *natsbus.Bus
	inv     *inventory.Inventory
	intake  *intake.Intake
	flow    *workflow.Workflow
	chans   []*channel
	queues  []*natsbus.Runner
	stops   []*queue.Stopping
	workers []*notify.Worker
	metrics *serviceMetrics
	http    *web.Server
	httpLn  net.Listener
	extra   []web.Route // routes beyond the API's own (provider webhooks)
	tokens  *access.Manager
	audit   *audit.Log
	// rejections writes the audit entries of rejected notice jobs off the
	// delivery path.
	rejections *audit.Async
	key        []byte // the notice key: verification codes and lookups
	site       *public.Site
	siteLn     net.Listener
}

// startPublic opens the public announcement site on its own listener
// (public.addr; no API route, no token). Without an inventory there are
// no notices and no site.
func (s *Service) startPublic(cfg config.Config, log *logrus.Entry) error {
	if s.inv == nil || cfg.Public.Addr == "" {
		return nil
	}
	o := s.inv.Organization
	site, err := public.New(cfg.Public, public.Deps{Announcements: s.store, Verify: s.store, Affected: s.store,
		Resender: public.ResenderFunc(s.flow.Resend), Secret: s.key, Now: s.now, Log: log.WithField("component", "public"),
		Org: announce.Org{Name: o.Name, Website: o.Website, ContactName: o.Contact.Name, ContactEmail: o.Contact.Email, ContactPhone: o.Contact.Phone}})
	if err != nil {
		return fmt.Errorf("public site (config public): %w", err)
	}
	s.site = site
	if s.siteLn, err = net.Listen("tcp", cfg.Public.Addr); err != nil {
		return fmt.Errorf("public site: listen on %s (config public.addr): %w", cfg.Public.Addr, err)
	}
	return nil
}

// PublicAddr is the address the public site listens on, "" without one.
func (s *Service) PublicAddr() string {
	if s.siteLn == nil {
		return ""
	}
	return s.siteLn.Addr().String()
}

// startTrust opens the audit log and the token manager, creates the first
// admin token on a store that has none (and says where it is), records the
// configuration the service starts with, and returns the API's
// authenticator (with the legacy static token of http.api_token_file, when
// set, as the admin principal "api-token").
func (s *Service) startTrust(ctx context.Context, cfg config.Config, log *logrus.Entry) (access.Authenticator, error) {
	// The chain is keyed with a key derived from the notice key, which
	// every replica shares: each verifies the others' entries.
	akey, err := audit.DeriveKey(s.key)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	s.audit = audit.New(s.store, s.now).WithKey(akey)
	s.startRejectionAudit(log.WithField("component", "audit"))
	s.tokens = access.NewManager(s.store, s.audit, s.now)
	path, created, err := s.tokens.Bootstrap(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("first admin token: %w", err)
	}
	if created {
		log.WithField("file", path).Warn("created the first admin API token in this file (owner only): use it with --token or BREACH_API_TOKEN, and create named tokens with `breach token create`")
	}
	printed, err := cfg.YAML()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(printed)
	if _, err := s.audit.Append(ctx, audit.Event{Principal: access.System("serve").Name, Action: audit.ActionConfigLoaded,
		Details: map[string]string{"config_sha256": hex.EncodeToString(sum[:]), "store": cfg.Store.Driver}}); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	legacy, err := cfg.Secret("http.api_token_file")
	if err != nil {
		return nil, err
	}
	var auth access.Authenticator = s.tokens
	if legacy.IsSet() {
		log.Warn("http.api_token_file (BREACH_API_TOKEN) is a legacy admin token shared by every caller; prefer named tokens (breach token create)")
		auth = web.StaticToken{Token: legacy.Reveal(), Principal: access.Principal{Name: "api-token", Role: access.RoleAdmin}, Next: s.tokens}
	}
	return auth, nil
}

// auditStored records a new incident or revision in the audit chain.
// Intake has stored it already: a failed entry is logged, not retried.
func (s *Service) auditStored(in *incident.Incident, dup bool) {
	if dup || s.audit == nil {
		return
	}
	action := audit.ActionIncidentSubmitted
	if in.Revision > 1 {
		action = audit.ActionIncidentRevised
	}
	_, digest, err := store.EncodeIncident(in)
	if err == nil {
		_, err = s.audit.Append(context.Background(), audit.Event{Principal: "intake", Action: action, Object: "incident/" + in.ID,
			Details: map[string]any{"revision": in.Revision, "source": in.Source, "digest": digest}})
	}
	if err != nil {
		s.log.WithError(err).WithField("incident", in.ID).Error("audit entry of a stored incident not written")
	}
}

// twilioWebhook mounts POST /webhooks/twilio/status when SMS goes
// through Twilio and a status callback URL is configured: Twilio's
// delivery receipts move the ledger to delivered, or on to the person's
// next route. It carries no bearer token; the X-Twilio-Signature, checked
// with the auth token against the configured public URL, stands for it.
func (s *Service) twilioWebhook(cfg config.Config, ledger notify.Ledger, sink notify.Sink, log *logrus.Entry) error {
	sc := cfg.Channels.SMS
	if sc.AccountSID == "" || sc.StatusCallback == "" {
		return nil
	}
	token, err := cfg.Secret("channels.sms.auth_token_file")
	if err != nil {
		return err
	}
	h, err := queue.NewTwilioStatusHandler(token.Reveal(), sc.StatusCallback,
		notify.NewStatusRecorder(ledger, sink, log.WithField("component", "twilio-status"), s.now), log.WithField("component", "twilio-status"))
	if err != nil {
		return fmt.Errorf("config channels.sms.status_callback: %w", err)
	}
	s.extra = append(s.extra, web.Route{Pattern: "POST /webhooks/twilio/status", Decision: access.Public, Handler: h})
	return nil
}

// chooseDirectory decides, once, where the people come from: the
// directory imported into the store (`breach inventory import`) when it
// holds anyone, else the inventory's subjects file. The log says which.
func (s *Service) chooseDirectory(ctx context.Context, log *logrus.Entry) error {
	n, err := s.store.CountSubjects(ctx)
	if err != nil {
		return fmt.Errorf("store: count the imported directory: %w", err)
	}
	if n == 0 {
		log.WithField("directory", s.inv.SubjectsPath).Info("assessing against the inventory's subject directory file")
		return nil
	}
	st := s.store
	s.inv.Source = &inventory.Source{
		Name: fmt.Sprintf("the directory imported into the store (%d people)", n),
		Open: func(ctx context.Context) (inventory.SubjectReader, error) {
			return inventory.SeqReader(st.Subjects(ctx)), nil
		},
	}
	log.WithFields(logrus.Fields{"people": n, "file_ignored": s.inv.SubjectsPath}).
		Warn("assessing against the directory imported into the store (breach inventory import), not the inventory's subjects file")
	return nil
}

// splitList splits a comma-separated setting, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Options are what tests may change beyond the configuration.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Start opens everything the configuration asks for and starts serving.
// On error, what was opened is closed again.
func Start(ctx context.Context, cfg config.Config, log *logrus.Entry, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{cfg: cfg, log: log, now: opts.Now, metrics: newServiceMetrics()}
	if err := s.start(ctx, cfg, log); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// start opens, in order, what s needs; the caller closes s on error.
func (s *Service) start(ctx context.Context, cfg config.Config, log *logrus.Entry) (err error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	// One key signs notice jobs and codes and keys the audit chain and
	// device digests: read (or, on a service that shares nothing, made)
	// once, before anything is opened.
	if s.key, err = noticeKey(cfg, log); err != nil {
		return err
	}
	if cfg.Inventory != "" {
		if s.inv, err = inventory.Load(cfg.Inventory); err != nil {
			return fmt.Errorf("inventory: %w", err)
		}
	}
	if s.store, err = openStore(ctx, cfg, log); err != nil {
		return err
	}
	if s.inv != nil {
		if err := s.chooseDirectory(ctx, log); err != nil {
			return err
		}
	}
	if s.bus, err = natsbus.Start(ctx, busOptions(cfg), log.WithField("component", "nats")); err != nil {
		return fmt.Errorf("nats: %w", err)
	}
	if s.bus.Embedded() {
		log.WithField("nats_url", s.bus.ClientURL()).Info("embedded NATS JetStream running")
	}
	flow := workflow.Config{Store: s.store, Bus: s.bus, Inventory: s.inv, Now: s.now, Log: log, Registerer: s.metrics.reg,
		AutoApprove: cfg.Campaign.AutoApprove, NotifyAll: cfg.Campaign.NotifyAllAffected, MaxUntranslated: cfg.Campaign.MaxUntranslated,
		ApprovalsRequired: cfg.Campaign.ApprovalsRequired}
	if s.inv != nil {
		if err := s.startCampaigns(cfg, log, &flow); err != nil {
			return err
		}
	}
	if s.flow, err = workflow.New(flow); err != nil {
		return err
	}
	if err := s.startPublic(cfg, log); err != nil {
		return err
	}
	s.intake, err = intake.New(intake.Config{Workers: cfg.Intake.Workers, MaxDeliver: cfg.Intake.MaxDeliver, NakDelay: cfg.Intake.NakDelay, AckWait: cfg.Intake.AckWait, Now: s.now},
		s.bus, intakeStore{s.store}, intake.Hooks{OnStored: s.auditStored}, log.WithField("component", "intake"))
	if err != nil {
		return fmt.Errorf("intake: %w", err)
	}
	s.metrics.registerIntake(s.intake)
	auth, err := s.startTrust(ctx, cfg, log)
	if err != nil {
		return err
	}
	prefix := s.bus.Topics().Prefix
	if prefix == "" {
		prefix = natsbus.DefaultPrefix
	}
	deadLetters, err := deadletter.Open(ctx, s.bus.Conn(), s.bus.JetStream(), deadletter.Config{Stream: s.bus.Streams().Deadletter,
		Prefix: strings.TrimSuffix(prefix, "."), Shown: "the service's NATS"})
	if err != nil {
		return fmt.Errorf("dead letters: %w", err)
	}
	tlsOn := cfg.HTTP.TLS.CertFile != "" || cfg.HTTP.TLS.KeyFile != ""
	if !tlsOn && !config.LoopbackAddr(cfg.HTTP.Addr) {
		// Tokens and the victims' data must not cross a network in clear.
		return fmt.Errorf("config http.addr: %q is not a loopback address; set http.tls.cert_file and http.tls.key_file to serve the API beyond this machine", cfg.HTTP.Addr)
	}
	s.http = web.NewServer(web.Config{Addr: cfg.HTTP.Addr, Hosts: splitList(cfg.HTTP.Hosts), MetricsPublic: cfg.HTTP.MetricsPublic, Now: s.now,
		MaxBodyBytes: int64(cfg.Intake.MaxMessageBytes)}, web.Deps{
		Incidents:     webIncidents{s: s.store, approvalsRequired: cfg.Campaign.ApprovalsRequired},
		Publisher:     busPublisher{s.bus},
		Registry:      s.metrics.reg,
		Campaigns:     s.webCampaigns(),
		Readiness:     s.readiness(),
		Auth:          auth,
		Audit:         s.audit,
		Announcements: s.webAnnouncements(),
		Plans:         s.webPlans(),
		Extra:         s.extra,
		Checker:       s.webChecker(),
		Failures:      s,
		Reports:       s.webReports(),
		DeadLetters:   deadLetters,
	}, log.WithField("component", "http"))
	if tlsOn {
		if err := s.http.UseTLS(cfg.HTTP.TLS.CertFile, cfg.HTTP.TLS.KeyFile); err != nil {
			return fmt.Errorf("config http.tls: %w", err)
		}
	}
	if s.httpLn, err = net.Listen("tcp", cfg.HTTP.Addr); err != nil {
		return fmt.Errorf("http: listen on %s (config http.addr): %w", cfg.HTTP.Addr, err)
	}
	return nil
}

// Run serves until ctx ends, then drains intake and the assessment and
// closes everything.
func (s *Service) Run(ctx context.Context) error {
	defer s.close()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 8+len(s.queues))
	wg.Add(3)
	go func() {
		defer wg.Done()
		s.rejections.Run(runCtx, 5*time.Second)
	}()
	go func() {
		defer wg.Done()
		if err := s.intake.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			errc <- fmt.Errorf("intake: %w", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := s.flow.Run(runCtx); err != nil {
			errc <- fmt.Errorf("workflow: %w", err)
		}
	}()
	for i, q := range s.queues {
		wg.Add(1)
		stop := context.AfterFunc(runCtx, s.stops[i].Stop)
		go func() {
			defer wg.Done()
			defer stop()
			if err := q.Run(runCtx); err != nil {
				errc <- fmt.Errorf("%s: %w", q.Name(), err)
			}
		}()
	}
	if s.site != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.site.Serve(runCtx, s.siteLn); err != nil {
				errc <- fmt.Errorf("public site: %w", err)
			}
		}()
		s.log.WithField("public", "http://"+s.siteLn.Addr().String()).Info("public announcement site is serving")
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.http.Serve(s.httpLn); err != nil {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()
	s.log.WithFields(logrus.Fields{"http": "http://" + s.httpLn.Addr().String(), "data_dir": s.cfg.DataDir}).Info("breach is serving")
	var err error
	select {
	case <-ctx.Done():
		s.log.Info("stopping: draining intake and the assessment")
	case err = <-errc:
		s.log.WithError(err).Error("stopping after an error")
	}
	cancel()
	shutCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer done()
	if herr := s.http.Shutdown(shutCtx); herr != nil {
		s.log.WithError(herr).Warn("http shutdown")
	}
	wg.Wait()
	// The notice workers publish their events in the background: let
	// them finish before the bus closes.
	for _, w := range s.workers {
		if werr := w.WaitEvents(shutCtx); werr != nil {
			s.log.WithError(werr).Warn("stopping")
		}
	}
	return err
}

// eventWindow is how many lifecycle events each notice worker publishes
// in the background (notify.WorkerConfig.EventWindow).
const eventWindow = 256

// HTTPAddr is the address the API listens on.
func (s *Service) HTTPAddr() string { return s.httpLn.Addr().String() }

// Bus is the service's message bus.
func (s *Service) Bus() *natsbus.Bus { return s.bus }

// Store is the service's store.
func (s *Service) Store() store.Store { return s.store }

// Close releases what Start opened, for a service that will not Run.
func (s *Service) Close() {
	if s.httpLn != nil {
		_ = s.httpLn.Close()
	}
	if s.siteLn != nil {
		_ = s.siteLn.Close()
	}
	if s.site != nil {
		s.site.Close()
	}
	s.close()
}

func (s *Service) close() {
	for _, c := range s.chans {
		if err := c.close(); err != nil {
			s.log.WithError(err).WithField("channel", string(c.name)).Warn("close channel")
		}
	}
	s.chans = nil
	if s.bus != nil {
		s.bus.Close()
	}
	if s.store != nil {
		if err := s.store.Close(); err != nil {
			s.log.WithError(err).Warn("close store")
		}
	}
}

func openStore(ctx context.Context, cfg config.Config, log *logrus.Entry) (store.Store, error) {
	opts := store.Options{Driver: cfg.Store.Driver, Path: filepath.Join(cfg.DataDir, "breach.db"), Log: log.WithField("component", "store")}
	if cfg.Store.Driver != store.DriverPostgres {
		// The database holds the subject directory and the ledger: owner
		// only (SQLite gives its -wal and -shm files the same mode).
		f, err := os.OpenFile(opts.Path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		_ = f.Close()
	}
	if cfg.Store.Driver == store.DriverPostgres {
		dsn, err := cfg.Secret("store.dsn_file")
		if err != nil {
			return nil, err
		}
		opts.DSN = dsn.Reveal()
	}
	s, err := store.Open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return s, nil
}

func busOptions(cfg config.Config) natsbus.Options {
	n := cfg.NATS
	return natsbus.Options{
		URL: n.URL, Listen: n.Listen, StoreDir: filepath.Join(cfg.DataDir, "nats"),
		CredsFile: n.CredsFile, NKeySeedFile: n.NKeySeedFile,
		TLSCAFile: n.TLS.CAFile, TLSCertFile: n.TLS.CertFile, TLSKeyFile: n.TLS.KeyFile,
		Name: "breach", Prefix: n.Prefix, Replicas: n.Replicas, DuplicateWindow: n.DuplicateWindow, NoticeDuplicateWindow: n.NoticeDuplicateWindow,
		Streams:          natsbus.StreamNames{Incidents: n.Streams.Incidents, Notices: n.Streams.Notices, Deadletter: n.Streams.Deadletter, Events: n.Streams.Events},
		DeadletterMaxAge: n.DeadletterMaxAge, DeadletterMaxBytes: n.DeadletterMaxBytes,
		EventsMaxAge: n.EventsMaxAge, EventsMaxBytes: n.EventsMaxBytes,
		IncidentMaxBytes: int32(cfg.Intake.MaxMessageBytes),
	}
}

// startCampaigns wires the notice campaign: templates, the notice key, the
// composer, the planner over the ledger and the NOTICES queue, and one
// worker and consumer per channel.
func (s *Service) startCampaigns(cfg config.Config, log *logrus.Entry, flow *workflow.Config) error {
	set, err := templates.Load(templates.Options{OverrideDir: cfg.Campaign.TemplatesDir})
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	key := s.key
	comp, err := compose.New(compose.Config{Templates: set, Inventory: s.inv, Secret: key, AnnouncementURL: cfg.Campaign.AnnouncementURL,
		AnnouncementURLFor: cfg.Public.PageURL, Now: s.now}, compose.IncidentsFunc(s.incidentRevision))
	if err != nil {
		return err
	}
	policy, err := cfg.Campaign.Policy()
	if err != nil {
		return err
	}
	base := s.store.Ledger()
	// Every notice's code goes into the public site's verification index
	// as the notice is planned, in the transaction that plans it, by the
	// planner and by whatever plans a person's next route (a worker, a
	// provider's status report): a ledger that cannot is refused here, at
	// start, not at the first campaign.
	if _, ok := base.(announce.IndexedPlanner); !ok {
		return fmt.Errorf("campaigns: the store's ledger (%T) cannot index verification codes", base)
	}
	ledger := announce.Indexing(base, key)
	tickets, err := notify.NewTickets(key)
	if err != nil {
		return err
	}
	sink := s.metrics.countNotices(queue.NewSink(s.bus, queue.WithTickets(tickets)))
	rejected := s.metrics.noticesRejected()
	if err := s.twilioWebhook(cfg, ledger, sink, log); err != nil {
		return err
	}
	clog := log.WithField("component", "campaign")
	flow.Composer = comp
	flow.Planner = &notify.Planner{Policy: policy, Ledger: ledger,
		Sink: sink, Render: comp, Now: s.now}
	pageURL := func(id string) string {
		if u := cfg.Public.PageURL(id); u != "" {
			return u
		}
		return cmp.Or(cfg.Campaign.AnnouncementURL, s.inv.Organization.Website)
	}
	flow.Announce = &workflow.AnnounceConfig{
		Service: &announce.Service{Store: s.store, Now: s.now, Log: log.WithField("component", "announce"),
			Builder: &announce.Builder{Templates: set, Inventory: s.inv, PageURL: pageURL, Now: s.now}},
		Secret: key, Auto: cfg.Campaign.AutoAnnounce, UnreachableThreshold: cfg.Campaign.PublicNoticeUnreachable, PageURL: pageURL}
	// A push device a push service reports gone is recorded, by a keyed
	// digest, so that later campaigns on every replica skip it.
	flow.DeviceKey = key
	cfg.Channels.Push.OnDeviceGone = goneDeviceRecorder(s.store, key, s.now)
	if s.chans, err = buildChannels(cfg, clog); err != nil {
		return err
	}
	// With a real provider on some channel, the outbox must not stand in
	// for the others: a letter "sent" to a file would be recorded as proof
	// of notice although nothing was posted. In the all-outbox default
	// (demo, trial) every channel stays on, loudly.
	real := slices.ContainsFunc(s.chans, func(c *channel) bool { return !c.outbox })
	if real && !cfg.Campaign.OutboxFallback {
		for _, ch := range s.chans {
			if ch.outbox {
				flow.Planner.Policy.Disabled = append(flow.Planner.Policy.Disabled, ch.name)
				clog.WithField("channel", string(ch.name)).Warn("channel has no provider and is left out of campaigns (campaign.outbox_fallback: true keeps it in the outbox)")
			}
		}
	}
	for _, ch := range s.chans {
		w := notify.NewWorker(notify.WorkerConfig{Channel: ch.name, MaxDeliver: cfg.Campaign.MaxAttempts, GiveUpAfter: cfg.Campaign.GiveUpAfter, Limiter: ch.limiter,
			Outbox: ch.outbox, Tickets: tickets, Rejected: rejected, OnRejected: s.auditRejection(ch.name), EventWindow: eventWindow},
			ch.notifier, ledger, comp, sink, clog, s.now)
		s.workers = append(s.workers, w)
		// JetStream's MaxDeliver is only a backstop: it must stay above
		// campaign.max_attempts, or the server stops redelivering before
		// the worker gives up and the notice is stuck in failed_temporary,
		// with no fallback.
		cc := queue.ConsumerConfig{Channel: ch.name, Concurrency: ch.concurrency(), MaxDeliver: 2 * cfg.Campaign.MaxAttempts}
		q, stop, err := queue.NewConsumer(s.bus, cc, w, log.WithField("component", "notify"))
		if err != nil {
			return err
		}
		s.queues, s.stops = append(s.queues, q), append(s.stops, stop)
	}
	return nil
}

// incidentRevision reads one stored revision of an incident.
func (s *Service) incidentRevision(ctx context.Context, id string, revision int) (*incident.Incident, error) {
	revs, err := s.store.IncidentRevisions(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		if r.Revision == revision {
			return incident.Decode(r.Doc)
		}
	}
	return nil, fmt.Errorf("incident %s revision %d: %w", id, revision, store.ErrNotFound)
}

// Approve records by's approval of the campaign of an assessed incident;
// the campaign starts once campaign.approvals_required distinct principals
// approved it.
func (s *Service) Approve(ctx context.Context, id, by string) (workflow.Approval, error) {
	return s.flow.Approve(ctx, id, by)
}

// webCampaigns is nil (routes answer 503) when there is no inventory and so
// no campaign.
func (s *Service) webCampaigns() web.Campaigns {
	if !s.flow.Campaigns() {
		return nil
	}
	return webCampaigns{s}
}

// webPlans is nil (the route answers 503) without campaigns.
func (s *Service) webPlans() web.Plans {
	if !s.flow.Campaigns() {
		return nil
	}
	return webPlans{s}
}

// webChecker is nil without an inventory: nothing to check against.
func (s *Service) webChecker() web.SubmissionChecker {
	if s.inv == nil {
		return nil
	}
	return webChecker{s.inv}
}

// webAnnouncements is nil (routes answer 503) without an inventory.
func (s *Service) webAnnouncements() web.Announcements {
	if !s.flow.Campaigns() {
		return nil
	}
	return webAnnouncements{s}
}

// readiness lists what /readyz checks: NATS with its streams, the store,
// and every consumer (a deleted or paused consumer is named).
func (s *Service) readiness() []web.Check {
	checks := []web.Check{
		{Name: "nats", Run: s.bus.Ready},
		{Name: "nats writes", Run: s.bus.WriteHealth},
		{Name: "store", Run: s.store.Ping},
		{Name: "consumer intake", Run: s.intake.Health},
	}
	runners := append(s.flow.Runners(), s.queues...)
	for _, r := range runners {
		checks = append(checks, web.Check{Name: "consumer " + r.Name(), Run: r.Health})
	}
	return checks
}
