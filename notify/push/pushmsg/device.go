// Package pushmsg is what the three push senders (notify/push/webpush,
// notify/push/fcm, notify/push/apns) share: the device address carried in
// notify.Message.To, the one payload builder (a generic alert, the notice
// reference and a link: no personal data, no breach details), the
// sentinel errors the engine matches (ErrDeviceGone), the Retry-After
// helpers and the log-once alerts for configuration problems.
//
// It exists beside notify/push, not in it, because notify/push imports the
// senders and the senders need these parts.
package pushmsg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Platforms a Device may name; they match the subject directory's
// devices[].platform.
const (
	PlatformWebPush = "webpush"
	PlatformAPNs    = "apns"
	PlatformFCM     = "fcm"
)

// MaxAddressBytes bounds the device address Parse accepts: a Web Push
// subscription is a few hundred bytes, a token at most 4096.
const MaxAddressBytes = 16 << 10

// Device is one push endpoint of a person, as notify.Message.To carries
// it. Its JSON form is the subject directory's devices[] entry:
//
//	{"platform":"apns","token":"<hex device token>"}
//	{"platform":"fcm","token":"<FCM registration token>"}
//	{"platform":"webpush","subscription":{"endpoint":"https://…","keys":{"p256dh":"…","auth":"…"}}}
//
// where subscription is the browser's PushSubscription JSON.
type Device struct {
	Platform     string          `json:"platform"`
	Token        string          `json:"token,omitempty"`
	Subscription json.RawMessage `json:"subscription,omitempty"`
}

// ErrInvalidDevice means the device address cannot be used (malformed,
// unknown platform, a subscription without keys): retrying cannot help and
// the device can be deactivated like a gone one.
var ErrInvalidDevice = errors.New("invalid push device")

// Address returns the canonical form of d for notify.Message.To: the JSON
// of the directory's devices[] entry.
func (d Device) Address() string {
	b, err := json.Marshal(d)
	if err != nil {
		// Only an invalid Subscription (not JSON) fails; keep the token
		// form, which Parse reads back.
		return d.Platform + ":" + d.Token
	}
	return string(b)
}

// Parse reads a device address from notify.Message.To. It accepts the
// JSON object of Device (the canonical form), and the short form
// "<platform>:<token>" the campaign planner writes today, where a Web Push
// token is the subscription JSON ("webpush:{…}"). Errors wrap
// ErrInvalidDevice and never quote the address.
func Parse(to string) (Device, error) {
	to = strings.TrimSpace(to)
	if to == "" {
		return Device{}, fmt.Errorf("%w: empty address", ErrInvalidDevice)
	}
	if len(to) > MaxAddressBytes {
		return Device{}, fmt.Errorf("%w: address longer than %d bytes", ErrInvalidDevice, MaxAddressBytes)
	}
	var d Device
	if to[0] == '{' {
		// Unknown fields are ignored: the directory may add some (an app
		// id, a last-seen time) and a device must not turn invalid.
		if err := json.Unmarshal([]byte(to), &d); err != nil {
			// The decoder's message can quote the input: do not keep it.
			return Device{}, fmt.Errorf("%w: address is not a device JSON object", ErrInvalidDevice)
		}
	} else {
		platform, rest, ok := strings.Cut(to, ":")
		if !ok {
			return Device{}, fmt.Errorf("%w: address is neither a device JSON object nor platform:token", ErrInvalidDevice)
		}
		d.Platform = platform
		if platform == PlatformWebPush {
			d.Subscription = json.RawMessage(rest)
		} else {
			d.Token = rest
		}
	}
	d.Platform = strings.ToLower(strings.TrimSpace(d.Platform))
	d.Token = strings.TrimSpace(d.Token)
	switch d.Platform {
	case PlatformAPNs, PlatformFCM:
		if d.Token == "" {
			return Device{}, fmt.Errorf("%w: %s device without a token", ErrInvalidDevice, d.Platform)
		}
	case PlatformWebPush:
		d.Subscription = bytes.TrimSpace(d.Subscription)
		if len(d.Subscription) == 0 || !json.Valid(d.Subscription) {
			return Device{}, fmt.Errorf("%w: webpush device without a subscription object", ErrInvalidDevice)
		}
	case "":
		return Device{}, fmt.Errorf("%w: no platform (want webpush, apns or fcm)", ErrInvalidDevice)
	default:
		return Device{}, fmt.Errorf("%w: unknown platform (want webpush, apns or fcm)", ErrInvalidDevice)
	}
	return d, nil
}
