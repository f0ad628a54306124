package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/fault"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
)

// TestDeadLettersAndAuditOverTheAPI: a forged notice job lands in
// DEADLETTER; over the API an admin lists it (metadata, no body), shows,
// replays, resolves and purges dead letters, each an audit entry naming
// the principal; an auditor's export of the audit log quotes the chain
// head and holds those entries; the server's verification checks MACs;
// the ledger export quotes the head too.
func TestDeadLettersAndAuditOverTheAPI(t *testing.T) {
	cfg := testConfig(t.TempDir(), testInventory)
	svc := startService(t, cfg)
	ctx := context.Background()
	c, err := client.New(client.Config{Server: "http://" + svc.HTTPAddr(), Token: svc.token})
	if err != nil {
		t.Fatal(err)
	}
	forged := []byte(`{"key":"notice/INC-F/u-1/email/v1","mac":"AAAA"}`)
	if _, err := svc.Bus().JetStream().Publish(ctx, svc.Bus().Topics().Notice("email"), forged); err != nil {
		t.Fatal(err)
	}
	first := waitDeadLetter(t, c, "email", 0)
	if first.Stage != "email" || !strings.Contains(first.Reason, "forged") || first.Size != len(forged) {
		t.Errorf("listed dead letter: got %+v; want stage email, reason forged, size %d", first, len(forged))
	}
	if e, err := c.DeadLetter(ctx, first.Sequence); err != nil || e.Sequence != first.Sequence {
		t.Errorf("show: got %+v, %v", e, err)
	}
	if _, err := c.DeadLetter(ctx, 9999); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("show of an unknown sequence: got %v, want not_found", err)
	}
	// A rejected notice job names no origin: it cannot be replayed.
	if _, err := c.ReplayDeadLetter(ctx, first.Sequence, "try again"); fault.CodeOf(err) != fault.DeadLetterRefused {
		t.Errorf("replay of a rejected notice: got %v, want deadletter_refused", err)
	}
	// Junk on the intake subject is dead-lettered with its origin; replayed,
	// it is refused again: a second dead letter.
	if _, err := svc.Bus().JetStream().Publish(ctx, svc.Bus().Topics().IncidentSubmit(), []byte("not an incident")); err != nil {
		t.Fatal(err)
	}
	junk := waitDeadLetter(t, c, "intake", 0)
	if r, err := c.ReplayDeadLetter(ctx, junk.Sequence, "checking the fix"); err != nil || len(r.Replayed) != 1 {
		t.Fatalf("replay: got %+v, %v", r, err)
	}
	second := waitDeadLetter(t, c, "intake", junk.Sequence)
	if r, err := c.ResolveDeadLetter(ctx, first.Sequence, "forged job investigated"); err != nil || len(r.Resolved) != 1 || r.Resolved[0].Record == 0 {
		t.Fatalf("resolve: got %+v, %v", r, err)
	}
	if _, err := c.DeadLetter(ctx, first.Sequence); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("show after resolve: got %v, want not_found", err)
	}
	if _, err := c.ResolveDeadLetter(ctx, first.Sequence, ""); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("resolve without a reason: got %v, want invalid_request", err)
	}
	if p, err := c.PurgeDeadLetters(ctx, web.PurgeRequest{Sequences: []uint64{second.Sequence}, Reason: "replay test"}); err != nil || p.Count != 1 {
		t.Fatalf("purge: got %+v, %v", p, err)
	}

	var buf bytes.Buffer
	head, _, err := c.ExportAudit(ctx, 0, &buf)
	if err != nil || head.Seq == 0 || head.Hash == "" {
		t.Fatalf("audit export: head %+v, %v; want a quoted head", head, err)
	}
	seen := map[audit.Action][]audit.Entry{}
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("export line: %v", err)
		}
		seen[e.Action] = append(seen[e.Action], e)
	}
	for _, a := range []audit.Action{audit.ActionDeadLetterReplayed, audit.ActionDeadLetterResolved, audit.ActionDeadLetterPurged, audit.ActionAuditExported} {
		if len(seen[a]) != 1 || !strings.HasPrefix(seen[a][0].Principal, "admin") {
			t.Errorf("export: got %d %s entries (%+v), want one by the admin", len(seen[a]), a, seen[a])
		}
	}
	if n := len(seen[audit.ActionNoticeRejected]); n != 1 {
		t.Errorf("export: got %d notice.rejected entries, want 1", n)
	}
	if strings.Contains(buf.String(), "INC-F") {
		t.Errorf("the audit export quotes the forged job's key")
	}
	if rep, err := audit.VerifyJSONL(&buf, nil); err == nil && !rep.OK() {
		t.Errorf("export does not verify: %+v", rep)
	}
	v, err := c.VerifyAudit(ctx)
	if err != nil || !v.OK || !v.MACsChecked || v.Keyed == 0 {
		t.Errorf("verify over the API: got %+v, %v; want ok, MACs checked", v, err)
	}

	// The ledger export quotes the head as well.
	in := testIncident("INC-HEAD", 1, incident.Affected{System: "crm"})
	publish(t, svc, in)
	waitAssessment(t, svc, in.ID, 1)
	x, err := c.ExportNotices(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, x)
	x.Close()
	if x.AuditHead.Seq < head.Seq || x.AuditHead.Hash == "" {
		t.Errorf("ledger export: got head %+v, want one at or after %d", x.AuditHead, head.Seq)
	}
}

// waitDeadLetter waits for a dead letter of stage after sequence after.
func waitDeadLetter(t *testing.T, c *client.Client, stage string, after uint64) deadletter.Entry {
	t.Helper()
	var e deadletter.Entry
	eventually(t, "a dead letter of "+stage, func() error {
		l, err := c.DeadLetters(context.Background(), []string{stage}, after, 10)
		if err != nil {
			return err
		}
		if len(l.Deadletters) == 0 {
			return errors.New("none yet")
		}
		e = l.Deadletters[0]
		return nil
	})
	return e
}
