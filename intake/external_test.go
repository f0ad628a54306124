package intake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/breach-notify/breach/internal/natsbus"
)

// TestIntakeExternal runs the intake suite against a real nats-server with
// JetStream. Every case uses its own prefix and stream names and deletes its
// streams at the end, so runs sharing a server do not collide.
func TestIntakeExternal(t *testing.T) {
	url := os.Getenv("BREACH_TEST_NATS_URL")
	if url == "" {
		t.Skipf("set BREACH_TEST_NATS_URL to run (e.g. nats://127.0.0.1:4222, a nats-server with JetStream)")
	}
	suite(t, func(t *testing.T) *natsbus.Bus { return externalBus(t, url) })
}

func externalBus(t testing.TB, url string) *natsbus.Bus {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	tag := "t" + hex.EncodeToString(b[:])
	streams := natsbus.StreamNames{
		Incidents:  tag + "_INCIDENTS",
		Notices:    tag + "_NOTICES",
		Deadletter: tag + "_DEADLETTER",
		Events:     tag + "_EVENTS",
	}
	bus := startBus(t, natsbus.Options{URL: url, Prefix: tag, Streams: streams, Name: "breach-test-" + tag})
	// Registered after startBus's Close, so it runs first.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		for _, name := range []string{streams.Incidents, streams.Notices, streams.Deadletter, streams.Events} {
			if err := bus.JetStream().DeleteStream(ctx, name); err != nil {
				t.Errorf("delete stream %s: %v", name, err)
			}
		}
	})
	return bus
}
