package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

var base = time.Date(2026, 12, 1, 9, 0, 0, 123456789, time.UTC)

func openLog(t *testing.T) *audit.Log {
	t.Helper()
	s, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := base
	return audit.New(s, func() time.Time { now = now.Add(time.Second); return now })
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `{}`},
		{"sorted keys", map[string]any{"b": 1, "a": []int{2, 1}}, `{"a":[2,1],"b":1}`},
		{"struct fields sorted", struct {
			Z string `json:"z"`
			A string `json:"a"`
		}{"1", "2"}, `{"a":"2","z":"1"}`},
		{"no HTML escaping", map[string]string{"q": "<a&b>"}, `{"q":"<a&b>"}`},
		{"raw JSON re-canonicalised", json.RawMessage("{ \"y\" : 1.50, \"x\": true }"), `{"x":true,"y":1.50}`},
		{"large integer kept", map[string]int64{"n": 9007199254740993}, `{"n":9007199254740993}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := audit.Canonical(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := audit.Canonical(func() {}); err == nil {
		t.Errorf("Canonical(func): got nil error, want one")
	}
}

// TestHashCoversEveryField changes one field at a time: each change must
// change the hash, and the hash must not depend on Hash or Details.
func TestHashCoversEveryField(t *testing.T) {
	e := audit.Entry{Seq: 7, Time: base.Truncate(time.Microsecond), Principal: "p", Action: audit.ActionTokenCreated,
		Object: "token/x", Digest: "d", Prev: "h6"}
	h := audit.Hash(e)
	changes := map[string]func(*audit.Entry){
		"seq":       func(e *audit.Entry) { e.Seq++ },
		"time":      func(e *audit.Entry) { e.Time = e.Time.Add(time.Microsecond) },
		"principal": func(e *audit.Entry) { e.Principal = "q" },
		"action":    func(e *audit.Entry) { e.Action = audit.ActionTokenRevoked },
		"object":    func(e *audit.Entry) { e.Object = "token/y" },
		"digest":    func(e *audit.Entry) { e.Digest = "e" },
		"prev":      func(e *audit.Entry) { e.Prev = "h5" },
		// Moving a byte from one field to the next must not collide.
		"boundary": func(e *audit.Entry) { e.Principal, e.Action = "pt", "oken.created" },
	}
	for name, change := range changes {
		c := e
		change(&c)
		if audit.Hash(c) == h {
			t.Errorf("changing %s left the hash unchanged", name)
		}
	}
	c := e
	c.Hash, c.Details = "x", json.RawMessage(`{"a":1}`)
	if audit.Hash(c) != h {
		t.Errorf("the hash depends on Hash or Details; it must cover Details through Digest only")
	}
}

func TestAppendInvalid(t *testing.T) {
	l := openLog(t)
	tests := []struct {
		name string
		ev   audit.Event
	}{
		{"no principal", audit.Event{Action: audit.ActionConfigLoaded}},
		{"no action", audit.Event{Principal: "p"}},
		{"object not UTF-8", audit.Event{Principal: "p", Action: audit.ActionConfigLoaded, Object: "\xff"}},
		{"principal with NUL", audit.Event{Principal: "p\x00", Action: audit.ActionConfigLoaded}},
		{"object too long", audit.Event{Principal: "p", Action: audit.ActionConfigLoaded, Object: strings.Repeat("o", audit.MaxObjectLen+1)}},
		{"details not JSON", audit.Event{Principal: "p", Action: audit.ActionConfigLoaded, Details: make(chan int)}},
		{"details too large", audit.Event{Principal: "p", Action: audit.ActionConfigLoaded, Details: strings.Repeat("d", audit.MaxDetailsBytes)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := l.Append(t.Context(), tc.ev); !errors.Is(err, audit.ErrInvalid) {
				t.Errorf("Append: got %v, want ErrInvalid", err)
			}
		})
	}
	rep, err := l.Verify(t.Context())
	if err != nil || rep.Checked != 0 {
		t.Errorf("Verify after refused appends: got %+v, %v; want an empty log", rep, err)
	}
}

func TestAppendStampsTime(t *testing.T) {
	l := openLog(t)
	e, err := l.Append(t.Context(), audit.Event{Principal: "p", Action: audit.ActionConfigLoaded})
	if err != nil {
		t.Fatal(err)
	}
	if want := base.Add(time.Second).Truncate(time.Microsecond); !e.Time.Equal(want) || e.Time.Location() != time.UTC {
		t.Errorf("entry time: got %v, want %v in UTC", e.Time, want)
	}
	if e.Prev != "" || e.Seq != 1 {
		t.Errorf("first entry: got seq %d prev %q, want seq 1 and no previous hash", e.Seq, e.Prev)
	}
}

func TestListNegativePage(t *testing.T) {
	l := openLog(t)
	if _, _, err := l.List(t.Context(), audit.Filter{}, audit.Page{After: -1}); !errors.Is(err, audit.ErrInvalid) {
		t.Errorf("List after -1: got %v, want ErrInvalid", err)
	}
}

func TestExportJSONL(t *testing.T) {
	l := openLog(t)
	var want []audit.Entry
	for _, ev := range []audit.Event{
		{Principal: "system:serve", Action: audit.ActionConfigLoaded, Details: map[string]string{"store": "sqlite"}},
		{Principal: "admin", Action: audit.ActionTokenCreated, Object: "token/ci", Details: map[string]string{"role": "detector"}},
		{Principal: "ci", Action: audit.ActionIncidentSubmitted, Object: "incident/INC-1", Details: map[string]int{"revision": 1}},
	} {
		e, err := l.Append(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, e)
	}
	var buf bytes.Buffer
	n, err := l.Export(t.Context(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("Export: got %d entries, want 3", n)
	}
	var got []audit.Entry
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, e)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exported entries (-appended +exported):\n%s", diff)
	}
	// An exported entry still verifies on its own: digest and hash.
	for _, e := range got {
		if audit.Digest(e.Details) != e.Digest || audit.Hash(e) != e.Hash {
			t.Errorf("exported entry %d does not verify", e.Seq)
		}
	}
}

func TestVerifyJSONL(t *testing.T) {
	l := openLog(t)
	for i := range 3 {
		if _, err := l.Append(t.Context(), audit.Event{Principal: "admin", Action: audit.ActionTokenCreated,
			Object: "token/t" + string(rune('1'+i)), Details: map[string]string{"role": "analyst"}}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := l.Export(t.Context(), &buf); err != nil {
		t.Fatal(err)
	}
	export := buf.String()
	lines := strings.SplitAfter(export, "\n")
	tests := []struct {
		name    string
		in      string
		wantSeq int64 // 0: intact
	}{
		{"intact", export, 0},
		{"details altered", strings.Replace(export, `"object":"token/t2","details":{"role":"analyst"}`, `"object":"token/t2","details":{"role":"admin"}`, 1), 2},
		{"line removed", lines[0] + lines[2], 2},
		{"lines swapped", lines[1] + lines[0] + lines[2], 1},
		{"empty", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := audit.VerifyJSONL(strings.NewReader(tc.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.wantSeq == 0 && !rep.OK():
				t.Errorf("got %v, want an intact chain", rep.Broken)
			case tc.wantSeq != 0 && (rep.OK() || rep.Broken.Seq != tc.wantSeq):
				t.Errorf("got %+v, want entry %d named", rep, tc.wantSeq)
			}
		})
	}
	if _, err := audit.VerifyJSONL(strings.NewReader(lines[0]+"not json\n"), nil); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("VerifyJSONL of a bad line: got %v, want an error naming line 2", err)
	}
}

// TestAppendTwoHandles appends through two stores on one SQLite file, as
// two processes would: the chain must stay one.
func TestAppendTwoHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "breach.db")
	var logs []*audit.Log
	for range 2 {
		s, err := store.Open(t.Context(), store.Options{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		logs = append(logs, audit.New(s, nil))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Go(func() {
			for range 25 {
				if _, err := logs[w%2].Append(context.Background(), audit.Event{Principal: "p", Action: audit.ActionIncidentSubmitted}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Append: %v", err)
	}
	rep, err := logs[0].Verify(t.Context())
	if err != nil || !rep.OK() || rep.Checked != 100 {
		t.Errorf("Verify: got %+v, %v; want 100 intact entries", rep, err)
	}
}

func BenchmarkAppend(b *testing.B) {
	s, err := store.Open(context.Background(), store.Options{Path: filepath.Join(b.TempDir(), "breach.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l := audit.New(s, nil)
	ev := audit.Event{Principal: "ci", Action: audit.ActionIncidentSubmitted, Object: "incident/INC-1", Details: map[string]int{"revision": 1}}
	for b.Loop() {
		if _, err := l.Append(context.Background(), ev); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAsyncNeverBlocks: Submit queues up to the queue's size and drops the
// rest (reported to OnDrop) without blocking; Run appends what was queued
// and drains it when its context ends.
func TestAsyncNeverBlocks(t *testing.T) {
	l := openLog(t)
	a := audit.NewAsync(l, 2)
	var dropped []string
	a.OnDrop = func(ev audit.Event, err error) { dropped = append(dropped, ev.Object+": "+err.Error()) }
	for i := range 3 {
		a.Submit(audit.Event{Principal: "system", Action: audit.ActionNoticeRejected, Object: fmt.Sprintf("notice/%d", i)})
	}
	if len(dropped) != 1 || !strings.Contains(dropped[0], "notice/2: audit queue full") || a.Dropped() != 1 {
		t.Fatalf("dropped: got %v (%d), want notice/2 for a full queue", dropped, a.Dropped())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	a.Run(ctx, 5*time.Second)
	got, _, err := l.List(t.Context(), audit.Filter{Action: audit.ActionNoticeRejected}, audit.Page{})
	if err != nil || len(got) != 2 || got[0].Object != "notice/0" || got[1].Object != "notice/1" {
		t.Errorf("entries after Run: got %+v, %v; want notice/0 and notice/1", got, err)
	}
}
