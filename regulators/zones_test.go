package regulators

import (
	"strings"
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
// copy is undated, and says it runs from the consumer notice, until
// consumers are notified, then due within 15 days of that notice, at the
// end of the day in California (Cal. Civ. Code § 1798.82(f), SB 446).
func TestCaliforniaAGWithConsumerNotice(t *testing.T) {
	o := DecideUSCA(facts("US-CA", 600))
	if o.RegulatorDeadline != nil || !o.NotifyRegulator {
		t.Errorf("before consumer notice: got AG required %v due %v; want required and undated", o.NotifyRegulator, o.RegulatorDeadline)
	}
	if !strings.HasPrefix(o.RegulatorDeadlineText, "15 days after the consumer notice (not yet sent)") {
		t.Errorf("before consumer notice: deadline text %q, want it to start with 15 days after the consumer notice (not yet sent)", o.RegulatorDeadlineText)
	}
	if a := o.RegulatorDeadlineAfterNotice; a == nil || a.Days != 15 || a.Zone != "America/Los_Angeles" || a.NotifiedAt != nil {
		t.Errorf("before consumer notice: after-notice rule %+v, want 15 days, Pacific, not notified", a)
	}
	sent := time.Date(2026, time.November, 23, 18, 0, 0, 0, time.UTC)
	o = DecideUSCA(facts("US-CA", 600, func(f *Facts) { f.IndividualsNotifiedAt = sent }))
	want := time.Date(2026, time.December, 9, 7, 59, 59, 0, time.UTC) // end of 8 Dec Pacific
	if o.RegulatorDeadline == nil || !o.RegulatorDeadline.Equal(want) {
		t.Errorf("after consumer notice on 23 Nov: got AG %v, want %s", o.RegulatorDeadline, want)
	}
	if !strings.Contains(o.RegulatorDeadlineText, "first consumer notice sent 2026-11-23 18:00 UTC") {
		t.Errorf("after consumer notice: deadline text %q, want the date of the first notice", o.RegulatorDeadlineText)
	}

	// The assessment made before the notice, told of it later, gives the
	// same date (what the running service does).
	late := DecideUSCA(facts("US-CA", 600))
	if !late.NoticeSent(sent) || late.RegulatorDeadline == nil || !late.RegulatorDeadline.Equal(want) {
		t.Errorf("NoticeSent(23 Nov): got AG %v, want %s", late.RegulatorDeadline, want)
	}
	if late.NoticeSent(sent) {
		t.Error("NoticeSent twice with the same time: want no change")
	}
	small := DecideUSCA(facts("US-CA", 100))
	if small.NoticeSent(sent) || small.RegulatorDeadline != nil {
		t.Errorf("NoticeSent without an Attorney General duty: got AG %v, want nothing", small.RegulatorDeadline)
	}
}

// TestStateAGFromConsumerNotice checks the State notices that run from the
// consumer notice: Iowa's five business days after it (Iowa Code §
// 715C.2(8)), Oklahoma's 60 days (24 O.S. § 163 as amended by SB 626), and
// Connecticut's "not later than the time notice is provided to residents"
// (Conn. Gen. Stat. § 36a-701b(b)(2)) and New York's "whenever residents
// are notified" (N.Y. Gen. Bus. Law § 899-aa(8)(a)), which move from the
// consumer deadline to the notice itself once it went out.
func TestStateAGFromConsumerNotice(t *testing.T) {
	sent := time.Date(2026, time.November, 27, 15, 0, 0, 0, time.UTC) // Friday, 09:00 in Iowa
	tests := []struct {
		law string
		id  string
		// withConsumer: due with the consumer deadline before the notice
		// (otherwise undated).
		withConsumer bool
		want         *time.Time
	}{
		{"Iowa Code § 715C.2(8): within five business days after giving notice to consumers", "US-IA", false,
			at(time.Date(2026, time.December, 5, 5, 59, 59, 0, time.UTC))}, // end of Friday 4 December, Central
		{"24 O.S. § 163 (SB 626): no more than 60 days after notifying residents", "US-OK", false,
			at(time.Date(2027, time.January, 27, 5, 59, 59, 0, time.UTC))}, // end of 26 January 2027, Central
		{"Conn. Gen. Stat. § 36a-701b(b)(2): not later than the time notice is provided to residents", "US-CT", true,
			at(sent)},
		{"N.Y. Gen. Bus. Law § 899-aa(8)(a): whenever New York residents are notified", "US-NY", true,
			at(sent)},
	}
	for _, tt := range tests {
		t.Run(tt.law, func(t *testing.T) {
			rule, ok := Lookup(tt.id)
			if !ok {
				t.Fatalf("no rule %s", tt.id)
			}
			o := rule.Decide(facts(tt.id, 600))
			before := (*time.Time)(nil)
			if tt.withConsumer {
				before = o.IndividualDeadline
			}
			if !o.NotifyRegulator || !sameDue(o.RegulatorDeadline, before) {
				t.Errorf("before the notice: got required %v due %v, want required, due %v", o.NotifyRegulator, o.RegulatorDeadline, before)
			}
			if o.RegulatorDeadlineAfterNotice == nil {
				t.Fatal("no after-notice rule")
			}
			o2 := rule.Decide(facts(tt.id, 600, func(f *Facts) { f.IndividualsNotifiedAt = sent }))
			if !o.NoticeSent(sent) || !sameDue(o.RegulatorDeadline, tt.want) || !sameDue(o2.RegulatorDeadline, tt.want) {
				t.Errorf("after the notice: got %v (NoticeSent) and %v (Facts), want %v", o.RegulatorDeadline, o2.RegulatorDeadline, tt.want)
			}
		})
	}
}

func sameDue(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
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
