package assess

import (
	"bytes"
	"context"
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
