// Package report drafts the notifications a regulator must receive after a
// personal-data breach: for one jurisdiction of an assessment it takes the
// list of fields the law asks for (regulators.ReportForms) and fills each
// one from the incident, the assessment, the organisation block of the
// inventory and, when a campaign has run, its figures, or marks it
// "MISSING: what to provide". A draft says up front what is missing, which
// fields were not checked against the law, the deadline and the time left
// (or that it is overdue, with the reasons for the delay then required),
// and carries a copy of the notice sent to individuals where the regulator
// asks for one, rendered by package templates exactly as the campaign
// renders it, with no personal data.
//
// An organisation without a main establishment in the EU/EEA reports a
// GDPR breach to the authority of every member state where affected people
// live: the draft then holds one filing per member state with that state's
// count of people. The HIPAA media notice likewise gets one filing per
// State with more than 500 affected residents.
//
// Renderers write a draft as Markdown, HTML (html/template, every value
// escaped), JSON (field by field, stable order) and PDF. The PDF is made
// with codeberg.org/go-pdf/fpdf, the maintained successor of
// github.com/go-pdf/fpdf with the same API: it is pure Go, so the binary
// needs no browser at run time, it embeds TrueType fonts as UTF-8 subsets,
// and its output is reproducible when the creation date is fixed. Printing
// the HTML with headless Chromium would typeset better but makes a 300 MB
// browser a run-time dependency of a command that must work offline at
// hour 60 of 72. fpdf's core fonts cover only cp1252, so the renderer
// embeds a TrueType font (report.font_file, DejaVu Sans by default) and,
// for drafts with Chinese or Japanese text, a CJK font (report.cjk_font_file,
// Droid Sans Fallback by default): a missing font is an error naming its
// setting.
//
// Build is pure: the time is passed in and nothing is read from the clock.
package report

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/templates"
)

// Schema is the value of a draft's "schema" field.
const Schema = "breach.report-draft/v1"

// ErrJurisdiction matches the error Build returns for a jurisdiction the
// assessment does not contain.
var ErrJurisdiction = fault.New(fault.NotFound, "jurisdiction not in the assessment")

// JurisdictionError names a jurisdiction the assessment does not contain
// and those it does.
type JurisdictionError struct {
	Jurisdiction string
	Available    []string
}

func (e *JurisdictionError) Error() string {
	avail := "none"
	if len(e.Available) > 0 {
		avail = strings.Join(e.Available, ", ")
	}
	return fmt.Sprintf("jurisdiction %q is not in the assessment (it has: %s)", e.Jurisdiction, avail)
}

// Is reports whether target is ErrJurisdiction.
func (e *JurisdictionError) Is(target error) bool { return target == ErrJurisdiction }

// Campaign is what the notice campaign has done so far. The service passes
// live figures; the offline command has none, and the fields that need
// them are then missing.
type Campaign struct {
	// Told counts people told per channel ("email", "sms", "letter"...).
	Told map[string]int `json:"told"`
	// FirstSent and LastSent bound when notices went out.
	FirstSent *time.Time `json:"first_sent,omitempty"`
	LastSent  *time.Time `json:"last_sent,omitempty"`
	// Unreachable counts people no channel reached.
	Unreachable int `json:"unreachable"`
	// Pending counts people not yet told.
	Pending int `json:"pending"`
	// Complete says the campaign has finished.
	Complete bool `json:"complete"`
	// PublicNoticeURL is where the public (substitute) notice is published.
	PublicNoticeURL string `json:"public_notice_url,omitempty"`
}

