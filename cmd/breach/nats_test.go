package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/store"
)

// startSecuredBus runs breach's embedded server on a random loopback port,
// as `breach serve` does with <dataDir>/nats, and returns it.
func startSecuredBus(t *testing.T, dataDir string) *natsbus.Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := natsbus.Start(ctx, natsbus.Options{StoreDir: filepath.Join(dataDir, "nats"), Listen: "127.0.0.1:0"}, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func TestNatsPermissionsJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"nats", "permissions", "--json", "--data-dir", t.TempDir()}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got map[string]natsbus.Permissions
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	want := map[string]natsbus.Permissions{}
	for _, role := range []string{natsbus.RoleService, natsbus.RoleDetector, natsbus.RoleOperator} {
		want[role], _ = natsbus.RolePermissions(role, natsbus.Topics{}, natsbus.StreamNames{})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	if want := []string{"breach.incident.submit"}; !cmp.Equal(got["detector"].Publish, want) {
		t.Errorf("detector may publish %v, want only %v", got["detector"].Publish, want)
	}
}

func TestNatsPermissionsText(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"nats", "permissions", "--role", "detector", "--data-dir", t.TempDir()}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{`publish: { allow: ["breach.incident.submit"] }`, `subscribe: { allow: ["_INBOX.>"] }`,
		`nsc add user breach-detector --allow-pub "breach.incident.submit" --allow-sub "_INBOX.>"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if code := run([]string{"nats", "permissions", "--role", "admin", "--data-dir", t.TempDir()}, nil, io.Discard, io.Discard); code != 2 {
		t.Errorf("unknown role: exit %d, want 2", code)
	}
}

func TestNatsCreds(t *testing.T) {
	dir := t.TempDir()
	startSecuredBus(t, dir)
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"detector", []string{"detector"}, 0, []string{filepath.Join(dir, "nats", "detector.creds"), "mode 0600", "delete it and restart breach serve to revoke it",
			"may publish:   breach.incident.submit", "breach incident submit -f incident.json --nats-creds", "nats.UserCredentials("}},
		{"operator", []string{"operator"}, 0, []string{filepath.Join(dir, "nats", "operator.creds"), "--inbox-prefix _INBOX_breach_operator",
			"breach deadletter list"}},
		{"not written yet", []string{"detector", "--data-dir", t.TempDir()}, 0, []string{"not written yet"}},
		{"unknown role", []string{"admin"}, 2, []string{`role "admin" has no credential file`}},
		{"service", []string{"service"}, 2, []string{"has no credential file"}},
		{"external NATS", []string{"detector", "--nats-url", "nats://127.0.0.1:4222"}, 2, []string{"the external NATS issues credentials", "breach nats permissions --role detector"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"nats", "creds"}, c.args...)
			if !strings.Contains(strings.Join(c.args, " "), "--data-dir") {
				args = append(args, "--data-dir", dir)
			}
			var out, errOut bytes.Buffer
			code := run(args, nil, &out, &errOut)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s%s", code, c.code, out.String(), errOut.String())
			}
			all := out.String() + errOut.String()
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			if strings.Contains(all, "SUA") || strings.Contains(all, "NATS USER JWT") {
				t.Errorf("output shows the credential itself:\n%s", all)
			}
		})
	}
}

// runDeadletterAt runs "breach deadletter args..." with the clock at now,
// run by the login ops-jo.
func runDeadletterAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	return runDeadletterEnv(t, deadletterEnv{
		incidentEnv: incidentEnv{
			getenv:   func(k string) string { return map[string]string{"USER": "ops-jo"}[k] },
			now:      func() time.Time { return now },
			terminal: func(io.Writer) bool { return false },
		},
	}, args...)
}

// TestDeadletterWithOperatorCreds runs every deadletter command against
// breach's own embedded server with the operator credential: list, replay,
// resolve and purge by sequence and by age. Without a credential, or with
// the detector's, the server refuses.
func TestDeadletterWithOperatorCreds(t *testing.T) {
	dir := t.TempDir()
	b := startSecuredBus(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	body := `{"schema":"breach.incident/v1","id":"INC-9","title":"x","contact":{"email":"jane@example.com"}}`
	for i, stage := range []string{"intake", "email", "intake", "sms"} {
		m := &nats.Msg{Subject: b.Topics().Deadletter(stage), Data: []byte(body), Header: nats.Header{}}
		m.Header.Set(natsbus.HeaderError, "reason "+stage)
		if stage == "intake" {
			m.Header.Set(natsbus.HeaderOriginalSubject, "breach.incident.submit")
			m.Header.Set(natsbus.HeaderOriginalMsgID, "INC-9/1/x"+string(rune('0'+i)))
		}
		if _, err := b.JetStream().PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	operator := natsbus.CredsPath(filepath.Join(dir, "nats"), natsbus.RoleOperator)
	conn := []string{"--nats-url", b.ClientURL(), "--nats-creds", operator}
	now := time.Now()

	if code, _, errOut := runDeadletterAt(t, now, "list", "--nats-url", b.ClientURL()); code != 1 || !strings.Contains(errOut, "the server wants a credential") {
		t.Errorf("list without a credential: exit %d %q, want 1 and a hint", code, errOut)
	}
	detector := natsbus.CredsPath(filepath.Join(dir, "nats"), natsbus.RoleDetector)
	if code, _, errOut := runDeadletterAt(t, now, "list", "--nats-url", b.ClientURL(), "--nats-creds", detector, "--timeout", "2s"); code != 1 ||
		!strings.Contains(errOut, `Permissions Violation for Publish to "$JS.API.STREAM.INFO.DEADLETTER"`) || !strings.Contains(errOut, "breach nats creds operator") {
		t.Errorf("list with the detector's credential: exit %d %q, want 1 naming the refusal", code, errOut)
	}

	code, out, errOut := runDeadletterAt(t, now, append([]string{"list", "--json"}, conn...)...)
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errOut)
	}
	var list deadletterList
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Deadletters) != 4 {
		t.Fatalf("list: got %d dead letters, want 4", len(list.Deadletters))
	}
	if code, out, errOut := runDeadletterAt(t, now, append([]string{"replay", "1"}, conn...)...); code != 0 || !strings.Contains(out, "replayed DEADLETTER 1 to breach.incident.submit") ||
		!strings.Contains(errOut, "not recorded in the audit log") {
		t.Errorf("replay without the store: exit %d %q %q, want it done and said not recorded", code, out, errOut)
	}
	// With the store at hand (--data-dir), each change is an audit entry.
	st0, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	st0.Close()
	conn = append(conn, "--data-dir", dir)

	// resolve needs a reason, removes the dead letter and leaves a record.
	if code, _, errOut := runDeadletterAt(t, now, append([]string{"resolve", "2"}, conn...)...); code != 2 || !strings.Contains(errOut, "--reason is required") {
		t.Errorf("resolve without a reason: exit %d %q, want 2", code, errOut)
	}
	code, out, errOut = runDeadletterAt(t, now, append([]string{"resolve", "2", "--reason", "address fixed"}, conn...)...)
	if code != 0 || !strings.Contains(out, "resolved DEADLETTER 2 (email): removed; record DEADLETTER 5") {
		t.Fatalf("resolve: exit %d %q %q", code, out, errOut)
	}
	st, err := b.JetStream().Stream(ctx, natsbus.StreamDeadletter)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetMsg(ctx, 2); !errors.Is(err, jetstream.ErrMsgNotFound) {
		t.Errorf("dead letter 2 after resolve: got %v, want it gone", err)
	}
	rec, err := st.GetMsg(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rec.Header.Get(natsbus.HeaderError), "resolved DEADLETTER 2 (stage email, -) by ops-jo: address fixed; it had failed with: reason email"; got != want {
		t.Errorf("record: got %q, want %q", got, want)
	}
	if rec.Subject != "breach.deadletter.resolved" || len(rec.Data) != 0 {
		t.Errorf("record: subject %s with %d bytes of body, want breach.deadletter.resolved without a body", rec.Subject, len(rec.Data))
	}
	if code, _, errOut := runDeadletterAt(t, now, append([]string{"resolve", "5", "--reason", "x"}, conn...)...); code != 2 || !strings.Contains(errOut, "itself a record") {
		t.Errorf("resolve a record: exit %d %q, want 2", code, errOut)
	}

	// purge by sequence, then by age: only what is older than the cutoff.
	code, out, errOut = runDeadletterAt(t, now, append([]string{"purge", "3"}, conn...)...)
	if code != 0 || !strings.Contains(out, "purged 1 dead letters from DEADLETTER; record DEADLETTER 6") {
		t.Fatalf("purge 3: exit %d %q %q", code, out, errOut)
	}
	four, err := st.GetMsg(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	// The clock an hour after dead letter 4: it and everything before it
	// is older than 1h; the records 5 and 6 may be as old, so only sms.
	code, out, errOut = runDeadletterAt(t, four.Time.Add(time.Hour+time.Nanosecond), append([]string{"purge", "--older-than", "1h", "--stage", "sms,intake"}, conn...)...)
	if code != 0 || !strings.Contains(out, "purged 2 dead letters of stage sms, intake older than 1h0m0s") {
		t.Fatalf("purge by age: exit %d %q %q", code, out, errOut)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.State.Msgs; got != 3 {
		t.Errorf("DEADLETTER after the purges: got %d messages, want the three records", got)
	}
	audited, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer audited.Close()
	entries, _, err := audit.New(audited, nil).List(ctx, audit.Filter{Principal: "system:cli"}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, string(e.Action)+" "+e.Object)
		if !strings.Contains(string(e.Details), `"operator":"ops-jo"`) {
			t.Errorf("audit entry %s: details %s do not name the operator", e.Action, e.Details)
		}
	}
	if want := []string{"deadletter.resolved deadletter/2", "deadletter.purged deadletter/6", "deadletter.purged deadletter/7"}; !slices.Equal(got, want) {
		t.Errorf("audit entries of the NATS commands: got %v, want %v", got, want)
	}
	for _, bad := range [][]string{{"purge"}, {"purge", "3", "--older-than", "1h"}, {"purge", "--older-than", "-1h"}, {"purge", "3", "--stage", "sms"}} {
		if code, _, _ := runDeadletterAt(t, now, append(bad, conn...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}
