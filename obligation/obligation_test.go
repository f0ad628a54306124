package obligation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func at(h int) *time.Time {
	t := t0.Add(time.Duration(h) * time.Hour)
	return &t
}

func ob(duty, filing string, st State) Obligation {
	return Obligation{Key: Key{Incident: "INC-1", Jurisdiction: "EU-GDPR", Duty: duty, Filing: filing}, To: "CNIL",
		Required: true, Revision: 1, Due: at(72), State: st, Since: t0, By: System}
}

const digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestTransitions(t *testing.T) {
	good := Filing{At: t0.Add(time.Hour), By: "jane", Reference: " CNIL-42 ", CopySHA256: digest}
	tests := []struct {
		name    string
		from    State
		do      func(o *Obligation) error
		want    State
		wantErr string // "" for success; "transition" for ErrTransition, else a field name
	}{
		{"open to drafted", StateOpen, func(o *Obligation) error { return o.Draft(t0, "ann") }, StateDrafted, ""},
		{"drafted again", StateDrafted, func(o *Obligation) error { return o.Draft(t0, "ann") }, StateDrafted, ""},
		{"open to filed", StateOpen, func(o *Obligation) error { return o.File(good) }, StateFiled, ""},
		{"drafted to filed", StateDrafted, func(o *Obligation) error { return o.File(good) }, StateFiled, ""},
		{"not required filed anyway", StateNotRequired, func(o *Obligation) error { return o.File(good) }, StateFiled, ""},
		{"filed twice", StateFiled, func(o *Obligation) error { return o.File(good) }, StateFiled, "transition"},
		{"filed to drafted", StateFiled, func(o *Obligation) error { return o.Draft(t0, "ann") }, StateFiled, "transition"},
		{"not required to drafted", StateNotRequired, func(o *Obligation) error { return o.Draft(t0, "ann") }, StateNotRequired, "transition"},
		{"no reference", StateOpen, func(o *Obligation) error { f := good; f.Reference = " "; return o.File(f) }, StateOpen, "reference"},
		{"bad digest", StateOpen, func(o *Obligation) error { f := good; f.CopySHA256 = "ABC"; return o.File(f) }, StateOpen, "copy_sha256"},
		{"no principal", StateOpen, func(o *Obligation) error { f := good; f.By = ""; return o.File(f) }, StateOpen, "by"},
		{"control characters", StateOpen, func(o *Obligation) error { f := good; f.Reference = "a\nb"; return o.File(f) }, StateOpen, "reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := ob(DutyRegulator, "EU-GDPR/FR", tc.from)
			err := tc.do(&o)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want nil", err)
			case tc.wantErr == "transition" && !errors.Is(err, ErrTransition):
				t.Fatalf("got error %v, want ErrTransition", err)
			case tc.wantErr != "" && tc.wantErr != "transition" && (err == nil || !strings.Contains(err.Error(), tc.wantErr+":")):
				t.Fatalf("got error %v, want one naming %s", err, tc.wantErr)
			}
			if o.State != tc.want {
				t.Errorf("state: got %s, want %s", o.State, tc.want)
			}
			if tc.want == StateFiled && tc.from != StateFiled {
				if o.Reference != "CNIL-42" || o.CopySHA256 != digest || o.By != "jane" || !o.Since.Equal(good.At) {
					t.Errorf("filing record: got %+v, want reference CNIL-42, the digest, by jane at %s", o, good.At)
				}
			}
		})
	}
}

func TestMeet(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    State
		changed bool
		want    State
	}{
		{"open", StateOpen, true, StateFiled},
		{"drafted", StateDrafted, true, StateFiled},
		{"filed stays", StateFiled, false, StateFiled},
		{"not required stays", StateNotRequired, false, StateNotRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ob(DutyIndividuals, "", tc.from)
			if got := o.Meet(t0.Add(time.Hour), "system:campaign", "campaign complete"); got != tc.changed {
				t.Errorf("Meet: got %v, want %v", got, tc.changed)
			}
			if o.State != tc.want {
				t.Errorf("state: got %s, want %s", o.State, tc.want)
			}
		})
	}
}

