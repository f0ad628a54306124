package outbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/email"
	"github.com/breach-notify/breach/notify/notifytest"
)

var fixedNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

func notice(ch notify.Channel, to string, i int) *notify.Message {
	return &notify.Message{
		Key:              fmt.Sprintf("INC-2026-0042/u-%d/%s/1", i, ch),
		IncidentID:       "INC-2026-0042",
		SubjectID:        fmt.Sprintf("u-%d", i),
		Channel:          ch,
		To:               to,
		ToName:           "Zoë Müller",
		Locale:           "fr-CA",
		Subject:          "Avis de sécurité",
		Text:             "Bonjour,\nune intrusion a eu lieu.\nCode: K7Q-2MX\n",
		HTML:             "<p>Bonjour,</p><p>une intrusion a eu lieu.</p>",
		VerificationCode: "K7Q-2MX",
	}
}

func TestEmailEML(t *testing.T) {
	dir := t.TempDir()
	log := notifytest.NewLog()
	n, err := New(dir, notify.ChannelEmail, log.Entry, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	m := notice(notify.ChannelEmail, "alice@example.net", 1)
	id, err := n.Notify(context.Background(), m)
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	path := filepath.Join(n.Dir(), "email", "INC-2026-0042", SafeName(m.Key)+".eml")
	if id != "outbox:"+path {
		t.Errorf("got id %q, want outbox:%s", id, path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read .eml: %v", err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse .eml with net/mail: %v", err)
	}
	if got := msg.Header.Get("X-Breach-Notice"); got != m.Key {
		t.Errorf("got X-Breach-Notice %q, want %q", got, m.Key)
	}
	if got, _ := msg.Header.Date(); !got.Equal(fixedNow) {
		t.Errorf("got Date %v, want %v", got, fixedNow)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("got Content-Type %q, want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	var types []string
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, ct)
	}
	if diff := cmp.Diff([]string{"text/plain", "text/html"}, types); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("got mode %v (%v), want 0600: the file holds personal data", st.Mode().Perm(), err)
	}
	if got := log.Count(logrus.WarnLevel, "OUTBOX MODE: no provider configured for email; notices are written to "+n.Dir()+", nothing is sent"); got != 1 {
		t.Errorf("got %d OUTBOX MODE warnings, want 1\n%s", got, log.String())
	}
	notifytest.AssertNoLeak(t, nil, []string{m.To}, nil, strings.ReplaceAll(log.String(), n.Dir(), "<dir>"))
}

// TestEmailEMLMatchesSMTP checks that the outbox writes the very bytes the
// e-mail channel sends, given the same composer.
func TestEmailEMLMatchesSMTP(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.Behaviour{})
	en, err := email.New(email.Config{Host: srv.Host, Port: srv.Port, TLS: email.TLSNone, From: "Privacy <privacy@example.org>",
		ReplyTo: "dpo@example.org"}, notifytest.NewLog().Entry, email.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer en.Close()
	ob, err := New(t.TempDir(), notify.ChannelEmail, notifytest.NewLog().Entry, WithComposer(en.Composer()))
	if err != nil {
		t.Fatal(err)
	}
	m := notice(notify.ChannelEmail, "bob@example.net", 2)
	if _, err := en.Notify(context.Background(), m); err != nil {
		t.Fatalf("email Notify: %v", err)
	}
	id, err := ob.Notify(context.Background(), m)
	if err != nil {
		t.Fatalf("outbox Notify: %v", err)
	}
	eml, err := os.ReadFile(strings.TrimPrefix(id, "outbox:"))
	if err != nil {
		t.Fatal(err)
	}
	sent := srv.Messages()[0].Data
	// The MIME boundary is random per message; everything else must match.
	norm := func(raw []byte) string {
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		return strings.ReplaceAll(string(raw), params["boundary"], "BOUNDARY")
	}
	if diff := cmp.Diff(norm(sent), norm(eml)); diff != "" {
		t.Errorf("sent message vs .eml (-sent +eml):\n%s", diff)
	}
}

func TestEmailIdempotentRewrite(t *testing.T) {
	n, err := New(t.TempDir(), notify.ChannelEmail, notifytest.NewLog().Entry)
	if err != nil {
		t.Fatal(err)
	}
	m := notice(notify.ChannelEmail, "carol@example.net", 3)
	id1, err := n.Notify(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	m.Text = "Second rendering.\n"
	id2, err := n.Notify(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if id1 != id2 {
		t.Errorf("got ids %q and %q, want the same file", id1, id2)
	}
	files, _ := filepath.Glob(filepath.Join(n.Dir(), "email", "*", "*"))
	if len(files) != 1 {
		t.Errorf("got files %v, want exactly one (no temporary files left)", files)
	}
	raw, _ := os.ReadFile(strings.TrimPrefix(id2, "outbox:"))
	if !bytes.Contains(raw, []byte("Second rendering.")) {
		t.Errorf("got a file without the second rendering, want it overwritten")
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Notify(context.Background(), m); err == nil || notify.IsPermanent(err) {
		t.Errorf("got %v after Close, want a temporary failure", err)
	}
}

func TestEmailInvalid(t *testing.T) {
	n, err := New(t.TempDir(), notify.ChannelEmail, notifytest.NewLog().Entry)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(*notify.Message)
	}{
		{"bad address", func(m *notify.Message) { m.To = "not an address" }},
		{"no address", func(m *notify.Message) { m.To = "" }},
		{"no key", func(m *notify.Message) { m.Key = "" }},
		{"wrong channel", func(m *notify.Message) { m.Channel = notify.ChannelSMS }},
	}
	var errs []error
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := notice(notify.ChannelEmail, "dave@example.net", 4)
			tc.mutate(m)
			_, err := n.Notify(context.Background(), m)
			errs = append(errs, err)
			if !notify.IsPermanent(err) {
				t.Errorf("got %v, want a permanent failure", err)
			}
		})
	}
	notifytest.AssertNoLeak(t, nil, []string{"dave@example.net", "not an address"}, errs, "")
}

