package natsbus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/netaddr"
)

// DefaultListen is the loopback address the embedded server of the default
// deployment listens on, so the nats CLI and other local processes can reach
// it. Options.Listen is not defaulted to it: the zero value means in-process
// only, and the command line passes DefaultListen explicitly.
const DefaultListen = "127.0.0.1:4223"

// DefaultDuplicateWindow is how long JetStream remembers a Nats-Msg-Id when
// Options.DuplicateWindow is zero.
const DefaultDuplicateWindow = time.Hour

// minDuplicateWindow is the shortest de-duplication window JetStream
// accepts.
const minDuplicateWindow = 100 * time.Millisecond

// DefaultMaxPayload is the largest message the embedded server accepts.
// The streams' own limits are lower: INCIDENTS refuses a message above
// Options.IncidentMaxBytes to its publisher, with an error naming the
// maximum.
const DefaultMaxPayload = 8 << 20

// Retention defaults of the DEADLETTER and EVENTS streams, and the default
// largest incident message. When a stream reaches its size, its oldest
// messages are dropped.
const (
	DefaultDeadletterMaxAge   = 30 * 24 * time.Hour
	DefaultDeadletterMaxBytes = 1 << 30
	DefaultEventsMaxAge       = 90 * 24 * time.Hour
	DefaultEventsMaxBytes     = 1 << 30
	DefaultIncidentMaxBytes   = 1 << 20
)

// deadletterHeadroom is what a dead letter may carry beyond the largest
// incident: the Breach-* headers with the reason.
const deadletterHeadroom = 64 << 10

// StreamNames are the names of the four streams. An empty field
// takes the default (StreamIncidents, StreamNotices, ...).
type StreamNames struct {
	Incidents  string
	Notices    string
	Deadletter string
	Events     string
}

func (n StreamNames) withDefaults() StreamNames {
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	return StreamNames{
		Incidents:  def(n.Incidents, StreamIncidents),
		Notices:    def(n.Notices, StreamNotices),
		Deadletter: def(n.Deadletter, StreamDeadletter),
		Events:     def(n.Events, StreamEvents),
	}
}

// Options say whether to run an embedded server or connect to a cluster, and
// how the streams are named and configured.
type Options struct {
	// URL is a comma-separated list of cluster URLs. Empty runs an embedded
	// server with JetStream.
	URL string
	// Listen is the loopback host:port the embedded server listens on
	// (DefaultListen in the default deployment; port 0 picks a free one).
	// Empty keeps the embedded server in-process only.
	Listen string
	// StoreDir is where the embedded server keeps its JetStream files
	// (under StoreDir/jetstream). Required when URL is empty.
	StoreDir string
	// CredsFile is a NATS credentials file (JWT + seed) for a cluster.
	CredsFile string
	// NKeySeedFile is a file holding an NKey user seed for a cluster.
	NKeySeedFile string
	// TLSCAFile is a PEM file of CAs that sign the cluster's certificates.
	TLSCAFile string
	// TLSCertFile and TLSKeyFile are a PEM client certificate and key for
	// mutual TLS; set both or neither.
	TLSCertFile string
	TLSKeyFile  string
	// Name is the connection name shown by the server ("breach" if empty).
	Name string
	// Prefix is the subject prefix (DefaultPrefix if empty).
	Prefix string
	// Replicas is the stream replication factor on a cluster (1 if zero);
	// the embedded server always uses 1.
	Replicas int
	// DuplicateWindow is the de-duplication window of the INCIDENTS,
	// DEADLETTER and EVENTS streams (DefaultDuplicateWindow if zero).
	DuplicateWindow time.Duration
	// NoticeDuplicateWindow is the NOTICES stream's de-duplication window
	// (DuplicateWindow if zero). JetStream keeps every message id of the
	// window in the server's memory, about 170 bytes each: a campaign of a
	// million notices holds some 170 MB until the window has passed, and
	// while it is published the heap peaks near twice that. A window of
	// seconds keeps that small, but then a notice published again later (a
	// campaign re-planned at start) is queued twice, and only the ledger
	// stops a second send.
	NoticeDuplicateWindow time.Duration
	// MaxPayload is the embedded server's largest message in bytes
	// (DefaultMaxPayload if zero). A cluster's limit is its own.
	MaxPayload int32
	// Streams names the streams; empty fields take the defaults.
	Streams StreamNames
	// Now is the clock (time.Now), e.g. for when a replaced credential is
	// revoked.
	Now func() time.Time
	// DeadletterMaxAge and DeadletterMaxBytes bound what DEADLETTER keeps
	// (DefaultDeadletterMaxAge, DefaultDeadletterMaxBytes if zero): dead
	// letters can hold personal data.
	DeadletterMaxAge   time.Duration
	DeadletterMaxBytes int64
	// EventsMaxAge and EventsMaxBytes bound what EVENTS keeps
	// (DefaultEventsMaxAge, DefaultEventsMaxBytes if zero).
	EventsMaxAge   time.Duration
	EventsMaxBytes int64
	// IncidentMaxBytes is the largest message INCIDENTS stores
	// (DefaultIncidentMaxBytes if zero); a larger one is refused to its
	// publisher. DEADLETTER takes this plus room for the reason.
	IncidentMaxBytes int32
}

// withRetention fills in the retention defaults and checks them.
func (o *Options) withRetention() error {
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"dead-letter max age", &o.DeadletterMaxAge, DefaultDeadletterMaxAge}, {"events max age", &o.EventsMaxAge, DefaultEventsMaxAge}} {
		if *d.v < 0 {
			return fmt.Errorf("%s %s is negative", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	for _, n := range []struct {
		name string
		v    *int64
		def  int64
	}{{"dead-letter max bytes", &o.DeadletterMaxBytes, DefaultDeadletterMaxBytes}, {"events max bytes", &o.EventsMaxBytes, DefaultEventsMaxBytes}} {
		if *n.v < 0 {
			return fmt.Errorf("%s %d is negative", n.name, *n.v)
		}
		if *n.v == 0 {
			*n.v = n.def
		}
	}
	for _, a := range []struct {
		name string
		age  time.Duration
	}{{"dead-letter max age", o.DeadletterMaxAge}, {"events max age", o.EventsMaxAge}} {
		if a.age < o.DuplicateWindow {
			return fmt.Errorf("%s %s is shorter than the duplicate window %s", a.name, a.age, o.DuplicateWindow)
		}
	}
	if o.IncidentMaxBytes < 0 {
		return fmt.Errorf("incident max bytes %d is negative", o.IncidentMaxBytes)
	}
	if o.IncidentMaxBytes == 0 {
		o.IncidentMaxBytes = DefaultIncidentMaxBytes
	}
	return nil
}

// Bus is a connection to NATS JetStream with the four streams in
// place, plus the embedded server when there is one.
type Bus struct {
	opts      Options
	srv       *server.Server
	nc        *nats.Conn
	js        jetstream.JetStream
	subjects  Topics
	streams   StreamNames
	clientURL string
	log       *logrus.Entry
	closed    chan struct{}
	closeOnce sync.Once
	writes    writeState
}

// Start runs an embedded server (no URL) or connects to the cluster in
// opts.URL, then creates or updates the four streams. Calling it again with
// the same options is harmless: existing streams and their messages stay.
func Start(ctx context.Context, opts Options, log *logrus.Entry) (*Bus, error) {
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = logrus.NewEntry(l)
	}
	if opts.Name == "" {
		opts.Name = "breach"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DuplicateWindow < 0 {
		return nil, fmt.Errorf("start nats: duplicate window %s is negative", opts.DuplicateWindow)
	}
	if opts.DuplicateWindow == 0 {
		opts.DuplicateWindow = DefaultDuplicateWindow
	}
	if opts.NoticeDuplicateWindow < 0 {
		return nil, fmt.Errorf("start nats: notice duplicate window %s is negative", opts.NoticeDuplicateWindow)
	}
	if opts.NoticeDuplicateWindow == 0 {
		opts.NoticeDuplicateWindow = opts.DuplicateWindow
	}
	if w := min(opts.DuplicateWindow, opts.NoticeDuplicateWindow); w < minDuplicateWindow {
		return nil, fmt.Errorf("start nats: duplicate window %s is shorter than the %s JetStream accepts", w, minDuplicateWindow)
	}
	if opts.Replicas < 0 {
		return nil, fmt.Errorf("start nats: replicas %d is negative", opts.Replicas)
	}
	if opts.Replicas == 0 {
		opts.Replicas = 1
	}
	if err := validPrefix(opts.Prefix); err != nil {
		return nil, fmt.Errorf("start nats: %w", err)
	}
	if err := opts.withRetention(); err != nil {
		return nil, fmt.Errorf("start nats: %w", err)
	}
	b := &Bus{
		opts:     opts,
		subjects: Topics{Prefix: opts.Prefix},
		streams:  opts.Streams.withDefaults(),
		log:      log.WithField("component", "natsbus"),
		closed:   make(chan struct{}),
	}
	b.writes.key = b.probeSubject
	var err error
	if opts.URL == "" {
		err = b.startEmbedded()
	} else {
		err = b.connect()
	}
	if err != nil {
		b.shutdownServer()
		return nil, err
	}
	js, err := jetstream.New(b.nc, jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, m *nats.Msg, err error) {
		b.writes.record(m.Subject, err)
	}))
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("start nats: jetstream: %w", err)
	}
	b.js = recordingJS{JetStream: js, w: &b.writes}
	if err := b.ensureStreams(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *Bus) startEmbedded() error {
	o := b.opts
	if o.StoreDir == "" {
		return errors.New("start embedded nats: no store directory (the JetStream files would land in the system temp directory)")
	}
	if o.CredsFile != "" || o.NKeySeedFile != "" || o.TLSCAFile != "" || o.TLSCertFile != "" || o.TLSKeyFile != "" {
		return errors.New("start embedded nats: credentials and TLS files apply only to a cluster URL")
	}
	maxPayload := o.MaxPayload
	if maxPayload == 0 {
		maxPayload = DefaultMaxPayload
	}
	if maxPayload < 0 {
		return fmt.Errorf("start embedded nats: max payload %d is negative", maxPayload)
	}
	// A dead letter of the largest incident must fit.
	maxPayload = max(maxPayload, o.IncidentMaxBytes+deadletterHeadroom)
	if err := os.MkdirAll(o.StoreDir, 0o700); err != nil {
		return fmt.Errorf("start embedded nats: %w", err)
	}
	tr, err := loadTrust(o.StoreDir)
	if err != nil {
		return fmt.Errorf("start embedded nats: %w", err)
	}
	if err := migrateGlobalAccount(o.StoreDir, tr.accountName()); err != nil {
		return fmt.Errorf("start embedded nats: %w", err)
	}
	if err := tr.writeRoleCreds(o.StoreDir, b.subjects, b.streams, o.Now()); err != nil {
		return fmt.Errorf("start embedded nats: credentials: %w", err)
	}
	serviceAuth, err := tr.serviceAuth()
	if err != nil {
		return fmt.Errorf("start embedded nats: %w", err)
	}
	sopts := &server.Options{
		ServerName:         "breach-embedded",
		JetStream:          true,
		StoreDir:           o.StoreDir,
		NoSigs:             true,
		MaxPayload:         maxPayload,
		JetStreamMaxStore:  10 << 30,
		JetStreamMaxMemory: 256 << 20,
	}
	if err := tr.serverOptions(sopts); err != nil {
		return fmt.Errorf("start embedded nats: %w", err)
	}
	if o.Listen == "" {
		sopts.DontListen = true
	} else {
		host, port, err := loopbackHostPort(o.Listen)
		if err != nil {
			return fmt.Errorf("start embedded nats: listen %q: %w", o.Listen, err)
		}
		sopts.Host, sopts.Port = host, port
		if port == 0 {
			sopts.Port = server.RANDOM_PORT
		}
	}
	srv, err := server.NewServer(sopts)
	if err != nil {
		return fmt.Errorf("start embedded nats: %w", err)
	}
	// The server's warnings and errors (a full store, a corrupt block)
	// reach the service log; its notices are debug-level chatter.
	srv.SetLoggerV2(serverLog{b.log.WithField("component", "nats-server")}, false, false, false)
	b.srv = srv
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		return errors.New("start embedded nats: server not ready after 10s (is the listen address in use?)")
	}
	if !sopts.DontListen {
		b.clientURL = srv.ClientURL()
	}
	nc, err := nats.Connect("", append(b.commonConnOpts(), nats.InProcessServer(srv), serviceAuth)...)
	if err != nil {
		return fmt.Errorf("connect to embedded nats: %w", err)
	}
	b.nc = nc
	b.log.WithFields(logrus.Fields{"store_dir": o.StoreDir, "listen": b.clientURL,
		"detector_creds": CredsPath(o.StoreDir, RoleDetector), "operator_creds": CredsPath(o.StoreDir, RoleOperator)}).
		Info("embedded NATS JetStream server started; clients need a credential (`breach nats creds detector|operator`)")
	return nil
}

