package email

import (
	"net/textproto"

	"github.com/wneessen/go-mail/smtp"
)

// stage is the step of a mail transaction a reply or failure belongs to.
type stage int

const (
	stageMail    stage = iota // MAIL FROM
	stageRcpt                 // RCPT TO
	stageData                 // DATA
	stageDataEnd              // the message and its final "."
)

// txError is a failed mail transaction.
type txError struct {
	stage stage
	// code is the SMTP reply code, 0 when the connection failed (lost,
	// timed out) rather than the server refusing.
	code     int
	enhanced string
	err      error
	// unanswered: the server sent nothing at all in this transaction, so
	// it cannot have accepted the message.
	unanswered bool
	// broken: the connection's state is unknown and it must be dropped.
	broken bool
}

func (e *txError) Error() string { return e.err.Error() }
func (e *txError) Unwrap() error { return e.err }

// session is what a pooled connection knows of its server.
type session struct {
	pipelining bool   // PIPELINING (RFC 2920) offered
	eightBit   bool   // 8BITMIME (RFC 6152) offered
	mailParams string // parameters added to MAIL FROM
}

// newSession reads the extensions the server offered in its EHLO reply.
// The MAIL FROM parameters are go-mail's: BODY=8BITMIME and SMTPUTF8 when
// offered.
func newSession(sc *smtp.Client) session {
	var s session
	s.pipelining, _ = sc.Extension("PIPELINING")
	if ok, _ := sc.Extension("8BITMIME"); ok {
		s.eightBit = true
		s.mailParams += " BODY=8BITMIME"
	}
	if ok, _ := sc.Extension("SMTPUTF8"); ok {
		s.mailParams += " SMTPUTF8"
	}
	return s
}

// expected reply codes of MAIL FROM, RCPT TO and DATA (textproto prefix
// match: 25 is any 25x).
var expected = [...]int{stageMail: 250, stageRcpt: 25, stageData: 354}

// transact sends w as one mail transaction on t. With PIPELINING, MAIL
// FROM, RCPT TO and DATA go out in one write and their replies are read
// in order (RFC 2920), then the message. When sent is set, the commands
// already went out behind the previous message on this connection and
// only their replies are read. After the message is written, next (when
// set, and with PIPELINING) may return the sender and recipient of the
// message to send next on this connection: its MAIL FROM, RCPT TO and
// DATA go out in the same write as this message's end (RFC 2920 lets the
// message content begin a group and DATA end it), so that a stream of
// messages costs one round trip each instead of two; pipelined reports
// that they did, which is so whenever next returned one, whatever the
// result. After a refusal the transaction is reset (RSET) so the
// connection can carry the next message, except after the message's
// final reply when the next commands are already on their way (that
// reply ends the transaction). A refusal followed by a closed connection
// (a 421 to MAIL FROM, say) is reported as that refusal.
func transact(t *textproto.Conn, s session, w *wire, sent bool, next func() (from, to string, ok bool)) (te *txError, pipelined bool) {
	answered := false
	var refused *txError
	for i := 0; i < len(stages); {
		// Send the next command, or with pipelining every one left.
		j := i + 1
		if s.pipelining {
			j = len(stages)
		}
		if sent && i == 0 {
			sent, j = false, len(stages)
		} else {
			for _, st := range stages[i:j] {
				writeCommand(t, s, w.from, w.to, st)
			}
			if err := t.W.Flush(); err != nil {
				return &txError{stage: stage(i), err: err, unanswered: !answered, broken: true}, false
			}
		}
		for ; i < j; i++ {
			code, msg, err := t.ReadResponse(expected[i])
			if err != nil && code == 0 {
				if refused != nil {
					// The server refused an earlier command and then closed
					// (a 421 to MAIL FROM, say): that refusal is the answer.
					refused.broken = true
					return refused, false
				}
				return &txError{stage: stage(i), err: err, unanswered: !answered, broken: true}, false
			}
			answered = true
			switch {
			case err == nil && stage(i) == stageData && refused != nil:
				// 354 although an earlier command was refused: send an
				// empty message to end DATA, and drop it with RSET.
				if err := endEmpty(t); err != nil {
					return &txError{stage: refused.stage, code: refused.code, enhanced: refused.enhanced, err: refused.err, broken: true}, false
				}
			case err != nil && refused == nil:
				refused = &txError{stage: stage(i), code: code, enhanced: enhancedRe(msg), err: err}
				if !s.pipelining {
					return reset(t, refused), false
				}
			}
		}
	}
	if refused != nil {
		return reset(t, refused), false
	}
	if _, err := t.W.Write(w.data); err != nil {
		return &txError{stage: stageDataEnd, err: err, broken: true}, false
	}
	if s.pipelining && next != nil {
		if from, to, ok := next(); ok {
			for _, st := range stages {
				writeCommand(t, s, from, to, st)
			}
			pipelined = true
		}
	}
	if err := t.W.Flush(); err != nil {
		return &txError{stage: stageDataEnd, err: err, broken: true}, pipelined
	}
	code, msg, err := t.ReadResponse(250)
	switch {
	case err != nil && code == 0:
		return &txError{stage: stageDataEnd, err: err, broken: true}, pipelined
	case err != nil && pipelined:
		te := &txError{stage: stageDataEnd, code: code, enhanced: enhancedRe(msg), err: err}
		te.broken = code == 421 // the server is closing the connection
		return te, true
	case err != nil:
		return reset(t, &txError{stage: stageDataEnd, code: code, enhanced: enhancedRe(msg), err: err}), false
	}
	return nil, pipelined
}

// stages are the commands of a mail transaction before the message.
var stages = [...]stage{stageMail, stageRcpt, stageData}

// writeCommand writes (without flushing) the command of stage st of a
// message from sender from to recipient to.
func writeCommand(t *textproto.Conn, s session, from, to string, st stage) {
	switch st {
	case stageMail:
		_, _ = t.W.WriteString("MAIL FROM:")
		_, _ = t.W.WriteString(from)
		_, _ = t.W.WriteString(s.mailParams)
	case stageRcpt:
		_, _ = t.W.WriteString("RCPT TO:")
		_, _ = t.W.WriteString(to)
	default:
		_, _ = t.W.WriteString("DATA")
	}
	_, _ = t.W.WriteString("\r\n")
}

// endEmpty ends a DATA command with no message; the server's reply to it
// does not matter (the transaction is reset next).
func endEmpty(t *textproto.Conn) error {
	if _, err := t.W.WriteString(".\r\n"); err != nil {
		return err
	}
	if err := t.W.Flush(); err != nil {
		return err
	}
	code, _, err := t.ReadResponse(250)
	if err != nil && code == 0 {
		return err
	}
	return nil
}

// reset sends RSET after a refusal; a connection that does not answer it
// with 250 is marked broken.
func reset(t *textproto.Conn, e *txError) *txError {
	if e.code == 421 {
		e.broken = true // the server is closing the connection
		return e
	}
	// Written directly, like the transaction: textproto's Cmd would take
	// a pipeline id that go-mail's own commands (QUIT) then wait on.
	_, _ = t.W.WriteString("RSET\r\n")
	if err := t.W.Flush(); err != nil {
		e.broken = true
		return e
	}
	if _, _, err := t.ReadResponse(250); err != nil {
		e.broken = true
	}
	return e
}
