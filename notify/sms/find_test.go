package sms

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/notify"
)

// mailbox is a fake Twilio that stores created messages and lists them;
// while hang is set, creation stores the message and never answers.
type mailbox struct {
	mu      sync.Mutex
	created time.Time
	msgs    []map[string]any
	hang    bool
	queries []url.Values
}

func (b *mailbox) reply(w http.ResponseWriter, r *http.Request, i int) {
	b.mu.Lock()
	switch r.Method {
	case http.MethodPost:
		msg := map[string]any{
			"sid": fmt.Sprintf("SM%032x", i+1), "to": r.PostForm.Get("To"), "from": r.PostForm.Get("From"),
			"body": r.PostForm.Get("Body"), "status": "queued", "direction": "outbound-api",
			"messaging_service_sid": r.PostForm.Get("MessagingServiceSid"),
			"date_created":          b.created.Format(time.RFC1123Z),
		}
		b.msgs = append([]map[string]any{msg}, b.msgs...)
		hang := b.hang
		b.mu.Unlock()
		if hang {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(msg)
	case http.MethodGet:
		q := r.URL.Query()
		b.queries = append(b.queries, q)
		var out []map[string]any
		for _, m := range b.msgs {
			if m["to"] == q.Get("To") && (q.Get("From") == "" || m["from"] == q.Get("From")) {
				out = append(out, m)
			}
		}
		b.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"messages": out, "page": 0, "page_size": FindPageSize})
	default:
		b.mu.Unlock()
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func TestFindSentReconcilesAnAmbiguousTimeout(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	box := &mailbox{created: t0.Add(3 * time.Second), hang: true}
	h := newHarness(t, box.reply, func(c *Config) { c.Timeout = 200 * time.Millisecond })

	_, err := h.notify(t.Context(), message(testTo))
	if !IsAmbiguous(err) {
		t.Fatalf("Notify: got %v, want an ambiguous failure", err)
	}
	box.mu.Lock()
	box.hang = false
	box.mu.Unlock()

	tests := []struct {
		name  string
		msg   *notify.Message
		since time.Time
		want  string
	}{
		{"the lost message is found", message(testTo), t0, fmt.Sprintf("SM%032x", 1)},
		{"number with separators", message("+44 7700 900-123"), t0, fmt.Sprintf("SM%032x", 1)},
		{"other text", &notify.Message{To: testTo, Text: "something else"}, t0, ""},
		{"other number", message("+447700900999"), t0, ""},
		{"created before the window", message(testTo), t0.Add(10 * time.Minute), ""},
		{"within the clock skew", message(testTo), t0.Add(time.Minute), fmt.Sprintf("SM%032x", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.n.FindSent(t.Context(), tt.msg, tt.since)
			if err != nil {
				h.mu.Lock()
				h.errs = append(h.errs, err)
				h.mu.Unlock()
				t.Fatalf("FindSent: got error %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("got sid %q, want %q", got, tt.want)
			}
		})
	}
	box.mu.Lock()
	q := box.queries[0]
	box.mu.Unlock()
	want := url.Values{"To": {testTo}, "From": {testFrom}, "PageSize": {fmt.Sprint(FindPageSize)}}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Errorf("list query (-want +got):\n%s", diff)
	}
}

func TestFindSentWithMessagingService(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	box := &mailbox{created: t0}
	h := newHarness(t, box.reply, func(c *Config) { c.From, c.MessagingServiceSID = "", testService })
	sid, err := h.notify(t.Context(), message(testTo))
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got, err := h.n.FindSent(t.Context(), message(testTo), t0)
	if err != nil || got != sid {
		t.Fatalf("FindSent: got %q, %v, want %q, nil", got, err, sid)
	}
	if _, ok := box.queries[0]["From"]; ok {
		t.Errorf("got a From filter %q, want none with a messaging service", box.queries[0].Get("From"))
	}
}

func TestFindSentFailures(t *testing.T) {
	tests := []struct {
		name  string
		reply func(http.ResponseWriter, *http.Request, int)
		kind  error
	}{
		{"bad credentials", twilioError(401, 20003), ErrAuth},
		{"throttled", twilioError(429, 20429), ErrThrottled},
		{"server error", twilioError(500, 20500), ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.reply, nil)
			_, err := h.n.FindSent(t.Context(), message(testTo), time.Time{})
			h.errs = append(h.errs, err)
			if err == nil || notify.IsPermanent(err) || !errors.Is(err, tt.kind) || IsAmbiguous(err) {
				t.Errorf("got %v, want a temporary %v", err, tt.kind)
			}
		})
	}
	t.Run("server down", func(t *testing.T) {
		h := newHarness(t, nil, nil)
		h.api.Close()
		_, err := h.n.FindSent(t.Context(), message(testTo), time.Time{})
		h.errs = append(h.errs, err)
		if !errors.Is(err, ErrConnection) || notify.IsPermanent(err) {
			t.Errorf("got %v, want a temporary ErrConnection", err)
		}
	})
}
