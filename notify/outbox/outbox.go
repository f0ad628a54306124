// Package outbox is the channel used when no provider is configured (the
// embedded default): instead of sending, it writes each notice under a
// directory. E-mail becomes real RFC 5322 .eml files, built by the e-mail
// channel's Composer with go-mail's Msg.WriteTo so they hold exactly the
// headers and parts that would be sent; every other channel appends one
// JSON object per notice to <dir>/<channel>.jsonl. Writes are idempotent
// per notice key. New logs, at warn level, that nothing is being sent.
package outbox

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/email"
)

// DefaultFrom is the sender written into .eml files when no composer is
// given (the .invalid domain cannot receive mail, RFC 2606).
const DefaultFrom = "Breach notices <notices@outbox.invalid>"

var errClosed = errors.New("outbox closed")

// Record is one line of a <channel>.jsonl file.
type Record struct {
	Key              string         `json:"key"`
	Incident         string         `json:"incident"`
	SubjectID        string         `json:"subject_id"`
	Channel          notify.Channel `json:"channel"`
	To               string         `json:"to"`
	ToName           string         `json:"to_name,omitempty"`
	Locale           string         `json:"locale"`
	Subject          string         `json:"subject"`
	Text             string         `json:"text"`
	VerificationCode string         `json:"verification_code"`
	WrittenAt        time.Time      `json:"written_at"`
}

// Notifier writes the notices of one channel under a directory. It is
// safe for concurrent use; one process should own a directory (the
// duplicate index is kept in memory).
type Notifier struct {
	dir     string
	channel notify.Channel
	log     *logrus.Entry
	now     func() time.Time

	composer *email.Composer // e-mail only

	mu     sync.Mutex // JSONL only: serialises appends and the index
	file   *os.File
	path   string
	keys   map[string]struct{}
	close  sync.Once
	closed atomic.Bool
}

var _ notify.Notifier = (*Notifier)(nil)

// Option adjusts a Notifier.
type Option func(*Notifier)

// WithClock sets the clock used for written_at and the e-mail Date
// header.
func WithClock(now func() time.Time) Option {
	return func(n *Notifier) {
		if now != nil {
			n.now = now
		}
	}
}

// WithComposer builds .eml files with c (the same From, Reply-To and DKIM
// as the e-mail channel would use) instead of a composer sending from
// DefaultFrom.
func WithComposer(c *email.Composer) Option {
	return func(n *Notifier) { n.composer = c }
}

// New returns an outbox for channel under dir (created 0700: the files
// hold personal data) and logs the OUTBOX MODE warning. For a channel
// other than e-mail it opens <dir>/<channel>.jsonl and rebuilds the index
// of keys already written.
func New(dir string, channel notify.Channel, log *logrus.Entry, opts ...Option) (*Notifier, error) {
	if !channel.Valid() {
		return nil, fmt.Errorf("outbox: unknown channel %q", channel)
	}
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("outbox: directory is required")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("outbox directory %s: %w", dir, err)
	}
	if log == nil {
		log = logging.Discard()
	}
	n := &Notifier{dir: abs, channel: channel, now: time.Now,
		log: log.WithFields(logrus.Fields{"channel": string(channel), "outbox": abs})}
	for _, o := range opts {
		o(n)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create outbox directory: %w", err)
	}
	if channel == notify.ChannelEmail {
		if n.composer == nil {
			if n.composer, err = email.NewComposer(DefaultFrom, "", nil, n.now); err != nil {
				return nil, fmt.Errorf("outbox composer: %w", err)
			}
		}
		if err := os.MkdirAll(filepath.Join(abs, "email"), 0o700); err != nil {
			return nil, fmt.Errorf("create outbox directory: %w", err)
		}
	} else if err := n.openJSONL(); err != nil {
		return nil, err
	}
	n.Warn()
	return n, nil
}

// Message is the OUTBOX MODE warning, for banners.
func (n *Notifier) Message() string {
	return fmt.Sprintf("OUTBOX MODE: no provider configured for %s; notices are written to %s, nothing is sent", n.channel, n.dir)
}

// Warn logs the OUTBOX MODE warning (New already did once).
func (n *Notifier) Warn() { n.log.Warn(n.Message()) }

// Dir returns the outbox directory (absolute).
func (n *Notifier) Dir() string { return n.dir }

// Close closes the JSONL file. Notify fails afterwards.
func (n *Notifier) Close() error {
	var err error
	n.close.Do(func() {
		n.closed.Store(true)
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.file != nil {
			err = n.file.Close()
			n.file = nil
		}
	})
	return err
}

// Notify writes m and returns "outbox:<file>". Writing a key again
// rewrites its .eml file, or, for JSONL, writes nothing and returns the
// same id. An invalid notice is a permanent failure; an I/O error a
// temporary one.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", notify.Temporary("", "cancelled before writing", err)
	}
	if n.closed.Load() {
		return "", notify.Temporary("", "outbox closed", errClosed)
	}
	if m == nil || strings.TrimSpace(m.Key) == "" {
		return "", notify.Permanent("", "notice has no key", errors.New("outbox: notice has no key"))
	}
	if m.Channel != "" && m.Channel != n.channel {
		return "", notify.Permanent("", fmt.Sprintf("notice for %s given to the %s outbox", m.Channel, n.channel),
			errors.New("outbox: wrong channel"))
	}
	if strings.TrimSpace(m.To) == "" {
		return "", notify.Permanent("", "no address on this channel", notify.ErrNoAddress)
	}
	if n.channel == notify.ChannelEmail {
		return n.writeEML(m)
	}
	return n.appendJSONL(m)
}

