package regulators

import (
	"strings"
	"testing"
	"time"
)

// TestJudgmentMarked checks that every conclusion resting on the automated
// risk score or on a statutory exception is marked as a judgment, with what
// counsel must confirm, whichever way it goes.
func TestJudgmentMarked(t *testing.T) {
	tests := []struct {
		name   string
		decide func(Facts) Obligation
		f      Facts
	}{
		{"GDPR Art. 33(1) risk test, notified", DecideEUGDPR, facts("EU-GDPR", 10, risk(RiskRisk))},
		{"GDPR Art. 33(1) risk test, not notified", DecideEUGDPR, facts("EU-GDPR", 10, risk(RiskLow))},
		{"UK GDPR Art. 34(1) high risk", DecideUKGDPR, facts("UK-GDPR", 10)},
		{"PIPEDA s. 10.1(1) real risk of significant harm", DecideCAPIPEDA, facts("CA-PIPEDA", 10, risk(RiskLow))},
		{"Privacy Act 1988 s. 26WE(2) serious harm", DecideAUNDB, facts("AU-NDB", 10)},
		{"PDPA s. 26B(1)(a) significant harm", DecideSGPDPA, facts("SG-PDPA", 10, cats(catName, catEmail), risk(RiskHigh))},
		{"45 CFR § 164.402(2) low probability", DecideUSHIPAA, facts("US-HIPAA", 10, hipaaEntity, cats(catName, catHlth), risk(RiskLow))},
		{"Fla. Stat. § 501.171(4)(c) no harm", DecideUSFL, facts("US-FL", 10, risk(RiskLow))},
		{"RCW 19.255.010(1) risk of harm", DecideUSWA, facts("US-WA", 10, risk(RiskLow))},
		{"N.Y. Gen. Bus. Law § 899-aa(2)(a) inadvertent disclosure", DecideUSNY, facts("US-NY", 10, risk(RiskLow), cause("misdelivery"), accidental)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.decide(tt.f)
			if !o.Judgment || len(o.Counsel) == 0 {
				t.Errorf("got judgment %v, counsel %q; want true with what counsel must confirm", o.Judgment, o.Counsel)
			}
		})
	}
}

// TestDocumentedDeterminations checks that an exception that needs a
// documented determination defaults to notify until the determination is
// recorded on the incident, and is applied, naming who made it and when,
// once it is.
func TestDocumentedDeterminations(t *testing.T) {
	at := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	det := func(j, ex string) func(*Facts) {
		return func(f *Facts) {
			f.Determinations = []Determination{{Jurisdiction: j, Exception: ex, By: "General Counsel", At: at, Text: "no harm likely"}}
		}
	}
	tests := []struct {
		name            string
		decide          func(Facts) Obligation
		f               Facts
		wantIndividuals bool
	}{
		{"Fla. Stat. § 501.171(4)(c) without a written determination: notify", DecideUSFL,
			facts("US-FL", 10, risk(RiskLow)), true},
		{"Fla. Stat. § 501.171(4)(c) with the written determination: exception applies", DecideUSFL,
			facts("US-FL", 10, risk(RiskLow), det("US-FL", ExceptionFLNoHarm)), false},
		{"Fla. Stat. § 501.171(4)(c) determination for another state does not count", DecideUSFL,
			facts("US-FL", 10, risk(RiskLow), det("US-NY", ExceptionFLNoHarm)), true},
		{"45 CFR § 164.402(2) without a documented risk assessment: presumed breach", DecideUSHIPAA,
			facts("US-HIPAA", 10, hipaaEntity, cats(catName, catHlth), risk(RiskLow)), true},
		{"45 CFR § 164.402(2) with the documented risk assessment: no notice", DecideUSHIPAA,
			facts("US-HIPAA", 10, hipaaEntity, cats(catName, catHlth), risk(RiskLow), det("US-HIPAA", ExceptionHIPAALowProbability)), false},
		{"N.Y. Gen. Bus. Law § 899-aa(2)(a) without the written determination: notify", DecideUSNY,
			facts("US-NY", 10, risk(RiskLow), cause("misdelivery"), accidental), true},
		{"N.Y. Gen. Bus. Law § 899-aa(2)(a) with the written determination: exception applies", DecideUSNY,
			facts("US-NY", 10, risk(RiskLow), cause("misdelivery"), accidental, det("US-NY", ExceptionNYInadvertent)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.decide(tt.f)
			if o.NotifyIndividuals != tt.wantIndividuals {
				t.Errorf("notify individuals: got %v, want %v (reasons %q)", o.NotifyIndividuals, tt.wantIndividuals, o.Reasons)
			}
			if !o.Judgment {
				t.Errorf("judgment: got false, want true")
			}
			all := strings.Join(o.Reasons, " ")
			if !tt.wantIndividuals && !strings.Contains(all, "General Counsel") {
				t.Errorf("reasons: got %q, want the determination's author named", o.Reasons)
			}
			if tt.wantIndividuals && !strings.Contains(strings.Join(o.Counsel, " "), "determination") {
				t.Errorf("counsel: got %q, want the missing determination named", o.Counsel)
			}
		})
	}
}
