package notifytest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"
)

// send delivers one small message over a new connection with the go-smtp
// client and returns the first error.
func send(addr, to string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	return sendOn(c, to)
}

func sendOn(c *smtp.Client, to string) error {
	if err := c.Mail("sender@example.org", nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "Subject: hi\r\n\r\nhello %s\r\n", to); err != nil {
		return err
	}
	return w.Close()
}

func code(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestRecordsMessages(t *testing.T) {
	s := StartSMTP(t, Behaviour{})
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"a@example.net", "b@example.net"} {
		if err := sendOn(c, to); err != nil {
			t.Fatalf("send to %s: %v", to, err)
		}
	}
	_ = c.Quit()
	got := s.Messages()
	if len(got) != 2 || s.Delivered() != 2 || s.Connections() != 1 {
		t.Fatalf("got %d messages, %d delivered over %d connections, want 2, 2, 1", len(got), s.Delivered(), s.Connections())
	}
	want := Message{Conn: 1, From: "sender@example.org", To: []string{"b@example.net"}, Data: []byte("Subject: hi\r\n\r\nhello b@example.net\r\n")}
	if diff := cmp.Diff(want, got[1]); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
	if n := len(s.MessagesTo("A@example.net")); n != 1 {
		t.Errorf("got %d messages to A@example.net, want 1 (case-insensitive)", n)
	}
}

func TestRejectAndDefer(t *testing.T) {
	s := StartSMTP(t, Behaviour{Reject: []string{"gone@example.net"}, Defer: []string{"slow@example.net"}, DeferTimes: 2})
	var se *smtp.SMTPError
	if err := send(s.Addr, "gone@example.net"); !errors.As(err, &se) || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) {
		t.Errorf("got %v, want 550 5.1.1", err)
	}
	for i := range 2 {
		if err := send(s.Addr, "slow@example.net"); code(err) != 451 {
			t.Errorf("attempt %d: got %v, want 451", i+1, err)
		}
	}
	if err := send(s.Addr, "slow@example.net"); err != nil {
		t.Errorf("attempt 3: got %v, want acceptance", err)
	}
	if got := s.RcptAttempts("slow@example.net"); got != 3 {
		t.Errorf("got %d attempts, want 3", got)
	}
}

func TestDeferRateIsDeterministic(t *testing.T) {
	const n = 400
	count := func() (deferred []string) {
		s := StartSMTP(t, Behaviour{DeferRate: 0.25, Seed: 7})
		c, err := smtp.Dial(s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for i := range n {
			to := fmt.Sprintf("user%d@example.net", i)
			if err := sendOn(c, to); code(err) == 451 {
				deferred = append(deferred, to)
				_ = c.Reset()
			} else if err != nil {
				t.Fatalf("send: %v", err)
			}
		}
		return deferred
	}
	a, b := count(), count()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two runs deferred different recipients (-first +second):\n%s", diff)
	}
	if len(a) < n/4-40 || len(a) > n/4+40 {
		t.Errorf("got %d of %d deferred, want about a quarter", len(a), n)
	}
}

