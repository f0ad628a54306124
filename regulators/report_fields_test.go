package regulators

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestReportFieldsCoverEveryRule checks that every encoded jurisdiction has
// a list of its own, with unique ids and every field complete.
func TestReportFieldsCoverEveryRule(t *testing.T) {
	for _, r := range All() {
		t.Run(r.ID, func(t *testing.T) {
			if !HasReportForms(r.ID) {
				t.Fatalf("got no report list for %s, want one", r.ID)
			}
			forms := ReportForms(r.ID)
			if len(forms) == 0 || forms[0].Notice != "" {
				t.Fatalf("got forms %v, want the regulator's report first", forms)
			}
			ids := map[string]bool{}
			for _, f := range forms {
				if ids[f.ID] {
					t.Errorf("form id %s repeated", f.ID)
				}
				ids[f.ID] = true
				if f.Jurisdiction != r.ID || f.Title == "" || f.Source == "" || f.Language == "" {
					t.Errorf("form %s: got jurisdiction %q title %q source %q language %q, want all set", f.ID, f.Jurisdiction, f.Title, f.Source, f.Language)
				}
				fids := map[string]bool{}
				for _, fl := range f.Fields {
					if fids[fl.ID] {
						t.Errorf("form %s: field id %s repeated", f.ID, fl.ID)
					}
					fids[fl.ID] = true
					if fl.ID == "" || fl.Label == "" || fl.Citation == "" || fl.Provide == "" {
						t.Errorf("form %s field %+v: got a blank id, label, citation or provide", f.ID, fl)
					}
				}
			}
		})
	}
}

// TestReportFieldsFurtherNotices checks that each further form names a
// notice the jurisdiction's rule actually emits.
func TestReportFieldsFurtherNotices(t *testing.T) {
	notices := map[string][]string{
		"US-HIPAA": {"prominent media outlets serving the State"},
		"JP-APPI":  {jpAPPIReg + " (final report, 確報)"},
		"IN-DPDP":  {"CERT-In (Indian Computer Emergency Response Team)"},
		"CN-PIPL":  {"provincial CAC, through the channel of the incident report (closing summary report)"},
	}
	for id, tos := range notices {
		for _, f := range ReportForms(id) {
			if f.Notice == "" {
				continue
			}
			if !slices.ContainsFunc(tos, func(to string) bool { return strings.Contains(to, f.Notice) }) {
				t.Errorf("form %s: notice %q matches none of %q", f.ID, f.Notice, tos)
			}
		}
	}
}

// TestReportFieldsIssueItems checks the items the law lists for some
// jurisdictions, by citation.
func TestReportFieldsIssueItems(t *testing.T) {
	tests := []struct {
		name, jurisdiction string
		citations          []string
	}{
		{"GDPR Art. 33(3)(a)-(d), (1) and (4)", "EU-GDPR", []string{"GDPR Art. 33(3)(a)", "GDPR Art. 33(3)(b)", "GDPR Art. 33(3)(c)", "GDPR Art. 33(3)(d)", "GDPR Art. 33(1)", "GDPR Art. 33(4)"}},
		{"PIPL Art. 57", "CN-PIPL", []string{"PIPL Art. 57(1)", "PIPL Art. 57(2)", "PIPL Art. 57(3)"}},
		{"AU s. 26WK(3)", "AU-NDB", []string{"Privacy Act 1988 s. 26WK(3)(a)", "Privacy Act 1988 s. 26WK(3)(b)", "Privacy Act 1988 s. 26WK(3)(c)", "Privacy Act 1988 s. 26WK(3)(d)"}},
		{"PIPEDA regulations s. 2", "CA-PIPEDA", []string{"SOR/2018-64 s. 2(1)(a)", "SOR/2018-64 s. 2(1)(g)", "SOR/2018-64 s. 2(2)"}},
		{"California sample copy", "US-CA", []string{"Cal. Civ. Code § 1798.82(f)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range ReportForms(tt.jurisdiction)[0].Fields {
				got = append(got, f.Citation)
			}
			for _, c := range tt.citations {
				if !slices.Contains(got, c) {
					t.Errorf("got citations %q, want %q among them", got, c)
				}
			}
		})
	}
}

// TestReportFieldsLanguage checks that the PIPL labels are Chinese and the
// GDPR delay field is only required when late.
func TestReportFieldsLanguage(t *testing.T) {
	for _, f := range ReportForms("CN-PIPL")[0].Fields {
		if !strings.ContainsFunc(f.Label, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("CN-PIPL field %s: got label %q, want Chinese", f.ID, f.Label)
		}
		if f.LabelEn == "" {
			t.Errorf("CN-PIPL field %s: got no English label", f.ID)
		}
	}
	i := slices.IndexFunc(ReportForms("EU-GDPR")[0].Fields, func(f ReportField) bool { return f.ID == "delay_reasons" })
	if i < 0 || !ReportForms("EU-GDPR")[0].Fields[i].OnlyIfLate {
		t.Errorf("EU-GDPR: got no late-only delay_reasons field, want one")
	}
}

// TestReportFieldsGeneric checks the fallback list for a jurisdiction
// without one: every field unverified.
func TestReportFieldsGeneric(t *testing.T) {
	forms := ReportForms("mx")
	if len(forms) != 1 || forms[0].ID != "MX" || HasReportForms("MX") {
		t.Fatalf("got %+v, want one generic MX form", forms)
	}
	for _, f := range forms[0].Fields {
		if f.Verified {
			t.Errorf("generic field %s: got verified, want unverified", f.ID)
		}
	}
}

// TestReportFieldsCopy checks that callers cannot change the package's
// lists through the returned slices.
func TestReportFieldsCopy(t *testing.T) {
	ReportForms("EU-GDPR")[0].Fields[0].Label = "changed"
	if got := ReportForms("EU-GDPR")[0].Fields[0].Label; got == "changed" {
		t.Errorf("got label %q after changing a returned copy, want the original", got)
	}
}

// TestReportFieldsMemberState checks the country to member-state mapping.
func TestReportFieldsMemberState(t *testing.T) {
	tests := []struct {
		country, state string
		ok             bool
	}{
		{"at", "AT", true}, {"EL", "GR", true}, {"RE", "FR", true}, {"AX", "FI", true},
		{"NO", "NO", true}, {"GB", "", false}, {"CN", "", false}, {"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.country, func(t *testing.T) {
			state, ok := MemberState(tt.country)
			if state != tt.state || ok != tt.ok {
				t.Errorf("MemberState(%q) = %q, %v; want %q, %v", tt.country, state, ok, tt.state, tt.ok)
			}
		})
	}
	if name, err := SupervisoryAuthority("FR"); err != nil || !strings.Contains(name, "CNIL") {
		t.Errorf("SupervisoryAuthority(FR) = %q, %v; want the CNIL", name, err)
	}
	if _, err := SupervisoryAuthority("US"); err == nil {
		t.Errorf("SupervisoryAuthority(US): got no error, want one")
	}
	if HasEUEstablishment("CN") || !HasEUEstablishment("IE") {
		t.Errorf("HasEUEstablishment: got CN %v IE %v, want false true", HasEUEstablishment("CN"), HasEUEstablishment("IE"))
	}
}
