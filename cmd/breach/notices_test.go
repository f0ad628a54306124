package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/web"
)

// cliCampaigns is the service side of the approval and notice routes: a
// fake web.Campaigns (and web.Incidents, for the existence checks) behind
// the real web handler, so that the commands and the API are tested
// together.
type cliCampaigns struct {
	mu        sync.Mutex
	known     map[string]bool
	assessed  map[string]bool
	approvals []web.Approval
	first     string // when set, the approver who was first: later approvals answer theirs
	conflict  bool   // answer ErrAlreadyApproved
	// progression is what successive NoticeCounts calls answer; the last
	// one repeats.
	progression []notify.Counts
	polls       int
	entries     []notify.Entry
	exportErr   error // after the entries
}

func (c *cliCampaigns) Approve(ctx context.Context, id, by string) (web.Approval, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known[id] {
		return web.Approval{}, fmt.Errorf("get incident %s: %w", id, web.ErrNotFound)
	}
	if !c.assessed[id] {
		return web.Approval{}, fmt.Errorf("approve %s: %w", id, web.ErrNotAssessed)
	}
	if c.conflict {
		return web.Approval{}, fmt.Errorf("approve %s: %w", id, web.ErrAlreadyApproved)
	}
	if c.first != "" {
		by = c.first
	}
	ap := web.Approval{Incident: id, Revision: 2, By: by, At: cliNow.Add(90 * time.Second)}
	c.approvals = append(c.approvals, ap)
	return ap, nil
}

func (c *cliCampaigns) NoticeCounts(ctx context.Context, id string) (notify.Counts, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id != "INC-2026-0042" || len(c.progression) == 0 {
		return nil, nil
	}
	counts := c.progression[min(c.polls, len(c.progression)-1)]
	c.polls++
	return counts, nil
}

func (c *cliCampaigns) ExportNotices(ctx context.Context, id string, fn func(notify.Entry) error) error {
	if id != "INC-2026-0042" {
		return nil
	}
	for _, e := range c.entries {
		if err := fn(e); err != nil {
			return err
		}
	}
	return c.exportErr
}

func (c *cliCampaigns) GetIncident(ctx context.Context, id string) (web.IncidentView, error) {
	if !c.known[id] {
		return web.IncidentView{}, fmt.Errorf("incident %s: %w", id, web.ErrNotFound)
	}
	return web.IncidentView{}, nil
}

func (c *cliCampaigns) ListIncidents(ctx context.Context, limit int, cursor string) ([]web.IncidentSummary, string, error) {
	return nil, "", errors.New("not used by these tests")
}

func (c *cliCampaigns) GetAssessment(ctx context.Context, id string) (json.RawMessage, error) {
	return nil, errors.New("not used by these tests")
}

var (
	countsStarted = notify.Counts{
		notify.ChannelEmail: {notify.StatePending: 8, notify.StateSending: 2},
		notify.ChannelSMS:   {notify.StatePending: 3},
		notify.ChannelNone:  {notify.StateUnreachable: 1},
	}
	countsHalf = notify.Counts{
		notify.ChannelEmail: {notify.StatePending: 2, notify.StateSent: 7, notify.StateFailedTemporary: 1},
		notify.ChannelSMS:   {notify.StateSent: 1, notify.StatePending: 2},
		notify.ChannelNone:  {notify.StateUnreachable: 1},
	}
	countsDone = notify.Counts{
		notify.ChannelEmail:  {notify.StateSent: 9, notify.StateFailedPermanent: 1},
		notify.ChannelSMS:    {notify.StateSent: 3},
		notify.ChannelLetter: {notify.StateSent: 1},
		notify.ChannelNone:   {notify.StateUnreachable: 1},
	}
)

// cliToken is the API token the CLI tests send, and cliAuth the server
// side that accepts it as the approver "tester".
const cliToken = "brt_cli-test-token"

var cliAuth = web.StaticToken{Token: cliToken, Principal: access.Principal{Name: "tester", Role: access.RoleAdmin}}

