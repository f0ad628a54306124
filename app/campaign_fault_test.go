package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

// faultPerson is one person of the generated population of the fault test
// and what the test expects for them.
type faultPerson struct {
	id, email, phone, postal string
	// rejected addresses get "550 5.1.1" at RCPT TO on every attempt.
	rejected bool
}

// faultPopulation returns n people in California and New York, all with an
// e-mail address. One in ten has no phone; one in ten (i%20 == 0 or 3) is
// refused by the SMTP server: those with a phone (i%20 == 3) must get the
// SMS fallback, those without a phone get a letter when they have a postal
// address (i%40 == 0) and are unreachable otherwise (i%40 == 20).
func faultPopulation(n int) []faultPerson {
	areas := []string{"213", "310", "415", "408", "212", "718"}
	people := make([]faultPerson, 0, n)
	for i := 1; i <= n; i++ {
		p := faultPerson{id: fmt.Sprintf("f-%05d", i), email: fmt.Sprintf("person.%05d@mail.example", i)}
		if i%10 != 0 {
			p.phone = fmt.Sprintf("+1 %s 555 01%02d", areas[i%len(areas)], (i/len(areas))%100)
		}
		if i%40 == 0 {
			p.postal = fmt.Sprintf("%d Example Street, Springfield", i)
		}
		p.rejected = i%20 == 0 || i%20 == 3
		people = append(people, p)
	}
	return people
}

// writeFaultInventory writes a one-system inventory with the people into
// dir and returns its path.
// shopInventory is the inventory of the campaign tests' shop: one
// unencrypted accounts system (names, e-mail addresses, password hashes),
// its people in the directory file subjects.
func shopInventory(subjects string) string {
	return `schema: breach.inventory/v1
organization:
  name: Fault Test Shop
  establishment: US
  hipaa_covered_entity: false
  contact: { name: Privacy Office, email: privacy@shop.example }
systems:
  - id: accounts
    name: Customer accounts
    categories: [name, email, password_hash]
    encrypted_at_rest: false
subjects: ` + subjects + "\n"
}

