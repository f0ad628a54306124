package regulators

import (
	"testing"
	"time"
)

func TestDeadlines(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	fri := time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC)
	sat := time.Date(2026, time.November, 21, 9, 0, 0, 0, time.UTC)
	sun := time.Date(2026, time.November, 22, 23, 30, 0, 0, time.UTC)
	wed := time.Date(2026, time.November, 25, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"72 hours from Friday runs through the weekend", AfterHours(fri, 72), time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)},
		{"hours from a non-UTC time come back in UTC", AfterHours(time.Date(2026, time.March, 28, 12, 0, 0, 0, paris), 24), time.Date(2026, time.March, 29, 11, 0, 0, 0, time.UTC)},
		{"zero hours", AfterHours(fri, 0), fri},
		{"30 calendar days across a month end", AfterCalendarDays(fri, 30), time.Date(2026, time.December, 20, 9, 0, 0, 0, time.UTC)},
		{"60 calendar days across a year end", AfterCalendarDays(time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC), 60), time.Date(2027, time.January, 30, 0, 0, 0, 0, time.UTC)},
		{"60 days after the end of a non-leap year is the start of 2 March", AfterCalendarDays(time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC), 60), time.Date(2027, time.March, 2, 0, 0, 0, 0, time.UTC)},
		{"3 business days from Friday skip the weekend", AfterBusinessDays(fri, 3), wed},
		{"1 business day from Friday is Monday", AfterBusinessDays(fri, 1), time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)},
		{"3 business days from Saturday count from Monday", AfterBusinessDays(sat, 3), wed},
		{"1 business day from late Sunday is Monday", AfterBusinessDays(sun, 1), time.Date(2026, time.November, 23, 23, 30, 0, 0, time.UTC)},
		{"3 business days from Monday stay in the week", AfterBusinessDays(time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC), 3), time.Date(2026, time.November, 26, 9, 0, 0, 0, time.UTC)},
		{"10 business days span two weekends", AfterBusinessDays(fri, 10), time.Date(2026, time.December, 4, 9, 0, 0, 0, time.UTC)},
		{"zero business days", AfterBusinessDays(sat, 0), sat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !c.got.Equal(c.want) || c.got.Location() != time.UTC {
				t.Errorf("got %s, want %s (UTC)", c.got, c.want)
			}
		})
	}
}
