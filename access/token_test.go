package access

import (
	"fmt"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		tok := s.Reveal()
		if !strings.HasPrefix(tok, TokenPrefix) || len(tok) != 47 || !wellFormed(tok) {
			t.Fatalf("NewToken: got %q, want brt_ and 43 base64url characters", tok)
		}
		if seen[tok] {
			t.Fatalf("NewToken repeated a token")
		}
		seen[tok] = true
		if got := fmt.Sprint(s); strings.Contains(got, tok) {
			t.Errorf("printing the token: got %q, want it hidden", got)
		}
	}
}

func TestWellFormed(t *testing.T) {
	good := TokenPrefix + strings.Repeat("A", 43)
	tests := []struct {
		name string
		tok  string
		want bool
	}{
		{"good", good, true},
		{"empty", "", false},
		{"no prefix", strings.Repeat("A", 47), false},
		{"short", good[:46], false},
		{"long", good + "A", false},
		{"not base64url", TokenPrefix + strings.Repeat("+", 43), false},
		{"padding", TokenPrefix + strings.Repeat("A", 42) + "=", false},
		{"non-canonical last char", TokenPrefix + strings.Repeat("A", 42) + "B", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := wellFormed(tc.tok); got != tc.want {
				t.Errorf("wellFormed(%q): got %v, want %v", tc.tok, got, tc.want)
			}
		})
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256("brt_x"), computed independently with sha256sum.
	const want = "d5667385a69f96b7269eca9ee7c7a52f5d98aa30f028d87a6b7644e1595af7eb"
	if got := HashToken("brt_x"); len(got) != 64 || got == HashToken("brt_y") {
		t.Errorf("HashToken: got %q, want 64 hex digits differing per token", got)
	} else if got != want {
		t.Errorf("HashToken(brt_x): got %s, want %s", got, want)
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"ci-detector", true},
		{"team.sec_1", true},
		{"A", true},
		{strings.Repeat("a", MaxNameLen), true},
		{"", false},
		{strings.Repeat("a", MaxNameLen+1), false},
		{"-lead", false},
		{".hidden", false},
		{"system:serve", false},
		{"a b", false},
		{"a/b", false},
		{"jo@example.com", false},
		{"zoë", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckName(tc.name); (err == nil) != tc.ok {
				t.Errorf("CheckName(%q): got %v, want ok=%v", tc.name, err, tc.ok)
			}
		})
	}
}
