package workflow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
)

// flakyPublisher fails its first failures calls, then hands events on.
type flakyPublisher struct {
	next     Publisher
	failures int
	calls    int
}

func (f *flakyPublisher) Publish(ctx context.Context, ev incident.Event) error {
	f.calls++
	if f.calls <= f.failures {
		return errors.New("nats: timeout")
	}
	return f.next.Publish(ctx, ev)
}

// TestRetryingPublisherDeliversAfterFaults: a publication that fails twice
// is retried and the event arrives on the EVENTS stream once.
func TestRetryingPublisherDeliversAfterFaults(t *testing.T) {
	bus, err := natsbus.Start(context.Background(), natsbus.Options{StoreDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	flaky := &flakyPublisher{next: bus, failures: 2}
	p := Retrying(flaky, 5, time.Millisecond)
	ev := incident.Approved{ID: "INC-RETRY", Revision: 1, At: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	if err := p.Publish(context.Background(), ev); err != nil {
		t.Fatalf("Publish: got %v, want nil after two faults", err)
	}
	if flaky.calls != 3 {
		t.Errorf("attempts: got %d, want 3", flaky.calls)
	}
	info, err := bus.JetStream().Stream(context.Background(), bus.Streams().Events)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := info.GetLastMsgForSubject(context.Background(), bus.Topics().Event("INC-RETRY", string(incident.EventApproved)))
	if err != nil {
		t.Fatalf("approved event not on the stream: %v", err)
	}
	if !strings.Contains(string(msg.Data), `"revision":1`) {
		t.Errorf("event payload: got %s", msg.Data)
	}
}

// TestRetryingPublisherGivesUpNamingTheEvent: when every attempt fails the
// error names the event and the number of attempts, for the caller to
// handle.
func TestRetryingPublisherGivesUpNamingTheEvent(t *testing.T) {
	flaky := &flakyPublisher{failures: 99}
	err := Retrying(flaky, 3, time.Millisecond).Publish(context.Background(), incident.Assessed{ID: "INC-X", Revision: 2})
	if err == nil || !strings.Contains(err.Error(), "assessed event of INC-X after 3 attempts") {
		t.Errorf("got %v, want an error naming the event and the attempts", err)
	}
	if flaky.calls != 3 {
		t.Errorf("attempts: got %d, want 3", flaky.calls)
	}
}
