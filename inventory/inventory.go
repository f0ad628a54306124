// Package inventory reads the organisation's data inventory (docs/inventory.md): the
// systems it runs, the categories of personal data each holds, the built-in
// category taxonomy with its ENISA classes and legal flags, and the subject
// directory of people, read streaming so that millions of rows fit in
// bounded memory.
package inventory

import "slices"

// Schema is the value of the inventory document's "schema" key.
const Schema = "breach.inventory/v1"

// Inventory is a loaded, validated inventory document.
type Inventory struct {
	Schema       string        `yaml:"schema" json:"schema"`
	Organization Organization  `yaml:"organization" json:"organization"`
	Categories   []CategoryDef `yaml:"categories" json:"categories,omitempty"`
	Systems      []System      `yaml:"systems" json:"systems"`
	Subjects     string        `yaml:"subjects" json:"subjects"`

	// Path is the file the inventory was loaded from ("" when parsed from
	// bytes); SubjectsPath is Subjects resolved against its directory.
	Path         string `yaml:"-" json:"-"`
	SubjectsPath string `yaml:"-" json:"-"`
	// Source, when set, is where the people come from instead of the
	// SubjectsPath file (the service's imported directory).
	Source *Source `yaml:"-" json:"-"`

	systems      map[string]*System
	categories   map[string]Category
	subjectsLine int
}

// Organization is the controller responsible for the data.
type Organization struct {
	Name               string  `yaml:"name" json:"name"`
	Website            string  `yaml:"website" json:"website,omitempty"`
	Establishment      string  `yaml:"establishment" json:"establishment"`
	HIPAACoveredEntity bool    `yaml:"hipaa_covered_entity" json:"hipaa_covered_entity"`
	Contact            Contact `yaml:"contact" json:"contact"`

	// Establishments lists every country (ISO 3166-1 alpha-2) where the
	// organisation is established; the main Establishment is implied.
	Establishments Codes `yaml:"establishments" json:"establishments,omitzero"`
	// Targets lists the markets the organisation offers goods or services
	// to or monitors: country codes, or "EU" for the whole EU/EEA.
	// Targets.Declared() is false when the inventory does not say.
	Targets Codes `yaml:"targets" json:"targets,omitzero"`
	// HIPAABusinessAssociate says the organisation is a HIPAA business
	// associate (45 CFR § 160.103), which notifies its covered entity.
	HIPAABusinessAssociate bool `yaml:"hipaa_business_associate" json:"hipaa_business_associate,omitempty"`
}

// AllEstablishments returns the main establishment followed by the other
// establishments, without repeats.
func (o Organization) AllEstablishments() []string {
	out := []string{}
	if o.Establishment != "" {
		out = append(out, o.Establishment)
	}
	for _, e := range o.Establishments.List() {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Contact is a name with an e-mail address and a phone number.
type Contact struct {
	Name  string `yaml:"name" json:"name,omitempty"`
	Email string `yaml:"email" json:"email,omitempty"`
	Phone string `yaml:"phone" json:"phone,omitempty"`
}

// CategoryDef declares a category beyond the built-in taxonomy.
type CategoryDef struct {
	ID    string `yaml:"id" json:"id"`
	Class Class  `yaml:"class" json:"class"`
	Label string `yaml:"label" json:"label"`

	// The optional legal flags of the category, with the meaning of the
	// Category fields of the same names.
	Special        bool `yaml:"special" json:"special,omitempty"`
	USPersonalInfo bool `yaml:"us_personal_info" json:"us_personal_info,omitempty"`
	Identifying    bool `yaml:"identifying" json:"identifying,omitempty"`
	Credentials    bool `yaml:"credentials" json:"credentials,omitempty"`
	Health         bool `yaml:"health" json:"health,omitempty"`
	Financial      bool `yaml:"financial" json:"financial,omitempty"`
	Children       bool `yaml:"children" json:"children,omitempty"`
}

// System is one system of the inventory and the categories it holds.
type System struct {
	ID              string   `yaml:"id" json:"id"`
	Name            string   `yaml:"name" json:"name"`
	Categories      []string `yaml:"categories" json:"categories"`
	EncryptedAtRest bool     `yaml:"encrypted_at_rest" json:"encrypted_at_rest"`
	Records         int64    `yaml:"records" json:"records,omitempty"`
	// ProcessingLocations lists the countries (ISO 3166-1 alpha-2) where
	// the system's data is stored or processed.
	ProcessingLocations []string `yaml:"processing_locations" json:"processing_locations,omitempty"`
	// PHI overrides, for a HIPAA covered entity or business associate,
	// whether the system holds protected health information: every system
	// does unless it says phi: false (staff HR records, for example).
	PHI *bool `yaml:"phi" json:"phi,omitempty"`
}

// HoldsPHI reports whether the system holds protected health information
// of an organisation that is a HIPAA covered entity or business associate:
// all its patients' individually identifiable data is, unless the system
// says phi: false.
func (s *System) HoldsPHI(o Organization) bool {
	if !o.HIPAACoveredEntity && !o.HIPAABusinessAssociate {
		return false
	}
	return s.PHI == nil || *s.PHI
}

// Class is an ENISA data-processing-context class.
type Class string

// The four ENISA classes with their basic DPC scores 1..4.
const (
	ClassSimple      Class = "simple"
	ClassBehavioural Class = "behavioural"
	ClassFinancial   Class = "financial"
	ClassSensitive   Class = "sensitive"
)

// Category is one data category of the taxonomy with its ENISA class and
// the legal flags the assessment reads (see regulators.Category for their
// meaning).
type Category struct {
	ID             string `json:"id"`
	Label          string `json:"label"`
	Class          Class  `json:"class"`
	Special        bool   `json:"special,omitempty"`
	USPersonalInfo bool   `json:"us_personal_info,omitempty"`
	Identifying    bool   `json:"identifying,omitempty"`
	Credentials    bool   `json:"credentials,omitempty"`
	Health         bool   `json:"health,omitempty"`
	Financial      bool   `json:"financial,omitempty"`
	Children       bool   `json:"children,omitempty"`
}