func TestDrops(t *testing.T) {
	tests := []struct {
		name  string
		b     Behaviour
		conns int
		want  []bool // per connection: dropped?
	}{
		{"half at data", Behaviour{DropRate: 0.5}, 6, []bool{true, false, true, false, true, false}},
		{"all at rcpt", Behaviour{DropRate: 1, DropAt: DropAtRcpt}, 3, []bool{true, true, true}},
		{"a third at mail", Behaviour{DropRate: 1.0 / 3, DropAt: DropAtMail}, 6, []bool{true, false, false, true, false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := StartSMTP(t, tc.b)
			var got []bool
			for i := range tc.conns {
				err := send(s.Addr, fmt.Sprintf("u%d@example.net", i))
				got = append(got, err != nil)
				if err != nil && code(err) != 0 {
					t.Errorf("got SMTP reply %v, want the connection closed", err)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("dropped connections (-want +got):\n%s", diff)
			}
			dropped := 0
			for _, d := range tc.want {
				if d {
					dropped++
				}
			}
			if s.Dropped() != dropped || s.Delivered() != tc.conns-dropped {
				t.Errorf("got %d dropped, %d delivered, want %d and %d", s.Dropped(), s.Delivered(), dropped, tc.conns-dropped)
			}
		})
	}

	t.Run("drop next", func(t *testing.T) {
		s := StartSMTP(t, Behaviour{})
		s.DropNext(1)
		if err := send(s.Addr, "x@example.net"); err == nil {
			t.Errorf("got delivery, want the first connection dropped")
		}
		if err := send(s.Addr, "x@example.net"); err != nil {
			t.Errorf("got %v, want the second connection to work", err)
		}
	})
}

// TestDropTxRate sends every message on one reused connection, as a pooled
// client does, and checks that DropTxRate drops transactions, not only new
// connections.
func TestDropTxRate(t *testing.T) {
	tests := []struct {
		name string
		at   Stage
	}{
		{"at mail", DropAtMail},
		{"at rcpt", DropAtRcpt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := StartSMTP(t, Behaviour{DropTxRate: 0.25, DropAt: tc.at})
			var got []bool
			var c *smtp.Client
			for i := range 8 {
				if c == nil {
					var err error
					if c, err = smtp.Dial(s.Addr); err != nil {
						t.Fatal(err)
					}
				}
				err := sendOn(c, fmt.Sprintf("u%d@example.net", i))
				got = append(got, err != nil)
				if err != nil {
					if code(err) != 0 {
						t.Errorf("message %d: got SMTP reply %v, want the connection closed", i, err)
					}
					_ = c.Close()
					c = nil
				}
			}
			if c != nil {
				_ = c.Close()
			}
			want := []bool{true, false, false, false, true, false, false, false}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("dropped transactions (-want +got):\n%s", diff)
			}
			wantAccepted := map[string]int{"u1@example.net": 1, "u2@example.net": 1, "u3@example.net": 1, "u5@example.net": 1, "u6@example.net": 1, "u7@example.net": 1}
			if diff := cmp.Diff(wantAccepted, s.AcceptedByRecipient()); diff != "" {
				t.Errorf("accepted by recipient (-want +got):\n%s", diff)
			}
			if s.Connections() != 3 || s.Dropped() != 2 || s.Delivered() != 6 {
				t.Errorf("got %d connections, %d dropped, %d delivered, want 3, 2 and 6", s.Connections(), s.Dropped(), s.Delivered())
			}
		})
	}
}

