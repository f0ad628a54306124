package notify

import (
	"encoding/json"
	"fmt"

	"github.com/breach-notify/breach/internal/jsonenc"
	"github.com/breach-notify/breach/notify/verify"
	"github.com/breach-notify/breach/templates"
)

// Job is one notice to send, as planned: what the worker needs to render
// and address it (the incident's facts are read from the store, at the
// job's approved revision, when rendering). The planner keeps it in the
// notice's ledger row (Entry.Job), the source of truth; the message on the
// NOTICES work queue (subject <prefix>.notice.<channel>, Nats-Msg-Id = Key)
// carries only its key, sealed by Tickets.
type Job struct {
	Key          string   `json:"key"`
	IncidentID   string   `json:"incident"`
	Revision     int      `json:"revision"`
	Version      int      `json:"version"`
	SubjectID    string   `json:"subject"`
	Route        Route    `json:"route"`
	Fallback     []Route  `json:"fallback,omitempty"`
	Locale       string   `json:"locale,omitempty"`
	Jurisdiction string   `json:"jurisdiction,omitempty"`
	Categories   []string `json:"categories,omitempty"`
	PostalName   string   `json:"postal_name,omitempty"`
	// Supplementary marks a notice sent alongside the person's main route
	// (push accelerators, the extra SMS of a high-risk incident): its
	// failure never triggers a fallback. The extra SMS is still a
	// legal-notice route: when it fails last, with the main route and its
	// fallbacks failed, the person is unreachable (Ledger.Settle); a push
	// never counts either way.
	Supplementary bool `json:"supplementary,omitempty"`
	// HighRisk records that the person was told under a high risk (the
	// SMS alongside the e-mail), so a follow-up can say the risk rose.
	HighRisk bool `json:"high_risk,omitempty"`
	// Changes, on a follow-up notice (Version > 1), say what changed since
	// the person's previous notice (Change* values).
	Changes []string `json:"changes,omitempty"`
}

// What a follow-up notice reports as changed since the previous notice
// (the templates' words for it).
const (
	// ChangeCategories: more of the person's data categories are involved.
	ChangeCategories = templates.ChangeCategories
	// ChangeRisk: the risk to the person is now high.
	ChangeRisk = templates.ChangeRisk
	// ChangeAdvice: there is new advice on what to do.
	ChangeAdvice = templates.ChangeAdvice
	// ChangeFacts: the facts (what happened, when, what was done) were
	// corrected.
	ChangeFacts = templates.ChangeFacts
)

// NewJob builds the job for one route of one person, with its idempotency
// key.
func NewJob(incidentID string, revision, version int, subjectID string, route Route, fallback []Route) Job {
	return Job{
		Key:        verify.Key(incidentID, subjectID, string(route.Channel), version),
		IncidentID: incidentID, Revision: revision, Version: version, SubjectID: subjectID,
		Route: route, Fallback: fallback,
	}
}

// NewJob returns the job of one route of r's plan: the route's key and
// the person's locale, jurisdiction, categories (copied) and postal name.
func (r *Recipient) NewJob(incidentID string, revision, version int, route Route, fallback []Route) Job {
	j := NewJob(incidentID, revision, version, r.ID, route, fallback)
	j.Locale, j.Jurisdiction, j.PostalName = r.Locale, r.Jurisdiction, r.Name
	j.Categories = append([]string(nil), r.Categories...)
	return j
}

// Next returns the job for the person's next fallback route, if any.
func (j Job) Next() (Job, bool) {
	if len(j.Fallback) == 0 || j.Supplementary {
		return Job{}, false
	}
	n := j
	n.Key = verify.Key(j.IncidentID, j.SubjectID, string(j.Fallback[0].Channel), j.Version)
	n.Route, n.Fallback = j.Fallback[0], j.Fallback[1:]
	if len(n.Fallback) == 0 {
		n.Fallback = nil
	}
	return n, true
}

// RouteKeys returns the keys of the person's other legal-notice routes:
// one per legal channel other than the job's own, for the same incident
// and notice version (a person has at most one route per channel).
// Ledger.Settle reads them to tell whether the person is still reachable.
func (j Job) RouteKeys() []string {
	keys := make([]string, 0, len(legalChannels)-1)
	for _, c := range legalChannels {
		if c != j.Route.Channel {
			keys = append(keys, verify.Key(j.IncidentID, j.SubjectID, string(c), j.Version))
		}
	}
	return keys
}

// Entry returns the pending ledger entry for the job.
func (j Job) Entry() Entry {
	e := Entry{Key: j.Key, IncidentID: j.IncidentID, SubjectID: j.SubjectID, Channel: j.Route.Channel,
		Version: j.Version, Guardian: j.Route.Guardian, State: StatePending}
	if j.Route.Channel != ChannelNone {
		e.Job = j
	}
	return e
}

// AppendJSON appends j encoded as encoding/json's Marshal encodes it
// (jsonenc.TestAppendJSONMatchesMarshal compares the two): the planner encodes every job it
// plans for the ledger, and Marshal's reflection was 2 % of planning's
// processor time (make bench-e2e's planning profile).
func (j *Job) AppendJSON(b []byte) []byte {
	o := jsonenc.NewObject(b)
	o.String("key", j.Key, false)
	o.String("incident", j.IncidentID, false)
	o.Int("revision", j.Revision, false)
	o.Int("version", j.Version, false)
	o.String("subject", j.SubjectID, false)
	o.Raw("route", j.Route.appendJSON)
	if len(j.Fallback) > 0 {
		o.Raw("fallback", func(b []byte) []byte {
			b = append(b, '[')
			for i := range j.Fallback {
				if i > 0 {
					b = append(b, ',')
				}
				b = j.Fallback[i].appendJSON(b)
			}
			return append(b, ']')
		})
	}
	o.String("locale", j.Locale, true)
	o.String("jurisdiction", j.Jurisdiction, true)
	o.Strings("categories", j.Categories, true)
	o.String("postal_name", j.PostalName, true)
	o.Bool("supplementary", j.Supplementary, true)
	o.Bool("high_risk", j.HighRisk, true)
	o.Strings("changes", j.Changes, true)
	return o.End()
}

// appendJSON appends r as Marshal encodes it.
func (r *Route) appendJSON(b []byte) []byte {
	o := jsonenc.NewObject(b)
	o.String("channel", string(r.Channel), false)
	o.String("to", r.To, false)
	o.String("to_name", r.ToName, true)
	o.Bool("guardian", r.Guardian, true)
	return o.End()
}

// DecodeJob parses a job as the ledger keeps it (Entry.Job).
func DecodeJob(data []byte) (Job, error) {
	var j Job
	if err := json.Unmarshal(data, &j); err != nil {
		return j, fmt.Errorf("decode notice job: %w", err)
	}
	if j.Key == "" || j.IncidentID == "" || j.SubjectID == "" || !j.Route.Channel.Valid() || j.Route.To == "" {
		return j, fmt.Errorf("decode notice job: key, incident, subject, route.channel and route.to are required")
	}
	return j, nil
}

// ResendVersionBase is the first notice version of a re-send: a notice
// asked for again through the public site's "am I affected?" form is
// planned as version ResendVersionBase+n (a key of its own, so the ledger
// proves it) and reads as the first notice, not as an update.
const ResendVersionBase = 1000

// DisplayVersion is the version a notice's text shows: re-sends show as
// the first notice; 0 and below count as 1.
func DisplayVersion(v int) int {
	if v >= ResendVersionBase {
		return 1
	}
	return max(v, 1)
}