// newCampaignAPI serves web.New with a cliCampaigns.
func newCampaignAPI(t *testing.T, progression ...notify.Counts) (*cliCampaigns, string) {
	t.Helper()
	c := &cliCampaigns{
		known:       map[string]bool{"INC-2026-0042": true, "INC-NEW": true},
		assessed:    map[string]bool{"INC-2026-0042": true},
		progression: progression,
		entries:     exportEntries,
	}
	srv := httptest.NewServer(web.New(web.Config{}, web.Deps{Incidents: c, Campaigns: c, Auth: cliAuth}, nil))
	t.Cleanup(srv.Close)
	return c, srv.URL
}

// cliRun runs "breach <cmd built by mk> args..." in-process with env and
// ctx, as run() does, and returns the exit status and outputs.
func cliRun(t *testing.T, ctx context.Context, mk func(incidentEnv) *cobra.Command, env incidentEnv, args ...string) (int, string, string) {
	t.Helper()
	if env.getenv == nil {
		env.getenv = func(k string) string {
			if k == envAPIToken {
				return cliToken
			}
			return ""
		}
	}
	if env.now == nil {
		env.now = func() time.Time { return cliNow }
	}
	root := &cobra.Command{Use: "breach", SilenceUsage: true, SilenceErrors: true}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	sub := mk(env)
	root.AddCommand(sub)
	var stdout, stderr bytes.Buffer
	root.SetArgs(append([]string{sub.Name()}, args...))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0, stdout.String(), stderr.String()
	}
	stderr.WriteString("breach: " + err.Error() + "\n")
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, stdout.String(), stderr.String()
	}
	return 1, stdout.String(), stderr.String()
}

func envWith(vars map[string]string) incidentEnv {
	return incidentEnv{getenv: func(k string) string {
		if v, ok := vars[k]; ok || k != envAPIToken {
			return v
		}
		return cliToken
	}}
}

