package templates

import (
	"fmt"
	"testing"
)

// TestFingerprintMatchesRender: Fingerprint answers as Render does — the
// same error, template version, content hash, locale and SMS encoding —
// for every channel, from the cache and in full (a person the cache
// cannot serve, one whose name carries a link), with no text at all.
func TestFingerprintMatchesRender(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	notices := people(64)
	bad := notices[1]
	bad.Recipient.Name = "Jane https://evil.example/login"
	noCode := notices[2]
	noCode.VerificationCode = ""
	notices = append(notices, bad, noCode)
	notices = append(notices, sampleNotices()...)
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	for i, n := range notices {
		for _, ch := range Channels {
			t.Run(fmt.Sprintf("%d/%s", i, ch), func(t *testing.T) {
				want, werr := s.Render(ch, n)
				got, gerr := s.Fingerprint(ch, n)
				if errText(gerr) != errText(werr) {
					t.Fatalf("got error %v, want %v", gerr, werr)
				}
				if got.Subject != "" || got.Text != "" || got.HTML != "" {
					t.Errorf("Fingerprint returned text: %+v", got)
				}
				want.Subject, want.Text, want.HTML = "", "", ""
				if got != want {
					t.Errorf("got %+v, want %+v", got, want)
				}
				if werr == nil && len(got.ContentHash) != 64 {
					t.Errorf("got content hash %q", got.ContentHash)
				}
			})
		}
	}
}
