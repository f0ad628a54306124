package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/templates"
)

// eventSink is a recordingSink that keeps the payloads of events, and can
// refuse them.
type eventSink struct {
	recordingSink
	emu      sync.Mutex
	payloads []incident.NoticeOutcome
	failEvt  bool
}

func (s *eventSink) Event(ctx context.Context, ev incident.NoticeOutcome) error {
	s.emu.Lock()
	defer s.emu.Unlock()
	if s.failEvt {
		return errors.New("nats: no responders")
	}
	if ev.Kind == incident.EventNoticeFailed {
		s.payloads = append(s.payloads, ev)
	}
	return s.recordingSink.Event(ctx, ev)
}

// badDataRenderer fails, for person bad on the channels in on (every
// channel when on is nil), the way compose does for a notice that breaks a
// rule: a *templates.ValidationError naming the fields, wrapped.
type badDataRenderer struct {
	bad      string
	on       map[Channel]bool
	problems []templates.Problem
	plain    bool // a plain error instead: a template that does not run
}

func (r badDataRenderer) Render(ctx context.Context, j *Job) (*Message, Rendering, error) {
	if j.SubjectID == r.bad && (r.on == nil || r.on[j.Route.Channel]) {
		if r.plain {
			return nil, Rendering{}, fmt.Errorf("compose notice %s: render email notice INC-1 in en: template: email.txt.tmpl:3: executing", j.Key)
		}
		return nil, Rendering{}, fmt.Errorf("compose notice %s: %w", j.Key, &templates.ValidationError{Problems: r.problems})
	}
	return fakeRenderer{}.Render(ctx, j)
}

// linkInName is the problem templates report for a name holding a link.
var linkInName = []templates.Problem{{Field: "Recipient.Name", Message: "contains a link; only AnnouncementURL and Org.Website may appear in a notice"}}

// badName is the personal data that must never reach the ledger or events.
const badName = "Bob www.bob.example"

