package workflow

import (
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify/compose"
)

// TestTranslationsPassTheGate: a translation is text that goes into
// notices, so an address the organisation does not own is refused in it
// as in the incident's own text.
func TestTranslationsPassTheGate(t *testing.T) {
	org := inventory.Organization{Name: "Shop", Contact: inventory.Contact{Email: "privacy@shop.example"}}
	in := &incident.Incident{ID: "INC-T", Title: "Accounts copied", Description: "Someone copied the accounts.",
		Translations: map[string]incident.Translation{
			"de":    {Title: "Konten kopiert", Description: "Schreiben Sie an privacy@shop.example."},
			"zh-CN": {Description: "请联系 helpdesk@evil.example 获取帮助。"},
		}}
	if err := compose.CheckFacts(translated(in, "de"), org); err != nil {
		t.Errorf("de translation with the organisation's address: got %v, want nil", err)
	}
	err := compose.CheckFacts(translated(in, "zh-CN"), org)
	if err == nil || !strings.Contains(err.Error(), "e-mail address") {
		t.Errorf("zh-CN translation with a foreign address: got %v, want the gate's refusal", err)
	}
	if got := translated(in, "zh-CN").Title; got != in.Title {
		t.Errorf("zh-CN title: got %q, want the incident's own %q (the translation has none)", got, in.Title)
	}
}
