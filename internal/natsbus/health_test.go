package natsbus

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestRetentionAndSizeLimits(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want map[string][3]int64 // stream: max age (s), max bytes, max msg size
	}{
		{"defaults", Options{}, map[string][3]int64{
			StreamIncidents:  {0, -1, 1 << 20},
			StreamDeadletter: {30 * 24 * 3600, 1 << 30, 1<<20 + 64<<10},
			StreamEvents:     {90 * 24 * 3600, 1 << 30, -1},
		}},
		{"configured", Options{DeadletterMaxAge: 48 * time.Hour, DeadletterMaxBytes: 10 << 20, EventsMaxAge: 2 * time.Hour, EventsMaxBytes: 5 << 20, IncidentMaxBytes: 4096}, map[string][3]int64{
			StreamIncidents:  {0, -1, 4096},
			StreamDeadletter: {48 * 3600, 10 << 20, 4096 + 64<<10},
			StreamEvents:     {2 * 3600, 5 << 20, -1},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.StoreDir = t.TempDir()
			b := start(t, c.opts)
			got := map[string][3]int64{}
			for name := range c.want {
				cfg := streamInfo(t, b, name).Config
				got[name] = [3]int64{int64(cfg.MaxAge / time.Second), cfg.MaxBytes, int64(cfg.MaxMsgSize)}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("stream limits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOversizedIncidentIsRefusedToItsPublisher(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir(), IncidentMaxBytes: 2048})
	ctx := context.Background()
	_, err := b.JetStream().Publish(ctx, b.Topics().IncidentSubmit(), make([]byte, 4096))
	if err == nil || !strings.Contains(err.Error(), "maximum") {
		t.Fatalf("publish 4 KiB: got %v, want a refusal naming the maximum", err)
	}
	// The message was at fault, not the stream: still ready.
	if err := b.WriteHealth(ctx); err != nil {
		t.Errorf("WriteHealth after a refused message: got %v, want nil", err)
	}
}

// TestWriteHealthRecovers makes EVENTS refuse every write (as a full disk
// does), checks that WriteHealth reports it, then gives the stream room and
// checks that WriteHealth recovers without another publish.
func TestWriteHealthRecovers(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	cfgs := b.StreamConfigs()
	events := cfgs[3]
	if events.Name != StreamEvents {
		t.Fatalf("StreamConfigs()[3] is %s, want EVENTS", events.Name)
	}
	if err := b.PublishEvent(ctx, "INC-1", "received", map[string]int{"revision": 1}); err != nil {
		t.Fatal(err)
	}
	full := events
	full.MaxBytes, full.Discard = 1, jetstream.DiscardNew
	if _, err := b.JetStream().UpdateStream(ctx, full); err != nil {
		t.Fatalf("make EVENTS full: %v", err)
	}
	if err := b.PublishEvent(ctx, "INC-1", "assessed", map[string]string{"risk": "high"}); err == nil {
		t.Fatal("publish to a full EVENTS: got nil error")
	}
	err := b.WriteHealth(ctx)
	if err == nil || !strings.Contains(err.Error(), "breach.event.INC-1.assessed") {
		t.Fatalf("WriteHealth while full: got %v, want the failed subject", err)
	}
	if err := b.WriteHealth(ctx); err == nil {
		t.Fatal("WriteHealth while still full: got nil, want the error")
	}
	if _, err := b.JetStream().UpdateStream(ctx, events); err != nil {
		t.Fatalf("give EVENTS room: %v", err)
	}
	if err := b.WriteHealth(ctx); err != nil {
		t.Fatalf("WriteHealth once there is room: got %v, want nil", err)
	}
	// The probe left nothing behind for consumers.
	if n := streamInfo(t, b, StreamEvents).State.Msgs; n != 1 {
		t.Errorf("EVENTS: got %d messages, want the 1 real event", n)
	}
}

// TestWriteHealthSeesAsyncPublishes: the notice queue publishes
// asynchronously; its failures count too.
func TestWriteHealthSeesAsyncPublishes(t *testing.T) {
	b := start(t, Options{StoreDir: t.TempDir()})
	ctx := context.Background()
	notices := b.StreamConfigs()[1]
	full := notices
	full.MaxMsgs, full.Discard = 1, jetstream.DiscardNew
	if _, err := b.JetStream().UpdateStream(ctx, full); err != nil {
		t.Fatalf("make NOTICES full: %v", err)
	}
	for i := range 2 {
		f, err := b.JetStream().PublishMsgAsync(&nats.Msg{Subject: b.Topics().Notice("email"), Data: []byte{'0' + byte(i)}})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-f.Ok():
		case err := <-f.Err():
			t.Logf("publish %d: %v", i, err)
		case <-time.After(10 * time.Second):
			t.Fatal("no answer to an asynchronous publish")
		}
	}
	waitFor(t, "WriteHealth to report the asynchronous failure", func() bool { return b.WriteHealth(ctx) != nil })
	// A write to another stream that works does not hide it.
	if err := b.PublishEvent(ctx, "INC-1", "received", map[string]int{"revision": 1}); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteHealth(ctx); err == nil || !strings.Contains(err.Error(), "breach.notice.email") {
		t.Errorf("WriteHealth: got %v, want the failed subject", err)
	}
	if _, err := b.JetStream().UpdateStream(ctx, notices); err != nil {
		t.Fatalf("give NOTICES room: %v", err)
	}
	if err := b.WriteHealth(ctx); err != nil {
		t.Errorf("WriteHealth once NOTICES has room: got %v, want nil", err)
	}
	// The probe went to NOTICES (the stream that failed) and was deleted.
	if n := streamInfo(t, b, StreamNotices).State.Msgs; n != 1 {
		t.Errorf("NOTICES: got %d messages, want the 1 notice", n)
	}
}
