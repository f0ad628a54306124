package queue

import (
	"context"
	"net/http"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/sms"
)

// StatusSink feeds Twilio's status callbacks (SMS and voice) to the
// ledger through a notify.StatusRecorder: delivered → delivered, failed
// for good → the person's next route.
type StatusSink struct {
	Recorder *notify.StatusRecorder
}

var _ sms.StatusSink = StatusSink{}

// Status implements sms.StatusSink.
func (s StatusSink) Status(ctx context.Context, u sms.StatusUpdate) error {
	switch u.Status {
	case sms.StatusDelivered:
		return s.Recorder.Delivered(ctx, u.Channel, u.ProviderID)
	case sms.StatusFailedPermanent:
		reason := u.ProviderStatus
		if u.ErrorCode != "" {
			reason += " " + u.ErrorCode
		}
		return s.Recorder.Failed(ctx, u.Channel, u.ProviderID, reason)
	}
	return nil
}

// NewTwilioStatusHandler returns the handler to mount at POST
// /webhooks/twilio/status (no bearer token: every request must carry
// Twilio's signature for publicURL, made with authToken). Its updates go
// to the ledger through r.
func NewTwilioStatusHandler(authToken, publicURL string, r *notify.StatusRecorder, log *logrus.Entry) (http.Handler, error) {
	return sms.NewStatusHandler(authToken, publicURL, StatusSink{Recorder: r}, log)
}
