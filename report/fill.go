package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
)

// timeFormat is how drafts write times.
const timeFormat = "2006-01-02 15:04 UTC"

// fill fills one field from what breach knows, returning the value or what
// to provide when it knows nothing.
func (b *builder) fill(rf regulators.ReportField, f *Filing, p place) (value, missing string) {
	if v, m := b.supplied(rf.ID, ""); v != "" {
		return v, m
	}
	in, ob := b.in.Incident, b.ob
	need := func(v, what string) (string, string) {
		if strings.TrimSpace(v) == "" {
			return "", what
		}
		return v, ""
	}
	switch rf.Fact {
	case regulators.FactOrganisation:
		o := b.in.Organization
		v := o.Name
		if o.Website != "" {
			v += " (" + o.Website + ")"
		}
		if o.Establishment != "" {
			v += "; main establishment: " + o.Establishment
		}
		if strings.TrimSpace(o.Name) == "" {
			return "", rf.Provide + " (inventory organization.name is empty)"
		}
		return v, ""
	case regulators.FactContact:
		return need(b.contact(), rf.Provide+" (neither the incident nor the inventory gives a contact e-mail or phone)")
	case regulators.FactNature:
		v := in.Title
		if in.Description != "" {
			v += "\n" + in.Description
		}
		return v + "\n" + b.effects(), ""
	case regulators.FactCause:
		return b.effects(), ""
	case regulators.FactOccurred:
		return need(b.occurred(), rf.Provide+" (the incident has no occurred_at)")
	case regulators.FactDiscovered:
		return in.DiscoveredAt.UTC().Format(timeFormat), ""
	case regulators.FactCategories:
		return need(b.categories(p), rf.Provide)
	case regulators.FactSubjects:
		return b.subjects(f, p), ""
	case regulators.FactRecords:
		if c := b.peopleOf(p); c != nil {
			return fmt.Sprintf("About %d records (person x system) of these people.", c.Records), ""
		}
		return fmt.Sprintf("About %d records (person x system) across all jurisdictions of this incident.", b.in.Assessment.Records), ""
	case regulators.FactConsequences:
		if len(ob.RiskReasons) == 0 {
			return "", rf.Provide
		}
		return fmt.Sprintf("Risk to the people concerned: %s.\n%s", orText(string(ob.Risk), "not assessed"), bullets(ob.RiskReasons)), ""
	case regulators.FactMeasures:
		return need(bullets(in.Mitigation.Measures), rf.Provide+" (the incident lists no mitigation.measures)")
	case regulators.FactAdvice:
		return need(bullets(in.Mitigation.Advice), rf.Provide+" (the incident lists no mitigation.advice)")
	case regulators.FactRemedies:
		return need(bullets(in.Mitigation.Remedies), rf.Provide+" (the incident lists no mitigation.remedies)")
	case regulators.FactContainment:
		v := fmt.Sprintf("Contained: %s. Data recovered: %s.", yesNo(in.Mitigation.Contained), yesNo(in.Mitigation.DataRecovered))
		if len(in.Mitigation.Measures) > 0 {
			v += "\n" + bullets(in.Mitigation.Measures)
		}
		return v, ""
	case regulators.FactRisk:
		s := b.in.Assessment.Severity
		return fmt.Sprintf("Cause: %s. Risk for these people: %s. ENISA 2013 severity of the incident: %s (score %.2f).",
			in.Cause, orText(string(ob.Risk), "not assessed"), strings.ReplaceAll(s.Level, "_", " "), s.Score), ""
	case regulators.FactSystems:
		return need(b.systems(), rf.Provide)
	case regulators.FactIndividuals:
		return b.individuals(rf)
	case regulators.FactPublicNotice:
		return b.publicNotice(rf)
	case regulators.FactNoticeCopy:
		if f.NoticeCopy != nil && f.NoticeCopy.Error == "" {
			return "A sample copy of the notice, without personal data, follows this report.", ""
		}
		why := "the notice could not be rendered"
		if f.NoticeCopy != nil {
			why += ": " + f.NoticeCopy.Error
		}
		return "", rf.Provide + " (" + why + ")"
	case regulators.FactDelay:
		return "", rf.Provide + " (the deadline has passed: the law requires the reasons)"
	}
	return "", rf.Provide
}

