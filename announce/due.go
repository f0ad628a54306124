package announce

import (
	"fmt"
	"slices"

	"github.com/breach-notify/breach/assess"
)

// Due says whether a public notice is owed for an incident: when its
// assessment requires one, or when the campaign's count of people no
// channel could reach has reached threshold (0 turns that rule off), and
// why. The service calls it after each assessment and whenever the
// ledger's unreachable count changes; the first time it turns true the
// notice is outstanding until a version is published.
func Due(pn assess.PublicNotice, unreachable, threshold int) (bool, []string) {
	var why []string
	if pn.Required {
		why = append(why, pn.Reasons...)
		if len(why) == 0 {
			why = append(why, "the assessment requires a public notice")
		}
	}
	if threshold > 0 && unreachable >= threshold {
		why = append(why, fmt.Sprintf("%d people could not be reached by any channel (threshold %d)", unreachable, threshold))
	}
	return len(why) > 0, slices.Clip(why)
}
