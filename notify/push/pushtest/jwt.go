// Package pushtest holds faithful in-process fakes of the three push
// services for the tests and benchmarks of notify/push and its senders: a
// Web Push service that checks the VAPID JWT and TTL and decrypts the
// RFC 8291 payload with a subscription key pair the test generated; an FCM
// HTTP v1 API with its OAuth2 token endpoint and its real error bodies;
// and an APNs provider API over HTTP/2 and TLS that checks the provider
// token and answers with Apple's reason strings.
package pushtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// verifyJWT checks the signature of a compact JWT (ES256 with an
// *ecdsa.PublicKey, RS256 with an *rsa.PublicKey) and returns its header
// and claims.
func verifyJWT(token string, key crypto.PublicKey) (header, claims map[string]any, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("jwt: not three parts")
	}
	dec := func(s string, v any) error {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("jwt: base64url: %w", err)
		}
		return json.Unmarshal(b, v)
	}
	if err := dec(parts[0], &header); err != nil {
		return nil, nil, err
	}
	if err := dec(parts[1], &claims); err != nil {
		return nil, nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, nil, fmt.Errorf("jwt: signature: %w", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		if header["alg"] != "ES256" {
			return nil, nil, fmt.Errorf("jwt: alg %v, want ES256", header["alg"])
		}
		if len(sig) != 64 {
			return nil, nil, fmt.Errorf("jwt: ES256 signature of %d bytes, want 64", len(sig))
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, sum[:], r, s) {
			return nil, nil, errors.New("jwt: bad ES256 signature")
		}
	case *rsa.PublicKey:
		if header["alg"] != "RS256" {
			return nil, nil, fmt.Errorf("jwt: alg %v, want RS256", header["alg"])
		}
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig); err != nil {
			return nil, nil, errors.New("jwt: bad RS256 signature")
		}
	default:
		return nil, nil, fmt.Errorf("jwt: unsupported key %T", key)
	}
	return header, claims, nil
}

// numClaim returns a numeric claim as int64.
func numClaim(claims map[string]any, name string) (int64, bool) {
	f, ok := claims[name].(float64)
	return int64(f), ok
}
