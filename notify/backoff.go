package notify

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff computes retry delays: exponential from Base by Factor up to Max,
// with jitter so that many failed notices do not retry in lock-step.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration
	Factor float64
	// Rand returns a number in [0, 1); nil uses math/rand/v2.
	Rand func() float64
}

// DefaultBackoff starts at 2s and doubles up to 10 minutes.
func DefaultBackoff() Backoff {
	return Backoff{Base: 2 * time.Second, Max: 10 * time.Minute, Factor: 2}
}

// Delay returns the wait before retry number attempt (1 = first retry):
// a uniformly random duration in [d/2, d] where d = Base·Factor^(attempt-1)
// capped at Max ("equal jitter": never zero, never above the cap).
func (b Backoff) Delay(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := float64(b.Base) * math.Pow(b.Factor, float64(attempt-1))
	if d > float64(b.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		d = float64(b.Max)
	}
	r := rand.Float64
	if b.Rand != nil {
		r = b.Rand
	}
	return time.Duration(d/2 + r()*d/2)
}
