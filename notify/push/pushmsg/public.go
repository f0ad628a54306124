package pushmsg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// ErrNotPublic means a Web Push endpoint resolves to an address that is not
// on the public internet (loopback, private, link-local, …). Subscription
// endpoints come from people's browsers: sending to such an address would
// let anyone who can register a subscription make the service post to
// machines inside its own network.
var ErrNotPublic = errors.New("endpoint is not a public internet address")

// PublicTransport is Transport for requests to URLs that come from
// untrusted data (Web Push endpoints): it dials only public unicast
// addresses, checking every address a host name resolves to and dialling
// a checked one, so that a DNS answer cannot change between check and
// dial. The environment's proxy (HTTPS_PROXY) is still used and dialled
// as it is: it is then the place for egress policy.
func PublicTransport() *http.Transport {
	t := Transport()
	proxy := proxyHostPort()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if proxy != "" && addr == proxy {
			return d.DialContext(ctx, network, addr)
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		for _, ip := range ips {
			if !IsPublic(ip) {
				return nil, fmt.Errorf("dial %s: %w", ip, ErrNotPublic)
			}
		}
		var last error
		for _, ip := range ips {
			c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return c, nil
			}
			last = err
		}
		if last == nil {
			last = fmt.Errorf("no address for the endpoint host")
		}
		return nil, last
	}
	return t
}

// IsPublic reports whether ip is a public unicast address.
func IsPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() &&
		!netip.MustParsePrefix("100.64.0.0/10").Contains(ip) && // carrier-grade NAT
		!netip.MustParsePrefix("fc00::/7").Contains(ip)
}

// proxyHostPort returns the host:port of the environment's proxy for https
// requests, or "".
func proxyHostPort() string {
	req := &http.Request{URL: &url.URL{Scheme: "https", Host: "push.invalid"}}
	u, err := http.ProxyFromEnvironment(req)
	if err != nil || u == nil {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}
