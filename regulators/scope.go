package regulators

import (
	"fmt"
	"slices"
	"strings"
)

// Territory is the territorial reach of a law that covers processing in
// the context of an establishment, or processing on its territory, whoever
// the people are, besides the people who live there (GDPR Art. 3, UK GDPR
// Art. 3, PIPL Art. 3, LGPD Art. 3, APPI, PDPA, DPDP Act s. 3, Privacy Act
// 1988 s. 5B, PIPEDA).
type Territory struct {
	// ID is the rule's jurisdiction id.
	ID string
	// Name is the territory's name for reason sentences.
	Name string
	// Covers reports whether a country code (ISO 3166-1 alpha-2, or "EU"
	// for a market) is part of the territory.
	Covers func(country string) bool
	// Establishment and Processing cite what makes an establishment, or
	// processing on the territory, bring every person in; the Certain
	// flags say whether that conclusion needs no counsel.
	Establishment        string
	EstablishmentCertain bool
	Processing           string
	ProcessingCertain    bool
	// Targeting cites the provision that reaches residents of the territory
	// when the organisation is established elsewhere.
	Targeting string
	// Unverified names what of this reach was not read in the primary
	// text.
	Unverified string
}

// in returns a Covers function for a fixed list of codes.
func in(codes ...string) func(string) bool {
	return func(c string) bool { return slices.Contains(codes, c) }
}

// inEU reports whether c is an EU/EEA member state, a part of one with a
// code of its own, or "EU".
func inEU(c string) bool {
	_, ms := eeaAuthorities[c]
	_, terr := euTerritories[c]
	return c == "EU" || ms && c != "EL" || terr
}

// Territories lists the laws with a territorial reach, in the order of All.
func Territories() []Territory {
	return []Territory{
		{ID: euGDPRID, Name: "the EU/EEA", Covers: inEU,
			Establishment: "GDPR Art. 3(1)", EstablishmentCertain: true,
			Processing: "GDPR Art. 3(1)", Targeting: "GDPR Art. 3(2)"},
		{ID: ukGDPRID, Name: "the United Kingdom", Covers: in("GB"),
			Establishment: "UK GDPR Art. 3(1)", EstablishmentCertain: true,
			Processing: "UK GDPR Art. 3(1)", Targeting: "UK GDPR Art. 3(2)"},
		{ID: cnPIPLID, Name: "mainland China", Covers: in("CN"),
			Establishment: "PIPL Art. 3(1)", EstablishmentCertain: true,
			Processing: "PIPL Art. 3(1)", ProcessingCertain: true, Targeting: "PIPL Art. 3(2)"},
		{ID: caPIPEDAID, Name: "Canada", Covers: in("CA"),
			Establishment: "PIPEDA s. 4(1)", Processing: "PIPEDA s. 4(1)", Targeting: "PIPEDA s. 4(1) (real and substantial connection)",
			Unverified: "territorial reach of PIPEDA: the 'real and substantial connection' test is case law (Lawson v. Accusearch, 2007 FC 125), not statute text"},
		{ID: auNDBID, Name: "Australia", Covers: in("AU"),
			Establishment: "Privacy Act 1988 (Cth) s. 5B(1A), (3)", EstablishmentCertain: true,
			Processing: "Privacy Act 1988 (Cth) s. 5B(3)", Targeting: "Privacy Act 1988 (Cth) s. 5B(3)(b) (carrying on business in Australia)",
			Unverified: "Privacy Act 1988 s. 5B(3) after the 2022 amendment, which removed the condition that information be collected or held in Australia: secondary sources only"},
		{ID: sgPDPAID, Name: "Singapore", Covers: in("SG"),
			Establishment: "PDPA 2012 s. 4", EstablishmentCertain: true,
			Processing: "PDPA 2012 s. 4", ProcessingCertain: true, Targeting: "PDPA 2012 s. 4",
			Unverified: "territorial reach of the PDPA (s. 4 and the collection, use or disclosure of personal data in Singapore): secondary sources only"},
		{ID: brLGPDID, Name: "Brazil", Covers: in("BR"),
			Establishment: "LGPD Art. 3 I", EstablishmentCertain: true,
			Processing: "LGPD Art. 3 I", ProcessingCertain: true, Targeting: "LGPD Art. 3 II, III"},
		{ID: jpAPPIID, Name: "Japan", Covers: in("JP"),
			Establishment: "APPI Art. 16(2)", EstablishmentCertain: true,
			Processing: "APPI Art. 16(2)", ProcessingCertain: true, Targeting: "APPI Art. 171",
			Unverified: "APPI article numbers after the 2022 renumbering (Art. 16(2) business operators, Art. 171 foreign operators): secondary sources only"},
		{ID: inDPDPID, Name: "India", Covers: in("IN"),
			Establishment: "DPDP Act 2023 s. 3(a)",
			Processing:    "DPDP Act 2023 s. 3(a)", ProcessingCertain: true, Targeting: "DPDP Act 2023 s. 3(b)"},
	}
}

