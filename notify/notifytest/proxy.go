package notifytest

import (
	"bufio"
	"net"
	"sync"
	"testing"
	"time"
)

// ProxyOptions shape what Proxy does to the bytes it forwards.
type ProxyOptions struct {
	// OneWay delays every byte by this much in each direction, as a
	// provider across a network would: a request and its reply take
	// 2·OneWay more than on loopback, while the bytes in flight are not
	// limited.
	OneWay time.Duration
	// ServerLine, when set, rewrites each line the server sends (its line
	// end included) before the client gets it, e.g. to hide an EHLO
	// extension.
	ServerLine func(line string) string
}

// Proxy forwards TCP connections to backend ("host:port") as o says. It
// stops, closing every connection, when the test ends, and returns the
// host and port to connect to.
func Proxy(t testing.TB, backend string, o ProxyOptions) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy: %v", err)
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
			wg.Go(func() { delayCopy(server, client, o.OneWay, nil) })
			wg.Go(func() { delayCopy(client, server, o.OneWay, o.ServerLine) })
		}
	})
	addr := ln.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port
}

// delayCopy copies src to dst, each chunk written oneWay after it was
// read, in order, line by line through rewrite when it is set; it closes
// dst's writing side (or dst) when src ends.
func delayCopy(dst, src net.Conn, oneWay time.Duration, rewrite func(string) string) {
	type chunk struct {
		data []byte
		at   time.Time
	}
	chunks := make(chan chunk, 1024)
	go func() {
		defer close(chunks)
		read := func() ([]byte, error) {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			return buf[:n], err
		}
		if rewrite != nil {
			r := bufio.NewReader(src)
			read = func() ([]byte, error) {
				line, err := r.ReadString('\n')
				if line == "" {
					return nil, err
				}
				return []byte(rewrite(line)), err
			}
		}
		for {
			data, err := read()
			if len(data) > 0 {
				chunks <- chunk{data, time.Now().Add(oneWay)}
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
