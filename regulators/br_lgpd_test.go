package regulators

import (
	"testing"
	"time"
)

func TestBRLGPD(t *testing.T) {
	// Friday 20 November 2026 is itself a national holiday (Consciência
	// Negra): 3 business days are Mon 23, Tue 24, Wed 25, ending at
	// midnight Brasília time; the declaration 3 business days later ends
	// with Monday 30 November.
	wed := tm("2026-11-26T02:59:59Z")
	nextMon := "Autoridade Nacional de Proteção de Dados@2026-12-01T02:59:59Z"
	sat := time.Date(2026, time.November, 21, 9, 0, 0, 0, time.UTC)
	runCases(t, DecideBRLGPD, []ruleCase{
		{
			name:  "financial data, high risk: ANPD and data subjects in 3 business days over a weekend",
			law:   "Res. CD/ANPD 15/2024 Art. 5 III + Art. 6 and 9: 3 business days; Friday -> end of Wednesday, Brasília time; declaration Art. 9 §4 3 business days later",
			facts: facts("BR-LGPD", 100, cats(catName, catCard)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: wed, NotifyIndividuals: true, IndividualDeadline: wed, Others: []string{nextMon}},
		},
		{
			name:  "discovered on Saturday: counting starts Monday",
			law:   "Res. CD/ANPD 15/2024 Art. 6: business days only; Saturday -> Mon, Tue, Wed",
			facts: facts("BR-LGPD", 100, cats(catName, catCard), discovered(sat)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: wed, NotifyIndividuals: true, IndividualDeadline: wed, Others: []string{nextMon}},
		},
		{
			name:  "name and e-mail only: no Art. 5 criterion",
			law:   "Res. CD/ANPD 15/2024 Art. 5: relevant risk needs one of the listed criteria",
			facts: facts("BR-LGPD", 100, cats(catName, catEmail)),
			want:  summary{},
		},
		{
			name:  "sensitive data but low risk",
			law:   "Res. CD/ANPD 15/2024 Art. 5: must also be able to significantly affect the data subjects",
			facts: facts("BR-LGPD", 100, cats(catName, catHlth), risk(RiskLow)),
			want:  summary{},
		},
		{
			name:  "children's data",
			law:   "Res. CD/ANPD 15/2024 Art. 5 II: data of children or adolescents",
			facts: facts("BR-LGPD", 10, cats(catName, catEmail), minors(2), risk(RiskRisk)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: wed, NotifyIndividuals: true, IndividualDeadline: wed, Others: []string{nextMon}},
		},
		{
			name:  "unreachable data subjects: public communication",
			law:   "Res. CD/ANPD 15/2024 Art. 9 §3: communicate through available channels for 3 months",
			facts: facts("BR-LGPD", 100, cats(catName, catCreds), noContact(7)),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: wed, NotifyIndividuals: true, IndividualDeadline: wed, PublicNotice: true, PublicNoticeAllowed: true, Others: []string{nextMon}},
		},
		{
			name:  "encrypted financial data with high risk: no encryption exemption",
			law:   "LGPD Art. 48 §3: encryption weighs in the assessment but the Resolution has no exemption",
			facts: facts("BR-LGPD", 100, cats(catName, catCard), encrypted),
			want:  summary{NotifyRegulator: true, RegulatorDeadline: wed, NotifyIndividuals: true, IndividualDeadline: wed, Others: []string{nextMon}},
		},
	})
}
