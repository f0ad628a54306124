package app_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/twiliotest"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

// TestSMSThroughputUnderRateLimit drives a campaign of more SMS than
// channels.sms.rate_per_sec allows in a minute through the whole service
// (planner, NOTICES queue, worker, token bucket, Twilio client) into the
// Twilio fake, and measures the rate from the fake's request times: first
// to last within ±5 % of the configured rate, and no one-second window
// above rate + burst (a bucket of one: evenly paced), give or take what a
// scheduling stall of this loaded process bunches. About 70 s:
// integration only (make test-integration).
func TestSMSThroughputUnderRateLimit(t *testing.T) {
	if os.Getenv("BREACH_TEST_INTEGRATION") != "1" {
		t.Skip("a 70-second measurement: set BREACH_TEST_INTEGRATION=1 (make test-integration)")
	}
	const (
		rate   = 20.0
		burst  = 1    // app/channels.go: smsBurst, SMS evenly paced
		people = 1400 // 70 s at 20/s: more than a minute of work from the start
		sid    = "AC0123456789abcdef0123456789abcdef"
		token  = "S3cretT0kenValue9876543210zyxwvu"
	)
	api := twiliotest.New(t, sid, token)
	dir := t.TempDir()
	areas := []string{"201", "202", "203", "205", "206", "207", "208", "209", "210", "212", "213", "214", "215", "216", "217"}
	population := make([]faultPerson, people)
	for i := range population {
		population[i] = faultPerson{id: fmt.Sprintf("s-%05d", i+1),
			phone: fmt.Sprintf("+1 %s 555 01%02d", areas[i%len(areas)], (i/len(areas))%100)}
	}
	cfg := testConfig(filepath.Join(dir, "data"), writeFaultInventory(t, dir, population))
	cfg.Campaign.AutoApprove = true
	cfg.Campaign.AnnouncementURL = "https://shop.example/security-incident"
	cfg.Channels.SMS.AccountSID = sid
	cfg.Channels.SMS.AuthTokenFile = writeSecret(t, dir, "twilio-token", token)
	cfg.Channels.SMS.From = "+15005550006"
	cfg.Channels.SMS.BaseURL = api.URL
	cfg.Channels.SMS.RatePerSec = rate
	logs := notifytest.NewLog()
	svc := startLoggedService(t, cfg, logs)

	in := faultIncident(incident.NewID(testNow))
	publish(t, svc, in)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var st noticeStatus
		code, body := get(t, svc, "/api/v1/incidents/"+in.ID+"/notices")
		if code == http.StatusOK && json.Unmarshal(body, &st) == nil && st.Complete {
			if got := st.Channels[notify.ChannelSMS][notify.StateSent]; got != people {
				t.Fatalf("campaign complete with %d SMS sent, want %d: %v", got, people, st.Channels)
			}
			break
		}
		if time.Now().After(deadline) {
			logProblems(t, logs)
			t.Fatalf("campaign not complete after 3 minutes: %d SMS received by the fake", api.Created())
		}
		time.Sleep(500 * time.Millisecond)
	}

	var at []time.Time
	for _, r := range api.Requests() {
		if r.Operation == twiliotest.OpCreateMessage {
			at = append(at, r.At)
		}
	}
	if len(at) != people {
		t.Fatalf("the fake received %d messages, want %d (one per person)", len(at), people)
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	span := at[len(at)-1].Sub(at[0])
	if span < time.Minute {
		t.Fatalf("the SMS took %s, want at least a minute of sending to measure", span)
	}
	achieved := float64(len(at)-1) / span.Seconds()
	if achieved < rate*0.95 || achieved > rate*1.05 {
		t.Errorf("achieved %.2f SMS/s over %s, want %.0f ± 5 %%", achieved, span.Round(time.Millisecond), rate)
	}
	// The busiest one-second window, starting at each request. The
	// limiter grants at most rate + burst in any second; the times are
	// taken where the fake reads the requests, in this same process on a
	// shared machine, where a scheduling or GC stall of up to `jitter`
	// holds back requests sent on time, which then arrive together
	// (observed: 150 ms stalls, then three requests within 25 ms). A
	// second at the fake therefore spans at most 1 s + jitter of sending.
	// The bucket of one second's depth this replaced let 40 through in the
	// campaign's first second.
	const jitter = 250 * time.Millisecond
	limit := int(rate) + burst + int(math.Ceil(rate*jitter.Seconds()))
	busiest, j, bi := 0, 0, 0
	for i := range at {
		for j < len(at) && at[j].Sub(at[i]) < time.Second {
			j++
		}
		if j-i > busiest {
			busiest, bi = j-i, i
		}
	}
	if busiest > limit {
		var gaps []string
		for k := max(bi, 1); k < min(bi+busiest+1, len(at)); k++ {
			gaps = append(gaps, at[k].Sub(at[k-1]).Round(time.Millisecond).String())
		}
		t.Errorf("busiest one-second window held %d SMS at +%s (gaps %v), want at most rate + burst + %s of jitter = %d",
			busiest, at[bi].Sub(at[0]).Round(time.Millisecond), gaps, jitter, limit)
	}
	t.Logf("%d SMS in %s: %.2f/s against a limit of %.0f/s (%.1f %%); busiest second %d (rate + burst %d, with jitter %d)",
		len(at), span.Round(time.Millisecond), achieved, rate, 100*(achieved-rate)/rate, busiest, int(rate)+burst, limit)
}
