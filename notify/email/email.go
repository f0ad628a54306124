// Package email is the e-mail channel: a notify.Notifier that submits each
// notice over SMTP (github.com/wneessen/go-mail) through a pool of reused
// connections, each message rendered before it takes a connection and,
// when the server offers PIPELINING, its MAIL FROM, RCPT TO and DATA sent
// in one write, behind the end of the message before it on the connection
// when one is waiting (one round trip per message instead of two),
// and classifies every failure as permanent (the address or
// the message was refused: try the person's next channel) or temporary
// (deferral, lost connection, timeout, TLS or authentication trouble: try
// again later). Returned errors and log lines carry SMTP codes and generic
// reasons only, never an address, the content, the server's reply text or
// a secret.
package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
)

// Sentinel errors wrapped by the delivery errors Notify returns; match
// them with errors.Is.
var (
	// ErrRejected: the server refused the recipient or the message (5xx).
	ErrRejected = errors.New("smtp server rejected the message")
	// ErrDeferred: the server asked to try again later (4xx).
	ErrDeferred = errors.New("smtp server deferred the message")
	// ErrConnection: the connection could not be made or was lost.
	ErrConnection = errors.New("smtp connection failed")
	// ErrTimeout: the server did not answer within Config.Timeout.
	ErrTimeout = errors.New("smtp server timed out")
	// ErrTLS: the TLS handshake failed or STARTTLS is not offered.
	ErrTLS = errors.New("smtp tls failed")
	// ErrAuth: the server refused the credentials (a configuration
	// problem, logged once).
	ErrAuth = errors.New("smtp authentication failed")
	// ErrSender: the server refused the sender at MAIL FROM (a
	// configuration problem, logged once).
	ErrSender = errors.New("smtp server refused the sender")
	// ErrClosed: Notify was called after Close.
	ErrClosed = errors.New("email notifier closed")
)

// Notifier sends notices by e-mail. It is safe for concurrent use; at most
// Config.Connections messages are being sent at once, each perhaps with
// the first commands of the message that follows it on its connection.
type Notifier struct {
	cfg      Config
	log      *logrus.Entry
	now      func() time.Time
	composer *Composer
	client   *gomail.Client
	tlsConf  *tls.Config

	// The pool, under mu. free counts the connection slots not in use (at
	// most Config.Connections are); waiting holds the messages waiting
	// for one, oldest first; idle holds connected, unused connections,
	// the most recently used last, so that a light load keeps to one warm
	// connection. inUse counts the slots taken, so that Close can wait
	// for the messages in flight.
	mu        sync.Mutex
	free      int
	waiting   []*waiter
	idle      []*conn
	inUse     sync.WaitGroup
	quitting  sync.WaitGroup
	done      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once

	dials, sent, failed, pipelined atomic.Int64
	// eightBit: the server offered 8BITMIME (RFC 6152) at the last
	// connection made or used, so a non-ASCII body is rendered as 8-bit
	// data (Composer.composeSMTP).
	eightBit atomic.Bool

	alerts *notify.Alerts
}

var _ notify.Notifier = (*Notifier)(nil)

// Option adjusts a Notifier.
type Option func(*Notifier)

// WithClock makes the Notifier date messages and measure idle connections
// with now instead of time.Now (the DKIM t= tag keeps the wall clock:
// go-msgauth offers no hook).
func WithClock(now func() time.Time) Option {
	return func(n *Notifier) {
		if now != nil {
			n.now = now
		}
	}
}

// conn is one pool slot: an SMTP connection or, before the first dial and
// after a failure, none.
type conn struct {
	sc       *smtp.Client
	raw      *rawConn
	sess     session
	lastUsed time.Time
}

// waiter is a message waiting for a connection: what the message before
// it on a connection needs to send its first commands (transact), and
// where its turn arrives. gone (under Notifier.mu) marks one that gave up
// after it was chosen to follow a message, before its turn came: that
// message then drops the connection, whose server awaits gone's data.
type waiter struct {
	from, to string
	turn     chan turn
	gone     bool
}