func TestIncidentApprove(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantCode   int
		wantOut    string
		wantErr    string
		wantBy     string // the approver the service recorded; "" for none
		notInError string
		mod        func(*cliCampaigns)
	}{
		{name: "approval conflict", args: []string{"INC-2026-0042", "--reason", "ok"}, mod: func(c *cliCampaigns) { c.conflict = true }, wantCode: 1,
			wantErr: "breach: the current revision of incident INC-2026-0042 is already approved by someone else; the first approval stands\n"},
		{name: "approver is the token's principal", args: []string{"INC-2026-0042", "--reason", "counsel agreed"},
			wantOut: "INC-2026-0042 revision 2 approved by tester at 2026-11-21 09:01 UTC\n",
			wantErr: "breach notices status INC-2026-0042 --watch", wantBy: "tester"},
		{name: "json", args: []string{"INC-2026-0042", "--reason", "ok", "--json"},
			wantOut: "{\n  \"incident\": \"INC-2026-0042\",\n  \"revision\": 2,\n  \"by\": \"tester\",\n  \"at\": \"2026-11-21T09:01:30Z\"\n}\n", wantBy: "tester"},
		{name: "not assessed", args: []string{"INC-NEW", "--reason", "ok"}, wantCode: 1,
			wantErr:    "breach: incident INC-NEW cannot be approved before its current revision is assessed; wait for the assessment (GET /api/v1/incidents/INC-NEW/assessment) and approve again\n",
			notInError: "awaiting_assessment"},
		{name: "unknown incident", args: []string{"INC-NOPE", "--reason", "ok"}, wantCode: 1, wantErr: "breach: incident INC-NOPE not found"},
		{name: "bad id", args: []string{"../x", "--reason", "ok"}, wantCode: 2, wantErr: "is not an incident id"},
		{name: "no reason", args: []string{"INC-2026-0042"}, wantCode: 2, wantErr: "--reason must say why"},
		// The server refuses it as invalid_request: invalid input, exit 2 (apiAnswers).
		{name: "reason too long", args: []string{"INC-2026-0042", "--reason", strings.Repeat("x", 1001)}, wantCode: 2, wantErr: "at most 1000 characters"},
		{name: "no token", env: map[string]string{envAPIToken: ""}, args: []string{"INC-2026-0042", "--reason", "ok"}, wantCode: 1, wantErr: "Authorization: Bearer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, url := newCampaignAPI(t)
			if tc.mod != nil {
				tc.mod(c)
			}
			env := envWith(tc.env)
			code, stdout, stderr := cliRun(t, context.Background(), newIncidentCmdWith, env, append([]string{"approve", "--yes", "--server", url}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit: got %d, want %d; stderr %q", code, tc.wantCode, stderr)
			}
			if stdout != tc.wantOut {
				t.Errorf("stdout: got %q, want %q", stdout, tc.wantOut)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, tc.wantErr)
			}
			if tc.notInError != "" && strings.Contains(stderr, tc.notInError) {
				t.Errorf("stderr: got %q, want no %q", stderr, tc.notInError)
			}
			var gotBy []string
			for _, ap := range c.approvals {
				gotBy = append(gotBy, ap.By)
			}
			var wantBy []string
			if tc.wantBy != "" {
				wantBy = []string{tc.wantBy}
			}
			if diff := cmp.Diff(wantBy, gotBy); diff != "" {
				t.Errorf("approvals recorded (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoticesStatus(t *testing.T) {
	_, url := newCampaignAPI(t, countsHalf)
	code, stdout, stderr := cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, "status", "INC-2026-0042", "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := `INC-2026-0042: campaign in progress, 9 of 14 notices final (64%): 8 sent, 5 open, 1 person unreachable

CHANNEL  PENDING  SENDING  SENT  DELIVERED  WRITTEN  FAILED_TEMPORARY  FAILED_PERMANENT  SKIPPED  UNREACHABLE  TOTAL
email    2        0        7     0          0        1                 0                 0        0            10
sms      2        0        1     0          0        0                 0                 0        0            3
none     0        0        0     0          0        0                 0                 0        1            1
TOTAL    4        0        8     0          0        1                 0                 0        1            14
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}

	code, stdout, _ = cliRun(t, context.Background(), newNoticesCmdWith, envWith(map[string]string{envServer: url}), "status", "INC-2026-0042", "--json")
	if code != 0 {
		t.Fatalf("--json: exit %d", code)
	}
	var got web.NoticeStatus
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if diff := cmp.Diff(web.Summarise("INC-2026-0042", countsHalf), got); diff != "" {
		t.Errorf("--json (-want +got):\n%s", diff)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{name: "no campaign yet", args: []string{"status", "INC-NEW"},
			wantOut: "INC-NEW: no notices yet (the campaign is planned once the incident is approved and its assessment requires telling people: breach incident approve INC-NEW)\n"},
		{name: "unknown incident", args: []string{"status", "INC-NOPE"}, wantCode: 1, wantErr: "breach: incident INC-NOPE not found"},
		{name: "bad interval", args: []string{"status", "INC-2026-0042", "--watch", "--interval", "0s"}, wantCode: 2, wantErr: "--interval must be positive"},
		{name: "bad id", args: []string{"status", "a/b"}, wantCode: 2, wantErr: "is not an incident id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, append(tc.args, "--server", url)...)
			if code != tc.wantCode {
				t.Fatalf("exit: got %d, want %d; stderr %q", code, tc.wantCode, stderr)
			}
			if stdout != tc.wantOut {
				t.Errorf("stdout: got %q, want %q", stdout, tc.wantOut)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, tc.wantErr)
			}
		})
	}
}

const doneTable = `INC-2026-0042: campaign complete, 15 notices final: 13 sent, 1 failed, 1 person unreachable

CHANNEL  PENDING  SENDING  SENT  DELIVERED  WRITTEN  FAILED_TEMPORARY  FAILED_PERMANENT  SKIPPED  UNREACHABLE  TOTAL
email    0        0        9     0          0        0                 1                 0        0            10
sms      0        0        3     0          0        0                 0                 0        0            3
letter   0        0        1     0          0        0                 0                 0        0            1
none     0        0        0     0          0        0                 0                 0        1            1
TOTAL    0        0        13    0          0        0                 1                 0        1            15
`

