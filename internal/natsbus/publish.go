package natsbus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/incident"
)

// Headers set on dead-lettered messages next to HeaderError, so that the
// original can be found and replayed.
const (
	HeaderOriginalSubject  = "Breach-Original-Subject"
	HeaderOriginalStream   = "Breach-Original-Stream"
	HeaderOriginalSequence = "Breach-Original-Sequence"
	HeaderOriginalMsgID    = "Breach-Original-Msg-Id"
	HeaderDeliveries       = "Breach-Delivery-Count"
)

// Headers set on lifecycle events.
const (
	HeaderIncident  = "Breach-Incident"
	HeaderEventKind = "Breach-Event"
)

// MaxHeaderValue bounds the length of a Breach-Error value; longer reasons
// are cut and end in "…".
const MaxHeaderValue = 4096

// ErrBadEvent is returned by PublishEvent for an incident id or kind that
// cannot form a subject.
var ErrBadEvent = errors.New("bad event")

// EventOption changes how PublishEvent builds its message.
type EventOption func(*eventOpts)

type eventOpts struct{ key string }

// EventKey sets the last part of the event's Nats-Msg-Id
// ("<incident>/<kind>/<key>"); without it the key is a hash of the payload.
// Use a key that is the same each time the same fact is published (a
// revision, a notice id) so a replay is dropped as a duplicate.
func EventKey(key string) EventOption { return func(o *eventOpts) { o.key = key } }

// jsonAppender is a payload that encodes itself as encoding/json's
// Marshal would, without its reflection (incident.NoticeOutcome).
type jsonAppender interface{ AppendJSON([]byte) []byte }

// PublishEvent publishes payload as JSON on the lifecycle subject
// <prefix>.event.<incidentID>.<kind> of the EVENTS stream. Its Nats-Msg-Id
// is "<incidentID>/<kind>/<key>", so publishing the same event again inside
// the duplicate window stores it once.
func (b *Bus) PublishEvent(ctx context.Context, incidentID, kind string, payload any, opts ...EventOption) error {
	if !incident.ValidID(incidentID) {
		return fmt.Errorf("publish event: incident id %q: %w", incidentID, ErrBadEvent)
	}
	if !validKind(kind) {
		return fmt.Errorf("publish event %s for %s: kind must be dot-separated subject tokens: %w", kind, incidentID, ErrBadEvent)
	}
	var o eventOpts
	for _, opt := range opts {
		opt(&o)
	}
	var body []byte
	if a, ok := payload.(jsonAppender); ok {
		body = a.AppendJSON(make([]byte, 0, 256))
	} else {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return fmt.Errorf("publish event %s for %s: encode payload: %w", kind, incidentID, err)
		}
	}
	key := o.key
	if key == "" {
		sum := sha256.Sum256(body)
		key = hex.EncodeToString(sum[:16])
	}
	msg := &nats.Msg{Subject: b.subjects.Event(incidentID, kind), Data: body, Header: nats.Header{}}
	msg.Header.Set(jetstream.MsgIDHeader, incidentID+"/"+kind+"/"+key)
	msg.Header.Set(HeaderIncident, incidentID)
	msg.Header.Set(HeaderEventKind, kind)
	if _, err := b.js.PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("publish event %s for %s: %w", kind, incidentID, err)
	}
	return nil
}

// IncidentMsgID is the Nats-Msg-Id of one incident revision:
// "<id>/<revision>/<digest>", the digest being the first 16 bytes of the
// SHA-256 of raw, the bytes published, in hex. The same document published
// again is dropped as a duplicate inside the window; a different document
// claiming the same id and revision is not, so junk published first cannot
// make the real revision a silent duplicate.
func IncidentMsgID(in *incident.Incident, raw []byte) string {
	sum := sha256.Sum256(raw)
	return in.Key() + "/" + hex.EncodeToString(sum[:16])
}

