package app

import (
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
)

// downSink refuses every event, as a sink does while NATS is down.
type downSink struct{ notify.Sink }

func (downSink) Event(context.Context, incident.NoticeOutcome) error {
	return errors.New("nats: no responders")
}

// TestNoticeOutcomesCountedOnce: breach_notices_total counts an outcome
// when it is handed to the sink, even when the bus refuses the event, and
// not again when the worker republishes it.
func TestNoticeOutcomesCountedOnce(t *testing.T) {
	m := newServiceMetrics()
	sink := m.countNotices(downSink{})
	ev := incident.NoticeOutcome{Kind: incident.EventNoticeSent, Incident: "INC-1", Key: "notice/INC-1/u-1/email/v1",
		Subject: "u-1", Channel: "email", State: "sent", Attempt: 1}
	ctx := context.Background()
	if err := sink.Event(ctx, ev); err == nil {
		t.Fatal("Event on a sink that is down: got nil, want its error")
	}
	re, ok := sink.(notify.Republisher)
	if !ok {
		t.Fatal("the counting sink is not a notify.Republisher")
	}
	for range 3 {
		_ = re.Republish(ctx, ev)
	}
	failed := ev
	failed.Kind, failed.State = incident.EventNoticeFailed, "unreachable"
	_ = sink.Event(ctx, failed)
	c := sink.(countingSink).outcomes
	if got := testutil.ToFloat64(c.WithLabelValues("email", "sent")); got != 1 {
		t.Errorf("sent: got %v, want 1", got)
	}
	if got := testutil.ToFloat64(c.WithLabelValues("email", "unreachable")); got != 1 {
		t.Errorf("unreachable: got %v, want 1", got)
	}
}