// supplied returns a value a person provided for field id, else def.
func (b *builder) supplied(id, def string) (value, missing string) {
	if v := strings.TrimSpace(b.in.Supplied[id]); v != "" {
		return v, ""
	}
	return def, ""
}

// contact is the incident's contact, completed by the organisation's.
func (b *builder) contact() string {
	c := b.in.Organization.Contact
	name, email, phone := c.Name, c.Email, c.Phone
	if ic := b.in.Incident.Contact; ic != nil {
		name, email, phone = orText(ic.Name, name), orText(ic.Email, email), orText(ic.Phone, phone)
	}
	if email == "" && phone == "" {
		return ""
	}
	var parts []string
	for _, s := range []string{name, email, phone} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// effects describes the cause and the effects on the data.
func (b *builder) effects() string {
	a := b.in.Assessment
	e := a.Effects
	mal := "not malicious"
	if e.Malicious {
		mal = "malicious"
	}
	v := fmt.Sprintf("Cause: %s (%s). Confidentiality: %s; integrity: %s; availability: %s.",
		strings.ReplaceAll(a.Cause, "_", " "), mal, words(e.Confidentiality), words(e.Integrity), words(e.Availability))
	if e.OutageHours > 0 {
		v += fmt.Sprintf(" Outage: %g hours.", e.OutageHours)
	}
	return v
}

// occurred writes when the breach happened and when it was discovered.
func (b *builder) occurred() string {
	in := b.in.Incident
	if in.OccurredAt == nil {
		return ""
	}
	v := "From " + in.OccurredAt.UTC().Format(timeFormat)
	if in.OccurredUntil != nil {
		v += " to " + in.OccurredUntil.UTC().Format(timeFormat)
	}
	return v + "; discovered " + in.DiscoveredAt.UTC().Format(timeFormat) + "."
}

// peopleOf returns the counts of a filing's people: the place's when the
// report is split, else the jurisdiction's; nil when not counted.
func (b *builder) peopleOf(p place) *Count {
	if p.count != nil {
		return p.count
	}
	return b.in.People.count(b.ob.Jurisdiction)
}

// categories lists the categories exposed for this jurisdiction's people
// (all of the incident's when not counted per jurisdiction), with labels.
func (b *builder) categories(p place) string {
	ids := b.in.Assessment.Categories
	if c := b.peopleOf(p); c != nil && len(c.cats) > 0 {
		ids = c.Categories()
	}
	if len(ids) == 0 {
		return ""
	}
	labels := make([]string, len(ids))
	for i, id := range ids {
		labels[i] = b.label(id)
	}
	v := strings.Join(labels, ", ") + "."
	if enc := b.in.Assessment.UnintelligibleCategories; len(enc) > 0 {
		v += " Exposed only in encrypted form with an uncompromised key: " + strings.Join(enc, ", ") + "."
	}
	return v
}

// label is a category's label with its id, e.g. "e-mail address (email)".
func (b *builder) label(id string) string {
	if b.in.Inventory != nil {
		if c, ok := b.in.Inventory.Category(id); ok && c.Label != "" && c.Label != id {
			return c.Label + " (" + id + ")"
		}
	}
	return id
}

// subjects counts the people this filing reports.
func (b *builder) subjects(f *Filing, p place) string {
	ob, a := b.ob, b.in.Assessment
	c := b.peopleOf(p)
	var v string
	switch {
	case p.code != "" && strings.HasPrefix(f.ID, "EU-GDPR"):
		v = fmt.Sprintf("%s living in %s (of %d under %s, %d in all jurisdictions).", people(p.subjects), p.code, ob.Subjects, ob.Jurisdiction, a.Subjects.Total)
	case p.code != "":
		v = fmt.Sprintf("%s residing in %s (of %d under %s).", people(p.subjects), p.code, ob.Subjects, ob.Jurisdiction)
	default:
		v = fmt.Sprintf("%s under %s (%d in all jurisdictions).", people(ob.Subjects), ob.Jurisdiction, a.Subjects.Total)
	}
	if c != nil && c.Minors > 0 {
		v += fmt.Sprintf(" Of them %d are minors (children).", c.Minors)
	}
	if c != nil && len(c.Regions) > 1 && p.code == "" {
		var parts []string
		for _, s := range sortedKeys(c.Regions) {
			parts = append(parts, fmt.Sprintf("%s %d", s, c.Regions[s].Subjects))
		}
		v += " By State: " + strings.Join(parts, ", ") + "."
	}
	if names := b.systemNames(); names != "" {
		v += " They are the people whose records are held in " + names + "."
	}
	return v
}

// systemNames lists the affected systems that held anyone's data, by name.
func (b *builder) systemNames() string {
	var names []string
	for _, id := range sortedKeys(b.in.Assessment.Systems) {
		if b.in.Assessment.Systems[id] > 0 {
			names = append(names, b.systemName(id))
		}
	}
	return strings.Join(names, ", ")
}

// systemName is a system's name from the inventory with its id.
func (b *builder) systemName(id string) string {
	if b.in.Inventory != nil {
		if i := slices.IndexFunc(b.in.Inventory.Systems, func(s inventory.System) bool { return s.ID == id }); i >= 0 && b.in.Inventory.Systems[i].Name != "" {
			return b.in.Inventory.Systems[i].Name + " (" + id + ")"
		}
	}
	return id
}

// systems lists the affected systems that held these people's data.
func (b *builder) systems() string {
	var parts []string
	for _, id := range sortedKeys(b.in.Assessment.Systems) {
		if n := b.in.Assessment.Systems[id]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s affected", b.systemName(id), people(n)))
		}
	}
	org := b.in.Organization.Name
	if org != "" && len(parts) > 0 {
		return org + ". " + strings.Join(parts, "; ") + "."
	}
	return strings.Join(parts, "; ")
}

