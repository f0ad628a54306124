package email

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breach-notify/breach/notify/notifytest"
)

// The tests of this file hold one connection busy with a slow server
// (DataDelay) so that messages queue behind it: X is sent first, A
// waits for the connection and gets it when X is done, B waits behind A
// and is chosen to follow A, its commands sent behind A's data.

// TestSuccessorGivesUp: B's context ends while A's reply is awaited. B
// returns when its context ends, is never delivered, and the connection
// (on which the server awaits B's data) is dropped, so the next message
// goes out whole on a fresh one.
func TestSuccessorGivesUp(t *testing.T) {
	// X's data is answered at about 600ms, A's at about 1200ms; B's
	// context ends at about 820ms, after it was chosen to follow A.
	h := newHarness(t, notifytest.Behaviour{DataDelay: 600 * time.Millisecond}, func(c *Config) { c.Connections = 1 })
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = h.send(context.Background(), notice("x@example.net", 1)) })
	time.Sleep(100 * time.Millisecond)
	var errA, errB error
	wg.Go(func() { _, errA = h.send(context.Background(), notice("a@example.net", 2)) })
	time.Sleep(20 * time.Millisecond)
	var took time.Duration
	wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, errB = h.send(ctx, notice("b@example.net", 3))
		took = time.Since(start)
	})
	wg.Wait()
	if errA != nil {
		t.Errorf("A: %v", errA)
	}
	if de := deliveryError(t, errB); de.Permanent || !errors.Is(errB, context.DeadlineExceeded) {
		t.Errorf("B: got %+v, want a temporary failure with its context's error", de)
	}
	if took > 950*time.Millisecond {
		t.Errorf("B returned %s after it began, want soon after its context's 700ms (not when A's reply came)", took)
	}
	if h.n.Stats().Pipelined == 0 {
		t.Fatal("B was not chosen to follow A: the test did not test what it should")
	}
	if _, err := h.send(context.Background(), notice("c@example.net", 4)); err != nil {
		t.Errorf("C: %v", err)
	}
	if b, c := len(h.srv.MessagesTo("b@example.net")), h.srv.MessagesTo("c@example.net"); b != 0 || len(c) != 1 {
		t.Fatalf("b got %d messages, c %d; want 0 and 1", b, len(c))
	}
	if m := parse(t, h.srv.MessagesTo("c@example.net")[0].Data); m.Header.Get(HeaderNotice) != notice("c@example.net", 4).Key {
		t.Errorf("c got the message of %q", m.Header.Get(HeaderNotice))
	}
	closeWithin(t, h.n, 5*time.Second)
}

// TestSuccessorRetriedAfterDrop: the server drops the connection when B's
// MAIL FROM (sent behind A's data) arrives. Nothing of B was answered, so
// the pool sends B again on a fresh connection and Notify succeeds.
func TestSuccessorRetriedAfterDrop(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{DataDelay: 500 * time.Millisecond}, func(c *Config) { c.Connections = 1 })
	var wg sync.WaitGroup
	var errX, errA, errB error
	wg.Go(func() { _, errX = h.send(context.Background(), notice("x@example.net", 1)) })
	time.Sleep(100 * time.Millisecond)
	wg.Go(func() { _, errA = h.send(context.Background(), notice("a@example.net", 2)) })
	time.Sleep(50 * time.Millisecond)
	wg.Go(func() { _, errB = h.send(context.Background(), notice("b@example.net", 3)) })
	// X's transaction was the first, A's (from about 500ms) the second;
	// B's MAIL FROM, read after A's data at about 1s, is the third: drop
	// it (ceil(3·0.34) > ceil(2·0.34)) and no other.
	time.Sleep(600 * time.Millisecond)
	h.srv.Update(func(b *notifytest.Behaviour) { b.DropTxRate, b.DropAt = 0.34, notifytest.DropAtMail })
	wg.Wait()
	if errX != nil || errA != nil || errB != nil {
		t.Fatalf("X %v, A %v, B %v; want all sent", errX, errA, errB)
	}
	st := h.n.Stats()
	if st.Pipelined == 0 || h.srv.Dropped() != 1 || st.Dials != 2 {
		t.Errorf("got %d pipelined, %d dropped, %d dials; want B pipelined, its connection dropped and one more dialled", st.Pipelined, h.srv.Dropped(), st.Dials)
	}
	for _, to := range []string{"x@example.net", "a@example.net", "b@example.net"} {
		if got := len(h.srv.MessagesTo(to)); got != 1 {
			t.Errorf("%s got %d messages, want 1", to, got)
		}
	}
}

