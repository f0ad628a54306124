package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/templates"
)

// Campaign identifies one notice campaign: an incident revision and the
// notice version it sends (a follow-up notice is a new version).
type Campaign struct {
	IncidentID string
	Revision   int
	Version    int
	// HighRisk adds SMS alongside e-mail (DefaultPolicy) for everyone;
	// Recipient.HighRisk does it for one person.
	HighRisk bool
}

// PlanStats count what the planner did.
type PlanStats struct {
	People  int `json:"people"`
	Notices int `json:"notices"`
	New     int `json:"new"`
	// Queued counts the jobs enqueued: those of notices not finished yet
	// (a re-run does not queue notices already sent or given up).
	Queued        int `json:"queued"`
	Supplementary int `json:"supplementary"`
	Unreachable   int `json:"unreachable"`
	// Failed counts the notices that could not be rendered because of
	// their person's own data (a name with a link, say). Each is recorded
	// failed_permanent, or unreachable when it was the person's last
	// legal-notice route, and the person's next route is planned instead.
	Failed    int             `json:"failed"`
	ByChannel map[Channel]int `json:"by_channel"`
}

// Planner turns the stream of affected people into ledger entries and
// NOTICES jobs, in batches, never holding all people in memory.
type Planner struct {
	Policy Policy
	Ledger Ledger
	Sink   Sink
	// Render, when set, renders every notice while planning, and the
	// ledger records the template version and content hash of what is
	// planned (the worker records what it sends); a Render that is also a
	// Fingerprinter is asked for those only, not for the message. A
	// notice that cannot be rendered because of the incident or the
	// templates stops the
	// campaign before anything is queued for it. One that cannot be
	// rendered because of its person's own data (a
	// *templates.ValidationError about Recipient fields only) is recorded
	// as a permanent failure of that route, published as a notice.failed
	// event, and the person's next route is tried; the campaign goes on.
	Render Renderer
	// BatchSize is how many jobs are planned and enqueued together
	// (DefaultBatchSize when 0).
	BatchSize int
	Now       func() time.Time
}

// People streams affected people to fn; it stops at fn's first error. The
// Recipient passed to fn may be reused after fn returns.
type People func(fn func(*Recipient) error) error

// Run plans campaign c for everyone people yields. It is idempotent: a
// person already planned keeps their ledger entries, and only the notices
// the ledger reports open (pending, failed_temporary, sending) are queued
// again, so re-running after a crash or restart resumes without queueing
// finished notices; a pending notice whose job was lost between Plan and
// Enqueue is queued again. A job queued twice is sent once: the queue
// deduplicates by key, and the ledger's claim lease stops a second copy.
func (p *Planner) Run(ctx context.Context, c Campaign, people People) (PlanStats, error) {
	run := newPlanRun(p, c)
	err := people(func(r *Recipient) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := run.person(ctx, r); err != nil {
			return err
		}
		if len(run.b.jobs) >= run.size || len(run.b.entries) >= run.size {
			return run.flush(ctx)
		}
		return nil
	})
	if err == nil {
		err = run.flush(ctx)
	}
	// Whatever happened, the batch still being written is waited for:
	// Run returns only once nothing of it is in flight.
	if werr := run.wait(); err == nil {
		err = werr
	}
	return run.st, err
}

// planRun is the state of one Run: the stats and the batch being built.
type planRun struct {
	p    *Planner
	c    Campaign
	size int
	now  func() time.Time
	st   PlanStats
	// b is the batch being built. A full batch is written (ledger, then
	// queue) in the background while the next one is rendered: up to
	// maxInflight batches at once, their ledger writes one after the
	// other in planning order, while the queue acknowledges the jobs of
	// the one before. inflight answers for those being written, oldest
	// first; spare holds buffers to build in.
	b        *planBatch
	spare    []*planBatch
	inflight []*batchWrite
	// changes are the Changes of the jobs of the person being planned
	// (a follow-up).
	changes []string
}

// planBatch is a batch of the planner: jobs and entries; jobEntry[k] is
// the index in entries of jobs[k]'s entry (entries also holds the
// unreachable markers, which have no job).
type planBatch struct {
	jobs     []Job
	entries  []Entry
	jobEntry []int
	queue    []Job
}

