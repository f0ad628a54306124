package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

// crashInFlight bounds the duplicates one SIGKILL can cause: only a notice
// in a worker's hands, between its claim in the ledger and its record
// there, can have reached the SMTP server unrecorded, and one
// `breach serve` has app.ProviderConcurrency of them. (The notices the
// client library has pulled and buffered are not claimed yet, so a kill
// cannot duplicate them; a change that claimed them early could exceed
// this bound.) Since e-mails are pipelined (one round trip each), more of
// them can wait for the ledger's group commit after the server accepted
// them: a CI run with other packages' tests beside it counted 169 over
// three kills, above the 48 the test then still took from the 16 workers
// of an older version (a run on its own: 13).
const crashInFlight = app.ProviderConcurrency

// crashCountries are jurisdictions whose law requires telling each person
// of a malicious copy of names, national ids and card numbers.
var crashCountries = []struct{ country, region, locale string }{
	{"DE", "", "de-DE"}, {"FR", "", "fr-FR"}, {"IE", "", "en-IE"}, {"NL", "", "nl-NL"}, {"ES", "", "es-ES"},
	{"GB", "", "en-GB"}, {"US", "CA", "en-US"}, {"US", "NY", "en-US"},
}

// writeCrashInventory writes an inventory of n people, every one with an
// e-mail address and no other contact, and returns its path and the
// addresses.
func writeCrashInventory(t *testing.T, dir string, n int) (string, []string) {
	t.Helper()
	inv := `schema: breach.inventory/v1
organization:
  name: Crash Test Shop
  establishment: DE
  hipaa_covered_entity: false
  contact: { name: Privacy Office, email: privacy@shop.example }
systems:
  - id: customers
    name: Customer accounts
    categories: [name, email, national_id, payment_card]
    encrypted_at_rest: false
subjects: subjects.csv
`
	var b bytes.Buffer
	b.WriteString("id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n")
	emails := make([]string, n)
	for i := range n {
		c := crashCountries[i%len(crashCountries)]
		emails[i] = fmt.Sprintf("customer.%06d@mail.example", i+1)
		fmt.Fprintf(&b, "c-%06d,Customer %d,%s,,%s,%s,%s,false,,,,customers\n", i+1, i+1, emails[i], c.locale, c.country, c.region)
	}
	path := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "subjects.csv"), b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, emails
}

const crashIncidentID = "INC-CRASH-0001"

// crashIncident is a malicious copy of names, national ids and payment
// cards: high risk, so GDPR, UK GDPR, California and New York all require
// telling each person.
const crashIncident = `{"schema":"breach.incident/v1","id":"` + crashIncidentID + `","revision":1,
"title":"Customer database copied by an intruder",
"description":"An intruder copied names, e-mail addresses, national identity numbers and payment card numbers of our customers.",
"discovered_at":"2026-11-20T09:00:00Z","cause":"exfiltration","malicious":true,
"effects":{"confidentiality":"unknown_recipients","integrity":"none","availability":"none"},
"affected":[{"system":"customers"}],
"mitigation":{"contained":true,"measures":["Revoked the stolen key"],"advice":["Watch your card statements","Ask your bank for a new card"],"remedies":["A dedicated help line"]},
"contact":{"name":"Privacy Office","email":"privacy@shop.example"}}`

