package workflow

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/obligation"
)

func TestDueWarnings(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	due := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	duty := func(jur, to string, at *time.Time, state obligation.State, required bool) obligation.Obligation {
		return obligation.Obligation{Key: obligation.Key{Incident: "INC-1", Jurisdiction: jur, Duty: obligation.DutyRegulator},
			To: to, Due: at, State: state, Required: required}
	}
	obs := []obligation.Obligation{
		duty("EU-GDPR", "regulator", due(48*time.Hour), obligation.StateOpen, true),        // a day or more left: nothing
		duty("UK-GDPR", "regulator", due(24*time.Hour), obligation.StateOpen, true),        // exactly a day: 24h
		duty("US-TX", "attorney general", due(5*time.Hour), obligation.StateDrafted, true), // 6h crossed
		duty("BR-LGPD", "regulator", due(30*time.Minute), obligation.StateOpen, true),      // 1h crossed
		duty("CN-PIPL", "regulator", due(-2*time.Hour), obligation.StateOpen, true),        // overdue
		duty("US-CA", "attorney general", nil, obligation.StateOpen, true),                 // undated until the consumer notice
		duty("JP-APPI", "regulator", due(-time.Hour), obligation.StateFiled, true),         // filed: no warning
		duty("SG-PDPA", "regulator", due(time.Hour), obligation.StateNotRequired, false),   // not required
		duty("AU-NDB", "regulator", due(2*time.Hour), obligation.StateOpen, false),         // no longer required
	}
	var got []string
	for _, w := range dueWarnings(obs, now) {
		got = append(got, w.ID+" "+w.Jurisdiction+" "+w.Threshold+" "+w.TimeLeft)
	}
	want := []string{"INC-1 CN-PIPL overdue -2h0m0s", "INC-1 BR-LGPD 1h 30m0s", "INC-1 US-TX 6h 5h0m0s", "INC-1 UK-GDPR 24h 24h0m0s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	fr := duty("EU-GDPR", "regulator", due(time.Hour), obligation.StateOpen, true)
	fr.Filing = "EU-GDPR/FR"
	de := fr
	de.Filing = "EU-GDPR/DE"
	if a, b := dueWarnings([]obligation.Obligation{fr}, now)[0], dueWarnings([]obligation.Obligation{de}, now)[0]; a.EventKey() == b.EventKey() {
		t.Errorf("two member states' reports share the warning key %q: one of them would be deduplicated away", a.EventKey())
	}
	w := dueWarnings(obs, now)[3]
	if w.EventKey() != "UK-GDPR/regulator/2026-11-23T09:00:00Z/24h" {
		t.Errorf("got key %q; a warning must be keyed by deadline and threshold so it is published once", w.EventKey())
	}
}
