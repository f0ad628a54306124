package twilioapi

import "testing"

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
