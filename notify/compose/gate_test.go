package compose

import (
	"strings"
	"testing"

	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

func TestCheckFacts(t *testing.T) {
	org := inventory.Organization{Contact: inventory.Contact{Email: "privacy@store.example", Phone: "+86 512 0000 0000"}}
	base := func() *incident.Incident {
		return &incident.Incident{Title: "Order database copied", Description: "An intruder copied the order database.",
			Mitigation: incident.Mitigation{Measures: []string{"Closed the access path"}, Advice: []string{"Watch for phishing e-mails; we will never ask for your password"}}}
	}
	tests := []struct {
		name  string
		edit  func(*incident.Incident)
		field string // "" = accepted
	}{
		{"plain facts pass", func(*incident.Incident) {}, ""},
		{"organisation contact is allowed", func(in *incident.Incident) {
			in.Description += " Write to privacy@store.example or call +86 512 0000 0000."
		}, ""},
		{"another e-mail address", func(in *incident.Incident) { in.Description += " e.g. jane.doe@gmail.example was exposed" }, "description contains an e-mail address"},
		{"another phone number", func(in *incident.Incident) { in.Mitigation.Measures[0] += " (reported by +44 7700 900649)" }, "mitigation.measures[0] contains a phone number"},
		{"a card number", func(in *incident.Incident) { in.Description += " card 4111 1111 1111 1111 was seen" }, "payment card number"},
		{"an order number that fails Luhn is fine", func(in *incident.Incident) { in.Description += " order 4111 1111 1111 1112" }, ""},
		{"an IBAN", func(in *incident.Incident) { in.Description += " DE89 3704 0044 0532 0130 00" }, "IBAN"},
		{"an SSN", func(in *incident.Incident) { in.Description += " 123-45-6789" }, "social security"},
		{"a request for the password", func(in *incident.Incident) {
			in.Mitigation.Advice = append(in.Mitigation.Advice, "Reply with your current password and card number")
		}, "mitigation.advice[1] asks the reader for a secret"},
		{"a request in Chinese", func(in *incident.Incident) { in.Mitigation.Advice = []string{"请回复您的密码"} }, "asks the reader for a secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.edit(in)
			err := CheckFacts(in, org)
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("got %v, want no problem", err)
			case tc.field != "" && (err == nil || !strings.Contains(err.Error(), tc.field)):
				t.Errorf("got %v, want a problem naming %q", err, tc.field)
			}
			if err != nil && (strings.Contains(err.Error(), "4111") || strings.Contains(err.Error(), "gmail")) {
				t.Errorf("the error quotes the data it found: %v", err)
			}
		})
	}
}

func TestExampleIncidentsPassTheGate(t *testing.T) {
	inv, err := inventory.Load("../../examples/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	names, err := examples.Incidents()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		raw, err := examples.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		in, err := incident.Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := CheckFacts(in, inv.Organization); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