// Input is everything a draft is built from.
type Input struct {
	Incident   *incident.Incident
	Assessment *assess.Assessment
	// Organization is the controller; when empty, Inventory's is used.
	Organization inventory.Organization
	// Inventory, when set, labels the systems and declared categories.
	Inventory *inventory.Inventory
	// People are the counts per jurisdiction, country and state from the
	// walk over the affected people (see Tally); without them a GDPR
	// breach of an organisation without an EU establishment cannot be
	// split per member state.
	People *Tally
	// Campaign, when set, fills the fields about telling the people.
	Campaign *Campaign
	// Jurisdiction is the assessment's jurisdiction to draft for.
	Jurisdiction string
	// Now is when the draft is made: the time left counts from it.
	Now time.Time
	// Templates renders the copy of the individual notice; nil uses the
	// embedded templates.
	Templates *templates.Set
	// AnnouncementURL is the public announcement page the notice links
	// to; empty uses the campaign's public notice, then the website.
	AnnouncementURL string
	// Supplied are values a person provided, by field id ("delay_reasons",
	// "law_enforcement"...); they fill fields breach cannot.
	Supplied map[string]string
}

// Draft is the report drafts of one jurisdiction for one incident revision.
type Draft struct {
	Schema       string    `json:"schema"`
	Incident     string    `json:"incident"`
	Revision     int       `json:"revision"`
	Title        string    `json:"title"`
	Jurisdiction string    `json:"jurisdiction"`
	Law          string    `json:"law,omitempty"`
	GeneratedAt  time.Time `json:"generated_at"`
	DiscoveredAt time.Time `json:"discovered_at"`
	// Filings are the reports to file: the regulator's, one per member
	// state or State where the law splits it, and further forms.
	Filings []Filing `json:"filings"`
}

// Filing is one report to one addressee.
type Filing struct {
	// ID is the form id, with the member state or State appended where
	// the report is split, e.g. "EU-GDPR/FR".
	ID string `json:"id"`
	// Form is the id of the regulators.ReportForm the filing follows.
	Form      string `json:"form"`
	Title     string `json:"title"`
	Regulator string `json:"regulator"`
	// Place is the member state or US State this filing covers, if split.
	Place    string `json:"place,omitempty"`
	Language string `json:"language"`
	// LegalBasis lists the provisions the fields cite, in order.
	LegalBasis []string `json:"legal_basis"`
	// Required says the law requires this report on the assessed facts;
	// Why gives the reasons either way.
	Required bool     `json:"required"`
	Why      []string `json:"why"`
	// Deadline is the due time (nil where the law sets none), DeadlineText
	// the law's words; TimeLeft is counted from the draft's time and
	// Overdue set when it has passed.
	Deadline     *time.Time `json:"deadline"`
	DeadlineText string     `json:"deadline_text,omitempty"`
	TimeLeft     string     `json:"time_left,omitempty"`
	Overdue      bool       `json:"overdue"`
	// Subjects counts the people this filing reports.
	Subjects int `json:"subjects"`
	// Missing lists the ids of fields still to provide; Unverified the ids
	// of fields not checked against the law's text.
	Missing    []string `json:"missing"`
	Unverified []string `json:"unverified"`
	Source     string   `json:"source"`
	Fields     []Field  `json:"fields"`
	// NoticeCopy is the notice sent to individuals, where the addressee
	// asks for a copy.
	NoticeCopy *NoticeCopy `json:"notice_copy,omitempty"`
}

// Field is one filled (or missing) item of a filing.
type Field struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	LabelEn  string `json:"label_en,omitempty"`
	Citation string `json:"citation"`
	// Value is the text to file; empty when Missing is set.
	Value string `json:"value,omitempty"`
	// Missing says what to provide when breach cannot fill the field.
	Missing  string `json:"missing,omitempty"`
	Phased   bool   `json:"phased,omitempty"`
	Verified bool   `json:"verified"`
}

