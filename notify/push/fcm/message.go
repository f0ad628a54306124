package fcm

import (
	"strconv"
	"strings"

	"github.com/breach-notify/breach/notify/push/pushmsg"
)

// sendRequest is the body of messages:send.
type sendRequest struct {
	Message message `json:"message"`
}

// message is the FCM v1 Message resource, with the fields a notice uses.
type message struct {
	Token        string            `json:"token"`
	Notification notification      `json:"notification"`
	Data         map[string]string `json:"data,omitempty"`
	Android      android           `json:"android"`
	APNS         headersOnly       `json:"apns"`
	Webpush      webpushConfig     `json:"webpush"`
}

type notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

type android struct {
	Priority    string `json:"priority"`
	TTL         string `json:"ttl"`
	CollapseKey string `json:"collapse_key,omitempty"`
}

type headersOnly struct {
	Headers map[string]string `json:"headers"`
}

type webpushConfig struct {
	Headers    map[string]string `json:"headers"`
	FCMOptions *webpushOptions   `json:"fcm_options,omitempty"`
}

type webpushOptions struct {
	Link string `json:"link"`
}

// message maps payload p to an FCM message for token, with the TTL and
// priority set for every platform FCM relays to.
func (n *Notifier) message(token string, p pushmsg.Payload) message {
	m := message{
		Token:        token,
		Notification: notification{Title: p.Title, Body: p.Body},
		Data:         p.Data(),
		Android:      android{Priority: "HIGH", TTL: durationJSON(n.cfg.TTL), CollapseKey: p.Collapse},
		APNS: headersOnly{Headers: map[string]string{
			"apns-priority":    "10",
			"apns-expiration":  strconv.FormatInt(n.cfg.Now().Add(n.cfg.TTL).Unix(), 10),
			"apns-collapse-id": p.Collapse,
		}},
		Webpush: webpushConfig{Headers: map[string]string{
			"TTL":     strconv.FormatInt(int64(n.cfg.TTL.Seconds()), 10),
			"Urgency": "high",
			"Topic":   p.Collapse,
		}},
	}
	// FCM accepts only an https link for web push.
	if strings.HasPrefix(p.URL, "https://") {
		m.Webpush.FCMOptions = &webpushOptions{Link: p.URL}
	}
	return m
}
