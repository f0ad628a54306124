// Package logging builds breach's logrus logger: JSON in production, text
// on a terminal, and a redacting formatter so that no e-mail address, phone
// number or personal name reaches a log line, whatever a caller passes.
package logging

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/sirupsen/logrus"
	"golang.org/x/term"
)

// New returns a logger writing to out at level ("debug", "info", "warn",
// "error") in format ("json", "text", or "auto": text when out is a
// terminal, JSON otherwise), every line redacted.
func New(out io.Writer, level, format string) (*logrus.Logger, error) {
	lvl, err := logrus.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	var inner logrus.Formatter
	switch format {
	case "json":
		inner = jsonFormatter()
	case "text":
		inner = &logrus.TextFormatter{FullTimestamp: true}
	case "auto", "":
		if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			inner = &logrus.TextFormatter{FullTimestamp: true}
		} else {
			inner = jsonFormatter()
		}
	default:
		return nil, fmt.Errorf("log format %q is not one of auto, json, text", format)
	}
	l := logrus.New()
	l.SetOutput(out)
	l.SetLevel(lvl)
	l.SetFormatter(&RedactingFormatter{Inner: inner})
	return l, nil
}

// Discard returns a logger that writes nothing, for tests and library
// defaults.
func Discard() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

func jsonFormatter() logrus.Formatter {
	return &logrus.JSONFormatter{FieldMap: logrus.FieldMap{logrus.FieldKeyMsg: "message"}, TimestampFormat: "2006-01-02T15:04:05.000Z07:00"}
}

// Redacted replaces personal data in a log line.
const Redacted = "[redacted]"

// personalKeys are field names whose values are personal data whatever
// they hold. Matching ignores case, '-' and '_'.
var personalKeys = map[string]bool{
	"name": true, "fullname": true, "firstname": true, "lastname": true, "recipient": true, "recipientname": true,
	"email": true, "emailaddress": true, "to": true, "from": true, "cc": true, "bcc": true, "address": true, "rcpt": true,
	"phone": true, "phonenumber": true, "mobile": true, "msisdn": true, "postaladdress": true, "guardianemail": true,
	"guardianphone": true, "guardianname": true, "guardian": true, "contact": true, "token": true, "devicetoken": true,
	"password": true, "secret": true, "authorization": true, "dateofbirth": true, "dob": true,
}

var (
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`)
	// Phone numbers: international form with a leading + (E.164 and
	// spaced), and the North American (555) 555-0100 / 555-555-0100 form.
	// Deliberately narrow, so that ids and timestamps survive.
	phoneRe = regexp.MustCompile(`\+\d[\d\s().\-]{5,}\d|\(\d{3}\)\s?\d{3}[\s.\-]\d{4}\b|\b\d{3}[.\-]\d{3}[.\-]\d{4}\b`)
)

// Scrub removes e-mail addresses and phone numbers from free text.
func Scrub(s string) string {
	if !strings.ContainsAny(s, "@+0123456789") {
		return s
	}
	s = emailRe.ReplaceAllString(s, Redacted)
	return phoneRe.ReplaceAllString(s, Redacted)
}

// IsPersonalKey reports whether a log field of that name carries personal
// data.
func IsPersonalKey(key string) bool {
	k := strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "").Replace(key))
	return personalKeys[k] || strings.HasSuffix(k, "email") || strings.HasSuffix(k, "phone") || strings.HasSuffix(k, "name") && k != "channelname" && k != "servername" && k != "streamname"
}

// RedactingFormatter removes personal data from every entry, then delegates
// to Inner. Fields whose names denote personal data are replaced whole;
// e-mail addresses and phone numbers are scrubbed from the message and every
// other string field. It copies the entry's data, so hooks that run later see
// the original only if registered before it (register none that ship logs).
type RedactingFormatter struct {
	Inner logrus.Formatter
}

// Format implements logrus.Formatter.
func (f *RedactingFormatter) Format(e *logrus.Entry) ([]byte, error) {
	clean := *e
	clean.Message = Scrub(e.Message)
	clean.Data = make(logrus.Fields, len(e.Data))
	for k, v := range e.Data {
		switch {
		case IsPersonalKey(k):
			clean.Data[k] = Redacted
		case k == logrus.ErrorKey:
			if err, ok := v.(error); ok {
				clean.Data[k] = Scrub(err.Error())
			} else {
				clean.Data[k] = Scrub(fmt.Sprint(v))
			}
		default:
			switch x := v.(type) {
			case string:
				clean.Data[k] = Scrub(x)
			case fmt.Stringer:
				clean.Data[k] = Scrub(x.String())
			case int, int64, uint64, float64, bool, uint, int32:
				clean.Data[k] = x
			default:
				clean.Data[k] = Scrub(fmt.Sprint(x))
			}
		}
	}
	return f.Inner.Format(&clean)
}