func newPlanBatch(size int) *planBatch {
	return &planBatch{jobs: make([]Job, 0, size), entries: make([]Entry, 0, size), jobEntry: make([]int, 0, size), queue: make([]Job, 0, size)}
}

// reset empties b for reuse.
func (b *planBatch) reset() {
	clear(b.jobs)
	clear(b.entries)
	b.jobs, b.entries, b.jobEntry, b.queue = b.jobs[:0], b.entries[:0], b.jobEntry[:0], b.queue[:0]
}

// DefaultBatchSize is the planner's batch when Planner.BatchSize is 0.
// Each batch's verification codes go into the public site's index, whose
// keys are random: a batch rewrites most of the index's pages whatever
// its size, so fewer, larger batches write far less (make bench-e2e,
// planning with the index: 20–25 % more notices a second at 4,000 than at
// 1,000). The first notices wait for the first batch: in the e-mail
// benchmark the first e-mail left 0.77 s after planning began (0.38 s
// with batches of 1,000).
const DefaultBatchSize = 4000

// maxInflight is how many batches the planner has in hand at once past
// the one it is building: one publishing its jobs, one in the ledger, and
// two ready, so that rendering goes on while JetStream acknowledges
// (make bench-e2e: about 8% more notices planned per second than with
// two; the cost is two more batches of jobs in memory).
const maxInflight = 4

// batchWrite is one batch being written: planned is closed once its
// ledger write is done (ok tells whether it succeeded), done once it is
// also enqueued, with the result.
type batchWrite struct {
	planned chan struct{}
	ok      bool
	done    chan batchWritten
}

// batchWritten is the result of writing one batch.
type batchWritten struct {
	b               *planBatch
	created, queued int
	err             error
}

// routeFailure is a notice that could not be rendered for its person.
type routeFailure struct {
	job    Job
	reason string
	// next is the fallback planned instead, "" when none was left.
	next Channel
}

func newPlanRun(p *Planner, c Campaign) *planRun {
	size := p.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	return &planRun{p: p, c: c, size: size, now: now, st: PlanStats{ByChannel: map[Channel]int{}}, b: newPlanBatch(size)}
}

// stamp sets the planning time of e.
func (run *planRun) stamp(e Entry) Entry {
	e.CreatedAt = run.now().UTC()
	e.UpdatedAt = e.CreatedAt
	return e
}

