package workflow_test

import (
	"testing"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/workflow"
)

// TestAddressees: who a campaign tells and who also gets the high-risk SMS,
// from per-jurisdiction duties and risk. GDPR Art. 34 asks for notice when
// the risk to the people concerned is high; California requires notice
// without a risk test. A low-risk EU person is therefore told (if EU law
// required it) without the extra SMS a high-risk Californian gets.
func TestAddressees(t *testing.T) {
	a := &assess.Assessment{Risk: regulators.RiskHigh, Obligations: []regulators.Obligation{
		{Jurisdiction: "EU-GDPR", NotifyIndividuals: true, Risk: regulators.RiskLow},
		{Jurisdiction: "US-CA", NotifyIndividuals: true, Risk: regulators.RiskHigh},
		{Jurisdiction: "US-HIPAA", NotifyIndividuals: true, Risk: regulators.RiskHigh},
		{Jurisdiction: "UK-GDPR", NotifyIndividuals: false, Risk: regulators.RiskRisk},
	}}
	for _, tc := range []struct {
		name      string
		p         assess.AffectedPerson
		notifyAll bool
		told      bool
		high      bool
	}{
		{"EU person, low risk", assess.AffectedPerson{Jurisdiction: "EU-GDPR"}, false, true, false},
		{"Californian, high risk", assess.AffectedPerson{Jurisdiction: "US-CA"}, false, true, true},
		{"UK person, no duty", assess.AffectedPerson{Jurisdiction: "UK-GDPR"}, false, false, false},
		{"UK person, notify all", assess.AffectedPerson{Jurisdiction: "UK-GDPR"}, true, true, false},
		{"patient elsewhere, HIPAA on top", assess.AffectedPerson{Jurisdiction: "US-OR", HIPAA: true}, false, true, true},
		// A Texan customer of a shop established in Germany: the GDPR
		// covers them by establishment, so its campaign tells them.
		{"covered by establishment, not residence", assess.AffectedPerson{Jurisdiction: "US-TX", Also: []string{"EU-GDPR"}}, false, true, false},
		{"covered by a high-risk law", assess.AffectedPerson{Jurisdiction: "US-TX", Also: []string{"US-CA"}}, false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to := workflow.NewAddressees(a, tc.notifyAll)
			if got := to.Includes(&tc.p); got != tc.told {
				t.Errorf("Includes = %v, want %v", got, tc.told)
			}
			if got := to.HighRisk(&tc.p); got != tc.high {
				t.Errorf("HighRisk = %v, want %v", got, tc.high)
			}
		})
	}
	none := workflow.NewAddressees(&assess.Assessment{Obligations: []regulators.Obligation{{Jurisdiction: "EU-GDPR"}}}, true)
	if !none.None() || none.Includes(&assess.AffectedPerson{Jurisdiction: "EU-GDPR"}) {
		t.Error("with no duty to tell anyone, notify_all_affected must not start a campaign")
	}
}
