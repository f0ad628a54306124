package assess

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
)

// PublicNotice is the overall decision on a public (substitute) notice.
type PublicNotice struct {
	Required bool     `json:"required"`
	Allowed  bool     `json:"allowed"`
	Reasons  []string `json:"reasons"`
	// Jurisdictions lists where the notice is required or allowed.
	Jurisdictions []string `json:"jurisdictions,omitempty"`
}

// Deadline is one legal deadline with the time left when assessed.
type Deadline struct {
	Jurisdiction string    `json:"jurisdiction"`
	To           string    `json:"to"` // "regulator", "individuals" or the further notice's addressee
	Due          time.Time `json:"due"`
	// TimeLeft is Due minus the assessment time, e.g. "47h0m0s";
	// negative when overdue.
	TimeLeft string `json:"time_left"`
	Overdue  bool   `json:"overdue"`
}

// toRegCategories converts inventory categories for the regulators.
func toRegCategories(cats []inventory.Category) []regulators.Category {
	out := make([]regulators.Category, len(cats))
	for i, c := range cats {
		out[i] = regulators.Category{ID: c.ID, Label: c.Label, Class: string(c.Class), Special: c.Special,
			USPersonalInfo: c.USPersonalInfo, Identifying: c.Identifying, Credentials: c.Credentials,
			Health: c.Health, Financial: c.Financial, Children: c.Children}
	}
	return out
}

// factsInput is what the obligations need beyond one jurisdiction's counts.
type factsInput struct {
	inv     *inventory.Inventory
	in      *incident.Incident
	effects Circumstances
	risks   map[string]groupRisk // by jurisdiction id
	total   int
}

// facts builds the regulators.Facts of one jurisdiction.
func (m *matcher) facts(agg *jurAgg, fi factsInput) regulators.Facts {
	unintelligible := agg.subjects > 0 && agg.unintelligible == agg.subjects
	r := fi.risks[agg.id]
	f := regulators.Facts{
		Jurisdiction:       agg.id,
		Subjects:           agg.subjects,
		TotalSubjects:      fi.total,
		Minors:             agg.minors,
		WithoutContact:     agg.withoutContact,
		Categories:         toRegCategories(m.categories(agg.cats)),
		NameWithElement:    agg.nameElemClear || unintelligible && agg.nameElemAny,
		Linked:             m.linked(agg.id, unintelligible),
		EncryptedOnly:      m.encryptedOnly(agg),
		Unintelligible:     unintelligible,
		Risk:               r.risk,
		RiskReasons:        r.reasons,
		SeverityLevel:      r.sev.Level,
		Cause:              string(fi.in.Cause),
		Malicious:          fi.effects.Malicious,
		Confidentiality:    normalise(string(fi.effects.Confidentiality)),
		Integrity:          normalise(string(fi.effects.Integrity)),
		Availability:       normalise(string(fi.effects.Availability)),
		OutageHours:        fi.effects.OutageHours,
		Contained:          fi.in.Mitigation.Contained,
		DataRecovered:      fi.in.Mitigation.DataRecovered,
		RecipientTrusted:   fi.in.Mitigation.RecipientTrusted,
		DiscoveredAt:       fi.in.DiscoveredAt,
		Establishment:      fi.inv.Organization.Establishment,
		HIPAACoveredEntity: fi.inv.Organization.HIPAACoveredEntity,
		SubjectsByState:    maps.Clone(agg.states),
		BySubdivision:      maps.Clone(agg.members),

		HIPAABusinessAssociate: fi.inv.Organization.HIPAABusinessAssociate,
		PHI:                    agg.id == hipaaJurisdiction,
		PHISubjects:            agg.phi,
	}
	f.IndividualsNotifiedAt = m.opts.IndividualsNotifiedAt[agg.id]
	for _, d := range fi.in.Determinations {
		if strings.EqualFold(strings.TrimSpace(d.Jurisdiction), agg.id) {
			f.Determinations = append(f.Determinations, regulators.Determination{Jurisdiction: agg.id,
				Exception: d.Exception, By: d.By, At: d.At, Text: d.Text})
		}
	}
	if agg.id == hipaaJurisdiction && f.SubjectsByState == nil {
		// Every person's State is known (the directory requires a region
		// for US rows): none of these people lives in a US State.
		f.SubjectsByState = map[string]int{}
	}
	return f
}

