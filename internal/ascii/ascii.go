// Package ascii tells whether text is US-ASCII, eight octets at a time:
// the notice gate's normalization and the e-mail channel's choice of a
// transfer encoding both ask, once or more for every notice.
package ascii

import (
	"encoding/binary"
	"unicode/utf8"
)

// highs has the top bit of every octet of a word set.
const highs = 0x8080808080808080

// Is reports whether s is US-ASCII (no octet at or above 0x80).
func Is(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if binary.LittleEndian.Uint64([]byte(s[i:i+8]))&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
