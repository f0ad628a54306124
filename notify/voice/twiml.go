package voice

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxTwiML is the longest inline TwiML Twilio accepts in CreateCall, in
// characters.
const MaxTwiML = 4000

// ErrScriptTooLong: the spoken notice does not fit in MaxTwiML characters
// of TwiML.
var ErrScriptTooLong = errors.New("voice script too long for inline twiml")

type response struct {
	XMLName xml.Name `xml:"Response"`
	Items   []any
}

type say struct {
	XMLName  xml.Name `xml:"Say"`
	Language string   `xml:"language,attr"`
	Voice    string   `xml:"voice,attr,omitempty"`
	Text     string   `xml:",chardata"`
}

type pause struct {
	XMLName xml.Name `xml:"Pause"`
	Length  int      `xml:"length,attr"`
}

// TwiML returns the TwiML that speaks script in v: a one-second pause
// (the callee lifts the phone to the ear), then one <Say> per line of the
// script. Text is XML-escaped, control characters dropped. When one <Say>
// per line would exceed MaxTwiML, the lines share one <Say>; when even
// that is too long the error wraps ErrScriptTooLong.
func TwiML(script string, v Voice) (string, error) {
	var lines []string
	for _, l := range strings.Split(script, "\n") {
		l = strings.Join(strings.Fields(stripControl(l)), " ")
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return "", errors.New("empty voice script")
	}
	build := func(groups []string) (string, error) {
		r := response{Items: []any{pause{Length: 1}}}
		for _, g := range groups {
			r.Items = append(r.Items, say{Language: v.Language, Voice: v.Voice, Text: g})
		}
		b, err := xml.Marshal(r)
		if err != nil {
			return "", fmt.Errorf("build twiml: %w", err)
		}
		return string(b), nil
	}
	out, err := build(lines)
	if err != nil || utf8.RuneCountInString(out) <= MaxTwiML {
		return out, err
	}
	out, err = build([]string{strings.Join(lines, " ")})
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(out); n > MaxTwiML {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrScriptTooLong, n, MaxTwiML)
	}
	return out, nil
}

// stripControl removes control characters, which XML 1.0 cannot carry.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}
