package announce

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/templates"
)

// placeholderCode stands in for the verification code when the notice
// templates render the announcement; the blocks that show it are dropped.
const placeholderCode = "PUBLI-CNOTE"

// Builder builds the content of an announcement from an incident and its
// assessment, through the gate and the templates of the notices: the text
// is refused for what a notice would be refused for (leaked data, requests
// for secrets, links other than the announcement page and the website),
// and it uses the notices' own words (category labels, default
// consequences and advice, dates, the statutory headings of California) in
// every language.
type Builder struct {
	// Templates renders the notices (the service's set, with its
	// overrides).
	Templates *templates.Set
	// Inventory gives the organisation, its contact and the labels of
	// declared categories.
	Inventory *inventory.Inventory
	// PageURL returns the public page of an incident's announcement (the
	// announcement URL of its notices).
	PageURL func(incidentID string) string
	// Locales are the languages built; templates.Locales when empty.
	Locales []string
	// Now dates the rendered text; time.Now when nil.
	Now func() time.Time
}

// Build returns the content of incident in's announcement. The assessment
// gives the categories involved and where people live (the California
// variant is built when any of them lives there).
func (b *Builder) Build(in *incident.Incident, a *assess.Assessment) (*Content, error) {
	if b.Templates == nil || b.Inventory == nil || b.PageURL == nil {
		return nil, errors.New("build announcement: templates, inventory and page URL are required")
	}
	if in == nil || a == nil {
		return nil, fmt.Errorf("build announcement: incident and assessment are required: %w", ErrInvalid)
	}
	if a.Incident != "" && a.Incident != in.ID {
		return nil, fmt.Errorf("build announcement %s: the assessment is of incident %s: %w", in.ID, a.Incident, ErrInvalid)
	}
	if err := compose.CheckFacts(in, b.Inventory.Organization); err != nil {
		return nil, fmt.Errorf("build announcement %s: %w", in.ID, err)
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	org := b.org(in)
	c := &Content{Reference: in.ID, Title: in.Title, Org: org, DiscoveredAt: in.DiscoveredAt.UTC()}
	for j := range a.Subjects.ByJurisdiction {
		c.Jurisdictions = append(c.Jurisdictions, j)
	}
	slices.Sort(c.Jurisdictions)
	variants := []string{VariantGeneral}
	if a.Subjects.ByJurisdiction[VariantCalifornia] > 0 {
		variants = append(variants, VariantCalifornia)
	}
	labels := map[string]string{}
	for _, cat := range b.Inventory.Categories {
		labels[cat.ID] = cat.Label
	}
	locales := b.Locales
	if len(locales) == 0 {
		locales = templates.Locales
	}
	page := b.PageURL(in.ID)
	for _, loc := range locales {
		for _, variant := range variants {
			n := templates.Notice{
				Locale: loc, Jurisdiction: variant,
				Org: templates.Org{Name: org.Name, Website: org.Website, ContactName: org.ContactName,
					ContactEmail: org.ContactEmail, ContactPhone: org.ContactPhone},
				Incident: templates.IncidentFacts{
					Reference: in.ID, Title: in.Title, Description: in.Description,
					OccurredAt: in.OccurredAt, OccurredUntil: in.OccurredUntil, DiscoveredAt: in.DiscoveredAt,
					Categories: a.Categories, Measures: in.Mitigation.Measures, Advice: in.Mitigation.Advice,
					Remedies: in.Mitigation.Remedies,
				},
				CategoryLabels:   labels,
				VerificationCode: placeholderCode,
				AnnouncementURL:  page,
				NoticeVersion:    1,
				Date:             now().UTC(),
			}
			r, err := b.Templates.Render(templates.ChannelEmail, n)
			if err != nil {
				return nil, fmt.Errorf("build announcement %s in %s: %w", in.ID, loc, err)
			}
			if r.Locale != loc {
				return nil, fmt.Errorf("build announcement %s: locale %q is not supported (supported: %s): %w", in.ID, loc, strings.Join(templates.Locales, ", "), ErrInvalid)
			}
			sections, err := sectionsOf(r.HTML, page)
			if err != nil {
				return nil, fmt.Errorf("build announcement %s in %s: %w", in.ID, loc, err)
			}
			c.Texts = append(c.Texts, Text{Locale: loc, Variant: variant, Sections: sections})
		}
	}
	return c, nil
}

// org is the organisation with the incident's own contact, as notices
// show it.
func (b *Builder) org(in *incident.Incident) Org {
	o := b.Inventory.Organization
	out := Org{Name: o.Name, Website: o.Website, ContactName: o.Contact.Name, ContactEmail: o.Contact.Email, ContactPhone: o.Contact.Phone}
	if ct := in.Contact; ct != nil {
		out.ContactName = orElse(ct.Name, out.ContactName)
		out.ContactEmail = orElse(ct.Email, out.ContactEmail)
		out.ContactPhone = orElse(ct.Phone, out.ContactPhone)
	}
	return out
}

func orElse(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
