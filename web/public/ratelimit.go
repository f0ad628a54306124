package public

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxClients bounds the per-client limiters kept in memory; past it, those
// idle longest are dropped (a dropped client starts again with a full
// burst, which the global limiter still bounds).
const maxClients = 50_000

// clientIdle is how long an unused per-client limiter is kept.
const clientIdle = 10 * time.Minute

// keyedLimiter holds one token bucket per key (a client, an address hash).
type keyedLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu   sync.Mutex
	keys map[string]*keyed
}

type keyed struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyedLimiter(limit rate.Limit, burst int, now func() time.Time) *keyedLimiter {
	return &keyedLimiter{limit: limit, burst: burst, now: now, keys: map[string]*keyed{}}
}

// allow takes one token of key's bucket.
func (k *keyedLimiter) allow(key string) bool {
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.keys[key]
	if !ok {
		if len(k.keys) >= maxClients {
			k.sweep(now)
		}
		e = &keyed{lim: rate.NewLimiter(k.limit, k.burst)}
		k.keys[key] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}

// sweep drops limiters idle for clientIdle, or all of them when none is
// (a flood of distinct clients).
func (k *keyedLimiter) sweep(now time.Time) {
	for key, e := range k.keys {
		if now.Sub(e.seen) > clientIdle {
			delete(k.keys, key)
		}
	}
	if len(k.keys) >= maxClients {
		clear(k.keys)
	}
}

// clientKey is the client of a request for rate limiting: its IPv4
// address, or the /64 of its IPv6 address (one subscriber's network).
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
