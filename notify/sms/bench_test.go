package sms

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/twiliotest"
)

// BenchmarkSMS measures SMS per second through the Notifier, without any
// rate limit, into the Twilio fake (which validates every request against
// Twilio's OpenAPI description, on the same machine), with the campaign
// worker's 16 sends in flight. The configured channels.sms.rate_per_sec is
// enforced by the campaign worker's token bucket, not here: this is the
// ceiling that limit is set under.
func BenchmarkSMS(b *testing.B) {
	api := twiliotest.New(b, testSID, testToken)
	n, err := New(Config{AccountSID: testSID, AuthToken: config.NewSecret(testToken), From: testFrom,
		StatusCallback: testCallback, BaseURL: api.URL, Timeout: 10 * time.Second}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8) // 16 in flight on 2 CPUs
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			m := message(fmt.Sprintf("+4477009%05d", i%100000))
			if _, err := n.Notify(context.Background(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}
