package benche2e

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Rate
		want float64
	}{
		{"half", Rate{Count: 50, Elapsed: time.Second}, Rate{Count: 100, Elapsed: time.Second}, 0.5},
		{"different times", Rate{Count: 100, Elapsed: 2 * time.Second}, Rate{Count: 100, Elapsed: time.Second}, 0.5},
		{"reference measured nothing", Rate{Count: 1, Elapsed: time.Second}, Rate{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Ratio(tc.a, tc.b); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPlanAndRawPublish(t *testing.T) {
	ctx := context.Background()
	plan, err := Plan(ctx, t.TempDir(), 300)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Count < 200 || plan.Elapsed <= 0 {
		t.Errorf("got plan %+v, want at least 200 notices for 300 people in a measured time", plan)
	}
	raw, err := RawPublish(ctx, t.TempDir(), 500, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Count != 500 || raw.Elapsed <= 0 {
		t.Errorf("got raw %+v, want 500 messages in a measured time", raw)
	}
}

func TestRawPublishRefusesNothing(t *testing.T) {
	if _, err := RawPublish(context.Background(), t.TempDir(), 0, 1024); err == nil {
		t.Error("got no error for 0 messages, want one")
	}
}

// TestEmailCampaign runs the service against the in-process SMTP server:
// every e-mail the ledger records as sent reached the server, and the
// campaign has no open notice.
func TestEmailCampaign(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.Behaviour{Discard: true})
	var profile bytes.Buffer
	var sample []byte
	emails, calls := 0, 0
	res, err := EmailCampaign(context.Background(), EmailOptions{Dir: t.TempDir(), Subjects: 150,
		SMTPAddr: srv.Host + ":" + strconv.Itoa(srv.Port), Connections: 2, Profile: &profile, Timeout: time.Minute,
		BeforeStart: func(s []byte, n int) error {
			sample, emails, calls = s, n, calls+1
			if got := srv.Delivered(); got != 0 {
				t.Errorf("BeforeStart: the server has %d e-mails already, want the service not started", got)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	// The reference before the campaign sends what the campaign sends, to
	// everyone with an address (guardians' notices add a few e-mails).
	if calls != 1 || !bytes.Equal(sample, res.Sample) || emails < 1 || emails > res.Sent.Count {
		t.Errorf("BeforeStart: %d calls, %d e-mails, same sample %t; want 1 call, 1 to %d e-mails, the same sample",
			calls, emails, bytes.Equal(sample, res.Sample), res.Sent.Count)
	}
	if res.Sent.Count == 0 || res.Sent.Count != srv.Delivered() {
		t.Errorf("got %d e-mails recorded as sent and %d accepted by the server, want the same, above 0", res.Sent.Count, srv.Delivered())
	}
	if open, total := res.Notices.Open(); open != 0 || total < res.Sent.Count {
		t.Errorf("got %d of %d notices open, want 0 of at least %d", open, total, res.Sent.Count)
	}
	if got := srv.Connections(); got > 2 {
		t.Errorf("got %d SMTP connections, want at most 2", got)
	}
	if profile.Len() == 0 {
		t.Error("got an empty CPU profile")
	}
	if !bytes.Contains(res.Sample, []byte("\r\nX-Breach-Notice: ")) {
		t.Errorf("got a sample without X-Breach-Notice header:\n%.300s", res.Sample)
	}
	if n := res.Notices[notify.ChannelEmail][notify.StateSent]; n != res.Sent.Count {
		t.Errorf("got %d sent in the counts, want %d", n, res.Sent.Count)
	}
}

// TestSMTPSourceAgainstSink runs the reference programs when Postfix's
// tools are installed (make bench-e2e installs them).
func TestSMTPSourceAgainstSink(t *testing.T) {
	for _, p := range []string{SMTPSinkPath, SMTPSourcePath} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s is missing (apt-get install postfix)", p)
		}
	}
	ctx := context.Background()
	sink, err := StartSink(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Stop()
	msg := []byte("From: <privacy@example.org>\r\nTo: <person@example.net>\r\nSubject: test\r\n\r\nHello.\r\n.\r\nbye\r\n")
	got, err := SMTPSource(ctx, t.TempDir(), sink.Addr, 2, 20, msg)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 20 || got.Elapsed <= 0 {
		t.Errorf("got %+v, want 20 messages in a measured time", got)
	}
}
