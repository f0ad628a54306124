package compose

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/verify"
	"github.com/breach-notify/breach/templates"
)

var (
	testSecret = []byte("0123456789abcdef-compose-test")
	fixedNow   = func() time.Time { return time.Date(2026, 11, 21, 8, 30, 0, 0, time.UTC) }
)

// Shared across tests: parsing every template is the slow part.
var (
	setOnce sync.Once
	set     *templates.Set
	setErr  error
)

func templateSet(t *testing.T) *templates.Set {
	t.Helper()
	setOnce.Do(func() { set, setErr = templates.New(templates.Options{}) })
	if setErr != nil {
		t.Fatalf("templates.New: %v", setErr)
	}
	return set
}

func exampleInventory(t *testing.T) *inventory.Inventory {
	t.Helper()
	inv, err := inventory.Load("../../examples/seestar/inventory.yaml")
	if err != nil {
		t.Fatalf("load example inventory: %v", err)
	}
	return inv
}

// exampleIncident decodes the example exfiltration incident.
func exampleIncident(t *testing.T) *incident.Incident {
	t.Helper()
	data, err := os.ReadFile("../../examples/seestar/incidents/01-exfiltration-orders.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(data)
	if err != nil {
		t.Fatalf("decode example incident: %v", err)
	}
	return in
}

// incidents serves in for its own id and revision and counts calls.
type incidents struct {
	mu    sync.Mutex
	byRev map[int]*incident.Incident
	calls atomic.Int32
	fail  error
}

func (s *incidents) get(_ context.Context, id string, revision int) (*incident.Incident, error) {
	s.calls.Add(1)
	if s.fail != nil {
		return nil, s.fail
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.byRev[revision]
	if !ok || in.ID != id {
		return nil, errors.New("incident revision not found")
	}
	return in, nil
}

func newComposer(t *testing.T, ins ...*incident.Incident) (*Composer, *incidents) {
	t.Helper()
	src := &incidents{byRev: map[int]*incident.Incident{}}
	for _, in := range ins {
		src.byRev[in.Revision] = in
	}
	c, err := New(Config{Templates: templateSet(t), Inventory: exampleInventory(t), Secret: testSecret, Now: fixedNow}, IncidentsFunc(src.get))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, src
}

// flat joins a rendered text's words with single spaces, so that a phrase
// is found whatever the line wrapping.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderChannels(t *testing.T) {
	in := exampleIncident(t)
	// The incident names its own contact e-mail; name and phone are left to
	// the organisation's.
	in.Contact = &incident.Contact{Email: "incident-desk@store.example"}
	c, _ := newComposer(t, in)
	org := exampleInventory(t).Organization
	job := func(subject string, route notify.Route, locale, jurisdiction, postalName string) notify.Job {
		j := notify.NewJob(in.ID, in.Revision, 1, subject, route, nil)
		j.Locale, j.Jurisdiction, j.PostalName = locale, jurisdiction, postalName
		j.Categories = []string{"name", "postal_address", "account_risk_score"}
		return j
	}
	tests := []struct {
		name     string
		job      notify.Job
		wantTo   string
		wantName string
		// want are phrases of the text (words joined by single spaces).
		want        []string
		wantSubject string
		wantHTML    bool
	}{
		{
			name:        "e-mail",
			job:         job("s-0001", notify.Route{Channel: notify.ChannelEmail, To: "li.wei@mail.example", ToName: "Li Wei"}, "en-GB", "CN-PIPL", "Li Wei"),
			wantTo:      "li.wei@mail.example",
			wantName:    "Li Wei",
			wantSubject: "Important notice about your personal information – Seestar Store",
			want:        []string{"Dear Li Wei,", "What happened", "Revoked the leaked API key"},
			wantHTML:    true,
		},
		{
			name:   "SMS",
			job:    job("s-0002", notify.Route{Channel: notify.ChannelSMS, To: "+8613800000002", ToName: "Zhang Min"}, "en", "CN-PIPL", "Zhang Min"),
			wantTo: "+8613800000002", wantName: "Zhang Min",
			want: []string{"Seestar Store:", "Ref " + in.ID},
		},
		{
			name:   "letter",
			job:    job("s-0003", notify.Route{Channel: notify.ChannelLetter, To: "12 Harbour Road; Suzhou 215000; China"}, "en", "CN-PIPL", "Chen Jie"),
			wantTo: "12 Harbour Road; Suzhou 215000; China", wantName: "Chen Jie",
			want: []string{"Chen Jie 12 Harbour Road Suzhou 215000 China", "Dear Chen Jie,"},
		},
		{
			name:        "guardian route",
			job:         job("s-0004", notify.Route{Channel: notify.ChannelEmail, To: "parent@mail.example", Guardian: true}, "en", "CN-PIPL", "Mia Chen"),
			wantTo:      "parent@mail.example",
			wantSubject: "Important notice about your child's personal information – Seestar Store",
			want:        []string{"Dear parent or guardian,", "concerning your child's account (Mia Chen)", "What this may mean for your child"},
			wantHTML:    true,
		},
		{
			name:        "US-CA person",
			job:         job("s-0005", notify.Route{Channel: notify.ChannelEmail, To: "sam@mail.example", ToName: "Sam Rivera"}, "en-US", "US-CA", "Sam Rivera"),
			wantTo:      "sam@mail.example",
			wantName:    "Sam Rivera",
			wantSubject: "Notice of Data Breach – Seestar Store",
			want:        []string{"What Happened?", "What Information Was Involved?", "For More Information."},
			wantHTML:    true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, r, err := c.Render(context.Background(), &tc.job)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			code := verify.Code(testSecret, tc.job.Key)
			if !verify.Check(testSecret, tc.job.Key, m.VerificationCode) || m.VerificationCode != code {
				t.Errorf("verification code: got %q, want verify.Code(secret, key) = %q", m.VerificationCode, code)
			}
			gotHead := notify.Message{Key: m.Key, IncidentID: m.IncidentID, SubjectID: m.SubjectID, Channel: m.Channel, To: m.To, ToName: m.ToName}
			wantHead := notify.Message{Key: tc.job.Key, IncidentID: in.ID, SubjectID: tc.job.SubjectID, Channel: tc.job.Route.Channel, To: tc.wantTo, ToName: tc.wantName}
			if diff := cmp.Diff(wantHead, gotHead); diff != "" {
				t.Errorf("message addressing (-want +got):\n%s", diff)
			}
			if r.TemplateVersion == "" || len(r.ContentHash) != 64 {
				t.Errorf("rendering: got %+v, want a template version and a SHA-256 content hash", r)
			}
			if tc.wantSubject != "" && m.Subject != tc.wantSubject {
				t.Errorf("subject: got %q, want %q", m.Subject, tc.wantSubject)
			}
			if got := m.HTML != ""; got != tc.wantHTML {
				t.Errorf("has HTML: got %t, want %t", got, tc.wantHTML)
			}
			text := flat(m.Text)
			want := append([]string{code}, tc.want...)
			if tc.job.Route.Channel != notify.ChannelSMS {
				want = append(want,
					// Incident contact overrides the organisation's e-mail;
					// the organisation's phone fills the gap.
					"incident-desk@store.example", org.Contact.Phone,
					// Labels: built-in ids in the locale's words, declared
					// categories with the inventory's label.
					"account and transaction risk assessment", "postal address")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("text does not contain %q:\n%s", w, m.Text)
				}
			}
			if strings.Contains(m.Text+m.HTML, org.Contact.Email) {
				t.Errorf("text names the organisation's e-mail %q, want the incident's contact instead", org.Contact.Email)
			}
			if tc.wantHTML && !strings.Contains(m.HTML, code) {
				t.Errorf("HTML does not contain the verification code %q", code)
			}
		})
	}
}