// manyPeople yields n people with an e-mail address each; person bad also
// has the extra contacts given, and the name with a link.
func manyPeople(n int, bad string, extra Recipient) People {
	return func(fn func(*Recipient) error) error {
		for i := 1; i <= n; i++ {
			r := Recipient{ID: fmt.Sprintf("u-%d", i), Name: "N", Email: fmt.Sprintf("p%d@example.org", i)}
			if r.ID == bad {
				r.Name, r.Phone, r.PostalAddress = badName, extra.Phone, extra.PostalAddress
			}
			if err := fn(&r); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestPlannerOnePersonsBadDataDoesNotStopCampaign: a notice that cannot be
// rendered because of one person's own data (a name with a link, which a
// notice must not carry: it could be used for phishing) is that person's
// problem. The 2,999 other people of a 3,000-person campaign (three
// planner batches, the bad person in the middle one) must each be planned
// exactly once, and the bad notice is recorded failed_permanent (the proof
// of notice shows the attempt) with a reason that names the field but not
// the name, published as notice.failed, and the person's next route is
// tried, or the person is counted unreachable when none is left.
func TestPlannerOnePersonsBadDataDoesNotStopCampaign(t *testing.T) {
	const n, bad = 3000, "u-1500"
	key := func(ch Channel) string { return NewJob("INC-1", 1, 1, bad, Route{Channel: ch}, nil).Key }
	tests := []struct {
		name   string
		policy []Channel
		high   bool
		extra  Recipient
		on     map[Channel]bool // channels that fail for the bad person; nil = all
		// want is the bad person's ledger: key → state; queued, the
		// channels of their jobs.
		want            map[string]State
		queued          []Channel
		wantUnreachable int
		wantFallback    Channel // of the first notice.failed event
	}{
		{name: "e-mail only: unreachable", want: map[string]State{key(ChannelEmail): StateUnreachable}, wantUnreachable: 1},
		{name: "e-mail fails, SMS fallback planned instead", extra: Recipient{Phone: "+15555550100"}, on: map[Channel]bool{ChannelEmail: true},
			want:   map[string]State{key(ChannelEmail): StateFailedPermanent, key(ChannelSMS): StatePending},
			queued: []Channel{ChannelSMS}, wantFallback: ChannelSMS},
		{name: "every route fails: the last one marks the person", extra: Recipient{Phone: "+15555550100", PostalAddress: "1 High St"},
			want: map[string]State{key(ChannelEmail): StateFailedPermanent, key(ChannelSMS): StateFailedPermanent,
				key(ChannelVoice): StateFailedPermanent, key(ChannelLetter): StateUnreachable},
			wantUnreachable: 1, wantFallback: ChannelSMS},
		{name: "high risk: e-mail fails, the extra SMS still goes", policy: []Channel{ChannelEmail, ChannelSMS}, high: true,
			extra: Recipient{Phone: "+15555550100"}, on: map[Channel]bool{ChannelEmail: true},
			want:   map[string]State{key(ChannelEmail): StateFailedPermanent, key(ChannelSMS): StatePending},
			queued: []Channel{ChannelSMS}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			led := NewMemoryLedger()
			sink := &eventSink{}
			pol := DefaultPolicy()
			if tc.policy != nil {
				pol.Order = tc.policy
			}
			p := &Planner{Policy: pol, Ledger: led, Sink: sink, Now: fixedNow,
				Render: badDataRenderer{bad: bad, on: tc.on, problems: linkInName}}
			people := manyPeople(n, bad, tc.extra)
			c := Campaign{IncidentID: "INC-1", Revision: 1, Version: 1, HighRisk: tc.high}
			st, err := p.Run(ctx, c, people)
			if err != nil {
				t.Fatalf("Run: got error %v, want the campaign planned for everyone else", err)
			}
			if st.People != n || st.Failed != len(tc.want)-len(tc.queued) || st.Unreachable != tc.wantUnreachable {
				t.Errorf("got %d people, %d failed, %d unreachable; want %d, %d, %d", st.People, st.Failed, st.Unreachable,
					n, len(tc.want)-len(tc.queued), tc.wantUnreachable)
			}
			perKey := map[string]int{}
			var badJobs []Channel
			for _, j := range sink.jobs {
				perKey[j.Key]++
				if j.SubjectID == bad {
					badJobs = append(badJobs, j.Route.Channel)
				}
			}
			for i := 1; i <= n; i++ {
				id := fmt.Sprintf("u-%d", i)
				if k := NewJob("INC-1", 1, 1, id, Route{Channel: ChannelEmail}, nil).Key; id != bad && perKey[k] != 1 {
					t.Fatalf("%s: got its e-mail queued %d times, want exactly once", id, perKey[k])
				}
			}
			if fmt.Sprint(badJobs) != fmt.Sprint(tc.queued) {
				t.Errorf("bad person's jobs: got %v, want %v", badJobs, tc.queued)
			}
			for k, want := range tc.want {
				e, err := led.Get(ctx, k)
				if err != nil || e.State != want {
					t.Errorf("%s: got %q (%v), want %q", k, e.State, err, want)
				}
				if want.Final() && !strings.Contains(e.Error, "Recipient.Name: contains a link") {
					t.Errorf("%s: got error %q, want it to name the field Recipient.Name", k, e.Error)
				}
			}
			if len(sink.payloads) != st.Failed {
				t.Fatalf("got %d notice.failed events, want %d (one per failed notice)", len(sink.payloads), st.Failed)
			}
			if st.Failed > 0 {
				if got := sink.payloads[0].Fallback; tc.wantFallback != "" && got != string(tc.wantFallback) {
					t.Errorf("first notice.failed: got fallback %v, want %s", got, tc.wantFallback)
				}
			}
			var all strings.Builder
			led.Each(ctx, "INC-1", func(e Entry) error { all.WriteString(e.Error); return nil })
			fmt.Fprint(&all, sink.payloads)
			if strings.Contains(all.String(), "bob") {
				t.Errorf("the person's name reached the ledger or an event: %s", all.String())
			}

			// A re-run (every service start) plans nothing new and does
			// not publish the failures again.
			sink.jobs, sink.payloads = nil, nil
			st2, err := p.Run(ctx, c, people)
			if err != nil || st2.New != 0 || len(sink.payloads) != 0 {
				t.Errorf("re-run: got %d new, %d events, %v; want 0, 0, nil", st2.New, len(sink.payloads), err)
			}
		})
	}
}

// TestPlannerAbortsOnErrorsNotAboutThePerson: what is wrong with the
// incident or the templates (which preflight should have caught), with
// the ledger or with the queue, stops the campaign as before: going on
// would send nobody a correct notice, or lose the proof.
func TestPlannerAbortsOnErrorsNotAboutThePerson(t *testing.T) {
	tests := []struct {
		name    string
		render  badDataRenderer
		failEvt bool
		want    string
	}{
		{"incident field", badDataRenderer{problems: []templates.Problem{{Field: "Incident.Title", Message: "required field is missing"}}}, false, "Incident.Title"},
		{"person and incident fields", badDataRenderer{problems: append([]templates.Problem{{Field: "Incident.Measures", Message: "required field is missing"}}, linkInName...)}, false, "Incident.Measures"},
		{"template does not run", badDataRenderer{plain: true}, false, "executing"},
		{"event not published", badDataRenderer{problems: linkInName}, true, "publish notice.failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			led := NewMemoryLedger()
			sink := &eventSink{failEvt: tc.failEvt}
			tc.render.bad = "u-1500"
			p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: sink, Render: tc.render, Now: fixedNow}
			_, err := p.Run(context.Background(), Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}, manyPeople(3000, "u-1500", Recipient{}))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plan campaign INC-1") {
				t.Fatalf("got error %v, want the campaign stopped naming %q", err, tc.want)
			}
			if strings.Contains(strings.ToLower(err.Error()), "bob") {
				t.Errorf("error carries the person's name: %v", err)
			}
			if tc.failEvt {
				// Nothing was recorded for the person: the next run
				// publishes the event and records the failure.
				if _, err := led.Get(context.Background(), NewJob("INC-1", 1, 1, "u-1500", Route{Channel: ChannelEmail}, nil).Key); !errors.Is(err, ErrUnknownNotice) {
					t.Errorf("got %v, want the failure not recorded without its event", err)
				}
			}
		})
	}
}

