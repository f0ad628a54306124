package notifytest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"maps"
	"math"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Credentials are an SMTP AUTH user name and password.
type Credentials struct {
	Username, Password string
}

// Stage names the point of an SMTP session at which a scripted drop closes
// the connection.
type Stage int

// The stages a connection can be dropped at.
const (
	// DropAtData reads the whole message, then closes the connection
	// before replying: the sender cannot know whether it was accepted, and
	// the server does not keep it.
	DropAtData Stage = iota
	// DropAtRcpt closes the connection when RCPT TO arrives.
	DropAtRcpt
	// DropAtMail closes the connection when MAIL FROM arrives.
	DropAtMail
)

// String implements fmt.Stringer.
func (s Stage) String() string {
	switch s {
	case DropAtData:
		return "data"
	case DropAtRcpt:
		return "rcpt"
	case DropAtMail:
		return "mail"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// Behaviour scripts an SMTPServer. The zero value accepts everything
// without authentication or TLS. Fractions choose recipients and
// connections deterministically, so a test sees the same failures on
// every run.
type Behaviour struct {
	// Auth, when set, offers AUTH PLAIN and refuses MAIL FROM (530 5.7.0)
	// until the client authenticated with these credentials; wrong ones
	// get 535 5.7.8.
	Auth *Credentials
	// StartTLS offers STARTTLS with a self-signed certificate for
	// 127.0.0.1, ::1 and localhost. AUTH is then only offered over TLS.
	StartTLS bool
	// RequireTLS refuses MAIL FROM (530 5.7.0) on a connection that did
	// not start TLS.
	RequireTLS bool
	// ImplicitTLS makes the listener speak TLS from the first byte (the
	// port 465 style), with the same self-signed certificate.
	ImplicitTLS bool

	// Reject lists recipient addresses answered "550 5.1.1" at RCPT TO
	// (case-insensitive). The reply echoes the address, as real servers
	// do.
	Reject []string
	// Defer lists recipient addresses answered "451 4.7.1" at RCPT TO.
	Defer []string
	// DeferRate defers this fraction (0..1) of all recipients, picked by a
	// hash of the address and Seed.
	DeferRate float64
	// DeferTimes is how many RCPT attempts for a deferred address fail
	// before it is accepted; 0 means the first attempt only. Use a large
	// number to defer forever.
	DeferTimes int
	// Seed varies which recipients DeferRate picks.
	Seed uint64
	// RejectData answers "554 5.7.1" after the message data when it is
	// addressed to one of these addresses (content refused).
	RejectData []string
	// DeferData answers "451 4.3.0" after the message data when it is
	// addressed to one of these addresses (a temporary local problem).
	DeferData []string

	// DropRate drops this fraction (0..1) of connections at DropAt:
	// connection n (counting from 1) is dropped when ceil(n·rate) grows,
	// so 0.5 drops connections 1, 3, 5, … and 1 drops every connection.
	DropRate float64
	// DropAt is where a dropped connection is closed.
	DropAt Stage
	// DropTxRate drops this fraction (0..1) of mail transactions at DropAt,
	// whatever connection carries them: transaction n (counting MAIL FROM
	// commands from 1) is dropped when ceil(n·rate) grows. A client that
	// pools connections sends many messages on each, so DropRate alone
	// would seldom hit it.
	DropTxRate float64

	// DataDelay is waited after the message data was read and before the
	// reply, to simulate a slow server.
	DataDelay time.Duration
	// Discard counts accepted messages without keeping them, for
	// benchmarks.
	Discard bool
}

// Message is one message the server accepted.
type Message struct {
	// Conn numbers the connection that carried it, from 1.
	Conn int
	// User is the authenticated user name, if any.
	User string
	// TLS reports whether the connection was encrypted.
	TLS  bool
	From string
	To   []string
	// Data is the raw message as received (CRLF line ends, dot-unstuffed).
	Data []byte
}

// SMTPServer is an in-process SMTP server on 127.0.0.1 for tests. All its
// methods are safe for concurrent use.
type SMTPServer struct {
	// Addr is host:port; Host and Port are its parts.
	Addr string
	Host string
	Port int

	srv     *smtp.Server
	ln      net.Listener
	tlsCert tls.Certificate
	cert    *x509.Certificate

	mu           sync.Mutex
	b            Behaviour
	conns        int
	txs          int
	dropNext     int
	dropped      int
	delivered    int
	authFailures int
	messages     []Message
	rcpts        map[string]int
	accepted     map[string]int
	open         map[*trackedConn]struct{}
}

// StartSMTP starts a server with behaviour b on 127.0.0.1:0 and stops it
// when the test ends.
func StartSMTP(t testing.TB, b Behaviour) *SMTPServer {
	t.Helper()
	s, err := NewSMTPServer(b)
	if err != nil {
		t.Fatalf("start SMTP server: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// NewSMTPServer starts a server with behaviour b on 127.0.0.1:0 outside a
// test (benchmark drivers, tools). Close stops it.
func NewSMTPServer(b Behaviour) (*SMTPServer, error) {
	s := &SMTPServer{b: b, rcpts: map[string]int{}, accepted: map[string]int{}, open: map[*trackedConn]struct{}{}}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "notifytest.localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.AllowInsecureAuth = !b.StartTLS && !b.ImplicitTLS
	if b.StartTLS || b.ImplicitTLS {
		cert, leaf, err := selfSigned()
		if err != nil {
			return nil, err
		}
		s.tlsCert, s.cert = cert, leaf
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	s.srv = srv

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	var ln net.Listener = &countingListener{Listener: raw, s: s}
	if b.ImplicitTLS {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	tcp := raw.Addr().(*net.TCPAddr)
	s.Addr, s.Host, s.Port = raw.Addr().String(), tcp.IP.String(), tcp.Port
	s.ln = raw
	go func() { _ = srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and closes every connection.
func (s *SMTPServer) Close() error {
	// Close the listener here too: Serve may not have registered it with
	// the go-smtp server yet.
	_ = s.ln.Close()
	err := s.srv.Close()
	if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Update changes the scripted behaviour of a running server (Reject,
// Defer, DeferRate, DeferTimes, Seed, DropRate, DropAt, DropTxRate, DataDelay,
// Discard, Auth, RequireTLS). TLS settings are fixed at start.
func (s *SMTPServer) Update(fn func(b *Behaviour)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.b)
}

// DropNext drops the next n new connections at the DropAt stage, in
// addition to DropRate.
func (s *SMTPServer) DropNext(n int) {
	s.mu.Lock()
	s.dropNext += n
	s.mu.Unlock()
}

// Connections returns how many connections were accepted.
func (s *SMTPServer) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Dropped returns how many connections a scripted drop closed.
func (s *SMTPServer) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Delivered returns how many messages were accepted (also with Discard).
func (s *SMTPServer) Delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered
}

// WaitDelivered waits until at least n messages were accepted, failing t
// after timeout.
func (s *SMTPServer) WaitDelivered(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for s.Delivered() < n {
		if time.Now().After(deadline) {
			t.Fatalf("got %d messages delivered after %s, want %d", s.Delivered(), timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// AuthFailures returns how many AUTH attempts were refused.
func (s *SMTPServer) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFailures
}

// RcptAttempts returns how many times RCPT TO named addr.
func (s *SMTPServer) RcptAttempts(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts[strings.ToLower(addr)]
}

// AcceptedByRecipient returns, for each recipient address (lower case),
// how many accepted messages named it. It counts with Discard too, so a
// large test can find missing and duplicate deliveries without keeping
// every message.
func (s *SMTPServer) AcceptedByRecipient() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.accepted)
}

// Messages returns a copy of the accepted messages, in arrival order.
func (s *SMTPServer) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		m.To = slices.Clone(m.To)
		m.Data = slices.Clone(m.Data)
		out[i] = m
	}
	return out
}

// MessagesTo returns the accepted messages addressed to addr.
func (s *SMTPServer) MessagesTo(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if slices.ContainsFunc(m.To, func(to string) bool { return strings.EqualFold(to, addr) }) {
			out = append(out, m)
		}
	}
	return out
}

// Certificate returns the self-signed certificate (nil without TLS).
func (s *SMTPServer) Certificate() *x509.Certificate { return s.cert }

// CertPool returns a pool trusting the server's certificate, for clients
// that verify it instead of skipping verification.
func (s *SMTPServer) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	if s.cert != nil {
		p.AddCert(s.cert)
	}
	return p
}

// countingListener numbers connections and decides at accept time which
// ones a scripted drop will close.
type countingListener struct {
	net.Listener
	s *SMTPServer
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	s := l.s
	s.mu.Lock()
	s.conns++
	id := s.conns
	drop := false
	if s.dropNext > 0 {
		s.dropNext--
		drop = true
	} else if r := s.b.DropRate; r > 0 {
		drop = math.Ceil(float64(id)*r-1e-9) > math.Ceil(float64(id-1)*r-1e-9)
	}
	tc := &trackedConn{Conn: c, id: id, drop: drop, s: s}
	s.open[tc] = struct{}{}
	s.mu.Unlock()
	return tc, nil
}

type trackedConn struct {
	net.Conn
	s    *SMTPServer
	id   int
	drop bool // guarded by s.mu
}

func (c *trackedConn) Close() error {
	c.s.mu.Lock()
	delete(c.s.open, c)
	c.s.mu.Unlock()
	return c.Conn.Close()
}

// CloseConnections abruptly closes every open connection, as a server
// restart or an idle timeout would, and returns how many it closed. The
// server keeps accepting new ones.
func (s *SMTPServer) CloseConnections() int {
	s.mu.Lock()
	conns := make([]*trackedConn, 0, len(s.open))
	for c := range s.open {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
	return len(conns)
}

// OpenConnections returns how many connections are open now.
func (s *SMTPServer) OpenConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

// tracked finds the trackedConn under a (possibly TLS-wrapped) connection.
func tracked(c net.Conn) *trackedConn {
	for range 4 {
		switch v := c.(type) {
		case *trackedConn:
			return v
		case *tls.Conn:
			c = v.NetConn()
		default:
			return nil
		}
	}
	return nil
}

func (s *SMTPServer) newSession(c *smtp.Conn) (smtp.Session, error) {
	tc := tracked(c.Conn())
	if tc == nil {
		return nil, errors.New("unknown connection")
	}
	return &session{s: s, c: c, conn: tc}, nil
}

type session struct {
	s    *SMTPServer
	c    *smtp.Conn
	conn *trackedConn
	user string
	from string
	to   []string
}

var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errTLSRequired  = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	errDropped      = errors.New("connection dropped by script")
)

func (ss *session) isTLS() bool {
	_, ok := ss.c.TLSConnectionState()
	return ok
}

// dropIfScripted closes the connection when this connection is scripted to
// drop at stage. It reports whether it did.
func (ss *session) dropIfScripted(stage Stage) bool {
	ss.s.mu.Lock()
	drop := ss.conn.drop && ss.s.b.DropAt == stage
	if drop {
		ss.conn.drop = false
		ss.s.dropped++
	}
	ss.s.mu.Unlock()
	if drop {
		_ = ss.conn.Close()
	}
	return drop
}

func (ss *session) AuthMechanisms() []string {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.b.Auth == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		ss.s.mu.Lock()
		defer ss.s.mu.Unlock()
		want := ss.s.b.Auth
		if want == nil || username != want.Username || password != want.Password || (identity != "" && identity != username) {
			ss.s.authFailures++
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	needTLS := ss.s.b.RequireTLS && !ss.isTLS()
	needAuth := ss.s.b.Auth != nil && ss.user == ""
	ss.s.mu.Unlock()
	if needTLS {
		return errTLSRequired
	}
	if needAuth {
		return errAuthRequired
	}
	ss.s.mu.Lock()
	ss.s.txs++
	if r := ss.s.b.DropTxRate; r > 0 {
		n := ss.s.txs
		if math.Ceil(float64(n)*r-1e-9) > math.Ceil(float64(n-1)*r-1e-9) {
			ss.conn.drop = true
		}
	}
	ss.s.mu.Unlock()
	if ss.dropIfScripted(DropAtMail) {
		return errDropped
	}
	ss.from = from
	ss.to = nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.dropIfScripted(DropAtRcpt) {
		return errDropped
	}
	key := strings.ToLower(to)
	s := ss.s
	s.mu.Lock()
	s.rcpts[key]++
	attempt := s.rcpts[key]
	b := s.b
	s.mu.Unlock()

	match := func(list []string) bool {
		return slices.ContainsFunc(list, func(a string) bool { return strings.EqualFold(a, to) })
	}
	if match(b.Reject) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: fmt.Sprintf("<%s>: Recipient address rejected: User unknown in virtual mailbox table", to)}
	}
	times := b.DeferTimes
	if times <= 0 {
		times = 1
	}
	if (match(b.Defer) || picked(key, b.Seed, b.DeferRate)) && attempt <= times {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1},
			Message: fmt.Sprintf("<%s>: Recipient address rejected: Greylisted, try again later", to)}
	}
	ss.to = append(ss.to, to)
	return nil
}

// picked reports whether addr falls in the fraction rate of addresses,
// chosen by a hash so the choice is stable across runs.
func picked(addr string, seed uint64, rate float64) bool {
	if rate <= 0 {
		return false
	}
	if rate >= 1 {
		return true
	}
	h := fnv.New64a()
	_, _ = fmt.Fprintf(h, "%d:%s", seed, addr)
	return float64(h.Sum64())/float64(math.MaxUint64) < rate
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	b := ss.s.b
	ss.s.mu.Unlock()
	if b.DataDelay > 0 {
		time.Sleep(b.DataDelay)
	}
	if ss.dropIfScripted(DropAtData) {
		return errDropped
	}
	for _, to := range ss.to {
		if slices.ContainsFunc(b.RejectData, func(a string) bool { return strings.EqualFold(a, to) }) {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
				Message: fmt.Sprintf("Message to <%s> rejected: content refused by policy", to)}
		}
		if slices.ContainsFunc(b.DeferData, func(a string) bool { return strings.EqualFold(a, to) }) {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
				Message: fmt.Sprintf("Message to <%s> deferred: local problem, try again later", to)}
		}
	}
	discard := b.Discard
	m := Message{Conn: ss.conn.id, User: ss.user, TLS: ss.isTLS(), From: ss.from, To: slices.Clone(ss.to)}
	ss.s.mu.Lock()
	ss.s.delivered++
	for _, to := range ss.to {
		ss.s.accepted[strings.ToLower(to)]++
	}
	if !discard {
		m.Data = data
		ss.s.messages = append(ss.s.messages, m)
	}
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }
