package benche2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/notify/queue"
	"github.com/breach-notify/breach/store"
)

// embeddedBus starts the service's embedded NATS server with the service's
// default stream settings, its files under dir.
func embeddedBus(ctx context.Context, dir string) (*natsbus.Bus, error) {
	def := config.Default().NATS
	bus, err := natsbus.Start(ctx, natsbus.Options{StoreDir: dir, DuplicateWindow: def.DuplicateWindow,
		NoticeDuplicateWindow: def.NoticeDuplicateWindow}, logging.Discard())
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	return bus, nil
}

// Plan measures campaign planning as the service does it for an approved
// incident: the affected people of a synthetic organisation of subjects
// people streamed from the directory, each person's channel plan, every
// notice rendered and its content hash recorded, a SQLite ledger row and
// a verification-index row per notice and one JetStream message per
// notice on an embedded server. The organisation is written under dir;
// only planner.Run is timed.
func Plan(ctx context.Context, dir string, subjects int) (Rate, error) {
	o, err := synthOrg(filepath.Join(dir, "org"), subjects)
	if err != nil {
		return Rate{}, err
	}
	in := o.incident
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "breach.db"), Log: logging.Discard()})
	if err != nil {
		return Rate{}, fmt.Errorf("store: %w", err)
	}
	defer st.Close()
	bus, err := embeddedBus(ctx, filepath.Join(dir, "nats"))
	if err != nil {
		return Rate{}, err
	}
	defer bus.Close()
	comp, err := o.composer()
	if err != nil {
		return Rate{}, err
	}
	key := []byte(benchNoticeKey)
	tickets, err := notify.NewTickets(key)
	if err != nil {
		return Rate{}, err
	}
	// The ledger as the service wraps it: every planned notice's code goes
	// into the public site's verification index.
	ledger := announce.Indexing(st.Ledger(), key)
	planner := &notify.Planner{Policy: notify.DefaultPolicy(), Ledger: ledger, Sink: queue.NewSink(bus, queue.WithTickets(tickets)), Render: comp}
	people := func(fn func(*notify.Recipient) error) error {
		var r notify.Recipient
		return assess.EachAffected(ctx, o.inv, in, func(p *assess.AffectedPerson) error {
			compose.Recipient(&r, p)
			return fn(&r)
		})
	}
	m := startMeter()
	stats, err := planner.Run(ctx, notify.Campaign{IncidentID: in.ID, Revision: 1, Version: 1, HighRisk: true}, people)
	if err != nil {
		return Rate{}, fmt.Errorf("plan: %w", err)
	}
	return m.rate(stats.Notices), nil
}

// RawPublish measures the reference for Plan: n messages of size bytes,
// each with its own message id, published asynchronously into a file
// work-queue stream (the NOTICES stream's settings) on an embedded server
// started the same way, waiting until JetStream has stored every one.
func RawPublish(ctx context.Context, dir string, n, size int) (Rate, error) {
	if n < 1 || size < 1 {
		return Rate{}, fmt.Errorf("raw publish: messages and size must be at least 1, got %d and %d", n, size)
	}
	bus, err := embeddedBus(ctx, dir)
	if err != nil {
		return Rate{}, err
	}
	defer bus.Close()
	notices, err := bus.JetStream().Stream(ctx, bus.Streams().Notices)
	if err != nil {
		return Rate{}, fmt.Errorf("raw publish: %w", err)
	}
	cfg := notices.CachedInfo().Config
	cfg.Name, cfg.Subjects = "RAW", []string{"raw.>"}
	if cfg.Retention != jetstream.WorkQueuePolicy || cfg.Storage != jetstream.FileStorage {
		return Rate{}, fmt.Errorf("raw publish: the notices stream is no longer a file work queue (%v, %v)", cfg.Retention, cfg.Storage)
	}
	if _, err := bus.JetStream().CreateStream(ctx, cfg); err != nil {
		return Rate{}, fmt.Errorf("raw publish: create stream: %w", err)
	}
	body := make([]byte, size)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	// At most rawWindow unacknowledged messages (natsbus.PublishWindow).
	w := natsbus.NewPublishWindow(bus.JetStream(), rawWindow)
	m := startMeter()
	for i := range n {
		msg := &nats.Msg{Subject: "raw.email", Data: body, Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, "raw-"+strconv.Itoa(i))
		if err := w.Publish(ctx, msg); err != nil {
			return Rate{}, fmt.Errorf("raw publish: %w", err)
		}
	}
	if err := w.Wait(ctx); err != nil {
		return Rate{}, fmt.Errorf("raw publish: %w", err)
	}
	return m.rate(n), nil
}

// rawWindow bounds RawPublish's unacknowledged messages.
const rawWindow = 2048
