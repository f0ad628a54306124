// Package obligation tracks what the law requires after a breach as work
// to be done: one Obligation per incident, jurisdiction and duty (a report
// to a regulator, one per filing of the jurisdiction's drafts; telling the
// individuals; a public notice; further notices the assessment names, such
// as credit bureaus or the media). Each is open, drafted, filed (when, by
// whom, the regulator's reference number and the digest of the copy filed)
// or not required (with the reason).
//
// Obligations are kept across revisions: Sync merges what a new
// assessment requires into what is recorded, and re-opens only what the
// new revision changes (its due date or whether it is required). The
// package is pure: times are passed in and nothing is stored here.
package obligation

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/fault"
)

// State is where an obligation stands.
type State string

// The states of an obligation.
const (
	StateOpen        State = "open"         // to be done
	StateDrafted     State = "drafted"      // a draft exists, not filed yet
	StateFiled       State = "filed"        // done: filed, sent or published
	StateNotRequired State = "not_required" // the law does not require it on the assessed facts
)

// Valid reports whether s is one of the four states.
func (s State) Valid() bool {
	switch s {
	case StateOpen, StateDrafted, StateFiled, StateNotRequired:
		return true
	}
	return false
}

// Pending reports whether work remains: the obligation is open or drafted.
func (s State) Pending() bool { return s == StateOpen || s == StateDrafted }

// The duties every jurisdiction may carry; further notices take a duty
// named after their addressee (see DutyOf).
const (
	DutyRegulator   = "regulator"
	DutyIndividuals = "individuals"
	DutyPublic      = "public"
)

// System is the principal recorded for changes breach makes itself.
const System = "system:obligations"

// Key identifies an obligation.
type Key struct {
	Incident     string `json:"incident"`
	Jurisdiction string `json:"jurisdiction"`
	Duty         string `json:"duty"`
	// Filing is the report filing id ("EU-GDPR/FR") of a regulator duty,
	// "" for other duties.
	Filing string `json:"filing,omitempty"`
}

// String writes the key as incident/jurisdiction/duty[/filing].
func (k Key) String() string {
	s := k.Incident + " " + k.Jurisdiction + " " + k.Duty
	if k.Filing != "" {
		s += " " + k.Filing
	}
	return s
}

// Obligation is one duty of one incident and its state.
type Obligation struct {
	Key
	// To names the addressee: the regulator, "individuals", "the public".
	To string `json:"to"`
	// Required is what the latest assessment says; Revision is the
	// incident revision it assessed.
	Required bool `json:"required"`
	Revision int  `json:"revision"`
	// Subjects counts the people the duty covers.
	Subjects int `json:"subjects"`
	// Due is the legal deadline, nil when the law words it without a date
	// (DueText then says how: "without undue delay").
	Due     *time.Time `json:"due"`
	DueText string     `json:"due_text,omitempty"`
	State   State      `json:"state"`
	// Since is when the state was entered and By who entered it.
	Since time.Time `json:"since"`
	By    string    `json:"by,omitempty"`
	// Reference is the regulator's reference number of a filing (or what
	// met the duty); CopySHA256 the hex SHA-256 of the copy filed.
	Reference  string `json:"reference,omitempty"`
	CopySHA256 string `json:"copy_sha256,omitempty"`
	// Reason says why it is not required, or why it was re-opened.
	Reason string `json:"reason,omitempty"`
}

// ErrTransition matches the error of a state change the current state
// does not allow.
var ErrTransition = fault.New(fault.Conflict, "state change not allowed")

// TransitionError is a refused state change.
type TransitionError struct {
	Key      Key
	From, To State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("obligation %s is %s: it cannot become %s", e.Key, e.From, e.To)
}

// Is reports whether target is ErrTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// allowed is the one table of state changes made by a person or by what
// met the duty; re-opening is Sync's alone.
var allowed = map[State][]State{
	StateOpen:        {StateDrafted, StateFiled},
	StateDrafted:     {StateDrafted, StateFiled},
	StateNotRequired: {StateFiled}, // filing what is not required is allowed
	StateFiled:       {},
}

// Filing is what a person records when a report is filed.
type Filing struct {
	At time.Time
	By string
	// Reference is the regulator's reference number (required).
	Reference string
	// CopySHA256 is the hex SHA-256 of the copy filed (optional).
	CopySHA256 string
}

// MaxReferenceLen bounds a reference number.
const MaxReferenceLen = 200

// Check returns an error naming the field that is missing or malformed.
func (f Filing) Check() error {
	ref := strings.TrimSpace(f.Reference)
	switch {
	case ref == "":
		return errors.New("reference: the regulator's reference number is required")
	case len(ref) > MaxReferenceLen:
		return fmt.Errorf("reference: longer than %d characters", MaxReferenceLen)
	case strings.ContainsFunc(ref, func(r rune) bool { return r < ' ' }):
		return errors.New("reference: contains control characters")
	case strings.TrimSpace(f.By) == "":
		return errors.New("by: the principal filing is required")
	case f.At.IsZero():
		return errors.New("at: the filing time is required")
	}
	if f.CopySHA256 != "" && !isSHA256(f.CopySHA256) {
		return errors.New("copy_sha256: want 64 lower-case hexadecimal digits")
	}
	return nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') })
}

// move checks and applies a state change.
func (o *Obligation) move(to State, at time.Time, by string) error {
	if !slices.Contains(allowed[o.State], to) {
		return &TransitionError{Key: o.Key, From: o.State, To: to}
	}
	o.State, o.Since, o.By = to, at.UTC(), by
	return nil
}

// Draft records that a draft of the report was made.
func (o *Obligation) Draft(at time.Time, by string) error { return o.move(StateDrafted, at, by) }

// File records a filing.
func (o *Obligation) File(f Filing) error {
	if err := f.Check(); err != nil {
		return fmt.Errorf("file %s: %w", o.Key, err)
	}
	if err := o.move(StateFiled, f.At, f.By); err != nil {
		return err
	}
	o.Reference, o.CopySHA256, o.Reason = strings.TrimSpace(f.Reference), f.CopySHA256, ""
	return nil
}

// Meet records that what breach did met a pending duty (the campaign
// finished, the public notice went up); note says what. It reports
// whether the obligation changed: one that is not pending is left alone.
func (o *Obligation) Meet(at time.Time, by, note string) bool {
	if !o.State.Pending() {
		return false
	}
	o.State, o.Since, o.By, o.Reference, o.Reason = StateFiled, at.UTC(), by, note, ""
	return true
}

// dutyRank orders the duties: regulator, individuals, public, the rest.
func dutyRank(d string) int {
	switch d {
	case DutyRegulator:
		return 0
	case DutyIndividuals:
		return 1
	case DutyPublic:
		return 2
	}
	return 3
}

// Compare orders obligations by incident, jurisdiction, duty and filing.
func Compare(a, b Obligation) int {
	return cmp.Or(strings.Compare(a.Incident, b.Incident), strings.Compare(a.Jurisdiction, b.Jurisdiction),
		cmp.Compare(dutyRank(a.Duty), dutyRank(b.Duty)), strings.Compare(a.Duty, b.Duty), strings.Compare(a.Filing, b.Filing))
}

// Find returns the index of the obligation with key k in obs, or -1.
func Find(obs []Obligation, k Key) int {
	return slices.IndexFunc(obs, func(o Obligation) bool { return o.Key == k })
}