// turn hands a connection slot to a waiting message: c is the connection
// (not connected when its sc is nil), and pipelined says that the
// message's MAIL FROM, RCPT TO and DATA already went out on it behind the
// previous message.
type turn struct {
	c         *conn
	pipelined bool
}

// Stats counts what a Notifier did since New.
type Stats struct {
	// Dials is the number of SMTP connections opened.
	Dials int64
	// Sent is the number of messages the server accepted.
	Sent int64
	// Failed is the number of Notify calls that returned an error.
	Failed int64
	// Pipelined is the number of messages whose MAIL FROM, RCPT TO and
	// DATA went out behind the previous message on its connection.
	Pipelined int64
}

// New validates cfg and returns a Notifier. No connection is made until
// the first Notify. Errors name the configuration key.
func New(cfg Config, log *logrus.Entry, opts ...Option) (*Notifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = logging.Discard()
	}
	n := &Notifier{
		cfg:  cfg,
		log:  log.WithFields(logrus.Fields{"channel": "email", "smtp_host": cfg.Host, "smtp_port": cfg.Port}),
		now:  time.Now,
		free: cfg.Connections,
		done: make(chan struct{}),
	}
	n.alerts = notify.NewAlerts(n.log, nil)
	for _, o := range opts {
		o(n)
	}
	if n.composer, err = NewComposer(cfg.From, cfg.ReplyTo, cfg.DKIM, n.now); err != nil {
		return nil, err
	}
	n.tlsConf = &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs,
		InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // tests only, documented on Config
	mopts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithTLSConfig(n.tlsConf),
		gomail.WithDialContextFunc(n.dialContext),
	}
	switch cfg.TLS {
	case TLSStartTLS:
		mopts = append(mopts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default: // none, or implicit where dialContext already speaks TLS
		mopts = append(mopts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if cfg.HeloName != "" {
		mopts = append(mopts, gomail.WithHELO(cfg.HeloName))
	}
	if cfg.Username != "" {
		auth := gomail.SMTPAuthPlain
		if cfg.AuthMechanism == "login" {
			auth = gomail.SMTPAuthLogin
		}
		mopts = append(mopts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username),
			gomail.WithPassword(cfg.Password.Reveal()))
	}
	if n.client, err = gomail.NewClient(cfg.Host, mopts...); err != nil {
		return nil, fmt.Errorf("channels.email: smtp client: %w", err)
	}
	if cfg.InsecureSkipVerify {
		n.log.Warn("SMTP server certificate is not verified (insecure_skip_verify): use only in tests")
	}
	if cfg.DKIM != nil && !alignedDKIM(cfg.DKIM.Domain, n.composer.domain) {
		n.log.WithField("dkim_domain", cfg.DKIM.Domain).Warn("DKIM domain is not the sender's domain or a parent of it: DMARC will not align")
	}
	return n, nil
}

// Composer returns the composer building this Notifier's messages, so an
// outbox can write the same messages to files.
func (n *Notifier) Composer() *Composer { return n.composer }

// Stats returns counters since New.
func (n *Notifier) Stats() Stats {
	return Stats{Dials: n.dials.Load(), Sent: n.sent.Load(), Failed: n.failed.Load(), Pipelined: n.pipelined.Load()}
}

// Close waits for messages in flight, then closes every pooled connection
// (QUIT). Later Notify calls fail with ErrClosed.
func (n *Notifier) Close() error {
	n.closeOnce.Do(func() {
		n.mu.Lock()
		n.closed.Store(true)
		close(n.done) // the messages still waiting give up
		n.mu.Unlock()
		n.inUse.Wait()
		n.mu.Lock()
		idle := n.idle
		n.idle = nil
		n.mu.Unlock()
		for _, c := range idle {
			n.drop(c, true)
		}
		n.quitting.Wait()
	})
	return nil
}

// Notify sends m and returns its Message-ID (with angle brackets) as the
// provider id. Failures are *notify.DeliveryError values: permanent for a
// 5xx at RCPT TO or DATA and for a notice that cannot be composed,
// temporary for everything else.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	id, err := n.notify(ctx, m)
	if err != nil {
		n.failed.Add(1)
		return "", err
	}
	n.sent.Add(1)
	return id, nil
}

