package netaddr

import "testing"

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost":        true,
		"LocalHost":        true,
		"localhost.":       true,
		"127.0.0.1":        true,
		"127.8.9.10":       true,
		"::1":              true,
		"::ffff:127.0.0.1": true,
		"":                 false,
		"[::1]":            false, // Hostname strips the brackets; a raw one is not a host name
		"10.0.0.1":         false,
		"0.0.0.0":          false,
		"::":               false,
		"localhost.evil":   false,
		"mylocalhost":      false,
		"example.org":      false,
		"127.0.0.1.nip.io": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
