package push

import (
	"context"
	"errors"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push/apns"
	"github.com/breach-notify/breach/notify/push/fcm"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/notify/push/webpush"
)

// Config configures the push channel: the section channels.push. A
// platform is configured when any of its keys is set; the push channel is
// configured when any platform is (Enabled).
//
//	channels:
//	  push:
//	    notice_url: "https://status.example.org/notices/{reference}"
//	    webpush: { vapid_public_key: "<base64url>", vapid_private_key_file: F, subject: "mailto:…" }
//	    fcm:     { credentials_file: F, project_id: P, base_url: "" }
//	    apns:    { key_file: F, key_id: K, team_id: T, topic: T, production: false, base_url: "" }
type Config struct {
	// NoticeURL is the link every push carries, with "{reference}" for the
	// notice reference, e.g. the public site's
	// "<public.base_url>/notices/{reference}"; optional.
	NoticeURL string         `yaml:"notice_url"`
	WebPush   webpush.Config `yaml:"webpush"`
	FCM       fcm.Config     `yaml:"fcm"`
	APNs      apns.Config    `yaml:"apns"`
	// Organization names the sender in the generic title used when a
	// message has no rendered push text (the inventory's
	// organization.name); optional.
	Organization string `yaml:"-"`
	// OnDeviceGone, when set, is called after a push whose failure
	// ShouldDeactivate matches, with the message (m.SubjectID and m.To
	// name the person and the device), before Notify returns the failure:
	// the place to mark the device inactive for later campaigns. Its error
	// is logged, so it must not quote m.To or the token; the delivery
	// failure is returned either way.
	OnDeviceGone func(ctx context.Context, m *notify.Message, cause error) error `yaml:"-"`
}

// Enabled reports whether any platform is configured.
func (c Config) Enabled() bool {
	return c.WebPush.Enabled() || c.FCM.Enabled() || c.APNs.Enabled()
}

// Validate checks the configured platforms without reading key files;
// each error names its key (channels.push.fcm.project_id: is required).
func (c Config) Validate() error {
	if !c.Enabled() {
		return errors.New("channels.push: no platform configured (set webpush, fcm or apns)")
	}
	// The link is checked here once; each sender checks the rest.
	errs := []error{c.content().Validate("channels.push.notice_url")}
	if c.WebPush.Enabled() {
		errs = append(errs, c.WebPush.Validate())
	}
	if c.FCM.Enabled() {
		errs = append(errs, c.FCM.Validate())
	}
	if c.APNs.Enabled() {
		errs = append(errs, c.APNs.Validate())
	}
	return errors.Join(errs...)
}

func (c Config) content() pushmsg.Content {
	return pushmsg.Content{NoticeURL: c.NoticeURL, Organization: c.Organization}
}
