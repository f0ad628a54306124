package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/compose"
	"github.com/breach-notify/breach/templates"
)

// sampleKey derives the verification code of the sample notice; the code
// is then replaced by SampleCode, so the key never matters.
var sampleKey = []byte("report-sample-copy-key-not-for-sending")

// SampleCode stands for the person's verification code in a sample copy.
const SampleCode = "XXXXX-XXXXX"

// stateLocale is the language of the notice sent to people of a member
// state, where the templates have it.
var stateLocale = map[string]string{"AT": "de", "DE": "de", "LI": "de", "FR": "fr", "LU": "fr", "BE": "fr", "ES": "es"}

// noticeLocale is the locale of the sample notice for a filing.
func noticeLocale(jurisdiction string, p place) string {
	if l, ok := stateLocale[p.code]; ok && strings.HasPrefix(jurisdiction, "EU-") {
		return l
	}
	if jurisdiction == "CN-PIPL" {
		return "zh-CN"
	}
	return "en"
}

// noticeCopy renders the e-mail notice a person of this jurisdiction gets,
// as the campaign composes it, with no name and a placeholder code. A
// failure is carried in the copy, and the field asking for it is missing.
func (b *builder) noticeCopy(p place) *NoticeCopy {
	locale := noticeLocale(b.ob.Jurisdiction, p)
	if c, ok := b.notices[locale]; ok {
		return c
	}
	if b.notices == nil {
		b.notices = map[string]*NoticeCopy{}
	}
	nc := &NoticeCopy{Channel: string(notify.ChannelEmail), Locale: locale}
	if err := b.renderNotice(nc); err != nil {
		nc.Error = err.Error()
	}
	b.notices[locale] = nc
	return nc
}

// renderNotice fills nc with the rendered sample notice.
func (b *builder) renderNotice(nc *NoticeCopy) error {
	set := b.in.Templates
	if set == nil {
		var err error
		if set, err = templates.Default(); err != nil {
			return fmt.Errorf("load templates: %w", err)
		}
		b.in.Templates = set
	}
	inv := &inventory.Inventory{Organization: b.in.Organization}
	if b.in.Inventory != nil {
		cp := *b.in.Inventory
		cp.Organization = b.in.Organization
		inv = &cp
	}
	announce := b.in.AnnouncementURL
	if announce == "" && b.in.Campaign != nil {
		announce = b.in.Campaign.PublicNoticeURL
	}
	now := b.now
	c, err := compose.New(compose.Config{Templates: set, Inventory: inv, Secret: sampleKey, AnnouncementURL: announce, Now: func() time.Time { return now }},
		compose.IncidentsFunc(func(context.Context, string, int) (*incident.Incident, error) { return b.in.Incident, nil }))
	if err != nil {
		return err
	}
	cats := b.in.Assessment.Categories
	if cnt := b.in.People.count(b.ob.Jurisdiction); cnt != nil && len(cnt.cats) > 0 {
		cats = cnt.Categories()
	}
	job := notify.NewJob(b.in.Incident.ID, b.in.Incident.Revision, 1, "sample", notify.Route{Channel: notify.ChannelEmail}, nil)
	job.Locale, job.Jurisdiction, job.Categories = nc.Locale, b.ob.Jurisdiction, cats
	n, err := c.Notice(context.Background(), &job)
	if err != nil {
		return err
	}
	n.VerificationCode = SampleCode
	r, err := set.Render(templates.ChannelEmail, n)
	if err != nil {
		return fmt.Errorf("render notice: %w", err)
	}
	nc.Subject, nc.Text = r.Subject, r.Text
	return nil
}
