package email

import (
	"bytes"
	"fmt"
	"sync"
	"unsafe"

	gomail "github.com/wneessen/go-mail"
)

// wire is a message rendered ahead of sending: the envelope and the DATA
// payload, dot-stuffed and terminated, so that a pooled connection is held
// only for the SMTP exchange itself, never for rendering.
type wire struct {
	from, to string // envelope addresses in angle brackets
	data     []byte // CRLF lines, dot-stuffed, ending in CRLF "." CRLF
	// eightBit: data holds 8-bit text, for a server that offers 8BITMIME
	// only.
	eightBit bool
}

// wireBuffers recycles the buffers of sent messages' DATA payloads.
var wireBuffers sync.Pool

// maxPooledWire is the largest payload buffer kept for reuse.
const maxPooledWire = 1 << 20

// render writes msg in its final form, straight into the DATA payload
// (go-mail's output dot-stuffed as it is written, with no copy in
// between). Call release once the payload is sent.
func render(msg *gomail.Msg) (*wire, error) {
	from, err := msg.GetSender(false)
	if err != nil {
		return nil, fmt.Errorf("envelope sender: %w", err)
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return nil, fmt.Errorf("envelope recipient: %w", err)
	}
	if len(rcpts) != 1 {
		return nil, fmt.Errorf("envelope: %d recipients, want 1", len(rcpts))
	}
	var buf []byte
	if b, ok := wireBuffers.Get().(*[]byte); ok {
		buf = (*b)[:0]
	}
	dw := newDotWriter(buf)
	if _, err := msg.WriteTo(dw); err != nil {
		return nil, fmt.Errorf("render message: %w", err)
	}
	return &wire{from: from, to: rcpts[0], data: dw.end()}, nil
}

// release gives w's payload buffer back for another message; w must not
// be used afterwards.
func (w *wire) release() {
	if w == nil || cap(w.data) > maxPooledWire {
		return
	}
	b := w.data[:0]
	w.data = nil
	wireBuffers.Put(&b)
}

// dotStuff appends msg to dst as the payload of an SMTP DATA command (RFC
// 5321 §4.5.2): every line ends in CRLF (a bare LF becomes CRLF, as
// net/textproto's DotWriter does), a line starting with "." gets a
// second one, and the end-of-data line "." CRLF follows.
func dotStuff(dst, msg []byte) []byte {
	w := newDotWriter(dst)
	_, _ = w.Write(msg)
	return w.end()
}

// dotWriter is dotStuff as an io.Writer: a message may arrive in writes of
// any size, a line or a CR LF pair split between two.
type dotWriter struct {
	buf []byte
	bol bool // the next byte starts a line
	cr  bool // the last byte written was a CR
}

func newDotWriter(dst []byte) *dotWriter { return &dotWriter{buf: dst, bol: true} }

func (w *dotWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if w.bol && p[0] == '.' {
			w.buf = append(w.buf, '.')
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			w.bol, w.cr = false, p[len(p)-1] == '\r'
			break
		}
		w.buf = append(w.buf, p[:i]...)
		if cr := (i > 0 && p[i-1] == '\r') || (i == 0 && w.cr); !cr {
			w.buf = append(w.buf, '\r')
		}
		w.buf = append(w.buf, '\n')
		w.bol, w.cr = true, false
		p = p[i+1:]
	}
	return n, nil
}

// WriteString is Write without copying s (go-mail writes its headers and
// boundaries as strings).
func (w *dotWriter) WriteString(s string) (int, error) {
	// Write only reads p, and keeps none of it.
	return w.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// end terminates the payload (a last line without its line break gets
// one) and returns it.
func (w *dotWriter) end() []byte {
	if !w.bol {
		w.buf = append(w.buf, '\r', '\n')
	}
	return append(w.buf, '.', '\r', '\n')
}