// PublishIncident publishes one incident revision to
// <prefix>.incident.submit with Nats-Msg-Id = IncidentMsgID(in, raw), and
// reports whether JetStream dropped it as a duplicate of a message inside
// the window. raw is the document as submitted; when nil, in is encoded as
// JSON. in must carry an id (assign one with incident.NewID), and raw, when
// given, must decode to the same id and revision, or intake would store
// something other than what the message id promises.
func PublishIncident(ctx context.Context, js jetstream.JetStream, subjects Topics, in *incident.Incident, raw []byte) (dup bool, err error) {
	if in == nil {
		return false, errors.New("publish incident: no incident")
	}
	if in.ID == "" {
		return false, errors.New("publish incident: no id; assign one with incident.NewID before publishing")
	}
	if raw == nil {
		raw, err = json.Marshal(in)
		if err != nil {
			return false, fmt.Errorf("publish incident %s: encode: %w", in.Key(), err)
		}
	} else {
		got, err := incident.Decode(raw)
		if err != nil {
			return false, fmt.Errorf("publish incident %s: %w", in.Key(), err)
		}
		if got.ID != in.ID || got.Revision != in.Revision {
			return false, fmt.Errorf("publish incident %s: the document says id %q revision %d; pass raw nil to publish the incident as given", in.Key(), got.ID, got.Revision)
		}
	}
	msg := &nats.Msg{Subject: subjects.IncidentSubmit(), Data: raw, Header: nats.Header{}}
	msg.Header.Set(jetstream.MsgIDHeader, IncidentMsgID(in, raw))
	ack, err := js.PublishMsg(ctx, msg)
	if err != nil {
		return false, fmt.Errorf("publish incident %s: %w", in.Key(), err)
	}
	return ack.Duplicate, nil
}

// PublishDeadletter copies m (its original bytes) to subject, normally
// Topics.Deadletter(stage), with the reason in HeaderError and the
// original subject, stream, sequence, message id and delivery count in the
// Breach-Original-* headers. Its own Nats-Msg-Id is derived from the
// original's stream and sequence, so a redelivered message that is
// dead-lettered twice is stored once. Call it before m.Term(): on a
// work-queue stream Term removes the original.
func PublishDeadletter(ctx context.Context, js jetstream.JetStream, subject string, m jetstream.Msg, reason string) error {
	hdr := nats.Header{}
	hdr.Set(HeaderError, HeaderValue(reason))
	hdr.Set(HeaderOriginalSubject, m.Subject())
	if id := m.Headers().Get(jetstream.MsgIDHeader); id != "" {
		hdr.Set(HeaderOriginalMsgID, HeaderValue(id))
	}
	msgID := ""
	if meta, err := m.Metadata(); err == nil {
		seq := strconv.FormatUint(meta.Sequence.Stream, 10)
		hdr.Set(HeaderOriginalStream, meta.Stream)
		hdr.Set(HeaderOriginalSequence, seq)
		hdr.Set(HeaderDeliveries, strconv.FormatUint(meta.NumDelivered, 10))
		msgID = "dlq/" + meta.Stream + "/" + seq
	}
	if msgID == "" {
		sum := sha256.Sum256(m.Data())
		msgID = "dlq/" + m.Subject() + "/" + hex.EncodeToString(sum[:16])
	}
	hdr.Set(jetstream.MsgIDHeader, msgID)
	if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: subject, Data: m.Data(), Header: hdr}); err != nil {
		return fmt.Errorf("dead-letter to %s: %w", subject, err)
	}
	return nil
}

// HeaderValue makes s safe as a NATS header value: control characters
// become spaces, invalid UTF-8 is replaced and the result is cut to
// MaxHeaderValue bytes.
func HeaderValue(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) <= MaxHeaderValue {
		return s
	}
	cut := MaxHeaderValue - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Term tells the server never to redeliver m. On servers that understand a
// reason (2.10.4 and later) the reason goes into the MSG_TERMINATED advisory;
// older servers ignore a +TERM that carries one, so they get a plain Term.
func (b *Bus) Term(m jetstream.Msg, reason string) error {
	if reason == "" || !serverAtLeast(b.nc.ConnectedServerVersion(), 2, 10, 4) {
		return m.Term()
	}
	return m.TermWithReason(reason)
}

// serverAtLeast reports whether version ("2.9.10", "v2.10.4-beta") is at
// least major.minor.patch. An unreadable version counts as old.
func serverAtLeast(version string, major, minor, patch int) bool {
	v := strings.TrimPrefix(version, "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return false
	}
	var got [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return false
		}
		got[i] = n
	}
	want := [3]int{major, minor, patch}
	for i := range got {
		if got[i] != want[i] {
			return got[i] > want[i]
		}
	}
	return true
}

// Publish publishes one event of the catalogue (incident.Event) on
// <prefix>.event.<incident>.<kind>, deduplicated by its EventKey. The
// caller handles the error: retry, or record that the event is missing.
func (b *Bus) Publish(ctx context.Context, ev incident.Event) error {
	var opts []EventOption
	if k := ev.EventKey(); k != "" {
		opts = append(opts, EventKey(k))
	}
	return b.PublishEvent(ctx, ev.EventIncident(), string(ev.EventKind()), ev, opts...)
}