// person plans every route of one person: the primary routes (each
// followed down its fallbacks while the person's own data keeps it from
// rendering), then the accelerators.
func (run *planRun) person(ctx context.Context, r *Recipient) error {
	c := run.c
	run.st.People++
	high := c.HighRisk || r.HighRisk
	plan := run.p.Policy.Plan(r, high)
	if !plan.Reachable() {
		run.st.Unreachable++
		j := NewJob(c.IncidentID, c.Revision, c.Version, r.ID, Route{Channel: ChannelNone}, nil)
		e := run.stamp(j.Entry())
		e.State = StateUnreachable
		run.b.entries = append(run.b.entries, e)
		run.st.ByChannel[ChannelNone]++
	}
	var failed []routeFailure
	reached := false
	for i, route := range plan.Primary {
		var fb []Route
		if i == 0 {
			fb = plan.Fallback
		}
		j := r.NewJob(c.IncidentID, c.Revision, c.Version, route, fb)
		j.Supplementary, j.HighRisk, j.Changes = i > 0, high, run.changes
		if j.Supplementary {
			run.st.Supplementary++
		}
		ok, err := run.route(ctx, j, &failed)
		if err != nil {
			return err
		}
		reached = reached || ok
	}
	if err := run.recordFailures(ctx, failed, reached); err != nil {
		return err
	}
	for d, route := range plan.Accelerators {
		j := r.NewJob(c.IncidentID, c.Revision, c.Version, route, nil)
		j.HighRisk, j.Changes = high, run.changes
		j.Key += fmt.Sprintf("/d%d", d) // one push per device
		j.Supplementary = true
		run.st.Supplementary++
		reason, err := run.add(ctx, j)
		if err != nil {
			return err
		}
		if reason != "" {
			// A push that cannot render is not a route to fall back
			// from, and never makes the person unreachable.
			if err := run.recordFailures(ctx, []routeFailure{{job: j, reason: reason}}, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// route adds job j to the batch, or, when the person's own data keeps it
// from rendering, notes the failure in failed and tries the person's next
// route in its place. It reports whether a route was planned.
func (run *planRun) route(ctx context.Context, j Job, failed *[]routeFailure) (bool, error) {
	for {
		reason, err := run.add(ctx, j)
		if err != nil || reason == "" {
			return err == nil, err
		}
		f := routeFailure{job: j, reason: reason}
		next, ok := j.Next()
		if ok {
			f.next = next.Route.Channel
		}
		*failed = append(*failed, f)
		if !ok {
			return false, nil
		}
		j = next
	}
}

// add renders j (when the planner renders) and adds it to the batch. It
// returns the reason, free of personal data, when the person's own data
// keeps j from rendering (j is then not added), and an error when
// anything else does.
func (run *planRun) add(ctx context.Context, j Job) (string, error) {
	e := run.stamp(j.Entry())
	if run.p.Render != nil {
		r, err := run.fingerprint(ctx, &j)
		if err != nil {
			if reason, ok := personalProblem(err); ok {
				return reason, nil
			}
			return "", fmt.Errorf("plan campaign %s: %w", run.c.IncidentID, err)
		}
		e.TemplateVersion, e.ContentHash = r.TemplateVersion, r.ContentHash
	}
	b := run.b
	b.jobs = append(b.jobs, j)
	b.jobEntry = append(b.jobEntry, len(b.entries))
	b.entries = append(b.entries, e)
	run.st.Notices++
	run.st.ByChannel[j.Route.Channel]++
	return "", nil
}

// fingerprint renders j for its template version and content hash,
// without the message when the renderer can (Fingerprinter).
func (run *planRun) fingerprint(ctx context.Context, j *Job) (Rendering, error) {
	if f, ok := run.p.Render.(Fingerprinter); ok {
		return f.Fingerprint(ctx, j)
	}
	_, r, err := run.p.Render.Render(ctx, j)
	return r, err
}

// recordFailures records a person's notices that could not be rendered.
// When reached is false, none of the person's legal-notice routes could
// be planned: the last failure marks the person unreachable.
func (run *planRun) recordFailures(ctx context.Context, failed []routeFailure, reached bool) error {
	for i, f := range failed {
		state := StateFailedPermanent
		if !reached && i == len(failed)-1 {
			state = StateUnreachable
			run.st.Unreachable++
		}
		if err := run.recordFailure(ctx, f, state); err != nil {
			return err
		}
	}
	return nil
}

// recordFailure writes one notice that could not be rendered to the
// ledger in state, at once rather than in the batch, and publishes its
// notice.failed event the first time it is recorded (a re-run finds it in
// the ledger and publishes nothing). An entry an earlier run left open
// (the person's data changed since) has its job queued again, so that
// every open notice has a job; the worker then records the failure.
func (run *planRun) recordFailure(ctx context.Context, f routeFailure, state State) error {
	// The batch being written goes first, so that the ledger sees the
	// campaign's notices in the order they were planned.
	if err := run.wait(); err != nil {
		return err
	}
	c := run.c
	e := run.stamp(f.job.Entry())
	e.State, e.Error = state, f.reason
	run.st.Failed++
	run.st.Notices++
	run.st.ByChannel[e.Channel]++
	_, err := run.p.Ledger.Get(ctx, e.Key)
	switch {
	case errors.Is(err, ErrUnknownNotice):
		ev := noticeEvent(incident.EventNoticeFailed, f.job, state)
		ev.Error, ev.Fallback = e.Error, string(f.next)
		if err := run.p.Sink.Event(ctx, ev); err != nil {
			return fmt.Errorf("plan campaign %s: publish notice.failed: %w", c.IncidentID, err)
		}
	case err != nil:
		return fmt.Errorf("plan campaign %s: ledger: %w", c.IncidentID, err)
	}
	open, n, err := run.p.Ledger.Plan(ctx, []Entry{e})
	if err != nil {
		return fmt.Errorf("plan campaign %s: ledger: %w", c.IncidentID, err)
	}
	run.st.New += n
	if len(open) == 1 && open[0] {
		if err := run.p.Sink.Enqueue(ctx, f.job); err != nil {
			return fmt.Errorf("plan campaign %s: enqueue: %w", c.IncidentID, err)
		}
		run.st.Queued++
	}
	return nil
}

// flush hands the batch to a goroutine that plans it in the ledger, once
// the batch before it is planned there, and then enqueues the jobs of the
// entries still open; the next batch is built meanwhile. Every notice
// still has its ledger row before its job is published.
func (run *planRun) flush(ctx context.Context) error {
	if len(run.b.jobs) == 0 && len(run.b.entries) == 0 {
		return nil
	}
	for len(run.inflight) >= maxInflight {
		if err := run.waitOldest(); err != nil {
			return err
		}
	}
	b := run.b
	if n := len(run.spare); n > 0 {
		run.b, run.spare = run.spare[n-1], run.spare[:n-1]
	} else {
		run.b = newPlanBatch(run.size)
	}
	var prev *batchWrite
	if n := len(run.inflight); n > 0 {
		prev = run.inflight[n-1]
	}
	bw := &batchWrite{planned: make(chan struct{}), done: make(chan batchWritten, 1)}
	run.inflight = append(run.inflight, bw)
	go func() { bw.done <- run.write(ctx, b, prev, bw) }()
	return nil
}

// wait waits for every batch being written and counts them; it returns
// the first error.
func (run *planRun) wait() error {
	var first error
	for len(run.inflight) > 0 {
		if err := run.waitOldest(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// waitOldest waits for the oldest batch being written and counts it.
func (run *planRun) waitOldest() error {
	w := <-run.inflight[0].done
	run.inflight = run.inflight[1:]
	run.st.New += w.created
	run.st.Queued += w.queued
	w.b.reset()
	run.spare = append(run.spare, w.b)
	return w.err
}

// write plans batch b in the ledger after prev (the batch before it, nil
// when none is in flight) is planned, then enqueues the jobs of the
// entries still open. It closes bw.planned once its ledger write is over.
func (run *planRun) write(ctx context.Context, b *planBatch, prev, bw *batchWrite) batchWritten {
	c := run.c
	w := batchWritten{b: b}
	planned := func() { close(bw.planned) }
	if prev != nil {
		<-prev.planned
		if !prev.ok {
			planned()
			w.err = fmt.Errorf("plan campaign %s: an earlier batch failed", c.IncidentID)
			return w
		}
	}
	open, n, err := run.p.Ledger.Plan(ctx, b.entries)
	switch {
	case err != nil:
		w.err = fmt.Errorf("plan campaign %s: ledger: %w", c.IncidentID, err)
	case len(open) != len(b.entries):
		w.err = fmt.Errorf("plan campaign %s: ledger answered for %d of %d entries", c.IncidentID, len(open), len(b.entries))
	}
	bw.ok = w.err == nil
	planned()
	if w.err != nil {
		return w
	}
	w.created = n
	for k, j := range b.jobs {
		if open[b.jobEntry[k]] {
			b.queue = append(b.queue, j)
		}
	}
	if len(b.queue) > 0 {
		if err := run.p.Sink.Enqueue(ctx, b.queue...); err != nil {
			w.err = fmt.Errorf("plan campaign %s: enqueue: %w", c.IncidentID, err)
			return w
		}
		w.queued = len(b.queue)
	}
	return w
}

// personalProblem reports whether a render error is about one person's
// own data rather than the incident or the templates: a
// *templates.ValidationError whose every problem is in a Recipient field
// (their name, their child's name, their postal address). The reason it
// returns names the fields and the rules they break, never their values.
func personalProblem(err error) (string, bool) {
	var ve *templates.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		return "", false
	}
	parts := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		if !strings.HasPrefix(p.Field, "Recipient.") {
			return "", false
		}
		parts[i] = p.String()
	}
	return "notice cannot be rendered for this person: " + strings.Join(parts, "; "), true
}
