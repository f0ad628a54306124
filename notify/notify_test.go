package notify

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBackoffDelay(t *testing.T) {
	tests := []struct {
		name     string
		attempt  int
		rand     float64
		min, max time.Duration
	}{
		{"first retry, low jitter", 1, 0, time.Second, time.Second},
		{"first retry, high jitter", 1, 0.999999, time.Second, 2 * time.Second},
		{"third retry doubles twice", 3, 0.5, 6 * time.Second, 6 * time.Second},
		{"capped at max", 30, 1, 5 * time.Minute, 10 * time.Minute},
		{"attempt 0 treated as 1", 0, 0, time.Second, time.Second},
		{"huge attempt does not overflow", 5000, 0.5, 7*time.Minute + 30*time.Second, 7*time.Minute + 30*time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := DefaultBackoff()
			b.Rand = func() float64 { return tc.rand }
			got := b.Delay(tc.attempt)
			if got < tc.min || got > tc.max {
				t.Errorf("got %s, want between %s and %s", got, tc.min, tc.max)
			}
		})
	}
}

func TestPolicyPlan(t *testing.T) {
	full := &Recipient{ID: "u1", Name: "A", Email: "a@example.org", Phone: "+15555550100", PostalAddress: "1 Main St",
		Devices: []Device{{Platform: "fcm", Token: "tok"}}}
	minor := &Recipient{ID: "u2", Name: "Kid", Email: "kid@example.org", Minor: true, GuardianEmail: "parent@example.org", GuardianPhone: "+15555550101"}
	minorNoGuardian := &Recipient{ID: "u3", Minor: true, Email: "kid2@example.org"}
	minorWithHome := &Recipient{ID: "u6", Name: "Kid", Minor: true, GuardianEmail: "parent@example.org", PostalAddress: "1 High St"}
	phoneOnly := &Recipient{ID: "u4", Phone: "+15555550102"}
	nobody := &Recipient{ID: "u5"}
	tests := []struct {
		name string
		r    *Recipient
		high bool
		want Plan
	}{
		{"e-mail first, the rest fall back, push accelerates", full, false, Plan{
			Primary:      []Route{{Channel: ChannelEmail, To: "a@example.org", ToName: "A"}},
			Fallback:     []Route{{Channel: ChannelSMS, To: "+15555550100", ToName: "A"}, {Channel: ChannelVoice, To: "+15555550100", ToName: "A"}, {Channel: ChannelLetter, To: "1 Main St", ToName: "A"}},
			Accelerators: []Route{{Channel: ChannelPush, To: "fcm:tok"}}}},
		{"high risk adds SMS alongside e-mail", full, true, Plan{
			Primary:      []Route{{Channel: ChannelEmail, To: "a@example.org", ToName: "A"}, {Channel: ChannelSMS, To: "+15555550100", ToName: "A"}},
			Fallback:     []Route{{Channel: ChannelVoice, To: "+15555550100", ToName: "A"}, {Channel: ChannelLetter, To: "1 Main St", ToName: "A"}},
			Accelerators: []Route{{Channel: ChannelPush, To: "fcm:tok"}}}},
		{"minor reached through guardian", minor, false, Plan{
			Primary:  []Route{{Channel: ChannelEmail, To: "parent@example.org", Guardian: true}},
			Fallback: []Route{{Channel: ChannelSMS, To: "+15555550101", Guardian: true}, {Channel: ChannelVoice, To: "+15555550101", Guardian: true}}}},
		// The letter goes to the child's home, in the guardian variant
		// ("to the parent or guardian of …"), as every route of a minor
		// with guardian contacts.
		{"minor's letter fallback is the guardian variant", minorWithHome, false, Plan{
			Primary:  []Route{{Channel: ChannelEmail, To: "parent@example.org", Guardian: true}},
			Fallback: []Route{{Channel: ChannelLetter, To: "1 High St", Guardian: true}}}},
		{"minor without guardian contact reached directly", minorNoGuardian, false, Plan{
			Primary: []Route{{Channel: ChannelEmail, To: "kid2@example.org"}}}},
		{"no e-mail: SMS first", phoneOnly, false, Plan{
			Primary:  []Route{{Channel: ChannelSMS, To: "+15555550102"}},
			Fallback: []Route{{Channel: ChannelVoice, To: "+15555550102"}}}},
		{"no contact at all", nobody, false, Plan{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DefaultPolicy().Plan(tc.r, tc.high)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("plan mismatch (-want +got):\n%s", diff)
			}
			if got.Reachable() != (len(tc.want.Primary) > 0) {
				t.Errorf("got Reachable %v, want %v", got.Reachable(), len(tc.want.Primary) > 0)
			}
		})
	}
}

func TestPolicyDisabledAndValidate(t *testing.T) {
	p := DefaultPolicy()
	p.Disabled = []Channel{ChannelVoice, ChannelLetter}
	got := p.Plan(&Recipient{Phone: "+15555550102", PostalAddress: "x"}, false)
	if len(got.Primary) != 1 || got.Primary[0].Channel != ChannelSMS || len(got.Fallback) != 0 {
		t.Errorf("got %+v, want SMS only", got)
	}
	for _, bad := range [][]Channel{nil, {"fax"}, {ChannelPush}, {ChannelEmail, ChannelEmail}} {
		if err := (Policy{Order: bad}).Validate(); err == nil {
			t.Errorf("Validate(%v): got nil, want an error", bad)
		}
	}
	if err := DefaultPolicy().Validate(); err != nil {
		t.Errorf("default policy invalid: %v", err)
	}
}

func TestDeliveryErrorClassification(t *testing.T) {
	base := errors.New("wire")
	p := Permanent("550 5.1.1", "mailbox unknown", base)
	if !IsPermanent(p) || !errors.Is(p, base) {
		t.Errorf("permanent error not classified or not unwrapping: %v", p)
	}
	if IsPermanent(Temporary("451", "try later", nil)) || IsPermanent(base) {
		t.Error("temporary or plain error classified as permanent")
	}
	if got, want := p.Error(), "permanent delivery failure 550 5.1.1: mailbox unknown"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := ParseChannel("fax"); err == nil {
		t.Error("ParseChannel(fax): got nil error")
	}
}

func TestCountsTotalsOpenComplete(t *testing.T) {
	c := Counts{
		ChannelEmail: {StateSent: 3, StatePending: 1},
		ChannelSMS:   {StateSent: 2, StateFailedTemporary: 1},
		ChannelNone:  {StateUnreachable: 1},
	}
	if got := c.Totals(); got[StateSent] != 5 || got[StateUnreachable] != 1 || got[StatePending] != 1 {
		t.Errorf("got totals %v, want 5 sent, 1 pending, 1 unreachable", got)
	}
	if open, total := c.Open(); open != 2 || total != 8 {
		t.Errorf("got open %d of %d, want 2 of 8", open, total)
	}
	if c.Complete() {
		t.Error("got complete with 2 notices open")
	}
	if (Counts{}).Complete() {
		t.Error("an empty ledger is not a completed campaign")
	}
	if !(Counts{ChannelEmail: {StateSent: 1, StateFailedPermanent: 1}}).Complete() {
		t.Error("all final: got not complete")
	}
}