func TestRenderPersonalValuesPerJob(t *testing.T) {
	// The template set caches renders per incident; each person must still
	// get their own name and code.
	in := exampleIncident(t)
	c, _ := newComposer(t, in)
	seen := map[string]bool{}
	for _, p := range []struct{ id, name string }{{"s-1", "Ana Lima"}, {"s-2", "Bo Chen"}, {"s-3", "Cy Diaz"}} {
		j := notify.NewJob(in.ID, in.Revision, 1, p.id, notify.Route{Channel: notify.ChannelEmail, To: p.id + "@mail.example", ToName: p.name}, nil)
		j.Categories = []string{"email", "phone"}
		m, r, err := c.Render(context.Background(), &j)
		if err != nil {
			t.Fatalf("Render %s: %v", p.id, err)
		}
		// The planner's Fingerprint identifies the same rendering.
		if fp, err := c.Fingerprint(context.Background(), &j); err != nil || fp != r {
			t.Errorf("Fingerprint %s: got %+v, %v; want %+v", p.id, fp, err, r)
		}
		code := verify.Code(testSecret, j.Key)
		if seen[code] {
			t.Errorf("code %s repeated for %s", code, p.id)
		}
		seen[code] = true
		for _, w := range []string{"Dear " + p.name + ",", code} {
			if !strings.Contains(flat(m.Text), w) {
				t.Errorf("notice of %s does not contain %q", p.id, w)
			}
		}
	}
}