func (n *Notifier) notify(ctx context.Context, m *notify.Message) (string, error) {
	// A body with non-ASCII text goes as 8-bit data when the server
	// offered 8BITMIME at the last connection; checked again below on
	// the connection the message gets.
	msg, w, err := n.wire(m, n.eightBit.Load() && n.composer.eightBitBody(m))
	if err != nil {
		return "", err
	}
	defer func() { w.release() }()
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before sending", err)
	}
	c, pipelined, err := n.take(ctx, w)
	if err != nil {
		return "", err
	}
	// next is the message that follows this one on the connection, when
	// this one sent its first commands (transact); it gets the
	// connection (and the slot) when this one is done.
	var next *waiter
	defer func() { n.give(c, next) }()
	if n.closed.Load() {
		if pipelined {
			n.drop(c, false) // the server waits for a message that will not come
		}
		return "", notify.Temporary("", "notifier closed", ErrClosed)
	}
	for attempt := 0; ; attempt++ {
		reused := c.sc != nil
		if !reused {
			pipelined = false
			if err := n.connect(ctx, c); err != nil {
				return "", err
			}
		}
		n.eightBit.Store(c.sess.eightBit)
		if w.eightBit && !c.sess.eightBit {
			// This server does not take 8-bit data (any more):
			// quoted-printable it is. (Also for a message whose commands
			// went out behind the previous one: they do not depend on it.)
			w.release()
			if msg, w, err = n.wire(m, false); err != nil {
				return "", err
			}
		}
		var out outcome
		out, next = n.send(ctx, c, w, pipelined)
		pipelined = false
		// (A retry is only ever for a transaction that did not reach
		// its data, so no message follows it yet: next is nil; checked,
		// so that a message chosen to follow is never lost.)
		if out.retry && reused && attempt == 0 && next == nil {
			// The reused connection had died before the message was
			// accepted (nothing reached the server past MAIL FROM, or
			// the commands sent behind the previous message were never
			// answered): send it once more on a fresh connection.
			continue
		}
		if out.err != nil {
			return "", out.err
		}
		if n.alerts.Active() {
			n.recovered(true)
		}
		id := msg.GetMessageID()
		if n.log.Logger.IsLevelEnabled(logrus.DebugLevel) {
			n.log.WithFields(logrus.Fields{"incident": m.IncidentID, "notice": m.Key, "message_id": id,
				"conn_reused": reused}).Debug("e-mail accepted by the SMTP server")
		}
		return id, nil
	}
}

// wire composes m for SMTP and renders it, as 8-bit data when eightBit
// is set (Composer.composeSMTP). notify calls it before a connection is
// taken, so that a pooled connection only waits on the network; only the
// rare message rendered as 8-bit data for a connection that turns out not
// to offer 8BITMIME is rendered again while holding it.
func (n *Notifier) wire(m *notify.Message, eightBit bool) (*gomail.Msg, *wire, error) {
	msg, err := n.composer.composeSMTP(m, eightBit)
	if err != nil {
		return nil, nil, ComposeFailure(err)
	}
	w, err := render(msg)
	if err != nil {
		return nil, nil, ComposeFailure(err)
	}
	w.eightBit = eightBit
	return msg, w, nil
}

