package notify_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/templates"
)

// memSink keeps the jobs the planner queues.
type memSink struct{ jobs []notify.Job }

func (s *memSink) Enqueue(_ context.Context, jobs ...notify.Job) error {
	s.jobs = append(s.jobs, jobs...)
	return nil
}
func (s *memSink) Event(context.Context, incident.NoticeOutcome) error      { return nil }
func (s *memSink) DeadLetter(context.Context, string, []byte, string) error { return nil }

// TestPlannedGuardianLetterAddressesTheGuardian plans, with the real
// templates, a minor whose guardian has an e-mail address and who has a
// postal address, and renders the letter fallback the planner's route
// leads to: it must be written to the parent or guardian of the child
// (the guardian acts for a minor), not "Dear <child>" in the adult
// variant.
func TestPlannedGuardianLetterAddressesTheGuardian(t *testing.T) {
	ctx := context.Background()
	inv, err := inventory.Load("../examples/seestar/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../examples/seestar/incidents/01-exfiltration-orders.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	comp, err := compose.New(compose.Config{Templates: set, Inventory: inv, Secret: []byte("0123456789abcdef-guardian-test"),
		Now: func() time.Time { return time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC) }},
		compose.IncidentsFunc(func(context.Context, string, int) (*incident.Incident, error) { return in, nil }))
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	p := &notify.Planner{Policy: notify.DefaultPolicy(), Ledger: notify.NewMemoryLedger(), Sink: sink, Render: comp}
	minor := notify.Recipient{ID: "ss-0044", Name: "Noah Garcia", Minor: true, GuardianEmail: "parent@mail.example",
		PostalAddress: "1 High Street\nLondon N1 1AA", Locale: "en", Jurisdiction: "UK-GDPR", Categories: []string{"name", "postal_address"}}
	if _, err := p.Run(ctx, notify.Campaign{IncidentID: in.ID, Revision: in.Revision, Version: 1},
		func(fn func(*notify.Recipient) error) error { return fn(&minor) }); err != nil {
		t.Fatal(err)
	}
	if len(sink.jobs) != 1 {
		t.Fatalf("got %d jobs, want the guardian's e-mail", len(sink.jobs))
	}
	letter, ok := sink.jobs[0].Next() // the guardian's e-mail bounced
	if !ok || letter.Route.Channel != notify.ChannelLetter {
		t.Fatalf("got fallback %+v, %v; want the letter", letter.Route, ok)
	}
	m, _, err := comp.Render(ctx, &letter)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(m.Text), " ")
	for _, want := range []string{"Parent or guardian of Noah Garcia", "Dear parent or guardian,", "your child"} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(text, "Dear Noah Garcia") {
		t.Errorf("letter addresses the child in the adult variant:\n%s", m.Text)
	}
}
