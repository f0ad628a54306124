package benche2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/notify/email"
)

// benchSender is the sender of every benchmark e-mail.
const benchSender = "privacy@example.org"

// EmailOptions configure EmailCampaign.
type EmailOptions struct {
	// Dir holds the organisation and the service's data directory.
	Dir string
	// Subjects is the size of the synthetic organisation.
	Subjects int
	// SMTPAddr is the SMTP sink, host:port (plain SMTP, no
	// authentication).
	SMTPAddr string
	// Connections is the e-mail channel's connection pool size.
	Connections int
	// Profile, when set, receives a CPU profile of the timed part.
	Profile io.Writer
	// BlockProfile, when set, receives a profile of where goroutines
	// waited (channels, locks, the database pool) during the timed part.
	BlockProfile io.Writer
	// AllocProfile and AllocBase, when set, receive the process's heap
	// allocation profile at the end and at the start of the timed part
	// (sampled every 16 KiB instead of every 512 KiB meanwhile); the
	// campaign's own allocations are the difference: go tool pprof
	// -sample_index alloc_space -diff_base <base> <profile>.
	AllocProfile, AllocBase io.Writer
	// Log receives the service's warnings and errors (discarded when nil).
	Log io.Writer
	// Timeout bounds the campaign (10 minutes when zero).
	Timeout time.Duration
	// BeforeStart, when set, is called once the organisation and the
	// sample e-mail exist and before the service starts, with the sample
	// and the number of affected people who have an e-mail address (the
	// e-mails the campaign will send): the time to measure a reference
	// just before the campaign.
	BeforeStart func(sample []byte, emails int) error
}

// EmailResult is what EmailCampaign measured.
type EmailResult struct {
	// Sent counts the e-mails accepted by the sink over the timed part,
	// from the incident's submission to the last notice recorded.
	Sent Rate
	// BeforeApproval is the part of Sent.Elapsed before the campaign was
	// approved (intake, assessment, automatic approval).
	BeforeApproval time.Duration
	// Notices counts the campaign's notices by channel and state.
	Notices notify.Counts
	// Sample is one of the campaign's e-mails as sent (for the reference
	// program to send the same bytes).
	Sample []byte
}

