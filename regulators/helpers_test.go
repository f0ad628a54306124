package regulators

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// disc is the discovery time of the test incidents: Friday 20 November 2026,
// 09:00 UTC, so that business-day deadlines cross a weekend.
var disc = time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC)

// Categories as the assess package flags them.
var (
	catName  = Category{ID: "name", Label: "Name", Class: "simple", Identifying: true}
	catEmail = Category{ID: "email", Label: "E-mail", Class: "simple", Identifying: true}
	catSSN   = Category{ID: "national_id", Label: "National id", Class: "sensitive", USPersonalInfo: true, Identifying: true}
	catCard  = Category{ID: "payment_card", Label: "Card", Class: "financial", USPersonalInfo: true, Financial: true}
	catHlth  = Category{ID: "health", Label: "Health", Class: "sensitive", Special: true, USPersonalInfo: true, Health: true}
	catCreds = Category{ID: "credentials", Label: "Credentials", Class: "sensitive", USPersonalInfo: true, Credentials: true}
	catDOB   = Category{ID: "date_of_birth", Label: "Date of birth", Class: "simple"}
	catKids  = Category{ID: "children_data", Label: "Children", Class: "sensitive", Children: true}
)

// facts returns a malicious exfiltration of name, e-mail and national id
// (combined) of n people of jurisdiction j, assessed high risk, discovered at
// disc, then applies mods.
func facts(j string, n int, mods ...func(*Facts)) Facts {
	f := Facts{
		Jurisdiction:    j,
		Subjects:        n,
		TotalSubjects:   n,
		Categories:      []Category{catName, catEmail, catSSN},
		NameWithElement: true,
		Linked:          map[string][]string{"name": {"email", "national_id"}, "email": {"name", "national_id"}, "national_id": {"email", "name"}},
		Risk:            RiskHigh,
		SeverityLevel:   "high",
		Cause:           "exfiltration",
		Malicious:       true,
		Confidentiality: "unknown_recipients",
		Integrity:       "none",
		Availability:    "none",
		DiscoveredAt:    disc,
		Establishment:   "IE",
	}
	for _, m := range mods {
		m(&f)
	}
	return f
}

func risk(r Risk) func(*Facts)            { return func(f *Facts) { f.Risk = r } }
func conf(c string) func(*Facts)          { return func(f *Facts) { f.Confidentiality = c } }
func cause(c string) func(*Facts)         { return func(f *Facts) { f.Cause = c } }
func noContact(n int) func(*Facts)        { return func(f *Facts) { f.WithoutContact = n } }
func minors(n int) func(*Facts)           { return func(f *Facts) { f.Minors = n } }
func total(n int) func(*Facts)            { return func(f *Facts) { f.TotalSubjects = n } }
func est(c string) func(*Facts)           { return func(f *Facts) { f.Establishment = c } }
func discovered(t time.Time) func(*Facts) { return func(f *Facts) { f.DiscoveredAt = t } }

// determined records a documented determination of exception for
// jurisdiction j, made at disc.
func determined(j, exception string) func(*Facts) {
	return func(f *Facts) {
		f.Determinations = append(f.Determinations, Determination{Jurisdiction: j, Exception: exception, By: "Counsel", At: disc, Text: "determined"})
	}
}

func encrypted(f *Facts)   { f.Unintelligible = true }
func accidental(f *Facts)  { f.Malicious = false }
func hipaaEntity(f *Facts) { f.HIPAACoveredEntity = true }
func nameNoElem(f *Facts) {
	f.NameWithElement = false
	f.Linked = maps.Clone(f.Linked)
	f.Linked["name"] = slices.DeleteFunc(slices.Clone(f.Linked["name"]), func(id string) bool {
		return slices.ContainsFunc(f.Categories, func(c Category) bool { return c.ID == id && c.USPersonalInfo })
	})
}
func recovered(f *Facts) { f.Contained, f.DataRecovered = true, true }
func noEffect(f *Facts)  { f.Confidentiality, f.Integrity, f.Availability = "none", "none", "none" }

// cats replaces the exposed categories, every person's data holding all of
// them; NameWithElement and Linked are recomputed the way assess does it.
func cats(cs ...Category) func(*Facts) { return people(cs) }

// people replaces the exposed categories with those of groups of people,
// each group's data holding its categories together, and recomputes
// NameWithElement (a name with a non-credential US element in one
// person's data) and Linked (what each identifier was exposed with) the
// way assess does it.
func people(groups ...[]Category) func(*Facts) {
	return func(f *Facts) {
		f.Categories, f.NameWithElement, f.Linked = nil, false, map[string][]string{}
		for _, g := range groups {
			var name, elem bool
			for _, c := range g {
				if !slices.ContainsFunc(f.Categories, func(o Category) bool { return o.ID == c.ID }) {
					f.Categories = append(f.Categories, c)
				}
				name = name || c.ID == "name"
				elem = elem || (c.USPersonalInfo && !c.Credentials)
				if !c.Identifying {
					continue
				}
				for _, o := range g {
					if o.ID != c.ID {
						f.Linked[c.ID] = append(f.Linked[c.ID], o.ID)
					}
				}
			}
			f.NameWithElement = f.NameWithElement || name && elem
		}
		for id, l := range f.Linked {
			slices.Sort(l)
			f.Linked[id] = slices.Compact(l)
		}
	}
}