func writeFaultInventory(t *testing.T, dir string, people []faultPerson) string {
	t.Helper()
	inv := shopInventory("subjects.csv")
	var b strings.Builder
	b.WriteString("id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n")
	for i, p := range people {
		region := "CA"
		if i%2 == 1 {
			region = "NY"
		}
		postal := ""
		if p.postal != "" {
			postal = `"` + p.postal + `"`
		}
		fmt.Fprintf(&b, "%s,Person %d,%s,%s,en-US,US,%s,false,,,%s,accounts\n", p.id, i+1, p.email, p.phone, region, postal)
	}
	path := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "subjects.csv"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// faultIncident copies account names, e-mail addresses and password
// hashes: a risk, not a high risk, so GDPR would not require telling the
// people but California and New York do, and the channel plan is e-mail
// first with SMS, voice and letter as fallbacks (no SMS alongside).
func faultIncident(id string) *incident.Incident {
	return &incident.Incident{Schema: incident.Schema, ID: id, Revision: 1,
		Title:        "Customer accounts copied by an intruder",
		Description:  "An intruder copied names, e-mail addresses and password hashes of customer accounts.",
		Cause:        incident.CauseExfiltration,
		Malicious:    true,
		DiscoveredAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Effects:      incident.Effects{Confidentiality: "unknown_recipients", Integrity: "none", Availability: "none"},
		Affected:     []incident.Affected{{System: "accounts"}},
		Mitigation: incident.Mitigation{Contained: true,
			Measures: []string{"Revoked the stolen key"},
			Advice:   []string{"Change your password if you reused it elsewhere"},
			Remedies: []string{"A dedicated help line"}},
		Contact: &incident.Contact{Name: "Privacy Office", Email: "privacy@shop.example"}}
}

// noticeStatus is the part of GET /api/v1/incidents/{id}/notices the
// campaign tests read.
type noticeStatus struct {
	Channels          map[notify.Channel]map[notify.State]int `json:"channels"`
	Totals            map[notify.State]int                    `json:"totals"`
	PeopleUnreachable int                                     `json:"people_unreachable"`
	Complete          bool                                    `json:"complete"`
}

// TestCampaignFaults runs a campaign of 1,000 notices through an SMTP
// server that defers 30% of the recipients once (451 4.7.1), drops the
// connection in 5% of the transactions at RCPT TO or MAIL FROM, and
// refuses 10% of the addresses for good (550 5.1.1). Everyone reachable
// must get exactly one e-mail; the refused get none, and the ledger shows
// why and what reached them instead.
//
// Drops happen before DATA on purpose: there the server has not taken the
// message, so a retry cannot duplicate it and exactly-once is a fair
// demand. A connection lost after the final "." of DATA and before the
// server's reply is inherently ambiguous in SMTP (RFC 5321 §4.1.1.4 and
// RFC 1047): the server may have queued the message and the client cannot
// know, so it must choose between a possible duplicate (retry) and a
// possible loss (give up). For a legal notice breach retries, so that case
// is at-least-once, and the crash test (cmd/breach) bounds the duplicates.
func TestCampaignFaults(t *testing.T) {
	const n = 1000
	began := time.Now()
	dir := t.TempDir()
	people := faultPopulation(n)
	var rejected []string
	for _, p := range people {
		if p.rejected {
			rejected = append(rejected, p.email)
		}
	}
	srv := notifytest.StartSMTP(t, notifytest.Behaviour{
		Reject:     rejected,
		DeferRate:  0.30,
		Seed:       7,
		DropTxRate: 0.05,
		DropAt:     notifytest.DropAtRcpt,
	})

	cfg := testConfig(filepath.Join(dir, "data"), writeFaultInventory(t, dir, people))
	cfg.Campaign.AutoApprove = true
	cfg.Campaign.AnnouncementURL = "https://shop.example/security-incident"
	// A notice may meet a drop and a deferral, and a drop again: 10
	// attempts leave ample room while still ending a notice that never
	// goes through.
	cfg.Campaign.MaxAttempts = 10
	// SMS and letter have no provider here: keep them, in the outbox, as
	// the fallback this test is about.
	cfg.Campaign.OutboxFallback = true
	cfg.Channels.Email.SMTP.Host = srv.Host
	cfg.Channels.Email.SMTP.Port = srv.Port
	cfg.Channels.Email.SMTP.TLS = "none"
	cfg.Channels.Email.From = "Fault Test Shop <notices@shop.example>"
	cfg.Channels.Email.RatePerSec = 100000
	logs := notifytest.NewLog()
	svc := startLoggedService(t, cfg, logs)

	in := faultIncident(incident.NewID(testNow))
	publish(t, svc, in)

	// Half-way, move the drops from RCPT TO to MAIL FROM: a drop at MAIL
	// FROM on a reused connection is retried at once by the e-mail
	// channel on a fresh one, a drop at RCPT TO goes back to the worker.
	var st noticeStatus
	switched, droppedAtRcpt := false, 0
	deadline := time.Now().Add(50 * time.Second)
	for {
		if !switched && srv.Delivered() >= n/2 {
			srv.Update(func(b *notifytest.Behaviour) { b.DropAt = notifytest.DropAtMail })
			switched, droppedAtRcpt = true, srv.Dropped()
		}
		code, body := get(t, svc, "/api/v1/incidents/"+in.ID+"/notices")
		if code == http.StatusOK {
			if err := json.Unmarshal(body, &st); err != nil {
				t.Fatalf("decode notice status: %v", err)
			}
			if st.Complete {
				break
			}
		}
		if time.Now().After(deadline) {
			logProblems(t, logs)
			t.Fatalf("campaign not complete after 50s: status %d, totals %v, %d e-mails delivered", code, st.Totals, srv.Delivered())
		}
		time.Sleep(100 * time.Millisecond)
	}
	took := time.Since(began)

	entries := map[string]notify.Entry{} // subject/channel → entry
	if err := svc.Store().Ledger().Each(context.Background(), in.ID, func(e notify.Entry) error {
		entries[e.SubjectID+"/"+string(e.Channel)] = e
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var (
		wantSMS, wantLetter, wantUnreachable, retried int
		leakCheck                                     []string
	)
	for i, p := range people {
		got := len(srv.MessagesTo(p.email))
		mail := entries[p.id+"/email"]
		sms, hasSMS := entries[p.id+"/sms"]
		letter, hasLetter := entries[p.id+"/letter"]
		if !p.rejected {
			if got != 1 {
				t.Errorf("%s: got %d e-mails, want exactly 1", p.id, got)
			}
			if mail.State != notify.StateSent || mail.ProviderID == "" || mail.SentAt.IsZero() {
				t.Errorf("%s: e-mail ledger entry got state %q, provider id %q, sent at %v; want sent with a Message-ID and a time",
					p.id, mail.State, mail.ProviderID, mail.SentAt)
			}
			if mail.Attempts > 1 {
				retried++
			}
			if hasSMS || hasLetter {
				t.Errorf("%s: got an SMS or letter entry, want none after a delivered e-mail", p.id)
			}
			if i%50 == 1 {
				leakCheck = append(leakCheck, p.email, p.phone)
			}
			continue
		}
		leakCheck = append(leakCheck, p.email, p.phone)
		if got != 0 {
			t.Errorf("%s: got %d e-mails to a refused address, want none", p.id, got)
		}
		if !strings.Contains(mail.Error, "550 5.1.1") {
			t.Errorf("%s: e-mail ledger error got %q, want the 550 5.1.1 code", p.id, mail.Error)
		}
		if strings.Contains(strings.ToLower(mail.Error), p.email) {
			t.Errorf("%s: e-mail ledger error holds the address the server echoed", p.id)
		}
		switch {
		case p.phone != "":
			wantSMS++
			if mail.State != notify.StateFailedPermanent {
				t.Errorf("%s: e-mail state got %q, want %q", p.id, mail.State, notify.StateFailedPermanent)
			}
			if !hasSMS || sms.State != notify.StateWritten {
				t.Errorf("%s: SMS fallback got %q (present %t), want an entry in state written (outbox)", p.id, sms.State, hasSMS)
			}
		case p.postal != "":
			wantLetter++
			if mail.State != notify.StateFailedPermanent {
				t.Errorf("%s: e-mail state got %q, want %q", p.id, mail.State, notify.StateFailedPermanent)
			}
			if !hasLetter || letter.State != notify.StateWritten {
				t.Errorf("%s: letter fallback got %q (present %t), want an entry in state written (outbox)", p.id, letter.State, hasLetter)
			}
		default:
			wantUnreachable++
			if mail.State != notify.StateUnreachable {
				t.Errorf("%s: e-mail state got %q, want %q (no route left)", p.id, mail.State, notify.StateUnreachable)
			}
		}
	}
	// The fallbacks the workers planned carry codes the public site can
	// confirm, as the planner's notices do.
	key, err := app.ReadNoticeKey(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	fallbacks := 0
	for _, e := range entries {
		if e.Channel != notify.ChannelSMS && e.Channel != notify.ChannelLetter {
			continue
		}
		fallbacks++
		v := announce.NewVerifyEntry(key, in.ID, string(e.Channel), e.Key)
		if got, err := svc.Store().LookupVerify(context.Background(), v.Lookup); err != nil || got == nil || got.NoticeKey != e.Key {
			t.Errorf("%s: the code of a fallback notice is not in the verification index: got %+v, %v", e.Key, got, err)
		}
	}
	if fallbacks == 0 {
		t.Error("no fallback notices to check")
	}
	if got := st.Channels[notify.ChannelSMS][notify.StateWritten]; got != wantSMS {
		t.Errorf("SMS written got %d, want %d (the refused people with a phone)", got, wantSMS)
	}
	if got := st.Channels[notify.ChannelLetter][notify.StateWritten]; got != wantLetter {
		t.Errorf("letters written got %d, want %d", got, wantLetter)
	}
	if st.PeopleUnreachable != wantUnreachable {
		t.Errorf("people unreachable got %d, want %d", st.PeopleUnreachable, wantUnreachable)
	}
	if got, want := srv.Delivered(), n-len(rejected); got != want {
		t.Errorf("SMTP server got %d messages, want %d", got, want)
	}
	// /metrics shows the same outcomes, so an operator can alert on them.
	_, exposition := get(t, svc, "/metrics")
	for name, want := range map[string]int{
		`breach_notices_total{channel="email",outcome="sent"}`:             n - len(rejected),
		`breach_notices_total{channel="sms",outcome="written"}`:            wantSMS,
		`breach_notices_total{channel="email",outcome="failed_permanent"}`: len(rejected) - wantUnreachable,
		`breach_notices_total{channel="email",outcome="unreachable"}`:      wantUnreachable,
	} {
		if got, err := metric(exposition, name); err != nil || int(got) != want {
			t.Errorf("%s: got %v (%v), want %d", name, got, err, want)
		}
	}
	// The faults must actually have happened for the test to mean much.
	if srv.Dropped() < n/40 {
		t.Errorf("got %d dropped transactions, want at least %d", srv.Dropped(), n/40)
	}
	if retried < n/5 {
		t.Errorf("got %d e-mails that needed more than one attempt, want at least %d (30%% deferred, 5%% dropped)", retried, n/5)
	}
	t.Logf("%d people: %d e-mails delivered once each, %d refused (%d SMS, %d letters, %d unreachable); %d retried, %d transactions dropped (%d at RCPT TO, %d at MAIL FROM), %d connections; took %s",
		n, srv.Delivered(), len(rejected), wantSMS, wantLetter, wantUnreachable, retried, srv.Dropped(), droppedAtRcpt, srv.Dropped()-droppedAtRcpt,
		srv.Connections(), took.Round(time.Millisecond))
	notifytest.AssertNoLeak(t, nil, leakCheck, nil, logs.String())
}

// startLoggedService is startService with the service's log captured.
func startLoggedService(t *testing.T, cfg config.Config, logs *notifytest.Log) *running {
	t.Helper()
	return startServiceLog(t, cfg, logs.Entry)
}

// logProblems logs the service's warnings and errors, to explain a
// failure.
func logProblems(t *testing.T, logs *notifytest.Log) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range logs.Records() {
		if r.Level <= logrus.WarnLevel {
			seen[fmt.Sprintf("%s: %s %v", r.Level, r.Message, r.Fields["error"])]++
		}
	}
	for line, n := range seen {
		t.Logf("service log (%d×) %s", n, line)
	}
}