// TestPlannerMinorLetterFallbackIsGuardianVariant: a minor with guardian
// contacts is told through the guardian (the parent or guardian acts for
// the child), so the letter fallback to the child's home must be the
// guardian variant too, addressed "to the parent or guardian of" the
// child, not a letter to the child in the adult wording.
func TestPlannerMinorLetterFallbackIsGuardianVariant(t *testing.T) {
	ctx := context.Background()
	led := NewMemoryLedger()
	sink := &recordingSink{}
	p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: sink, Now: fixedNow}
	minor := Recipient{ID: "ss-0044", Name: "Noah Garcia", Minor: true, GuardianEmail: "parent@example.org",
		Email: "noah@example.org", PostalAddress: "1 High Street\nLondon", Jurisdiction: "GB"}
	people := func(fn func(*Recipient) error) error { return fn(&minor) }
	if _, err := p.Run(ctx, Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}, people); err != nil {
		t.Fatal(err)
	}
	if len(sink.jobs) != 1 {
		t.Fatalf("got %d jobs, want 1 (the guardian's e-mail)", len(sink.jobs))
	}
	mail := sink.jobs[0]
	if !mail.Route.Guardian || mail.Route.To != "parent@example.org" {
		t.Errorf("got primary route %+v, want the guardian's e-mail", mail.Route)
	}
	// The guardian's e-mail bounces: the worker plans the letter.
	w := NewWorker(WorkerConfig{Channel: ChannelEmail, MaxDeliver: 3},
		&scriptNotifier{script: map[string][]error{"parent@example.org": {Permanent("550 5.1.1", "mailbox unknown", nil)}}, sent: map[string]int{}},
		led, fakeRenderer{}, sink, logging.Discard(), fixedNow)
	if d := w.Deliver(ctx, mail, nil, 1); d.Action != Ack {
		t.Fatalf("got %+v, want Ack", d)
	}
	if len(sink.jobs) != 2 {
		t.Fatalf("got %d jobs, want the letter fallback", len(sink.jobs))
	}
	letter := sink.jobs[1]
	want := Route{Channel: ChannelLetter, To: "1 High Street\nLondon", Guardian: true}
	if letter.Route != want || letter.PostalName != "Noah Garcia" {
		t.Errorf("got letter route %+v for child %q, want %+v for child Noah Garcia", letter.Route, letter.PostalName, want)
	}
	if e, err := led.Get(ctx, letter.Key); err != nil || !e.Guardian {
		t.Errorf("got ledger entry %+v (%v), want the letter booked as a guardian notice", e, err)
	}
}