func TestNoticesWatchPlain(t *testing.T) {
	c, url := newCampaignAPI(t, nil, countsStarted, countsStarted, countsHalf, countsDone)
	code, stdout, stderr := cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{},
		"status", "INC-2026-0042", "--watch", "--interval", "5ms", "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := "2026-11-21T09:00:00Z INC-2026-0042: waiting for the campaign to be planned\n" +
		"2026-11-21T09:00:00Z INC-2026-0042: 1/14 final (7%), pending 11, sending 2, unreachable 1\n" +
		"2026-11-21T09:00:00Z INC-2026-0042: 9/14 final (64%), pending 4, sent 8, failed_temporary 1, unreachable 1\n" +
		"2026-11-21T09:00:00Z INC-2026-0042: 15/15 final (100%), sent 13, failed_permanent 1, unreachable 1\n" +
		doneTable
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("watch (-want +got):\n%s", diff)
	}
	if c.polls != 5 {
		t.Errorf("polls: got %d, want 5 (it stops at the first complete status)", c.polls)
	}
}

func TestNoticesWatchPlainHeartbeat(t *testing.T) {
	_, url := newCampaignAPI(t, countsHalf, countsHalf, countsHalf, countsDone)
	clock := cliNow
	env := incidentEnv{now: func() time.Time { clock = clock.Add(40 * time.Second); return clock }}
	code, stdout, stderr := cliRun(t, context.Background(), newNoticesCmdWith, env, "status", "INC-2026-0042", "--watch", "--interval", "5ms", "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// The clock moves 40s a reading (the start takes 0:40): polls at 1:20,
	// 2:00 (unchanged, skipped), 2:40 (unchanged for over a minute,
	// repeated) and 3:20 (done).
	want := "2026-11-21T09:01:20Z INC-2026-0042: 9/14 final (64%), pending 4, sent 8, failed_temporary 1, unreachable 1\n" +
		"2026-11-21T09:02:40Z INC-2026-0042: 9/14 final (64%), pending 4, sent 8, failed_temporary 1, unreachable 1\n" +
		"2026-11-21T09:03:20Z INC-2026-0042: 15/15 final (100%), sent 13, failed_permanent 1, unreachable 1\n" +
		doneTable
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("watch (-want +got):\n%s", diff)
	}
}

func TestNoticesWatchLive(t *testing.T) {
	_, url := newCampaignAPI(t, countsStarted, countsHalf, countsDone)
	clock := cliNow
	env := incidentEnv{
		now:      func() time.Time { clock = clock.Add(10 * time.Second); return clock },
		terminal: func(io.Writer) bool { return true },
	}
	code, stdout, stderr := cliRun(t, context.Background(), newNoticesCmdWith, env, "status", "INC-2026-0042", "--watch", "--interval", "5ms", "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := "\r\033[K[██░░░░░░░░░░░░░░░░░░░░░░░░░░░░]   7%  1/14 final  sent 0  open 13  unreachable 1  0:10" +
		"\r\033[K[███████████████████░░░░░░░░░░░]  64%  9/14 final  sent 8  open 5  unreachable 1  0:20  ETA 0:06" +
		"\r\033[K[██████████████████████████████] 100%  15/15 final  sent 13  open 0  failed 1  unreachable 1  0:30" +
		"\r\033[K" + doneTable
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("live watch (-want +got):\n%s", diff)
	}
}

func TestNoticesWatchJSON(t *testing.T) {
	_, url := newCampaignAPI(t, countsHalf, countsHalf, countsDone)
	code, stdout, stderr := cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{terminal: func(io.Writer) bool { return true }},
		"status", "INC-2026-0042", "--watch", "--json", "--interval", "5ms", "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	var got []web.NoticeStatus
	for _, l := range lines {
		var s web.NoticeStatus
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("line %q is not a status: %v", l, err)
		}
		got = append(got, s)
	}
	want := []web.NoticeStatus{web.Summarise("INC-2026-0042", countsHalf), web.Summarise("INC-2026-0042", countsDone)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--watch --json: one line per change (-want +got):\n%s", diff)
	}
}

func TestNoticesWatchInterrupted(t *testing.T) {
	c, url := newCampaignAPI(t, countsHalf)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	code, stdout, stderr := cliRun(t, ctx, newNoticesCmdWith, incidentEnv{}, "status", "INC-2026-0042", "--watch", "--interval", "10ms", "--server", url)
	if code != 130 {
		t.Fatalf("exit: got %d, want 130; stderr %q", code, stderr)
	}
	if !strings.Contains(stderr, "stopped watching INC-2026-0042 before its campaign completed") {
		t.Errorf("stderr: got %q, want it to say the watch stopped early", stderr)
	}
	if !strings.Contains(stdout, "TOTAL    4        0        8") || strings.Count(stdout, "9/14 final") != 1 {
		t.Errorf("stdout: got %q, want one progress line and the last table", stdout)
	}
	if c.polls < 3 {
		t.Errorf("polls: got %d, want several within 150ms at a 10ms interval", c.polls)
	}
}

