package templates

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func tp(t time.Time) *time.Time { return &t }

// fixture is the one notice every golden file is rendered from.
func fixture() Notice {
	delayed := false
	return Notice{
		Locale:       "en",
		Jurisdiction: "EU-GDPR",
		Recipient: Recipient{
			Name:          "Jane Doe",
			ChildName:     "Sam Doe",
			PostalAddress: "12 Harbour Road\nFlat 3\nSpringfield 12345\nExampleland",
		},
		Org: Org{
			Name:         "Seestar Store",
			Website:      "https://store.example",
			ContactName:  "Data Protection Officer",
			ContactEmail: "privacy@store.example",
			ContactPhone: "+1 800 555 0100",
		},
		Incident: IncidentFacts{
			Reference:               "INC-2026-0042",
			Title:                   "Order database copied by an intruder",
			Description:             "An intruder used a stolen access key to copy part of our order database.\n\nWe closed the access the same morning.",
			OccurredAt:              tp(time.Date(2026, 11, 19, 22, 0, 0, 0, time.UTC)),
			OccurredUntil:           tp(time.Date(2026, 11, 20, 5, 30, 0, 0, time.UTC)),
			DiscoveredAt:            time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
			Categories:              []string{"name", "email", "postal_address", "payment_card_partial", "password_hash", "drivers_license"},
			Measures:                []string{"Revoked the stolen access key", "Reset all account passwords"},
			Remedies:                []string{"12 months of free credit monitoring"},
			DelayedByLawEnforcement: &delayed,
		},
		VerificationCode: "8DAWV-8FKKR",
		AnnouncementURL:  "https://store.example/security/INC-2026-0042",
		NoticeVersion:    1,
		Date:             time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC),
	}
}

// variants are the golden variants: plain, California and guardian.
var variants = []struct {
	name string
	set  func(*Notice)
}{
	{"plain", func(*Notice) {}},
	{"california", func(n *Notice) { n.Jurisdiction = "US-CA" }},
	{"guardian", func(n *Notice) { n.Guardian = true; n.Recipient.Name = "" }},
}

// embeddedSet parses the embedded templates once for the whole test run;
// a Set is immutable, so tests share it.
var embeddedSet = sync.OnceValues(func() (*Set, error) { return New(Options{}) })

func newSet(t testing.TB) *Set {
	t.Helper()
	s, err := embeddedSet()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// goldenText is how a rendered notice is written to its golden file.
func goldenText(r Rendered) string {
	var b strings.Builder
	fmt.Fprintf(&b, "channel: %s\nlocale: %s\n", r.Channel, r.Locale)
	if r.Channel == ChannelSMS {
		fmt.Fprintf(&b, "sms: %s, %d segment(s)\n", r.SMSEncoding, r.SMSSegments)
	}
	if r.Subject != "" {
		fmt.Fprintf(&b, "subject: %s\n", r.Subject)
	}
	fmt.Fprintf(&b, "\n----- text -----\n%s", r.Text)
	if !strings.HasSuffix(r.Text, "\n") {
		b.WriteString("\n")
	}
	if r.HTML != "" {
		fmt.Fprintf(&b, "----- html -----\n%s", r.HTML)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	s := newSet(t)
	for _, ch := range Channels {
		for _, loc := range Locales {
			for _, v := range variants {
				name := fmt.Sprintf("%s/%s.%s", ch, loc, v.name)
				t.Run(name, func(t *testing.T) {
					n := fixture()
					n.Locale = loc
					v.set(&n)
					r, err := s.Render(ch, n)
					if err != nil {
						t.Fatalf("Render: %v", err)
					}
					got := goldenText(r)
					path := filepath.Join("testdata", "golden", ch, loc+"."+v.name+".txt")
					if *update {
						if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("read golden file (run go test ./templates -update): %v", err)
					}
					if diff := cmp.Diff(string(want), got); diff != "" {
						t.Errorf("%s differs from its golden file (-want +got):\n%s", path, diff)
					}
				})
			}
		}
	}
}