// TestPlannerHighRiskPerPerson: risk is decided per jurisdiction, so the
// extra high-risk SMS goes to the person whose own assessment is high,
// not to everyone in a campaign where someone else's risk was high.
func TestPlannerHighRiskPerPerson(t *testing.T) {
	ctx := context.Background()
	sink := &recordingSink{}
	p := &Planner{Policy: DefaultPolicy(), Ledger: NewMemoryLedger(), Sink: sink, Now: fixedNow}
	high := Recipient{ID: "ca-1", Email: "ca@example.org", Phone: "+15555550100", Jurisdiction: "US-CA", HighRisk: true}
	low := Recipient{ID: "de-1", Email: "de@example.org", Phone: "+4915112345678", Jurisdiction: "EU-GDPR"}
	people := func(fn func(*Recipient) error) error {
		if err := fn(&high); err != nil {
			return err
		}
		return fn(&low)
	}
	if _, err := p.Run(ctx, Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}, people); err != nil {
		t.Fatal(err)
	}
	got := map[string][]Channel{}
	for _, j := range sink.jobs {
		got[j.SubjectID] = append(got[j.SubjectID], j.Route.Channel)
	}
	want := map[string][]Channel{"ca-1": {ChannelEmail, ChannelSMS}, "de-1": {ChannelEmail}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("channels per person (-want +got):\n%s", diff)
	}
}

// fingerprintRenderer is a Renderer that also offers Fingerprint, counting
// the calls of each.
type fingerprintRenderer struct {
	renders, fingerprints *int
}

func (r fingerprintRenderer) Render(ctx context.Context, j *Job) (*Message, Rendering, error) {
	*r.renders++
	return fakeRenderer{}.Render(ctx, j)
}

func (r fingerprintRenderer) Fingerprint(_ context.Context, j *Job) (Rendering, error) {
	*r.fingerprints++
	return Rendering{TemplateVersion: "t1", ContentHash: "fp-" + j.Key}, nil
}

// TestPlannerUsesFingerprint: a renderer that can identify a rendering
// without producing the message is asked for that, never for the message,
// and its hash is what the ledger records for the planned notice.
func TestPlannerUsesFingerprint(t *testing.T) {
	var renders, fingerprints int
	led := NewMemoryLedger()
	p := &Planner{Policy: DefaultPolicy(), Ledger: led, Sink: &recordingSink{},
		Render: fingerprintRenderer{&renders, &fingerprints}, Now: fixedNow}
	st, err := p.Run(context.Background(), Campaign{IncidentID: "INC-1", Revision: 1, Version: 1}, manyPeople(50, "", Recipient{}))
	if err != nil {
		t.Fatal(err)
	}
	if renders != 0 || fingerprints != st.Notices || st.Notices != 50 {
		t.Errorf("got %d renders and %d fingerprints for %d notices, want 0 and 50 for 50", renders, fingerprints, st.Notices)
	}
	key := NewJob("INC-1", 1, 1, "u-7", Route{Channel: ChannelEmail}, nil).Key
	e, err := led.Get(context.Background(), key)
	if err != nil || e.ContentHash != "fp-"+key || e.TemplateVersion != "t1" {
		t.Errorf("got entry %+v, %v; want the fingerprint's hash and version", e, err)
	}
}
