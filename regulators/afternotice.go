package regulators

import (
	"fmt"
	"time"
)

// AfterNotice is a regulator deadline that runs from the notice to the
// individuals rather than from discovery: California's Attorney General
// copy "within 15 calendar days of notifying affected consumers", Iowa's
// five business days "after giving notice ... to any consumer",
// Oklahoma's 60 days "after notifying residents", and the States whose
// regulator must be told "not later than the time notice is provided to
// residents" (Days 0).
//
// The clock starts with the first legal notice handed to one of the
// jurisdiction's people: the statutes speak of the act of notifying, which
// has begun once the first notice is out (the sample copy the Attorney
// General asks for exists from then), and dating from the last notice
// would let a slow campaign push the regulator's deadline back. It is the
// earlier, stricter reading, marked for counsel.
type AfterNotice struct {
	// Days after the day of the first notice, ending at the end of that
	// day in Zone; 0 means no later than the notice itself.
	Days int `json:"days"`
	// BusinessDays counts Monday to Friday only.
	BusinessDays bool `json:"business_days,omitempty"`
	// Zone is the IANA zone of the regulator whose day ends the count.
	Zone string `json:"zone"`
	// Cap is an outer limit from another event (discovery, determination)
	// that applies when it comes first; nil when there is none.
	Cap *time.Time `json:"cap,omitempty"`
	// Law is the statute's deadline in its own words.
	Law string `json:"law"`
	// NotifiedAt is when the first notice went out, once it has.
	NotifiedAt *time.Time `json:"notified_at,omitempty"`
}

// Due returns the deadline when the individuals were first notified at t.
func (a AfterNotice) Due(t time.Time) time.Time {
	loc, err := time.LoadLocation(a.Zone)
	if err != nil {
		loc = zoneUSEarliest // the furthest-behind US zone never ends a day later than the regulator's
	}
	var d time.Time
	switch {
	case a.Days == 0:
		d = t.UTC()
	case a.BusinessDays:
		d = BusinessDaysEnd(t, a.Days, loc, nil)
	default:
		d = CalendarDaysEnd(t, a.Days, loc)
	}
	if a.Cap != nil && a.Cap.Before(d) {
		d = a.Cap.UTC()
	}
	return d
}

// Pending words the deadline while nobody has been notified yet:
// "15 days after the consumer notice (not yet sent)".
func (a AfterNotice) Pending() string {
	return a.span() + " (not yet sent)"
}

// span is "15 days after the consumer notice", "5 business days after
// the consumer notice" or "with the consumer notice".
func (a AfterNotice) span() string {
	switch {
	case a.Days == 0:
		return "with the consumer notice"
	case a.BusinessDays:
		return fmt.Sprintf("%d business days after the consumer notice", a.Days)
	}
	return fmt.Sprintf("%d days after the consumer notice", a.Days)
}

// Text is the deadline in words for an obligation: the statute's words,
// after when the clock runs from and either that the consumer notice is
// not sent yet or when it was.
func (a AfterNotice) Text() string {
	switch {
	case a.NotifiedAt == nil && a.Days == 0:
		return a.Law // "not later than the time notice is provided" says it
	case a.NotifiedAt == nil:
		return a.Pending() + ": " + a.Law
	}
	return fmt.Sprintf("%s (first consumer notice sent %s): %s", a.span(), a.NotifiedAt.UTC().Format("2006-01-02 15:04 MST"), a.Law)
}

// NoticeSent dates o's regulator deadline from the first notice to its
// individuals at t, when o's deadline runs from that notice (and it was
// not dated from it already). It reports whether o changed.
func (o *Obligation) NoticeSent(t time.Time) bool {
	a := o.RegulatorDeadlineAfterNotice
	if a == nil || t.IsZero() || !o.NotifyRegulator || (a.NotifiedAt != nil && a.NotifiedAt.Equal(t)) {
		return false
	}
	cp := *a
	cp.NotifiedAt = at(t.UTC())
	o.RegulatorDeadlineAfterNotice = &cp
	o.RegulatorDeadline = at(cp.Due(t))
	o.RegulatorDeadlineText = cp.Text()
	o.Reasons = append(o.Reasons, fmt.Sprintf("The first notice to this jurisdiction's people went out on %s, so the %s is due %s, i.e. by %s (the first notice starts the clock: the stricter reading, for counsel to confirm).",
		t.UTC().Format("2006-01-02 15:04 MST"), o.Regulator, cp.span(), o.RegulatorDeadline.Format("2006-01-02 15:04 MST")))
	return true
}

// afterNotice sets the regulator deadline of the builder's obligation from
// a, dated when f says the individuals were notified and undated (with a
// says so in words) until then. It returns the deadline, nil when undated.
func (b *builder) afterNotice(f Facts, a AfterNotice) *time.Time {
	b.o.RegulatorDeadlineAfterNotice = &a
	if f.IndividualsNotifiedAt.IsZero() {
		b.o.RegulatorDeadline = a.Cap
		b.o.RegulatorDeadlineText = a.Text()
		return b.o.RegulatorDeadline
	}
	b.o.RegulatorDeadlineAfterNotice.NotifiedAt = at(f.IndividualsNotifiedAt.UTC())
	b.o.RegulatorDeadline = at(a.Due(f.IndividualsNotifiedAt))
	b.o.RegulatorDeadlineText = b.o.RegulatorDeadlineAfterNotice.Text()
	return b.o.RegulatorDeadline
}