func (b *Bus) connect() error {
	o := b.opts
	opts := append(b.commonConnOpts(),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(2*time.Second),
		nats.Timeout(5*time.Second),
	)
	secOpts, err := b.securityOptions()
	if err != nil {
		return fmt.Errorf("connect to nats: %w", err)
	}
	opts = append(opts, secOpts...)
	nc, err := nats.Connect(o.URL, opts...)
	if err != nil {
		// The URL may carry a user and password; name only the servers' count.
		return fmt.Errorf("connect to nats (%d server URLs): %w%s", len(splitURLs(o.URL)), err, connectHint(o, err))
	}
	b.nc = nc
	b.log.WithField("server", nc.ConnectedServerName()).Info("connected to NATS")
	b.warnIfOverPermitted()
	return nil
}

// permissionProbe starts the subject warnIfOverPermitted subscribes to: one
// outside everything the service needs.
const permissionProbe = "breach-permission-probe"

// warnIfOverPermitted subscribes to a subject outside the service's prefix
// and inbox; when the server allows it, the user can read other tenants'
// traffic and a warning says what to grant instead. One round trip.
func (b *Bus) warnIfOverPermitted() {
	sub, err := b.nc.SubscribeSync(permissionProbe + "." + nats.NewInbox()[len(nats.InboxPrefix):])
	if err != nil {
		return
	}
	defer sub.Unsubscribe()
	if err := b.nc.FlushTimeout(5 * time.Second); err != nil {
		return
	}
	if last := b.nc.LastError(); last != nil && strings.Contains(last.Error(), permissionProbe) {
		return
	}
	b.log.Warn("the NATS user may subscribe beyond the service's prefix and inbox, so a leaked service credential reads other traffic; grant only what `breach nats permissions --role service` prints")
}

