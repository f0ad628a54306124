package notifytest

import (
	"bytes"
	"strings"
	"sync"

	"github.com/sirupsen/logrus"
)

// Log captures everything logged through its Entry, unredacted and at
// debug level, so a test sees exactly what a notifier wrote. It is safe
// for concurrent use.
type Log struct {
	// Entry is the logger to hand to the code under test.
	Entry *logrus.Entry

	mu      sync.Mutex
	buf     bytes.Buffer
	entries []Record
}

// Record is one captured log call.
type Record struct {
	Level   logrus.Level
	Message string
	Fields  logrus.Fields
}

// NewLog returns a capturing logger writing JSON lines (with every field)
// into memory.
func NewLog() *Log {
	l := &Log{}
	lg := logrus.New()
	lg.SetLevel(logrus.DebugLevel)
	lg.SetFormatter(&logrus.JSONFormatter{})
	lg.SetOutput(lockedWriter{l})
	lg.AddHook(hook{l})
	l.Entry = logrus.NewEntry(lg)
	return l
}

type lockedWriter struct{ l *Log }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.l.buf.Write(p)
}

type hook struct{ l *Log }

func (hook) Levels() []logrus.Level { return logrus.AllLevels }

func (h hook) Fire(e *logrus.Entry) error {
	fields := make(logrus.Fields, len(e.Data))
	for k, v := range e.Data {
		fields[k] = v
	}
	h.l.mu.Lock()
	h.l.entries = append(h.l.entries, Record{Level: e.Level, Message: e.Message, Fields: fields})
	h.l.mu.Unlock()
	return nil
}

// String returns every line logged so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Records returns a copy of the captured log calls.
func (l *Log) Records() []Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Record(nil), l.entries...)
}

// Count returns how many calls logged at level with a message containing
// substr.
func (l *Log) Count(level logrus.Level, substr string) int {
	n := 0
	for _, r := range l.Records() {
		if r.Level == level && strings.Contains(r.Message, substr) {
			n++
		}
	}
	return n
}