// take waits for a connection slot for the message of wire w: a free one
// (with the most recently used idle connection, or none yet), or one
// handed over by the message before it (give), perhaps with w's first
// commands already sent (pipelined).
func (n *Notifier) take(ctx context.Context, w *wire) (c *conn, pipelined bool, err error) {
	n.mu.Lock()
	if n.closed.Load() {
		n.mu.Unlock()
		return nil, false, notify.Temporary("", "notifier closed", ErrClosed)
	}
	if n.free > 0 {
		n.free--
		n.inUse.Add(1)
		c, stale := n.idleConn()
		n.mu.Unlock()
		n.quit(stale)
		return c, false, nil
	}
	wt := &waiter{from: w.from, to: w.to, turn: make(chan turn, 1)}
	n.waiting = append(n.waiting, wt)
	n.mu.Unlock()
	select {
	case t := <-wt.turn:
		return t.c, t.pipelined, nil
	case <-n.done:
		err = notify.Temporary("", "notifier closed", ErrClosed)
	case <-ctx.Done():
		err = notify.Temporary("", "cancelled waiting for a connection", ctx.Err())
	}
	n.mu.Lock()
	if i := slices.Index(n.waiting, wt); i >= 0 {
		n.waiting = slices.Delete(n.waiting, i, i+1)
		n.mu.Unlock()
		return nil, false, err
	}
	if len(wt.turn) == 0 {
		// Chosen to follow a message still being sent: give up now; that
		// message's give sees gone.
		wt.gone = true
		n.mu.Unlock()
		return nil, false, err
	}
	n.mu.Unlock()
	// Its turn came meanwhile: hand the slot on.
	t := <-wt.turn
	if t.pipelined {
		n.drop(t.c, false) // the server waits for a message that will not come
	}
	n.give(t.c, nil)
	return nil, false, err
}

// give hands c's slot to next when set (the message whose first commands
// went out behind this one's: pipelined if c is still connected), else to
// the oldest waiting message, else back to the pool with c among the idle
// connections.
func (n *Notifier) give(c *conn, next *waiter) {
	n.mu.Lock()
	if next != nil {
		if !next.gone {
			next.turn <- turn{c: c, pipelined: c.sc != nil}
			n.mu.Unlock()
			return
		}
		// next gave up: the server awaits its data.
		n.mu.Unlock()
		n.drop(c, false)
		n.mu.Lock()
	}
	if len(n.waiting) > 0 && !n.closed.Load() {
		wt := n.waiting[0]
		n.waiting = slices.Delete(n.waiting, 0, 1)
		wt.turn <- turn{c: c} // buffered: never blocks
		n.mu.Unlock()
		return
	}
	if c.sc != nil {
		n.idle = append(n.idle, c)
	}
	n.free++
	n.mu.Unlock()
	n.inUse.Done()
}

// successor takes the oldest waiting message, so that its first commands
// go out behind the message being sent; nil when there is none or the
// notifier is closing. Always the oldest: its commands do not depend on
// how its body was rendered (one rendered as 8-bit data for a connection
// without 8BITMIME is rendered again before its data is written), and
// skipping one for a younger message could hold it back for as long as
// the queue stays busy.
func (n *Notifier) successor() *waiter {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed.Load() || len(n.waiting) == 0 {
		return nil
	}
	wt := n.waiting[0]
	n.waiting = slices.Delete(n.waiting, 0, 1)
	return wt
}

// idleConn takes the most recently used idle connection, or an empty one
// to dial, and returns the idle connections unused for longer than
// Config.IdleTimeout, removed from the pool, for the caller to close
// (quit). The caller holds mu.
func (n *Notifier) idleConn() (*conn, []*conn) {
	now := n.now()
	var stale []*conn
	keep := n.idle[:0]
	for _, c := range n.idle {
		if now.Sub(c.lastUsed) > n.cfg.IdleTimeout {
			stale = append(stale, c)
		} else {
			keep = append(keep, c)
		}
	}
	clear(n.idle[len(keep):])
	n.idle = keep
	c := &conn{}
	if k := len(n.idle); k > 0 {
		c = n.idle[k-1]
		n.idle[k-1] = nil
		n.idle = n.idle[:k-1]
	}
	return c, stale
}

