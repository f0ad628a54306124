package workflow

import (
	"maps"
	"slices"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/regulators"
)

// Addressees decides whom a campaign tells, from an assessment: the people
// whose jurisdiction's law requires individual notice (US-HIPAA applies on
// top of a patient's own jurisdiction), or, with notifyAll, everyone
// affected once any law requires a campaign. The campaign and `breach
// notice render` share it, so a preview says when a person would not be
// told.
type Addressees struct {
	required map[string]bool
	high     map[string]bool // jurisdictions whose own risk is high
	all      bool
}

// NewAddressees reads the individual-notice duties of a.
func NewAddressees(a *assess.Assessment, notifyAll bool) Addressees {
	s := Addressees{required: map[string]bool{}, high: map[string]bool{}, all: notifyAll}
	for _, ob := range a.Obligations {
		if ob.NotifyIndividuals {
			s.required[ob.Jurisdiction] = true
		}
		if ob.Risk == regulators.RiskHigh || (ob.Risk == "" && a.Risk == regulators.RiskHigh) {
			s.high[ob.Jurisdiction] = true
		}
	}
	return s
}

// None reports whether no law requires telling anybody: no campaign.
func (s Addressees) None() bool { return len(s.required) == 0 }

// Jurisdictions lists, sorted, the jurisdictions that require notice.
func (s Addressees) Jurisdictions() []string { return slices.Sorted(maps.Keys(s.required)) }

// Includes reports whether the campaign tells p.
func (s Addressees) Includes(p *assess.AffectedPerson) bool {
	if s.None() {
		return false
	}
	if s.all || s.required[p.Jurisdiction] || (p.HIPAA && s.required["US-HIPAA"]) {
		return true
	}
	// A law that covers the person for another reason than where they
	// live (the organisation's establishment, where the data is
	// processed, a province's law beside the federal one) tells them too.
	for _, j := range p.Also {
		if s.required[j] {
			return true
		}
	}
	return false
}

// HighRisk reports whether p's own jurisdiction (or, for a patient, the
// US-HIPAA assessment) is high risk: the channel policy then sends an SMS
// as well as the e-mail. Risk is decided per jurisdiction, so a person is
// not texted because someone elsewhere had more sensitive data exposed.
func (s Addressees) HighRisk(p *assess.AffectedPerson) bool {
	if s.high[p.Jurisdiction] || (p.HIPAA && s.high["US-HIPAA"]) {
		return true
	}
	for _, j := range p.Also {
		if s.high[j] {
			return true
		}
	}
	return false
}
