package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/sirupsen/logrus"
	tclient "github.com/twilio/twilio-go/client"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
)

// SignatureHeader is the header carrying Twilio's request signature.
const SignatureHeader = "X-Twilio-Signature"

// maxCallbackBody bounds a status callback body; Twilio's are about 1 KB.
const maxCallbackBody = 64 << 10

// DeliveryStatus is what a Twilio status callback means for the ledger.
type DeliveryStatus string

// The delivery statuses a callback maps to.
const (
	// StatusDelivered: the SMS reached the handset (delivered, read) or
	// the call was answered and ran to its end (completed).
	StatusDelivered DeliveryStatus = "delivered"
	// StatusFailedPermanent: this attempt will not reach the person
	// (SMS failed, undelivered or canceled; call busy, no-answer, failed
	// or canceled); the person's next route should be tried.
	StatusFailedPermanent DeliveryStatus = "failed-permanent"
	// StatusInProgress: Twilio is still working on it (queued, sending,
	// sent to the carrier, ringing, in progress…).
	StatusInProgress DeliveryStatus = "in-progress"
)

// StatusUpdate is one status callback, reduced to what the ledger needs.
// It carries no phone number.
type StatusUpdate struct {
	// ProviderID is the MessageSid ("SM…"/"MM…") or CallSid ("CA…"), the
	// provider id Notify returned.
	ProviderID string
	// Channel is notify.ChannelSMS or notify.ChannelVoice.
	Channel notify.Channel
	// Status is the mapped status.
	Status DeliveryStatus
	// ProviderStatus is Twilio's own word (MessageStatus or CallStatus).
	ProviderStatus string
	// ErrorCode is Twilio's ErrorCode, e.g. "30003", when it sent one.
	ErrorCode string
}

// StatusSink receives the status updates of valid callbacks; the delivery
// ledger implements it. An error answers Twilio 500.
type StatusSink interface {
	Status(ctx context.Context, u StatusUpdate) error
}

// messageStatuses and callStatuses map Twilio's words to DeliveryStatus.
var (
	messageStatuses = map[string]DeliveryStatus{
		"delivered": StatusDelivered, "read": StatusDelivered,
		"failed": StatusFailedPermanent, "undelivered": StatusFailedPermanent, "canceled": StatusFailedPermanent,
		"accepted": StatusInProgress, "scheduled": StatusInProgress, "queued": StatusInProgress,
		"sending": StatusInProgress, "sent": StatusInProgress, "partially_delivered": StatusInProgress,
	}
	callStatuses = map[string]DeliveryStatus{
		"completed": StatusDelivered,
		"busy":      StatusFailedPermanent, "no-answer": StatusFailedPermanent, "failed": StatusFailedPermanent,
		"canceled": StatusFailedPermanent,
		"queued":   StatusInProgress, "initiated": StatusInProgress, "ringing": StatusInProgress,
		"in-progress": StatusInProgress,
	}
)

// ValidateSignature reports whether signature (the X-Twilio-Signature
// header) is Twilio's signature of a POST to fullURL with form as body,
// by Twilio's published algorithm: the base64 HMAC-SHA1, keyed with the
// auth token, of the URL followed by each parameter's name and value in
// name order, compared in constant time (twilio-go's
// client.RequestValidator, which also accepts the URL with or without its
// default port). A form that repeats a parameter is refused: the
// validator signs one value per name.
func ValidateSignature(authToken, fullURL string, form url.Values, signature string) bool {
	if authToken == "" {
		return false
	}
	return validate(tclient.NewRequestValidator(authToken), fullURL, form, signature)
}

// validate checks signature with v; see ValidateSignature.
func validate(v tclient.RequestValidator, fullURL string, form url.Values, signature string) bool {
	if signature == "" {
		return false
	}
	params := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) != 1 {
			return false
		}
		params[k] = vs[0]
	}
	return v.Validate(fullURL, params, signature)
}

// StatusHandler is the endpoint Twilio posts message and call status
// callbacks to (POST /webhooks/twilio/status). It needs no bearer token:
// each request must carry a valid X-Twilio-Signature for the configured
// public URL, or it is refused with 403 and reaches no sink.
type StatusHandler struct {
	validator tclient.RequestValidator
	public    *url.URL
	sink      StatusSink
	log       *logrus.Entry
}

