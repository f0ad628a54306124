package config

import (
	"strings"

	"github.com/breach-notify/breach/notify"
)

// Policy returns the campaign's channel policy.
func (c Campaign) Policy() (notify.Policy, error) {
	p := notify.Policy{SMSAlsoWhenHigh: c.SMSAlsoWhenHigh, Push: c.Push}
	for _, name := range strings.Split(c.Channels, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		ch, err := notify.ParseChannel(name)
		if err != nil {
			return p, err
		}
		p.Order = append(p.Order, ch)
	}
	return p, p.Validate()
}