// TestCloseWithSuccessor closes the notifier while B's commands are on
// their way behind A's data: A is delivered, B and D (still waiting)
// fail with ErrClosed and are not delivered, and Close returns.
func TestCloseWithSuccessor(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{DataDelay: 300 * time.Millisecond}, func(c *Config) { c.Connections = 1 })
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = h.send(context.Background(), notice("x@example.net", 1)) })
	time.Sleep(100 * time.Millisecond)
	var errA, errB, errD error
	wg.Go(func() { _, errA = h.send(context.Background(), notice("a@example.net", 2)) })
	time.Sleep(20 * time.Millisecond)
	wg.Go(func() { _, errB = h.send(context.Background(), notice("b@example.net", 3)) })
	time.Sleep(20 * time.Millisecond)
	wg.Go(func() { _, errD = h.send(context.Background(), notice("d@example.net", 5)) })
	time.Sleep(300 * time.Millisecond) // X done; A sending, B chosen to follow, D waiting
	closeWithin(t, h.n, 5*time.Second)
	wg.Wait()
	if errA != nil || !errors.Is(errB, ErrClosed) || !errors.Is(errD, ErrClosed) {
		t.Errorf("A %v, B %v, D %v; want A sent, B and D closed", errA, errB, errD)
	}
	if b, d := len(h.srv.MessagesTo("b@example.net")), len(h.srv.MessagesTo("d@example.net")); b != 0 || d != 0 {
		t.Errorf("b got %d messages, d %d; want none", b, d)
	}
}

// TestPoolWithoutPipelining: a server without PIPELINING gets one command
// at a time, nothing sent ahead, on one connection.
func TestPoolWithoutPipelining(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{}, func(c *Config) {
		c.Connections = 1
		c.Host, c.Port = withoutExtension(t, fmt.Sprintf("%s:%d", c.Host, c.Port), "PIPELINING")
	})
	var wg sync.WaitGroup
	for s := range 6 {
		wg.Go(func() {
			for i := s; i < 60; i += 6 {
				if _, err := h.send(context.Background(), notice(fmt.Sprintf("n%d@example.net", i), i)); err != nil {
					t.Errorf("message %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	if st := h.n.Stats(); st.Pipelined != 0 || st.Dials != 1 || h.srv.Delivered() != 60 {
		t.Errorf("got %+v and %d delivered, want 60 sent on one connection, none pipelined", st, h.srv.Delivered())
	}
}

// TestEightBitNotHeldBack: a message rendered as 8-bit data (the server
// offered 8BITMIME before) waits in the queue for a connection that no
// longer offers it, while three senders keep the queue busy. It is not
// skipped for younger messages: it follows in turn (its commands do not
// depend on its body) and is rendered again, quoted-printable, before its
// data is written.
func TestEightBitNotHeldBack(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{DataDelay: 2 * time.Millisecond}, func(c *Config) {
		c.Connections = 1
		c.Host, c.Port = withoutExtension(t, fmt.Sprintf("%s:%d", c.Host, c.Port), "8BITMIME")
	})
	if _, err := h.send(context.Background(), notice("warm@example.net", 0)); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for s := range 3 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				m := notice(fmt.Sprintf("s%d-%d@example.net", s, i), 1000*s+i)
				m.ToName, m.Subject = "Kim", "Important security notice"
				_, _ = h.n.Notify(context.Background(), m)
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	m := notice("eight@example.net", 9)
	m.Text = "Grüße, Zoë\n"
	if !h.n.composer.eightBitBody(m) {
		t.Fatal("the test message would not be rendered as 8-bit data")
	}
	h.n.eightBit.Store(true) // as if the last connection had offered 8BITMIME
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := h.n.Notify(ctx, m)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("the 8-bit message: %v, while the others kept the queue busy", err)
	}
	got := h.srv.MessagesTo("eight@example.net")
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	if body := string(got[0].Data); !strings.Contains(body, "Content-Transfer-Encoding: quoted-printable") {
		t.Errorf("the 8-bit body went out without quoted-printable to a server without 8BITMIME:\n%s", body)
	}
}

// closeWithin fails the test when Close takes longer than d.
func closeWithin(t *testing.T, n *Notifier, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { _ = n.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("Close did not return within %s", d)
	}
}