// NoticeCopy is a sample of the notice sent to individuals, without
// personal data: no name, and a placeholder for the verification code.
type NoticeCopy struct {
	Channel string `json:"channel"`
	Locale  string `json:"locale"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	// Error says why the copy could not be rendered, if it could not.
	Error string `json:"error,omitempty"`
}

// Build drafts the reports of in.Jurisdiction. A jurisdiction the
// assessment does not contain is a *JurisdictionError.
func Build(in Input) (*Draft, error) {
	if in.Incident == nil || in.Assessment == nil {
		return nil, errors.New("build report: incident and assessment are required")
	}
	if in.Organization == (inventory.Organization{}) && in.Inventory != nil {
		in.Organization = in.Inventory.Organization
	}
	if in.Now.IsZero() {
		return nil, errors.New("build report: the drafting time (Now) is required")
	}
	id := strings.ToUpper(strings.TrimSpace(in.Jurisdiction))
	i := slices.IndexFunc(in.Assessment.Obligations, func(o regulators.Obligation) bool { return o.Jurisdiction == id })
	if i < 0 {
		avail := make([]string, 0, len(in.Assessment.Obligations))
		for _, o := range in.Assessment.Obligations {
			avail = append(avail, o.Jurisdiction)
		}
		return nil, &JurisdictionError{Jurisdiction: in.Jurisdiction, Available: avail}
	}
	ob := in.Assessment.Obligations[i]
	now := in.Now.UTC()
	d := &Draft{
		Schema: Schema, Incident: in.Assessment.Incident, Revision: in.Assessment.Revision,
		Title: in.Incident.Title, Jurisdiction: id, Law: ob.Law, GeneratedAt: now, DiscoveredAt: in.Incident.DiscoveredAt.UTC(),
	}
	b := &builder{in: in, ob: ob, now: now}
	for _, form := range regulators.ReportForms(id) {
		fs, err := b.filings(form)
		if err != nil {
			return nil, err
		}
		d.Filings = append(d.Filings, fs...)
	}
	return d, nil
}

// builder holds what every filing of one draft shares.
type builder struct {
	in  Input
	ob  regulators.Obligation
	now time.Time
	// notices caches the rendered notice copy per locale.
	notices map[string]*NoticeCopy
}

// place is one split of a report: a member state or a US State, with the
// counts of its people.
type place struct {
	code, regulator string
	subjects        int
	count           *Count
}

// filings drafts the filings of one form: none when it answers a further
// notice the obligation does not carry, one per place when the law splits
// the report, else one.
func (b *builder) filings(form regulators.ReportForm) ([]Filing, error) {
	var notice *regulators.Notice
	if form.Notice != "" {
		i := slices.IndexFunc(b.ob.OtherNotices, func(n regulators.Notice) bool { return strings.Contains(n.To, form.Notice) })
		if i < 0 {
			return nil, nil
		}
		notice = &b.ob.OtherNotices[i]
	}
	places := b.places(form)
	if len(places) == 0 {
		places = []place{{subjects: b.ob.Subjects}}
	}
	out := make([]Filing, 0, len(places))
	for _, p := range places {
		f, err := b.filing(form, notice, p)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// places splits a GDPR report per member state when the organisation has
// no EU establishment, and the HIPAA media notice per State with more than
// 500 residents; nil means no split.
func (b *builder) places(form regulators.ReportForm) []place {
	c := b.in.People.count(b.ob.Jurisdiction)
	switch {
	case form.ID == "EU-GDPR" && !regulators.HasEUEstablishment(b.in.Organization.Establishment) && c != nil:
		states := map[string]*Count{}
		for _, country := range sortedKeys(c.Countries) {
			if s, ok := regulators.MemberState(country); ok {
				sub(states, s).merge(c.Countries[country])
			}
		}
		var out []place
		for _, s := range sortedKeys(states) {
			name, err := regulators.SupervisoryAuthority(s)
			if err != nil {
				continue
			}
			out = append(out, place{code: s, regulator: name, subjects: states[s].Subjects, count: states[s]})
		}
		return out
	case form.PerState && c != nil:
		var out []place
		for _, s := range sortedKeys(c.Regions) {
			if r := c.Regions[s]; r.Subjects > 500 {
				out = append(out, place{code: s, regulator: "prominent media outlets serving " + s, subjects: r.Subjects, count: r})
			}
		}
		return out
	}
	return nil
}

// filing drafts one report to one addressee.
func (b *builder) filing(form regulators.ReportForm, notice *regulators.Notice, p place) (Filing, error) {
	f := Filing{ID: form.ID, Form: form.ID, Title: form.Title, Regulator: b.ob.Regulator, Place: p.code, Language: form.Language,
		Subjects: p.subjects, Source: form.Source, Missing: []string{}, Unverified: []string{}, LegalBasis: []string{}}
	if form.To != "" {
		f.Regulator = form.To
	}
	if f.Regulator == "" {
		f.Regulator = "the competent regulator of " + b.ob.Jurisdiction + " (no rule encoded: identify it)"
	}
	if p.code != "" {
		f.ID += "/" + p.code
		f.Regulator = p.regulator
	}
	if notice != nil {
		f.Required, f.Deadline, f.DeadlineText = notice.Required, notice.Deadline, notice.DeadlineText
		f.Why = append([]string{}, notice.Reasons...)
	} else {
		f.Required, f.Deadline, f.DeadlineText = b.ob.NotifyRegulator, b.ob.RegulatorDeadline, b.ob.RegulatorDeadlineText
		f.Why = b.regulatorReasons()
		if form.ID == "EU-GDPR" && p.code == "" && !regulators.HasEUEstablishment(b.in.Organization.Establishment) {
			f.Why = append(f.Why, "The people were not counted per member state, so this draft is not split: file one report with the authority of each member state where affected people live, each with that state's count.")
		}
	}
	late := false
	if f.Deadline != nil {
		left := f.Deadline.Sub(b.now)
		f.TimeLeft = roundDur(left)
		f.Overdue = left < 0
		late = f.Overdue
		t := f.Deadline.UTC()
		f.Deadline = &t
	}
	if form.NoticeCopy {
		f.NoticeCopy = b.noticeCopy(p)
	}
	follow := -1
	for _, rf := range form.Fields {
		if rf.OnlyIfLate && !late {
			continue
		}
		for _, c := range strings.Split(rf.Citation, "; ") {
			if !slices.Contains(f.LegalBasis, c) {
				f.LegalBasis = append(f.LegalBasis, c)
			}
		}
		fl := Field{ID: rf.ID, Label: rf.Label, LabelEn: rf.LabelEn, Citation: rf.Citation, Phased: rf.Phased, Verified: rf.Verified}
		if rf.Fact == regulators.FactFollowUp {
			follow = len(f.Fields)
		} else {
			fl.Value, fl.Missing = b.fill(rf, &f, p)
		}
		if !fl.Verified {
			f.Unverified = append(f.Unverified, fl.ID)
		}
		f.Fields = append(f.Fields, fl)
	}
	// The follow-up field lists what is still missing, so it is filled last.
	if follow >= 0 {
		fl := &f.Fields[follow]
		fl.Value, fl.Missing = b.supplied(fl.ID, followUp(f.Fields))
	}
	for _, fl := range f.Fields {
		if fl.Missing != "" {
			f.Missing = append(f.Missing, fl.ID)
		}
	}
	return f, nil
}

// regulatorReasons are the obligation's reasons that bear on the
// regulator, or all of them when none stands out.
func (b *builder) regulatorReasons() []string {
	out := []string{}
	for _, r := range b.ob.Reasons {
		low := strings.ToLower(r)
		if strings.Contains(low, "regulator") || strings.Contains(low, "authority") || strings.Contains(low, "commission") ||
			strings.Contains(low, "attorney general") || strings.Contains(low, "secretary") || strings.Contains(low, "board") ||
			strings.Contains(low, "notif") || strings.Contains(low, "report") {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		out = append(out, b.ob.Reasons...)
	}
	return out
}

// followUp says what will follow: the phased fields still missing.
func followUp(fields []Field) string {
	var later []string
	for _, f := range fields {
		if f.Missing != "" && f.Phased {
			later = append(later, labelOf(f))
		}
	}
	if len(later) == 0 {
		return "Nothing further is expected beyond this report; any new information will be sent without undue delay."
	}
	return "Not yet known, to follow without undue further delay: " + strings.Join(later, "; ") + "."
}

// labelOf is a field's English label where it has one.
func labelOf(f Field) string {
	if f.LabelEn != "" {
		return f.LabelEn
	}
	return f.Label
}

// roundDur writes a duration to the minute, e.g. "47h0m".
func roundDur(d time.Duration) string {
	s := d.Round(time.Minute).String()
	return strings.TrimSuffix(s, "0s")
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
