package regulators

import (
	"fmt"
	"strings"
)

const (
	euGDPRID  = "EU-GDPR"
	euGDPRLaw = "GDPR (Regulation (EU) 2016/679), Arts. 33 and 34"
	euGDPRReg = "lead supervisory authority (GDPR Art. 56) or the supervisory authority of each Member State where affected people live"
)

// EUGDPR is the rule of the European Union and EEA: GDPR Art. 33 (report to
// the supervisory authority within 72 hours unless the breach is unlikely to
// result in a risk) and Art. 34 (tell the people when the risk is high).
var EUGDPR = Rule{
	ID:        euGDPRID,
	Name:      "European Union / EEA",
	Law:       euGDPRLaw,
	Regulator: euGDPRReg,
	Decide:    DecideEUGDPR,
}

// eeaAuthorities names the data-protection supervisory authority of each
// EEA state, by ISO 3166-1 code (Greece also as "EL").
var eeaAuthorities = map[string]string{
	"AT": "Datenschutzbehörde (Austrian Data Protection Authority)",
	"BE": "Autorité de protection des données / Gegevensbeschermingsautoriteit (Belgium)",
	"BG": "Commission for Personal Data Protection (Bulgaria)",
	"HR": "Agencija za zaštitu osobnih podataka (Croatia)",
	"CY": "Commissioner for Personal Data Protection (Cyprus)",
	"CZ": "Úřad pro ochranu osobních údajů (Czech Republic)",
	"DK": "Datatilsynet (Denmark)",
	"EE": "Andmekaitse Inspektsioon (Estonia)",
	"FI": "Office of the Data Protection Ombudsman (Finland)",
	"FR": "Commission nationale de l'informatique et des libertés (CNIL, France)",
	"DE": "competent German supervisory authority (the Land authority of the main establishment, or the BfDI)",
	"GR": "Hellenic Data Protection Authority",
	"EL": "Hellenic Data Protection Authority",
	"HU": "Nemzeti Adatvédelmi és Információszabadság Hatóság (NAIH, Hungary)",
	"IE": "Data Protection Commission (Ireland)",
	"IT": "Garante per la protezione dei dati personali (Italy)",
	"LV": "Datu valsts inspekcija (Latvia)",
	"LT": "Valstybinė duomenų apsaugos inspekcija (Lithuania)",
	"LU": "Commission nationale pour la protection des données (CNPD, Luxembourg)",
	"MT": "Information and Data Protection Commissioner (Malta)",
	"NL": "Autoriteit Persoonsgegevens (Netherlands)",
	"PL": "Prezes Urzędu Ochrony Danych Osobowych (UODO, Poland)",
	"PT": "Comissão Nacional de Proteção de Dados (CNPD, Portugal)",
	"RO": "Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal (ANSPDCP, Romania)",
	"SK": "Úrad na ochranu osobných údajov (Slovakia)",
	"SI": "Informacijski pooblaščenec (Information Commissioner, Slovenia)",
	"ES": "Agencia Española de Protección de Datos (AEPD, Spain)",
	"SE": "Integritetsskyddsmyndigheten (IMY, Sweden)",
	"IS": "Persónuvernd (Iceland)",
	"LI": "Datenschutzstelle (Liechtenstein)",
	"NO": "Datatilsynet (Norway)",
}

// euTerritories maps the parts of member states with an ISO 3166-1 code of
// their own, where the Treaties and so the GDPR apply, to their member
// state, with the provision that says so: the outermost regions (TEU Art.
// 52(2), TFEU Arts. 349 and 355(1)) and Åland (TFEU Art. 355(4)). The
// member state's supervisory authority is theirs (GDPR Art. 51(1): one or
// more authorities per member state, for its whole territory).
var euTerritories = map[string]struct{ state, citation string }{
	"GP": {"FR", "TFEU Art. 355(1)"}, // Guadeloupe
	"GF": {"FR", "TFEU Art. 355(1)"}, // French Guiana
	"MQ": {"FR", "TFEU Art. 355(1)"}, // Martinique
	"RE": {"FR", "TFEU Art. 355(1)"}, // Réunion
	"YT": {"FR", "TFEU Art. 355(1)"}, // Mayotte
	"MF": {"FR", "TFEU Art. 355(1)"}, // Saint-Martin
	"AX": {"FI", "TFEU Art. 355(4)"}, // Åland Islands
}

// alandNote qualifies Finland's authority for an establishment in Åland.
const alandNote = "; for the Åland Government and municipalities, Datainspektionen (the Åland Data Protection Authority)"

// gdprText holds what differs between the EU GDPR and the UK GDPR.
type gdprText struct {
	prefix    string // "GDPR" or "UK GDPR"
	regulator string
	people    string // "data subjects"
}

// DecideEUGDPR applies GDPR Arts. 33 and 34 to f.
func DecideEUGDPR(f Facts) Obligation {
	b := newBuilder(euGDPRID, euGDPRLaw, euGDPRReg, f)
	est := strings.ToUpper(f.Establishment)
	if t, ok := euTerritories[est]; ok {
		name := eeaAuthorities[t.state]
		if est == "AX" {
			name += alandNote
			b.unverified("Åland: which bodies Datainspektionen rather than Finland's Data Protection Ombudsman supervises")
		}
		b.o.Regulator = name
		b.because(fmt.Sprintf("The main establishment is in %s, which is part of %s and of the European Union, so the GDPR applies there and %s's supervisory authority, %s, is the lead supervisory authority for this cross-border processing.", est, t.state, t.state, name), "TEU Art. 52(2)", t.citation, "GDPR Art. 56(1)")
	} else if name, ok := eeaAuthorities[est]; ok {
		b.o.Regulator = name
		b.because(fmt.Sprintf("The main establishment is in %s, so its supervisory authority, %s, is the lead supervisory authority for this cross-border processing.", est, name), "GDPR Art. 56(1)")
	} else {
		b.o.Regulator = "supervisory authority of each Member State where affected data subjects live"
		b.because(fmt.Sprintf("The organisation has no main establishment in the EU/EEA (establishment %q), so the one-stop-shop does not apply and the breach is reported to the supervisory authority of each Member State where affected data subjects live, through the Art. 27 representative where one is designated.", orNone(f.Establishment)), "GDPR Art. 56(1)", "GDPR Art. 27")
	}
	decideGDPR(b, f, gdprText{prefix: "GDPR", regulator: b.o.Regulator, people: "data subjects"})
	return b.done()
}