func TestSync(t *testing.T) {
	now := t0.Add(100 * time.Hour)
	filed := ob(DutyRegulator, "EU-GDPR/FR", StateFiled)
	filed.By, filed.Reference, filed.CopySHA256 = "jane", "CNIL-42", digest
	tests := []struct {
		name    string
		current Obligation
		wanted  func(w Obligation) Obligation
		// want is the state, reason and reference after the sync.
		wantState  State
		wantReason string
		wantRef    string
	}{
		{"unchanged filed stays filed", filed, func(w Obligation) Obligation { return w }, StateFiled, "", "CNIL-42"},
		{"only the addressee changed", filed, func(w Obligation) Obligation { w.To = "CNIL (France)"; return w }, StateFiled, "", "CNIL-42"},
		{"due date changed re-opens", filed, func(w Obligation) Obligation { w.Due = at(96); return w },
			StateOpen, "re-opened by revision 2: the due date changed from 2026-11-23T09:00:00Z to 2026-11-24T09:00:00Z; filed before on 2026-11-20T09:00:00Z by jane under reference CNIL-42", ""},
		{"undated now dated re-opens", ob(DutyIndividuals, "", StateDrafted), func(w Obligation) Obligation { w.Due = nil; return w },
			StateOpen, "re-opened by revision 2: the due date changed from 2026-11-23T09:00:00Z to none", ""},
		// California's Attorney General copy runs from the consumer notice:
		// undated until it goes out, then dated; a copy filed early stays
		// filed, a draft stays a draft (Cal. Civ. Code § 1798.82(f)).
		{"undated duty gaining its date leaves a filing filed", func() Obligation { o := filed; o.Due = nil; return o }(),
			func(w Obligation) Obligation { w.Due = at(400); return w }, StateFiled, "", "CNIL-42"},
		{"undated duty gaining its date leaves a draft drafted", func() Obligation { o := ob(DutyRegulator, "US-CA", StateDrafted); o.Due = nil; return o }(),
			func(w Obligation) Obligation { w.Due = at(400); return w }, StateDrafted, "", ""},
		{"newly required re-opens", func() Obligation {
			o := ob(DutyRegulator, "EU-GDPR/FR", StateNotRequired)
			o.Required = false
			return o
		}(),
			func(w Obligation) Obligation { w.Required = true; return w }, StateOpen, "re-opened by revision 2: it is now required", ""},
		{"no longer required", ob(DutyRegulator, "EU-GDPR/FR", StateOpen),
			func(w Obligation) Obligation {
				w.Required, w.State, w.Reason = false, StateNotRequired, "encrypted"
				return w
			}, StateNotRequired, "encrypted", ""},
		{"more people re-open the individuals' duty", func() Obligation { o := ob(DutyIndividuals, "", StateFiled); o.Subjects = 10; return o }(),
			func(w Obligation) Obligation { w.Subjects = 12; return w }, StateOpen, "re-opened by revision 2: it now covers 12 people, 2 more; filed before on 2026-11-20T09:00:00Z by system:obligations", ""},
		{"fewer people leave it met", func() Obligation { o := ob(DutyIndividuals, "", StateFiled); o.Subjects = 10; return o }(),
			func(w Obligation) Obligation { w.Subjects = 8; return w }, StateFiled, "", ""},
		{"more people leave a filed report filed", func() Obligation { o := filed; o.Subjects = 10; return o }(),
			func(w Obligation) Obligation { w.Subjects = 12; return w }, StateFiled, "", "CNIL-42"},
		{"no longer required but filed stays filed", filed,
			func(w Obligation) Obligation {
				w.Required, w.State, w.Reason = false, StateNotRequired, "encrypted"
				return w
			}, StateFiled, "", "CNIL-42"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.current
			w.State, w.By, w.Reference, w.CopySHA256, w.Reason, w.Since, w.Revision = StateOpen, System, "", "", "", now, 2
			w = tc.wanted(w)
			got := Sync([]Obligation{tc.current}, []Obligation{w}, 2, now)
			if len(got) != 1 {
				t.Fatalf("got %d obligations, want 1", len(got))
			}
			g := got[0]
			if g.State != tc.wantState || g.Reason != tc.wantReason || g.Reference != tc.wantRef {
				t.Errorf("got state %s, reason %q, reference %q; want %s, %q, %q", g.State, g.Reason, g.Reference, tc.wantState, tc.wantReason, tc.wantRef)
			}
			if g.Revision != 2 || g.To != w.To {
				t.Errorf("got revision %d, to %q; want 2, %q", g.Revision, g.To, w.To)
			}
			if tc.wantState == StateOpen && (!g.Since.Equal(now) || g.By != System) {
				t.Errorf("re-opened: got since %s by %s, want %s by %s", g.Since, g.By, now, System)
			}
		})
	}
}

