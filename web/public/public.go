// Package public is the public announcement site: its own listener, apart
// from the API, with no route of the API, no token, no cookie, no script
// and no third-party resource. It serves
//
//	GET  /                          the index of announcements
//	GET  /notices/{incident}        an announcement, in the language of
//	                                ?lang= or Accept-Language, with a
//	                                language switcher (?variant=US-CA for
//	                                California's statutory headings)
//	GET  /notices/{incident}/press.md, press.txt   the press text
//	GET  /feed.atom                 the Atom feed of every version
//	GET  /verify                    the genuine-check form (also on the
//	                                index and on every announcement)
//	POST /verify                    "is this notice genuine?" (reference,
//	                                code; JSON with Accept: application/json)
//	POST /lookup                    "am I affected?" (address): always the
//	                                same answer; an affected address gets
//	                                its notice again, in the background
//	GET  /style.css                 the only stylesheet
//
// Every response carries a strict Content-Security-Policy; every client
// (IPv4 address or IPv6 /64) and the site as a whole are rate-limited, and
// a client over its limit gets a 429 page. The pages are in the five
// notice languages; their strings are in locales/*.yaml.
//
// The site depends on small interfaces it declares: announce.Store for
// the announcements, VerifyIndex and AffectedIndex for the keyed indexes
// (the store implements all three), and Resender, which the service
// implements with its campaign engine.
package public

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify/verify"
)

// VerifyIndex finds the verification entry of a lookup key (see
// announce.VerifyKeys); nil when there is none.
type VerifyIndex interface {
	LookupVerify(ctx context.Context, lookup []byte) (*announce.VerifyEntry, error)
}

// AffectedIndex finds the affected people of an address lookup key (see
// announce.AddressLookup) and counts re-sends per address and day.
type AffectedIndex interface {
	LookupAffected(ctx context.Context, lookup []byte) ([]announce.AddressEntry, error)
	// TakeResend counts one re-send to the address on day (UTC,
	// 2006-01-02) and reports true, unless limit were already counted.
	TakeResend(ctx context.Context, lookup []byte, day string, limit int) (bool, error)
}

// Resender sends an affected person's notice of an incident again through
// the campaign engine (with its ledger entry). The service implements it.
type Resender interface {
	Resend(ctx context.Context, incidentID, subjectID string) error
}

// ResenderFunc adapts a function to Resender.
type ResenderFunc func(ctx context.Context, incidentID, subjectID string) error

// Resend calls f.
func (f ResenderFunc) Resend(ctx context.Context, incidentID, subjectID string) error {
	return f(ctx, incidentID, subjectID)
}

// Deps are what the site reads and calls.
type Deps struct {
	Announcements announce.Store
	Verify        VerifyIndex
	Affected      AffectedIndex
	// Resender, when nil, turns re-sending off (the lookup still answers).
	Resender Resender
	// Secret is the notice key the indexes were keyed with.
	Secret []byte
	// Org is the publishing organisation (header, report contact).
	Org announce.Org
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Log receives request lines (no address, no query, no client IP);
	// nil discards.
	Log *logrus.Entry
}

// lookupQueue bounds the "am I affected?" lookups waiting for the
// background worker; past it, lookups are dropped (and logged as such).
const lookupQueue = 1024

// lookupsPerClient and lookupBurst bound the lookups one client may have
// processed: one a minute after a burst of five. Beyond that the page
// answers as always and nothing is looked up.
const (
	lookupsPerClient = rate.Limit(1.0 / 60)
	lookupBurst      = 5
)

// Site is the public site's handler.
type Site struct {
	cfg     Config
	d       Deps
	pages   *Pages
	log     *logrus.Entry
	now     func() time.Time
	mux     *http.ServeMux
	global  *rate.Limiter
	clients *keyedLimiter
	lookups *keyedLimiter

	mu     sync.RWMutex
	closed bool
	jobs   chan lookupJob
	done   chan struct{}
	cancel context.CancelFunc
}

type lookupJob struct {
	lookup   []byte
	incident string
}

// New returns the site, with its background lookup worker started; Close
// stops it.
func New(cfg Config, d Deps) (*Site, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Announcements == nil || d.Verify == nil || d.Affected == nil {
		return nil, errors.New("public site: announcements, verify index and affected index are required")
	}
	if len(d.Secret) < verify.MinSecretBytes {
		return nil, fmt.Errorf("public site: the notice key must be at least %d bytes", verify.MinSecretBytes)
	}
	pages, err := NewPages(d.Org, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	log := d.Log
	if log == nil {
		log = logging.Discard()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Site{cfg: cfg, d: d, pages: pages, log: log.WithField("component", "public"), now: now,
		global:  rate.NewLimiter(rate.Limit(cfg.GlobalRatePerSec), max(cfg.Burst, int(cfg.GlobalRatePerSec))),
		clients: newKeyedLimiter(rate.Limit(cfg.RatePerSec), cfg.Burst, now),
		lookups: newKeyedLimiter(lookupsPerClient, lookupBurst, now),
		jobs:    make(chan lookupJob, lookupQueue), done: make(chan struct{}), cancel: cancel}
	s.routes()
	go s.lookupWorker(ctx)
	return s, nil
}

// Pages returns the site's page renderer (for announce.Export).
func (s *Site) Pages() *Pages { return s.pages }

// Close stops taking lookups, lets the worker finish those queued, and
// returns when it has.
func (s *Site) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.jobs)
	}
	s.mu.Unlock()
	<-s.done
	s.cancel()
}

// Serve serves the site on ln until ctx ends, then shuts down gracefully
// (at most 5 seconds) and closes s.
func (s *Site) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
	case err = <-errc:
	}
	s.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// enqueue hands a lookup to the worker without waiting; it reports false
// when the queue is full or the site is closing.
func (s *Site) enqueue(j lookupJob) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return false
	}
	select {
	case s.jobs <- j:
		return true
	default:
		return false
	}
}

// lookupWorker processes lookups one at a time, off the request path, so
// the answer's time says nothing about the address.
func (s *Site) lookupWorker(ctx context.Context) {
	defer close(s.done)
	for j := range s.jobs {
		s.processLookup(ctx, j)
	}
}

func (s *Site) processLookup(ctx context.Context, j lookupJob) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	entries, err := s.d.Affected.LookupAffected(ctx, j.lookup)
	if err != nil {
		s.log.WithError(err).Warn("am-I-affected lookup")
		return
	}
	var matched []announce.AddressEntry
	for _, e := range entries {
		if j.incident == "" || e.IncidentID == j.incident {
			matched = append(matched, e)
		}
	}
	if len(matched) == 0 || s.d.Resender == nil {
		return
	}
	ok, err := s.d.Affected.TakeResend(ctx, j.lookup, day(s.now()), s.cfg.ResendPerDay)
	if err != nil {
		s.log.WithError(err).Warn("am-I-affected re-send count")
		return
	}
	if !ok {
		s.log.Info("am-I-affected: re-send limit of the day reached for an address; nothing sent")
		return
	}
	for _, e := range matched {
		if err := s.d.Resender.Resend(ctx, e.IncidentID, e.SubjectID); err != nil {
			s.log.WithError(err).WithField("incident", e.IncidentID).Warn("am-I-affected re-send")
			continue
		}
		s.log.WithField("incident", e.IncidentID).Info("am-I-affected: notice sent again")
	}
}
