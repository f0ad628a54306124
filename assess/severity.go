package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

// Method is the severity method's name in the assessment.
const Method = "ENISA-2013"

// The ENISA severity levels.
const (
	LevelLow      = "low"
	LevelMedium   = "medium"
	LevelHigh     = "high"
	LevelVeryHigh = "very_high"
)

// Severity is the ENISA 2013 severity of a breach: SE = DPC x EI + CB.
type Severity struct {
	Method string  `json:"method"`
	DPC    int     `json:"dpc"`
	EI     float64 `json:"ei"`
	CB     float64 `json:"cb"`
	Score  float64 `json:"score"`
	Level  string  `json:"level"`

	// BasicDPC is the data-processing-context score before adjustments,
	// from the highest ENISA class exposed.
	BasicDPC int `json:"basic_dpc"`
	// Adjustments are the contextual changes to the basic DPC, in order.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	// CBParts itemises the circumstances of breach.
	CBParts []CBPart `json:"cb_parts,omitempty"`
	// Reasons explain DPC, EI and CB in plain words.
	Reasons []string `json:"reasons,omitempty"`
}

// Adjustment is one contextual change to the DPC score with its reason.
type Adjustment struct {
	Factor string `json:"factor"`
	Delta  int    `json:"delta"`
	DPC    int    `json:"dpc"` // the score after the change
	Reason string `json:"reason"`

	target int // when set, the factor raises the score to at least this
}

// CBPart is one element of the circumstances of breach.
type CBPart struct {
	Element  string  `json:"element"` // confidentiality, integrity, availability, malicious_intent
	Value    string  `json:"value"`
	Points   float64 `json:"points"`
	Inferred bool    `json:"inferred,omitempty"`
}

// SeverityInput is what the ENISA method reads.
type SeverityInput struct {
	// Categories are every category exposed (encrypted or not).
	Categories []inventory.Category
	// Unintelligible is true when all exposed data was unintelligible.
	Unintelligible bool
	// Minors is the number of children among the affected people.
	Minors int
	// HIPAACoveredEntity marks a health-care controller: a bare list of its
	// patients reveals a health relationship.
	HIPAACoveredEntity bool
	// OpenedClass is the highest ENISA class of data held by systems whose
	// usable credentials leaked ("" when none leaked).
	OpenedClass inventory.Class
	// Effects are the effective circumstances (see Circumstances).
	Effects Circumstances
}

// Circumstances are the incident's effects after filling in what the
// reporter did not say from the cause.
type Circumstances struct {
	Confidentiality incident.Confidentiality
	Integrity       incident.Integrity
	Availability    incident.Availability
	Malicious       bool
	OutageHours     float64
	// Inferred explains each value that was inferred rather than reported.
	Inferred []string
	// inferred flags per element
	confInferred, integInferred, availInferred, malInferred bool
}

// maliciousCauses are causes that are intentional acts by definition.
var maliciousCauses = map[incident.Cause]bool{
	incident.CauseRansomware: true, incident.CauseHacking: true, incident.CauseExfiltration: true,
	incident.CauseCredentialStuffing: true, incident.CauseTheft: true, incident.CauseSocialEngineering: true,
}

// EffectiveCircumstances fills the effects the incident leaves unspecified
// with conservative values inferred from its cause, saying so.
func EffectiveCircumstances(in *incident.Incident) Circumstances {
	e := in.Effects
	c := Circumstances{Confidentiality: e.Confidentiality, Integrity: e.Integrity, Availability: e.Availability,
		Malicious: in.Malicious, OutageHours: e.OutageHours}
	cause := in.Cause
	if c.Confidentiality == "" {
		switch cause {
		case incident.CauseHacking, incident.CauseExfiltration, incident.CauseCredentialStuffing,
			incident.CauseMisconfiguration, incident.CauseSocialEngineering:
			c.Confidentiality = incident.ConfidentialityUnknownRecipients
		case incident.CauseMisdelivery, incident.CauseInsider:
			c.Confidentiality = incident.ConfidentialityKnownRecipients
		default: // ransomware, lost_device, theft, other: exposed, no evidence of access
			c.Confidentiality = incident.ConfidentialityPossible
		}
		c.confInferred = true
		c.Inferred = append(c.Inferred, fmt.Sprintf("effects.confidentiality was not given: assumed %q, the worst usual outcome of a %s incident", c.Confidentiality, cause))
	}
	if c.Integrity == "" {
		c.Integrity = incident.IntegrityNone
		c.integInferred = true
		c.Inferred = append(c.Inferred, "effects.integrity was not given: assumed \"none\" (no sign that data was altered)")
	}
	if c.Availability == "" {
		c.Availability = incident.AvailabilityNone
		if cause == incident.CauseRansomware {
			c.Availability = incident.AvailabilityTemporary
		} else if cause == incident.CauseLostDevice || cause == incident.CauseTheft {
			c.Availability = incident.AvailabilityRecoverable
		}
		c.availInferred = true
		c.Inferred = append(c.Inferred, fmt.Sprintf("effects.availability was not given: assumed %q for a %s incident", c.Availability, cause))
	}
	if !c.Malicious && maliciousCauses[cause] {
		c.Malicious = true
		c.malInferred = true
		c.Inferred = append(c.Inferred, fmt.Sprintf("malicious was not set, but a %s incident is an intentional act: counted as malicious", cause))
	}
	return c
}