// encryptedOnly returns the ids of the categories exposed for the people of
// agg only in unintelligible form, or nil.
func (m *matcher) encryptedOnly(agg *jurAgg) []string {
	enc := agg.cats.clone()
	enc.andNot(agg.clearCats)
	if enc.empty() {
		return nil
	}
	return m.catIDs(enc, nil)
}

// normalise maps "none" to the empty value the Facts contract uses.
func normalise(v string) string {
	if v == "none" {
		return ""
	}
	return v
}

// decide applies the jurisdiction's rule, or the fallback when the
// jurisdiction has none, and makes sure the contract fields are set.
func decide(f regulators.Facts) regulators.Obligation {
	var ob regulators.Obligation
	if rule, ok := regulators.Lookup(f.Jurisdiction); ok && rule.Decide != nil {
		ob = rule.Decide(f)
	} else {
		ob = regulators.Fallback(f)
	}
	ob.Jurisdiction = f.Jurisdiction
	ob.Subjects = f.Subjects
	ob.Risk, ob.RiskReasons = f.Risk, f.RiskReasons
	if ob.Reasons == nil {
		ob.Reasons = []string{}
	}
	if ob.Citations == nil {
		ob.Citations = []string{}
	}
	return ob
}

// obligations decides every jurisdiction's duties, sorted by jurisdiction,
// each with why the law covers its people.
func (m *matcher) obligations(aggs map[string]*jurAgg, fi factsInput) []regulators.Obligation {
	out := make([]regulators.Obligation, 0, len(aggs))
	for _, id := range slices.Sorted(maps.Keys(aggs)) {
		agg := aggs[id]
		ob := decide(m.facts(agg, fi))
		because, counsel := regulators.Applies(id, m.scopeOf(agg))
		ob.AppliesBecause = because
		if t, ok := regulators.TerritoryOf(id); ok && t.Unverified != "" && (agg.subjects > agg.residents || m.inv.Organization.Targets.Declared()) {
			ob.Unverified = append(ob.Unverified, t.Unverified)
		}
		for _, c := range counsel {
			ob.Judgment = true
			if !slices.Contains(ob.Counsel, c) {
				ob.Counsel = append(ob.Counsel, c)
			}
		}
		if id == "EU-GDPR" && len(agg.members) > 0 {
			ob.ByMemberState = map[string]regulators.MemberStateShare{}
			for ms, n := range agg.members {
				// ms is a member state (inventory.EUMemberState): the
				// authority is always known.
				authority, _ := regulators.SupervisoryAuthority(ms)
				ob.ByMemberState[ms] = regulators.MemberStateShare{Subjects: n, Authority: authority}
			}
		}
		out = append(out, ob)
	}
	return out
}

// scopeOf describes why a law covers the people of agg.
func (m *matcher) scopeOf(agg *jurAgg) regulators.Scope {
	o := m.inv.Organization
	s := regulators.Scope{Residents: agg.residents, Others: agg.subjects - agg.residents}
	if o.Targets.Declared() {
		s.Targets = append([]string{}, o.Targets.List()...)
	}
	if agg.id == hipaaJurisdiction {
		s.Residents, s.Others, s.HIPAA = agg.subjects, 0, "covered entity"
		if !o.HIPAACoveredEntity {
			s.HIPAA = "business associate"
		}
		return s
	}
	for _, sl := range m.scopes {
		if sl.id == agg.id {
			s.Established, s.Processing = sl.established, sl.processing
		}
	}
	return s
}