// EmailCampaign runs the service in this process on a synthetic
// organisation of Subjects people with automatic approval and the e-mail
// channel pointed at SMTPAddr, submits the organisation's incident over
// NATS as `breach incident submit` does, and times it until every notice
// of the campaign is final in the ledger.
func EmailCampaign(ctx context.Context, o EmailOptions) (EmailResult, error) {
	host, portStr, err := net.SplitHostPort(o.SMTPAddr)
	if err != nil {
		return EmailResult{}, fmt.Errorf("smtp sink address: %w", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return EmailResult{}, fmt.Errorf("smtp sink port %q: %w", portStr, err)
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	org, err := synthOrg(filepath.Join(o.Dir, "org"), o.Subjects)
	if err != nil {
		return EmailResult{}, err
	}
	sample, emails, err := sampleEmail(ctx, org)
	if err != nil {
		return EmailResult{}, err
	}
	if o.BeforeStart != nil {
		if err := o.BeforeStart(sample, emails); err != nil {
			return EmailResult{}, err
		}
	}
	cfg := config.Default()
	cfg.DataDir = filepath.Join(o.Dir, "data")
	cfg.Inventory = org.invPath
	cfg.NATS.Listen = ""
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Public.Addr = "127.0.0.1:0"
	cfg.Log.Level = "warn"
	cfg.Campaign.AutoApprove = true
	cfg.Campaign.MaxUntranslated = -1 // the synthetic incident is in English only
	// The e-mail path alone is measured: the other channels would have no
	// provider here, and the service refuses a campaign that strands
	// people for lack of one.
	cfg.Campaign.Channels, cfg.Campaign.SMSAlsoWhenHigh, cfg.Campaign.Push = "email", false, false
	e := &cfg.Channels.Email
	e.SMTP.Host, e.SMTP.Port, e.SMTP.TLS = host, port, email.TLSNone
	e.From, e.Connections, e.RatePerSec = benchSender, o.Connections, 1e6
	if err := cfg.Validate(); err != nil {
		return EmailResult{}, fmt.Errorf("service configuration: %w", err)
	}
	logOut := o.Log
	if logOut == nil {
		logOut = io.Discard
	}
	logger, err := logging.New(logOut, cfg.Log.Level, "text")
	if err != nil {
		return EmailResult{}, err
	}
	svc, err := app.Start(ctx, cfg, logger.WithField("service", "breach-bench"), app.Options{})
	if err != nil {
		return EmailResult{}, fmt.Errorf("start service: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	defer func() {
		stop()
		<-done
	}()
	// A service that stops early fails the run at once.
	waitCtx, cancelWait := context.WithCancelCause(ctx)
	defer cancelWait(nil)
	go func() {
		select {
		case err := <-done:
			cancelWait(fmt.Errorf("service stopped: %v", err))
			done <- err
		case <-waitCtx.Done():
		}
	}()

	if o.Profile != nil {
		if err := pprof.StartCPUProfile(o.Profile); err != nil {
			return EmailResult{}, fmt.Errorf("cpu profile: %w", err)
		}
	}
	if o.BlockProfile != nil {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	if o.AllocProfile != nil && o.AllocBase != nil {
		runtime.MemProfileRate = 16 << 10
		runtime.GC() // publishes the profile so far
		if err := pprof.Lookup("allocs").WriteTo(o.AllocBase, 0); err != nil {
			return EmailResult{}, fmt.Errorf("alloc profile: %w", err)
		}
	}
	m := startMeter()
	counts, approved, err := submitAndWait(waitCtx, svc, org, o.Timeout)
	sent := m.rate(counts[notify.ChannelEmail][notify.StateSent])
	if err != nil && context.Cause(waitCtx) != nil {
		err = context.Cause(waitCtx)
	}
	if o.Profile != nil {
		pprof.StopCPUProfile()
	}
	if o.AllocProfile != nil && o.AllocBase != nil {
		runtime.GC()
		if werr := pprof.Lookup("allocs").WriteTo(o.AllocProfile, 0); werr != nil && err == nil {
			err = fmt.Errorf("alloc profile: %w", werr)
		}
		runtime.MemProfileRate = 512 << 10
	}
	if o.BlockProfile != nil {
		runtime.SetBlockProfileRate(0)
		if werr := pprof.Lookup("block").WriteTo(o.BlockProfile, 0); werr != nil && err == nil {
			err = fmt.Errorf("block profile: %w", werr)
		}
	}
	if err != nil {
		return EmailResult{Notices: counts}, err
	}
	res := EmailResult{Sent: sent, Notices: counts, Sample: sample}
	if !approved.IsZero() {
		res.BeforeApproval = approved.Sub(m.began)
	}
	return res, nil
}

// submitAndWait publishes the incident and waits until the campaign is
// planned and every one of its notices is final in the ledger. The
// ledger's counts are a GROUP BY over the campaign's rows, so they are
// read often only once the notice events say the end is near.
func submitAndWait(ctx context.Context, svc *app.Service, org *org, timeout time.Duration) (notify.Counts, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	subjects := svc.Bus().Topics()
	planned := make(chan *nats.Msg, 1)
	sub, err := svc.Bus().Conn().ChanSubscribe(subjects.Event(org.incident.ID, string(incident.EventCampaignPlanned)), planned)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("watch campaign events: %w", err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	var approvedAt atomic.Int64
	asub, err := svc.Bus().Conn().Subscribe(subjects.Event(org.incident.ID, string(incident.EventApproved)), func(*nats.Msg) {
		approvedAt.CompareAndSwap(0, time.Now().UnixNano())
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("watch approval events: %w", err)
	}
	defer func() { _ = asub.Unsubscribe() }()
	var outcomes atomic.Int64
	nsub, err := svc.Bus().Conn().Subscribe(subjects.Event(org.incident.ID, "notice.>"), func(*nats.Msg) { outcomes.Add(1) })
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("watch notice events: %w", err)
	}
	defer func() { _ = nsub.Unsubscribe() }()
	if _, err := natsbus.PublishIncident(ctx, svc.Bus().JetStream(), subjects, org.incident, org.raw); err != nil {
		return nil, time.Time{}, fmt.Errorf("submit incident: %w", err)
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var counts notify.Counts
	var plan *incident.CampaignPlanned
	var lastRead time.Time
	for {
		select {
		case <-ctx.Done():
			open, total := counts.Open()
			return counts, time.Time{}, fmt.Errorf("campaign not complete in %s (planned: %t, %d of %d notices open): %w", timeout, plan != nil, open, total, ctx.Err())
		case m := <-planned:
			plan = new(incident.CampaignPlanned)
			if err := json.Unmarshal(m.Data, plan); err != nil {
				return nil, time.Time{}, fmt.Errorf("campaign.planned event: %w", err)
			}
			if plan.Notices == 0 {
				return nil, time.Time{}, errors.New("the campaign planned no notice")
			}
			continue
		case <-tick.C:
		}
		if plan == nil || (outcomes.Load() < int64(plan.Queued) && time.Since(lastRead) < 2*time.Second) {
			continue
		}
		lastRead = time.Now()
		if counts, err = svc.Store().Ledger().Counts(ctx, org.incident.ID); err != nil {
			return counts, time.Time{}, fmt.Errorf("ledger counts: %w", err)
		}
		if _, total := counts.Open(); total >= plan.Notices && counts.Complete() {
			var at time.Time
			if ns := approvedAt.Load(); ns != 0 {
				at = time.Unix(0, ns)
			}
			return counts, at, nil
		}
	}
}

// sampleEmail renders the e-mail of the incident's first affected person
// who has an address, exactly as the e-mail channel would send it, and
// counts the affected people who have one.
func sampleEmail(ctx context.Context, org *org) (sample []byte, emails int, err error) {
	in := org.incident
	comp, err := org.composer()
	if err != nil {
		return nil, 0, err
	}
	var r notify.Recipient
	err = assess.EachAffected(ctx, org.inv, in, func(p *assess.AffectedPerson) error {
		if p.Subject.Email == "" {
			return nil
		}
		if emails++; emails == 1 {
			// p and its slices are reused for the next person.
			compose.Recipient(&r, p)
			r.Categories, r.Devices = slices.Clone(r.Categories), slices.Clone(r.Devices)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("sample e-mail: %w", err)
	}
	if emails == 0 {
		return nil, 0, errors.New("sample e-mail: nobody affected has an e-mail address")
	}
	job := notify.NewJob(in.ID, 1, 1, r.ID, notify.Route{Channel: notify.ChannelEmail, To: r.Email, ToName: r.Name}, nil)
	job.Locale, job.Jurisdiction, job.Categories = r.Locale, r.Jurisdiction, r.Categories
	m, _, err := comp.Render(ctx, &job)
	if err != nil {
		return nil, 0, fmt.Errorf("sample e-mail: %w", err)
	}
	ec, err := email.NewComposer(benchSender, "", nil, nil)
	if err != nil {
		return nil, 0, err
	}
	msg, err := ec.Compose(m)
	if err != nil {
		return nil, 0, fmt.Errorf("sample e-mail: %w", err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, 0, fmt.Errorf("sample e-mail: %w", err)
	}
	return buf.Bytes(), emails, nil
}
