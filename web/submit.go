package web

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/breach-notify/breach/incident"
)

// Submission is an incident ready to publish on the bus.
type Submission struct {
	// Incident is the validated incident, with its id.
	Incident *incident.Incident
	// Raw is the document to publish: the bytes as received when they
	// carried an id, otherwise the incident re-encoded with the id it was
	// given, so that intake stores it under the id the submitter was told.
	Raw []byte
	// Assigned is true when the id was assigned here.
	Assigned bool
}

// PrepareSubmission validates one incident document with incident.Decode
// (a rejection is an *incident.ValidationError naming the fields) and gives
// it an id from incident.NewID(now) when it has none. The HTTP API and the
// CLI both submit through it, so they reject with the same words.
func PrepareSubmission(raw []byte, now time.Time) (*Submission, error) {
	in, err := incident.Decode(raw)
	if err != nil {
		return nil, err
	}
	if in.ID != "" {
		return &Submission{Incident: in, Raw: raw}, nil
	}
	in.ID = incident.NewID(now)
	doc, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode incident %s: %w", in.ID, err)
	}
	// The re-encoded document must decode to the same incident, or intake
	// would reject what the submitter was told was accepted.
	if _, err := incident.Decode(doc); err != nil {
		return nil, fmt.Errorf("re-encode incident %s: %w", in.ID, err)
	}
	return &Submission{Incident: in, Raw: doc, Assigned: true}, nil
}
