package assess

import (
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/google/go-cmp/cmp"
)

func cats(t testing.TB, ids ...string) []inventory.Category {
	t.Helper()
	out := make([]inventory.Category, 0, len(ids))
	for _, id := range ids {
		c, ok := inventory.BuiltinCategory(id)
		if !ok {
			t.Fatalf("no built-in category %q", id)
		}
		out = append(out, c)
	}
	return out
}

// TestScoreBoundaries checks the derived fixtures of §5b of the ENISA
// reference: boundary values belong to the higher band.
func TestScoreBoundaries(t *testing.T) {
	tests := []struct {
		name                   string
		dpc                    int
		ei, conf, integ, avail float64
		malicious              float64
		wantScore              float64
		wantLevel              string
	}{
		{"medium boundary simple malicious", 1, 1, 0.5, 0, 0, 0.5, 2, LevelMedium},
		{"medium boundary behavioural", 2, 0.75, 0.25, 0, 0.25, 0, 2, LevelMedium},
		{"medium boundary financial", 3, 0.5, 0.5, 0, 0, 0, 2, LevelMedium},
		{"high boundary behavioural", 2, 1, 0.5, 0, 0, 0.5, 3, LevelHigh},
		{"high boundary sensitive", 4, 0.75, 0, 0, 0, 0, 3, LevelHigh},
		{"very high boundary financial", 3, 1, 0.5, 0, 0, 0.5, 4, LevelVeryHigh},
		{"very high boundary sensitive", 4, 1, 0, 0, 0, 0, 4, LevelVeryHigh},
		{"minimum", 1, 0.25, 0, 0, 0, 0, 0.25, LevelLow},
		{"maximum", 4, 1, 0.5, 0.5, 0.5, 0.5, 6, LevelVeryHigh},
		{"medium below high", 4, 0.5, 0.25, 0, 0, 0.5, 2.75, LevelMedium},
		{"low below medium", 1, 1, 0.25, 0.25, 0, 0, 1.5, LevelLow},
		{"high below very high", 3, 0.75, 0.5, 0, 0.25, 0.5, 3.5, LevelHigh},
		{"just below medium", 1, 1, 0.5, 0.25, 0, 0, 1.75, LevelLow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score := Score(tt.dpc, tt.ei, tt.conf+tt.integ+tt.avail+tt.malicious)
			if score != tt.wantScore {
				t.Errorf("Score = %v, want %v", score, tt.wantScore)
			}
			if got := Level(score); got != tt.wantLevel {
				t.Errorf("Level(%v) = %q, want %q", score, got, tt.wantLevel)
			}
		})
	}
}

func circ(conf incident.Confidentiality, integ incident.Integrity, avail incident.Availability, malicious bool) Circumstances {
	return Circumstances{Confidentiality: conf, Integrity: integ, Availability: avail, Malicious: malicious}
}

