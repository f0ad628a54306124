package inventory

import "strings"

// iso3166 lists the ISO 3166-1 alpha-2 codes (249 officially assigned) and
// XK, the user-assigned code in common use for Kosovo.
const iso3166 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
	"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
	"UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"

// eea lists the 27 EU member states and the three other EEA states (IS, LI,
// NO), where the GDPR applies.
const eea = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO"

// usRegions lists the ISO 3166-2:US subdivisions: the 50 states, DC and the
// outlying areas.
const usRegions = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND " +
	"OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR UM VI"

func codeSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(list) {
		m[c] = true
	}
	return m
}

// euTerritories maps the parts of EU member states that have an ISO
// 3166-1 code of their own to their member state. The Treaties, and so the
// GDPR, apply there as in the rest of the member state: the outermost
// regions GP, GF, MQ, RE, YT and MF (TEU Art. 52(2), TFEU Arts. 349 and
// 355(1)) and the Åland Islands (TFEU Art. 355(4), Protocol No 2 to the 1994
// Act of Accession, which derogates only on indirect taxation). The other
// outermost regions (the Canary Islands, the Azores, Madeira) have no code of
// their own and are written ES or PT. Not in the EU, and so not here: the
// overseas countries and territories of Annex II TFEU (BL, PM, NC, PF, WF,
// TF, AW, CW, SX, BQ, GL), the Faroe Islands (FO, Art. 355(5)(a)), and
// Svalbard (SJ, outside the EEA Agreement by its Protocol 40).
var euTerritories = map[string]string{
	"GP": "FR", // Guadeloupe
	"GF": "FR", // French Guiana
	"MQ": "FR", // Martinique
	"RE": "FR", // Réunion
	"YT": "FR", // Mayotte
	"MF": "FR", // Saint-Martin
	"AX": "FI", // Åland Islands
}

// usTerritories lists the inhabited US territories, which ISO 3166-1 also
// codes as countries of their own (and ISO 3166-2:US as regions of the US):
// American Samoa, Guam, the Northern Mariana Islands, Puerto Rico and the
// US Virgin Islands. The uninhabited Minor Outlying Islands (UM) are left
// out.
const usTerritories = "AS GU MP PR VI"

var (
	countrySet     = codeSet(iso3166)
	eeaSet         = codeSet(eea)
	usRegionSet    = codeSet(usRegions)
	usTerritorySet = codeSet(usTerritories)
)

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 country code in
// upper case.
func ValidCountry(code string) bool { return countrySet[code] }

// InEEA reports whether the country is an EU or EEA member state.
func InEEA(country string) bool { return eeaSet[country] }

// EUMemberState returns the EU or EEA member state of code: code itself for
// a member state, the member state of a territory with a code of its own
// that is part of the EU (RE → FR, AX → FI; see euTerritories), or "" when
// the GDPR does not apply there as the law of a member state.
func EUMemberState(code string) string {
	if eeaSet[code] {
		return code
	}
	return euTerritories[code]
}

// ValidUSRegion reports whether region is an ISO 3166-2:US subdivision code
// without its "US-" prefix, such as "CA" or "DC".
func ValidUSRegion(region string) bool { return usRegionSet[region] }

// Jurisdiction returns the jurisdiction id of a person living in country
// (ISO 3166-1 alpha-2) and region (subdivision code), per docs/inventory.md:
// EU/EEA member states "EU-GDPR", GB "UK-GDPR", CN "CN-PIPL", US with a
// region "US-<region>" (without one "US"), CA "CA-PIPEDA", AU "AU-NDB", SG
// "SG-PDPA", BR "BR-LGPD", JP "JP-APPI", IN "IN-DPDP"; any other country is
// its own code, such as "MX".
//
// A territory with a country code of its own counts where its law comes
// from: the EU's outermost regions and Åland (RE, GP, MQ, GF, YT, MF, AX)
// are "EU-GDPR", and the US territories (PR, GU, VI, AS, MP) are
// "US-<code>", the same as country US with that region.
func Jurisdiction(country, region string) string {
	switch country {
	case "GB":
		return "UK-GDPR"
	case "CN":
		return "CN-PIPL"
	case "US":
		if region == "" {
			return "US"
		}
		return "US-" + region
	case "CA":
		return "CA-PIPEDA"
	case "AU":
		return "AU-NDB"
	case "SG":
		return "SG-PDPA"
	case "BR":
		return "BR-LGPD"
	case "JP":
		return "JP-APPI"
	case "IN":
		return "IN-DPDP"
	}
	if usTerritorySet[country] {
		return "US-" + country
	}
	if EUMemberState(country) != "" {
		return "EU-GDPR"
	}
	return country
}

// ProvincialJurisdiction returns the jurisdiction id of a provincial
// private-sector privacy law that covers a person of country and region in
// addition to the national one (Jurisdiction): Quebec's (CA-QC) and
// Alberta's (CA-AB) beside PIPEDA; "" elsewhere.
func ProvincialJurisdiction(country, region string) string {
	if country == "CA" && (region == "QC" || region == "AB") {
		return "CA-" + region
	}
	return ""
}
