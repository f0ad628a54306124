package benche2e

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/breach-notify/breach/notify/notifytest"
)

// BenchmarkEmailCampaign runs the e-mail campaign of EmailCampaign
// against the in-process SMTP server (which shares the CPU with the
// service, unlike make bench-e2e's smtp-sink) and reports e-mails/s from
// submission to the last notice recorded, and how long of that passed
// before the automatic approval. Profile it with
//
//	go test ./internal/benche2e -run '^$' -bench EmailCampaign -cpuprofile cpu.out
//
// BREACH_BENCH_EMAIL_SUBJECTS sets the organisation's size (2000).
func BenchmarkEmailCampaign(b *testing.B) {
	subjects := 2000
	if s := os.Getenv("BREACH_BENCH_EMAIL_SUBJECTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("BREACH_BENCH_EMAIL_SUBJECTS=%q is not a positive number", s)
		}
		subjects = n
	}
	srv := notifytest.StartSMTP(b, notifytest.Behaviour{Discard: true})
	var sent Rate
	var waited float64
	for b.Loop() {
		res, err := EmailCampaign(context.Background(), EmailOptions{Dir: b.TempDir(), Subjects: subjects,
			SMTPAddr: srv.Addr, Connections: 4})
		if err != nil {
			b.Fatal(err)
		}
		sent.Count += res.Sent.Count
		sent.Elapsed += res.Sent.Elapsed
		waited += res.BeforeApproval.Seconds()
	}
	b.ReportMetric(sent.PerSec(), "emails/s")
	b.ReportMetric(waited/float64(b.N), "s-before-approval")
}
