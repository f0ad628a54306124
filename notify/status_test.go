package notify

import (
	"context"
	"testing"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/google/go-cmp/cmp"
)

// statusSetup plans one person's SMS (sent, provider id SM1) with e-mail
// and letter routes behind it, or, with lastRoute, an SMS with no route
// behind it.
func statusSetup(t *testing.T, lastRoute bool) (*StatusRecorder, *MemoryLedger, *recordingSink, Job) {
	t.Helper()
	ctx := context.Background()
	led := NewMemoryLedger()
	sink := &recordingSink{}
	var fb []Route
	if !lastRoute {
		fb = []Route{{Channel: ChannelLetter, To: "1 Road"}}
	}
	job := NewJob("INC-1", 1, 1, "u-1", Route{Channel: ChannelSMS, To: "+15555550100"}, fb)
	if _, _, err := led.Plan(ctx, []Entry{job.Entry()}); err != nil {
		t.Fatal(err)
	}
	if err := led.Finish(ctx, job.Key, Outcome{State: StateSent, ProviderID: "SM1", TemplateVersion: "t1", ContentHash: "h1", At: fixedNow()}); err != nil {
		t.Fatal(err)
	}
	return NewStatusRecorder(led, sink, logging.Discard(), fixedNow), led, sink, job
}

func TestStatusDelivered(t *testing.T) {
	ctx := context.Background()
	r, led, sink, job := statusSetup(t, false)
	for range 2 { // Twilio may report twice
		if err := r.Delivered(ctx, ChannelSMS, "SM1"); err != nil {
			t.Fatalf("Delivered: %v", err)
		}
	}
	e, _ := led.Get(ctx, job.Key)
	if e.State != StateDelivered || e.ProviderID != "SM1" || e.ContentHash != "h1" || !e.SentAt.Equal(fixedNow()) {
		t.Errorf("after Delivered: got %+v, want delivered keeping provider id, hash and sent_at", e)
	}
	if diff := cmp.Diff([]string{"notice.delivered"}, sink.events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// Unknown ids (another application's messages) are ignored.
	if err := r.Delivered(ctx, ChannelSMS, "SM-unknown"); err != nil {
		t.Errorf("Delivered of an unknown id: got %v, want nil", err)
	}
}

func TestStatusFailedFallsBackToTheNextRoute(t *testing.T) {
	ctx := context.Background()
	r, led, sink, job := statusSetup(t, false)
	if err := r.Failed(ctx, ChannelSMS, "SM1", "undelivered 30003"); err != nil {
		t.Fatalf("Failed: %v", err)
	}
	e, _ := led.Get(ctx, job.Key)
	if e.State != StateFailedPermanent || e.Error != "provider reported: undelivered 30003" {
		t.Errorf("SMS after Failed: got %s %q, want failed_permanent with the reason", e.State, e.Error)
	}
	next, _ := job.Next()
	if len(sink.jobs) != 1 || sink.jobs[0].Key != next.Key {
		t.Fatalf("queued: got %v, want the letter", sink.jobs)
	}
	if l, err := led.Get(ctx, next.Key); err != nil || l.State != StatePending || l.Job.Route.To != "1 Road" {
		t.Errorf("letter: got %+v, %v, want pending with its job", l, err)
	}
	// A repeated report changes nothing and queues nothing more.
	if err := r.Failed(ctx, ChannelSMS, "SM1", "undelivered 30003"); err != nil || len(sink.jobs) != 1 {
		t.Errorf("repeated Failed: got %v and %d jobs, want nil and 1", err, len(sink.jobs))
	}
}

func TestStatusFailedLastRouteMarksUnreachable(t *testing.T) {
	ctx := context.Background()
	r, led, _, job := statusSetup(t, true)
	if err := r.Failed(ctx, ChannelSMS, "SM1", "failed 21610"); err != nil {
		t.Fatalf("Failed: %v", err)
	}
	if e, _ := led.Get(ctx, job.Key); e.State != StateUnreachable {
		t.Errorf("last route after Failed: got %s, want unreachable", e.State)
	}
}
