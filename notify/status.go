package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
)

// StatusRecorder records what a provider reports about a notice after it
// was handed over (Twilio's status callbacks): delivered, or failed for
// good, in which case the person's next route is planned and queued, or,
// with none left, the ledger settles whether the person is unreachable.
// A report is matched to its notice by the provider's id; repeated
// reports are harmless.
type StatusRecorder struct {
	ledger Ledger
	sink   Sink
	log    *logrus.Entry
	now    func() time.Time
}

// NewStatusRecorder returns a recorder writing to l and queueing fallbacks
// and events on s. A nil log discards; a nil now is time.Now.
func NewStatusRecorder(l Ledger, s Sink, log *logrus.Entry, now func() time.Time) *StatusRecorder {
	if log == nil {
		log = logging.Discard()
	}
	if now == nil {
		now = time.Now
	}
	return &StatusRecorder{ledger: l, sink: s, log: log.WithField("component", "provider-status"), now: now}
}

// find returns the notice of channel with provider id; ok is false (and
// the report is ignored) when no notice has it.
func (r *StatusRecorder) find(ctx context.Context, channel Channel, providerID string) (Entry, bool, error) {
	e, err := r.ledger.ByProvider(ctx, channel, providerID)
	switch {
	case errors.Is(err, ErrUnknownNotice):
		r.log.WithFields(logrus.Fields{"channel": string(channel), "provider_id": providerID}).Warn("provider status for no known notice ignored")
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, fmt.Errorf("provider status %s: %w", providerID, err)
	}
	return e, true, nil
}

// Delivered records that the notice of channel with the provider's id
// reached the person: sent becomes delivered. A notice in any other state
// is left as it is.
func (r *StatusRecorder) Delivered(ctx context.Context, channel Channel, providerID string) error {
	e, ok, err := r.find(ctx, channel, providerID)
	if !ok || err != nil {
		return err
	}
	if e.State != StateSent {
		return nil
	}
	o := Outcome{State: StateDelivered, ProviderID: e.ProviderID, TemplateVersion: e.TemplateVersion, ContentHash: e.ContentHash, At: r.now()}
	if err := r.ledger.Finish(ctx, e.Key, o); err != nil {
		return fmt.Errorf("provider status %s: %w", providerID, err)
	}
	r.event(ctx, e, incident.NoticeOutcome{Kind: incident.EventNoticeDelivered, State: string(StateDelivered), Provider: providerID})
	return nil
}

// Failed records that the notice of channel with the provider's id will
// not reach the person (reason says why, e.g. "undelivered 30003"): it
// becomes failed_permanent and the person's next route is planned and
// queued; with none left, it is settled (unreachable when none of the
// person's legal-notice routes is live). Only a sent or delivered notice
// is failed this way; other states are left as they are.
func (r *StatusRecorder) Failed(ctx context.Context, channel Channel, providerID, reason string) error {
	e, ok, err := r.find(ctx, channel, providerID)
	if !ok || err != nil {
		return err
	}
	if e.State != StateSent && e.State != StateDelivered {
		return nil
	}
	if e.Job.Key != e.Key {
		return fmt.Errorf("provider status %s: notice %s keeps no job to fall back from", providerID, e.Key)
	}
	next, hasNext := e.Job.Next()
	if hasNext {
		if err := planFallback(ctx, r.ledger, r.sink, next, r.now()); err != nil {
			return fmt.Errorf("provider status %s: %w", providerID, err)
		}
	}
	o := Outcome{State: StateFailedPermanent, ProviderID: e.ProviderID, Error: "provider reported: " + reason,
		TemplateVersion: e.TemplateVersion, ContentHash: e.ContentHash, At: r.now()}
	state, err := recordFailure(ctx, r.ledger, e.Job, o, !hasNext)
	if err != nil {
		return fmt.Errorf("provider status %s: %w", providerID, err)
	}
	ev := incident.NoticeOutcome{Kind: incident.EventNoticeFailed, State: string(state), Provider: providerID, Error: o.Error}
	if hasNext {
		ev.Fallback = string(next.Route.Channel)
	}
	r.event(ctx, e, ev)
	return nil
}

// event publishes ev about ledger entry e, naming the notice from its row
// (which keeps no job when it was planned before the ledger kept jobs).
func (r *StatusRecorder) event(ctx context.Context, e Entry, ev incident.NoticeOutcome) {
	ev.Incident, ev.Key, ev.Subject, ev.Channel = e.IncidentID, e.Key, e.SubjectID, string(e.Channel)
	if err := r.sink.Event(ctx, ev); err != nil {
		r.log.WithError(err).WithField("notice", e.Key).Warn("publish event")
	}
}
