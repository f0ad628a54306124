package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// issuePeople is the directory of the issue's campaign: 144 people with
// only an e-mail address, 20 with a phone as well, 6 with nothing usable.
func issuePeople() People {
	return func(fn func(*Recipient) error) error {
		for i := range 170 {
			r := &Recipient{ID: fmt.Sprintf("u-%03d", i), Locale: "en", Jurisdiction: "EU-GDPR"}
			switch {
			case i < 144:
				r.Email = fmt.Sprintf("p%03d@example.org", i)
			case i < 164:
				r.Email, r.Phone, r.Locale, r.Jurisdiction = fmt.Sprintf("p%03d@example.org", i), "+4915100000000", "zh-CN", "CN-PIPL"
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// smsOnly is the policy app builds when only the SMS provider is
// configured and campaign.outbox_fallback is false.
func smsOnly() Policy {
	p := DefaultPolicy()
	p.Disabled = []Channel{ChannelEmail, ChannelPush, ChannelVoice, ChannelLetter}
	return p
}

func TestPreviewOnlySMSConfigured(t *testing.T) {
	pv, err := smsOnly().Preview(PreviewOptions{}, issuePeople())
	if err != nil {
		t.Fatal(err)
	}
	want := Preview{People: 170, ByChannel: map[Channel]int{ChannelSMS: 20}, ByLocale: map[string]int{"en": 150, "zh-CN": 20},
		ByJurisdiction: map[string]int{"EU-GDPR": 150, "CN-PIPL": 20}, Unreachable: 150, Stranded: 144,
		StrandedBy: map[Channel]int{ChannelEmail: 144}, NoProvider: []Channel{ChannelEmail, ChannelVoice, ChannelLetter},
		Untranslated: map[string]int{}}
	if diff := cmp.Diff(want, pv); diff != "" {
		t.Errorf("preview (-want +got):\n%s", diff)
	}
	err = pv.Refusal(0)
	if !errors.Is(err, ErrStranded) || !strings.Contains(err.Error(), "no provider for email (144 with an address there)") {
		t.Errorf("Refusal: got %v, want ErrStranded naming email and 144", err)
	}
	// With campaign.outbox_fallback the e-mail channel stays in (outbox):
	// only the 6 people without any contact are unreachable; nothing to
	// refuse.
	pv, err = DefaultPolicy().Preview(PreviewOptions{}, issuePeople())
	if err != nil {
		t.Fatal(err)
	}
	if pv.Unreachable != 6 || pv.Stranded != 0 || pv.ByChannel[ChannelEmail] != 164 {
		t.Errorf("with the outbox: got unreachable %d stranded %d e-mail %d, want 6, 0, 164", pv.Unreachable, pv.Stranded, pv.ByChannel[ChannelEmail])
	}
	if err := pv.Refusal(0); err != nil {
		t.Errorf("Refusal with the outbox: got %v, want nil", err)
	}
}

func TestPreviewUntranslated(t *testing.T) {
	opts := PreviewOptions{Translated: func(loc string) bool { return loc == "en" }}
	pv, err := DefaultPolicy().Preview(opts, issuePeople())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"zh-CN": 20}, pv.Untranslated); diff != "" {
		t.Errorf("untranslated (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		max  int
		want error
	}{
		{"none allowed", 0, ErrUntranslated},
		{"19 allowed", 19, ErrUntranslated},
		{"20 allowed", 20, nil},
		{"no limit", -1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := pv.Refusal(tc.max)
			if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
				t.Errorf("Refusal(%d): got %v, want %v", tc.max, err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "zh-CN: 20") {
				t.Errorf("Refusal(%d): got %q, want the locale and count named", tc.max, err)
			}
		})
	}
}

// TestReplanAfterOutboxFallbackLiftsUnreachable plans the issue's campaign
// with only SMS configured, then again after campaign.outbox_fallback was
// turned on: the people first marked unreachable now have an e-mail route,
// and nobody is counted unreachable beside it.
func TestReplanAfterOutboxFallbackLiftsUnreachable(t *testing.T) {
	ctx := context.Background()
	led := NewMemoryLedger()
	c := Campaign{IncidentID: "INC-12", Revision: 1, Version: 1}
	first := &Planner{Policy: smsOnly(), Ledger: led, Sink: &recordingSink{}, Now: fixedNow}
	st, err := first.Run(ctx, c, issuePeople())
	if err != nil {
		t.Fatal(err)
	}
	if st.Unreachable != 150 {
		t.Fatalf("SMS only: got %d unreachable, want 150", st.Unreachable)
	}
	second := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: &recordingSink{}, Now: fixedNow}
	if _, err := second.Run(ctx, c, issuePeople()); err != nil {
		t.Fatal(err)
	}
	counts, err := led.Counts(ctx, "INC-12")
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{ChannelNone: {StateUnreachable: 6, StateSkipped: 144}, ChannelEmail: {StatePending: 164}, ChannelSMS: {StatePending: 20}}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("ledger counts (-want +got):\n%s", diff)
	}
}
