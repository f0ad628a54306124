package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
)

// Thresholds of the "large numbers" rule.
const (
	// LargeScale is the number of affected people from which a breach that
	// would otherwise be unlikely to result in a risk is reported.
	LargeScale = 1000
	// VeryLargeScale is the number from which a breach whose data reached
	// unknown recipients is treated as high risk.
	VeryLargeScale = 100000
	// ShortOutageHours is the longest outage still treated as short when
	// data was restored from backup (EDPB Guidelines 01/2021, Case 01:
	// restored "within a few hours").
	ShortOutageHours = 24
	// FewPeople is the most people a misdelivery to identified recipients
	// may concern and still be "a few" (EDPB Guidelines 01/2021 Cases 13,
	// 15 and 16: one to fifteen).
	FewPeople = 20
)

// pseudonymousIDs are categories that identify an account but not a
// person: exposed alone, they cannot harm anyone (EDPB Guidelines 01/2021
// Case 06).
var pseudonymousIDs = []string{"username", "nickname", "avatar"}

// RiskInput is what the risk rules read.
type RiskInput struct {
	Severity Severity
	// Subjects is the number of affected people assessed (one
	// jurisdiction's); Minors among them.
	Subjects int
	Minors   int
	// TotalSubjects is the number of people the whole breach affects, in
	// every jurisdiction: the scale the large-numbers rule reads. Zero
	// means Subjects.
	TotalSubjects int
	// Categories are every exposed category; Clear those exposed without
	// effective encryption.
	Categories []inventory.Category
	Clear      []inventory.Category
	// Unintelligible: every exposed datum was encrypted (or hashed) to the
	// state of the art and the key was not compromised.
	Unintelligible bool
	Effects        Circumstances
	Cause          incident.Cause
	Mitigation     incident.Mitigation
	// OpenedClass is set when usable credentials leaked (see SeverityInput).
	OpenedClass inventory.Class

	// mitigated is set by a lowering rule whose reasoning the raising rules
	// must not undo (unintelligible data, trusted recipient).
	mitigated bool
}

// exposedInClear reports whether readable data reached, or may have reached,
// someone not entitled to it.
func (in *RiskInput) exposedInClear() bool {
	return in.Effects.ConfidentialityLost() && len(in.Clear) > 0 && !in.mitigated
}

// RiskRule is one named step of the risk decision.
type RiskRule struct {
	Name      string
	Citations []string
	// Apply returns the new risk and the reason, or ok false when the rule
	// does not apply.
	Apply func(in *RiskInput, cur regulators.Risk) (next regulators.Risk, reason string, ok bool)
}

// RiskStep records one rule that applied.
type RiskStep struct {
	Rule      string          `json:"rule"`
	From      regulators.Risk `json:"from"`
	To        regulators.Risk `json:"to"`
	Reason    string          `json:"reason"`
	Citations []string        `json:"citations"`
}