// TestComputeSeverity runs whole assessments of the method, including the
// third-party worked examples of §5a of the ENISA reference.
func TestComputeSeverity(t *testing.T) {
	none, possible := incident.ConfidentialityNone, incident.ConfidentialityPossible
	known, unknown := incident.ConfidentialityKnownRecipients, incident.ConfidentialityUnknownRecipients
	iNone, aNone := incident.IntegrityNone, incident.AvailabilityNone
	tests := []struct {
		name       string
		in         SeverityInput
		wantDPC    int
		wantEI     float64
		wantCB     float64
		wantScore  float64
		wantLevel  string
		wantFactor []string
	}{
		{name: "5a hospital ransomware restored in 24h",
			in:      SeverityInput{Categories: cats(t, "name", "health"), Effects: circ(none, iNone, incident.AvailabilityTemporary, true)},
			wantDPC: 4, wantEI: 0.75, wantCB: 0.75, wantScore: 3.75, wantLevel: LevelHigh},
		{name: "5a lost encrypted laptop, key safe",
			in:      SeverityInput{Categories: cats(t, "name", "email", "phone"), Unintelligible: true, Effects: circ(possible, iNone, aNone, false)},
			wantDPC: 1, wantEI: 0.25, wantCB: 0, wantScore: 0.25, wantLevel: LevelLow},
		{name: "5a newsletter with addresses in CC",
			in:      SeverityInput{Categories: cats(t, "name", "email"), Effects: circ(known, iNone, aNone, false)},
			wantDPC: 1, wantEI: 1, wantCB: 0.25, wantScore: 1.25, wantLevel: LevelLow},
		{name: "5a insurer exfiltration of health data",
			in:      SeverityInput{Categories: cats(t, "name", "email", "date_of_birth", "health"), Effects: circ(unknown, iNone, aNone, true)},
			wantDPC: 4, wantEI: 1, wantCB: 1, wantScore: 5, wantLevel: LevelVeryHigh},
		{name: "5a salary e-mail to one wrong employee",
			in:      SeverityInput{Categories: cats(t, "name", "email", "financial_status"), Effects: circ(known, iNone, aNone, false)},
			wantDPC: 3, wantEI: 1, wantCB: 0.25, wantScore: 3.25, wantLevel: LevelHigh},
		{name: "only partial card data lowers financial by one",
			in:      SeverityInput{Categories: cats(t, "name", "email", "payment_card_partial"), Effects: circ(unknown, iNone, aNone, false)},
			wantDPC: 2, wantEI: 1, wantCB: 0.5, wantScore: 2.5, wantLevel: LevelMedium, wantFactor: []string{"partial_card_data"}},
		{name: "full card details raise financial to 4",
			in:      SeverityInput{Categories: cats(t, "name", "postal_address", "payment_card"), Effects: circ(unknown, iNone, aNone, true)},
			wantDPC: 4, wantEI: 1, wantCB: 1, wantScore: 5, wantLevel: LevelVeryHigh, wantFactor: []string{"full_financial_profile"}},
		{name: "bank account with transaction history is a full financial profile",
			in:      SeverityInput{Categories: cats(t, "name", "bank_account", "transaction_history"), Effects: circ(possible, iNone, aNone, false)},
			wantDPC: 4, wantEI: 0.75, wantCB: 0, wantScore: 3, wantLevel: LevelHigh, wantFactor: []string{"full_financial_profile"}},
		{name: "minors raise simple data by one",
			in:      SeverityInput{Categories: cats(t, "name", "email"), Minors: 3, Effects: circ(unknown, iNone, aNone, true)},
			wantDPC: 2, wantEI: 1, wantCB: 1, wantScore: 3, wantLevel: LevelHigh, wantFactor: []string{"minors"}},
		{name: "health controller: patient list allows health assumptions",
			in:      SeverityInput{Categories: cats(t, "name", "postal_address"), HIPAACoveredEntity: true, Effects: circ(known, iNone, aNone, false)},
			wantDPC: 3, wantEI: 1, wantCB: 0.25, wantScore: 3.25, wantLevel: LevelHigh, wantFactor: []string{"health_controller"}},
		{name: "credentials scored by the financial data they open",
			in:      SeverityInput{Categories: cats(t, "email", "credentials"), OpenedClass: inventory.ClassFinancial, Effects: circ(unknown, iNone, aNone, true)},
			wantDPC: 3, wantEI: 0.75, wantCB: 1, wantScore: 3.25, wantLevel: LevelHigh, wantFactor: []string{"credentials"}},
		{name: "password hashes alone are not raised",
			in:      SeverityInput{Categories: cats(t, "email", "password_hash"), Effects: circ(unknown, iNone, aNone, true)},
			wantDPC: 1, wantEI: 0.75, wantCB: 1, wantScore: 1.75, wantLevel: LevelLow},
		{name: "only device ids: negligible identification",
			in:      SeverityInput{Categories: cats(t, "device_id", "browsing_history"), Effects: circ(unknown, iNone, aNone, false)},
			wantDPC: 2, wantEI: 0.25, wantCB: 0.5, wantScore: 1, wantLevel: LevelLow},
		{name: "special category custom data scored sensitive",
			in: SeverityInput{Categories: []inventory.Category{{ID: "union_dues", Class: inventory.ClassSimple, Special: true}, {ID: "name", Class: inventory.ClassSimple, Identifying: true}},
				Effects: circ(known, iNone, aNone, false)},
			wantDPC: 4, wantEI: 0.75, wantCB: 0.25, wantScore: 3.25, wantLevel: LevelHigh, wantFactor: []string{"special_category"}},
		{name: "availability and integrity both lost without backup",
			in:      SeverityInput{Categories: cats(t, "name", "email"), Effects: circ(none, incident.IntegrityAlteredUnrecoverable, incident.AvailabilityPermanent, true)},
			wantDPC: 1, wantEI: 1, wantCB: 1.5, wantScore: 2.5, wantLevel: LevelMedium},
		{name: "minors do not push sensitive beyond 4",
			in:      SeverityInput{Categories: cats(t, "name", "health", "date_of_birth"), Minors: 1, Effects: circ(unknown, iNone, aNone, true)},
			wantDPC: 4, wantEI: 1, wantCB: 1, wantScore: 5, wantLevel: LevelVeryHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ComputeSeverity(tt.in)
			got := []any{s.DPC, s.EI, s.CB, s.Score, s.Level}
			want := []any{tt.wantDPC, tt.wantEI, tt.wantCB, tt.wantScore, tt.wantLevel}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("dpc, ei, cb, score, level: got %v, want %v (-want +got)\n%s\nreasons: %q", got, want, diff, s.Reasons)
			}
			var factors []string
			for _, a := range s.Adjustments {
				factors = append(factors, a.Factor)
				if a.Reason == "" {
					t.Errorf("adjustment %s has no reason", a.Factor)
				}
			}
			if diff := cmp.Diff(tt.wantFactor, factors); diff != "" {
				t.Errorf("adjustments: got %v, want %v", factors, tt.wantFactor)
			}
			if s.Method != Method {
				t.Errorf("method: got %q, want %q", s.Method, Method)
			}
		})
	}
}

