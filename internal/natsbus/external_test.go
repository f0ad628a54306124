package natsbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"
)

// TestStartExternal connects to the nats-server in BREACH_TEST_NATS_URL with
// a prefix and stream names of its own, checks the streams, publishes, and
// deletes its streams at the end.
func TestStartExternal(t *testing.T) {
	url := os.Getenv("BREACH_TEST_NATS_URL")
	if url == "" {
		t.Skipf("set BREACH_TEST_NATS_URL to run (e.g. nats://127.0.0.1:4222, a nats-server with JetStream)")
	}
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		t.Fatal(err)
	}
	tag := "t" + hex.EncodeToString(r[:])
	names := StreamNames{Incidents: tag + "_INCIDENTS", Notices: tag + "_NOTICES", Deadletter: tag + "_DEADLETTER", Events: tag + "_EVENTS"}
	b := start(t, Options{URL: url, Prefix: tag, Streams: names, DuplicateWindow: time.Minute})
	ctx := context.Background()
	t.Cleanup(func() {
		for _, n := range []string{names.Incidents, names.Notices, names.Deadletter, names.Events} {
			if err := b.JetStream().DeleteStream(ctx, n); err != nil {
				t.Errorf("delete stream %s: %v", n, err)
			}
		}
	})
	if b.Embedded() {
		t.Fatal("Embedded: got true for a URL, want false")
	}
	if err := b.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	// A second Start with the same options only confirms the streams.
	again := start(t, Options{URL: url, Prefix: tag, Streams: names, DuplicateWindow: time.Minute})
	for range 2 {
		if err := again.PublishEvent(ctx, "INC-ext", "assessed", map[string]int{"score": 4}); err != nil {
			t.Fatalf("PublishEvent: %v", err)
		}
	}
	if got := streamInfo(t, b, names.Events).State.Msgs; got != 1 {
		t.Errorf("%s: got %d messages, want 1", names.Events, got)
	}
	if got := streamInfo(t, b, names.Notices).Config.Subjects; len(got) != 1 || got[0] != tag+".notice.>" {
		t.Errorf("%s subjects: got %v, want [%s.notice.>]", names.Notices, got, tag)
	}
}