func TestSyncAddsAndDrops(t *testing.T) {
	now := t0.Add(time.Hour)
	current := []Obligation{ob(DutyRegulator, "EU-GDPR/FR", StateDrafted), ob(DutyRegulator, "EU-GDPR/DE", StateFiled)}
	wanted := []Obligation{ob(DutyIndividuals, "", StateOpen)}
	got := Sync(current, wanted, 3, now)
	type row struct {
		Key    string
		State  State
		Reason string
	}
	var rows []row
	for _, o := range got {
		rows = append(rows, row{o.Key.String(), o.State, o.Reason})
	}
	want := []row{
		{"INC-1 EU-GDPR regulator EU-GDPR/DE", StateFiled, ""},
		{"INC-1 EU-GDPR regulator EU-GDPR/FR", StateNotRequired, "revision 3 no longer names this duty"},
		{"INC-1 EU-GDPR individuals", StateOpen, ""},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("Sync (-want +got):\n%s", diff)
	}
}

func TestDeadlines(t *testing.T) {
	now := t0.Add(80 * time.Hour)
	mk := func(j, duty string, due *time.Time, st State, required bool) Obligation {
		o := ob(duty, "", st)
		o.Jurisdiction, o.Due, o.Required = j, due, required
		return o
	}
	obs := []Obligation{
		mk("US-CA", DutyIndividuals, at(24*30), StateOpen, true),
		mk("EU-GDPR", DutyRegulator, at(72), StateOpen, true),
		mk("UK-GDPR", DutyIndividuals, nil, StateDrafted, true),
		mk("EU-GDPR", DutyIndividuals, nil, StateOpen, true),
		mk("SG-PDPA", DutyRegulator, at(72), StateFiled, true),
		mk("AU-NDB", DutyRegulator, at(90), StateOpen, true),
		mk("JP-APPI", DutyRegulator, at(10), StateNotRequired, false),
	}
	type row struct {
		Jur, Duty string
		Overdue   bool
		Left      *int64
	}
	sec := func(h int) *int64 { v := int64(h * 3600); return &v }
	var got []row
	for _, d := range Deadlines(obs, now) {
		got = append(got, row{d.Jurisdiction, d.Duty, d.Overdue, d.LeftSeconds})
	}
	want := []row{
		{"EU-GDPR", DutyIndividuals, false, nil},
		{"UK-GDPR", DutyIndividuals, false, nil},
		{"EU-GDPR", DutyRegulator, true, sec(-8)},
		{"AU-NDB", DutyRegulator, false, sec(10)},
		{"US-CA", DutyIndividuals, false, sec(720 - 80)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Deadlines (-want +got):\n%s", diff)
	}
}

func TestDutyOf(t *testing.T) {
	for _, tc := range []struct{ to, want string }{
		{"nationwide consumer reporting agencies (Equifax, Experian, TransUnion)", "nationwide-consumer-reporting-agencies"},
		{"prominent media outlets serving the State", "prominent-media-outlets-serving-the-state"},
		{"CERT-In (Indian Computer Emergency Response Team)", "cert-in"},
		{"(", "other"},
	} {
		if got := DutyOf(tc.to); got != tc.want {
			t.Errorf("DutyOf(%q): got %q, want %q", tc.to, got, tc.want)
		}
	}
}
