package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/sirupsen/logrus"
)

// Handle makes one attempt at the notice of a NOTICES message body raw,
// delivered `delivered` times by the transport. The body is a ticket
// (Tickets): only the notice key and its MAC. The notice's ledger row is
// the source of truth for the person, the route and its address, the
// approved revision and the version; nothing else in the message is
// believed. A message whose MAC fails, whose key has no ledger row or
// keeps no job, or whose row is already final on its first delivery (a
// replay), is dead-lettered with the reason, reported to
// WorkerConfig.Rejected and acknowledged, never sent. A redelivery of a
// message whose notice is final (the process stopped between recording
// and acknowledging) is acknowledged without sending; when the notice
// was sent or written, its event is published again, in case the stop
// came before it.
func (w *Worker) Handle(ctx context.Context, raw []byte, delivered int) Decision {
	if w.cfg.Tickets == nil {
		return w.reject(ctx, raw, RejectForged, errors.New("no notice key configured to check notice tickets"))
	}
	key, err := w.cfg.Tickets.Open(raw)
	switch {
	case errors.Is(err, ErrTicketForged):
		return w.reject(ctx, raw, RejectForged, err)
	case err != nil:
		return w.reject(ctx, raw, RejectMalformed, err)
	}
	if cl, ok := w.ledger.(Claimer); ok {
		return w.handleClaiming(ctx, cl, key, raw, delivered)
	}
	e, err := w.ledger.Get(ctx, key)
	switch {
	case errors.Is(err, ErrUnknownNotice):
		return w.rejectUnknown(ctx, raw)
	case err != nil:
		return w.retry(delivered, fmt.Errorf("ledger get: %w", err))
	}
	if !e.Sendable(w.cfg.Channel) {
		return w.refuse(ctx, key, e, raw, delivered)
	}
	return w.Deliver(ctx, e.Job, raw, delivered)
}

// handleClaiming is Handle on a ledger that reads and claims a notice in
// one step (Claimer). The provider's token bucket is waited on first, so
// a message that is then refused has used a token.
func (w *Worker) handleClaiming(ctx context.Context, cl Claimer, key string, raw []byte, delivered int) Decision {
	if err := w.waitLimiter(ctx); err != nil {
		return w.retry(delivered, err)
	}
	at := w.now()
	e, accepted, proceed, err := cl.Claim(ctx, key, w.cfg.Channel, at)
	switch {
	case errors.Is(err, ErrUnknownNotice):
		return w.rejectUnknown(ctx, raw)
	case err != nil:
		return w.retry(delivered, fmt.Errorf("ledger claim: %w", err))
	}
	if !accepted {
		return w.refuse(ctx, key, e, raw, delivered)
	}
	return w.attempt(ctx, e.Job, raw, delivered, e, proceed, at)
}

// rejectUnknown rejects a message whose key has no ledger row.
func (w *Worker) rejectUnknown(ctx context.Context, raw []byte) Decision {
	return w.reject(ctx, raw, RejectUnknown, fmt.Errorf("notice ticket for a key with no ledger row"))
}

// refuse answers a message whose ledger row e is not sendable: one that
// keeps no job of this channel is rejected; a final one is a replay on
// its first delivery, and a redelivery after the notice was recorded
// otherwise.
func (w *Worker) refuse(ctx context.Context, key string, e Entry, raw []byte, delivered int) Decision {
	if e.Job.Key != key || e.Job.Route.Channel != w.cfg.Channel {
		return w.reject(ctx, raw, RejectNoJob, fmt.Errorf("ledger row keeps no %s job for this key", w.cfg.Channel))
	}
	if delivered > 1 {
		if e.State == StateSent || e.State == StateWritten {
			// The process may have stopped between recording the
			// notice and publishing its event: publish it again (the
			// bus stores an event once per notice key).
			w.event(ctx, attemptLog{w: w, incident: e.Job.IncidentID, key: key},
				sentEvent(e.Job, e.State, e.ProviderID, e.Attempts), true)
		}
		return Decision{Action: Ack, Reason: "already " + string(e.State)}
	}
	// A replay, or a second copy a re-plan queued while the first was
	// still waiting: either way nothing is sent.
	return w.reject(ctx, raw, RejectFinal, fmt.Errorf("notice ticket for a notice already %s (a replay, or a copy queued again by a re-plan)", e.State))
}

// reject dead-letters a message that will not be sent, counts it and
// acknowledges it; a dead letter that cannot be written is retried.
func (w *Worker) reject(ctx context.Context, raw []byte, reason string, cause error) Decision {
	msg := "notice rejected (" + reason + "): " + cause.Error()
	if err := w.sink.DeadLetter(ctx, string(w.cfg.Channel), raw, msg); err != nil {
		return w.retry(1, fmt.Errorf("dead-letter rejected notice: %w", err))
	}
	if w.cfg.Rejected != nil {
		w.cfg.Rejected(reason)
	}
	if w.cfg.OnRejected != nil {
		w.cfg.OnRejected(reason, raw)
	}
	w.log.WithFields(logrus.Fields{"reason": reason}).Warn("notice message rejected and dead-lettered unsent")
	return Decision{Action: Ack, Reason: msg}
}
