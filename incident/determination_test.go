package incident

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeDeterminations checks the optional determinations: a complete
// one is kept, and each missing or malformed field is named.
func TestDecodeDeterminations(t *testing.T) {
	doc := func(dets string) []byte {
		return []byte(`{"schema":"breach.incident/v1","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"misdelivery","affected":[{"system":"hr"}],"determinations":` + dets + `}`)
	}
	in, err := Decode(doc(`[{"jurisdiction":"US-FL","exception":"no_financial_harm","by":"General Counsel","at":"2026-11-25T10:00:00-05:00","text":"Consulted FDLE; no harm likely."}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Determination{{Jurisdiction: "US-FL", Exception: "no_financial_harm", By: "General Counsel",
		At: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC), Text: "Consulted FDLE; no harm likely."}}
	if diff := cmp.Diff(want, in.Determinations); diff != "" {
		t.Errorf("determinations (-want +got):\n%s", diff)
	}
	tests := []struct {
		name, dets, field string
	}{
		{"missing by", `[{"jurisdiction":"US-FL","exception":"x","at":"2026-11-25T10:00:00Z","text":"t"}]`, "determinations[0].by"},
		{"bad time", `[{"jurisdiction":"US-FL","exception":"x","by":"b","at":"yesterday","text":"t"}]`, "determinations[0].at"},
		{"missing text", `[{"jurisdiction":"US-FL","exception":"x","by":"b","at":"2026-11-25T10:00:00Z"}]`, "determinations[0].text"},
		{"unknown key", `[{"jurisdiction":"US-FL","exception":"x","by":"b","at":"2026-11-25T10:00:00Z","text":"t","who":"b"}]`, "determinations[0].who"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(doc(tt.dets))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("got %v, want an error naming %s", err, tt.field)
			}
		})
	}
}
