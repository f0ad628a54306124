package notify

import (
	"fmt"
	"slices"
	"strings"
)

// Recipient is what the planner knows about one affected person.
type Recipient struct {
	ID            string
	Name          string
	Email         string
	Phone         string
	PostalAddress string
	Locale        string
	Jurisdiction  string
	Minor         bool
	GuardianEmail string
	GuardianPhone string
	Devices       []Device
	// Categories are the data categories exposed for this person.
	Categories []string
	// HighRisk marks a person whose own jurisdiction's assessment is high
	// risk; the campaign's HighRisk applies to everyone on top.
	HighRisk bool
}

// Device is a push endpoint of a person.
type Device struct {
	Platform string // webpush, apns, fcm
	Token    string // device token or Web Push subscription JSON
}

// Route is one way to reach one person: a channel and an address. Guardian
// routes reach a minor's parent or guardian and use the guardian template.
type Route struct {
	Channel  Channel `json:"channel"`
	To       string  `json:"to"`
	ToName   string  `json:"to_name,omitempty"`
	Guardian bool    `json:"guardian,omitempty"`
}

// Plan is the channel plan for one person: the routes to try in order until
// one succeeds, and accelerators (push) sent alongside that do not count as
// the legal notice.
type Plan struct {
	// Primary routes are sent at once; each one that fails permanently
	// falls back to the next unused route in Fallback.
	Primary      []Route `json:"primary"`
	Fallback     []Route `json:"fallback,omitempty"`
	Accelerators []Route `json:"accelerators,omitempty"`
}

// Reachable reports whether the plan has any route that can carry the
// legal notice.
func (p Plan) Reachable() bool { return len(p.Primary) > 0 }

// Policy chooses each person's channel plan. The zero value is not useful:
// start from DefaultPolicy.
type Policy struct {
	// Order is the preference of legal-notice channels, first tried first.
	Order []Channel
	// SMSAlsoWhenHigh sends SMS as well as e-mail when the risk is high.
	SMSAlsoWhenHigh bool
	// Push sends a push notice to every device as an accelerator.
	Push bool
	// Disabled channels are never planned (e.g. no voice provider).
	Disabled []Channel
}

// DefaultPolicy is e-mail first, then SMS, voice and letter; SMS as well
// when the risk is high; push as an accelerator; guardians for minors.
func DefaultPolicy() Policy {
	return Policy{
		Order:           []Channel{ChannelEmail, ChannelSMS, ChannelVoice, ChannelLetter},
		SMSAlsoWhenHigh: true,
		Push:            true,
	}
}

// Validate checks the policy names real channels once each and push is not
// a legal-notice channel.
func (p Policy) Validate() error {
	if len(p.Order) == 0 {
		return fmt.Errorf("campaign.channels: needs at least one channel")
	}
	seen := map[Channel]bool{}
	for _, c := range p.Order {
		if !c.Valid() {
			return fmt.Errorf("campaign.channels: unknown channel %q", c)
		}
		if c == ChannelPush {
			return fmt.Errorf("campaign.channels: push carries no notice content and cannot be a legal-notice channel; use campaign.push")
		}
		if seen[c] {
			return fmt.Errorf("campaign.channels: %s is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

func (p Policy) enabled(c Channel) bool { return !slices.Contains(p.Disabled, c) }

// Plan chooses the routes for one person. Minors are reached through their
// guardian's contacts when there are any (the guardian variant is used),
// else through their own. highRisk adds SMS alongside e-mail.
func (p Policy) Plan(r *Recipient, highRisk bool) Plan {
	var routes []Route
	guardian := r.Minor && (r.GuardianEmail != "" || r.GuardianPhone != "")
	for _, c := range p.Order {
		if !p.enabled(c) {
			continue
		}
		to := address(r, c, guardian)
		if to == "" {
			continue
		}
		name := r.Name
		if guardian {
			name = "" // the guardian's name is not in the directory
		}
		// A letter to a minor goes to their home address but is the
		// guardian variant, addressed to the parent or guardian of the
		// child, like every other route of a minor with guardian contacts.
		routes = append(routes, Route{Channel: c, To: to, ToName: name, Guardian: guardian})
	}
	var plan Plan
	if len(routes) > 0 {
		plan.Primary = routes[:1]
		rest := routes[1:]
		if highRisk && p.SMSAlsoWhenHigh && routes[0].Channel == ChannelEmail {
			if i := slices.IndexFunc(rest, func(x Route) bool { return x.Channel == ChannelSMS }); i >= 0 {
				plan.Primary = append(plan.Primary, rest[i])
				rest = slices.Delete(slices.Clone(rest), i, i+1)
			}
		}
		if len(rest) > 0 {
			plan.Fallback = rest
		}
	}
	if p.Push && p.enabled(ChannelPush) {
		for _, d := range r.Devices {
			if strings.TrimSpace(d.Token) != "" {
				plan.Accelerators = append(plan.Accelerators, Route{Channel: ChannelPush, To: d.Platform + ":" + d.Token})
			}
		}
	}
	return plan
}

func address(r *Recipient, c Channel, guardian bool) string {
	switch c {
	case ChannelEmail:
		if guardian {
			return r.GuardianEmail
		}
		return r.Email
	case ChannelSMS, ChannelVoice:
		if guardian {
			return r.GuardianPhone
		}
		return r.Phone
	case ChannelLetter:
		return r.PostalAddress // a letter to a minor's home reaches the household (their guardian, in the guardian variant)
	}
	return ""
}
