package workflow_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/workflow"
)

// previewInventory is a shop whose customers are reachable by e-mail only
// (three), by e-mail and phone (one, in China), or not at all (one).
func previewInventory(t *testing.T) *inventory.Inventory {
	t.Helper()
	dir := t.TempDir()
	inv := `schema: breach.inventory/v1
organization:
  name: Test Shop
  establishment: DE
  contact: { name: Privacy Office, email: privacy@shop.example }
systems:
  - id: crm
    name: Customer accounts
    categories: [name, email, phone]
subjects: subjects.csv
`
	csv := `id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems
p-a,Anna Test,anna@mail.example,,de-DE,DE,,false,,,,crm
p-b,Bruno Test,bruno@mail.example,,fr-FR,FR,,false,,,,crm
p-c,Carl Test,carl@mail.example,,en-GB,IE,,false,,,,crm
p-d,Li Lei,li@mail.example,+86 138 0000 0000,zh-CN,CN,,false,,,,crm
p-e,No Contact,,,de-DE,DE,,false,,,,crm
`
	if err := os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "subjects.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func previewIncident() (*incident.Incident, *assess.Assessment) {
	in := &incident.Incident{Schema: incident.Schema, ID: "INC-PV", Revision: 1, Title: "Accounts copied", Cause: incident.Cause("hacking"),
		DiscoveredAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), Affected: []incident.Affected{{System: "crm"}}}
	a := &assess.Assessment{Risk: regulators.RiskHigh, Obligations: []regulators.Obligation{
		{Jurisdiction: "EU-GDPR", NotifyIndividuals: true, Risk: regulators.RiskHigh},
		{Jurisdiction: "CN-PIPL", NotifyIndividuals: true, Risk: regulators.RiskHigh},
	}}
	return in, a
}

// TestPreviewCampaignOnlySMSConfigured is the case: only the SMS
// provider configured, campaign.outbox_fallback false (app disables every
// other channel). The preview names e-mail and the people it would strand;
// approval refuses it.
func TestPreviewCampaignOnlySMSConfigured(t *testing.T) {
	inv := previewInventory(t)
	in, a := previewIncident()
	in.Translations = map[string]incident.Translation{"de": {Title: "Konten kopiert"}, "fr": {Title: "Comptes copiés"}, "zh-CN": {Title: "账户被复制"}}
	policy := notify.DefaultPolicy()
	policy.Disabled = []notify.Channel{notify.ChannelEmail, notify.ChannelPush, notify.ChannelVoice, notify.ChannelLetter}
	pv, err := workflow.PreviewCampaign(context.Background(), inv, in, a, policy, false)
	if err != nil {
		t.Fatal(err)
	}
	want := notify.Preview{People: 5, ByChannel: map[notify.Channel]int{notify.ChannelSMS: 1},
		ByLocale:       map[string]int{"de-DE": 2, "fr-FR": 1, "en-GB": 1, "zh-CN": 1},
		ByJurisdiction: map[string]int{"EU-GDPR": 4, "CN-PIPL": 1}, Unreachable: 4, Stranded: 3,
		StrandedBy: map[notify.Channel]int{notify.ChannelEmail: 3},
		NoProvider: []notify.Channel{notify.ChannelEmail, notify.ChannelVoice, notify.ChannelLetter}, Untranslated: map[string]int{}}
	if diff := cmp.Diff(want, pv); diff != "" {
		t.Errorf("preview (-want +got):\n%s", diff)
	}
	err = pv.Refusal(workflow.UntranslatedLimit(a, 0))
	if !errors.Is(err, notify.ErrStranded) || !strings.Contains(err.Error(), "email (3 with an address there)") {
		t.Errorf("Refusal: got %v, want ErrStranded naming email", err)
	}
}

// TestPreviewCampaignUntranslated counts per locale the people who would
// get the incident's English text, and refuses a high-risk campaign with
// any by default.
func TestPreviewCampaignUntranslated(t *testing.T) {
	inv := previewInventory(t)
	in, a := previewIncident()
	in.Translations = map[string]incident.Translation{"de": {Title: "Konten kopiert"}}
	pv, err := workflow.PreviewCampaign(context.Background(), inv, in, a, notify.DefaultPolicy(), false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"fr-FR": 1, "zh-CN": 1}, pv.Untranslated); diff != "" {
		t.Errorf("untranslated (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		a    *assess.Assessment
		max  int
		want error
	}{
		{"high risk, default: none allowed", a, 0, notify.ErrUntranslated},
		{"high risk, max 1", a, 1, notify.ErrUntranslated},
		{"high risk, max 2", a, 2, nil},
		{"high risk, no limit", a, -1, nil},
		{"not high risk: any number", &assess.Assessment{Risk: regulators.RiskRisk}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := pv.Refusal(workflow.UntranslatedLimit(tc.a, tc.max))
			if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
				t.Errorf("Refusal: got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestChanges: what a follow-up says changed for one person between the
// revision they were told about and the current one.
func TestChanges(t *testing.T) {
	old, _ := previewIncident()
	old.Mitigation.Measures, old.Mitigation.Advice = []string{"Closed the hole"}, []string{"Change your password"}
	told := notify.Job{Revision: 1, Categories: []string{"name", "email"}}
	tests := []struct {
		name string
		edit func(cur *incident.Incident)
		now  notify.Recipient
		want []string
	}{
		{"nothing changed", func(*incident.Incident) {}, notify.Recipient{Categories: []string{"email", "name"}}, nil},
		{"new category for them", func(*incident.Incident) {}, notify.Recipient{Categories: []string{"email", "phone"}}, []string{notify.ChangeCategories}},
		{"risk now high", func(*incident.Incident) {}, notify.Recipient{Categories: []string{"email"}, HighRisk: true}, []string{notify.ChangeRisk}},
		{"new advice", func(c *incident.Incident) { c.Mitigation.Advice = append(c.Mitigation.Advice, "Watch your statements") },
			notify.Recipient{Categories: []string{"email"}}, []string{notify.ChangeAdvice}},
		{"advice removed only", func(c *incident.Incident) { c.Mitigation.Advice = nil }, notify.Recipient{Categories: []string{"email"}}, nil},
		{"corrected description", func(c *incident.Incident) { c.Description = "It was two databases." },
			notify.Recipient{Categories: []string{"email"}}, []string{notify.ChangeFacts}},
		{"corrected start time", func(c *incident.Incident) { at := c.DiscoveredAt.Add(-time.Hour); c.OccurredAt = &at },
			notify.Recipient{Categories: []string{"email"}}, []string{notify.ChangeFacts}},
		{"everything", func(c *incident.Incident) {
			c.Title, c.Mitigation.Advice = "Worse", append(c.Mitigation.Advice, "Freeze your credit")
		}, notify.Recipient{Categories: []string{"payment_card"}, HighRisk: true},
			[]string{notify.ChangeCategories, notify.ChangeRisk, notify.ChangeAdvice, notify.ChangeFacts}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cur := *old
			cur.Revision = 2
			cur.Mitigation.Advice = slices.Clone(old.Mitigation.Advice)
			tc.edit(&cur)
			if diff := cmp.Diff(tc.want, workflow.Changes(old, &cur, told, &tc.now)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}
