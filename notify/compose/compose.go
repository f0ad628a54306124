// Package compose builds the exact notice one job sends: it fills a
// templates.Notice from the incident, the organisation and the job (the
// person's locale, jurisdiction, exposed categories, guardian route), adds
// the verification code, and renders it for the job's channel. The same
// code serves `breach notice render`, so a preview is what is sent.
package compose

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/verify"
	"github.com/breach-notify/breach/templates"
)

// Incidents reads an incident revision.
type Incidents interface {
	Incident(ctx context.Context, id string, revision int) (*incident.Incident, error)
}

// IncidentsFunc adapts a function to Incidents.
type IncidentsFunc func(ctx context.Context, id string, revision int) (*incident.Incident, error)

// Incident implements Incidents.
func (f IncidentsFunc) Incident(ctx context.Context, id string, revision int) (*incident.Incident, error) {
	return f(ctx, id, revision)
}

// Config is what every notice of an organisation shares.
type Config struct {
	Templates *templates.Set
	// Inventory gives the organisation, its contact and the labels of
	// declared categories.
	Inventory *inventory.Inventory
	// Secret derives verification codes.
	Secret []byte
	// AnnouncementURL is where the public announcement is published; when
	// empty, AnnouncementURLFor's page of the incident, else the
	// organisation's website.
	AnnouncementURL string
	// AnnouncementURLFor returns the public site's page of an incident's
	// announcement ("" when the site has no public address).
	AnnouncementURLFor func(incidentID string) string
	// OwnDomains are further domains of the organisation (host names or
	// URLs) that the incident's text may name, besides those of its
	// website, its contact e-mail address and the announcement page; see
	// Composer.CheckFacts.
	OwnDomains []string
	Now        func() time.Time
}

// Composer renders jobs into messages. It is safe for concurrent use and
// caches incident revisions.
type Composer struct {
	cfg       Config
	incidents Incidents
	labels    map[string]string
	mu        sync.Mutex
	cache     map[revisionKey]*incident.Incident
}

var _ notify.Renderer = (*Composer)(nil)

// New returns a Composer.
func New(cfg Config, incidents Incidents) (*Composer, error) {
	if cfg.Templates == nil || cfg.Inventory == nil {
		return nil, fmt.Errorf("compose: templates and inventory are required")
	}
	if len(cfg.Secret) < verify.MinSecretBytes {
		return nil, fmt.Errorf("compose: the notice key must be at least %d bytes", verify.MinSecretBytes)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	labels := map[string]string{}
	for _, c := range cfg.Inventory.Categories {
		labels[c.ID] = c.Label
	}
	return &Composer{cfg: cfg, incidents: incidents, labels: labels, cache: map[revisionKey]*incident.Incident{}}, nil
}

// revisionKey names one revision of one incident in the Composer's cache.
type revisionKey struct {
	id       string
	revision int
}

func (c *Composer) incident(ctx context.Context, id string, revision int) (*incident.Incident, error) {
	key := revisionKey{id, revision}
	c.mu.Lock()
	in, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return in, nil
	}
	in, err := c.incidents.Incident(ctx, id, revision)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.cache) > 256 {
		clear(c.cache)
	}
	c.cache[key] = in
	c.mu.Unlock()
	return in, nil
}

// Notice builds the template data of a job.
func (c *Composer) Notice(ctx context.Context, j *notify.Job) (templates.Notice, error) {
	in, err := c.incident(ctx, j.IncidentID, j.Revision)
	if err != nil {
		return templates.Notice{}, fmt.Errorf("compose notice %s: %w", j.Key, err)
	}
	return c.notice(in, j), nil
}

func (c *Composer) notice(in *incident.Incident, j *notify.Job) templates.Notice {
	org := c.cfg.Inventory.Organization
	o := templates.Org{Name: org.Name, Website: org.Website, ContactName: org.Contact.Name,
		ContactEmail: org.Contact.Email, ContactPhone: org.Contact.Phone}
	if ct := in.Contact; ct != nil {
		o.ContactName = orElse(ct.Name, o.ContactName)
		o.ContactEmail = orElse(ct.Email, o.ContactEmail)
		o.ContactPhone = orElse(ct.Phone, o.ContactPhone)
	}
	r := templates.Recipient{Name: j.Route.ToName}
	if j.Route.Channel == notify.ChannelLetter {
		r.Name, r.PostalAddress = orElse(j.Route.ToName, j.PostalName), j.Route.To
	}
	if j.Route.Guardian {
		r.ChildName, r.Name = j.PostalName, ""
	}
	text := Text(in, j.Locale)
	announce := c.cfg.AnnouncementURL
	if announce == "" && c.cfg.AnnouncementURLFor != nil {
		announce = c.cfg.AnnouncementURLFor(j.IncidentID)
	}
	if announce == "" {
		announce = strings.TrimSuffix(org.Website, "/")
	}
	return templates.Notice{
		Locale:       j.Locale,
		Jurisdiction: j.Jurisdiction,
		Guardian:     j.Route.Guardian,
		Recipient:    r,
		Org:          o,
		Incident: templates.IncidentFacts{
			Reference: in.ID, Title: text.Title, Description: text.Description,
			OccurredAt: in.OccurredAt, OccurredUntil: in.OccurredUntil, DiscoveredAt: in.DiscoveredAt,
			Categories: j.Categories, Measures: text.Measures, Advice: text.Advice, Remedies: in.Mitigation.Remedies,
		},
		CategoryLabels:   c.labels,
		VerificationCode: verify.Code(c.cfg.Secret, j.Key),
		AnnouncementURL:  announce,
		NoticeVersion:    notify.DisplayVersion(j.Version),
		Changes:          j.Changes,
		Date:             c.cfg.Now().UTC(),
	}
}