func (b *Bus) commonConnOpts() []nats.Option {
	log := b.log
	return []nats.Option{
		nats.Name(b.opts.Name),
		nats.CustomInboxPrefix(ServiceInboxPrefix),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.WithError(err).Warn("NATS connection lost")
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.WithField("server", nc.ConnectedServerName()).Info("NATS connection restored")
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			if strings.Contains(err.Error(), permissionProbe) {
				return // the refusal warnIfOverPermitted hopes for
			}
			e := log.WithError(err)
			if sub != nil {
				e = e.WithField("subject", sub.Subject)
			}
			e.Warn("NATS asynchronous error")
		}),
		nats.ClosedHandler(func(*nats.Conn) { b.closeOnceSignal() }),
	}
}

func (b *Bus) closeOnceSignal() {
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
}

// StreamConfigs returns the configuration Start applies to each stream.
func (b *Bus) StreamConfigs() []jetstream.StreamConfig {
	replicas := b.opts.Replicas
	if b.srv != nil {
		replicas = 1
	}
	dup := b.opts.DuplicateWindow
	mk := func(name, subject, what string, retention jetstream.RetentionPolicy, dup time.Duration) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name:        name,
			Description: what,
			Subjects:    []string{subject},
			Retention:   retention,
			Storage:     jetstream.FileStorage,
			Replicas:    replicas,
			Duplicates:  dup,
			Discard:     jetstream.DiscardOld,
		}
	}
	s := b.subjects
	o := b.opts
	incidents := mk(b.streams.Incidents, s.AllIncidents(), "breach incidents and revisions", jetstream.LimitsPolicy, dup)
	incidents.MaxMsgSize = o.IncidentMaxBytes
	deadletter := mk(b.streams.Deadletter, s.allDeadletter(), "breach messages rejected by a stage, reason in Breach-Error", jetstream.LimitsPolicy, dup)
	deadletter.MaxAge, deadletter.MaxBytes = o.DeadletterMaxAge, o.DeadletterMaxBytes
	deadletter.MaxMsgSize = o.IncidentMaxBytes + deadletterHeadroom
	events := mk(b.streams.Events, s.allEvents(), "breach incident lifecycle events", jetstream.LimitsPolicy, dup)
	events.MaxAge, events.MaxBytes = o.EventsMaxAge, o.EventsMaxBytes
	return []jetstream.StreamConfig{
		incidents,
		mk(b.streams.Notices, s.allNotices(), "breach notices to send, one per person, channel and version", jetstream.WorkQueuePolicy, b.opts.NoticeDuplicateWindow),
		deadletter,
		events,
	}
}

