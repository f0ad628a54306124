package natsbus

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// writeState is the outcome of the bus's last stream write that says
// something about the streams (not about the one message).
type writeState struct {
	mu      sync.Mutex
	err     error
	subject string
}

func (w *writeState) record(subject string, err error) {
	if err != nil && !streamFault(err) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.err, w.subject = err, subject
}

func (w *writeState) last() (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.subject, w.err
}

// messageFaults are JetStream error codes that concern one message, not
// the stream's ability to store: they leave readiness alone.
var messageFaults = map[jetstream.ErrorCode]bool{
	jetstream.JSErrCodeStreamMessageExceedsMaximum:     true,
	jetstream.JSErrCodeStreamWrongLastSequence:         true,
	jetstream.JSErrCodeStreamWrongLastSequenceConstant: true,
	10060: true, // expected stream does not match
	10070: true, // wrong last msg id
}

// streamFault reports whether a publish error says the streams cannot take
// writes (a full disk, a store error, no stream, no answer), as opposed to
// a fault of the message or a caller that gave up.
func streamFault(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, nats.ErrMaxPayload) || errors.Is(err, nats.ErrBadSubject) ||
		errors.Is(err, jetstream.ErrInvalidSubject) {
		return false
	}
	var api *jetstream.APIError
	if errors.As(err, &api) && messageFaults[api.ErrorCode] {
		return false
	}
	return true
}

// recordingJS is the bus's JetStream context: every synchronous publish
// records its outcome for WriteHealth.
type recordingJS struct {
	jetstream.JetStream
	w *writeState
}

// Publish publishes and records the outcome.
func (r recordingJS) Publish(ctx context.Context, subject string, payload []byte, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	ack, err := r.JetStream.Publish(ctx, subject, payload, opts...)
	r.w.record(subject, err)
	return ack, err
}

// PublishMsg publishes and records the outcome.
func (r recordingJS) PublishMsg(ctx context.Context, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	ack, err := r.JetStream.PublishMsg(ctx, msg, opts...)
	r.w.record(msg.Subject, err)
	return ack, err
}

// probeKind is the event kind of the write probe; no consumer of breach
// filters on it.
const probeKind = "write-probe"

// probeIncident stands where an incident id goes in the probe's subject;
// it cannot be an incident id.
const probeIncident = "_health"

// WriteHealth is nil unless the bus's last stream write failed for a
// reason that is not the message's own (a full disk, a store error). While
// it fails, each call writes a small probe message to the EVENTS stream
// (subject <prefix>.event._health.write-probe, deleted again at once); the
// first probe or publish that succeeds clears the failure, so readiness
// recovers by itself once the disk has room again. Add it to the service's
// readiness checks next to Ready.
func (b *Bus) WriteHealth(ctx context.Context) error {
	subject, err := b.writes.last()
	if err == nil {
		return nil
	}
	perr := b.probeWrite(ctx)
	if perr == nil {
		b.log.WithField("subject", subject).Info("stream writes work again")
		return nil
	}
	return fmt.Errorf("last stream write to %s failed: %w (a probe write failed too: %v)", subject, err, perr)
}

func (b *Bus) probeWrite(ctx context.Context) error {
	subject := b.subjects.Event(probeIncident, probeKind)
	ack, err := b.js.Publish(ctx, subject, []byte(`{"probe":"stream write check"}`))
	if err != nil {
		return err
	}
	// The probe has done its job; a failed delete leaves one small
	// message that nothing reads.
	if st, err := b.js.Stream(ctx, ack.Stream); err == nil {
		_ = st.DeleteMsg(ctx, ack.Sequence)
	}
	b.writes.record(subject, nil)
	return nil
}
