package regulators

import (
	"testing"
	"time"
)

// TestDayLimits checks that calendar-day limits end at the end of the day
// in the regulator's time zone, that Japan counts the day of awareness as
// day 1, and that Brazil's business days skip national holidays, each
// with literal dates read off a calendar.
func TestDayLimits(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name      string
		got, want time.Time
	}{
		{"Cal. Civ. Code § 1798.82(a): 30 days from 09:00 UTC on 20 Nov end at midnight Pacific on 20 Dec",
			CalendarDaysEnd(utc("2026-11-20T09:00:00Z"), 30, zoneUSPacific), utc("2026-12-21T07:59:59Z")},
		{"a discovery late on 31 Dec Eastern counts from 31 Dec in New York",
			CalendarDaysEnd(utc("2027-01-01T03:00:00Z"), 30, zoneUSEastern), utc("2027-01-31T04:59:59Z")},
		{"PPC Enforcement Rules Art. 8(2): day of awareness is day 1, 30 days end on day 30 in Japan",
			DaysCountingFirst(utc("2026-11-20T09:00:00Z"), 30, zoneJapan), utc("2026-12-19T14:59:59Z")},
		{"awareness at 16:00 UTC is already the next day in Japan",
			DaysCountingFirst(utc("2026-11-20T16:00:00Z"), 1, zoneJapan), utc("2026-11-21T14:59:59Z")},
		{"Resolução CD/ANPD nº 15/2024 Art. 6: 3 business days from Friday skip the weekend",
			BusinessDaysEnd(utc("2026-11-13T12:00:00Z"), 3, zoneBrazil, brazilHoliday), utc("2026-11-19T02:59:59Z")},
		{"Brazil: 3 business days from Thursday 19 Nov skip Black Consciousness Day (20 Nov, Law 14.759/2023)",
			BusinessDaysEnd(utc("2026-11-19T12:00:00Z"), 3, zoneBrazil, brazilHoliday), utc("2026-11-26T02:59:59Z")},
		{"Brazil: Good Friday 2027 (26 Mar) and Tiradentes are holidays; Easter computed",
			BusinessDaysEnd(utc("2027-03-25T12:00:00Z"), 1, zoneBrazil, brazilHoliday), utc("2027-03-30T02:59:59Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.got.Equal(tt.want) || tt.got.Location() != time.UTC {
				t.Errorf("got %s, want %s (UTC)", tt.got, tt.want)
			}
		})
	}
}

// TestHIPAAYearEndInUSTime checks that the annual HHS log of a small
// breach found at 22:00 US Eastern on 31 December is due 60 days after
// that year ends, not a year later (45 CFR § 164.408(c)).
func TestHIPAAYearEndInUSTime(t *testing.T) {
	d := time.Date(2027, time.January, 1, 3, 0, 0, 0, time.UTC) // 22:00 EST, 31 Dec 2026
	f := facts("US-HIPAA", 10, hipaaEntity, cats(catName, catHlth), discovered(d))
	o := DecideUSHIPAA(f)
	want := time.Date(2027, time.March, 2, 4, 59, 59, 0, time.UTC) // end of 1 March 2027, Eastern
	if o.RegulatorDeadline == nil || !o.RegulatorDeadline.Equal(want) {
		t.Errorf("HHS log deadline: got %v, want %s", o.RegulatorDeadline, want)
	}
}

// TestCaliforniaAGWithConsumerNotice checks that the Attorney General's
// copy is due with the consumer notice until consumers are notified, then
// within 15 days of that notice (Cal. Civ. Code § 1798.82(f), SB 446).
func TestCaliforniaAGWithConsumerNotice(t *testing.T) {
	o := DecideUSCA(facts("US-CA", 600))
	if o.RegulatorDeadline == nil || o.IndividualDeadline == nil || !o.RegulatorDeadline.Equal(*o.IndividualDeadline) {
		t.Errorf("before consumer notice: got AG %v, consumers %v; want the same date", o.RegulatorDeadline, o.IndividualDeadline)
	}
	sent := time.Date(2026, time.November, 23, 18, 0, 0, 0, time.UTC)
	o = DecideUSCA(facts("US-CA", 600, func(f *Facts) { f.IndividualsNotifiedAt = sent }))
	want := time.Date(2026, time.December, 9, 7, 59, 59, 0, time.UTC) // end of 8 Dec Pacific
	if o.RegulatorDeadline == nil || !o.RegulatorDeadline.Equal(want) {
		t.Errorf("after consumer notice on 23 Nov: got AG %v, want %s", o.RegulatorDeadline, want)
	}
}

// TestStateZone checks the zones of a few capitals and that every zone
// named loads from the embedded database.
func TestStateZone(t *testing.T) {
	for code, name := range stateZones {
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("%s: zone %q: %v", code, name, err)
		}
	}
	tests := []struct{ code, want string }{
		{"TX", "America/Chicago"}, {"HI", "Pacific/Honolulu"}, {"PR", "America/Puerto_Rico"}, {"GU", "Pacific/Guam"}, {"XX", "America/New_York"},
	}
	for _, tt := range tests {
		if got := StateZone(tt.code).String(); got != tt.want {
			t.Errorf("StateZone(%q): got %s, want %s", tt.code, got, tt.want)
		}
	}
}