// Render implements notify.Renderer.
func (c *Composer) Render(ctx context.Context, j *notify.Job) (*notify.Message, notify.Rendering, error) {
	n, out, err := c.render(ctx, j, c.cfg.Templates.Render)
	if err != nil {
		return nil, notify.Rendering{}, err
	}
	channel := j.Route.Channel
	m := &notify.Message{Key: j.Key, IncidentID: j.IncidentID, SubjectID: j.SubjectID, Channel: channel,
		To: j.Route.To, ToName: n.Recipient.Name, Locale: out.Locale,
		Subject: out.Subject, Text: out.Text, HTML: out.HTML, VerificationCode: n.VerificationCode}
	return m, notify.Rendering{TemplateVersion: out.TemplateVersion, ContentHash: out.ContentHash}, nil
}

// Fingerprint makes Render's checks of j and returns its template
// version and content hash without the message (notify.Fingerprinter):
// the planner records them for every notice it plans.
func (c *Composer) Fingerprint(ctx context.Context, j *notify.Job) (notify.Rendering, error) {
	_, out, err := c.render(ctx, j, c.cfg.Templates.Fingerprint)
	if err != nil {
		return notify.Rendering{}, err
	}
	return notify.Rendering{TemplateVersion: out.TemplateVersion, ContentHash: out.ContentHash}, nil
}

// render builds j's notice and renders it with fn (the template set's
// Render or Fingerprint).
func (c *Composer) render(ctx context.Context, j *notify.Job, fn func(string, templates.Notice) (templates.Rendered, error)) (templates.Notice, templates.Rendered, error) {
	n, err := c.Notice(ctx, j)
	if err != nil {
		return n, templates.Rendered{}, err
	}
	if j.Route.Channel == notify.ChannelNone {
		return n, templates.Rendered{}, fmt.Errorf("compose notice %s: no channel", j.Key)
	}
	out, err := fn(string(j.Route.Channel), n)
	if err != nil {
		return n, out, fmt.Errorf("compose notice %s: %w", j.Key, err)
	}
	return n, out, nil
}

// Text returns the incident's text a notice in locale carries: the
// incident's translation for the locale where it has one (each part it
// leaves empty taken from the incident's own text), else its own text.
func Text(in *incident.Incident, locale string) incident.Translation {
	own := incident.Translation{Title: in.Title, Description: in.Description, Measures: in.Mitigation.Measures, Advice: in.Mitigation.Advice}
	tr, ok := in.Text(locale)
	if !ok {
		return own
	}
	tr.Title, tr.Description = orElse(tr.Title, own.Title), orElse(tr.Description, own.Description)
	if len(tr.Measures) == 0 {
		tr.Measures = own.Measures
	}
	if len(tr.Advice) == 0 {
		tr.Advice = own.Advice
	}
	return tr
}

func orElse(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// Recipient fills r with what the planner needs of an affected person,
// reusing r's device slice.
func Recipient(r *notify.Recipient, p *assess.AffectedPerson) {
	s := p.Subject
	*r = notify.Recipient{ID: s.ID, Name: s.Name, Email: s.Email, Phone: s.Phone, PostalAddress: s.PostalAddress,
		Locale: s.Locale, Jurisdiction: p.Jurisdiction, Minor: s.Minor, GuardianEmail: s.GuardianEmail,
		GuardianPhone: s.GuardianPhone, Categories: p.Categories, Devices: r.Devices[:0]}
	for _, d := range s.Devices {
		tok := d.Token
		if tok == "" && len(d.Subscription) > 0 {
			tok = string(d.Subscription)
		}
		r.Devices = append(r.Devices, notify.Device{Platform: d.Platform, Token: tok})
	}
}