// individuals reports the notice to the people from the campaign's
// figures.
func (b *builder) individuals(rf regulators.ReportField) (string, string) {
	ob, c := b.ob, b.in.Campaign
	if !ob.NotifyIndividuals && c == nil {
		v := "Individual notice is not required by this law on the assessed facts."
		if ob.SafeHarbour != "" {
			v += " Exemption: " + ob.SafeHarbour + "."
		}
		return v, ""
	}
	if c == nil {
		due := orText(ob.IndividualDeadlineText, "see the law")
		if ob.IndividualDeadline != nil {
			due = ob.IndividualDeadline.UTC().Format(timeFormat) + " (" + due + ")"
		}
		return "", rf.Provide + " (no campaign figures yet: individual notice is due " + due + ")"
	}
	var parts []string
	total := 0
	for _, ch := range sortedKeys(c.Told) {
		parts = append(parts, fmt.Sprintf("%s %d", ch, c.Told[ch]))
		total += c.Told[ch]
	}
	v := fmt.Sprintf("%s told individually", people(total))
	if len(parts) > 0 {
		v += " (" + strings.Join(parts, ", ") + ")"
	}
	v += "."
	if c.FirstSent != nil {
		v += " Notices sent from " + c.FirstSent.UTC().Format(timeFormat)
		if c.LastSent != nil {
			v += " to " + c.LastSent.UTC().Format(timeFormat)
		}
		v += "."
	}
	v += fmt.Sprintf(" Not reachable individually: %d. Not yet told: %d.", c.Unreachable, c.Pending)
	if c.Complete {
		v += " The campaign is complete."
	} else {
		v += " The campaign is still running."
	}
	if c.PublicNoticeURL != "" {
		v += " Public notice: " + c.PublicNoticeURL
	}
	return v, ""
}

// publicNotice reports the public (substitute) notice.
func (b *builder) publicNotice(rf regulators.ReportField) (string, string) {
	ob := b.ob
	required := ob.PublicNotice || slices.Contains(b.in.Assessment.PublicNotice.Jurisdictions, ob.Jurisdiction) && b.in.Assessment.PublicNotice.Required
	url := ""
	if b.in.Campaign != nil {
		url = b.in.Campaign.PublicNoticeURL
	}
	switch {
	case url != "":
		return "Published at " + url + ".", ""
	case required:
		return "", rf.Provide + " (a public notice is required: give its address once published)"
	}
	return "No public announcement is required on the assessed facts; none has been made.", ""
}

// bullets writes items one per line.
func bullets(items []string) string {
	var lines []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, "- "+s)
		}
	}
	return strings.Join(lines, "\n")
}

// people writes "1 person" or "n people".
func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// words turns an effect value into words ("unknown_recipients" →
// "unknown recipients"); empty is "none".
func words(s string) string {
	if s == "" {
		return "none"
	}
	return strings.ReplaceAll(s, "_", " ")
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// orText returns s, or def when s is blank.
func orText(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
