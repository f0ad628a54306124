package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/breach-notify/breach/internal/config"
)

// TokenPrefix starts every token, so that a leaked one is easy to spot
// (secret scanners, logs) and to tell from other credentials.
const TokenPrefix = "brt_"

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// tokenLen is the length of a well-formed token.
var tokenLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(tokenBytes)

// NewToken returns a new random token, "brt_" and 43 base64url characters,
// as a Secret so that it cannot be printed or logged by accident.
func NewToken() (config.Secret, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return config.Secret{}, fmt.Errorf("new token: %w", err)
	}
	return config.NewSecret(TokenPrefix + base64.RawURLEncoding.EncodeToString(b)), nil
}

// wellFormed reports whether token has the shape NewToken gives, so that
// anything else is refused before the store is asked.
func wellFormed(token string) bool {
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok || len(token) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	return err == nil
}

// HashToken returns what the store keeps of a token: its hex SHA-256.
//
// A fast hash is right here, where a password would need a slow one
// (bcrypt, argon2): a token has 256 random bits, so guessing one from its
// hash is as hard as guessing the token, however fast the hash; and a
// deterministic hash lets the store find a token by an indexed lookup of
// its hash on every request, with no token id to send and no per-request
// key-derivation cost. Looking up by hash also means the secret is never
// compared byte by byte: timing can reveal something about the hash of a
// guess, which says nothing about any stored token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MaxNameLen bounds a principal's name.
const MaxNameLen = 64

// CheckName returns an error unless name is a valid principal name: 1 to
// 64 ASCII letters, digits, '.', '_' or '-', starting with a letter or a
// digit. (So it never contains ':', which marks breach's own principals,
// see System.)
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("token name is empty")
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("token name is %d characters long; at most %d are allowed", len(name), MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return fmt.Errorf("token name %q: use letters, digits, '.', '_' or '-', starting with a letter or digit", name)
		}
	}
	return nil
}
