package voice

import (
	"fmt"
	"testing"
	"time"

	"github.com/breach-notify/breach/internal/twiliotest"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
)

func TestFindSent(t *testing.T) {
	placed := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	api := twiliotest.New(t, testSID, testToken, twiliotest.WithClock(func() time.Time { return placed }))
	log := notifytest.NewLog()
	n, err := New(Config{AccountSID: testSID, From: testFrom, BaseURL: api.URL}, token(testToken), log.Entry)
	if err != nil {
		t.Fatal(err)
	}
	sid, err := n.Notify(t.Context(), message(testTo, "en", testScript))
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	tests := []struct {
		name  string
		to    string
		since time.Time
		want  string
	}{
		{"call placed after since", testTo, placed.Add(-time.Minute), sid},
		{"within the clock skew", "+44 7700 900123", placed.Add(time.Minute), sid},
		{"placed before since", testTo, placed.Add(10 * time.Minute), ""},
		{"other number", "+447700900999", placed.Add(-time.Minute), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := n.FindSent(t.Context(), message(tt.to, "en", testScript), tt.since)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
	if want := fmt.Sprintf("CA%032x", 1); sid != want {
		t.Errorf("got sid %q, want %q", sid, want)
	}
	api.Close()
	_, err = n.FindSent(t.Context(), message(testTo, "en", testScript), placed)
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("server down: got %v, want a temporary failure", err)
	}
	notifytest.AssertNoLeak(t, []string{testToken}, []string{testTo}, []error{err}, log.String())
}
