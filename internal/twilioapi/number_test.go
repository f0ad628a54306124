package twilioapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/breach-notify/breach/notify"
)

func TestNormalizeNumber(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"e164", "+447700900123", "+447700900123", true},
		{"separators", " +44 (7700) 900-123 ", "+447700900123", true},
		{"dots and no-break space", "+1.500.555\u00a00006", "+15005550006", true},
		{"shortest", "+1234567", "+1234567", true},
		{"no plus", "447700900123", "447700900123", false},
		{"letters", "+44 7700 CALL ME", "+447700CALLME", false},
		{"sixteen digits", "+4477009001234567", "+4477009001234567", false},
		{"country code zero", "+0447700900123", "+0447700900123", false},
		{"too short", "+123456", "+123456", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeNumber(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v, want %q, %v", got, ok, tt.want, tt.ok)
			}
			if IsE164(got) != tt.ok {
				t.Errorf("IsE164(%q): got %v, want %v", got, !tt.ok, tt.ok)
			}
		})
	}
}

func TestRecipient(t *testing.T) {
	msg := func(to string) *notify.Message { return &notify.Message{Key: "k", To: to} }
	tests := []struct {
		name string
		m    *notify.Message
		want string
		code string
		kind error // nil: no error
	}{
		{"normalised", msg("+44 7700 900-123"), "+447700900123", "", nil},
		{"nil message", nil, "", "", errAny},
		{"empty number", msg("  "), "", "", notify.ErrNoAddress},
		{"not e164", msg("07700 900123"), "", CodeInvalidNumber, ErrInvalidNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Recipient(tt.m)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.kind == nil {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var de *notify.DeliveryError
			if !errors.As(err, &de) || !de.Permanent || de.Code != tt.code {
				t.Fatalf("got %v, want a permanent delivery error with code %q", err, tt.code)
			}
			if tt.kind != errAny && !errors.Is(err, tt.kind) {
				t.Errorf("got %v, want it to wrap %v", err, tt.kind)
			}
			if strings.Contains(err.Error(), "7700") {
				t.Errorf("got the number in %q", err)
			}
		})
	}
}

// errAny stands for any error in a table.
var errAny = errors.New("any error")
