package assess

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/incident"
)

// TestUndatedDutiesListedFirst checks that duties the law words as
// "without undue delay" or "immediately" are not lost from the Deadlines
// section for want of a date: they are listed first, in the JSON too; and
// that the text report shows why each law applies and what is a judgment.
func TestUndatedDutiesListedFirst(t *testing.T) {
	inv := fixture(t)
	in := testIncident(incident.Affected{System: "ehr"})
	a, err := Assess(context.Background(), inv, in, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var gdpr *UndatedDuty
	for i, u := range a.UndatedDuties {
		if u.Jurisdiction == "EU-GDPR" && u.To == "individuals" {
			gdpr = &a.UndatedDuties[i]
		}
	}
	if gdpr == nil || !strings.Contains(gdpr.When, "without undue delay") {
		t.Fatalf("undated duties: got %+v, want EU-GDPR individuals \"without undue delay\" (GDPR Art. 34(1))", a.UndatedDuties)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, a, a.AssessedAt); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	_, section, _ := strings.Cut(out, "\nDeadlines\n")
	section, _, _ = strings.Cut(section, "\nPublic notice\n")
	undated := strings.Index(section, "no fixed date")
	dated := strings.Index(section, "2026-11-23T09:00:00Z")
	if undated < 0 || dated < 0 || undated > dated {
		t.Errorf("Deadlines section: got\n%s\nwant the undated duties (\"no fixed date\") before the dated ones", section)
	}
	for _, want := range []string{"applies because:", "JUDGMENT", "counsel must confirm"} {
		if !strings.Contains(out, want) {
			t.Errorf("report: want it to contain %q; got\n%s", want, out)
		}
	}
}

// TestDeclaredRecordsAboveDirectory checks the warning when the inventory
// declares more records for an affected system than the subject directory
// holds: the approximate number of records (GDPR Art. 33(3)(a)) uses the
// larger.
func TestDeclaredRecordsAboveDirectory(t *testing.T) {
	inv := orgInventory(t, "establishment: DE", "{ id: shop, name: Shop, categories: [name, email], records: 5000 }", subjectsHeader+`d1,Eva Roth,d1@x.example,,de-DE,DE,,false,,,,shop
d2,Max Kurz,d2@x.example,,de-DE,DE,,false,,,,shop
`)
	a, err := Assess(context.Background(), inv, testIncident(incident.Affected{System: "shop"}), scopeNow)
	if err != nil {
		t.Fatal(err)
	}
	if a.ApproximateRecords != 5000 || a.Records != 2 {
		t.Errorf("got approximate records %d, records %d; want 5000 (the declared estimate), 2 (found)", a.ApproximateRecords, a.Records)
	}
	if ex := strings.Join(a.Explanation, "\n"); !strings.Contains(ex, "WARNING") || !strings.Contains(ex, "5000") {
		t.Errorf("explanation: got\n%s\nwant a warning naming the 5000 declared records", ex)
	}
}

// TestDeadlineFromConsumerNotice checks that a duty running from another
// act is dated from it once it happened: California's Attorney General
// copy is due 15 days after the consumer notice (Cal. Civ. Code §
// 1798.82(f)), not on the consumer deadline.
func TestDeadlineFromConsumerNotice(t *testing.T) {
	var b strings.Builder
	b.WriteString(subjectsHeader)
	for i := range 501 {
		fmt.Fprintf(&b, "c%d,Cal Res,c%d@x.example,,en-US,US,CA,false,,,,shop\n", i, i)
	}
	inv := orgInventory(t, "establishment: US", "{ id: shop, name: Shop, categories: [name, payment_card] }", b.String())
	sent := time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
	a, err := AssessWith(context.Background(), inv, testIncident(incident.Affected{System: "shop"}), scopeNow,
		Options{IndividualsNotifiedAt: map[string]time.Time{"US-CA": sent}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ob := obligation(t, a, "US-CA")
	want := time.Date(2026, 12, 9, 7, 59, 59, 0, time.UTC) // end of 8 December, Pacific
	if ob.RegulatorDeadline == nil || !ob.RegulatorDeadline.Equal(want) {
		t.Errorf("Attorney General deadline: got %v, want %s", ob.RegulatorDeadline, want)
	}
}