// quit closes connections (QUIT) in the background.
func (n *Notifier) quit(conns []*conn) {
	for _, c := range conns {
		n.quitting.Add(1)
		go func() {
			defer n.quitting.Done()
			n.drop(c, true)
		}()
	}
}

// ComposeFailure classifies an error from Composer.Compose as a delivery
// error: an invalid notice is permanent, anything else (DKIM signing)
// temporary. The outbox uses it too.
func ComposeFailure(err error) error {
	if errors.Is(err, ErrInvalidMessage) {
		return notify.Permanent("", strings.TrimPrefix(err.Error(), ErrInvalidMessage.Error()+": "), ErrInvalidMessage)
	}
	return notify.Temporary("", "cannot compose the message", err)
}

// connect dials a fresh SMTP connection into c: TCP (or TLS), EHLO,
// STARTTLS and AUTH as configured.
func (n *Notifier) connect(ctx context.Context, c *conn) error {
	raw := &rawConn{}
	stop := context.AfterFunc(ctx, raw.abort)
	sc, err := n.client.DialToSMTPClientWithContext(context.WithValue(ctx, rawConnKey{}, raw))
	stopped := stop()
	if err != nil || !stopped {
		raw.abort()
		if ctx.Err() != nil {
			return notify.Temporary("", "cancelled while connecting", ctx.Err())
		}
		return n.dialFailure(err)
	}
	n.dials.Add(1)
	if n.alerts.Active() {
		n.recovered(false)
	}
	c.sc, c.raw, c.sess, c.lastUsed = sc, raw, newSession(sc), n.now()
	return nil
}

// outcome is the result of one send attempt.
type outcome struct {
	err   error
	retry bool // the connection was dead before the transaction began
}

// send submits w on c's connection (its commands already sent when sent
// is set) and classifies the result. It drops the connection whenever
// its state is in doubt. next is the waiting message whose first commands
// went out behind w's, nil when none did.
func (n *Notifier) send(ctx context.Context, c *conn, w *wire, sent bool) (out outcome, next *waiter) {
	stop := context.AfterFunc(ctx, c.raw.abort)
	var te *txError
	if err := c.sc.UpdateDeadline(n.cfg.Timeout); err != nil {
		te = &txError{stage: stageMail, err: err, unanswered: true, broken: true}
	} else {
		var pipelined bool
		te, pipelined = transact(c.sc.Text, c.sess, w, sent, func() (from, to string, ok bool) {
			if next = n.successor(); next == nil {
				return "", "", false
			}
			return next.from, next.to, true
		})
		if pipelined { // always, once next returned a waiter
			n.pipelined.Add(1)
		}
	}
	interrupted := !stop()
	c.lastUsed = n.now()
	return n.classify(ctx, c, te, interrupted), next
}

