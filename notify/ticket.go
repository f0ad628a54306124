package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

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
type Tickets struct{ mac []byte }

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
	return &Tickets{mac: h.Sum(nil)}, nil
}

func (t *Tickets) sum(key string) []byte {
	h := hmac.New(sha256.New, t.mac)
	h.Write([]byte(key))
	return h.Sum(nil)
}

// Seal returns the message body for the notice key.
func (t *Tickets) Seal(key string) []byte {
	b, _ := json.Marshal(ticket{Key: key, MAC: base64.RawURLEncoding.EncodeToString(t.sum(key))})
	return b
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
	if !hmac.Equal(mac, t.sum(tk.Key)) {
		return "", ErrTicketForged
	}
	return tk.Key, nil
}
