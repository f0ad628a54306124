package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/twiliotest"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/letter"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/notify/push/pushtest"
)

// TestOneCampaignEveryChannel runs one campaign through every provider at
// once, each a faithful fake: e-mail to an in-process SMTP server, SMS and
// voice to the Twilio fake (every request checked against Twilio's OpenAPI
// description), push to the FCM fake, letters as PDFs in a batch
// directory. People are reached on the first channel that works for them:
// an SMTP refusal falls back to a letter, a landline that Twilio refuses
// for SMS (21614) falls back to a call, push only accelerates the e-mail.
// Nobody is told twice, the person with no contact is the only one
// unreachable, and no outbox is involved.
func TestOneCampaignEveryChannel(t *testing.T) {
	if _, err := os.Stat(letter.DefaultFontFile); err != nil {
		t.Skipf("letters need the DejaVu font (%s; Debian fonts-dejavu-core, which .ci/run installs)", letter.DefaultFontFile)
	}
	const (
		sid   = "AC0123456789abcdef0123456789abcdef"
		token = "S3cretT0kenValue9876543210zyxwvu"
		// landline is refused for SMS; the same number takes a call.
		landline = "+12135550103"
	)
	dir := t.TempDir()
	smtp := notifytest.StartSMTP(t, notifytest.Behaviour{Reject: []string{"bounced@mail.example"}})
	twilio := twiliotest.New(t, sid, token)
	twilio.FailOp(twiliotest.OpCreateMessage, landline, twiliotest.NotMobile)
	fcm, err := pushtest.NewFCM(t, "shop-app")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	pushed := map[string]int{}
	fcm.Reply = func(tok string, n int) pushtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		pushed[tok] = n
		return pushtest.Reply{}
	}
	creds := filepath.Join(dir, "service-account.json")
	if err := os.WriteFile(creds, fcm.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}

	type person struct {
		id, email, phone, postal, device string
		want                             notify.Channel // the legal notice's channel; "" unreachable
	}
	people := []person{
		{id: "p-mail", email: "reader@mail.example", device: "fcm-token-1:APA91b", want: notify.ChannelEmail},
		{id: "p-mobile", phone: "+12135550102", want: notify.ChannelSMS},
		{id: "p-landline", phone: landline, want: notify.ChannelVoice},
		{id: "p-post", postal: "1 Main Street, Springfield, CA 90001", want: notify.ChannelLetter},
		{id: "p-bounce", email: "bounced@mail.example", postal: "2 Oak Avenue, Fresno, CA 93650", want: notify.ChannelLetter},
		{id: "p-none"},
	}
	var rows strings.Builder
	for i, p := range people {
		row := map[string]any{"id": p.id, "name": fmt.Sprintf("Person %d", i+1), "locale": "en-US", "country": "US", "region": "CA",
			"systems": []string{"accounts"}}
		for k, v := range map[string]string{"email": p.email, "phone": p.phone, "postal_address": p.postal} {
			if v != "" {
				row[k] = v
			}
		}
		if p.device != "" {
			row["devices"] = []map[string]string{{"platform": "fcm", "token": p.device}}
		}
		b, err := json.Marshal(row)
		if err != nil {
			t.Fatal(err)
		}
		rows.Write(append(b, '\n'))
	}
	invPath := filepath.Join(dir, "inventory.yaml")
	inv := shopInventory("subjects.jsonl")
	if err := os.WriteFile(invPath, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "subjects.jsonl"), []byte(rows.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	cfg := testConfig(filepath.Join(dir, "data"), invPath)
	cfg.Campaign.AutoApprove = true
	cfg.Campaign.AnnouncementURL = "https://shop.example/security-incident"
	cfg.Campaign.OutboxFallback = false
	cfg.Channels.Email.SMTP.Host, cfg.Channels.Email.SMTP.Port, cfg.Channels.Email.SMTP.TLS = smtp.Host, smtp.Port, "none"
	cfg.Channels.Email.From = "Fault Test Shop <notices@shop.example>"
	secret := writeSecret(t, dir, "twilio-token", token)
	cfg.Channels.SMS.AccountSID, cfg.Channels.SMS.AuthTokenFile, cfg.Channels.SMS.From, cfg.Channels.SMS.BaseURL = sid, secret, "+15005550006", twilio.URL
	cfg.Channels.Voice.AccountSID, cfg.Channels.Voice.AuthTokenFile, cfg.Channels.Voice.From, cfg.Channels.Voice.BaseURL = sid, secret, "+15005550006", twilio.URL
	cfg.Channels.Voice.RatePerSec = 100
	cfg.Channels.Push.FCM.CredentialsFile, cfg.Channels.Push.FCM.ProjectID, cfg.Channels.Push.FCM.BaseURL = creds, "shop-app", fcm.Server.URL
	cfg.Channels.Letter.Dir = filepath.Join(dir, "letters")
	logs := notifytest.NewLog()
	svc := startLoggedService(t, cfg, logs)

	in := faultIncident(incident.NewID(testNow))
	publish(t, svc, in)
	eventually(t, "campaign complete", func() error {
		code, body := get(t, svc, "/api/v1/incidents/"+in.ID+"/notices")
		var st noticeStatus
		if code != http.StatusOK || json.Unmarshal(body, &st) != nil || !st.Complete {
			return errNotYet
		}
		return nil
	})

	// The ledger: each person's legal notice on the expected channel,
	// once; nothing written to an outbox; the one without a contact
	// unreachable, and nobody else.
	told := map[string][]string{}
	err = svc.Store().Ledger().Each(t.Context(), in.ID, func(e notify.Entry) error {
		switch {
		case e.Channel == notify.ChannelPush:
			if e.State != notify.StateSent {
				t.Errorf("push to %s: %s, want sent", e.SubjectID, e.State)
			}
		case e.State == notify.StateSent || e.State == notify.StateDelivered:
			told[e.SubjectID] = append(told[e.SubjectID], string(e.Channel))
		case e.State == notify.StateWritten:
			t.Errorf("%s's %s notice was written to an outbox, want a provider", e.SubjectID, e.Channel)
		case e.State == notify.StateUnreachable:
			told[e.SubjectID] = append(told[e.SubjectID], "unreachable")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		want := []string{string(p.want)}
		if p.want == "" {
			want = []string{"unreachable"}
		}
		if got := told[p.id]; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s ended %v, want %v", p.id, got, want)
		}
	}
	if !t.Failed() {
		// Every provider received what the ledger says it sent.
		if smtp.Delivered() != 1 || smtp.AcceptedByRecipient()["reader@mail.example"] != 1 {
			t.Errorf("SMTP delivered %d (%v), want one e-mail to reader@mail.example", smtp.Delivered(), smtp.AcceptedByRecipient())
		}
		var sms, calls []string
		for _, r := range twilio.Requests() {
			if r.Invalid != "" {
				t.Errorf("Twilio's description refuses a request: %s", r.Invalid)
			}
			switch r.Operation {
			case twiliotest.OpCreateMessage:
				sms = append(sms, r.Form.Get("To"))
			case twiliotest.OpCreateCall:
				calls = append(calls, r.Form.Get("To"))
				// The reference is spelled out, character by character.
				spelled := strings.Join(strings.Split(strings.ReplaceAll(in.ID, "-", "\x00"), ""), ", ")
				spelled = strings.ReplaceAll(spelled, "\x00", "dash")
				if twiml := r.Form.Get("Twiml"); !strings.Contains(twiml, "<Say") || !strings.Contains(twiml, spelled) {
					t.Errorf("call TwiML %q: want a <Say> spelling the reference %s", twiml, in.ID)
				}
			}
		}
		if strings.Join(calls, ",") != landline || !strings.Contains(strings.Join(sms, ","), "+12135550102") {
			t.Errorf("Twilio got SMS to %v and calls to %v; want an SMS to the mobile and one call to the landline", sms, calls)
		}
		mu.Lock()
		if len(pushed) != 1 || pushed["fcm-token-1:APA91b"] != 1 {
			t.Errorf("FCM got %v, want one push to the reader's device", pushed)
		}
		mu.Unlock()
		pdfs, _ := filepath.Glob(filepath.Join(cfg.Channels.Letter.Dir, "*", "*.pdf"))
		manifests, _ := filepath.Glob(filepath.Join(cfg.Channels.Letter.Dir, "*", "*.csv"))
		if len(pdfs) != 2 || len(manifests) != 1 {
			t.Errorf("letters: %d PDFs and %d manifests under %s, want 2 and 1", len(pdfs), len(manifests), cfg.Channels.Letter.Dir)
		}
	}
	if t.Failed() {
		logProblems(t, logs)
	}
	// No contact, device or address in the service's log, and no
	// provider secret.
	var contacts []string
	for _, p := range people {
		contacts = append(contacts, p.email, p.phone, p.postal, p.device)
	}
	notifytest.AssertNoLeak(t, []string{token}, contacts, nil, logs.String())
}
