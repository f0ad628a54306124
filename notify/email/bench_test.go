package email

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breach-notify/breach/notify/notifytest"
)

// BenchmarkEmailPool measures messages per second through the connection
// pool into the in-process SMTP sink (which shares the CPU with the
// sender). Run: go test ./notify/email -run '^$' -bench EmailPool -benchtime 5000x
func BenchmarkEmailPool(b *testing.B) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	edDER, err := x509.MarshalPKCS8PrivateKey(edKey)
	if err != nil {
		b.Fatal(err)
	}
	edPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER})
	for _, bc := range []struct {
		name  string
		conns int
		dkim  *DKIMConfig
	}{
		{"conns=1", 1, nil},
		{"conns=4", 4, nil},
		{"conns=8", 8, nil},
		{"conns=4/dkim-rsa2048", 4, &DKIMConfig{Domain: "example.org", Selector: "s1", KeyPEM: rsaPEM}},
		{"conns=4/dkim-ed25519", 4, &DKIMConfig{Domain: "example.org", Selector: "s1", KeyPEM: edPEM}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := notifytest.StartSMTP(b, notifytest.Behaviour{Discard: true})
			benchPool(b, srv.Host, srv.Port, bc.conns, bc.dkim)
			if got := srv.Connections(); got > bc.conns {
				b.Errorf("got %d connections, want at most %d", got, bc.conns)
			}
		})
	}
}

// BenchmarkEmailPoolLatency measures the pool against an SMTP server 1 ms
// away each way (notifytest.Proxy in front of the in-process
// sink), as a provider across a network is: there the round trips per
// message, not the processor, bound a connection's rate.
func BenchmarkEmailPoolLatency(b *testing.B) {
	for _, conns := range []int{1, 4} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			srv := notifytest.StartSMTP(b, notifytest.Behaviour{Discard: true})
			host, port := notifytest.Proxy(b, net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port)), notifytest.ProxyOptions{OneWay: time.Millisecond})
			benchPool(b, host, port, conns, nil)
		})
	}
}

// BenchmarkEmailPoolExternal runs the same load against an SMTP sink
// outside the process, e.g. Postfix's smtp-sink:
//
//	smtp-sink -c -u nobody 127.0.0.1:2525 1000 &
//	BREACH_SMTP_SINK=127.0.0.1:2525 go test ./notify/email -run '^$' -bench EmailPoolExternal -benchtime 10000x
func BenchmarkEmailPoolExternal(b *testing.B) {
	addr := os.Getenv("BREACH_SMTP_SINK")
	if addr == "" {
		b.Skipf("set BREACH_SMTP_SINK=host:port to benchmark against an external SMTP sink")
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		b.Fatalf("BREACH_SMTP_SINK: %v", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		b.Fatalf("BREACH_SMTP_SINK port: %v", err)
	}
	for _, conns := range []int{1, 4, 20} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			benchPool(b, host, port, conns, nil)
		})
	}
}

func benchPool(b *testing.B, host string, port, conns int, dkim *DKIMConfig) {
	n, err := New(Config{Host: host, Port: port, TLS: TLSNone, From: "privacy@example.org", Connections: conns, DKIM: dkim},
		notifytest.NewLog().Entry)
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	var seq atomic.Int64
	b.SetParallelism(conns) // at least conns senders, so every connection is busy
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(seq.Add(1))
			if _, err := n.Notify(context.Background(), notice(fmt.Sprintf("user%d@example.net", i), i)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if st := n.Stats(); st.Dials > int64(conns) {
		b.Errorf("got %d dials, want at most %d", st.Dials, conns)
	}
}

// TestIntegrationExternalSink delivers through an SMTP server outside the
// process (Postfix's smtp-sink in CI-like setups).
func TestIntegrationExternalSink(t *testing.T) {
	addr := os.Getenv("BREACH_SMTP_SINK")
	if addr == "" {
		t.Skipf("set BREACH_SMTP_SINK=host:port (e.g. smtp-sink -u nobody 127.0.0.1:2525 1000) to run")
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("BREACH_SMTP_SINK: %v", err)
	}
	port, _ := strconv.Atoi(portStr)
	log := notifytest.NewLog()
	n, err := New(Config{Host: host, Port: port, TLS: TLSNone, From: "privacy@example.org", Connections: 4}, log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var errs []error
	var rcpts []string
	for i := range 200 {
		to := fmt.Sprintf("user%d@example.net", i)
		_, err := n.Notify(context.Background(), notice(to, i))
		errs, rcpts = append(errs, err), append(rcpts, to)
		if err != nil {
			t.Errorf("Notify %d: %v", i, err)
		}
	}
	if st := n.Stats(); st.Sent != 200 || st.Dials != 1 {
		t.Errorf("got stats %+v, want 200 sent over 1 connection (sequential sends reuse the warmest)", st)
	}
	notifytest.AssertNoLeak(t, nil, rcpts, errs, log.String())
}