func (b *Bus) ensureStreams(ctx context.Context) error {
	for _, cfg := range b.StreamConfigs() {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		_, err := b.js.CreateOrUpdateStream(cctx, cfg)
		cancel()
		if err != nil {
			return fmt.Errorf("create or update stream %s (%s): %w", cfg.Name, cfg.Subjects[0], err)
		}
	}
	return nil
}

// Conn is the underlying NATS connection.
func (b *Bus) Conn() *nats.Conn { return b.nc }

// JetStream is the JetStream context of the connection.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// Topics builds the NATS subject names under the configured prefix.
func (b *Bus) Topics() Topics { return b.subjects }

// Streams are the stream names in use, defaults filled in.
func (b *Bus) Streams() StreamNames { return b.streams }

// ClientURL is the URL other processes use to reach the embedded server, or
// "" when it listens in-process only or the bus is connected to a cluster.
func (b *Bus) ClientURL() string { return b.clientURL }

// Embedded reports whether the bus runs its own server.
func (b *Bus) Embedded() bool { return b.srv != nil }

// Ready reports whether the connection is up and every stream answers.
func (b *Bus) Ready(ctx context.Context) error {
	if st := b.nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("nats connection is %s", st)
	}
	for _, name := range []string{b.streams.Incidents, b.streams.Notices, b.streams.Deadletter, b.streams.Events} {
		if _, err := b.js.Stream(ctx, name); err != nil {
			return fmt.Errorf("stream %s: %w", name, err)
		}
	}
	return nil
}

// Close drains the connection (pending publishes and subscriptions finish),
// then shuts the embedded server down and waits for it. It is safe to call
// more than once.
func (b *Bus) Close() {
	b.closeOnce.Do(func() {
		if b.nc != nil {
			if err := b.nc.Drain(); err != nil {
				b.nc.Close()
			}
			select {
			case <-b.closed:
			case <-time.After(30 * time.Second):
				b.log.Warn("NATS connection drain did not finish in 30s; closing")
				b.nc.Close()
			}
		}
		b.shutdownServer()
	})
}

func (b *Bus) shutdownServer() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
}

// loopbackHostPort splits a listen address and insists the host is a
// loopback address: the embedded server is for this machine only.
func loopbackHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("port %q is not a number from 0 to 65535", p)
	}
	if !netaddr.IsLoopback(host) {
		return "", 0, fmt.Errorf("host %q is not a loopback address (the embedded server is for this machine only; use a cluster URL beyond it)", host)
	}
	if _, err := netip.ParseAddr(host); err != nil {
		return "127.0.0.1", port, nil // localhost
	}
	return host, port, nil
}

// serverLog routes the embedded nats-server's log to logrus.
type serverLog struct{ e *logrus.Entry }

func (l serverLog) Noticef(format string, v ...any) { l.e.Debugf(format, v...) }
func (l serverLog) Warnf(format string, v ...any)   { l.e.Warnf(format, v...) }
func (l serverLog) Fatalf(format string, v ...any)  { l.e.Errorf(format, v...) }
func (l serverLog) Errorf(format string, v ...any)  { l.e.Errorf(format, v...) }
func (l serverLog) Debugf(format string, v ...any)  { l.e.Debugf(format, v...) }
func (l serverLog) Tracef(format string, v ...any)  { l.e.Tracef(format, v...) }