// TestCampaignSurvivesSIGKILL sends a campaign of 20,000 e-mails from a
// real `breach serve`, SIGKILLs it three times at random moments while it
// sends and restarts it on the same data directory each time. Nobody may
// be missed; the duplicates a kill can cause are bounded by what was in
// flight; the ledger must prove every notice.
func TestCampaignSurvivesSIGKILL(t *testing.T) {
	requireIntegration(t)
	const (
		n     = 20000
		kills = 3
	)
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	dir := t.TempDir()
	invPath, emails := writeCrashInventory(t, dir, n)
	srv := notifytest.StartSMTP(t, notifytest.Behaviour{Discard: true})
	cfgPath := filepath.Join(dir, "breach.yaml")
	cfg := fmt.Sprintf(`inventory: %s
campaign:
  auto_approve: true
  announcement_url: https://shop.example/security-incident
  channels: email
  sms_also_when_high: false
  max_untranslated: -1
channels:
  email:
    from: "Crash Test Shop <notices@shop.example>"
    rate_per_sec: 100000
    smtp:
      host: %s
      port: %d
      tls: none
`, invPath, srv.Host, srv.Port)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(dir, "data")
	var logs []fmt.Stringer
	start := func() *serveProc {
		p := newServeProc(t, dataDir, "--config", cfgPath)
		p.start()
		logs = append(logs, p.logs)
		return p
	}
	p := start()
	submitCrashIncident(ctx, t, p)

	var assessment struct {
		Obligations []struct {
			Jurisdiction      string `json:"jurisdiction"`
			Subjects          int    `json:"subjects"`
			NotifyIndividuals bool   `json:"notify_individuals"`
		} `json:"obligations"`
	}
	waitUntil(ctx, t, "assessment", func() error {
		return p.getJSON(ctx, "/api/v1/incidents/"+crashIncidentID+"/assessment", &assessment)
	})
	toTell := 0
	for _, ob := range assessment.Obligations {
		if !ob.NotifyIndividuals {
			t.Errorf("%s: got no duty to tell the %d people, want one for this incident", ob.Jurisdiction, ob.Subjects)
		}
		toTell += ob.Subjects
	}
	if toTell < n {
		t.Fatalf("assessment: got %d people to tell, want at least %d", toTell, n)
	}

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("kill moments seeded with %d", seed)
	killedAt := make([]int, 0, kills)
	var lastKill time.Time
	for k := range kills {
		// Kill after between 5% and 25% of the campaign more reached the
		// server, plus a random few milliseconds: any point of a worker's
		// claim → send → record chain can be hit, and the last kill still
		// comes before the end.
		from := srv.Delivered()
		target := from + n*5/100 + rng.IntN(n*20/100)
		waitUntil(ctx, t, fmt.Sprintf("kill %d: %d e-mails delivered", k+1, target), func() error {
			if got := srv.Delivered(); got < target {
				return fmt.Errorf("%d delivered", got)
			}
			return nil
		})
		time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
		p.kill()
		killedAt = append(killedAt, srv.Delivered())
		lastKill = time.Now()
		t.Logf("SIGKILL %d after %d e-mails delivered (%s)", k+1, killedAt[k], time.Since(began).Round(time.Millisecond))
		p = start()
	}
	if killedAt[kills-1] >= n {
		t.Errorf("the last SIGKILL came after all %d e-mails were delivered, want it during sending", n)
	}

	// The notices the killed process held are redelivered when their
	// JetStream AckWait (2 minutes, notify/queue) runs out if the embedded
	// server had already persisted their delivery, at once otherwise: the
	// campaign completes a few seconds after the last restart, or about
	// two minutes after the last kill.
	var st struct {
		Channels map[notify.Channel]map[notify.State]int `json:"channels"`
		Totals   map[notify.State]int                    `json:"totals"`
		Complete bool                                    `json:"complete"`
	}
	waitUntil(ctx, t, "campaign complete", func() error {
		if err := p.getJSON(ctx, "/api/v1/incidents/"+crashIncidentID+"/notices", &st); err != nil {
			return err
		}
		if !st.Complete {
			return fmt.Errorf("totals %v, %d e-mails delivered", st.Totals, srv.Delivered())
		}
		return nil
	})
	took := time.Since(began)
	t.Logf("campaign complete %s after the last SIGKILL", time.Since(lastKill).Round(time.Millisecond))

	accepted := srv.AcceptedByRecipient()
	missed, dupRecipients, extra := 0, 0, 0
	for _, e := range emails {
		switch c := accepted[e]; {
		case c == 0:
			missed++
		case c > 1:
			dupRecipients++
			extra += c - 1
		}
		delete(accepted, e)
	}
	if missed > 0 {
		t.Errorf("got %d of %d people without an e-mail, want none missed", missed, n)
	}
	if len(accepted) > 0 {
		t.Errorf("got e-mails to %d addresses outside the inventory, want none", len(accepted))
	}
	if limit := kills * crashInFlight; dupRecipients > limit {
		t.Errorf("got %d people with more than one e-mail, want at most %d (%d kills × %d in flight)", dupRecipients, limit, kills, crashInFlight)
	}
	t.Logf("%d people, %d e-mails accepted: %d people got a duplicate (%d extra e-mails) over %d SIGKILLs; bound %d (%d kills × %d notices in workers' hands); took %s",
		n, srv.Delivered(), dupRecipients, extra, kills, kills*crashInFlight, kills, crashInFlight, took.Round(time.Millisecond))

	if got := st.Channels[notify.ChannelEmail][notify.StateSent]; got != n {
		t.Errorf("/notices: got %d e-mails sent, want %d (counts %v)", got, n, st.Channels)
	}
	checkCrashExport(ctx, t, p, emails)

	if _, err := p.stop(30 * time.Second); err != nil {
		t.Errorf("clean stop at the end: %v", err)
	}
	sample := make([]string, 0, n/100)
	for i := 0; i < n; i += 100 {
		sample = append(sample, emails[i])
	}
	for i, l := range logs {
		notifytest.AssertNoLeak(t, nil, sample, nil, l.String())
		if strings.Contains(l.String(), `"level":"panic"`) || strings.Contains(l.String(), "goroutine ") {
			t.Errorf("process %d logged a panic", i+1)
		}
	}
}