func TestRenderErrors(t *testing.T) {
	base := exampleIncident(t)
	noMeasures := *base
	noMeasures.Revision = base.Revision + 1
	noMeasures.Mitigation.Measures = nil
	c, _ := newComposer(t, base, &noMeasures)
	tests := []struct {
		name      string
		revision  int
		route     notify.Route
		cats      []string
		wantIn    []string
		wantIsInv bool
	}{
		{"incident without measures", noMeasures.Revision, notify.Route{Channel: notify.ChannelEmail, To: "a@mail.example"}, []string{"email"},
			[]string{"Incident.Measures"}, true},
		{"category neither built in nor declared", base.Revision, notify.Route{Channel: notify.ChannelEmail, To: "a@mail.example"}, []string{"shoe_size"},
			[]string{"shoe_size", "Incident.Categories[0]"}, true},
		{"letter without address", base.Revision, notify.Route{Channel: notify.ChannelLetter, To: " "}, []string{"email"},
			[]string{"Recipient.PostalAddress"}, true},
		{"unknown revision", 99, notify.Route{Channel: notify.ChannelEmail, To: "a@mail.example"}, []string{"email"},
			[]string{"incident revision not found"}, false},
		{"no channel", base.Revision, notify.Route{Channel: notify.ChannelNone, To: "-"}, []string{"email"},
			[]string{"no channel"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := notify.NewJob(base.ID, tc.revision, 1, "s-9", tc.route, nil)
			j.Categories = tc.cats
			m, _, err := c.Render(context.Background(), &j)
			if err == nil {
				t.Fatalf("Render: got a message to %q, want an error", m.To)
			}
			for _, w := range tc.wantIn {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if got := errors.Is(err, templates.ErrInvalidNotice); got != tc.wantIsInv {
				t.Errorf("errors.Is(err, ErrInvalidNotice): got %t, want %t", got, tc.wantIsInv)
			}
			if !strings.Contains(err.Error(), j.Key) {
				t.Errorf("error %q does not name the notice key", err)
			}
			if _, ferr := c.Fingerprint(context.Background(), &j); ferr == nil || ferr.Error() != err.Error() {
				t.Errorf("Fingerprint: got error %v, want Render's %v", ferr, err)
			}
		})
	}
}

func TestNewRefusesWeakConfig(t *testing.T) {
	inv := exampleInventory(t)
	src := IncidentsFunc(func(context.Context, string, int) (*incident.Incident, error) { return nil, nil })
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"15-byte secret", Config{Templates: templateSet(t), Inventory: inv, Secret: []byte("0123456789abcde")}, true},
		{"no secret", Config{Templates: templateSet(t), Inventory: inv}, true},
		{"16-byte secret", Config{Templates: templateSet(t), Inventory: inv, Secret: []byte("0123456789abcdef")}, false},
		{"no templates", Config{Inventory: inv, Secret: testSecret}, true},
		{"no inventory", Config{Templates: templateSet(t), Secret: testSecret}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, src)
			if got := err != nil; got != tc.wantErr {
				t.Fatalf("New: got error %v, want error %t", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), string(tc.cfg.Secret)) && len(tc.cfg.Secret) > 0 {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

func TestIncidentCache(t *testing.T) {
	r1 := exampleIncident(t)
	r2 := *r1
	r2.Revision = r1.Revision + 1
	r2.Title = "Order database copied by an intruder (update)"
	c, src := newComposer(t, r1, &r2)
	ctx := context.Background()
	render := func(rev int, subject string) *notify.Message {
		t.Helper()
		j := notify.NewJob(r1.ID, rev, 1, subject, notify.Route{Channel: notify.ChannelSMS, To: "+8613800000000"}, nil)
		j.Categories = []string{"phone"}
		m, _, err := c.Render(ctx, &j)
		if err != nil {
			t.Fatalf("Render revision %d: %v", rev, err)
		}
		return m
	}
	for i := range 50 {
		render(r1.Revision, "s-"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	if got := src.calls.Load(); got != 1 {
		t.Errorf("incident reads for 50 notices of one revision: got %d, want 1", got)
	}
	render(r2.Revision, "s-x")
	render(r2.Revision, "s-y")
	if got := src.calls.Load(); got != 2 {
		t.Errorf("incident reads after a second revision: got %d, want 2", got)
	}

	// An error is not cached: the next job reads again.
	failing := &incidents{byRev: map[int]*incident.Incident{r1.Revision: r1}, fail: errors.New("database is locked")}
	c2, err := New(Config{Templates: templateSet(t), Inventory: exampleInventory(t), Secret: testSecret, Now: fixedNow}, IncidentsFunc(failing.get))
	if err != nil {
		t.Fatal(err)
	}
	j := notify.NewJob(r1.ID, r1.Revision, 1, "s-1", notify.Route{Channel: notify.ChannelSMS, To: "+8613800000000"}, nil)
	j.Categories = []string{"phone"}
	if _, _, err := c2.Render(ctx, &j); err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("Render with a failing store: got %v, want the store's error", err)
	}
	failing.fail = nil
	if _, _, err := c2.Render(ctx, &j); err != nil {
		t.Fatalf("Render after the store recovered: %v", err)
	}
	if got := failing.calls.Load(); got != 2 {
		t.Errorf("incident reads: got %d, want 2 (a failed read is not cached)", got)
	}
}

func TestRecipient(t *testing.T) {
	sub := json.RawMessage(`{"endpoint":"https://push.example/abc","keys":{"p256dh":"k","auth":"a"}}`)
	p := &assess.AffectedPerson{
		Subject: &inventory.Subject{ID: "s-7", Name: "Mia Chen", Email: "mia@mail.example", Phone: "+8613800000007",
			PostalAddress: "1 Lake Street; Suzhou", Locale: "zh-CN", Minor: true,
			GuardianEmail: "parent@mail.example", GuardianPhone: "+8613800000008",
			Devices: []inventory.Device{{Platform: "fcm", Token: "tok-1"}, {Platform: inventory.PlatformWebPush, Subscription: sub}}},
		Jurisdiction: "CN-PIPL",
		Categories:   []string{"email", "name"},
	}
	// r holds the previous person: every field must be replaced and the
	// device slice reused.
	devices := make([]notify.Device, 1, 8)
	devices[0] = notify.Device{Platform: "apns", Token: "old"}
	r := notify.Recipient{ID: "s-6", Name: "Old Person", Email: "old@mail.example", Devices: devices}
	Recipient(&r, p)
	want := notify.Recipient{ID: "s-7", Name: "Mia Chen", Email: "mia@mail.example", Phone: "+8613800000007",
		PostalAddress: "1 Lake Street; Suzhou", Locale: "zh-CN", Jurisdiction: "CN-PIPL", Minor: true,
		GuardianEmail: "parent@mail.example", GuardianPhone: "+8613800000008",
		Devices:    []notify.Device{{Platform: "fcm", Token: "tok-1"}, {Platform: "webpush", Token: string(sub)}},
		Categories: []string{"email", "name"}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("Recipient (-want +got):\n%s", diff)
	}
	if &r.Devices[0] != &devices[0] {
		t.Errorf("Recipient allocated a new device slice, want r's reused")
	}

	// A person without devices leaves an empty (not stale) list.
	p2 := &assess.AffectedPerson{Subject: &inventory.Subject{ID: "s-8", Email: "x@mail.example"}, Jurisdiction: "EU-GDPR"}
	Recipient(&r, p2)
	if len(r.Devices) != 0 || r.Name != "" || r.Minor {
		t.Errorf("Recipient after a person without devices: got %+v, want no devices, no name, not minor", r)
	}
	// With token devices (a Web Push subscription is copied into a string)
	// filling a reused recipient allocates nothing.
	p3 := &assess.AffectedPerson{Subject: &inventory.Subject{ID: "s-9",
		Devices: []inventory.Device{{Platform: "fcm", Token: "t1"}, {Platform: "apns", Token: "t2"}, {Platform: "fcm", Token: "t3"}}}}
	allocs := testing.AllocsPerRun(100, func() { Recipient(&r, p3) })
	if allocs != 0 {
		t.Errorf("Recipient allocations with a reused slice: got %.0f, want 0", allocs)
	}
	if &r.Devices[0] != &devices[0] || len(r.Devices) != 3 {
		t.Errorf("Recipient devices: got %d in a new array, want 3 in r's reused array", len(r.Devices))
	}
}

// TestFreeTextLinks: the incident's free text may link to the announcement
// page and to the organisation's website as the inventory gives it, not to
// other pages of the site such as /account or /login, which is what a
// request for credentials links to (review of issue 4, finding 6).
func TestFreeTextLinks(t *testing.T) {
	inv := exampleInventory(t)
	site := strings.TrimSuffix(inv.Organization.Website, "/")
	tests := []struct {
		advice string
		ok     bool
	}{
		{"Read the updates at " + site + "/security-notice.", true},
		{"See " + site + " for our opening hours.", true},
		{"Read the updates at " + site + "/security-notice/faq.", false},
		{"Check your orders at " + site + "/account.", false},
		{"Sign-in help: " + site + "/login", false},
		{"See " + site + "/?next=/account", false},
	}
	for _, tc := range tests {
		in := exampleIncident(t)
		in.Mitigation.Advice = []string{tc.advice}
		src := &incidents{byRev: map[int]*incident.Incident{in.Revision: in}}
		c, err := New(Config{Templates: templateSet(t), Inventory: inv, Secret: testSecret, Now: fixedNow,
			AnnouncementURL: site + "/security-notice"}, IncidentsFunc(src.get))
		if err != nil {
			t.Fatal(err)
		}
		j := notify.NewJob(in.ID, in.Revision, 1, "s-1", notify.Route{Channel: notify.ChannelEmail, To: "a@mail.example"}, nil)
		j.Categories = []string{"email"}
		_, _, err = c.Render(context.Background(), &j)
		if tc.ok && err != nil {
			t.Errorf("%q: got %v, want the notice rendered", tc.advice, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "Incident.Advice[0]: contains a link")) {
			t.Errorf("%q: got %v, want the link refused naming Incident.Advice[0]", tc.advice, err)
		}
	}
}
