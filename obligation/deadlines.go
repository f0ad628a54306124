package obligation

import (
	"slices"
	"time"
)

// Deadline is one pending obligation on the list of deadlines.
type Deadline struct {
	Obligation
	// Overdue is set when Due has passed at the listing time.
	Overdue bool `json:"overdue"`
	// LeftSeconds is the time left until Due at the listing time, in
	// seconds, negative when overdue; absent for an undated duty.
	LeftSeconds *int64 `json:"left_seconds,omitempty"`
}

// Deadlines lists the pending obligations of obs (open or drafted, and
// required): the undated duties ("without undue delay") first, in Compare
// order, then the dated ones, soonest due first, each flagged overdue
// when its due time is before now.
func Deadlines(obs []Obligation, now time.Time) []Deadline {
	out := []Deadline{}
	for _, o := range obs {
		if !o.State.Pending() || !o.Required {
			continue
		}
		d := Deadline{Obligation: o}
		if o.Due != nil {
			left := int64(o.Due.Sub(now).Seconds())
			d.LeftSeconds, d.Overdue = &left, o.Due.Before(now)
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b Deadline) int {
		switch {
		case a.Due == nil && b.Due == nil:
			return Compare(a.Obligation, b.Obligation)
		case a.Due == nil:
			return -1
		case b.Due == nil:
			return 1
		}
		if c := a.Due.Compare(*b.Due); c != 0 {
			return c
		}
		return Compare(a.Obligation, b.Obligation)
	})
	return out
}
