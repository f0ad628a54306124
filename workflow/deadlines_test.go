package workflow

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/assess"
)

func TestDueWarnings(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	a := &assess.Assessment{Deadlines: []assess.Deadline{
		{Jurisdiction: "EU-GDPR", To: "regulator", Due: now.Add(48 * time.Hour)},     // a day or more left: nothing
		{Jurisdiction: "UK-GDPR", To: "regulator", Due: now.Add(24 * time.Hour)},     // exactly a day: 24h
		{Jurisdiction: "US-TX", To: "attorney general", Due: now.Add(5 * time.Hour)}, // 6h crossed
		{Jurisdiction: "BR-LGPD", To: "regulator", Due: now.Add(30 * time.Minute)},   // 1h crossed
		{Jurisdiction: "CN-PIPL", To: "regulator", Due: now.Add(-2 * time.Hour)},     // overdue
	}}
	var got []string
	for _, w := range dueWarnings(a, now) {
		got = append(got, w.Jurisdiction+" "+w.Threshold+" "+w.TimeLeft)
	}
	want := []string{"UK-GDPR 24h 24h0m0s", "US-TX 6h 5h0m0s", "BR-LGPD 1h 30m0s", "CN-PIPL overdue -2h0m0s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	w := dueWarnings(a, now)[0]
	if w.EventKey() != "UK-GDPR/regulator/2026-11-23T09:00:00Z/24h" {
		t.Errorf("got key %q; a warning must be keyed by deadline and threshold so it is published once", w.EventKey())
	}
}