// ConfidentialityLost reports whether the data was exposed to anyone.
func (c Circumstances) ConfidentialityLost() bool {
	return c.Confidentiality != incident.ConfidentialityNone && c.Confidentiality != ""
}

// AvailabilityOnly reports whether the breach touched only availability:
// nobody saw the data and nothing was altered beyond recovery.
func (c Circumstances) AvailabilityOnly() bool {
	return !c.ConfidentialityLost() && (c.Integrity == incident.IntegrityNone || c.Integrity == incident.IntegrityAlteredRecovered) &&
		c.Availability != incident.AvailabilityNone
}

// classScore is the basic DPC of each ENISA class.
func classScore(c inventory.Class) int {
	switch c {
	case inventory.ClassBehavioural:
		return 2
	case inventory.ClassFinancial:
		return 3
	case inventory.ClassSensitive:
		return 4
	}
	return 1
}

// Level returns the ENISA level of a score; a score on a boundary belongs
// to the higher level.
func Level(score float64) string {
	switch {
	case score >= 4:
		return LevelVeryHigh
	case score >= 3:
		return LevelHigh
	case score >= 2:
		return LevelMedium
	}
	return LevelLow
}

// Score computes SE = DPC x EI + CB.
func Score(dpc int, ei, cb float64) float64 { return float64(dpc)*ei + cb }

// ComputeSeverity applies the ENISA 2013 method.
func ComputeSeverity(in SeverityInput) Severity {
	s := Severity{Method: Method}
	dpc, basisReason := basicDPC(in.Categories)
	s.BasicDPC = dpc
	s.Reasons = append(s.Reasons, basisReason)
	for _, adj := range dpcAdjustments(in, dpc) {
		next := min(4, max(1, dpc+adj.Delta))
		if adj.target > 0 {
			next = max(dpc, adj.target)
		}
		if next == dpc {
			if adj.Delta == 0 && adj.target == 0 {
				s.Reasons = append(s.Reasons, adj.Reason)
			}
			continue
		}
		adj.Delta = next - dpc
		adj.DPC = next
		dpc = next
		s.Adjustments = append(s.Adjustments, adj)
	}
	s.DPC = dpc
	var eiReason string
	s.EI, eiReason = easeOfIdentification(in.Categories, in.Unintelligible)
	s.Reasons = append(s.Reasons, eiReason)
	s.CBParts = circumstanceParts(in.Effects)
	for _, p := range s.CBParts {
		s.CB += p.Points
	}
	s.Score = Score(s.DPC, s.EI, s.CB)
	s.Level = Level(s.Score)
	s.Reasons = append(s.Reasons, fmt.Sprintf("SE = DPC %d x EI %.2f + CB %.2f = %.2f: %s", s.DPC, s.EI, s.CB, s.Score, strings.ReplaceAll(s.Level, "_", " ")))
	return s
}

func basicDPC(cats []inventory.Category) (int, string) {
	if len(cats) == 0 {
		return 1, "no personal data category exposed: basic DPC 1"
	}
	best := 0
	var which []string
	for _, c := range cats {
		sc := classScore(c.Class)
		switch {
		case sc > best:
			best, which = sc, []string{c.ID}
		case sc == best:
			which = append(which, c.ID)
		}
	}
	return best, fmt.Sprintf("basic DPC %d from the highest class exposed (%s: %s)", best, className(best), strings.Join(which, ", "))
}

func className(score int) string {
	return [...]string{"", "simple", "behavioural", "financial", "sensitive"}[score]
}

func hasID(cats []inventory.Category, ids ...string) bool {
	for _, c := range cats {
		if slices.Contains(ids, c.ID) {
			return true
		}
	}
	return false
}

func anyCat(cats []inventory.Category, pred func(inventory.Category) bool) bool {
	return slices.ContainsFunc(cats, pred)
}

