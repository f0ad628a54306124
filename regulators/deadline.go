package regulators

import "time"

// AfterHours returns t plus h hours, in UTC. Legal clocks counted in hours
// (GDPR Art. 33(1), DPDP Rules r. 7(2)) run continuously, through nights,
// weekends and holidays.
func AfterHours(t time.Time, h int) time.Time {
	return t.UTC().Add(time.Duration(h) * time.Hour)
}

// AfterCalendarDays returns the same UTC clock time d calendar days after t.
// Weekends and holidays count.
func AfterCalendarDays(t time.Time, d int) time.Time {
	return t.UTC().AddDate(0, 0, d)
}

// AfterBusinessDays returns the same UTC clock time d business days after t,
// counting Monday to Friday only. Public holidays are not known to the
// package and are counted as business days, so the result is never later
// than the law's deadline in a week without holidays and may be earlier than
// it in a week with one. A t that falls on a weekend starts counting on the
// following Monday: Saturday 09:00 + 1 business day is Monday 09:00.
func AfterBusinessDays(t time.Time, d int) time.Time {
	u := t.UTC()
	for n := 0; n < d; {
		u = u.AddDate(0, 0, 1)
		if isBusinessDay(u) {
			n++
		}
	}
	return u
}

// isBusinessDay reports whether t falls on Monday to Friday (UTC).
func isBusinessDay(t time.Time) bool {
	wd := t.UTC().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// businessDayNote is the sentence every reason quoting a business-day
// deadline carries.
const businessDayNote = "Business days are counted Monday to Friday in UTC; public holidays are not known to this assessment and were counted as business days, so the real deadline may be later."

// at returns a pointer to t, for Obligation and Notice deadlines.
func at(t time.Time) *time.Time { return &t }
