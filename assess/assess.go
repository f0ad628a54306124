// Package assess is the impact assessment of DESIGN §2 and §6: it resolves
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
	// HealthData counts people whose health data was exposed, when the
	// organisation is a HIPAA covered entity.
	HealthData int `json:"health_data,omitempty"`
}

// Assessment is the result of assessing one incident revision against the
// inventory (DESIGN §6). The first fields are the fixed contract.
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
	// RiskReasons are the reasons of the risk rules that applied, in order;
	// RiskSteps the same with rule names, levels and citations.
	RiskReasons []string   `json:"risk_reasons"`
	RiskSteps   []RiskStep `json:"risk_steps"`
	// Deadlines are every dated duty, earliest first, with the time left
	// relative to AssessedAt.
	Deadlines []Deadline `json:"deadlines"`
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
	m, err := newMatcher(inv, in)
	if err != nil {
		return nil, err
	}
	res, err := m.scan(ctx, fn)
	if err != nil {
		return nil, err
	}
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

func (m *matcher) assessment(res *scanResult, now time.Time) *Assessment {
	in, inv := m.in, m.inv
	circ := EffectiveCircumstances(in)
	allCats := m.categories(res.cats)
	clearCats := m.categories(res.clearCats)
	unintelligible := res.total > 0 && res.unintelligible == res.total
	opened := m.openedClass(in.Cause == incident.CauseCredentialStuffing)

	sev := ComputeSeverity(SeverityInput{Categories: allCats, Unintelligible: unintelligible, Minors: res.minors,
		HIPAACoveredEntity: inv.Organization.HIPAACoveredEntity, OpenedClass: opened, Effects: circ})
	risk, steps := DecideRisk(RiskInput{Severity: sev, Subjects: res.total, Minors: res.minors, Categories: allCats,
		Clear: clearCats, Unintelligible: unintelligible, Effects: circ, Cause: in.Cause, Mitigation: in.Mitigation, OpenedClass: opened})
	reasons := make([]string, len(steps))
	for i, s := range steps {
		reasons[i] = s.Reason
	}

	fi := factsInput{inv: inv, in: in, effects: circ, risk: risk, riskReasons: reasons, level: sev.Level, total: res.total}
	obs := m.obligations(res, fi)

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
		Records:     res.records,
		Categories:  m.catIDs(res.cats, nil),
		Severity:    sev,
		Risk:        risk,
		RiskReasons: reasons,
		RiskSteps:   steps,
		Obligations: obs,
		PublicNotice: decidePublicNotice(obs, func() map[string]*jurAgg {
			all := maps.Clone(res.byJur)
			if res.hipaa != nil {
				all[hipaaJurisdiction] = res.hipaa
			}
			return all
		}()),
		Deadlines:    deadlines(obs, now),
		RejectedRows: res.rejectedRows,
		RowErrors:    res.rowErrors,
		WarnedRows:   res.warnedRows,
		RowWarnings:  res.rowWarnings,
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
	a.Explanation = m.explain(a, res)
	return a
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
	ex = append(ex, fmt.Sprintf("ENISA severity: DPC %d x EI %.2f + CB %.2f = %.2f (%s).", a.Severity.DPC, a.Severity.EI, a.Severity.CB, a.Severity.Score, a.Severity.Level))
	ex = append(ex, fmt.Sprintf("Risk %q: %s", a.Risk, a.RiskReasons[len(a.RiskReasons)-1]))
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

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
