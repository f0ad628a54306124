package notify

import (
	"context"
	"fmt"
	"time"
)

// Campaign identifies one notice campaign: an incident revision and the
// notice version it sends (a follow-up notice is a new version).
type Campaign struct {
	IncidentID string
	Revision   int
	Version    int
	// HighRisk adds SMS alongside e-mail (DefaultPolicy).
	HighRisk bool
}

// PlanStats count what the planner did.
type PlanStats struct {
	People  int `json:"people"`
	Notices int `json:"notices"`
	New     int `json:"new"`
	// Queued counts the jobs enqueued: those of notices not finished yet
	// (a re-run does not queue notices already sent or given up).
	Queued        int             `json:"queued"`
	Supplementary int             `json:"supplementary"`
	Unreachable   int             `json:"unreachable"`
	ByChannel     map[Channel]int `json:"by_channel"`
}

// Planner turns the stream of affected people into ledger entries and
// NOTICES jobs, in batches, never holding all people in memory.
type Planner struct {
	Policy Policy
	Ledger Ledger
	Sink   Sink
	// Render, when set, renders every notice while planning: a notice that
	// cannot be rendered stops the campaign before anything is queued for
	// it, and the ledger records the template version and content hash of
	// what is planned (the worker records what it sends).
	Render Renderer
	// BatchSize is how many jobs are planned and enqueued together.
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
	size := p.BatchSize
	if size <= 0 {
		size = 1000
	}
	st := PlanStats{ByChannel: map[Channel]int{}}
	jobs := make([]Job, 0, size)
	entries := make([]Entry, 0, size)
	// jobEntry[k] is the index in entries of jobs[k]'s entry (entries
	// also holds the unreachable markers, which have no job).
	jobEntry := make([]int, 0, size)
	queue := make([]Job, 0, size)
	flush := func() error {
		if len(jobs) == 0 && len(entries) == 0 {
			return nil
		}
		open, n, err := p.Ledger.Plan(ctx, entries)
		if err != nil {
			return fmt.Errorf("plan campaign %s: ledger: %w", c.IncidentID, err)
		}
		if len(open) != len(entries) {
			return fmt.Errorf("plan campaign %s: ledger answered for %d of %d entries", c.IncidentID, len(open), len(entries))
		}
		st.New += n
		queue = queue[:0]
		for k, j := range jobs {
			if open[jobEntry[k]] {
				queue = append(queue, j)
			}
		}
		if len(queue) > 0 {
			if err := p.Sink.Enqueue(ctx, queue...); err != nil {
				return fmt.Errorf("plan campaign %s: enqueue: %w", c.IncidentID, err)
			}
			st.Queued += len(queue)
		}
		jobs, entries, jobEntry = jobs[:0], entries[:0], jobEntry[:0]
		return nil
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	stamp := func(e Entry) Entry {
		e.CreatedAt = now().UTC()
		e.UpdatedAt = e.CreatedAt
		return e
	}
	add := func(j Job) error {
		e := stamp(j.Entry())
		if p.Render != nil {
			_, r, err := p.Render.Render(ctx, &j)
			if err != nil {
				return fmt.Errorf("plan campaign %s: %w", c.IncidentID, err)
			}
			e.TemplateVersion, e.ContentHash = r.TemplateVersion, r.ContentHash
		}
		jobs = append(jobs, j)
		jobEntry = append(jobEntry, len(entries))
		entries = append(entries, e)
		st.Notices++
		st.ByChannel[j.Route.Channel]++
		return nil
	}
	err := people(func(r *Recipient) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		st.People++
		plan := p.Policy.Plan(r, c.HighRisk)
		decorate := func(j Job) Job {
			j.Locale, j.Jurisdiction, j.PostalName = r.Locale, r.Jurisdiction, r.Name
			j.Categories = append([]string(nil), r.Categories...)
			return j
		}
		if !plan.Reachable() {
			st.Unreachable++
			j := NewJob(c.IncidentID, c.Revision, c.Version, r.ID, Route{Channel: ChannelNone}, nil)
			e := stamp(j.Entry())
			e.State = StateUnreachable
			entries = append(entries, e)
			st.ByChannel[ChannelNone]++
		}
		for i, route := range plan.Primary {
			var fb []Route
			if i == 0 {
				fb = plan.Fallback
			}
			j := decorate(NewJob(c.IncidentID, c.Revision, c.Version, r.ID, route, fb))
			j.Supplementary = i > 0
			if j.Supplementary {
				st.Supplementary++
			}
			if err := add(j); err != nil {
				return err
			}
		}
		for d, route := range plan.Accelerators {
			j := decorate(NewJob(c.IncidentID, c.Revision, c.Version, r.ID, route, nil))
			j.Key += fmt.Sprintf("/d%d", d) // one push per device
			j.Supplementary = true
			st.Supplementary++
			if err := add(j); err != nil {
				return err
			}
		}
		if len(jobs) >= size || len(entries) >= size {
			return flush()
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, flush()
}