// classify turns the result of a mail transaction on c into an outcome,
// dropping c when its state is in doubt.
func (n *Notifier) classify(ctx context.Context, c *conn, te *txError, interrupted bool) outcome {
	if te == nil {
		// Accepted. An interruption after that only spoils the
		// connection.
		if interrupted {
			n.drop(c, false)
		}
		return outcome{}
	}
	if te.broken || interrupted {
		n.drop(c, false)
	}
	if interrupted {
		return outcome{err: notify.Temporary("", "cancelled while sending", ctx.Err())}
	}
	code := te.code
	status := statusCode(code, te.enhanced)
	// Nothing can have been accepted when the server answered nothing, or
	// refused the transaction at its start.
	beforeTransaction := te.unanswered || (te.stage == stageMail && code != 0)

	switch {
	case code == 0:
		// Not an SMTP reply: the connection broke or timed out.
		if isTimeout(te.err) || strings.Contains(te.err.Error(), "i/o timeout") {
			return outcome{err: notify.Temporary("", "smtp server timed out", ErrTimeout), retry: te.unanswered}
		}
		return outcome{err: notify.Temporary("", "smtp connection lost", ErrConnection), retry: te.unanswered}
	case code == 421:
		// The server is closing the connection (shutting down, too many
		// messages on this connection, …).
		return outcome{err: notify.Temporary(status, "smtp service not available", ErrDeferred), retry: beforeTransaction}
	case te.stage == stageMail && code >= 500:
		// Refusing the sender is not about this recipient: it is the
		// configuration (sender address, account rights, authentication).
		n.alert("sender", logrus.Fields{"smtp_code": status},
			"SMTP server refused the sender at MAIL FROM: check channels.email.from and the account's rights; notices are retried")
		return outcome{err: notify.Temporary(status, "smtp server refused the sender", ErrSender)}
	case code >= 500:
		return outcome{err: notify.Permanent(status, refusal(te.stage, "rejected"), ErrRejected)}
	case code >= 400:
		return outcome{err: notify.Temporary(status, refusal(te.stage, "deferred"), ErrDeferred)}
	default:
		n.drop(c, false)
		return outcome{err: notify.Temporary(status, "unexpected smtp reply", ErrConnection)}
	}
}

func refusal(st stage, verb string) string {
	switch st {
	case stageRcpt:
		return "recipient " + verb + " by smtp server"
	default:
		return "message " + verb + " by smtp server"
	}
}

// statusCode renders "550 5.1.1" (or "550" without an enhanced code).
func statusCode(code int, enhanced string) string {
	if code == 0 {
		return ""
	}
	s := strconv.Itoa(code)
	if enhanced != "" {
		s += " " + enhanced
	}
	return s
}

// dialFailure classifies an error from dialling (TCP, TLS, EHLO, AUTH).
// Configuration problems are logged once until a dial succeeds again.
func (n *Notifier) dialFailure(err error) error {
	var tpe *textproto.Error
	isReply := errors.As(err, &tpe)
	switch {
	case isAuthError(err):
		code := ""
		if isReply {
			code = strconv.Itoa(tpe.Code)
			if esc := enhancedRe(tpe.Msg); esc != "" {
				code += " " + esc
			}
		}
		n.alert("auth", logrus.Fields{"smtp_code": code},
			"SMTP authentication failed: check channels.email.smtp.username and password_file; no e-mail can be sent until it is fixed")
		return notify.Temporary(code, "smtp authentication failed", ErrAuth)
	case isTLSError(err):
		n.alert("tls", logrus.Fields{"error": err.Error()},
			"TLS with the SMTP server failed: check channels.email.smtp.host, port and tls")
		return notify.Temporary("", "tls with smtp server failed", ErrTLS)
	case isTimeout(err):
		n.alert("connect", logrus.Fields{"error": "timeout"}, "cannot reach the SMTP server; notices are retried")
		return notify.Temporary("", "smtp server timed out", ErrTimeout)
	case isReply:
		code := strconv.Itoa(tpe.Code)
		n.alert("connect", logrus.Fields{"smtp_code": code}, "the SMTP server refused the session; notices are retried")
		return notify.Temporary(code, "smtp server refused the session", ErrConnection)
	default:
		fields := logrus.Fields{}
		var op *net.OpError
		if errors.As(err, &op) {
			fields["error"] = op.Err.Error()
		}
		n.alert("connect", fields, "cannot connect to the SMTP server; notices are retried")
		return notify.Temporary("", "cannot connect to smtp server", ErrConnection)
	}
}

func isAuthError(err error) bool {
	var tpe *textproto.Error
	if errors.As(err, &tpe) && (tpe.Code == 535 || tpe.Code == 534 || tpe.Code == 538 || tpe.Code == 530) {
		return true
	}
	return errors.Is(err, smtp.ErrUnencrypted) || errors.Is(err, smtp.ErrWrongHostname) ||
		errors.Is(err, gomail.ErrPlainAuthNotSupported) || errors.Is(err, gomail.ErrLoginAuthNotSupported) ||
		strings.Contains(err.Error(), "SMTP AUTH")
}

