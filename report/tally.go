package report

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// hipaaJurisdiction is the jurisdiction id under which the people whose
// health data a HIPAA covered entity lost are counted as well.
const hipaaJurisdiction = "US-HIPAA"

// Tally counts the affected people per jurisdiction, country and US State
// during the one walk over the subject directory that the assessment
// makes (assess.AssessEach). It keeps counts only, never a person.
type Tally struct {
	by map[string]*Count
}

// Count is what a Tally knows of one jurisdiction's people.
type Count struct {
	Subjects int
	Minors   int
	// Records counts person x system pairs.
	Records int
	// Countries counts the people per ISO country, Regions the US
	// residents per State (those sub-counts have no sub-counts).
	Countries map[string]*Count
	Regions   map[string]*Count
	cats      map[string]bool
}

// newCount returns an empty Count.
func newCount() *Count {
	return &Count{Countries: map[string]*Count{}, Regions: map[string]*Count{}, cats: map[string]bool{}}
}

// count adds one person to c.
func (c *Count) count(p *assess.AffectedPerson) {
	c.Subjects++
	c.Records += max(len(p.Systems), 1)
	if p.Subject != nil && p.Minor {
		c.Minors++
	}
	for _, id := range p.Categories {
		c.cats[id] = true
	}
}

// sub returns the sub-count of key in m, creating it.
func sub(m map[string]*Count, key string) *Count {
	c := m[key]
	if c == nil {
		c = newCount()
		m[key] = c
	}
	return c
}

// merge adds o's people to c (without o's sub-counts).
func (c *Count) merge(o *Count) {
	c.Subjects += o.Subjects
	c.Minors += o.Minors
	c.Records += o.Records
	for id := range o.cats {
		c.cats[id] = true
	}
}

// Categories returns the ids of the categories exposed for these people,
// sorted.
func (c *Count) Categories() []string {
	out := make([]string, 0, len(c.cats))
	for id := range c.cats {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// NewTally returns an empty Tally.
func NewTally() *Tally { return &Tally{by: map[string]*Count{}} }

// Add counts one affected person under their jurisdiction and, when their
// health data falls under HIPAA, under US-HIPAA too.
func (t *Tally) Add(p *assess.AffectedPerson) {
	t.add(p.Jurisdiction, p)
	if p.HIPAA {
		t.add(hipaaJurisdiction, p)
	}
}

func (t *Tally) add(jur string, p *assess.AffectedPerson) {
	c := sub(t.by, jur)
	c.count(p)
	if p.Subject == nil {
		return
	}
	country := strings.ToUpper(p.Country)
	sub(c.Countries, country).count(p)
	if country == "US" && p.Region != "" {
		sub(c.Regions, strings.ToUpper(p.Region)).count(p)
	}
}

// Count returns the counts of one jurisdiction, or nil when nobody of it
// was counted.
func (t *Tally) Count(jurisdiction string) *Count { return t.count(jurisdiction) }

// count is Count, safe on a nil Tally.
func (t *Tally) count(jurisdiction string) *Count {
	if t == nil {
		return nil
	}
	return t.by[strings.ToUpper(jurisdiction)]
}

// AssessAndCount assesses an incident as assess.Assess does and counts its
// people for the drafts in the same walk over the subject directory.
func AssessAndCount(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, now time.Time) (*assess.Assessment, *Tally, error) {
	people := NewTally()
	a, err := assess.AssessEach(ctx, inv, in, now, func(p *assess.AffectedPerson) error {
		people.Add(p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return a, people, nil
}
