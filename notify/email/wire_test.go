package email

import (
	"bufio"
	"bytes"
	"context"
	"math/rand/v2"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/notify/notifytest"
)

func TestDotStuff(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "a\r\nb\r\n", "a\r\nb\r\n.\r\n"},
		{"leading dots doubled", ".x\r\n..y\r\nz.\r\n", "..x\r\n...y\r\nz.\r\n.\r\n"},
		{"a lone dot line", "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"},
		{"bare LF becomes CRLF", "a\nb\n\n.c", "a\r\nb\r\n\r\n..c\r\n.\r\n"},
		{"no final line end", "a\r\nb", "a\r\nb\r\n.\r\n"},
		{"empty", "", ".\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(dotStuff(nil, []byte(tc.in))); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDotWriterSplits: a message written in pieces, split anywhere
// (inside a CR LF pair, before a leading dot), through Write or
// WriteString, is stuffed as in one.
func TestDotWriterSplits(t *testing.T) {
	msg := []byte("a\r\n.b\nc\r\n\r\n..d\re\n.")
	want := string(dotStuff(nil, msg))
	if want != "a\r\n..b\r\nc\r\n\r\n...d\re\r\n..\r\n.\r\n" {
		t.Fatalf("dotStuff gave %q", want)
	}
	for i := 0; i <= len(msg); i++ {
		w := newDotWriter(nil)
		_, _ = w.Write(msg[:i])
		_, _ = w.WriteString(string(msg[i:]))
		if got := string(w.end()); got != want {
			t.Errorf("split at %d: got %q, want %q", i, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab.\r\n")
	for range 2000 {
		msg := make([]byte, rng.IntN(40))
		for k := range msg {
			msg[k] = alphabet[rng.IntN(len(alphabet))]
		}
		want := string(dotStuff(nil, msg))
		w := newDotWriter(nil)
		for rest := msg; len(rest) > 0; {
			n := 1 + rng.IntN(len(rest))
			if rng.IntN(2) == 0 {
				_, _ = w.Write(rest[:n])
			} else {
				_, _ = w.WriteString(string(rest[:n]))
			}
			rest = rest[n:]
		}
		if got := string(w.end()); got != want {
			t.Fatalf("%q in pieces: got %q, want %q", msg, got, want)
		}
	}
}

// TestDotLinesArrive sends a notice whose text has lines starting with a
// dot: the server, which undoes dot-stuffing, keeps every one.
func TestDotLinesArrive(t *testing.T) {
	h := newHarness(t, notifytest.Behaviour{}, nil)
	m := notice("dot@example.net", 90)
	m.Text = "First line\n.\n.hidden\n..two\nlast"
	if _, err := h.send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msgs := h.srv.MessagesTo("dot@example.net")
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	if !bytes.Contains(msgs[0].Data, []byte("First line\r\n.\r\n.hidden\r\n..two\r\nlast")) {
		t.Errorf("got message without the dot lines intact:\n%s", msgs[0].Data)
	}
}

// fakeSMTP answers one client over a pipe with scripted replies, logging
// each command and whether more commands were already waiting when it was
// read (pipelined).
type fakeSMTP struct {
	replies map[string]string // by command verb; "." for the end of data
	log     []string
	uses    map[string]int
}

// reply is the scripted reply to the n-th use of verb: replies may hold
// several, separated by "|", for its first, second, … use (the last one
// for every use after).
func (f *fakeSMTP) reply(verb string) (string, bool) {
	r, ok := f.replies[verb]
	if !ok {
		return "", false
	}
	seq := strings.Split(r, "|")
	if f.uses == nil {
		f.uses = map[string]int{}
	}
	i := min(f.uses[verb], len(seq)-1)
	f.uses[verb]++
	return seq[i], true
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	data := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\r\n")
		if data {
			if line != "." {
				continue
			}
			data = false
		}
		verb := strings.ToUpper(strings.SplitN(line, ":", 2)[0])
		if r.Buffered() > 0 {
			verb += "+"
		}
		f.log = append(f.log, verb)
		reply, ok := f.reply(strings.TrimSuffix(verb, "+"))
		switch {
		case ok:
		case strings.HasPrefix(verb, "DATA"):
			reply = "354 go ahead"
		default:
			reply = "250 2.0.0 ok"
		}
		if strings.HasPrefix(reply, "354") {
			data = true
		}
		if _, err := c.Write([]byte(reply + "\r\n")); err != nil {
			return
		}
	}
}

func TestTransact(t *testing.T) {
	w := &wire{from: "<privacy@example.org>", to: "<kim@example.net>", data: dotStuff(nil, []byte("Subject: x\r\n\r\nhello\r\n"))}
	for _, tc := range []struct {
		name       string
		pipelining bool
		replies    map[string]string
		wantLog    []string
		wantStage  stage
		wantCode   int // 0 with wantOK
		wantOK     bool
	}{
		{"pipelined", true, nil, []string{"MAIL FROM+", "RCPT TO+", "DATA", "."}, 0, 0, true},
		{"one command at a time", false, nil, []string{"MAIL FROM", "RCPT TO", "DATA", "."}, 0, 0, true},
		{"recipient refused, DATA refused too", true, map[string]string{"RCPT TO": "550 5.1.1 no such user", "DATA": "554 5.5.1 no valid recipients"},
			[]string{"MAIL FROM+", "RCPT TO+", "DATA", "RSET"}, stageRcpt, 550, false},
		{"recipient refused, DATA answered 354", true, map[string]string{"RCPT TO": "451 4.7.1 try later", "DATA": "354 go ahead"},
			[]string{"MAIL FROM+", "RCPT TO+", "DATA", ".", "RSET"}, stageRcpt, 451, false},
		{"sender refused", true, map[string]string{"MAIL FROM": "553 5.7.1 not yours", "RCPT TO": "503 5.5.1 sender first", "DATA": "503 5.5.1 no"},
			[]string{"MAIL FROM+", "RCPT TO+", "DATA", "RSET"}, stageMail, 553, false},
		{"recipient refused without pipelining", false, map[string]string{"RCPT TO": "550 5.1.1 no such user"},
			[]string{"MAIL FROM", "RCPT TO", "RSET"}, stageRcpt, 550, false},
		{"content refused", true, map[string]string{".": "554 5.7.1 spam"},
			[]string{"MAIL FROM+", "RCPT TO+", "DATA", ".", "RSET"}, stageDataEnd, 554, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, server := net.Pipe()
			f := &fakeSMTP{replies: tc.replies}
			done := make(chan struct{})
			go func() { defer close(done); f.serve(server) }()
			te, pipelined := transact(textproto.NewConn(client), session{pipelining: tc.pipelining}, w, false, nil)
			_ = client.Close()
			<-done
			switch {
			case tc.wantOK && te != nil:
				t.Fatalf("got %v, want the message accepted", te)
			case !tc.wantOK && te == nil:
				t.Fatal("got the message accepted, want a refusal")
			case !tc.wantOK && (te.stage != tc.wantStage || te.code != tc.wantCode || te.broken):
				t.Errorf("got stage %d code %d broken %v, want stage %d code %d on a usable connection", te.stage, te.code, te.broken, tc.wantStage, tc.wantCode)
			}
			if pipelined {
				t.Error("reported the next message's commands sent, with no next message")
			}
			if diff := cmp.Diff(tc.wantLog, f.log); diff != "" {
				t.Errorf("commands the server read (+: more were waiting) (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTransactPipelinesNext sends two messages on one connection, the
// second's MAIL FROM, RCPT TO and DATA written behind the first message's
// end, as the pool does for a message waiting for a connection: one round
// trip per message instead of two, and a refusal of the first message's
// content answered without RSET (its reply ends the transaction, and the
// next commands are already on their way).
func TestTransactPipelinesNext(t *testing.T) {
	first := &wire{from: "<privacy@example.org>", to: "<kim@example.net>", data: dotStuff(nil, []byte("Subject: 1\r\n\r\none\r\n"))}
	second := &wire{from: "<privacy@example.org>", to: "<lee@example.net>", data: dotStuff(nil, []byte("Subject: 2\r\n\r\ntwo\r\n"))}
	for _, tc := range []struct {
		name        string
		replies     map[string]string
		wantFirst   int  // the first message's refusal code, 0 when accepted
		wantBroken  bool // the connection is lost after the first message
		wantSecond  int  // the second message's refusal code, 0 when accepted
		wantLog     []string
		wantOneOnly bool // the second message is not sent on this connection
	}{
		{name: "both accepted",
			wantLog: []string{"MAIL FROM+", "RCPT TO+", "DATA", ".+", "MAIL FROM+", "RCPT TO+", "DATA", "."}},
		{name: "first content refused", replies: map[string]string{".": "554 5.7.1 spam|250 2.0.0 ok"}, wantFirst: 554,
			wantLog: []string{"MAIL FROM+", "RCPT TO+", "DATA", ".+", "MAIL FROM+", "RCPT TO+", "DATA", "."}},
		{name: "second recipient refused", replies: map[string]string{"RCPT TO": "250 2.1.5 ok|550 5.1.1 no such user", "DATA": "354 go ahead|554 5.5.1 no valid recipients"},
			wantSecond: 550, wantLog: []string{"MAIL FROM+", "RCPT TO+", "DATA", ".+", "MAIL FROM+", "RCPT TO+", "DATA", "RSET"}},
		{name: "server closing after the first", replies: map[string]string{".": "421 4.3.2 shutting down"}, wantFirst: 421, wantBroken: true, wantOneOnly: true,
			wantLog: []string{"MAIL FROM+", "RCPT TO+", "DATA", ".+", "MAIL FROM+"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, server := net.Pipe()
			// A client that loses step with the server's replies fails
			// here instead of waiting for ever.
			_ = client.SetDeadline(time.Now().Add(5 * time.Second))
			f := &fakeSMTP{replies: tc.replies}
			done := make(chan struct{})
			go func() { defer close(done); f.serve(server) }()
			conn := textproto.NewConn(client)
			s := session{pipelining: true}
			asked := 0
			te, pipelined := transact(conn, s, first, false, func() (string, string, bool) { asked++; return second.from, second.to, true })
			if asked != 1 || !pipelined {
				t.Fatalf("next asked %d times, pipelined %v; want once, true", asked, pipelined)
			}
			if got := code(te); got != tc.wantFirst || (te != nil && te.broken != tc.wantBroken) {
				t.Fatalf("first message: got %+v, want code %d (broken %v)", te, tc.wantFirst, tc.wantBroken)
			}
			if !tc.wantOneOnly {
				te, pipelined = transact(conn, s, second, true, func() (string, string, bool) { return "", "", false })
				if got := code(te); got != tc.wantSecond || pipelined || (te != nil && te.broken) {
					t.Errorf("second message: got %+v (pipelined %v), want code %d on a usable connection", te, pipelined, tc.wantSecond)
				}
			}
			_ = client.Close()
			<-done
			log := f.log
			if tc.wantOneOnly && len(log) > len(tc.wantLog) {
				// The server stops when the client hangs up, in the middle
				// of the second message's commands.
				log = log[:len(tc.wantLog)]
			}
			if diff := cmp.Diff(tc.wantLog, log); diff != "" {
				t.Errorf("commands the server read (+: more were waiting) (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no PIPELINING", func(t *testing.T) {
		client, server := net.Pipe()
		f := &fakeSMTP{}
		done := make(chan struct{})
		go func() { defer close(done); f.serve(server) }()
		te, pipelined := transact(textproto.NewConn(client), session{}, first, false, func() (string, string, bool) {
			t.Error("next asked of a server without PIPELINING")
			return second.from, second.to, true
		})
		_ = client.Close()
		<-done
		if te != nil || pipelined {
			t.Errorf("got %v, pipelined %v; want the message accepted alone", te, pipelined)
		}
	})
}

// code is a transaction's refusal code, 0 when it succeeded.
func code(te *txError) int {
	if te == nil {
		return 0
	}
	return te.code
}

// TestTransactRefusedThenClosed: a server that answers the pipelined MAIL
// FROM with 421 and closes. The refusal is the answer (before the
// transaction, so the message may go out again on a fresh connection),
// not the lost connection that follows it.
func TestTransactRefusedThenClosed(t *testing.T) {
	client, server := net.Pipe()
	_ = client.SetDeadline(time.Now().Add(5 * time.Second))
	go func() {
		r := bufio.NewReader(server)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if strings.HasPrefix(line, "MAIL") {
				_, _ = server.Write([]byte("421 4.7.0 too many messages on this connection\r\n"))
				_ = server.Close()
				return
			}
		}
	}()
	w := &wire{from: "<privacy@example.org>", to: "<kim@example.net>", data: []byte(".\r\n")}
	te, _ := transact(textproto.NewConn(client), session{pipelining: true}, w, false, nil)
	if te == nil || te.stage != stageMail || te.code != 421 || !te.broken {
		t.Fatalf("got %+v, want the 421 at MAIL FROM on a broken connection", te)
	}
}

// TestTransactLostConnection: a connection closed before any reply is
// reported as unanswered (nothing can have been accepted, so the message
// may go out on a fresh connection at once).
func TestTransactLostConnection(t *testing.T) {
	client, server := net.Pipe()
	go func() {
		r := bufio.NewReader(server)
		_, _ = r.ReadString('\n')
		_ = server.Close()
	}()
	w := &wire{from: "<privacy@example.org>", to: "<kim@example.net>", data: []byte(".\r\n")}
	te, _ := transact(textproto.NewConn(client), session{pipelining: true}, w, false, nil)
	if te == nil || te.code != 0 || !te.unanswered || !te.broken {
		t.Fatalf("got %+v, want an unanswered, broken transaction", te)
	}
}
