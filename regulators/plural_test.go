package regulators

import (
	"strings"
	"testing"
)

// TestMinorsAgree: the count of minors agrees with its verb ("1 person
// affected is a child", "3 people affected are children").
func TestMinorsAgree(t *testing.T) {
	tests := []struct {
		name   string
		minors int
		want   string
	}{
		{name: "one", minors: 1, want: "1 person affected is a child:"},
		{name: "several", minors: 3, want: "3 people affected are children:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := DecideEUGDPR(facts("EU-GDPR", 10, minors(tc.minors)))
			if got := strings.Join(o.Reasons, " "); !strings.Contains(got, tc.want) {
				t.Errorf("got reasons %q, want %q", got, tc.want)
			}
		})
	}
}
