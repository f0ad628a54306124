package notify

import (
	"context"
	"fmt"
	"slices"
)

// Changed tells what changed for a person since the notice that told them
// last (told, as the ledger keeps it) under the campaign being planned:
// Change* values, none when the person needs no follow-up.
type Changed func(told Job, now *Recipient) []string

// FollowUp plans follow-up notices of campaign c (a new revision, after
// its approval) for the people people yields who were told already: for
// each whose last notice (Ledger.Told) is of an earlier revision and for
// whom changed reports something, the notices of version told+1, routed
// by the policy as the person stands now and carrying the changes
// (Job.Changes: the "update" notice says what changed). People never told
// are left to Run (their full notice). Like Run it is idempotent: a
// follow-up planned, or sent, is not planned again (its version's keys
// exist; once sent it is the notice that told them last, of the current
// revision).
func (p *Planner) FollowUp(ctx context.Context, c Campaign, people People, changed Changed) (PlanStats, error) {
	run := newPlanRun(p, c)
	batch := make([]Recipient, 0, run.size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		subjects := make([]string, len(batch))
		for i := range batch {
			subjects[i] = batch[i].ID
		}
		// The batch being written goes first: Told reads the ledger.
		if err := run.wait(); err != nil {
			return err
		}
		told, err := p.Ledger.Told(ctx, c.IncidentID, subjects)
		if err != nil {
			return fmt.Errorf("plan follow-ups of %s: %w", c.IncidentID, err)
		}
		for i := range batch {
			r := &batch[i]
			last, ok := told[r.ID]
			if !ok || last.Job.Key == "" || last.Job.Revision >= c.Revision {
				continue
			}
			changes := changed(last.Job, r)
			if len(changes) == 0 {
				continue
			}
			run.c.Version, run.changes = last.Version+1, changes
			if err := run.person(ctx, r); err != nil {
				return err
			}
			if len(run.b.jobs) >= run.size || len(run.b.entries) >= run.size {
				if err := run.flush(ctx); err != nil {
					return err
				}
			}
		}
		batch = batch[:0]
		return run.flush(ctx)
	}
	err := people(func(r *Recipient) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		cp := *r
		cp.Categories, cp.Devices = slices.Clone(r.Categories), slices.Clone(r.Devices)
		batch = append(batch, cp)
		if len(batch) >= run.size {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if werr := run.wait(); err == nil {
		err = werr
	}
	return run.st, err
}
