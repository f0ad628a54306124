package obligation

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/report"
)

// FromAssessment lists the duties an assessment names, each open when
// required and not_required (with the reason) otherwise. drafts holds the
// report drafts by jurisdiction: each filing is one regulator duty. A
// jurisdiction without a draft gets one regulator duty named after it.
// Further notices the assessment requires become duties of their own,
// unless a filing of the draft already answers them.
func FromAssessment(a *assess.Assessment, drafts map[string]*report.Draft, now time.Time) []Obligation {
	var out []Obligation
	now = now.UTC()
	add := func(jur, duty, filing, to string, subjects int, required bool, due *time.Time, text, why string) {
		o := Obligation{Key: Key{Incident: a.Incident, Jurisdiction: jur, Duty: duty, Filing: filing}, To: to,
			Required: required, Revision: a.Revision, Subjects: subjects, Due: utcPtr(due), DueText: text, State: StateOpen, Since: now, By: System}
		if !required {
			o.State, o.Reason = StateNotRequired, cmpOr(why, "not required on the assessed facts")
		}
		out = append(out, o)
	}
	for _, ob := range a.Obligations {
		d := drafts[ob.Jurisdiction]
		if d != nil && len(d.Filings) > 0 {
			for _, f := range d.Filings {
				add(ob.Jurisdiction, DutyRegulator, f.ID, f.Regulator, f.Subjects, f.Required, f.Deadline, f.DeadlineText, strings.Join(f.Why, " "))
			}
		} else {
			add(ob.Jurisdiction, DutyRegulator, ob.Jurisdiction, ob.Regulator, ob.Subjects, ob.NotifyRegulator, ob.RegulatorDeadline,
				ob.RegulatorDeadlineText, cmpOr(ob.SafeHarbour, strings.Join(ob.Reasons, " ")))
		}
		add(ob.Jurisdiction, DutyIndividuals, "", "individuals", ob.Subjects, ob.NotifyIndividuals, ob.IndividualDeadline,
			ob.IndividualDeadlineText, cmpOr(ob.SafeHarbour, strings.Join(ob.Reasons, " ")))
		if ob.PublicNotice {
			add(ob.Jurisdiction, DutyPublic, "", "the public", ob.Subjects, true, nil, "", "")
		}
		for _, n := range ob.OtherNotices {
			if n.Required && !answered(ob.Jurisdiction, n, d) {
				add(ob.Jurisdiction, DutyOf(n.To), "", n.To, ob.Subjects, true, n.Deadline, n.DeadlineText, "")
			}
		}
	}
	slices.SortStableFunc(out, Compare)
	return out
}

// answered reports whether a filing of the draft answers the further
// notice n (its form is drafted for that addressee).
func answered(jur string, n regulators.Notice, d *report.Draft) bool {
	if d == nil {
		return false
	}
	for _, form := range regulators.ReportForms(jur) {
		if form.Notice == "" || !strings.Contains(n.To, form.Notice) {
			continue
		}
		if slices.ContainsFunc(d.Filings, func(f report.Filing) bool { return f.Form == form.ID }) {
			return true
		}
	}
	return false
}

// DutyOf names the duty of a further notice after its addressee: lower
// case, words joined by '-', up to the first parenthesis or comma, at most
// 48 characters ("nationwide-consumer-reporting-agencies").
func DutyOf(to string) string {
	if i := strings.IndexAny(to, "(,;:"); i >= 0 {
		to = to[:i]
	}
	var b strings.Builder
	for _, w := range strings.Fields(strings.ToLower(to)) {
		w = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r > 127 {
				return r
			}
			return -1
		}, w)
		if w == "" {
			continue
		}
		if b.Len()+len(w)+1 > 48 {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	if b.Len() == 0 {
		return "other"
	}
	return b.String()
}

// Sync merges the duties a new assessment names (wanted, as
// FromAssessment makes them) into the recorded ones (current) and returns
// the result, in Compare order:
//
//   - a new duty is added as wanted;
//   - a duty whose due date or requirement is unchanged keeps its state,
//     and so does an undated duty that gains a date (its clock started);
//   - a changed duty that is required is re-opened (a filed report must be
//     filed again), with the reason; one no longer required becomes
//     not_required unless it was filed;
//   - a recorded duty the new assessment no longer names becomes
//     not_required unless it was filed.
func Sync(current, wanted []Obligation, revision int, now time.Time) []Obligation {
	now = now.UTC()
	out := make([]Obligation, 0, max(len(current), len(wanted)))
	for _, w := range wanted {
		i := Find(current, w.Key)
		if i < 0 {
			out = append(out, w)
			continue
		}
		out = append(out, merge(current[i], w, revision, now))
	}
	for _, c := range current {
		if Find(wanted, c.Key) >= 0 {
			continue
		}
		if c.State.Pending() {
			c.State, c.Since, c.By = StateNotRequired, now, System
			c.Reason = fmt.Sprintf("revision %d no longer names this duty", revision)
		}
		c.Required = false
		out = append(out, c)
	}
	slices.SortStableFunc(out, Compare)
	return out
}

// merge applies the wanted duty w to the recorded one c.
func merge(c, w Obligation, revision int, now time.Time) Obligation {
	change := changes(c, w)
	o := c
	o.To, o.Required, o.Revision, o.Subjects, o.Due, o.DueText = w.To, w.Required, w.Revision, w.Subjects, w.Due, w.DueText
	if change == "" {
		if o.State == StateNotRequired {
			o.Reason = w.Reason
		}
		return o
	}
	switch {
	case w.Required:
		why := fmt.Sprintf("re-opened by revision %d: %s", revision, change)
		if c.State == StateFiled {
			why += fmt.Sprintf("; filed before on %s by %s", c.Since.UTC().Format(time.RFC3339), c.By)
			if c.Reference != "" {
				why += " under reference " + c.Reference
			}
		}
		o.State, o.Since, o.By, o.Reference, o.CopySHA256, o.Reason = StateOpen, now, System, "", "", why
	case c.State != StateFiled:
		o.State, o.Since, o.By, o.Reason = StateNotRequired, now, System, w.Reason
	}
	return o
}

// changes says what differs between the recorded duty and the wanted one
// ("" when nothing that re-opens it does). More people re-open the duty to
// tell them (the newly affected are still to be told); a report already
// filed is completed by the follow-up the law allows, not re-opened.
func changes(c, w Obligation) string {
	switch {
	case c.Required && w.Required && w.Duty == DutyIndividuals && w.Subjects > c.Subjects:
		return fmt.Sprintf("it now covers %d people, %d more", w.Subjects, w.Subjects-c.Subjects)
	case c.Required != w.Required && w.Required:
		return "it is now required"
	case c.Required != w.Required:
		return "it is no longer required"
	case c.Due == nil && w.Due != nil:
		// An undated duty that gains its date (the consumer notice went
		// out, and the Attorney General's copy runs from it) is the same
		// duty: one already filed stays filed, a draft stays a draft.
		return ""
	case !sameTime(c.Due, w.Due):
		return fmt.Sprintf("the due date changed from %s to %s", timeText(c.Due), timeText(w.Due))
	}
	return ""
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func timeText(t *time.Time) string {
	if t == nil {
		return "none"
	}
	return t.UTC().Format(time.RFC3339)
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