// RiskRules is the ordered list of risk rules. The first lowers or sets the
// level from facts that remove the risk; the later ones raise it. A rule
// that does not change the level is still recorded when it applies.
var RiskRules = []RiskRule{
	{Name: "unintelligible-data", Citations: []string{"GDPR Art. 34(3)(a)", "EDPB Guidelines 9/2022, conditions where communication is not required", "EDPB Guidelines 01/2021 Case 10"}, Apply: ruleUnintelligible},
	{Name: "pseudonymous-data", Citations: []string{"GDPR Art. 33(1)", "EDPB Guidelines 01/2021 Case 06"}, Apply: rulePseudonymous},
	{Name: "misdelivery-deleted", Citations: []string{"GDPR Art. 33(1)", "EDPB Guidelines 01/2021 Cases 13 and 15"}, Apply: ruleMisdeliveryDeleted},
	{Name: "availability-restored", Citations: []string{"GDPR Art. 33(1)", "EDPB Guidelines 01/2021 Case 01"}, Apply: ruleAvailabilityRestored},
	{Name: "availability-lost", Citations: []string{"GDPR Art. 33(1)", "GDPR Art. 34(1)", "EDPB Guidelines 01/2021 Cases 02 and 03"}, Apply: ruleAvailabilityLost},
	{Name: "trusted-recipient", Citations: []string{"EDPB Guidelines 9/2022, factors to consider when assessing risk", "EDPB Guidelines 01/2021 Case 09"}, Apply: ruleTrustedRecipient},
	{Name: "special-categories", Citations: []string{"GDPR Art. 9", "GDPR Recital 75", "GDPR Recital 85", "EDPB Guidelines 01/2021 Case 12"}, Apply: ruleSpecialCategories},
	{Name: "children", Citations: []string{"GDPR Recital 38", "GDPR Recital 75"}, Apply: ruleChildren},
	{Name: "financial-fraud", Citations: []string{"GDPR Recital 85", "EDPB Guidelines 01/2021 Case 07"}, Apply: ruleFinancial},
	{Name: "identity-theft", Citations: []string{"GDPR Recital 85", "EDPB Guidelines 01/2021 Cases 05 and 11"}, Apply: ruleIdentityTheft},
	{Name: "credentials", Citations: []string{"GDPR Recital 85", "EDPB Guidelines 01/2021 Cases 06 and 07"}, Apply: ruleCredentials},
	{Name: "lost-unprotected-device", Citations: []string{"EDPB Guidelines 01/2021 Case 11"}, Apply: ruleLostDevice},
	{Name: "large-numbers", Citations: []string{"GDPR Recital 75", "EDPB Guidelines 9/2022, factors to consider when assessing risk"}, Apply: ruleLargeNumbers},
	{Name: "malicious-intent", Citations: []string{"EDPB Guidelines 9/2022, factors to consider when assessing risk", "EDPB Guidelines 01/2021 Case 08"}, Apply: ruleMalicious},
	{Name: "few-known-recipients", Citations: []string{"GDPR Art. 34(1)", "EDPB Guidelines 01/2021 Case 16"}, Apply: ruleFewKnownRecipients},
	{Name: "no-personal-data", Citations: []string{"GDPR Art. 4(12)", "GDPR Art. 33(5)"}, Apply: ruleNoPersonalData},
}

// StartRisk maps the ENISA level onto the GDPR risk scale: low → low,
// medium → risk, high and very high → high.
func StartRisk(level string) regulators.Risk {
	switch level {
	case LevelLow:
		return regulators.RiskLow
	case LevelMedium:
		return regulators.RiskRisk
	}
	return regulators.RiskHigh
}

// DecideRisk starts from the ENISA level and applies RiskRules in order.
func DecideRisk(in RiskInput) (regulators.Risk, []RiskStep) {
	cur := StartRisk(in.Severity.Level)
	steps := []RiskStep{{Rule: "enisa-severity", From: "", To: cur,
		Reason:    fmt.Sprintf("ENISA severity %s (SE %.2f) starts the assessment at %q", strings.ReplaceAll(in.Severity.Level, "_", " "), in.Severity.Score, cur),
		Citations: []string{"ENISA 2013 severity methodology", "GDPR Art. 33(1)", "GDPR Art. 34(1)"}}}
	for _, r := range RiskRules {
		next, reason, ok := r.Apply(&in, cur)
		if !ok {
			continue
		}
		steps = append(steps, RiskStep{Rule: r.Name, From: cur, To: next, Reason: reason, Citations: r.Citations})
		cur = next
	}
	return cur, steps
}

func atLeast(cur, floor regulators.Risk) regulators.Risk {
	if cur.AtLeast(floor) {
		return cur
	}
	return floor
}

func raise(cur regulators.Risk) regulators.Risk {
	switch cur {
	case regulators.RiskNone, regulators.RiskLow:
		return regulators.RiskRisk
	}
	return regulators.RiskHigh
}

func ruleUnintelligible(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	e := in.Effects
	if !in.Unintelligible || len(in.Categories) == 0 {
		return cur, "", false
	}
	if e.Integrity != incident.IntegrityNone && e.Integrity != incident.IntegrityAlteredRecovered ||
		e.Availability != incident.AvailabilityNone && e.Availability != incident.AvailabilityRecoverable {
		return cur, "", false
	}
	in.mitigated = true
	next := regulators.RiskLow
	if cur == regulators.RiskNone {
		next = cur
	}
	return next, "every exposed datum was encrypted (or hashed) to the state of the art and the key was not compromised, and only confidentiality was affected: the breach is unlikely to result in a risk to the people; document it (Art. 33(5))", true
}

