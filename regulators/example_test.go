package regulators_test

import (
	"fmt"
	"time"

	"github.com/breach-notify/breach/regulators"
)

func ExampleLookup() {
	f := regulators.Facts{
		Jurisdiction:    "EU-GDPR",
		Subjects:        900,
		Risk:            regulators.RiskHigh,
		Confidentiality: "unknown_recipients",
		DiscoveredAt:    time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC),
		Establishment:   "IE",
	}
	r, ok := regulators.Lookup(f.Jurisdiction)
	if !ok {
		fmt.Println(regulators.Fallback(f).Reasons[0])
		return
	}
	o := r.Decide(f)
	fmt.Println(o.Regulator)
	fmt.Println(o.NotifyRegulator, o.RegulatorDeadline.Format(time.RFC3339))
	fmt.Println(o.NotifyIndividuals, o.IndividualDeadlineText)
	// Output:
	// Data Protection Commission (Ireland)
	// true 2026-11-23T09:00:00Z
	// true without undue delay
}

func ExampleAfterBusinessDays() {
	friday := time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC)
	fmt.Println(regulators.AfterBusinessDays(friday, 3).Format("Mon 2006-01-02 15:04"))
	// Output: Wed 2026-11-25 09:00
}