// decideGDPR applies Arts. 33 and 34, common to the EU and UK GDPR.
func decideGDPR(b *builder, f Facts, t gdprText) {
	art := func(s string) string { return t.prefix + " Art. " + s }
	if b.noSubjects(f, art("3")) {
		return
	}
	b.o.RegulatorContent = []string{
		"nature of the breach including, where possible, the categories and approximate number of data subjects and of personal data records concerned",
		"name and contact details of the data protection officer or other contact point",
		"likely consequences of the breach",
		"measures taken or proposed to address the breach, including measures to mitigate its possible adverse effects",
		"where notified after 72 hours, the reasons for the delay",
	}
	b.o.IndividualContent = []string{
		"the nature of the breach, described in clear and plain language",
		"name and contact details of the data protection officer or other contact point",
		"likely consequences of the breach",
		"measures taken or proposed to address the breach and mitigate its possible adverse effects",
	}
	b.because("Every personal data breach must be documented (facts, effects and remedial action) whether or not it is notified.", art("33(5)"))
	if !anyBreachEffect(f) {
		b.because("No effect on the confidentiality, integrity or availability of personal data is reported, so there is no personal data breach to notify.", art("4(12)"))
		return
	}

	// Art. 33: the supervisory authority.
	b.judgment(fmt.Sprintf("the risk to the rights and freedoms of natural persons (%s and 34(1)): the automated score rates it %q; the controller's own assessment decides", art("33(1)"), f.Risk))
	if !f.Risk.AtLeast(RiskRisk) {
		b.because(fmt.Sprintf("The breach is assessed as unlikely to result in a risk to the rights and freedoms of natural persons (risk %q), so it need not be notified to the supervisory authority; record that decision and its reasons.", f.Risk), art("33(1)"))
	} else {
		b.o.NotifyRegulator = true
		b.o.RegulatorDeadline = at(AfterHours(f.DiscoveredAt, 72))
		b.o.RegulatorDeadlineText = "without undue delay and, where feasible, not later than 72 hours after having become aware of it; a later notification must give the reasons for the delay"
		b.because(fmt.Sprintf("The breach is likely to result in a risk to the rights and freedoms of the %s (risk %q), so the %s must be notified without undue delay and, where feasible, within 72 hours of awareness, i.e. by %s.", t.people, f.Risk, t.regulator, b.o.RegulatorDeadline.Format("2006-01-02 15:04 MST")), art("33(1)"), art("33(3)"))
		b.because("Information not yet available may be provided in phases without undue further delay.", art("33(4)"))
	}
	if f.Unintelligible {
		b.because("Encryption does not by itself remove the duty to notify the supervisory authority; only the finding that the breach is unlikely to result in a risk does.", art("33(1)"))
	}

	// Art. 34: the people.
	if !f.Risk.AtLeast(RiskHigh) {
		b.because(fmt.Sprintf("The breach is not assessed as likely to result in a high risk (risk %q), so the %s need not be told individually.", f.Risk, t.people), art("34(1)"))
		return
	}
	if f.Unintelligible {
		b.o.SafeHarbour = art("34(3)(a)") + ": data rendered unintelligible (encryption, key not compromised)"
		b.because(fmt.Sprintf("The high risk would call for telling the %s, but the data affected was rendered unintelligible to anyone not authorised to access it (encryption with an uncompromised key), so communication to them is not required; the supervisory authority may still require it.", t.people), art("34(3)(a)"), art("34(4)"))
		return
	}
	b.o.NotifyIndividuals = true
	b.o.IndividualDeadlineText = "without undue delay"
	b.because(fmt.Sprintf("The breach is likely to result in a high risk to the rights and freedoms of the %s, so it must be communicated to them without undue delay, in clear and plain language; the law sets no fixed number of hours.", t.people), art("34(1)"), art("34(2)"))
	if f.Contained && f.DataRecovered {
		b.because("The breach is contained and the data recovered; if these subsequent measures ensure the high risk is no longer likely to materialise, communication is not required. The assessment still rates the risk as high, so the exception is not applied.", art("34(3)(b)"))
	}
	if f.Minors > 0 {
		b.because(fmt.Sprintf("%s affected %s: the communication must be in language a child can understand, or addressed to the holder of parental responsibility.", plural(f.Minors), agree(f.Minors, "is a child", "are children")), art("12(1)"))
	}
	b.o.PublicNoticeConditions = []string{
		"individual communication would involve disproportionate effort",
		"a public communication or similar measure must then inform the data subjects in an equally effective manner",
	}
	if f.WithoutContact > 0 {
		b.o.PublicNoticeAllowed = true
		b.o.PublicNotice = true
		b.because(fmt.Sprintf("%s cannot be reached individually; for them a public communication or similar measure informing them in an equally effective manner replaces the individual communication.", plural(f.WithoutContact)), art("34(3)(c)"))
	} else {
		b.because("Every affected person can be contacted, so individual communication is not disproportionate effort and a public communication cannot replace it.", art("34(3)(c)"))
	}
}
