package regulators

import (
	"time"
	_ "time/tzdata" // the regulators' zones must not depend on the host's zoneinfo
)

// The time zones in which the regulators' day limits end. A limit of "30
// days" ends at the end of the 30th day in the regulator's zone; the zone
// database is embedded, so the result does not depend on the host.
var (
	zoneUSEastern = mustZone("America/New_York")    // HHS, New York, Florida
	zoneUSCentral = mustZone("America/Chicago")     // Texas
	zoneUSPacific = mustZone("America/Los_Angeles") // California, Washington
	// zoneUSEarliest is the US zone whose calendar is furthest behind
	// (American Samoa): the calendar year of an event there is never later
	// than anywhere else in the United States.
	zoneUSEarliest = mustZone("Pacific/Pago_Pago")
	zoneJapan      = mustZone("Asia/Tokyo")
	zoneSingapore  = mustZone("Asia/Singapore")
	zoneBrazil     = mustZone("America/Sao_Paulo") // Brasília time, seat of the ANPD
)

// mustZone loads a zone of the embedded database; the names are constants,
// so a failure is a programming error.
func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic("regulators: time zone " + name + ": " + err.Error())
	}
	return l
}

// EndOfDay returns the last second of the calendar day of t in loc, in UTC.
func EndOfDay(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc).Add(-time.Second).UTC()
}

// CalendarDaysEnd returns the end (last second, in UTC) of the d-th
// calendar day after the day of t in loc: the day of t is not counted, so
// "within 30 days" of an event on 20 November ends at midnight on 20
// December in the regulator's zone. Weekends and holidays count.
func CalendarDaysEnd(t time.Time, d int, loc *time.Location) time.Time {
	l := t.In(loc)
	return EndOfDay(time.Date(l.Year(), l.Month(), l.Day()+d, 12, 0, 0, 0, loc), loc)
}

// DaysCountingFirst returns the end of the d-th day when the day of t is
// day 1, as the PPC counts APPI's report periods (the day of awareness is
// the first day).
func DaysCountingFirst(t time.Time, d int, loc *time.Location) time.Time {
	return CalendarDaysEnd(t, d-1, loc)
}

// BusinessDaysEnd returns the end of the d-th business day after the day
// of t in loc, skipping Saturdays, Sundays and the days holiday reports
// (the day of t is not counted).
func BusinessDaysEnd(t time.Time, d int, loc *time.Location, holiday func(time.Time) bool) time.Time {
	l := t.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, loc)
	for n := 0; n < d; {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday && (holiday == nil || !holiday(day)) {
			n++
		}
	}
	return EndOfDay(day, loc)
}

// brazilHoliday reports whether the day of t (in its own location) is a
// national holiday of Brazil: Confraternização Universal (1 Jan),
// Tiradentes (21 Apr), Dia do Trabalho (1 May), Independência (7 Sep),
// Nossa Senhora Aparecida (12 Oct), Finados (2 Nov), Proclamação da
// República (15 Nov), Consciência Negra (20 Nov) and Natal (25 Dec) under
// Laws 662/1949, 6.802/1980, 10.607/2002 and 14.759/2023, and Good Friday
// (Paixão de Cristo). Carnival and Corpus Christi are optional days off for
// federal bodies (ponto facultativo), not holidays: they are counted as
// business days, which can only make a deadline earlier.
func brazilHoliday(t time.Time) bool {
	m, d := t.Month(), t.Day()
	switch {
	case m == time.January && d == 1, m == time.April && d == 21, m == time.May && d == 1,
		m == time.September && d == 7, m == time.October && d == 12, m == time.November && d == 2,
		m == time.November && d == 15, m == time.November && d == 20, m == time.December && d == 25:
		return true
	}
	gf := easter(t.Year()).AddDate(0, 0, -2)
	return m == gf.Month() && d == gf.Day()
}

// easter returns Easter Sunday of year y (Gregorian calendar; the
// anonymous Gregorian algorithm of Meeus/Jones/Butcher).
func easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
