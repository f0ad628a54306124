package email

import (
	"bytes"
	"fmt"
	"sync"

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

// renderBuffers recycles the buffers messages are rendered into.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes msg in its final form.
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
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			renderBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if _, err := msg.WriteTo(buf); err != nil {
		return nil, fmt.Errorf("render message: %w", err)
	}
	plain := buf.Bytes()
	return &wire{from: from, to: rcpts[0], data: dotStuff(make([]byte, 0, len(plain)+len(plain)/32+8), plain)}, nil
}

// dotStuff appends msg to dst as the payload of an SMTP DATA command (RFC
// 5321 §4.5.2): every line ends in CRLF (a bare LF becomes CRLF, as
// net/textproto's DotWriter does), a line starting with "." gets a
// second one, and the end-of-data line "." CRLF follows.
func dotStuff(dst, msg []byte) []byte {
	for len(msg) > 0 {
		if msg[0] == '.' {
			dst = append(dst, '.')
		}
		i := bytes.IndexByte(msg, '\n')
		if i < 0 {
			dst = append(dst, msg...)
			dst = append(dst, '\r', '\n')
			break
		}
		line := msg[:i]
		msg = msg[i+1:]
		dst = append(dst, line...)
		if len(line) == 0 || line[len(line)-1] != '\r' {
			dst = append(dst, '\r')
		}
		dst = append(dst, '\n')
	}
	return append(dst, '.', '\r', '\n')
}