// writeEML writes m as <dir>/email/<incident>/<key>.eml, atomically
// (temporary file, fsync, rename), so a reader never sees half a message
// and a rewrite replaces the old one.
func (n *Notifier) writeEML(m *notify.Message) (string, error) {
	msg, err := n.composer.Compose(m)
	if err != nil {
		return "", email.ComposeFailure(err)
	}
	dir := filepath.Join(n.dir, "email", SafeName(m.IncidentID))
	path := filepath.Join(dir, SafeName(m.Key)+".eml")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", notify.Temporary("", "cannot create outbox directory", fmt.Errorf("outbox: %w", err))
	}
	tmp, err := os.CreateTemp(dir, ".eml-*")
	if err != nil {
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox: %w", err))
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := msg.WriteTo(tmp); err != nil {
		_ = tmp.Close()
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox write %s: %w", tmp.Name(), err))
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox sync %s: %w", tmp.Name(), err))
	}
	if err := tmp.Close(); err != nil {
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox close %s: %w", tmp.Name(), err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox: %w", err))
	}
	syncDir(dir)
	n.log.WithFields(logrus.Fields{"incident": m.IncidentID, "notice": m.Key, "file": path}).Info("notice written to the outbox")
	return "outbox:" + path, nil
}

// appendJSONL appends m as one line, once per key: one write(2) on an
// O_APPEND file under a mutex, then fsync.
func (n *Notifier) appendJSONL(m *notify.Message) (string, error) {
	id := "outbox:" + n.path
	line, err := json.Marshal(Record{Key: m.Key, Incident: m.IncidentID, SubjectID: m.SubjectID, Channel: n.channel,
		To: m.To, ToName: m.ToName, Locale: m.Locale, Subject: m.Subject, Text: m.Text,
		VerificationCode: m.VerificationCode, WrittenAt: n.now().UTC()})
	if err != nil {
		return "", notify.Permanent("", "cannot encode notice", fmt.Errorf("outbox: %w", err))
	}
	line = append(line, '\n')

	n.mu.Lock()
	defer n.mu.Unlock()
	if n.file == nil {
		return "", notify.Temporary("", "outbox closed", errClosed)
	}
	if _, dup := n.keys[m.Key]; dup {
		return id, nil
	}
	st, err := n.file.Stat()
	if err != nil {
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox stat %s: %w", n.path, err))
	}
	if _, err := n.file.Write(line); err != nil {
		// Cut a partial line off so the file stays one object per line.
		_ = n.file.Truncate(st.Size())
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox append %s: %w", n.path, err))
	}
	if err := n.file.Sync(); err != nil {
		return "", notify.Temporary("", "cannot write outbox file", fmt.Errorf("outbox sync %s: %w", n.path, err))
	}
	n.keys[m.Key] = struct{}{}
	n.log.WithFields(logrus.Fields{"incident": m.IncidentID, "notice": m.Key}).Info("notice written to the outbox")
	return id, nil
}

// openJSONL opens <dir>/<channel>.jsonl for appending and reads the keys
// already in it. A last line cut short by a crash is ended with a newline
// (and ignored), so the next record starts on its own line.
func (n *Notifier) openJSONL() error {
	n.path = filepath.Join(n.dir, string(n.channel)+".jsonl")
	f, err := os.OpenFile(n.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open outbox %s: %w", n.path, err)
	}
	keys, bad, complete, err := readKeys(f)
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("read outbox %s: %w", n.path, err)
	}
	if !complete {
		if _, err := f.Write([]byte{'\n'}); err != nil {
			_ = f.Close()
			return fmt.Errorf("repair outbox %s: %w", n.path, err)
		}
	}
	if bad > 0 {
		n.log.WithField("bad_lines", bad).Warn("outbox file has lines that are not notices (a crash mid-write?); they are ignored")
	}
	n.file, n.keys = f, keys
	return nil
}

// readKeys scans a JSONL file for notice keys. It reports how many lines
// did not parse and whether the file ends with a newline.
func readKeys(f *os.File) (keys map[string]struct{}, bad int, complete bool, err error) {
	keys = map[string]struct{}{}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, 0, false, err
	}
	r := bufio.NewReaderSize(f, 64<<10)
	complete = true
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			complete = line[len(line)-1] == '\n'
			if t := bytes.TrimSpace(line); len(t) > 0 {
				var rec struct {
					Key string `json:"key"`
				}
				if json.Unmarshal(t, &rec) != nil || rec.Key == "" {
					bad++
				} else {
					keys[rec.Key] = struct{}{}
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return keys, bad, complete, nil
		}
		if err != nil {
			return nil, 0, false, err
		}
	}
}

// SafeName turns s into a file name: letters, digits, '.', '_' and '-'
// are kept, anything else becomes '_'; when that changed s (or s is long
// or starts with a dot), a hash of s is appended so distinct keys never
// share a file.
func SafeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	out := string(b)
	if out == s && out != "" && len(out) <= 100 && !strings.HasPrefix(out, ".") {
		return out
	}
	sum := sha256.Sum256([]byte(s))
	if len(out) > 80 {
		out = out[:80]
	}
	out = strings.TrimLeft(out, ".")
	if out == "" {
		return hex.EncodeToString(sum[:8])
	}
	return out + "-" + hex.EncodeToString(sum[:6])
}

// syncDir makes a rename durable; errors are ignored (not every file
// system supports it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
