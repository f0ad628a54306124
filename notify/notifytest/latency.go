package notifytest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// LatencyProxy forwards TCP connections to backend ("host:port") and
// delays every byte by oneWay in each direction, as a provider across a
// network would: a request and its reply take 2·oneWay more than on
// loopback, while the bytes in flight are not limited. It stops when the
// test ends, and returns the host and port to connect to.
func LatencyProxy(t testing.TB, backend string, oneWay time.Duration) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("latency proxy: %v", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		open = append(open, c)
		mu.Unlock()
	}
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range open {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", backend)
			if err != nil {
				_ = client.Close()
				continue
			}
			track(client)
			track(server)
			wg.Go(func() { delayCopy(server, client, oneWay) })
			wg.Go(func() { delayCopy(client, server, oneWay) })
		}
	})
	addr := ln.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port
}

// delayCopy copies src to dst, each chunk written oneWay after it was
// read, in order; it closes dst's writing side (or dst) when src ends.
func delayCopy(dst, src net.Conn, oneWay time.Duration) {
	type chunk struct {
		data []byte
		at   time.Time
	}
	chunks := make(chan chunk, 1024)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				chunks <- chunk{buf[:n], time.Now().Add(oneWay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range chunks {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	} else {
		_ = dst.Close()
	}
	for range chunks { // let the reader finish
	}
}