// days and hours return deadlines counted from disc.
func days(n int) *time.Time { t := disc.AddDate(0, 0, n); return &t }

// daysIn returns the end of the n-th calendar day after disc in loc.
func daysIn(loc *time.Location, n int) *time.Time { t := CalendarDaysEnd(disc, n, loc); return &t }

func hours(n int) *time.Time { t := disc.Add(time.Duration(n) * time.Hour); return &t }
func tm(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// summary is the part of an Obligation a table case checks.
type summary struct {
	NotifyRegulator     bool
	RegulatorDeadline   *time.Time
	NotifyIndividuals   bool
	IndividualDeadline  *time.Time
	PublicNotice        bool
	PublicNoticeAllowed bool
	SafeHarbour         bool
	// Others are the further notices, "To" up to its first " (", with
	// "?" in front when not required, and "@" plus the deadline when set.
	Others []string
}

func summarize(o Obligation) summary {
	s := summary{
		NotifyRegulator:     o.NotifyRegulator,
		RegulatorDeadline:   o.RegulatorDeadline,
		NotifyIndividuals:   o.NotifyIndividuals,
		IndividualDeadline:  o.IndividualDeadline,
		PublicNotice:        o.PublicNotice,
		PublicNoticeAllowed: o.PublicNoticeAllowed,
		SafeHarbour:         o.SafeHarbour != "",
	}
	for _, n := range o.OtherNotices {
		k, _, _ := strings.Cut(n.To, " (")
		if !n.Required {
			k = "?" + k
		}
		if n.Deadline != nil {
			k += "@" + n.Deadline.Format(time.RFC3339)
		}
		s.Others = append(s.Others, k)
	}
	return s
}

// ruleCase is one table case: law states the legal reason for want.
type ruleCase struct {
	name  string
	law   string
	facts Facts
	want  summary
}

// runCases applies decide to each case and compares the summary.
func runCases(t *testing.T, decide func(Facts) Obligation, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		// The statute leads each case's law line ("Cal. Civ. Code §
		// 1798.82(f): ..."); it goes into the case's name too.
		name := c.name
		if statute, _, ok := strings.Cut(c.law, ": "); ok {
			name += " [" + statute + "]"
		}
		t.Run(name, func(t *testing.T) {
			got := decide(c.facts)
			if diff := cmp.Diff(c.want, summarize(got)); diff != "" {
				t.Errorf("%s\ngot %+v\nwant %+v\ndiff (-want +got):\n%s\nreasons:\n  %s", c.law, summarize(got), c.want, diff, strings.Join(got.Reasons, "\n  "))
			}
			checkInvariants(t, c.facts, got)
		})
	}
}

// checkInvariants checks what every Obligation must satisfy.
func checkInvariants(t *testing.T, f Facts, o Obligation) {
	t.Helper()
	if o.Jurisdiction == "" {
		t.Errorf("Jurisdiction: got empty, want the rule id")
	}
	if o.Subjects != f.Subjects {
		t.Errorf("Subjects: got %d, want %d", o.Subjects, f.Subjects)
	}
	if len(o.Reasons) == 0 {
		t.Errorf("Reasons: got none, want at least one")
	}
	if len(o.Citations) == 0 {
		t.Errorf("Citations: got none, want at least one")
	}
	for _, r := range o.Reasons {
		if strings.TrimSpace(r) == "" {
			t.Errorf("Reasons: got an empty reason, want sentences")
		}
	}
	check := func(what string, d *time.Time) {
		if d != nil && d.Before(f.DiscoveredAt) {
			t.Errorf("%s: got %s, want not before DiscoveredAt %s", what, d, f.DiscoveredAt)
		}
		if d != nil && d.Location() != time.UTC {
			t.Errorf("%s: got location %s, want UTC", what, d.Location())
		}
	}
	check("RegulatorDeadline", o.RegulatorDeadline)
	check("IndividualDeadline", o.IndividualDeadline)
	for _, n := range o.OtherNotices {
		check("notice to "+n.To, n.Deadline)
		if len(n.Reasons) == 0 || len(n.Citations) == 0 {
			t.Errorf("notice to %s: got %d reasons and %d citations, want both", n.To, len(n.Reasons), len(n.Citations))
		}
	}
	if !o.NotifyRegulator && o.RegulatorDeadline != nil {
		t.Errorf("RegulatorDeadline: got %s without NotifyRegulator, want nil", o.RegulatorDeadline)
	}
	if !o.NotifyIndividuals && o.IndividualDeadline != nil {
		t.Errorf("IndividualDeadline: got %s without NotifyIndividuals, want nil", o.IndividualDeadline)
	}
}