// decidePublicNotice combines the laws' public-notice decisions with the
// facts: people who must be told but cannot be reached individually are
// reached by an announcement, as the seed privacy policies promise.
func decidePublicNotice(obs []regulators.Obligation, byJur map[string]*jurAgg) PublicNotice {
	pn := PublicNotice{Reasons: []string{}}
	mark := func(j string) {
		if !slices.Contains(pn.Jurisdictions, j) {
			pn.Jurisdictions = append(pn.Jurisdictions, j)
		}
	}
	anyIndividuals := false
	for _, ob := range obs {
		agg := byJur[ob.Jurisdiction]
		unreachable := ob.NotifyIndividuals && agg != nil && agg.withoutContact > 0
		switch {
		case unreachable:
			pn.Required, pn.Allowed = true, true
			mark(ob.Jurisdiction)
			basis := "the controller's privacy policy promises an announcement when telling people one by one is impractical"
			if ob.PublicNoticeAllowed || ob.PublicNotice {
				basis = "the law allows a public or substitute notice" + conditions(ob.PublicNoticeConditions) + "; " + basis
			}
			pn.Reasons = append(pn.Reasons, fmt.Sprintf("%s: %d of %d people who must be told have no usable contact (e-mail, phone, device, postal address or guardian): a public announcement is the only way to reach them (%s)", ob.Jurisdiction, agg.withoutContact, agg.subjects, basis))
		case ob.PublicNotice:
			pn.Required, pn.Allowed = true, true
			mark(ob.Jurisdiction)
			pn.Reasons = append(pn.Reasons, fmt.Sprintf("%s: the law's rule requires a public or substitute notice on these facts%s", ob.Jurisdiction, conditions(ob.PublicNoticeConditions)))
		case ob.PublicNoticeAllowed:
			pn.Allowed = true
			mark(ob.Jurisdiction)
			pn.Reasons = append(pn.Reasons, fmt.Sprintf("%s: a substitute notice may replace individual notice%s", ob.Jurisdiction, conditions(ob.PublicNoticeConditions)))
		}
		if ob.NotifyIndividuals {
			anyIndividuals = true
		}
	}
	if len(pn.Reasons) == 0 {
		if anyIndividuals {
			pn.Reasons = append(pn.Reasons, "every person who must be told can be reached individually and no law calls for a public notice")
		} else {
			pn.Reasons = append(pn.Reasons, "no law requires telling the people, so no public notice is needed")
		}
	}
	slices.Sort(pn.Jurisdictions)
	return pn
}

func conditions(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return " when " + strings.Join(c, "; ")
}

// UndatedDuty is a duty the law sets without a fixed time.
type UndatedDuty struct {
	Jurisdiction string `json:"jurisdiction"`
	To           string `json:"to"` // "regulator", "individuals" or the further notice's addressee
	// When is the law's own words, e.g. "without undue delay".
	When string `json:"when"`
}

// undatedDuties lists every required duty without a date, in obligation
// order.
func undatedDuties(obs []regulators.Obligation) []UndatedDuty {
	var out []UndatedDuty
	add := func(j, to string, t *time.Time, text string) {
		if t != nil {
			return
		}
		if text == "" {
			text = "no time stated by the law: act promptly"
		}
		out = append(out, UndatedDuty{Jurisdiction: j, To: to, When: text})
	}
	for _, ob := range obs {
		if ob.NotifyRegulator {
			add(ob.Jurisdiction, "regulator", ob.RegulatorDeadline, ob.RegulatorDeadlineText)
		}
		if ob.NotifyIndividuals {
			add(ob.Jurisdiction, "individuals", ob.IndividualDeadline, ob.IndividualDeadlineText)
		}
		for _, n := range ob.OtherNotices {
			if n.Required {
				add(ob.Jurisdiction, n.To, n.Deadline, n.DeadlineText)
			}
		}
	}
	return out
}

// deadlines lists every dated duty, earliest first, with the time left at now.
func deadlines(obs []regulators.Obligation, now time.Time) []Deadline {
	var out []Deadline
	add := func(j, to string, t *time.Time) {
		if t == nil {
			return
		}
		left := t.Sub(now)
		out = append(out, Deadline{Jurisdiction: j, To: to, Due: t.UTC(), TimeLeft: left.Round(time.Minute).String(), Overdue: left < 0})
	}
	for _, ob := range obs {
		if ob.NotifyRegulator {
			add(ob.Jurisdiction, "regulator", ob.RegulatorDeadline)
		}
		if ob.NotifyIndividuals {
			add(ob.Jurisdiction, "individuals", ob.IndividualDeadline)
		}
		for _, n := range ob.OtherNotices {
			if n.Required {
				add(ob.Jurisdiction, n.To, n.Deadline)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Deadline) int { return a.Due.Compare(b.Due) })
	return out
}