// TerritoryOf returns the territory of the law with jurisdiction id.
func TerritoryOf(id string) (Territory, bool) {
	for _, t := range Territories() {
		if t.ID == id {
			return t, true
		}
	}
	return Territory{}, false
}

// Scope is what decides whether a law covers the people of an incident.
type Scope struct {
	// Residents is the number of affected people who live under the law;
	// Others the number brought in by an establishment or by processing
	// on its territory.
	Residents int
	Others    int
	// Established lists the organisation's establishments on the
	// territory; Processing the countries on the territory where affected
	// systems process data.
	Established []string
	Processing  []string
	// Targets are the markets the inventory says the organisation targets;
	// nil means not declared.
	Targets []string
	// HIPAA says the law is HIPAA, which applies by the organisation's
	// status: covered entity or business associate.
	HIPAA string
}

// Applies says why the law of jurisdiction id covers the people of an
// incident, and what counsel must confirm when the reach is a judgment.
func Applies(id string, s Scope) (because string, counsel []string) {
	if s.HIPAA != "" {
		return fmt.Sprintf("status: the organisation is a HIPAA %s and the protected health information of %s was involved (45 CFR § 160.103)", s.HIPAA, plural(s.Residents)), nil
	}
	t, ok := TerritoryOf(id)
	if !ok {
		return fmt.Sprintf("residence: %s affected live%s under this jurisdiction", plural(s.Residents), verbS(s.Residents)), nil
	}
	var parts []string
	if len(s.Established) > 0 {
		parts = append(parts, fmt.Sprintf("establishment: the organisation is established in %s (%s), so the law covers the processing in the context of that establishment whoever the people are", list(s.Established), t.Establishment))
		if !t.EstablishmentCertain {
			counsel = append(counsel, fmt.Sprintf("whether the breached processing is carried out in the context of the establishment in %s (%s)", list(s.Established), t.Establishment))
		}
	}
	if len(s.Processing) > 0 {
		parts = append(parts, fmt.Sprintf("processing: the affected systems store or process data in %s (%s)", list(s.Processing), t.Processing))
		if !t.ProcessingCertain && len(s.Established) == 0 {
			counsel = append(counsel, fmt.Sprintf("whether processing in %s brings the breach under the law (%s): it does when the processing is carried out there by, or in the context of an establishment of, the organisation or its processor", list(s.Processing), t.Processing))
		}
	}
	if s.Residents > 0 {
		targeted := s.Targets != nil && slices.ContainsFunc(s.Targets, t.Covers)
		switch {
		case len(s.Established) > 0:
			parts = append(parts, fmt.Sprintf("residence: %s affected live%s in %s", plural(s.Residents), verbS(s.Residents), t.Name))
		case targeted:
			parts = append(parts, fmt.Sprintf("targeting: %s affected live%s in %s, a market the organisation offers goods or services to or monitors (%s)", plural(s.Residents), verbS(s.Residents), t.Name, t.Targeting))
		case s.Targets != nil:
			parts = append(parts, fmt.Sprintf("residence: %s affected live%s in %s, which the inventory does not list among the markets the organisation targets", plural(s.Residents), verbS(s.Residents), t.Name))
			counsel = append(counsel, fmt.Sprintf("whether the organisation offers goods or services to, or monitors, people in %s (%s): if not, the law may not reach its residents; they are notified until counsel confirms", t.Name, t.Targeting))
		default:
			parts = append(parts, fmt.Sprintf("residence: %s affected live%s in %s (the law reaches them when the organisation offers them goods or services or monitors them: %s)", plural(s.Residents), verbS(s.Residents), t.Name, t.Targeting))
		}
	}
	if s.Others > 0 {
		parts = append(parts, fmt.Sprintf("%s living elsewhere %s covered for that reason", plural(s.Others), isAre(s.Others)))
	}
	return strings.Join(parts, "; "), counsel
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