func ruleAvailabilityRestored(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	e := in.Effects
	if !e.AvailabilityOnly() || e.Availability == incident.AvailabilityPermanent {
		return cur, "", false
	}
	restored := e.Availability == incident.AvailabilityRecoverable || in.Mitigation.DataRecovered
	if !restored || e.OutageHours > ShortOutageHours {
		return cur, "", false
	}
	if anyCat(in.Categories, func(c inventory.Category) bool { return c.Special || c.Health }) && e.OutageHours > 4 {
		return cur, "", false // health data unavailable for more than a few hours: see availability-lost
	}
	if e.OutageHours <= 0 {
		// EDPB Case 01 lowers the risk for a restore "within a few hours":
		// a fact that must be reported, not assumed.
		return cur, fmt.Sprintf("only availability was affected and the data was restored from backup, but effects.outage_hours was not reported: the outage duration is unknown, so it is not taken as short and the risk stays %q; report the duration to reassess", cur), true
	}
	in.mitigated = true
	return regulators.RiskLow, fmt.Sprintf("only availability was affected, nobody saw or altered the data, and it was restored from backup after %g hours: unlikely to result in a risk; document it", e.OutageHours), true
}

func ruleAvailabilityLost(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	e := in.Effects
	if !e.AvailabilityOnly() {
		return cur, "", false
	}
	restored := e.Availability == incident.AvailabilityRecoverable || in.Mitigation.DataRecovered
	sensitive := anyCat(in.Categories, func(c inventory.Category) bool { return c.Special || c.Health })
	long := e.OutageHours > ShortOutageHours || e.Availability == incident.AvailabilityPermanent || !restored
	if sensitive && e.OutageHours > 4 {
		long = true
	}
	if !long {
		return cur, "", false
	}
	what := fmt.Sprintf("data unavailable for %g hours", e.OutageHours)
	switch {
	case e.Availability == incident.AvailabilityPermanent:
		what = "data permanently lost (no usable backup)"
	case !restored:
		what = "data not yet restored"
	}
	if sensitive {
		return regulators.RiskHigh, what + " while it concerns health or special-category data: people may be harmed by missing care or services (as in the hospital case)", true
	}
	return regulators.RiskRisk, what + ": the loss of availability is likely to result in a risk (people must re-supply data, services are delayed); nobody saw the data, so misuse, and with it a high risk, is not to be expected for data that is not sensitive", true
}

func ruleTrustedRecipient(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	e := in.Effects
	m := in.Mitigation
	if e.Confidentiality != incident.ConfidentialityKnownRecipients || !m.RecipientTrusted || e.Malicious {
		return cur, "", false
	}
	if !m.DataRecovered && !m.Contained {
		return cur, "", false
	}
	if e.Integrity != incident.IntegrityNone && e.Integrity != incident.IntegrityAlteredRecovered ||
		e.Availability != incident.AvailabilityNone && e.Availability != incident.AvailabilityRecoverable {
		return cur, "", false
	}
	in.mitigated = true
	why := ""
	if sp := catIDList(filterCats(in.Clear, func(c inventory.Category) bool { return c.Special || c.Health })); len(sp) > 0 {
		why = fmt.Sprintf("; the special-category data (%s) does not raise the risk in this context: only the trusted recipient saw it, and it is gone", strings.Join(sp, ", "))
	}
	return atMost(cur, regulators.RiskLow), "the data went by mistake to a known, trusted recipient who returned or deleted it: unlikely to result in a risk; document it" + why, true
}

func atMost(cur, ceiling regulators.Risk) regulators.Risk {
	if cur.AtLeast(ceiling) {
		return ceiling
	}
	return cur
}