func readRecords(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r Record
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %q is not a notice: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestJSONL(t *testing.T) {
	dir := t.TempDir()
	log := notifytest.NewLog()
	n, err := New(dir, notify.ChannelSMS, log.Entry, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	m := notice(notify.ChannelSMS, "+33612345678", 5)
	id, err := n.Notify(context.Background(), m)
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	path := filepath.Join(n.Dir(), "sms.jsonl")
	if id != "outbox:"+path {
		t.Errorf("got id %q, want outbox:%s", id, path)
	}
	got := readRecords(t, path)
	want := []Record{{Key: m.Key, Incident: m.IncidentID, SubjectID: m.SubjectID, Channel: notify.ChannelSMS, To: m.To,
		ToName: m.ToName, Locale: m.Locale, Subject: m.Subject, Text: m.Text, VerificationCode: m.VerificationCode, WrittenAt: fixedNow}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	raw, _ := os.ReadFile(path)
	var fields map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(raw), &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"key", "incident", "subject_id", "channel", "to", "locale", "subject", "text", "verification_code", "written_at"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("got fields %v, want %q among them", fields, k)
		}
	}
	if got := log.Count(logrus.WarnLevel, "OUTBOX MODE: no provider configured for sms"); got != 1 {
		t.Errorf("got %d OUTBOX MODE warnings, want 1", got)
	}
	notifytest.AssertNoLeak(t, nil, []string{m.To}, nil, log.String())
}

func TestJSONLDeduplicatesAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	open := func() *Notifier {
		n, err := New(dir, notify.ChannelLetter, notifytest.NewLog().Entry)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := open()
	for i := range 3 {
		for range 2 { // the second write of a key is dropped
			if _, err := n.Notify(context.Background(), notice(notify.ChannelLetter, "1 Rue de la Paix, Paris", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	// A crash left half a line behind.
	path := filepath.Join(dir, "letter.jsonl")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`{"key":"INC-2026-0042/u-9/letter/1","incid`)
	_ = f.Close()

	n = open()
	defer n.Close()
	for i := range 4 { // keys 0..2 known, 3 new
		if _, err := n.Notify(context.Background(), notice(notify.ChannelLetter, "1 Rue de la Paix, Paris", i)); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 3 + the torn one + 1 new:\n%s", len(lines), raw)
	}
	var keys []string
	for i, l := range lines {
		var r Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			if i != 3 {
				t.Errorf("line %d is not valid JSON: %v", i+1, err)
			}
			continue
		}
		keys = append(keys, r.Key)
	}
	want := []string{"INC-2026-0042/u-0/letter/1", "INC-2026-0042/u-1/letter/1", "INC-2026-0042/u-2/letter/1", "INC-2026-0042/u-3/letter/1"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

func TestConcurrentWrites(t *testing.T) {
	const writers, perWriter = 8, 40
	dir := t.TempDir()
	jn, err := New(dir, notify.ChannelPush, notifytest.NewLog().Entry)
	if err != nil {
		t.Fatal(err)
	}
	defer jn.Close()
	en, err := New(dir, notify.ChannelEmail, notifytest.NewLog().Entry)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers*perWriter)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				k := (w*perWriter + i) % (writers * perWriter / 2) // every key twice
				if _, err := jn.Notify(context.Background(), notice(notify.ChannelPush, "device-token-"+fmt.Sprint(k), k)); err != nil {
					errs <- err
				}
				if _, err := en.Notify(context.Background(), notice(notify.ChannelEmail, fmt.Sprintf("u%d@example.net", k%20), k%20)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Notify: %v", err)
	}
	recs := readRecords(t, filepath.Join(dir, "push.jsonl"))
	seen := map[string]int{}
	for _, r := range recs {
		seen[r.Key]++
	}
	if len(recs) != writers*perWriter/2 || len(seen) != len(recs) {
		t.Errorf("got %d lines with %d distinct keys, want %d lines, one per key", len(recs), len(seen), writers*perWriter/2)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "email", "*", "*"))
	if len(files) != 20 {
		t.Errorf("got %d files, want 20 (no temporary files left)", len(files))
	}
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		if _, err := netmail.ReadMessage(bytes.NewReader(raw)); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}

func TestSafeName(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
	}{
		{"kept", "INC-2026-0042", "INC-2026-0042"},
		{"slashes", "INC-1/u-1/email/1", "INC-1_u-1_email_1-"},
		{"dot dot", "..", ""},
		{"hidden", ".x", "x-"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SafeName(tc.in)
			if !strings.HasPrefix(got, tc.want) || strings.ContainsAny(got, "/\\") || got == "" || strings.HasPrefix(got, ".") {
				t.Errorf("got %q, want a plain file name starting with %q", got, tc.want)
			}
		})
	}
	if SafeName("a/b") == SafeName("a_b") {
		t.Errorf("got the same name for a/b and a_b, want distinct")
	}
}