// dpcAdjustments lists the contextual factors of ENISA Assessment Table 1
// that apply, in the order they are applied. Each Delta is a whole step;
// the result is clamped to 1..4 by the caller.
func dpcAdjustments(in SeverityInput, basic int) []Adjustment {
	cats := in.Categories
	var out []Adjustment
	financial := func(c inventory.Category) bool { return c.Class == inventory.ClassFinancial }
	maxClass := basic

	// Decreasing factors first: they qualify the class that set the score.
	if basic == 3 && anyCat(cats, financial) && !anyCat(cats, func(c inventory.Category) bool {
		return financial(c) && c.ID != "payment_card_partial"
	}) {
		out = append(out, Adjustment{Factor: "partial_card_data", Delta: -1,
			Reason: "the only financial data is a partial card number: some financial information but no significant insight (ENISA Table 1, financial -1)"})
		maxClass = 2
	}
	// Increasing factors.
	if hasID(cats, "payment_card") || (hasID(cats, "bank_account") && hasID(cats, "transaction_history", "financial_status", "credentials")) {
		out = append(out, Adjustment{Factor: "full_financial_profile", Delta: +1,
			Reason: "full card details or account data with history allow fraud or a detailed financial profile (ENISA Table 1, financial +1)"})
	}
	if anyCat(cats, func(c inventory.Category) bool { return c.Special && c.Class != inventory.ClassSensitive }) && maxClass < 4 {
		out = append(out, Adjustment{Factor: "special_category", target: 4,
			Reason: "special-category data (GDPR Art. 9/10) is exposed: scored as sensitive"})
		maxClass = 4
	}
	if in.HIPAACoveredEntity && maxClass == 1 {
		out = append(out, Adjustment{Factor: "health_controller", Delta: +2,
			Reason: "the controller is a health-care provider: even a bare patient list allows assumptions on health (ENISA Table 1, simple +2)"})
	}
	if in.Minors > 0 || hasID(cats, "children_data") {
		out = append(out, Adjustment{Factor: "minors", Delta: +1,
			Reason: "children are among the affected people: vulnerable individuals raise the context score (ENISA contextual factors, special characteristics of the individuals)"})
	}
	if in.OpenedClass != "" {
		if opened := classScore(in.OpenedClass); opened > basic {
			out = append(out, Adjustment{Factor: "credentials", target: opened,
				Reason: fmt.Sprintf("usable credentials leaked: scored by the data they open (%s, DPC %d), as ENISA scores credentials", in.OpenedClass, opened)})
		}
	}
	if hasID(cats, "password_hash") && len(cats) > 0 && !anyCat(cats, func(c inventory.Category) bool {
		return c.ID != "password_hash" && !c.Identifying
	}) && in.OpenedClass == "" {
		out = append(out, Adjustment{Factor: "password_hash_only", Delta: 0,
			Reason: "only identifiers and password hashes: a hash is not a usable credential by itself, so the DPC is not raised to the data it protects"})
	}
	return out
}

// easeOfIdentification scores EI from the identifiers present.
func easeOfIdentification(cats []inventory.Category, unintelligible bool) (float64, string) {
	ei, why := identifiers(cats)
	if unintelligible && ei > 0.25 {
		return 0.25, fmt.Sprintf("EI 0.25 (negligible): %s would give EI %.2f, but all exposed data was encrypted with an uncompromised key", why, ei)
	}
	return ei, fmt.Sprintf("EI %.2f: %s", ei, why)
}

func identifiers(cats []inventory.Category) (float64, string) {
	name := hasID(cats, "name")
	switch {
	case hasID(cats, "national_id", "passport", "drivers_license"):
		return 1, "an official identity number identifies the person directly"
	case name && hasID(cats, "date_of_birth", "email", "postal_address", "phone"):
		return 1, "full name with further identifiers (date of birth, e-mail, address or phone) identifies the person directly"
	case hasID(cats, "biometric", "genetic"):
		return 1, "biometric or genetic data identifies the person directly"
	case name:
		return 0.75, "a full name in the controller's records is reasonably easy to match to the person"
	case hasID(cats, "email", "phone", "postal_address"):
		return 0.75, "an e-mail address, phone number or postal address is reasonably easy to match to the person"
	case anyCat(cats, func(c inventory.Category) bool { return c.Identifying }):
		return 0.75, "an identifying attribute is reasonably easy to match to the person"
	case hasID(cats, "username", "nickname", "ip_address", "date_of_birth", "location"):
		return 0.5, "an alias, IP address, birth date or location identifies only with additional sources"
	case hasID(cats, "device_id"):
		return 0.25, "only device identifiers: matching them to a person is extremely difficult without the controller's records"
	}
	return 0.25, "no identifier among the exposed data: matching it to a person is extremely difficult"
}

// circumstanceParts scores the circumstances of breach (ENISA CB).
func circumstanceParts(c Circumstances) []CBPart {
	conf := map[incident.Confidentiality]float64{incident.ConfidentialityKnownRecipients: 0.25, incident.ConfidentialityUnknownRecipients: 0.5}
	integ := map[incident.Integrity]float64{incident.IntegrityAlteredRecoverable: 0.25, incident.IntegrityAlteredUnrecoverable: 0.5}
	avail := map[incident.Availability]float64{incident.AvailabilityTemporary: 0.25, incident.AvailabilityPermanent: 0.5}
	parts := []CBPart{
		{Element: "confidentiality", Value: string(c.Confidentiality), Points: conf[c.Confidentiality], Inferred: c.confInferred},
		{Element: "integrity", Value: string(c.Integrity), Points: integ[c.Integrity], Inferred: c.integInferred},
		{Element: "availability", Value: string(c.Availability), Points: avail[c.Availability], Inferred: c.availInferred},
	}
	mal := CBPart{Element: "malicious_intent", Value: "no", Inferred: c.malInferred}
	if c.Malicious {
		mal.Value, mal.Points = "yes", 0.5
	}
	return append(parts, mal)
}
