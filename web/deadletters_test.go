package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/store"
)

// fakeDeadLetters records what the routes asked for.
type fakeDeadLetters struct {
	calls []string
}

func (f *fakeDeadLetters) After(_ context.Context, stages []string, after uint64, limit int) (*deadletter.List, error) {
	f.calls = append(f.calls, fmt.Sprintf("after %v %d %d", stages, after, limit))
	return &deadletter.List{Stream: "DEADLETTER", Deadletters: []deadletter.Entry{}}, nil
}

func (f *fakeDeadLetters) Show(_ context.Context, seq uint64) (deadletter.Entry, error) {
	if seq == 404 {
		return deadletter.Entry{}, fmt.Errorf("stream DEADLETTER has no message 404: %w", deadletter.ErrNotFound)
	}
	return deadletter.Entry{Sequence: seq, Reason: "550 mailbox jane.doe@example.com unknown"}, nil
}

func (f *fakeDeadLetters) ReplayAll(_ context.Context, seqs []uint64) ([]deadletter.Replayed, error) {
	f.calls = append(f.calls, fmt.Sprintf("replay %v", seqs))
	return nil, fmt.Errorf("replay DEADLETTER %d: it has no Breach-Original-Subject header: %w", seqs[0], deadletter.ErrRefused)
}

func (f *fakeDeadLetters) Resolve(_ context.Context, seqs []uint64, by, why string) ([]deadletter.Resolved, error) {
	f.calls = append(f.calls, fmt.Sprintf("resolve %v %s %s", seqs, by, why))
	return []deadletter.Resolved{{Entry: deadletter.Entry{Sequence: seqs[0]}, Record: 9}}, nil
}

func (f *fakeDeadLetters) PurgeSeqs(_ context.Context, seqs []uint64, by, why string) (deadletter.Purged, error) {
	f.calls = append(f.calls, fmt.Sprintf("purge %v %s %s", seqs, by, why))
	return deadletter.Purged{Sequences: seqs, Count: uint64(len(seqs)), Record: 10}, nil
}

func (f *fakeDeadLetters) PurgeOlder(_ context.Context, _ time.Time, age time.Duration, stages []string, by, why string) (deadletter.Purged, error) {
	f.calls = append(f.calls, fmt.Sprintf("purge older %s %v %s %s", age, stages, by, why))
	return deadletter.Purged{Count: 3, Record: 11}, nil
}

func TestDeadLetterRoutes(t *testing.T) {
	dl := &fakeDeadLetters{}
	f := newFixture(t, Config{}, func(d *Deps) { d.DeadLetters = dl })
	json := "application/json"
	for _, tc := range []struct {
		method, path, body string
		want               int
		wantIn             string
		call               string
	}{
		{"GET", "/api/v1/deadletters?stage=email,sms&after=4&limit=20", "", 200, `"stream": "DEADLETTER"`, "after [email sms] 4 20"},
		{"GET", "/api/v1/deadletters?stage=a.b", "", 400, "not a stage name", ""},
		{"GET", "/api/v1/deadletters?after=-1", "", 400, "after", ""},
		{"GET", "/api/v1/deadletters/7", "", 200, `"sequence": 7`, ""},
		{"GET", "/api/v1/deadletters/8", "", 200, `550 mailbox`, ""},
		{"GET", "/api/v1/deadletters/404", "", 404, "no message 404", ""},
		{"GET", "/api/v1/deadletters/zero", "", 400, "not a stream sequence", ""},
		{"POST", "/api/v1/deadletters/3/replay", `{}`, 409, "deadletter_refused", "replay [3]"},
		{"POST", "/api/v1/deadletters/3/resolve", `{}`, 400, "reason is required", ""},
		{"POST", "/api/v1/deadletters/3/resolve", `{"reason": "handled"}`, 200, `"record": 9`, "resolve [3] tester handled"},
		{"POST", "/api/v1/deadletters/purge", `{"reason": "x"}`, 400, "give the sequences to purge, or older_than", ""},
		{"POST", "/api/v1/deadletters/purge", `{"sequences": [1], "older_than": "1h", "reason": "x"}`, 400, "not both", ""},
		{"POST", "/api/v1/deadletters/purge", `{"older_than": "soon", "reason": "x"}`, 400, "not a positive duration", ""},
		{"POST", "/api/v1/deadletters/purge", `{"sequences": [1, 2], "reason": "tests"}`, 200, `"count": 2`, "purge [1 2] tester tests"},
		{"POST", "/api/v1/deadletters/purge", `{"older_than": "720h", "stages": ["email"], "reason": "retention"}`, 200, `"count": 3`, "purge older 720h0m0s [email] tester retention"},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.body, func(t *testing.T) {
			dl.calls = nil
			ctype := ""
			var body *strings.Reader
			if tc.method == "POST" {
				ctype = json
			}
			body = strings.NewReader(tc.body)
			resp, b := f.do(t, tc.method, tc.path, ctype, body)
			if resp.StatusCode != tc.want || !strings.Contains(string(b), tc.wantIn) {
				t.Fatalf("got %d %s, want %d containing %q", resp.StatusCode, b, tc.want, tc.wantIn)
			}
			if strings.Contains(string(b), "jane.doe@example.com") {
				t.Errorf("the answer quotes an e-mail address: %s", b)
			}
			if tc.call != "" && (len(dl.calls) != 1 || dl.calls[0] != tc.call) {
				t.Errorf("calls: got %q, want %q", dl.calls, tc.call)
			}
		})
	}
	g := newFixture(t, Config{}, nil)
	if resp, b := g.do(t, "GET", "/api/v1/deadletters", "", nil); resp.StatusCode != 503 {
		t.Errorf("without dead-letter administration: got %d %s, want 503", resp.StatusCode, b)
	}
}

// partialPurge removes some dead letters, then fails.
type partialPurge struct{ fakeDeadLetters }

func (partialPurge) PurgeOlder(_ context.Context, cutoff time.Time, _ time.Duration, stages []string, _, _ string) (deadletter.Purged, error) {
	return deadletter.Purged{Count: 3, Before: cutoff, Stages: stages}, errors.New("purged 3 dead letters, but record the purge: timeout")
}

// TestDeadLetterPurgeFailingPartWayIsAudited: a purge that removed dead
// letters before failing answers the failure and is still in the audit
// log, under the token's principal.
func TestDeadLetterPurgeFailingPartWayIsAudited(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "audit.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := audit.New(st, func() time.Time { return fixedNow })
	f := newFixture(t, Config{}, func(d *Deps) { d.DeadLetters = &partialPurge{}; d.Audit = log })
	resp, b := f.do(t, "POST", "/api/v1/deadletters/purge", "application/json", strings.NewReader(`{"older_than": "720h", "reason": "retention"}`))
	if resp.StatusCode != 500 {
		t.Fatalf("got %d %s, want 500", resp.StatusCode, b)
	}
	entries, _, err := log.List(t.Context(), audit.Filter{Action: audit.ActionDeadLetterPurged}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Principal != "tester" {
		t.Fatalf("audit: got %+v, want one purge by the tester", entries)
	}
	if d, _ := json.Marshal(entries[0].Details); !strings.Contains(string(d), `"count":3`) {
		t.Errorf("audit details: got %s, want count 3", d)
	}
}