func TestNoticesWatchServerGone(t *testing.T) {
	_, url := newCampaignAPI(t, countsHalf)
	code, _, stderr := cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, "status", "INC-NOPE", "--watch", "--interval", "5ms", "--server", url)
	if code != 1 || !strings.Contains(stderr, "incident INC-NOPE not found") {
		t.Errorf("unknown incident: got exit %d, stderr %q; want 1 and the server's message at once", code, stderr)
	}

	srv := httptest.NewServer(web.New(web.Config{}, web.Deps{Auth: cliAuth}, nil)) // no campaigns: 503
	defer srv.Close()
	clock := cliNow
	tick := envWith(nil)
	tick.now = func() time.Time { clock = clock.Add(10 * time.Second); return clock }
	code, _, stderr = cliRun(t, context.Background(), newNoticesCmdWith, tick, "status", "INC-2026-0042", "--watch", "--interval", "1ms", "--server", srv.URL)
	if code != 1 {
		t.Fatalf("exit: got %d, want 1", code)
	}
	// The clock moves 10s a poll: the seventh failure comes a minute after
	// the first, and ends the watch.
	if n := strings.Count(stderr, "(retrying every 1ms)"); n != 6 {
		t.Errorf("stderr: got %d retry warnings, want 6 before giving up:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "gave up watching INC-2026-0042 after") || !strings.Contains(stderr, "not configured") {
		t.Errorf("stderr: got %q, want it to give up with the server's message", stderr)
	}
}

func TestWatchBarAndClock(t *testing.T) {
	w := &watcher{start: cliNow, first: progress{final: 100}, firstAt: cliNow.Add(30 * time.Minute)}
	s := web.Summarise("I", notify.Counts{notify.ChannelEmail: {notify.StateSent: 250, notify.StatePending: 750}})
	got := w.bar(s, 8, cliNow.Add(90*time.Minute))
	// 150 notices in the hour since the first answer: 750 more take 5h.
	want := "[██░░░░░░]  25%  250/1000 final  sent 250  open 750  1:30:00  ETA 5:00:00"
	if got != want {
		t.Errorf("bar: got %q, want %q", got, want)
	}
	if got := w.bar(web.Summarise("I", nil), 8, cliNow.Add(90*time.Minute)); got != "I: waiting for the campaign to be planned  1:30:00" {
		t.Errorf("bar without notices: got %q", got)
	}
	for d, want := range map[time.Duration]string{0: "0:00", 59 * time.Second: "0:59", 61 * time.Minute: "1:01:00", -time.Second: "0:00"} {
		if got := clock(d); got != want {
			t.Errorf("clock(%s): got %q, want %q", d, got, want)
		}
	}
}

var exportEntries = []notify.Entry{
	{Key: "INC-2026-0042/s-1/email/1", IncidentID: "INC-2026-0042", SubjectID: "s-1", Channel: notify.ChannelEmail, Version: 1,
		State: notify.StateSent, Attempts: 1, ProviderID: "<01J@notices.example>", TemplateVersion: "v3", ContentHash: "sha256:ab",
		CreatedAt: cliNow, UpdatedAt: cliNow.Add(2 * time.Second), SentAt: cliNow.Add(2 * time.Second)},
	{Key: "INC-2026-0042/s-2/sms/1", IncidentID: "INC-2026-0042", SubjectID: "s-2", Channel: notify.ChannelSMS, Version: 1, Guardian: true,
		State: notify.StateFailedPermanent, Attempts: 3, Error: "carrier said: \"unknown\"\nnumber",
		CreatedAt: cliNow, UpdatedAt: cliNow.Add(time.Minute)},
	{Key: "INC-2026-0042/s-3/none/1", IncidentID: "INC-2026-0042", SubjectID: "s-3", Channel: notify.ChannelNone, Version: 1,
		State: notify.StateUnreachable, CreatedAt: cliNow, UpdatedAt: cliNow},
}

