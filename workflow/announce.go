package workflow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/store"
)

// AnnounceConfig turns on the public-notice part of the workflow.
type AnnounceConfig struct {
	// Service publishes versions of the public notice.
	Service *announce.Service
	// Secret keys the "am I affected?" address index (the notice key).
	Secret []byte
	// Auto publishes a required notice at once, without an approver
	// (campaign.auto_announce: demos and tests only).
	Auto bool
	// UnreachableThreshold makes a notice required once this many people
	// of a campaign are unreachable (0: only the law's rules).
	UnreachableThreshold int
	// PageURL is the public page of an incident's notice, for events.
	PageURL func(incidentID string) string
}

// announcer indexes affected addresses after each assessment and watches
// whether a public notice is owed: by the assessment, or once the
// campaign's unreachable count crosses the threshold. It says so with an
// announcement.due event and a log line until a version is published.
type announcer struct {
	cfg    AnnounceConfig
	store  store.Store
	inv    *inventory.Inventory
	events Publisher
	log    *logrus.Entry
	now    func() time.Time

	mu   sync.Mutex
	told map[string]bool // incidents whose due event this replica published
}

// indexAddresses builds the keyed index of the affected people's
// addresses that "am I affected?" looks up; no plaintext is stored.
func (an *announcer) indexAddresses(ctx context.Context, in *incident.Incident) error {
	x := &announce.AddressIndexer{Index: an.store, Secret: an.cfg.Secret, IncidentID: in.ID}
	err := assess.EachAffected(ctx, an.inv, in, func(p *assess.AffectedPerson) error {
		return x.Add(ctx, p.ID, p.Email, p.Phone, p.GuardianEmail, p.GuardianPhone)
	})
	if err == nil {
		err = x.Flush(ctx)
	}
	if err != nil {
		return fmt.Errorf("index the affected addresses of %s: %w", in.ID, err)
	}
	return nil
}

// check publishes the due event (and, with Auto, the notice) when a
// public notice is owed and none is published.
func (an *announcer) check(ctx context.Context, in *incident.Incident, a *assess.Assessment, unreachable int) error {
	due, reasons := announce.Due(a.PublicNotice, unreachable, an.cfg.UnreachableThreshold)
	if !due {
		return nil
	}
	n, err := announce.Load(ctx, an.store, in.ID)
	switch {
	case err == nil && !n.Withdrawn():
		return nil // published
	case err != nil && !errors.Is(err, announce.ErrNotFound):
		return err
	}
	an.mu.Lock()
	told := an.told[in.ID]
	an.told[in.ID] = true
	an.mu.Unlock()
	if !told {
		note := incident.AnnouncementNote{Kind: incident.EventAnnouncementDue, ID: in.ID, Since: an.now().UTC(),
			Unreachable: unreachable, Reasons: reasons}
		if err := an.events.Publish(ctx, note); err != nil {
			an.mu.Lock()
			delete(an.told, in.ID)
			an.mu.Unlock()
			return err
		}
		an.log.WithFields(logrus.Fields{"incident": in.ID, "unreachable": unreachable}).
			Warn("a public notice is required and not published: publish it (breach announce publish)")
	}
	if !an.cfg.Auto {
		return nil
	}
	v, err := an.cfg.Service.Apply(ctx, in, a, announce.Request{Kind: announce.KindPublish, Approver: "auto-announce (campaign.auto_announce)"})
	if err != nil {
		return fmt.Errorf("auto-announce %s: %w", in.ID, err)
	}
	if err := an.published(ctx, in.ID, v.Version); err != nil {
		return err
	}
	return PublicNoticePublished(ctx, an.store, v)
}

// published announces a new version of a public notice.
func (an *announcer) published(ctx context.Context, id string, version int) error {
	note := incident.AnnouncementNote{Kind: incident.EventAnnouncementPublished, ID: id, Version: version}
	if an.cfg.PageURL != nil {
		note.URL = an.cfg.PageURL(id)
	}
	return an.events.Publish(ctx, note)
}
