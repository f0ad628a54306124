package natsbus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// writeState is, per stream, the last write failure that says something
// about the stream (not about the one message); a write to the same stream
// that succeeds clears it. Streams are told apart by their probe subject.
type writeState struct {
	key    func(subject string) string
	mu     sync.Mutex
	failed map[string]writeFailure
}

type writeFailure struct {
	subject string
	err     error
}

func (w *writeState) record(subject string, err error) {
	if err != nil && !streamFault(err) {
		return
	}
	k := w.key(subject)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		delete(w.failed, k)
		return
	}
	if w.failed == nil {
		w.failed = map[string]writeFailure{}
	}
	w.failed[k] = writeFailure{subject, err}
}

func (w *writeState) snapshot() map[string]writeFailure {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]writeFailure, len(w.failed))
	for k, f := range w.failed {
		out[k] = f
	}
	return out
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

// probeToken is the subject token of write probes: no consumer of breach
// filters on it, and it cannot be an incident id or a channel.
const probeToken = "_health"

// probeSubject is where to probe after a failed write to subject: the same
// stream, except INCIDENTS, whose intake reads every subject (a probe there
// would be dead-lettered); a failure there is the disk's, so EVENTS tells.
func (b *Bus) probeSubject(subject string) string {
	p := b.subjects.p() + "."
	switch {
	case strings.HasPrefix(subject, p+"notice."):
		return b.subjects.Notice(probeToken)
	case strings.HasPrefix(subject, p+"deadletter."):
		return b.subjects.Deadletter(probeToken)
	}
	return b.subjects.Event(probeToken, "write-probe")
}

// WriteHealth is nil unless a stream write of the bus failed for a reason
// that is not the message's own (a full disk, a store error) and no write to
// the same stream has worked since. For each such stream, each call writes a
// small probe message to it (<prefix>.notice._health,
// <prefix>.deadletter._health, or <prefix>.event._health.write-probe for
// EVENTS and INCIDENTS), deleted again at once; a probe or publish that
// succeeds clears the failure, so readiness recovers by itself once the disk
// has room again. Add it to the service's readiness checks next to Ready.
func (b *Bus) WriteHealth(ctx context.Context) error {
	var errs []error
	for probe, f := range b.writes.snapshot() {
		perr := b.probeWrite(ctx, probe)
		if perr == nil {
			b.log.WithField("subject", f.subject).Info("stream writes work again")
			continue
		}
		errs = append(errs, fmt.Errorf("stream write to %s failed: %w (a probe write failed too: %v)", f.subject, f.err, perr))
	}
	return errors.Join(errs...)
}

func (b *Bus) probeWrite(ctx context.Context, subject string) error {
	// Not through recordingJS: a failed probe must not replace the
	// failure it checks.
	js := b.js
	if r, ok := js.(recordingJS); ok {
		js = r.JetStream
	}
	ack, err := js.Publish(ctx, subject, []byte(`{"probe":"stream write check"}`))
	if err != nil {
		return err
	}
	// The probe has done its job; a failed delete leaves one small
	// message that nothing reads.
	if st, err := js.Stream(ctx, ack.Stream); err == nil {
		_ = st.DeleteMsg(ctx, ack.Sequence)
	}
	b.writes.record(subject, nil)
	return nil
}
