package push_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/breach-notify/breach/notify/push"
	"github.com/breach-notify/breach/notify/push/pushmsg"
)

// BenchmarkPush measures sends per second through the dispatcher to each
// platform's fake (Web Push: encryption, VAPID signature and the fake's
// decryption; FCM: JSON over HTTP/1.1 with a reused OAuth2 token; APNs:
// one HTTP/2 TLS connection with a reused provider token), with the
// campaign worker's concurrency of 16 sends in flight.
func BenchmarkPush(b *testing.B) {
	f := newFakes(b)
	// Keep the production transport's idle connections per host with the
	// fakes' TLS certificates.
	for _, c := range []*http.Client{f.cfg.WebPush.HTTPClient, f.cfg.APNs.HTTPClient} {
		c.Transport.(*http.Transport).MaxIdleConnsPerHost = pushmsg.MaxIdleConnsPerHost
	}
	f.cfg.FCM.HTTPClient = &http.Client{Transport: pushmsg.Transport()}
	n, err := push.New(f.cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	// Web Push needs one subscription per device: make a pool.
	var webDevices []string
	for i := range 64 {
		web, _, _, _ := f.devices(b, i)
		webDevices = append(webDevices, web)
	}
	for _, platform := range []string{"webpush", "fcm", "apns"} {
		b.Run(platform, func(b *testing.B) {
			var next atomic.Int64
			b.SetParallelism(8) // 16 in flight on 2 CPUs
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(next.Add(1))
					var to string
					switch platform {
					case "webpush":
						to = webDevices[i%len(webDevices)]
					case "fcm":
						to = push.DeviceAddress("fcm", fmt.Sprintf("fcm-token-%d:APA91bH", i%1000), nil)
					case "apns":
						to = push.DeviceAddress("apns", fmt.Sprintf("%064x", i%1000+1), nil)
					}
					if _, err := n.Notify(context.Background(), message(to)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
		})
	}
}