func isTLSError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		rhe tls.RecordHeaderError
		ae  tls.AlertError
		uae x509.UnknownAuthorityError
		he  x509.HostnameError
		cie x509.CertificateInvalidError
	)
	return errors.As(err, &cve) || errors.As(err, &rhe) || errors.As(err, &ae) || errors.As(err, &uae) ||
		errors.As(err, &he) || errors.As(err, &cie) || strings.Contains(err.Error(), "STARTTLS") ||
		strings.HasPrefix(err.Error(), "tls: ")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// enhancedRe extracts an RFC 3463 status code ("5.7.8") from reply text.
func enhancedRe(msg string) string {
	f := strings.Fields(msg)
	if len(f) == 0 {
		return ""
	}
	parts := strings.Split(f[0], ".")
	if len(parts) != 3 || (parts[0] != "2" && parts[0] != "4" && parts[0] != "5") {
		return ""
	}
	for _, p := range parts[1:] {
		if _, err := strconv.Atoi(p); err != nil || len(p) > 3 {
			return ""
		}
	}
	return f[0]
}

// alert logs a configuration or connectivity problem once, until a dial
// succeeds again. Fields must not carry personal data.
func (n *Notifier) alert(kind string, fields logrus.Fields, msg string) {
	n.alerts.Raise(kind, fields, msg)
}

// recovered clears the alerts, logging that the problem is gone: the
// connection alerts after a successful dial, all of them (the sender's
// too) after a delivered message.
func (n *Notifier) recovered(delivered bool) {
	keep := func(k string) bool { return !delivered && k == "sender" }
	n.alerts.Clear(keep, "SMTP connection works again")
}

// drop closes c's connection, politely (QUIT) when polite is set.
func (n *Notifier) drop(c *conn, polite bool) {
	if c.sc == nil {
		return
	}
	if polite {
		_ = c.sc.UpdateDeadline(2 * time.Second)
		_ = c.sc.Quit()
	}
	c.raw.abort()
	c.sc, c.raw = nil, nil
}

// rawConn holds the network connection under an SMTP client so that a
// cancelled context can close it from another goroutine (go-mail's client
// holds its lock during I/O).
type rawConn struct {
	mu      sync.Mutex
	c       net.Conn
	aborted bool
}

type rawConnKey struct{}

// set records c; it reports false (and the caller closes c) when the
// context was cancelled first.
func (r *rawConn) set(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.aborted {
		return false
	}
	r.c = c
	return true
}

func (r *rawConn) abort() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.aborted = true
	if r.c != nil {
		_ = r.c.Close()
	}
}

// dialContext opens the TCP connection (TLS from the start for implicit)
// and registers it with the rawConn carried by ctx.
func (n *Notifier) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: n.cfg.Timeout, KeepAlive: 30 * time.Second}
	var (
		c   net.Conn
		err error
	)
	if n.cfg.TLS == TLSImplicit {
		c, err = (&tls.Dialer{NetDialer: d, Config: n.tlsConf.Clone()}).DialContext(ctx, network, addr)
	} else {
		c, err = d.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	if r, ok := ctx.Value(rawConnKey{}).(*rawConn); ok && !r.set(c) {
		_ = c.Close()
		return nil, context.Canceled
	}
	return c, nil
}

// alignedDKIM reports whether the DKIM domain is the sender's domain or a
// parent of it (relaxed DMARC alignment).
func alignedDKIM(dkimDomain, fromDomain string) bool {
	d := strings.ToLower(strings.TrimSuffix(dkimDomain, "."))
	return fromDomain == d || strings.HasSuffix(fromDomain, "."+d)
}
