// Package incident holds the Incident model of docs/incident.md, its strict decoder
// (plain JSON or a CloudEvents 1.0 structured envelope) and its validation
// rules. It does no I/O: intake, the HTTP API and the CLI all decode through
// it, so a file rejected locally is rejected with the same words everywhere.
package incident

import (
	"fmt"
	"strings"
	"time"
)

// Schema is the value every incident document carries in its "schema" field.
const Schema = "breach.incident/v1"

// MaxDocumentBytes is the largest incident document (or CloudEvents envelope)
// accepted. Anything larger is rejected before it is parsed.
const MaxDocumentBytes = 1 << 20

// Cause is what brought the breach about.
type Cause string

// The causes of docs/incident.md.
const (
	CauseRansomware         Cause = "ransomware"
	CauseHacking            Cause = "hacking"
	CauseExfiltration       Cause = "exfiltration"
	CauseCredentialStuffing Cause = "credential_stuffing"
	CauseLostDevice         Cause = "lost_device"
	CauseTheft              Cause = "theft"
	CauseMisdelivery        Cause = "misdelivery"
	CauseMisconfiguration   Cause = "misconfiguration"
	CauseInsider            Cause = "insider"
	CauseSocialEngineering  Cause = "social_engineering"
	CauseOther              Cause = "other"
)

// Causes lists every valid Cause in the order docs/incident.md gives them.
var Causes = []Cause{CauseRansomware, CauseHacking, CauseExfiltration, CauseCredentialStuffing,
	CauseLostDevice, CauseTheft, CauseMisdelivery, CauseMisconfiguration, CauseInsider,
	CauseSocialEngineering, CauseOther}

// Confidentiality says who may have seen the data.
type Confidentiality string

// Confidentiality values; ConfidentialityPossible means exposed without
// evidence of access.
const (
	ConfidentialityNone              Confidentiality = "none"
	ConfidentialityPossible          Confidentiality = "possible"
	ConfidentialityKnownRecipients   Confidentiality = "known_recipients"
	ConfidentialityUnknownRecipients Confidentiality = "unknown_recipients"
)

// Integrity says whether the data was altered and whether it can be restored.
type Integrity string

// Integrity values.
const (
	IntegrityNone                 Integrity = "none"
	IntegrityAlteredRecovered     Integrity = "altered_recovered"
	IntegrityAlteredRecoverable   Integrity = "altered_recoverable"
	IntegrityAlteredUnrecoverable Integrity = "altered_unrecoverable"
)

// Availability says whether the data could not be reached and for how long.
type Availability string

// Availability values.
const (
	AvailabilityNone        Availability = "none"
	AvailabilityRecoverable Availability = "recoverable"
	AvailabilityTemporary   Availability = "temporary"
	AvailabilityPermanent   Availability = "permanent"
)

// Incident is one revision of a personal-data breach as reported by a
// detector or a security team. Times are UTC.
type Incident struct {
	Schema        string     `json:"schema"`
	ID            string     `json:"id"`
	Revision      int        `json:"revision"`
	Title         string     `json:"title"`
	Description   string     `json:"description,omitempty"`
	Source        string     `json:"source,omitempty"`
	OccurredAt    *time.Time `json:"occurred_at,omitempty"`
	OccurredUntil *time.Time `json:"occurred_until,omitempty"`
	DiscoveredAt  time.Time  `json:"discovered_at"`
	Cause         Cause      `json:"cause"`
	Malicious     bool       `json:"malicious"`
	Effects       Effects    `json:"effects"`
	Affected      []Affected `json:"affected"`
	Mitigation    Mitigation `json:"mitigation"`
	Contact       *Contact   `json:"contact,omitempty"`
	// Determinations are the documented determinations that a statutory
	// exception applies (optional).
	Determinations []Determination `json:"determinations,omitempty"`
	// Translations hold the incident's text in other languages, by BCP 47
	// locale ("zh-CN"); notices use the one of the person's locale.
	Translations map[string]Translation `json:"translations,omitempty"`
}

// Translation is the incident's text in one language: what goes into a
// notice in place of the title, description, measures and advice. An
// empty part falls back to the incident's own.
type Translation struct {
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Measures    []string `json:"measures,omitempty"`
	Advice      []string `json:"advice,omitempty"`
}

// TextLanguage is the language of the incident's own text (title,
// description, measures, advice): English, the language of the schema.
const TextLanguage = "en"

// Text returns the translation of the incident's text for locale: the
// one of that exact locale (case-insensitive), else the one of its base
// language ("de" for "de-AT"). ok is false when there is none.
func (in *Incident) Text(locale string) (Translation, bool) {
	if locale == "" || len(in.Translations) == 0 {
		return Translation{}, false
	}
	for k, t := range in.Translations {
		if strings.EqualFold(k, locale) {
			return t, true
		}
	}
	base, _, _ := strings.Cut(locale, "-")
	for k, t := range in.Translations {
		if strings.EqualFold(k, base) {
			return t, true
		}
	}
	return Translation{}, false
}

// HasText reports whether a notice in locale carries the incident's text
// in its language: the locale is empty (the default) or English, or the
// incident has a translation for it.
func (in *Incident) HasText(locale string) bool {
	base, _, _ := strings.Cut(locale, "-")
	if locale == "" || strings.EqualFold(base, TextLanguage) {
		return true
	}
	_, ok := in.Text(locale)
	return ok
}

// Effects are the breach's effects on confidentiality, integrity and
// availability; they map onto the ENISA circumstances of breach. An empty
// value means the reporter did not say.
type Effects struct {
	Confidentiality Confidentiality `json:"confidentiality,omitempty"`
	Integrity       Integrity       `json:"integrity,omitempty"`
	Availability    Availability    `json:"availability,omitempty"`
	OutageHours     float64         `json:"outage_hours,omitempty"`
}

// Affected names one system of the inventory whose data was involved,
// optionally narrowed to some categories and some people, and optionally
// overriding the system's encryption facts.
type Affected struct {
	System         string   `json:"system"`
	Categories     []string `json:"categories,omitempty"`
	Subjects       []string `json:"subjects,omitempty"`
	Encrypted      *bool    `json:"encrypted,omitempty"`
	KeyCompromised *bool    `json:"key_compromised,omitempty"`
}

// Mitigation is what the organisation did and offers.
type Mitigation struct {
	Contained        bool     `json:"contained"`
	DataRecovered    bool     `json:"data_recovered"`
	RecipientTrusted bool     `json:"recipient_trusted"`
	Measures         []string `json:"measures,omitempty"`
	Advice           []string `json:"advice,omitempty"`
	Remedies         []string `json:"remedies,omitempty"`
}

// Contact is where affected people can reach the organisation about this
// incident. When absent, the inventory's organisation contact is used.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Key is the identity of one revision ("<id>/<revision>"); the NATS message
// id of a published revision is Key followed by a digest of the document.
func (in *Incident) Key() string { return fmt.Sprintf("%s/%d", in.ID, in.Revision) }
