// Package assess is the impact assessment of docs/architecture.md and docs/assessment.md: it resolves
// the people an incident affects by streaming the subject directory once,
// scores the breach's severity with the ENISA 2013 method, decides the
// GDPR-sense risk with an ordered list of named rules, and asks each
// jurisdiction's rule in package regulators what the law requires. Every
// decision carries its reasons and citations.
//
// Assess is pure apart from reading the inventory's subject directory: the
// assessment time is passed in, never read from the clock.
package assess

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
)

// Schema is the value of an assessment's "schema" field.
const Schema = "breach.assessment/v1"

// ErrInput matches every *InputError with errors.Is.
var ErrInput = errors.New("invalid assessment input")

// InputError is an input the assessment cannot use, naming the field at
// fault, e.g. "affected[1].system".
type InputError struct {
	Field string
	Msg   string
	Err   error // the underlying error, if any
}

func (e *InputError) Error() string {
	if e.Field == "" {
		return "invalid input: " + e.Msg
	}
	return "invalid input: " + e.Field + ": " + e.Msg
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInput.
func (e *InputError) Is(target error) bool { return target == ErrInput }

// Subjects counts the affected people.
type Subjects struct {
	Total          int            `json:"total"`
	ByJurisdiction map[string]int `json:"by_jurisdiction"`
	Minors         int            `json:"minors"`
	WithoutContact int            `json:"without_contact"`
	// Unintelligible counts people whose exposed data was all encrypted
	// with an uncompromised key.
	Unintelligible int `json:"unintelligible,omitempty"`
	// HealthData counts people whose protected health information was
	// exposed, when the organisation is a HIPAA covered entity or business
	// associate: everyone in a system holding PHI (every system unless the
	// inventory says phi: false).
	HealthData int `json:"health_data,omitempty"`
}

// Assessment is the result of assessing one incident revision against the
// inventory (docs/assessment.md). The first fields are the fixed contract.
type Assessment struct {
	Schema       string                  `json:"schema"`
	Incident     string                  `json:"incident"`
	AssessedAt   time.Time               `json:"assessed_at"`
	Subjects     Subjects                `json:"subjects"`
	Records      int64                   `json:"records"`
	Categories   []string                `json:"categories"`
	Severity     Severity                `json:"severity"`
	Risk         regulators.Risk         `json:"risk"`
	Obligations  []regulators.Obligation `json:"obligations"`
	PublicNotice PublicNotice            `json:"public_notice"`
	Explanation  []string                `json:"explanation"`

	// Revision is the incident revision assessed.
	Revision int `json:"revision,omitempty"`
	// Title and Cause repeat the incident's, for readers of the JSON alone.
	Title string `json:"title,omitempty"`
	Cause string `json:"cause,omitempty"`
	// DiscoveredAt is when the organisation became aware: every legal clock
	// starts there.
	DiscoveredAt time.Time `json:"discovered_at"`
	// Effects are the circumstances used, after inference from the cause.
	Effects EffectsUsed `json:"effects"`
	// UnintelligibleCategories lists categories exposed only in encrypted
	// form; the rest of Categories were readable.
	UnintelligibleCategories []string `json:"unintelligible_categories,omitempty"`
	// RiskJurisdiction names the jurisdiction whose people face the highest
	// risk. Severity and risk are decided per jurisdiction from its own
	// people's data (each obligation carries its "risk"); Severity, Risk,
	// RiskReasons and RiskSteps are those of this jurisdiction, so Risk is
	// the highest. Empty when nobody is affected.
	RiskJurisdiction string `json:"risk_jurisdiction,omitempty"`
	// RiskReasons are the reasons of the risk rules that applied, in order;
	// RiskSteps the same with rule names, levels and citations.
	RiskReasons []string   `json:"risk_reasons"`
	RiskSteps   []RiskStep `json:"risk_steps"`
	// Deadlines are every dated duty, earliest first, with the time left
	// relative to AssessedAt.
	Deadlines []Deadline `json:"deadlines"`
	// UndatedDuties are the duties the law words without a date
	// ("immediately", "without undue delay", "as soon as practicable"),
	// which the text report lists first among the deadlines.
	UndatedDuties []UndatedDuty `json:"undated_duties,omitempty"`
	// RejectedRows counts subject-directory rows that could not be read;
	// RowErrors quotes the first few.
	RejectedRows int      `json:"rejected_rows,omitempty"`
	RowErrors    []string `json:"row_errors,omitempty"`
	// WarnedRows counts rows kept with a malformed contact or preference
	// field cleared (those people are assessed, but that contact is not
	// used); RowWarnings quotes the first few.
	WarnedRows  int      `json:"warned_rows,omitempty"`
	RowWarnings []string `json:"row_warnings,omitempty"`
	// Systems counts affected people per affected system.
	Systems map[string]int `json:"systems,omitempty"`
	// ApproximateRecords is the approximate number of records concerned
	// (GDPR Art. 33(3)(a)): Records, or more where the inventory declares
	// more records for a wholly affected system than the subject
	// directory holds (the larger is used, and the explanation warns).
	ApproximateRecords int64 `json:"approximate_records,omitempty"`
}

// EffectsUsed are the circumstances of breach the assessment used.
type EffectsUsed struct {
	Confidentiality string   `json:"confidentiality"`
	Integrity       string   `json:"integrity"`
	Availability    string   `json:"availability"`
	OutageHours     float64  `json:"outage_hours,omitempty"`
	Malicious       bool     `json:"malicious"`
	Inferred        []string `json:"inferred,omitempty"`
}

// Assess assesses one incident against the inventory at time now: it
// streams the subject directory once and decides severity, risk and every
// jurisdiction's obligations. Problems with the input are *InputError.
func Assess(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, now time.Time) (*Assessment, error) {
	return AssessEach(ctx, inv, in, now, nil)
}

// AssessEach is Assess and EachAffected in one walk over the subject
// directory: it calls fn (when not nil) for every affected person, as
// EachAffected does, and returns the assessment Assess would. The
// *AffectedPerson is reused for the next person: copy what you keep. An
// error from fn stops the walk and is returned as is, with no assessment.
func AssessEach(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, now time.Time, fn func(*AffectedPerson) error) (*Assessment, error) {
	return AssessWith(ctx, inv, in, now, Options{}, fn)
}

// Options are facts the incident does not carry that move legal clocks.
type Options struct {
	// IndividualsNotifiedAt is when the people of each jurisdiction were
	// told, once they were (from the campaign's ledger): duties that run
	// from that act, such as California's Attorney General copy, are then
	// dated from it.
	IndividualsNotifiedAt map[string]time.Time
}

// AssessWith is AssessEach with Options.
func AssessWith(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, now time.Time, opts Options, fn func(*AffectedPerson) error) (*Assessment, error) {
	m, err := newMatcher(inv, in)
	if err != nil {
		return nil, err
	}
	res, err := m.scan(ctx, func(p *AffectedPerson) error {
		m.linkPerson(p)
		if fn == nil {
			return nil
		}
		return fn(p)
	})
	if err != nil {
		return nil, err
	}
	m.opts = opts
	return m.assessment(res, now.UTC()), nil
}

// openedClass returns the highest class of data held by systems whose
// usable credentials (not hashes) leaked in readable form.
func (m *matcher) openedClass(stuffing bool) inventory.Class {
	best := 0
	for _, e := range m.entries {
		if e.people == 0 {
			continue
		}
		leaked := false
		if stuffing {
			leaked = true
		} else if !e.unintelligible {
			e.cats.each(func(i int) {
				if c := m.cats[i]; c.Credentials && c.ID != "password_hash" {
					leaked = true
				}
			})
		}
		if !leaked {
			continue
		}
		for _, id := range m.systems[e.system].sys.Categories {
			if c, ok := m.inv.Category(id); ok {
				best = max(best, classScore(c.Class))
			}
		}
	}
	if best == 0 {
		return ""
	}
	return []inventory.Class{"", inventory.ClassSimple, inventory.ClassBehavioural, inventory.ClassFinancial, inventory.ClassSensitive}[best]
}

// groupRisk is the severity and risk decided for one group of people: a
// jurisdiction's, or the whole incident's when nobody is affected.
type groupRisk struct {
	id       string // jurisdiction id; "" for the whole incident
	subjects int
	sev      Severity
	risk     regulators.Risk
	steps    []RiskStep
	reasons  []string
}

// decideGroup scores the ENISA severity and decides the risk for the people
// of agg from their own categories, minors, numbers and intelligibility.
// The incident's effects, cause and mitigation are shared, and so is its
// scale (total people), which the large-numbers rule reads: every person
// of a breach faces the spread of the same disclosure. Leaked credentials
// raise the score only where these people's readable data held them (or
// for credential stuffing, where every account was opened).
func (m *matcher) decideGroup(agg *jurAgg, total int, circ Circumstances, opened inventory.Class) groupRisk {
	cats, clear := m.categories(agg.cats), m.categories(agg.clearCats)
	unintelligible := agg.subjects > 0 && agg.unintelligible == agg.subjects
	if m.in.Cause != incident.CauseCredentialStuffing && !anyCat(clear, usableCredentials) {
		opened = ""
	}
	sev := ComputeSeverity(SeverityInput{Categories: cats, Unintelligible: unintelligible, Minors: agg.minors,
		HIPAACoveredEntity: m.inv.Organization.HIPAACoveredEntity, OpenedClass: opened, Effects: circ})
	risk, steps := DecideRisk(RiskInput{Severity: sev, Subjects: agg.subjects, TotalSubjects: total, Minors: agg.minors,
		Categories: cats, Clear: clear, Unintelligible: unintelligible, Effects: circ, Cause: m.in.Cause,
		Mitigation: m.in.Mitigation, OpenedClass: opened})
	reasons := make([]string, len(steps))
	for i, s := range steps {
		reasons[i] = s.Reason
	}
	return groupRisk{id: agg.id, subjects: agg.subjects, sev: sev, risk: risk, steps: steps, reasons: reasons}
}

// usableCredentials matches credentials that open an account as they are
// (not password hashes).
func usableCredentials(c inventory.Category) bool { return c.Credentials && c.ID != "password_hash" }

// decideRisks decides the risk of every jurisdiction (and of the US-HIPAA
// group) and returns them with the top-level one: the highest risk, ties
// broken by the higher ENISA score, then the larger group, then the
// jurisdiction id. With nobody affected, the top-level one is the whole
// (empty) incident's.
func (m *matcher) decideRisks(res *scanResult, aggs map[string]*jurAgg, circ Circumstances) (map[string]groupRisk, groupRisk) {
	opened := m.openedClass(m.in.Cause == incident.CauseCredentialStuffing)
	risks := map[string]groupRisk{}
	for id, agg := range aggs {
		risks[id] = m.decideGroup(agg, res.total, circ, opened)
	}
	if len(risks) == 0 {
		all := &jurAgg{subjects: res.total, minors: res.minors, cats: res.cats, clearCats: res.clearCats, unintelligible: res.unintelligible}
		return risks, m.decideGroup(all, res.total, circ, opened)
	}
	var top groupRisk
	for _, id := range slices.Sorted(maps.Keys(risks)) {
		r := risks[id]
		if top.id == "" || higherRisk(r, top) {
			top = r
		}
	}
	return risks, top
}

// lawGroups returns the people each law covers, by jurisdiction id: the
// residents of each jurisdiction, plus, for a law that reaches beyond them
// (an establishment or processing on its territory), the others it covers;
// and the US-HIPAA group when it has people.
func (m *matcher) lawGroups(res *scanResult) map[string]*jurAgg {
	aggs := maps.Clone(res.byJur)
	for i, x := range res.extra {
		if x.subjects > 0 {
			id := m.scopes[i].id
			aggs[id] = m.merge(id, res.byJur[id], x)
		}
	}
	for id, p := range res.prov {
		aggs[id] = p
	}
	if h := res.hipaa; h != nil && h.subjects > 0 {
		aggs[hipaaJurisdiction] = h
	}
	return aggs
}

// higherRisk reports whether a ranks above b for the top-level risk.
func higherRisk(a, b groupRisk) bool {
	switch {
	case a.risk.Rank() != b.risk.Rank():
		return a.risk.Rank() > b.risk.Rank()
	case a.sev.Score != b.sev.Score:
		return a.sev.Score > b.sev.Score
	}
	return a.subjects > b.subjects
}

func (m *matcher) assessment(res *scanResult, now time.Time) *Assessment {
	in, inv := m.in, m.inv
	circ := EffectiveCircumstances(in)
	aggs := m.lawGroups(res)
	risks, top := m.decideRisks(res, aggs, circ)

	fi := factsInput{inv: inv, in: in, effects: circ, risks: risks, total: res.total}
	obs := m.obligations(aggs, fi)

	a := &Assessment{
		Schema:       Schema,
		Incident:     in.ID,
		AssessedAt:   now,
		Revision:     in.Revision,
		Title:        in.Title,
		Cause:        string(in.Cause),
		DiscoveredAt: in.DiscoveredAt,
		Subjects: Subjects{Total: res.total, ByJurisdiction: map[string]int{}, Minors: res.minors,
			WithoutContact: res.withoutContact, Unintelligible: res.unintelligible},
		Records:          res.records,
		Categories:       m.catIDs(res.cats, nil),
		Severity:         top.sev,
		Risk:             top.risk,
		RiskJurisdiction: top.id,
		RiskReasons:      top.reasons,
		RiskSteps:        top.steps,
		Obligations:      obs,
		PublicNotice:     decidePublicNotice(obs, aggs),
		Deadlines:        deadlines(obs, now),
		UndatedDuties:    undatedDuties(obs),
		RejectedRows:     res.rejectedRows,
		RowErrors:        res.rowErrors,
		WarnedRows:       res.warnedRows,
		RowWarnings:      res.rowWarnings,
		Effects: EffectsUsed{Confidentiality: string(circ.Confidentiality), Integrity: string(circ.Integrity),
			Availability: string(circ.Availability), OutageHours: circ.OutageHours, Malicious: circ.Malicious, Inferred: circ.Inferred},
	}
	if a.Categories == nil {
		a.Categories = []string{}
	}
	if a.Deadlines == nil {
		a.Deadlines = []Deadline{}
	}
	for id, agg := range res.byJur {
		a.Subjects.ByJurisdiction[id] = agg.subjects
	}
	if res.hipaa != nil {
		a.Subjects.HealthData = res.hipaa.subjects
	}
	a.Systems = map[string]int{}
	for _, s := range m.systems {
		a.Systems[s.sys.ID] = s.people
	}
	enc := res.cats.clone()
	enc.andNot(res.clearCats)
	a.UnintelligibleCategories = m.catIDs(enc, nil)
	if len(a.UnintelligibleCategories) == 0 {
		a.UnintelligibleCategories = nil
	}
	var shortfall []string
	a.ApproximateRecords, shortfall = m.approximateRecords(res.records)
	a.Explanation = append(m.explain(a, res), shortfall...)
	return a
}

// approximateRecords returns the approximate number of records: found, plus
// for each wholly affected system whose inventory estimate (records)
// exceeds the people the directory holds in it, the difference; and a
// warning for each such system.
func (m *matcher) approximateRecords(found int64) (int64, []string) {
	total := found
	var warn []string
	for _, as := range m.systems {
		whole := true
		for _, ei := range as.entries {
			whole = whole && m.entries[ei].subjects == nil
		}
		if !whole || as.sys.Records <= int64(as.people) {
			continue
		}
		total += as.sys.Records - int64(as.people)
		warn = append(warn, fmt.Sprintf("WARNING: the inventory declares %d records for system %q but the subject directory holds %d people in it: the directory may be incomplete, and the approximate number of records reported (approximate_records) uses the larger figure.", as.sys.Records, as.sys.ID, as.people))
	}
	return total, warn
}

func (s catSet) clone() catSet { return append(catSet(nil), s...) }

func (s catSet) andNot(o catSet) {
	for i := range s {
		s[i] &^= o[i]
	}
}

// explain writes the assessment's story in plain sentences.
func (m *matcher) explain(a *Assessment, res *scanResult) []string {
	var ex []string
	ex = append(ex, fmt.Sprintf("Incident %s (revision %d, %s): %s. Discovered at %s; every legal clock starts there.",
		a.Incident, a.Revision, a.Cause, a.Title, a.DiscoveredAt.Format(time.RFC3339)))
	if a.DiscoveredAt.After(a.AssessedAt.Add(15 * time.Minute)) {
		ex = append(ex, fmt.Sprintf("WARNING: discovered_at (%s) is later than this assessment (%s): a mistyped date moves every legal deadline; correct it in a new revision.",
			a.DiscoveredAt.Format(time.RFC3339), a.AssessedAt.Format(time.RFC3339)))
	}
	if a.Subjects.Total == 0 {
		ex = append(ex, "No person in the subject directory is affected by the systems and filters the incident names.")
	} else {
		ex = append(ex, fmt.Sprintf("%d people affected (%d records) in %d jurisdictions; %d minors; %d without a usable contact.",
			a.Subjects.Total, a.Records, len(a.Subjects.ByJurisdiction), a.Subjects.Minors, a.Subjects.WithoutContact))
		ex = append(ex, "Exposed categories: "+strings.Join(a.Categories, ", ")+".")
	}
	if len(a.UnintelligibleCategories) > 0 {
		ex = append(ex, "Exposed only in encrypted form (key not compromised): "+strings.Join(a.UnintelligibleCategories, ", ")+".")
	}
	ex = append(ex, a.Effects.Inferred...)
	whose := ""
	if len(a.Obligations) > 1 {
		whose = fmt.Sprintf(" for the people of %s, whose risk is the highest", a.RiskJurisdiction)
	}
	ex = append(ex, fmt.Sprintf("ENISA severity%s: DPC %d x EI %.2f + CB %.2f = %.2f (%s).", whose, a.Severity.DPC, a.Severity.EI, a.Severity.CB, a.Severity.Score, a.Severity.Level))
	ex = append(ex, fmt.Sprintf("Risk %q: %s", a.Risk, decisive(a.RiskSteps).Reason))
	if line := riskByJurisdiction(a.Obligations); line != "" {
		ex = append(ex, line)
	}
	var reg, ind []string
	for _, ob := range a.Obligations {
		if ob.NotifyRegulator {
			reg = append(reg, ob.Jurisdiction)
		}
		if ob.NotifyIndividuals {
			ind = append(ind, ob.Jurisdiction)
		}
	}
	ex = append(ex, "Report to a regulator: "+listOrNone(reg)+". Tell the people: "+listOrNone(ind)+".")
	if a.PublicNotice.Required {
		ex = append(ex, "A public notice is required.")
	}
	if res.warnedRows > 0 {
		ex = append(ex, fmt.Sprintf("%d subject-directory rows had a malformed contact or preference field; those people are counted, but that field is not used to reach them.", res.warnedRows))
	}
	if res.rejectedRows > 0 {
		ex = append(ex, fmt.Sprintf("%d subject-directory rows could not be read and were skipped; fix them and re-assess, as those people may be affected.", res.rejectedRows))
	}
	ex = append(ex, m.unmatchedSubjects()...)
	return ex
}

// decisive returns the step that set the final level: the last one that
// changed it, or the starting (ENISA) step when no rule did.
func decisive(steps []RiskStep) RiskStep {
	for i := len(steps) - 1; i > 0; i-- {
		if steps[i].To != steps[i].From {
			return steps[i]
		}
	}
	if len(steps) == 0 {
		return RiskStep{}
	}
	return steps[0]
}

// riskByJurisdiction lists each jurisdiction's risk when they differ, or
// returns "".
func riskByJurisdiction(obs []regulators.Obligation) string {
	var parts []string
	differ := false
	for _, ob := range obs {
		parts = append(parts, fmt.Sprintf("%s %s", ob.Jurisdiction, ob.Risk))
		differ = differ || ob.Risk != obs[0].Risk
	}
	if !differ {
		return ""
	}
	return "Risk by jurisdiction, each from its own people's data: " + strings.Join(parts, ", ") + "."
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
