package inventory

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const scopeYAML = `schema: breach.inventory/v1
organization:
  name: Klinik GmbH
  establishment: DE
  establishments: [DE, US, IN]
  targets: [EU, GB, US]
  hipaa_covered_entity: true
  hipaa_business_associate: false
  contact: { name: DPO, email: dpo@klinik.example }
systems:
  - { id: ehr, categories: [name, health], processing_locations: [IN] }
  - { id: hr, categories: [name, bank_account], phi: false }
subjects: subjects.csv
`

// TestParseScopeFields checks the optional fields that decide which laws
// reach the organisation beyond where people live: every establishment,
// the markets it targets, where each system processes data, and which
// systems hold PHI.
func TestParseScopeFields(t *testing.T) {
	inv, err := Parse([]byte(scopeYAML), "inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := inv.Organization
	if diff := cmp.Diff([]string{"DE", "US", "IN"}, o.AllEstablishments()); diff != "" {
		t.Errorf("AllEstablishments (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"EU", "GB", "US"}, o.Targets.List()); diff != "" {
		t.Errorf("Targets (-want +got):\n%s", diff)
	}
	ehr, _ := inv.System("ehr")
	hr, _ := inv.System("hr")
	if diff := cmp.Diff([]string{"IN"}, ehr.ProcessingLocations); diff != "" {
		t.Errorf("ProcessingLocations (-want +got):\n%s", diff)
	}
	if !ehr.HoldsPHI(o) || hr.HoldsPHI(o) {
		t.Errorf("HoldsPHI: got ehr %v, hr %v; want true (default for a covered entity), false (phi: false)", ehr.HoldsPHI(o), hr.HoldsPHI(o))
	}
	o.HIPAACoveredEntity = false
	if ehr.HoldsPHI(o) {
		t.Errorf("HoldsPHI for an organisation outside HIPAA: got true, want false")
	}
	o.HIPAABusinessAssociate = true
	if !ehr.HoldsPHI(o) {
		t.Errorf("HoldsPHI for a business associate: got false, want true")
	}
}

func TestParseScopeFieldErrors(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"establishment not a country", "establishments: [DE, US, IN]", "establishments: [DE, XX]", "organization.establishments[1]: \"XX\" is not an ISO 3166-1 alpha-2 country code"},
		{"lower-case target", "targets: [EU, GB, US]", "targets: [eu]", "organization.targets[0]: \"eu\" is not an ISO 3166-1 alpha-2 country code or EU; write it in upper case: EU"},
		{"EU is not a processing location", "processing_locations: [IN]", "processing_locations: [EU]", "systems[0].processing_locations[0]"},
		{"phi not a boolean", "phi: false", "phi: nope", "systems[1].phi: must be true or false"},
		{"business associate not a boolean", "hipaa_business_associate: false", "hipaa_business_associate: 3", "organization.hipaa_business_associate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.Replace(scopeYAML, tt.from, tt.to, 1)), "inventory.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestProvincialJurisdiction(t *testing.T) {
	tests := []struct{ country, region, want string }{
		{"CA", "QC", "CA-QC"}, // Law 25, beside PIPEDA
		{"CA", "AB", "CA-AB"}, // Alberta PIPA, beside PIPEDA
		{"CA", "ON", ""},      // PIPEDA alone
		{"US", "AB", ""},
	}
	for _, tt := range tests {
		if got := ProvincialJurisdiction(tt.country, tt.region); got != tt.want {
			t.Errorf("ProvincialJurisdiction(%q, %q): got %q, want %q", tt.country, tt.region, got, tt.want)
		}
	}
}

// TestCodes checks the list type that keeps Organization comparable: an
// absent list is not declared, JSON round-trips as a list.
func TestCodes(t *testing.T) {
	var zero Codes
	if zero.Declared() || zero.List() != nil {
		t.Errorf("zero Codes: got declared %v, list %v; want false, nil", zero.Declared(), zero.List())
	}
	c := NewCodes("EU", "GB")
	b, err := json.Marshal(c)
	if err != nil || string(b) != `["EU","GB"]` {
		t.Fatalf("MarshalJSON: got %s, %v; want [\"EU\",\"GB\"]", b, err)
	}
	var back Codes
	if err := json.Unmarshal(b, &back); err != nil || back != c || !back.Contains("GB") {
		t.Errorf("UnmarshalJSON: got %+v, %v; want %+v", back, err, c)
	}
}