func TestAuthAndTLS(t *testing.T) {
	creds := &Credentials{Username: "u", Password: "p"}
	s := StartSMTP(t, Behaviour{Auth: creds, StartTLS: true, RequireTLS: true})

	plain, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.Mail("a@example.org", nil); code(err) != 530 {
		t.Errorf("MAIL without TLS: got %v, want 530", err)
	}
	if ok, _ := plain.Extension("AUTH"); ok {
		t.Errorf("got AUTH offered before TLS, want it only after STARTTLS")
	}

	c, err := smtp.DialStartTLS(s.Addr, &tls.Config{RootCAs: s.CertPool(), ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("STARTTLS with the server's CA: %v", err)
	}
	defer c.Close()
	if err := c.Mail("a@example.org", nil); code(err) != 530 {
		t.Errorf("MAIL before AUTH: got %v, want 530", err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "u", "wrong")); code(err) != 535 {
		t.Errorf("wrong password: got %v, want 535", err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "u", "p")); err != nil {
		t.Fatalf("AUTH: %v", err)
	}
	if err := sendOn(c, "b@example.net"); err != nil {
		t.Fatalf("send: %v", err)
	}
	m := s.Messages()[0]
	if !m.TLS || m.User != "u" || s.AuthFailures() != 1 {
		t.Errorf("got TLS %v user %q failures %d, want true, u, 1", m.TLS, m.User, s.AuthFailures())
	}
}

func TestImplicitTLS(t *testing.T) {
	s := StartSMTP(t, Behaviour{ImplicitTLS: true})
	c, err := smtp.DialTLS(s.Addr, &tls.Config{RootCAs: s.CertPool(), ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := sendOn(c, "b@example.net"); err != nil {
		t.Fatalf("send: %v", err)
	}
	if !s.Messages()[0].TLS {
		t.Errorf("got a message without TLS, want TLS")
	}
}

func TestCloseConnectionsAndConcurrency(t *testing.T) {
	s := StartSMTP(t, Behaviour{Discard: true})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := smtp.Dial(s.Addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for i := range 25 {
				if err := sendOn(c, fmt.Sprintf("w%d-%d@example.net", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s.WaitDelivered(t, 200, 5*time.Second)
	if s.Delivered() != 200 || len(s.Messages()) != 0 || s.Connections() != 8 {
		t.Errorf("got %d delivered, %d kept, %d connections, want 200, 0 (Discard), 8", s.Delivered(), len(s.Messages()), s.Connections())
	}
	if acc := s.AcceptedByRecipient(); len(acc) != 200 || acc["w7-24@example.net"] != 1 {
		t.Errorf("got %d recipients counted (w7-24 %d times), want 200 once each with Discard", len(acc), acc["w7-24@example.net"])
	}
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	// The eight finished clients' connections close asynchronously.
	for deadline := time.Now().Add(5 * time.Second); s.OpenConnections() != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("got %d open connections, want 1", s.OpenConnections())
		}
	}
	if n := s.CloseConnections(); n != 1 {
		t.Errorf("got %d connections closed, want 1", n)
	}
	if err := c.Noop(); err == nil {
		t.Errorf("got a working connection after CloseConnections, want it closed")
	}
}

// fakeTB records failures instead of failing the test.
type fakeTB struct {
	testing.TB
	errors []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "send failed" }
func (w wrapped) Unwrap() error { return w.err }

func TestAssertNoLeak(t *testing.T) {
	tests := []struct {
		name   string
		errs   []error
		logs   string
		leaked bool
	}{
		{"clean", []error{errors.New("permanent delivery failure 550 5.1.1")}, `{"level":"info","msg":"sent"}`, false},
		{"address in error", []error{errors.New("550 <Alice@Example.net>: unknown")}, "", true},
		{"address deep in the chain", []error{wrapped{fmt.Errorf("rcpt: %w", errors.New("alice@example.net"))}}, "", true},
		{"address in joined error", []error{errors.Join(errors.New("x"), errors.New("to alice@example.net"))}, "", true},
		{"password in log", nil, `{"msg":"auth","password":"hunter2"}`, true},
		{"base64 password in log", nil, "AUTH PLAIN aHVudGVyMg==", true},
		{"nil error", []error{nil}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeTB{TB: t}
			AssertNoLeak(f, []string{"hunter2", ""}, []string{"alice@example.net", ""}, tc.errs, tc.logs)
			if got := len(f.errors) > 0; got != tc.leaked {
				t.Errorf("got leak reported %v (%v), want %v", got, f.errors, tc.leaked)
			}
			for _, e := range f.errors {
				if strings.Contains(e, "hunter2") || strings.Contains(strings.ToLower(e), "alice@") {
					t.Errorf("the failure message itself leaks: %q", e)
				}
			}
		})
	}
}

func TestLog(t *testing.T) {
	l := NewLog()
	l.Entry.WithField("smtp_code", "535").Error("SMTP authentication failed")
	l.Entry.Debug("debug line")
	if got := l.Count(logrus.ErrorLevel, "authentication"); got != 1 {
		t.Errorf("got %d, want 1", got)
	}
	if !strings.Contains(l.String(), `"smtp_code":"535"`) || !strings.Contains(l.String(), "debug line") {
		t.Errorf("got %q, want every field and the debug line", l.String())
	}
	if got := len(l.Records()); got != 2 {
		t.Errorf("got %d records, want 2", got)
	}
}

// TestProxyLatency checks that the proxy delays a round trip by twice the
// one-way delay and passes the bytes through unchanged, in order.
func TestProxyLatency(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.Copy(c, c) // echo
	}()
	host, port := Proxy(t, ln.Addr().String(), ProxyOptions{OneWay: 20 * time.Millisecond})
	c, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	want := bytes.Repeat([]byte("0123456789abcdef"), 8192) // 128 KiB, several chunks
	start := time.Now()
	go func() { _, _ = c.Write(want) }()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Errorf("round trip took %s, want at least 40ms", d)
	}
	if !bytes.Equal(got, want) {
		t.Error("the bytes came back changed")
	}
}
