package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/store"
)

// testTwoPersonApproval: with two approvals required, one principal's
// approval leaves the revision unapproved, the same principal again is
// ErrSameApprover, a second distinct principal approves it, and a third is
// ErrApprovedByOthers; a new revision needs two approvals of its own.
func testTwoPersonApproval(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := base.Add(5 * time.Hour)
	if _, err := s.Approve(ctx, "INC-2P", "alice", at, 2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("approving an unknown incident: got %v, want ErrNotFound", err)
	}
	mustSave(t, s, newIncident("INC-2P", 1, "Two", base))
	if _, err := s.Approve(ctx, "INC-2P", "alice", at, 2); !errors.Is(err, store.ErrConflict) {
		t.Errorf("approving before assessment: got %v, want ErrConflict", err)
	}
	if err := s.SaveAssessment(ctx, "INC-2P", 1, base, []byte(`{}`), store.AssessmentSummary{Risk: "high"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, "INC-2P", "alice", at, 0); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("0 approvals required: got %v, want ErrInvalid", err)
	}
	st, err := s.Approve(ctx, "INC-2P", "alice", at, 2)
	want := store.ApprovalState{IncidentID: "INC-2P", Revision: 1, Votes: []store.ApprovalVote{{By: "alice", At: at}}}
	if diff := cmp.Diff(want, st); err != nil || diff != "" {
		t.Fatalf("first approval: error %v, (-want +got):\n%s", err, diff)
	}
	if _, err := s.GetApproval(ctx, "INC-2P"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetApproval after one of two approvals: got %v, want ErrNotFound", err)
	}
	if rec, _ := s.GetIncident(ctx, "INC-2P"); rec.Status == store.StatusApproved {
		t.Errorf("status after one of two approvals: got %s", rec.Status)
	}
	if _, err := s.Approve(ctx, "INC-2P", "alice", at.Add(time.Minute), 2); !errors.Is(err, store.ErrSameApprover) || !errors.Is(err, store.ErrConflict) {
		t.Errorf("same principal twice: got %v, want ErrSameApprover and ErrConflict", err)
	}
	if got, err := s.ApprovalState(ctx, "INC-2P"); err != nil || !cmp.Equal(got, want) {
		t.Errorf("ApprovalState after one approval: got %+v, %v; want %+v", got, err, want)
	}
	st, err = s.Approve(ctx, "INC-2P", "bob", at.Add(time.Hour), 2)
	want.Votes = append(want.Votes, store.ApprovalVote{By: "bob", At: at.Add(time.Hour)})
	want.Approved = true
	if diff := cmp.Diff(want, st); err != nil || diff != "" {
		t.Fatalf("second approval: error %v, (-want +got):\n%s", err, diff)
	}
	ap, err := s.GetApproval(ctx, "INC-2P")
	if err != nil || ap.By != "bob" || ap.Revision != 1 {
		t.Errorf("GetApproval after two approvals: got %+v, %v; want revision 1 completed by bob", ap, err)
	}
	if rec, _ := s.GetIncident(ctx, "INC-2P"); rec.Status != store.StatusApproved {
		t.Errorf("status after two approvals: got %s, want approved", rec.Status)
	}
	if _, err := s.Approve(ctx, "INC-2P", "carol", at, 2); !errors.Is(err, store.ErrApprovedByOthers) {
		t.Errorf("third approver: got %v, want ErrApprovedByOthers", err)
	}
	if got, err := s.Approve(ctx, "INC-2P", "alice", at, 2); err != nil || !cmp.Equal(got, want) {
		t.Errorf("an approver again after approval: got %+v, %v; want the state unchanged", got, err)
	}
	// A new revision needs its own approvals.
	mustSave(t, s, newIncident("INC-2P", 2, "Two, revised", base.Add(time.Hour)))
	if err := s.SaveAssessment(ctx, "INC-2P", 2, base, []byte(`{}`), store.AssessmentSummary{Risk: "high"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ApprovalState(ctx, "INC-2P"); err != nil || got.Revision != 2 || got.Approved || len(got.Votes) != 0 {
		t.Errorf("ApprovalState of a new revision: got %+v, %v; want revision 2 without approvals", got, err)
	}
	if got, err := s.Approve(ctx, "INC-2P", "alice", at, 2); err != nil || got.Approved {
		t.Errorf("first approval of revision 2: got %+v, %v; want one vote, not approved", got, err)
	}
}

// testConcurrentApprovals: two principals approving at once with two
// approvals required always end approved (neither misses the other's vote).
func testConcurrentApprovals(t *testing.T, s store.Store) {
	ctx := t.Context()
	for i, id := range []string{"INC-C1", "INC-C2", "INC-C3"} {
		mustSave(t, s, newIncident(id, 1, "Concurrent", base))
		if err := s.SaveAssessment(ctx, id, 1, base, []byte(`{}`), store.AssessmentSummary{Risk: "high"}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for j, by := range []string{"alice", "bob"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[j] = s.Approve(ctx, id, by, base.Add(time.Duration(i)*time.Minute), 2)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("%s: concurrent approvals: %v", id, err)
		}
		if st, err := s.ApprovalState(ctx, id); err != nil || !st.Approved || len(st.Votes) != 2 {
			t.Errorf("%s after two concurrent approvals: got %+v, %v; want approved by both", id, st, err)
		}
	}
}
