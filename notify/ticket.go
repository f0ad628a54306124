package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"

	"github.com/breach-notify/breach/notify/verify"
)

// Rejection reasons: why a NOTICES message was dead-lettered unsent.
const (
	// RejectMalformed: the message is not a ticket.
	RejectMalformed = "malformed"
	// RejectForged: the ticket's MAC does not match its key.
	RejectForged = "forged"
	// RejectUnknown: the key has no ledger row.
	RejectUnknown = "unknown"
	// RejectFinal: the key's ledger row is already final (a replay).
	RejectFinal = "final"
	// RejectNoJob: the ledger row keeps no job to send (a row written
	// before the ledger kept jobs, or a ChannelNone marker).
	RejectNoJob = "no_job"
)

// RejectReasons lists every rejection reason, for metrics that want each
// label to exist from the start.
var RejectReasons = []string{RejectMalformed, RejectForged, RejectUnknown, RejectFinal, RejectNoJob}

// ErrTicketMalformed and ErrTicketForged are the errors of Tickets.Open.
var (
	ErrTicketMalformed = errors.New("notice ticket malformed")
	ErrTicketForged    = errors.New("notice ticket forged: its MAC does not match its key")
)

// ticketLabel separates the ticket MAC key from every other use of the
// notice secret (the verification codes are HMACs of the bare notice key).
const ticketLabel = "breach notice ticket v1"

// Tickets seals notice keys into NOTICES messages and opens them: a
// message carries only the key and an HMAC-SHA256 over it, keyed with a
// key derived from the service's notice secret, so it holds no personal
// data and nobody without the secret can make one the workers accept.
// Every replica configured with the same secret accepts the others'.
type Tickets struct {
	mac []byte
	// pool holds HMAC states keyed with mac, reset between uses.
	pool sync.Pool
}

// ticket is the JSON body of a NOTICES message.
type ticket struct {
	Key string `json:"key"`
	MAC string `json:"mac"`
}

// NewTickets derives the ticket key from secret (the notice key, at least
// verify.MinSecretBytes long).
func NewTickets(secret []byte) (*Tickets, error) {
	if len(secret) < verify.MinSecretBytes {
		return nil, fmt.Errorf("notice tickets: the notice key must be at least %d bytes", verify.MinSecretBytes)
	}
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ticketLabel))
	t := &Tickets{mac: h.Sum(nil)}
	t.pool.New = func() any { return hmac.New(sha256.New, t.mac) }
	return t, nil
}

// sum appends the MAC of key to b.
func (t *Tickets) sum(b []byte, key string) []byte {
	h := t.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(key))
	b = h.Sum(b)
	t.pool.Put(h)
	return b
}

// Seal returns the message body for the notice key.
func (t *Tickets) Seal(key string) []byte {
	var mac [sha256.Size]byte
	sum := t.sum(mac[:0], key)
	if !plainKey(key) {
		b, _ := json.Marshal(ticket{Key: key, MAC: base64.RawURLEncoding.EncodeToString(sum)})
		return b
	}
	b := make([]byte, 0, len(key)+base64.RawURLEncoding.EncodedLen(len(sum))+20)
	b = append(b, `{"key":"`...)
	b = append(b, key...)
	b = append(b, `","mac":"`...)
	b = base64.RawURLEncoding.AppendEncode(b, sum)
	return append(b, `"}`...)
}

// plainKey reports whether key needs no escaping in a JSON string
// (notice keys are path-escaped, so they always do).
func plainKey(key string) bool {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// Open returns the notice key of a message body: ErrTicketMalformed when
// it is not a ticket, ErrTicketForged when its MAC is wrong.
func (t *Tickets) Open(data []byte) (string, error) {
	var tk ticket
	if err := json.Unmarshal(data, &tk); err != nil || tk.Key == "" || tk.MAC == "" {
		return "", ErrTicketMalformed
	}
	mac, err := base64.RawURLEncoding.DecodeString(tk.MAC)
	if err != nil {
		return "", ErrTicketMalformed
	}
	var want [sha256.Size]byte
	if !hmac.Equal(mac, t.sum(want[:0], tk.Key)) {
		return "", ErrTicketForged
	}
	return tk.Key, nil
}
