package obligation

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/report"
)

func TestFromAssessment(t *testing.T) {
	a := &assess.Assessment{Incident: "INC-1", Revision: 2, Obligations: []regulators.Obligation{
		{Jurisdiction: "US-CA", Subjects: 600, NotifyRegulator: true, Regulator: "California Attorney General",
			NotifyIndividuals: true, IndividualDeadline: at(24 * 30), PublicNotice: true,
			OtherNotices: []regulators.Notice{
				{To: "nationwide consumer reporting agencies (Equifax, Experian, TransUnion)", Required: true, Deadline: at(24 * 40)},
				{To: "prominent media outlets serving the State", Required: false},
			}},
		{Jurisdiction: "EU-GDPR", Subjects: 900, NotifyRegulator: true, RegulatorDeadline: at(72),
			NotifyIndividuals: false, SafeHarbour: "the data were encrypted"},
	}}
	drafts := map[string]*report.Draft{"EU-GDPR": {Filings: []report.Filing{
		{ID: "EU-GDPR/DE", Form: "EU-GDPR", Regulator: "BfDI", Required: true, Deadline: at(72), Subjects: 500},
		{ID: "EU-GDPR/FR", Form: "EU-GDPR", Regulator: "CNIL", Required: true, Deadline: at(72), Subjects: 400},
	}}}
	type row struct {
		Key      string
		To       string
		Subjects int
		State    State
		Due      bool
		Reason   string
	}
	var got []row
	for _, o := range FromAssessment(a, drafts, t0) {
		if o.Revision != 2 || !o.Since.Equal(t0) || o.By != System {
			t.Errorf("%s: got revision %d since %s by %s, want 2, %s, %s", o.Key, o.Revision, o.Since, o.By, t0, System)
		}
		got = append(got, row{o.Key.String(), o.To, o.Subjects, o.State, o.Due != nil, o.Reason})
	}
	want := []row{
		{"INC-1 EU-GDPR regulator EU-GDPR/DE", "BfDI", 500, StateOpen, true, ""},
		{"INC-1 EU-GDPR regulator EU-GDPR/FR", "CNIL", 400, StateOpen, true, ""},
		{"INC-1 EU-GDPR individuals", "individuals", 900, StateNotRequired, false, "the data were encrypted"},
		// No draft for US-CA: one regulator duty named after the jurisdiction.
		{"INC-1 US-CA regulator US-CA", "California Attorney General", 600, StateOpen, false, ""},
		{"INC-1 US-CA individuals", "individuals", 600, StateOpen, true, ""},
		{"INC-1 US-CA public", "the public", 600, StateOpen, false, ""},
		{"INC-1 US-CA nationwide-consumer-reporting-agencies", "nationwide consumer reporting agencies (Equifax, Experian, TransUnion)", 600, StateOpen, true, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FromAssessment (-want +got):\n%s", diff)
	}
}

// TestFromAssessmentNoticeAnsweredByAFiling: a further notice whose report
// form the draft holds is the regulator duty of that filing, not a duty of
// its own.
func TestFromAssessmentNoticeAnsweredByAFiling(t *testing.T) {
	a := &assess.Assessment{Incident: "INC-1", Obligations: []regulators.Obligation{{Jurisdiction: "US-HIPAA", NotifyRegulator: true,
		OtherNotices: []regulators.Notice{{To: "prominent media outlets serving the State", Required: true, Deadline: at(24 * 60)}}}}}
	d := &report.Draft{Filings: []report.Filing{{ID: "US-HIPAA", Form: "US-HIPAA", Required: true},
		{ID: "US-HIPAA/media/TX", Form: "US-HIPAA/media", Required: true, Deadline: at(24 * 60)}}}
	var keys []string
	for _, o := range FromAssessment(a, map[string]*report.Draft{"US-HIPAA": d}, t0) {
		keys = append(keys, o.Key.String())
	}
	want := []string{"INC-1 US-HIPAA regulator US-HIPAA", "INC-1 US-HIPAA regulator US-HIPAA/media/TX", "INC-1 US-HIPAA individuals"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	// Without the draft the media notice is a duty of its own.
	keys = nil
	for _, o := range FromAssessment(a, nil, t0) {
		keys = append(keys, o.Key.String())
	}
	want = []string{"INC-1 US-HIPAA regulator US-HIPAA", "INC-1 US-HIPAA individuals", "INC-1 US-HIPAA prominent-media-outlets-serving-the-state"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys without a draft (-want +got):\n%s", diff)
	}
}
