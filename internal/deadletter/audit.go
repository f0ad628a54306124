package deadletter

import (
	"strconv"

	"github.com/breach-notify/breach/audit"
)

// ReplayEvents, ResolveEvents and PurgeEvents are the audit entries (without
// their principal) of what Replay, Resolve and a purge did, with the
// reason the caller gave; they name sequences, subjects and sizes, never a
// body.
func ReplayEvents(done []Replayed, reason string) []audit.Event {
	var evs []audit.Event
	for _, r := range done {
		evs = append(evs, audit.Event{Action: audit.ActionDeadLetterReplayed, Object: Object(r.Sequence),
			Details: map[string]any{"subject": r.Subject, "stream": r.Stream, "stream_sequence": r.StreamSequence, "duplicate": r.Duplicate, "reason": reason}})
	}
	return evs
}

// ResolveEvents: see ReplayEvents.
func ResolveEvents(done []Resolved, reason string) []audit.Event {
	var evs []audit.Event
	for _, r := range done {
		evs = append(evs, audit.Event{Action: audit.ActionDeadLetterResolved, Object: Object(r.Sequence),
			Details: map[string]any{"stage": r.Stage, "original_subject": r.OriginalSubject, "size": r.Size, "record": r.Record, "reason": reason}})
	}
	return evs
}

// PurgeEvents: see ReplayEvents.
func PurgeEvents(p Purged, reason string) []audit.Event {
	details := map[string]any{"count": p.Count, "record": p.Record, "reason": reason}
	if len(p.Sequences) > 0 {
		details["sequences"] = p.Sequences
	} else {
		details["before"], details["stages"] = p.Before, p.Stages
	}
	return []audit.Event{{Action: audit.ActionDeadLetterPurged, Object: Object(p.Record), Details: details}}
}

// Object names a dead letter in the audit log: "deadletter/17".
func Object(seq uint64) string { return "deadletter/" + strconv.FormatUint(seq, 10) }