var _ http.Handler = (*StatusHandler)(nil)

// NewStatusHandler returns the status callback handler. publicURL is the
// absolute URL Twilio is given as StatusCallback (as seen from the
// internet, in front of any proxy): the signature covers it, so it must
// match byte for byte. A nil log discards. Errors never carry the token.
func NewStatusHandler(authToken, publicURL string, sink StatusSink, log *logrus.Entry) (*StatusHandler, error) {
	var errs []error
	if strings.TrimSpace(authToken) == "" {
		errs = append(errs, errors.New("twilio status callback: the auth token is required"))
	}
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		errs = append(errs, errors.New("twilio status callback: the public url must be an absolute http or https url without credentials"))
	}
	if sink == nil {
		errs = append(errs, errors.New("twilio status callback: a status sink is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if log == nil {
		log = logging.Discard()
	}
	return &StatusHandler{validator: tclient.NewRequestValidator(authToken), public: u, sink: sink,
		log: log.WithField("component", "twilio-status")}, nil
}

// ServeHTTP checks the signature, then passes the update to the sink:
// 200 when recorded or ignored (an unknown status), 400 for a signed
// callback without a SID or status, 403 for a missing or wrong
// signature, 405 for anything but POST, 413 for a body over 64 KiB, 500
// when the sink fails.
func (h *StatusHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	form, err := url.ParseQuery(string(body))
	sig := r.Header.Get(SignatureHeader)
	if err != nil || !validate(h.validator, h.fullURL(r), form, sig) {
		h.log.WithField("signature_present", sig != "").Warn("twilio status callback refused: missing or invalid signature")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	u, ok, err := parseStatus(form)
	if err != nil {
		h.log.WithError(err).Warn("twilio status callback refused")
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	log := h.log.WithFields(logrus.Fields{"twilio_sid": u.ProviderID, "twilio_status": u.ProviderStatus,
		"channel": string(u.Channel)})
	if u.ErrorCode != "" {
		log = log.WithField("twilio_code", u.ErrorCode)
	}
	if !ok {
		log.Warn("twilio status callback with an unknown status ignored")
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := h.sink.Status(r.Context(), u); err != nil {
		log.WithError(err).Error("twilio status callback not recorded")
		http.Error(w, "not recorded", http.StatusInternalServerError)
		return
	}
	log.Debug("twilio status recorded")
	w.WriteHeader(http.StatusOK)
}

// fullURL is the public URL with the query string of the request (a
// StatusCallback may carry one, and Twilio signs it).
func (h *StatusHandler) fullURL(r *http.Request) string {
	u := *h.public
	if r.URL.RawQuery != "" {
		u.RawQuery = r.URL.RawQuery
	}
	return u.String()
}

// parseStatus reads a callback form. ok is false for a status this
// package does not know (the update is then not for the sink).
func parseStatus(form url.Values) (u StatusUpdate, ok bool, err error) {
	u.ErrorCode = strings.TrimSpace(form.Get("ErrorCode"))
	table := messageStatuses
	switch {
	case form.Get("MessageSid") != "" || form.Get("SmsSid") != "":
		u.Channel, u.ProviderID = notify.ChannelSMS, form.Get("MessageSid")
		if u.ProviderID == "" {
			u.ProviderID = form.Get("SmsSid")
		}
		u.ProviderStatus = form.Get("MessageStatus")
		if u.ProviderStatus == "" {
			u.ProviderStatus = form.Get("SmsStatus")
		}
	case form.Get("CallSid") != "":
		u.Channel, u.ProviderID, u.ProviderStatus = notify.ChannelVoice, form.Get("CallSid"), form.Get("CallStatus")
		table = callStatuses
	default:
		return u, false, errors.New("callback has no MessageSid or CallSid")
	}
	if u.ProviderStatus == "" {
		return u, false, fmt.Errorf("callback for %s has no status", u.ProviderID)
	}
	u.Status, ok = table[u.ProviderStatus]
	return u, ok, nil
}
