package examples_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/templates"
)

// TestEveryExampleMakesNotices passes every example incident through the
// approval gate (missing facts, leaked data, requests for credentials,
// links) and renders every notice of every route of every affected
// person's plan with the embedded templates, as a campaign would. An
// example the gate or a template refuses would make `breach demo`, or an
// operator following the README, stop at approval.
func TestEveryExampleMakesNotices(t *testing.T) {
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	causes := map[incident.Cause]bool{}
	for _, ex := range examples.All() {
		t.Run(ex.Name, func(t *testing.T) { checkNotices(t, ex, set, causes) })
	}
	for _, cause := range []incident.Cause{incident.CauseRansomware, incident.CauseHacking, incident.CauseExfiltration,
		incident.CauseCredentialStuffing, incident.CauseLostDevice, incident.CauseTheft, incident.CauseMisdelivery,
		incident.CauseMisconfiguration, incident.CauseInsider, incident.CauseSocialEngineering, incident.CauseOther} {
		if !causes[cause] {
			t.Errorf("no example incident has cause %s (docs/incident.md lists it)", cause)
		}
	}
}

// checkNotices passes every incident of one example through the gate and
// renders its notices.
func checkNotices(t *testing.T, ex examples.Example, set *templates.Set, causes map[incident.Cause]bool) {
	dir := t.TempDir()
	if err := ex.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(filepath.Join(dir, "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	names, err := ex.Incidents()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			raw, err := ex.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			in, err := incident.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			causes[in.Cause] = true
			if err := compose.CheckFacts(in, inv.Organization); err != nil {
				t.Fatalf("the approval gate refuses it: %v", err)
			}
			c, err := compose.New(compose.Config{Templates: set, Inventory: inv, Secret: []byte("example-notice-key-0123456789"),
				Now: func() time.Time { return in.DiscoveredAt.Add(24 * time.Hour) }},
				compose.IncidentsFunc(func(context.Context, string, int) (*incident.Incident, error) { return in, nil }))
			if err != nil {
				t.Fatal(err)
			}
			policy := notify.DefaultPolicy()
			rendered := map[notify.Channel]int{}
			var r notify.Recipient
			err = assess.EachAffected(ctx, inv, in, func(p *assess.AffectedPerson) error {
				compose.Recipient(&r, p)
				plan := policy.Plan(&r, true)
				for _, route := range slices.Concat(plan.Primary, plan.Fallback, plan.Accelerators) {
					j := r.NewJob(in.ID, in.Revision, 1, route, nil)
					if _, _, err := c.Render(ctx, &j); err != nil {
						t.Errorf("%s on %s: %v", p.ID, route.Channel, err)
						continue
					}
					rendered[route.Channel]++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if rendered[notify.ChannelEmail] == 0 {
				t.Errorf("no e-mail notice rendered; rendered %v", rendered)
			}
		})
	}
}
