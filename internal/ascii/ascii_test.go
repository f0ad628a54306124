package ascii

import (
	"strings"
	"testing"
)

// TestIs puts every octet value at every position of strings of several
// lengths (the word loop, the tail, both).
func TestIs(t *testing.T) {
	for _, n := range []int{1, 7, 8, 19} {
		for c := 0; c < 256; c++ {
			for pos := range n {
				s := []byte(strings.Repeat("a", n))
				s[pos] = byte(c)
				if got, want := Is(string(s)), c < 0x80; got != want {
					t.Fatalf("length %d, octet %#x at %d: got %t, want %t", n, c, pos, got, want)
				}
			}
		}
	}
	if !Is("") {
		t.Error(`Is("") = false, want true`)
	}
}
