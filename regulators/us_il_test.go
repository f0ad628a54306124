package regulators

import "testing"

func TestUSIL(t *testing.T) {
	runCases(t, DecideUSIL, []ruleCase{
		{
			name:  "100 residents: notice without unreasonable delay, no AG",
			law:   "815 ILCS 530/10(a): most expedient time possible, no fixed days; (e)(1): AG above 500",
			facts: facts("US-IL", 100),
			want:  summary{NotifyIndividuals: true},
		},
		{
			name:  "500 residents: no AG",
			law:   "815 ILCS 530/10(e)(1): more than 500",
			facts: facts("US-IL", 500),
			want:  summary{NotifyIndividuals: true},
		},
		{
			name:  "501 residents: AG no later than consumers",
			law:   "815 ILCS 530/10(e)(1): more than 500 Illinois residents from a single breach",
			facts: facts("US-IL", 501),
			want:  summary{NotifyRegulator: true, NotifyIndividuals: true},
		},
		{
			name:  "online credentials alone",
			law:   "815 ILCS 530/5: user name or e-mail with password is personal information",
			facts: facts("US-IL", 10, cats(catEmail, catCreds)),
			want:  summary{NotifyIndividuals: true},
		},
		{
			name:  "no risk test",
			law:   "815 ILCS 530/10(a) has no risk-of-harm exception",
			facts: facts("US-IL", 10, risk(RiskNone)),
			want:  summary{NotifyIndividuals: true},
		},
		{
			name:  "encrypted, key safe",
			law:   "815 ILCS 530/5: encrypted data excluded unless keys acquired",
			facts: facts("US-IL", 10, encrypted),
			want:  summary{SafeHarbour: true},
		},
	})
}
