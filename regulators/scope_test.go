package regulators

import (
	"strings"
	"testing"
)

// TestApplies checks the printed reason a law covers the people of an
// incident, and which links are left to counsel.
func TestApplies(t *testing.T) {
	tests := []struct {
		name, id    string
		s           Scope
		want        string
		wantCounsel string // "" means no counsel point
	}{
		{"GDPR Art. 3(1): establishment covers everyone", "EU-GDPR",
			Scope{Others: 3, Established: []string{"DE"}}, "establishment: the organisation is established in DE (GDPR Art. 3(1))", ""},
		{"GDPR Art. 3(1): processing in the EU alone is for counsel", "EU-GDPR",
			Scope{Others: 2, Processing: []string{"IE"}}, "processing: the affected systems store or process data in IE", "in the context of an establishment"},
		{"GDPR Art. 3(2): residents of a targeted market", "EU-GDPR",
			Scope{Residents: 2, Targets: []string{"EU"}}, "targeting: 2 people affected live in the EU/EEA", ""},
		{"GDPR Art. 3(2): residents of a market not listed as targeted are notified, for counsel", "EU-GDPR",
			Scope{Residents: 1, Targets: []string{"US"}}, "does not list among the markets", "GDPR Art. 3(2)"},
		{"PIPL Art. 3(1): processing in China is certain", "CN-PIPL",
			Scope{Others: 4, Processing: []string{"CN"}}, "processing: the affected systems store or process data in CN (PIPL Art. 3(1))", ""},
		{"DPDP Act s. 3(a): an establishment alone is for counsel", "IN-DPDP",
			Scope{Others: 1, Established: []string{"IN"}}, "establishment", "context of the establishment in IN"},
		{"Cal. Civ. Code § 1798.82(a): residence", "US-CA",
			Scope{Residents: 1}, "residence: 1 person affected lives under this jurisdiction", ""},
		{"45 CFR § 160.103: status", "US-HIPAA",
			Scope{Residents: 7, HIPAA: "covered entity"}, "status: the organisation is a HIPAA covered entity", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			because, counsel := Applies(tt.id, tt.s)
			if !strings.Contains(because, tt.want) {
				t.Errorf("because: got %q, want it to contain %q", because, tt.want)
			}
			c := strings.Join(counsel, " ")
			if tt.wantCounsel == "" && c != "" || !strings.Contains(c, tt.wantCounsel) {
				t.Errorf("counsel: got %q, want %q", c, tt.wantCounsel)
			}
		})
	}
}

// TestPIPLGradeCountsEveryone checks that the CAC Measures' 1 million
// grade counts every person of the breach, marked for counsel when PIPL's
// own people are fewer.
func TestPIPLGradeCountsEveryone(t *testing.T) {
	o := DecideCNPIPL(facts("CN-PIPL", 1000, total(1_200_000)))
	if o.RegulatorDeadline == nil || !o.RegulatorDeadline.Equal(*hours(4)) || !o.Judgment {
		t.Errorf("got deadline %v, judgment %v; want 4 hours after discovery, marked for counsel", o.RegulatorDeadline, o.Judgment)
	}
}
