package notify

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/logging"
)

// Alerts logs each kind of provider problem (cannot connect, credentials
// refused, sender not allowed...) once, until the provider works again, so
// an outage is one log line and its end another, not one line per notice.
// Every channel with a real provider uses it. Fields must not carry
// personal data.
type Alerts struct {
	log *logrus.Entry
	// quiet kinds are remembered but do not make Active true (problems
	// tied to one destination, such as a sender refused for one country).
	quiet func(kind string) bool

	mu     sync.Mutex
	kinds  map[string]bool
	active atomic.Bool
}

// NewAlerts returns Alerts logging to log (discarded when nil). quiet, when
// not nil, names the kinds that do not count for Active.
func NewAlerts(log *logrus.Entry, quiet func(kind string) bool) *Alerts {
	if log == nil {
		log = logging.Discard()
	}
	if quiet == nil {
		quiet = func(string) bool { return false }
	}
	return &Alerts{log: log, quiet: quiet, kinds: map[string]bool{}}
}

// Raise logs msg for kind unless kind is already raised: at warning level
// for "connect" (usually passing), at error level otherwise.
func (a *Alerts) Raise(kind string, fields logrus.Fields, msg string) {
	a.mu.Lock()
	seen := a.kinds[kind]
	a.kinds[kind] = true
	if !a.quiet(kind) {
		a.active.Store(true)
	}
	a.mu.Unlock()
	if seen {
		return
	}
	e := a.log.WithFields(fields).WithField("problem", kind)
	if kind == "connect" {
		e.Warn(msg)
		return
	}
	e.Error(msg)
}

// Clear forgets every raised kind that keep does not keep (all when keep
// is nil) and, when some were cleared, logs msg naming them.
func (a *Alerts) Clear(keep func(kind string) bool, msg string) {
	a.mu.Lock()
	var cleared []string
	for k := range a.kinds {
		if keep == nil || !keep(k) {
			cleared = append(cleared, k)
			delete(a.kinds, k)
		}
	}
	still := false
	for k := range a.kinds {
		still = still || !a.quiet(k)
	}
	a.active.Store(still)
	a.mu.Unlock()
	if len(cleared) > 0 {
		slices.Sort(cleared)
		a.log.WithField("problem", strings.Join(cleared, ",")).Info(msg)
	}
}

// Active reports whether a problem that is not quiet is raised.
func (a *Alerts) Active() bool { return a.active.Load() }
