// Package notify is the notice campaign engine: the Notifier contract every
// channel implements, the planner that turns an assessment into one notice
// per (incident, person, channel, version), the ledger that proves each
// notice, and the delivery stages (dedup, rate limit, retry, record,
// fallback) the channel workers run. Channels live in subpackages
// (notify/email, notify/outbox, ...), each exporting Notifier, Config, New.
package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Channel names a way of reaching a person.
type Channel string

// The channels a notice can take.
const (
	ChannelEmail  Channel = "email"
	ChannelSMS    Channel = "sms"
	ChannelPush   Channel = "push"
	ChannelVoice  Channel = "voice"
	ChannelLetter Channel = "letter"
	// ChannelNone books a person with no usable route in the ledger, so
	// that the unreachable count (which drives the public announcement)
	// is proved like every notice.
	ChannelNone Channel = "none"
)

// Message is one rendered notice ready to hand to a provider.
type Message struct {
	// Key is the idempotency key (incident, person, channel, version).
	Key        string
	IncidentID string
	SubjectID  string
	Channel    Channel
	// To is the address on this channel: an e-mail address, an E.164
	// phone number, a device token or subscription JSON, a postal address.
	To string
	// ToName is the recipient's display name (e-mail, letter), may be empty.
	ToName string
	Locale string
	// Subject, Text and HTML are the rendered content (Subject is the push
	// title for push; HTML only for e-mail).
	Subject string
	Text    string
	HTML    string
	// VerificationCode lets the recipient check the notice is genuine.
	VerificationCode string
}

// Notifier sends one message on one channel. It returns the provider's
// message id. Errors are classified with Temporary/Permanent so the retry
// stage knows whether to try again; an unclassified error counts as
// temporary. A Notifier must never put the recipient address, the content
// or a secret into a returned error.
type Notifier interface {
	Notify(ctx context.Context, m *Message) (providerID string, err error)
}

// Reconciler is implemented by notifiers whose provider can say whether an
// earlier attempt went out after all (an SMS API without idempotency keys,
// where a timeout after the request was sent is ambiguous). Before each
// retry the worker asks it, so an ambiguous attempt is recorded as sent
// instead of being sent twice.
type Reconciler interface {
	FindSent(ctx context.Context, m *Message, since time.Time) (providerID string, err error)
}

// DeliveryError is a classified delivery failure.
type DeliveryError struct {
	// Permanent is true when retrying cannot help (SMTP 5xx, invalid
	// number, unregistered device); the person's next channel is tried.
	Permanent bool
	// Code is the provider's code, e.g. "550 5.1.1" or "21211".
	Code string
	// Reason is a short description free of personal data and secrets.
	Reason string
	Err    error
}

func (e *DeliveryError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	s := kind + " delivery failure"
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// Permanent wraps a failure that must not be retried.
func Permanent(code, reason string, err error) error {
	return &DeliveryError{Permanent: true, Code: code, Reason: reason, Err: err}
}

// Temporary wraps a failure worth retrying later.
func Temporary(code, reason string, err error) error {
	return &DeliveryError{Code: code, Reason: reason, Err: err}
}

// IsPermanent reports whether err is a permanent delivery failure.
func IsPermanent(err error) bool {
	var de *DeliveryError
	return errors.As(err, &de) && de.Permanent
}

// ErrNoAddress means the person has no address on the channel.
var ErrNoAddress = errors.New("no address on this channel")

// String implements fmt.Stringer.
func (c Channel) String() string { return string(c) }

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelEmail, ChannelSMS, ChannelPush, ChannelVoice, ChannelLetter:
		return true
	}
	return false
}

// legalChannels are the channels that carry the legal notice; push is an
// accelerator only.
var legalChannels = []Channel{ChannelEmail, ChannelSMS, ChannelVoice, ChannelLetter}

// LegalChannels returns the channels that carry the legal notice, in
// the default order.
func LegalChannels() []Channel { return slices.Clone(legalChannels) }

// Legal reports whether c carries the legal notice (every channel but push
// and none): whether its notices count in telling whether a person was
// reached.
func (c Channel) Legal() bool { return slices.Contains(legalChannels, c) }

// ParseChannel parses a channel name.
func ParseChannel(s string) (Channel, error) {
	if c := Channel(s); c.Valid() {
		return c, nil
	}
	return "", fmt.Errorf("unknown channel %q (want email, sms, push, voice or letter)", s)
}
