package regulators

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBrazilLargeScale checks that the large-scale criterion of
// Resolução CD/ANPD nº 15/2024 Art. 5 VI is evaluated, with its stated
// proxy, and marked for review: 20,000 exfiltrated CPF numbers must be
// communicated.
func TestBrazilLargeScale(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		notify bool
	}{
		{"Res. CD/ANPD 15/2024 Art. 5 VI: 20,000 CPF numbers are large scale", 20000, true},
		{"Res. CD/ANPD 15/2024 Art. 5 VI: 100 CPF numbers are not", 100, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DecideBRLGPD(facts("BR-LGPD", tt.n, cats(catName, catSSN)))
			if o.NotifyRegulator != tt.notify || o.NotifyIndividuals != tt.notify {
				t.Errorf("got regulator %v, individuals %v; want %v (reasons %q)", o.NotifyRegulator, o.NotifyIndividuals, tt.notify, o.Reasons)
			}
			if !o.Judgment || !strings.Contains(strings.Join(o.Counsel, " "), "large scale") {
				t.Errorf("got judgment %v, counsel %q; want the large-scale proxy marked for counsel", o.Judgment, o.Counsel)
			}
		})
	}
}

// TestIllinoisHIPAAEntitiesTellTheAG checks 815 ILCS 530/50: a HIPAA
// covered entity that must notify the HHS Secretary also notifies the
// Illinois Attorney General within 5 business days of doing so.
func TestIllinoisHIPAAEntitiesTellTheAG(t *testing.T) {
	o := DecideUSIL(facts("US-IL", 10, hipaaEntity, cats(catName, catHlth), func(f *Facts) { f.PHISubjects = 10 }))
	if !slices.ContainsFunc(o.OtherNotices, func(n Notice) bool {
		return n.Required && strings.Contains(n.To, "Attorney General") && slices.Contains(n.Citations, "815 ILCS 530/50")
	}) {
		t.Errorf("got notices %+v, want the Attorney General under 815 ILCS 530/50", o.OtherNotices)
	}
}

// TestPECRDeadlineAfterDUAA checks the PECR note: 24 hours before the Data
// (Use and Access) Act 2025 changed regulation 5A(2) on 20 August 2025,
// 72 hours after.
func TestPECRDeadlineAfterDUAA(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"PECR reg. 5A(2) before 20 August 2025: 24 hours", time.Date(2025, 8, 19, 9, 0, 0, 0, time.UTC), "24 hours"},
		{"PECR reg. 5A(2) as amended by the DUAA 2025: 72 hours", time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), "72 hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DecideUKGDPR(facts("UK-GDPR", 10, discovered(tt.at)))
			var pecr string
			for _, r := range o.Reasons {
				if strings.Contains(r, "PECR") || strings.Contains(r, "electronic communications service") {
					pecr = r
				}
			}
			if !strings.Contains(pecr, tt.want) {
				t.Errorf("PECR reason: got %q, want %q", pecr, tt.want)
			}
		})
	}
}

// TestPIPLChildrenGuardians checks that a breach of children's personal
// information is notified to the children and their guardians (监护人).
func TestPIPLChildrenGuardians(t *testing.T) {
	o := DecideCNPIPL(facts("CN-PIPL", 10, minors(3)))
	if !strings.Contains(strings.Join(o.Reasons, " "), "guardian") {
		t.Errorf("reasons: got %q, want the guardians named", o.Reasons)
	}
}

// TestFallbackIsAJudgment checks that a jurisdiction without an encoded
// rule is marked for counsel rather than printed as "no duty".
func TestFallbackIsAJudgment(t *testing.T) {
	o := Fallback(facts("MX", 3))
	if !o.Judgment || len(o.Counsel) == 0 {
		t.Errorf("got judgment %v, counsel %q; want the missing rule marked for counsel", o.Judgment, o.Counsel)
	}
}

// TestNewYorkAGCopyForPHIWithoutHealthCategory checks N.Y. Gen. Bus. Law
// § 899-aa(9): a covered entity that notifies HHS of a breach of PHI, a
// billing record without any health category included, also notifies the
// New York Attorney General within 5 business days.
func TestNewYorkAGCopyForPHIWithoutHealthCategory(t *testing.T) {
	o := DecideUSNY(facts("US-NY", 10, hipaaEntity, func(f *Facts) { f.PHISubjects = 10 }))
	if !slices.ContainsFunc(o.OtherNotices, func(n Notice) bool {
		return n.Required && slices.Contains(n.Citations, "N.Y. Gen. Bus. Law § 899-aa(9)")
	}) {
		t.Errorf("got notices %+v, want the Attorney General under § 899-aa(9)", o.OtherNotices)
	}
}