func ruleSpecialCategories(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if !in.exposedInClear() {
		return cur, "", false
	}
	var ids []string
	for _, c := range in.Clear {
		if c.Special || c.Class == inventory.ClassSensitive || c.Health {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return cur, "", false
	}
	return regulators.RiskHigh, fmt.Sprintf("special-category data (%s) was exposed in readable form: discrimination, damage to reputation and distress are likely consequences", strings.Join(ids, ", ")), true
}

func ruleChildren(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if !in.exposedInClear() || (in.Minors == 0 && !hasID(in.Clear, "children_data")) {
		return cur, "", false
	}
	next := raise(cur)
	return next, fmt.Sprintf("children are affected (%d minors): they merit specific protection and are less able to protect themselves; %s", in.Minors, raisedText(cur, next)), true
}

// raisedText says what a raising rule did to the level.
func raisedText(cur, next regulators.Risk) string {
	if cur == next {
		return fmt.Sprintf("the risk stays %q", next)
	}
	return fmt.Sprintf("risk raised from %q to %q", cur, next)
}

func ruleFinancial(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if !in.exposedInClear() {
		return cur, "", false
	}
	if hasID(in.Clear, "payment_card", "bank_account") {
		return regulators.RiskHigh, "card or bank account data was exposed in readable form: financial fraud is a likely consequence", true
	}
	if hasID(in.Clear, "payment_card_partial") && !anyCat(in.Clear, func(c inventory.Category) bool {
		return c.Class == inventory.ClassFinancial && c.ID != "payment_card_partial"
	}) {
		return cur, "only partial card numbers were exposed: they do not allow payments, so they do not raise the risk by themselves", true
	}
	return cur, "", false
}

func ruleIdentityTheft(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if !in.exposedInClear() {
		return cur, "", false
	}
	if hasID(in.Clear, "national_id", "passport", "drivers_license") {
		return regulators.RiskHigh, "identity document numbers were exposed in readable form: identity theft or fraud is a likely consequence", true
	}
	if hasID(in.Clear, "name") && hasID(in.Clear, "date_of_birth") && hasID(in.Clear, "postal_address", "email", "phone") {
		return regulators.RiskHigh, "name, date of birth and contact details were exposed together in readable form: enough for identity theft or targeted fraud", true
	}
	return cur, "", false
}

func ruleCredentials(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if !in.exposedInClear() && in.Cause != incident.CauseCredentialStuffing {
		return cur, "", false
	}
	if in.Cause == incident.CauseCredentialStuffing {
		return regulators.RiskHigh, "accounts were taken over with valid stolen credentials: the attacker could see and use everything the accounts hold; the people must secure their accounts", true
	}
	if anyCat(in.Clear, func(c inventory.Category) bool { return c.Credentials && c.ID != "password_hash" }) {
		return regulators.RiskHigh, "usable credentials were exposed: account takeover and fraud are likely; the people must change their passwords", true
	}
	if hasID(in.Clear, "password_hash") {
		return atLeast(cur, regulators.RiskRisk), "password hashes were exposed without a claim of state-of-the-art salted hashing (mark the entry encrypted when that holds): they can be cracked offline", true
	}
	return cur, "", false
}

func ruleLostDevice(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if (in.Cause != incident.CauseLostDevice && in.Cause != incident.CauseTheft) || !in.exposedInClear() {
		return cur, "", false
	}
	return atLeast(cur, regulators.RiskRisk), "a device or file holding readable personal data is out of the controller's control: whoever holds it can read the data", true
}

func ruleLargeNumbers(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if in.mitigated || !in.Effects.ConfidentialityLost() && !in.Effects.AvailabilityOnly() {
		return cur, "", false
	}
	scale := max(in.Subjects, in.TotalSubjects)
	people := fmt.Sprintf("%d people", scale)
	if scale != in.Subjects {
		people = fmt.Sprintf("%d people (%d of them here)", scale, in.Subjects)
	}
	switch {
	case scale >= VeryLargeScale && in.Effects.Confidentiality == incident.ConfidentialityUnknownRecipients && len(in.Clear) > 0 && cur == regulators.RiskRisk:
		return regulators.RiskHigh, fmt.Sprintf("%s' readable data reached an unknown number of recipients (≥ %d): large-scale exposure makes harm to many of them likely", people, VeryLargeScale), true
	case scale >= LargeScale && cur.Rank() < regulators.RiskRisk.Rank():
		return regulators.RiskRisk, fmt.Sprintf("%s are affected by the breach (≥ %d): a breach of this scale is likely to result in a risk to some of them", people, LargeScale), true
	}
	return cur, "", false
}

func ruleMalicious(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if !in.Effects.Malicious || !in.exposedInClear() || cur.AtLeast(regulators.RiskRisk) {
		return cur, "", false
	}
	return regulators.RiskRisk, "the data was taken on purpose: someone intends to use it, so harm is more likely than after an accident", true
}

func ruleNoPersonalData(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if in.Subjects > 0 && len(in.Categories) > 0 {
		return cur, "", false
	}
	return regulators.RiskNone, "no person in the subject directory was affected: no personal data was actually exposed; keep the record", true
}

// onlyConfidentiality reports whether integrity and availability were not
// (lastingly) affected.
func onlyConfidentiality(e Circumstances) bool {
	return (e.Integrity == incident.IntegrityNone || e.Integrity == incident.IntegrityAlteredRecovered) &&
		(e.Availability == incident.AvailabilityNone || e.Availability == incident.AvailabilityRecoverable)
}

func rulePseudonymous(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if in.mitigated || !in.Effects.ConfidentialityLost() || len(in.Clear) == 0 || !onlyConfidentiality(in.Effects) {
		return cur, "", false
	}
	for _, c := range in.Clear {
		if !slices.Contains(pseudonymousIDs, c.ID) {
			return cur, "", false
		}
	}
	in.mitigated = true
	return atMost(cur, regulators.RiskLow), fmt.Sprintf("the only readable data were pseudonymous account names (%s), and everything else was encrypted or hashed to the state of the art with the key not compromised: such data cannot harm the people, and the number affected does not change that (scale amplifies a risk, it does not create one); document it", strings.Join(catIDList(in.Clear), ", ")), true
}

// ordinary reports whether a category is ordinary data for a misdelivery
// to identified recipients: no payment, identity-document, credential,
// children's or highly sensitive data. A special category the inventory
// rates below "sensitive" (a food preference, say) is ordinary here.
func ordinary(c inventory.Category) bool {
	switch {
	case c.Class == inventory.ClassFinancial || c.Class == inventory.ClassSensitive,
		c.Credentials, c.Children, c.Financial,
		slices.Contains([]string{"national_id", "passport", "drivers_license", "payment_card", "bank_account"}, c.ID):
		return false
	}
	return true
}

// fewIdentifiedRecipients reports whether ordinary data of a few people
// went by mistake, not on purpose, to identified recipients.
func fewIdentifiedRecipients(in *RiskInput) bool {
	if in.Effects.Confidentiality != incident.ConfidentialityKnownRecipients || in.Effects.Malicious ||
		in.Subjects > FewPeople || len(in.Clear) == 0 || !onlyConfidentiality(in.Effects) {
		return false
	}
	for _, c := range in.Clear {
		if !ordinary(c) {
			return false
		}
	}
	return true
}

func ruleMisdeliveryDeleted(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	m := in.Mitigation
	if in.mitigated || !fewIdentifiedRecipients(in) || !m.Contained || !m.DataRecovered {
		return cur, "", false
	}
	in.mitigated = true
	why := ""
	if sp := catIDList(filterCats(in.Clear, func(c inventory.Category) bool { return c.Special || c.Health })); len(sp) > 0 {
		why = fmt.Sprintf(" The special-category data (%s) is rated low-sensitivity in the inventory and, in this context, a few identified recipients who deleted it, it is harmless, so it does not raise the risk.", strings.Join(sp, ", "))
	}
	return atMost(cur, regulators.RiskLow), fmt.Sprintf("ordinary data of %d people went by mistake to a few identified recipients, not on purpose, and they confirmed deletion (contained, data recovered): unlikely to result in a risk; document it.%s", in.Subjects, why), true
}

func ruleFewKnownRecipients(in *RiskInput, cur regulators.Risk) (regulators.Risk, string, bool) {
	if in.mitigated || cur != regulators.RiskHigh || !fewIdentifiedRecipients(in) {
		return cur, "", false
	}
	return regulators.RiskRisk, fmt.Sprintf("ordinary data (no special-category, payment or identity-document data) of %d people went by mistake to identified recipients who are not acting on purpose: a risk, since deletion is not confirmed, but not a high one", in.Subjects), true
}

// catIDList returns the ids of cats.
func catIDList(cats []inventory.Category) []string {
	out := make([]string, len(cats))
	for i, c := range cats {
		out[i] = c.ID
	}
	return out
}

// filterCats returns the categories that satisfy keep.
func filterCats(cats []inventory.Category, keep func(inventory.Category) bool) []inventory.Category {
	var out []inventory.Category
	for _, c := range cats {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}