func TestEffectiveCircumstances(t *testing.T) {
	tests := []struct {
		name      string
		in        incident.Incident
		want      EffectsUsed
		inferred  int
		mentioned string
	}{
		{name: "ransomware without effects",
			in:   incident.Incident{Cause: incident.CauseRansomware},
			want: EffectsUsed{Confidentiality: "possible", Integrity: "none", Availability: "temporary", Malicious: true}, inferred: 4, mentioned: "ransomware"},
		{name: "exfiltration assumes unknown recipients",
			in:   incident.Incident{Cause: incident.CauseExfiltration, Malicious: true, Effects: incident.Effects{Integrity: "none", Availability: "none"}},
			want: EffectsUsed{Confidentiality: "unknown_recipients", Integrity: "none", Availability: "none", Malicious: true}, inferred: 1, mentioned: "unknown_recipients"},
		{name: "misdelivery assumes known recipients and no malice",
			in:   incident.Incident{Cause: incident.CauseMisdelivery},
			want: EffectsUsed{Confidentiality: "known_recipients", Integrity: "none", Availability: "none"}, inferred: 3, mentioned: "misdelivery"},
		{name: "given effects are kept",
			in:   incident.Incident{Cause: incident.CauseOther, Effects: incident.Effects{Confidentiality: "none", Integrity: "altered_recoverable", Availability: "permanent", OutageHours: 5}},
			want: EffectsUsed{Confidentiality: "none", Integrity: "altered_recoverable", Availability: "permanent", OutageHours: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := EffectiveCircumstances(&tt.in)
			got := EffectsUsed{Confidentiality: string(c.Confidentiality), Integrity: string(c.Integrity), Availability: string(c.Availability), OutageHours: c.OutageHours, Malicious: c.Malicious}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("got %+v, want %+v (-want +got)\n%s", got, tt.want, diff)
			}
			if len(c.Inferred) != tt.inferred {
				t.Errorf("inferred: got %d notes %q, want %d", len(c.Inferred), c.Inferred, tt.inferred)
			}
			if tt.mentioned != "" && !strings.Contains(strings.Join(c.Inferred, " "), tt.mentioned) {
				t.Errorf("inferred notes %q do not mention %q", c.Inferred, tt.mentioned)
			}
		})
	}
}
