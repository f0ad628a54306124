// Package netaddr answers small questions about network host names that
// several channels' configuration checks ask: whether plain http (or an
// unencrypted SMTP login) stays on this machine.
package netaddr

import (
	"net/netip"
	"strings"
)

// IsLoopback reports whether host names this machine: "localhost" (in
// any case, with or without a final dot) or a loopback IPv4 or IPv6
// address, as url.URL.Hostname returns it (no brackets, no port). Any
// other name is not trusted to resolve to loopback.
func IsLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
