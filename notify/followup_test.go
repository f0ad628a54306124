package notify

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFollowUpTellsThoseAlreadyToldWhatChanged: revision 2 adds advice.
// u-1, told by e-mail about revision 1, gets a version 2 notice carrying
// the change; u-2, never told, is left to the full notice; u-3, told
// already about revision 2, gets nothing more; re-running plans nothing
// new, and once the update is sent nothing is queued again.
func TestFollowUpTellsThoseAlreadyToldWhatChanged(t *testing.T) {
	ctx := context.Background()
	led := NewMemoryLedger()
	people := func(fn func(*Recipient) error) error {
		for _, id := range []string{"u-1", "u-2", "u-3"} {
			if err := fn(&Recipient{ID: id, Email: id + "@example.org", Locale: "de", Categories: []string{"email"}}); err != nil {
				return err
			}
		}
		return nil
	}
	told := func(subject string, revision int) {
		j := (&Recipient{ID: subject, Email: subject + "@example.org"}).NewJob("INC-F", revision, 1, Route{Channel: ChannelEmail, To: subject + "@example.org"}, nil)
		if _, _, err := led.Plan(ctx, []Entry{j.Entry()}); err != nil {
			t.Fatal(err)
		}
		if err := led.Finish(ctx, j.Key, Outcome{State: StateSent, At: fixedNow()}); err != nil {
			t.Fatal(err)
		}
	}
	told("u-1", 1)
	told("u-3", 2)
	var asked []string
	changed := func(last Job, now *Recipient) []string {
		asked = append(asked, now.ID)
		return []string{ChangeAdvice}
	}
	sink := &recordingSink{}
	p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: sink, Now: fixedNow}
	c := Campaign{IncidentID: "INC-F", Revision: 2, Version: 1}
	st, err := p.FollowUp(ctx, c, people, changed)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"u-1"}, asked); diff != "" {
		t.Errorf("asked what changed for (-want +got):\n%s", diff)
	}
	if st.New != 1 || st.Queued != 1 || len(sink.jobs) != 1 {
		t.Fatalf("stats %+v, jobs %d: want one new update queued", st, len(sink.jobs))
	}
	j := sink.jobs[0]
	if j.Version != 2 || j.Revision != 2 || j.SubjectID != "u-1" || !slices.Equal(j.Changes, []string{ChangeAdvice}) {
		t.Errorf("update job: got version %d revision %d subject %s changes %v, want 2, 2, u-1, [advice]", j.Version, j.Revision, j.SubjectID, j.Changes)
	}
	if e, err := led.Get(ctx, j.Key); err != nil || !cmp.Equal(e.Job, j) {
		t.Errorf("ledger keeps the update's job: got %+v, %v", e.Job, err)
	}
	// The ledger keeps both versions.
	if _, err := led.Get(ctx, NewJob("INC-F", 1, 1, "u-1", Route{Channel: ChannelEmail}, nil).Key); err != nil {
		t.Errorf("version 1 of u-1: %v", err)
	}
	// Sent: re-running plans nothing.
	if err := led.Finish(ctx, j.Key, Outcome{State: StateSent, At: fixedNow()}); err != nil {
		t.Fatal(err)
	}
	sink.jobs = nil
	st, err = p.FollowUp(ctx, c, people, changed)
	if err != nil || st.New != 0 || len(sink.jobs) != 0 {
		t.Errorf("re-run after the update was sent: got %+v, %d jobs, %v; want nothing", st, len(sink.jobs), err)
	}
}