const exportCSV = `key,incident,subject,channel,version,guardian,state,attempts,provider_id,error,template_version,content_hash,created_at,updated_at,sent_at
INC-2026-0042/s-1/email/1,INC-2026-0042,s-1,email,1,false,sent,1,<01J@notices.example>,,v3,sha256:ab,2026-11-21T09:00:00Z,2026-11-21T09:00:02Z,2026-11-21T09:00:02Z
INC-2026-0042/s-2/sms/1,INC-2026-0042,s-2,sms,1,true,failed_permanent,3,,"carrier said: ""unknown""
number",,,2026-11-21T09:00:00Z,2026-11-21T09:01:00Z,
INC-2026-0042/s-3/none/1,INC-2026-0042,s-3,none,1,false,unreachable,0,,,,,2026-11-21T09:00:00Z,2026-11-21T09:00:00Z,
`

func TestNoticesExport(t *testing.T) {
	_, url := newCampaignAPI(t)
	code, stdout, stderr := cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, "export", "INC-2026-0042", "--server", url)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if diff := cmp.Diff(exportCSV, stdout); diff != "" {
		t.Errorf("stdout CSV (-want +got):\n%s", diff)
	}
	if stderr != "" {
		t.Errorf("stderr: got %q, want nothing when writing to standard output", stderr)
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "ledger.csv")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = cliRun(t, context.Background(), newNoticesCmdWith, envWith(map[string]string{envServer: url}), "export", "INC-2026-0042", "-o", out)
	if code != 0 {
		t.Fatalf("-o: exit %d, stderr %q", code, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(exportCSV, string(got)); diff != "" {
		t.Errorf("file CSV (-want +got):\n%s", diff)
	}
	if stdout != "" || stderr != "breach: wrote 3 notices of INC-2026-0042 to "+out+"\n" {
		t.Errorf("-o: got stdout %q stderr %q, want only the summary on stderr", stdout, stderr)
	}
	if names := dirNames(t, dir); !cmp.Equal(names, []string{"ledger.csv"}) {
		t.Errorf("directory: got %v, want ledger.csv alone (no temporary file left)", names)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode: got %v, want 0600", fi.Mode().Perm())
	}

	// Without notices the export is the header alone.
	code, stdout, _ = cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, "export", "INC-NEW", "--server", url)
	if code != 0 || stdout != strings.Join(web.ExportHeader, ",")+"\n" {
		t.Errorf("no notices: got exit %d and %q, want the header alone", code, stdout)
	}
}

func TestNoticesExportFailures(t *testing.T) {
	c, url := newCampaignAPI(t)
	many := make([]notify.Entry, 2000) // past the server's first flush, so the 200 is sent
	for i := range many {
		many[i] = exportEntries[0]
	}
	c.entries, c.exportErr = many, errors.New("disk I/O error")

	dir := t.TempDir()
	out := filepath.Join(dir, "ledger.csv")
	code, _, stderr := cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, "export", "INC-2026-0042", "-o", out, "--server", url)
	if code != 1 || !strings.Contains(stderr, "the transfer broke off") {
		t.Errorf("broken transfer: got exit %d stderr %q, want 1 and an explanation", code, stderr)
	}
	if strings.Contains(stderr, "disk I/O") {
		t.Errorf("stderr %q shows the server's internal error", stderr)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory: got %v, want nothing written", names)
	}

	code, _, stderr = cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, "export", "INC-NOPE", "-o", out, "--server", url)
	if code != 1 || !strings.Contains(stderr, "incident INC-NOPE not found") {
		t.Errorf("unknown incident: got exit %d stderr %q", code, stderr)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory after a 404: got %v, want nothing written", names)
	}

	code, _, stderr = cliRun(t, context.Background(), newNoticesCmdWith, incidentEnv{}, "export", "INC-2026-0042", "-o", filepath.Join(dir, "no", "such", "dir.csv"), "--server", url)
	if code != 1 || !strings.Contains(stderr, "no such file or directory") {
		t.Errorf("missing directory: got exit %d stderr %q", code, stderr)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
