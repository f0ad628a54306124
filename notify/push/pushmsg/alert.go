package pushmsg

import (
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/notify"
)

// Alerts logs a sender's configuration and connectivity problems once each,
// not once per push of a million-person campaign, until a push is accepted
// again: notify.Alerts, which every channel with a real provider shares,
// behind the two calls the senders make. The zero value is not usable: set
// Log. It is safe for concurrent use.
type Alerts struct {
	// Log receives the alerts; its fields must carry no personal data.
	Log *logrus.Entry

	once sync.Once
	a    *notify.Alerts
}

func (a *Alerts) alerts() *notify.Alerts {
	a.once.Do(func() { a.a = notify.NewAlerts(a.Log, nil) })
	return a.a
}

// Alert logs msg at error level with fields, unless kind was alerted since
// the last OK.
func (a *Alerts) Alert(kind string, fields logrus.Fields, msg string) {
	a.alerts().Raise(kind, fields, msg)
}

// OK records an accepted push: the alerts are cleared, and if there were
// any, that the platform works again is logged.
func (a *Alerts) OK() {
	if al := a.alerts(); al.Active() {
		al.Clear(nil, "push service accepts notices again")
	}
}