// submitCrashIncident publishes the incident on NATS as a detector would.
func submitCrashIncident(ctx context.Context, t *testing.T, p *serveProc) {
	t.Helper()
	js := p.detector(t)
	m := &nats.Msg{Subject: "breach.incident.submit", Data: []byte(crashIncident), Header: nats.Header{}}
	m.Header.Set(jetstream.MsgIDHeader, crashIncidentID+"/1")
	if _, err := js.PublishMsg(ctx, m); err != nil {
		t.Fatalf("publish incident: %v", err)
	}
}

// checkCrashExport reads the ledger export and checks it proves one sent
// e-mail per person: every e-mail entry is "sent" with a Message-ID, a
// content hash and a time, and nobody has two entries.
func checkCrashExport(ctx context.Context, t *testing.T, p *serveProc, emails []string) {
	t.Helper()
	req, _ := p.request(ctx, "/api/v1/incidents/"+crashIncidentID+"/notices/export")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: got %s, want 200", resp.Status)
	}
	r := csv.NewReader(resp.Body)
	header, err := r.Read()
	if err != nil {
		t.Fatalf("export header: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, c := range []string{"subject", "channel", "state", "attempts", "provider_id", "content_hash", "sent_at"} {
		if _, ok := col[c]; !ok {
			t.Fatalf("export header %v: no column %q", header, c)
		}
	}
	seen := map[string]bool{}
	bad, retried := 0, 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		subject, channel, state := rec[col["subject"]], rec[col["channel"]], rec[col["state"]]
		if channel != string(notify.ChannelEmail) {
			t.Errorf("export: %s has a %s entry, want e-mail only (nobody has another contact)", subject, channel)
			continue
		}
		if seen[subject] {
			t.Errorf("export: %s has two e-mail entries, want one", subject)
		}
		seen[subject] = true
		if state != string(notify.StateSent) || rec[col["provider_id"]] == "" || rec[col["content_hash"]] == "" || rec[col["sent_at"]] == "" {
			bad++
			if bad <= 5 {
				t.Errorf("export: %s got state %q, provider id %q, content hash %q, sent at %q; want sent with all three",
					subject, state, rec[col["provider_id"]], rec[col["content_hash"]], rec[col["sent_at"]])
			}
		}
		if rec[col["attempts"]] != "1" {
			retried++
		}
	}
	if bad > 5 {
		t.Errorf("export: %d entries not proved sent in all", bad)
	}
	if len(seen) != len(emails) {
		t.Errorf("export: got e-mail entries for %d people, want %d", len(seen), len(emails))
	}
	t.Logf("export: %d e-mail entries, all final; %d claimed more than once (attempts > 1) after the kills", len(seen), retried)
}

// waitUntil polls cond every 50ms until it returns nil, failing t with
// cond's last error when ctx ends.
func waitUntil(ctx context.Context, t *testing.T, what string, cond func() error) {
	t.Helper()
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not in time: %v", what, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
