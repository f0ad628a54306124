package pushmsg

import (
	"sync"
	"sync/atomic"

	"github.com/sirupsen/logrus"
)

// Alerts logs a sender's configuration and connectivity problems once each,
// not once per push of a million-person campaign, until a push is accepted
// again. The zero value is not usable: set Log. It is safe for concurrent
// use.
type Alerts struct {
	// Log receives the alerts; its fields must carry no personal data.
	Log *logrus.Entry

	mu     sync.Mutex
	seen   map[string]bool
	active atomic.Bool
}

// Alert logs msg at error level with fields, unless kind was alerted since
// the last OK.
func (a *Alerts) Alert(kind string, fields logrus.Fields, msg string) {
	a.mu.Lock()
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	seen := a.seen[kind]
	a.seen[kind] = true
	a.active.Store(true)
	a.mu.Unlock()
	if !seen {
		a.Log.WithFields(fields).WithField("problem", kind).Error(msg)
	}
}

// OK records an accepted push: the alerts are cleared, and if there were
// any, that the platform works again is logged.
func (a *Alerts) OK() {
	if !a.active.Load() {
		return
	}
	a.mu.Lock()
	a.active.Store(false)
	n := len(a.seen)
	clear(a.seen)
	a.mu.Unlock()
	if n > 0 {
		a.Log.Info("push service accepts notices again")
	}
}
