// Package natsbus runs or connects to NATS JetStream for breach: the embedded
// server of the default deployment, connections to an external cluster, the
// four streams and the subject names, all under a configurable prefix so
// several tenants can share a cluster.
//
// The embedded server accepts only users signed by its own account: the
// service connects in-process with a user issued at each start, detectors
// and the operator CLI with the credential files written under the store
// directory (RolePermissions says what each may do). Bus.WriteHealth reports
// stream writes that fail and recovers by itself.
package natsbus

import (
	"fmt"
	"strings"
)

// DefaultPrefix is the default subject prefix.
const DefaultPrefix = "breach"

// Default stream names.
const (
	StreamIncidents  = "INCIDENTS"
	StreamNotices    = "NOTICES"
	StreamDeadletter = "DEADLETTER"
	StreamEvents     = "EVENTS"
)

// Topics builds the NATS subject names under one prefix (named so that
// they are not mistaken for data subjects, the people of the directory).
type Topics struct {
	Prefix string // "breach" when empty
}

func (s Topics) p() string {
	if s.Prefix == "" {
		return DefaultPrefix
	}
	return strings.TrimSuffix(s.Prefix, ".")
}

// IncidentSubmit is where new incidents and revisions are published.
func (s Topics) IncidentSubmit() string { return s.p() + ".incident.submit" }

// Notice is the work-queue subject of one channel ("email", "sms"...).
func (s Topics) Notice(channel string) string { return s.p() + ".notice." + channel }

// Deadletter is where a stage ("intake", "email"...) puts what it rejects.
func (s Topics) Deadletter(stage string) string { return s.p() + ".deadletter." + stage }

// Event is the lifecycle event subject for one incident, e.g.
// breach.event.INC-1.received.
func (s Topics) Event(incidentID, kind string) string {
	return s.p() + ".event." + incidentID + "." + kind
}

// AllIncidents matches every subject the INCIDENTS stream captures: intake
// reads them all, so an incident published on a wrong subject under
// <prefix>.incident. is dead-lettered with the reason, not kept unread.
func (s Topics) AllIncidents() string { return s.p() + ".incident.>" }

// Wildcards for stream configuration.
func (s Topics) allNotices() string    { return s.p() + ".notice.>" }
func (s Topics) allDeadletter() string { return s.p() + ".deadletter.>" }
func (s Topics) allEvents() string     { return s.p() + ".event.>" }

// HeaderError carries the reason a message was dead-lettered.
const HeaderError = "Breach-Error"

// validPrefix checks that a prefix is one or more plain subject tokens, so
// that wildcards built on it cannot match another tenant's subjects.
func validPrefix(p string) error {
	p = strings.TrimSuffix(p, ".")
	if p == "" {
		return nil
	}
	for _, tok := range strings.Split(p, ".") {
		if !validToken(tok) {
			return fmt.Errorf("subject prefix %q: token %q is empty or holds a space, '*' or '>'", p, tok)
		}
	}
	return nil
}

// validToken reports whether tok can stand as one subject token.
func validToken(tok string) bool {
	return tok != "" && !strings.ContainsAny(tok, " \t\r\n.*>")
}

// validKind reports whether kind is one or more dot-separated subject tokens
// ("received", "notice.sent").
func validKind(kind string) bool {
	if kind == "" {
		return false
	}
	for _, tok := range strings.Split(kind, ".") {
		if !validToken(tok) {
			return false
		}
	}
	return true
}

func splitURLs(s string) []string {
	var out []string
	for _, u := range strings.Split(s, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}
