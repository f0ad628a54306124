package regulators

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// usTableIDs are the jurisdictions the table of state statutes must encode:
// every state without a file of its own, the District of Columbia, Puerto
// Rico, Guam and the US Virgin Islands, in id order.
var usTableIDs = []string{
	"US-AK", "US-AL", "US-AR", "US-AZ", "US-CO", "US-CT", "US-DC", "US-DE", "US-GA", "US-GU",
	"US-HI", "US-IA", "US-ID", "US-IN", "US-KS", "US-KY", "US-LA", "US-MD", "US-ME", "US-MI",
	"US-MN", "US-MO", "US-MS", "US-MT", "US-NC", "US-ND", "US-NE", "US-NH", "US-NJ", "US-NM",
	"US-NV", "US-OH", "US-OK", "US-OR", "US-PA", "US-PR", "US-RI", "US-SC", "US-SD", "US-TN",
	"US-UT", "US-VA", "US-VI", "US-VT", "US-WI", "US-WV", "US-WY",
}

func TestUSStatesCoverEveryJurisdiction(t *testing.T) {
	var got []string
	for _, r := range USStates() {
		got = append(got, r.ID)
	}
	if diff := cmp.Diff(usTableIDs, got); diff != "" {
		t.Errorf("USStates ids: got %v, want %v (-want +got):\n%s", got, usTableIDs, diff)
	}
	states := "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI"
	for _, code := range strings.Fields(states) {
		id := "US-" + code
		r, ok := Lookup(id)
		if !ok || r.ID != id {
			t.Errorf("Lookup(%q): got (%q, %v), want (%q, true): people there would get no obligation", id, r.ID, ok, id)
		}
	}
}

func TestUSStatesTableRows(t *testing.T) {
	for _, l := range usLaws {
		t.Run(l.code, func(t *testing.T) {
			for what, v := range map[string]string{
				"name": l.name, "law": l.law, "regulator": l.regulator,
				"definition": l.scope.definition, "trigger": l.scope.trigger, "encryption": l.scope.encryption,
				"harm citation": l.harmCite, "deadline text": l.deadlineText, "deadline citation": l.deadlineCite,
				"regulator citation": l.ag.cite, "CRA citation": l.cra.cite, "substitute citation": l.sub.cite,
			} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: got empty, want it set", what)
				}
			}
			if len(l.scope.elements) == 0 {
				t.Errorf("elements: got none, want the statute's data elements")
			}
			for _, n := range []usNotice{l.ag, l.cra} {
				if n.to != "" && n.text == "" {
					t.Errorf("notice to %s: got no deadline text, want the statute's words", n.to)
				}
				if n.to == "" && (n.over != 0 || n.days != 0 || n.text != "") {
					t.Errorf("notice without recipient: got threshold %d, days %d, text %q, want none", n.over, n.days, n.text)
				}
			}
			if (l.sub.cost == 0) != (l.sub.size == 0) {
				t.Errorf("substitute: got cost %d and size %d, want both or neither", l.sub.cost, l.sub.size)
			}
			if len(l.verified) > 0 && len(l.read) == 0 {
				t.Errorf("read: got no source for verified fields %v, want where the statute text was read", l.verified)
			}
			for _, v := range l.verified {
				if !slices.Contains(usFields, v) {
					t.Errorf("verified: got %q, want one of %v", v, usFields)
				}
			}
		})
	}
}

// TestUSStatesJudgmentNeverSuppresses checks that a risk-of-harm exception
// is never applied silently: notice stays required and the point is marked
// for counsel.
func TestUSStatesJudgmentNeverSuppresses(t *testing.T) {
	for _, r := range USStates() {
		t.Run(r.ID, func(t *testing.T) {
			o := r.Decide(facts(r.ID, 10, risk(RiskNone), accidental))
			if !o.NotifyIndividuals {
				t.Errorf("NotifyIndividuals: got false at risk none, want true until counsel confirms an exception\nreasons:\n  %s", strings.Join(o.Reasons, "\n  "))
			}
			l := usLaws[slices.IndexFunc(usLaws, func(l usLaw) bool { return "US-"+l.code == r.ID })]
			marked := slices.ContainsFunc(o.Unverified, func(u string) bool { return strings.HasPrefix(u, "judgment: ") && strings.Contains(u, "risk-of-harm") })
			if marked != (l.harm != "") {
				t.Errorf("judgment marker: got %v, want %v (exception %q); unverified %q", marked, l.harm != "", l.harm, o.Unverified)
			}
			if o.SafeHarbour != "" {
				t.Errorf("SafeHarbour: got %q, want none: an exception is not applied automatically", o.SafeHarbour)
			}
		})
	}
}

func TestUSStatesUnverifiedFields(t *testing.T) {
	for _, l := range usLaws {
		t.Run(l.code, func(t *testing.T) {
			o := l.decide(facts("US-"+l.code, 10))
			for _, field := range usFields {
				flagged := slices.ContainsFunc(o.Unverified, func(u string) bool { return strings.Contains(u, " "+field+": ") })
				if flagged == l.isVerified(field) {
					t.Errorf("%s: got flagged unverified %v with verified %v, want exactly one", field, flagged, l.isVerified(field))
				}
			}
		})
	}
}

// TestUSStatesArizonaAndGeorgia is an incident touching one Arizona and one
// Georgia resident: both now get obligations with citations instead of the
// fallback.
func TestUSStatesArizonaAndGeorgia(t *testing.T) {
	type result struct {
		Individuals bool
		Deadline    string
		Cite        string
	}
	cases := []struct {
		name string
		id   string
		want result
	}{
		{"AZ A.R.S. 18-552(B) resident notified within 45 days", "US-AZ", result{true, days(45).Format("2006-01-02T15:04:05Z07:00"), "A.R.S. § 18-552(B)"}},
		{"GA O.C.G.A. 10-1-912(a) resident notified without unreasonable delay", "US-GA", result{true, "", "O.C.G.A. § 10-1-912(a)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := Lookup(c.id)
			if !ok {
				t.Fatalf("Lookup(%q): got no rule, want one", c.id)
			}
			o := r.Decide(facts(c.id, 1, total(2)))
			got := result{Individuals: o.NotifyIndividuals}
			if o.IndividualDeadline != nil {
				got.Deadline = o.IndividualDeadline.Format("2006-01-02T15:04:05Z07:00")
			}
			if slices.Contains(o.Citations, c.want.Cite) {
				got.Cite = c.want.Cite
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("got %+v, want %+v (-want +got):\n%s\ncitations %q", got, c.want, diff, o.Citations)
			}
			if o.Law == "" || o.Law == Fallback(facts(c.id, 1)).Law {
				t.Errorf("Law: got %q, want the state's statute", o.Law)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 250000: "250,000", 1500000: "1,500,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d): got %q, want %q", n, got, want)
		}
	}
}

// usRule returns the decide function of a table row by postal code.
func usRule(t *testing.T, code string) func(Facts) Obligation {
	t.Helper()
	r, ok := Lookup("US-" + code)
	if !ok {
		t.Fatalf("Lookup(US-%s): got no rule", code)
	}
	return r.Decide
}

// TestUSStateRules holds the per-state cases; each name starts with the
// state and cites the statute it checks. The default facts are a malicious
// exfiltration of name, e-mail and Social Security number (see facts).
func TestUSStateRules(t *testing.T) {
	const cra = "nationwide consumer reporting agencies"
	ni := func(d int) summary {
		s := summary{NotifyIndividuals: true}
		if d > 0 {
			s.IndividualDeadline = days(d)
		}
		return s
	}
	withAG := func(s summary, d int) summary {
		s.NotifyRegulator = true
		if d > 0 {
			s.RegulatorDeadline = days(d)
		}
		return s
	}
	withCRA := func(s summary) summary { s.Others = append(s.Others, cra); return s }
	withSub := func(s summary) summary { s.PublicNoticeAllowed = true; return s }
	ag := func(d int) summary { return withAG(ni(d), d) }

	cases := map[string][]ruleCase{
		"AK": {
			{name: "AK Alaska Stat. 45.48.010(b) 1000 residents: no fixed date, no CRA", facts: facts("US-AK", 1000), want: ni(0)},
			{name: "AK Alaska Stat. 45.48.040(a) CRA over 1000", facts: facts("US-AK", 1001), want: withCRA(ni(0))},
			{name: "AK Alaska Stat. 45.48.010(c) no-harm finding is counsel's: still notify", facts: facts("US-AK", 10, risk(RiskNone)), want: ni(0)},
		},
		"AL": {
			{name: "AL Ala. Code 8-38-5(b) 45 days, 8-38-6 no AG at 1000", facts: facts("US-AL", 1000), want: ni(45)},
			{name: "AL Ala. Code 8-38-6(a) and 8-38-7 AG and CRA over 1000", facts: facts("US-AL", 1001), want: withCRA(ag(45))},
			{name: "AL Ala. Code 8-38-2(6) online credentials alone", facts: facts("US-AL", 5, cats(catEmail, catCreds)), want: ni(45)},
		},
		"AR": {
			{name: "AR Ark. Code 4-110-105(b)(2) no AG at 1000", facts: facts("US-AR", 1000), want: ni(0)},
			{name: "AR Ark. Code 4-110-105(b)(2) AG over 1000 within 45 days, no CRA", facts: facts("US-AR", 1001), want: withAG(ni(0), 45)},
			{name: "AR Ark. Code 4-110-105(b)(2) counts every individual affected, not only Arkansans", facts: facts("US-AR", 10, total(1001)), want: withAG(ni(0), 45)},
		},
		"AZ": {
			{name: "AZ A.R.S. 18-552(B) 45 days, no AG at 1000", facts: facts("US-AZ", 1000), want: ni(45)},
			{name: "AZ A.R.S. 18-552(B)(2) AG notice and CRA over 1000", facts: facts("US-AZ", 1001), want: withCRA(ag(45))},
			{name: "AZ A.R.S. 18-552(J) no-economic-loss finding is counsel's: still notify", facts: facts("US-AZ", 10, risk(RiskLow), accidental), want: ni(45)},
			{name: "AZ A.R.S. 18-551 user name with password alone", facts: facts("US-AZ", 10, cats(catEmail, catCreds)), want: ni(45)},
			{name: "AZ A.R.S. 18-551 health information with a name", facts: facts("US-AZ", 10, cats(catName, catHlth)), want: ni(45)},
			{name: "AZ A.R.S. 18-552(F)(4) substitute notice over 100000", facts: facts("US-AZ", 100001), want: withSub(withCRA(ag(45)))},
			{name: "AZ A.R.S. 18-551(1) encrypted, key safe", facts: facts("US-AZ", 2000, encrypted), want: summary{SafeHarbour: true}},
		},
		"CO": {
			{name: "CO C.R.S. 6-1-716(2)(a) 30 days, no AG under 500", facts: facts("US-CO", 499), want: ni(30)},
			{name: "CO C.R.S. 6-1-716(2)(f) AG at 500 within 30 days", facts: facts("US-CO", 500), want: ag(30)},
			{name: "CO C.R.S. 6-1-716(2)(d) CRA over 1000", facts: facts("US-CO", 1001), want: withCRA(ag(30))},
			{name: "CO C.R.S. 6-1-716(1)(g) credentials alone", facts: facts("US-CO", 10, cats(catEmail, catCreds)), want: ni(30)},
			{name: "CO C.R.S. 6-1-716(1)(g) encrypted, key safe", facts: facts("US-CO", 10, encrypted), want: summary{SafeHarbour: true}},
			{name: "CO C.R.S. 6-1-716(1)(f) substitute notice for want of contact", facts: facts("US-CO", 10, noContact(2)), want: withSub(ni(30))},
		},
		"CT": {
			{name: "CT Conn. Gen. Stat. 36a-701b(b) 60 days and AG for any resident", facts: facts("US-CT", 1), want: ag(60)},
			{name: "CT Conn. Gen. Stat. 36a-701b(a) unauthorised access by an intruder is a breach", facts: facts("US-CT", 1, conf("none"), cause("hacking")), want: ag(60)},
		},
		"DC": {
			{name: "DC D.C. Code 28-3852(b-1) no AG under 50", facts: facts("US-DC", 49), want: ni(0)},
			{name: "DC D.C. Code 28-3852(b-1) AG at 50", facts: facts("US-DC", 50), want: withAG(ni(0), 0)},
			{name: "DC D.C. Code 28-3852(c) CRA over 1000", facts: facts("US-DC", 1001), want: withCRA(withAG(ni(0), 0))},
		},
		"DE": {
			{name: "DE 6 Del. C. 12B-102(c) 60 days, no AG at 500", facts: facts("US-DE", 500), want: ni(60)},
			{name: "DE 6 Del. C. 12B-102(d) AG over 500", facts: facts("US-DE", 501), want: ag(60)},
		},
		"GA": {
			{name: "GA O.C.G.A. 10-1-912(a) no CRA at 10000", facts: facts("US-GA", 10000), want: ni(0)},
			{name: "GA O.C.G.A. 10-1-912(d) CRA over 10000", facts: facts("US-GA", 10001), want: withCRA(ni(0))},
			{name: "GA O.C.G.A. 10-1-911(6) SSN without a name", facts: facts("US-GA", 1, cats(catSSN)), want: ni(0)},
			{name: "GA O.C.G.A. 10-1-911(4) substitute notice over 100000", facts: facts("US-GA", 100001), want: withSub(withCRA(ni(0)))},
		},
		"GU": {
			{name: "GU 9 G.C.A. ch. 48 no regulator notice", facts: facts("US-GU", 100), want: ni(0)},
			{name: "GU 9 G.C.A. ch. 48 substitute notice over 5000", facts: facts("US-GU", 5001), want: withSub(ni(0))},
		},
		"HI": {
			{name: "HI Haw. Rev. Stat. 487N-2(f) no OCP at 1000", facts: facts("US-HI", 1000), want: ni(0)},
			{name: "HI Haw. Rev. Stat. 487N-2(f) OCP and CRA over 1000", facts: facts("US-HI", 1001), want: withCRA(withAG(ni(0), 0))},
		},
		"IA": {
			{name: "IA Iowa Code 715C.2(8) no AG at 499", facts: facts("US-IA", 499), want: ni(0)},
			{name: "IA Iowa Code 715C.2(8) AG at 500 (the Attorney General's 'at least 500', stricter than 'more than 500')", facts: facts("US-IA", 500), want: withAG(ni(0), 0)},
		},
		"ID": {
			{name: "ID Idaho Code 28-51-105(1) no regulator notice", facts: facts("US-ID", 5000), want: ni(0)},
			{name: "ID Idaho Code 28-51-104(4) substitute notice over 50000", facts: facts("US-ID", 50001), want: withSub(ni(0))},
		},
		"IN": {
			{name: "IN Ind. Code 24-4.9-3-3 45 days and 24-4.9-3-1(c) AG for any resident", facts: facts("US-IN", 1), want: ag(45)},
			{name: "IN Ind. Code 24-4.9-3-1(b) CRA over 1000", facts: facts("US-IN", 1001), want: withCRA(ag(45))},
			{name: "IN Ind. Code 24-4.9-2-10 SSN with an e-mail address, no name", facts: facts("US-IN", 1, cats(catEmail, catSSN)), want: ag(45)},
			{name: "IN Ind. Code 24-4.9-3-4(b) no substitute notice for want of contact alone", facts: facts("US-IN", 10, noContact(3)), want: ag(45)},
			{name: "IN Ind. Code 24-4.9-3-4(b) substitute notice over 500000", facts: facts("US-IN", 500001), want: withSub(withCRA(ag(45)))},
		},
		"KS": {
			{name: "KS K.S.A. 50-7a02(f) CRA over 1000", facts: facts("US-KS", 1001), want: withCRA(ni(0))},
			{name: "KS K.S.A. 50-7a01(c) substitute notice over 5000", facts: facts("US-KS", 5001), want: withSub(withCRA(ni(0)))},
		},
		"KY": {
			{name: "KY KRS 365.732(7) no CRA at 1000", facts: facts("US-KY", 1000), want: ni(0)},
			{name: "KY KRS 365.732(7) CRA over 1000", facts: facts("US-KY", 1001), want: withCRA(ni(0))},
		},
		"LA": {
			{name: "LA La. R.S. 51:3074(E) 60 days and LAC 16:III.701 AG for any resident", facts: facts("US-LA", 1), want: withAG(ni(60), 0)},
		},
		"MD": {
			{name: "MD Md. Com. Law 14-3504(c) 45 days and (h) AG before individuals", facts: facts("US-MD", 1), want: ag(45)},
			{name: "MD Md. Com. Law 14-3506 CRA at 1000 notified in all", facts: facts("US-MD", 10, total(1000)), want: withCRA(ag(45))},
		},
		"ME": {
			{name: "ME 10 M.R.S. 1348(1) 30 days and (5) AG for any resident", facts: facts("US-ME", 1), want: ag(30)},
			{name: "ME 10 M.R.S. 1348(4) CRA and 1347(4) substitute notice over 1000", facts: facts("US-ME", 1001), want: withSub(withCRA(ag(30)))},
		},
		"MI": {
			{name: "MI MCL 445.72(8) CRA over 1000", facts: facts("US-MI", 1001), want: withCRA(ni(0))},
			{name: "MI MCL 445.63(r) credentials alone are not personal information", facts: facts("US-MI", 10, cats(catEmail, catCreds)), want: summary{}},
			{name: "MI MCL 445.72(1) substantial-loss finding is counsel's: still notify", facts: facts("US-MI", 10, risk(RiskLow)), want: ni(0)},
		},
		"MN": {
			{name: "MN Minn. Stat. 325E.61 subd. 2 no CRA at 500", facts: facts("US-MN", 500), want: ni(0)},
			{name: "MN Minn. Stat. 325E.61 subd. 2 CRA over 500", facts: facts("US-MN", 501), want: withCRA(ni(0))},
		},
		"MO": {
			{name: "MO Mo. Rev. Stat. 407.1500.2(8) AG and CRA over 1000", facts: facts("US-MO", 1001), want: withCRA(withAG(ni(0), 0))},
			{name: "MO Mo. Rev. Stat. 407.1500.2(8) nothing more at 1000", facts: facts("US-MO", 1000), want: ni(0)},
		},
		"MS": {
			{name: "MS Miss. Code 75-24-29(6) substitute notice over 5000", facts: facts("US-MS", 5001), want: withSub(ni(0))},
		},
		"MT": {
			{name: "MT Mont. Code 30-14-1704(8) AG copy for any resident", facts: facts("US-MT", 1), want: withAG(ni(0), 0)},
		},
		"NC": {
			{name: "NC N.C. Gen. Stat. 75-65(e1) AG for any resident", facts: facts("US-NC", 1), want: withAG(ni(0), 0)},
			{name: "NC N.C. Gen. Stat. 75-65(f) CRA over 1000 notified in all", facts: facts("US-NC", 1, total(1001)), want: withCRA(withAG(ni(0), 0))},
		},
		"ND": {
			{name: "ND N.D. Cent. Code 51-30-02 no AG at 250", facts: facts("US-ND", 250), want: ni(0)},
			{name: "ND N.D. Cent. Code 51-30-02 AG over 250", facts: facts("US-ND", 251), want: withAG(ni(0), 0)},
			{name: "ND N.D. Cent. Code 51-30-02 a breach which exceeds 250 individuals counts everyone", facts: facts("US-ND", 3, total(251)), want: withAG(ni(0), 0)},
			{name: "ND N.D. Cent. Code 51-30-01(4) date of birth with a name", facts: facts("US-ND", 1, cats(catName, catDOB)), want: ni(0)},
		},
		"NE": {
			{name: "NE Neb. Rev. Stat. 87-803(2) AG for any resident", facts: facts("US-NE", 1), want: withAG(ni(0), 0)},
		},
		"NH": {
			{name: "NH RSA 359-C:20(I)(b) AG for any resident", facts: facts("US-NH", 1), want: withAG(ni(0), 0)},
			{name: "NH RSA 359-C:20(VI) CRA and (III)(d) substitute notice over 1000", facts: facts("US-NH", 1001), want: withSub(withCRA(withAG(ni(0), 0)))},
		},
		"NJ": {
			{name: "NJ N.J.S.A. 56:8-163(c)(1) State Police before customers", facts: facts("US-NJ", 1), want: withAG(ni(0), 0)},
			{name: "NJ N.J.S.A. 56:8-163(f) CRA over 1000", facts: facts("US-NJ", 1001), want: withCRA(withAG(ni(0), 0))},
			{name: "NJ N.J.S.A. 56:8-161 credentials alone", facts: facts("US-NJ", 1, cats(catEmail, catCreds)), want: withAG(ni(0), 0)},
		},
		"NM": {
			{name: "NM N.M. Stat. 57-12C-6(A) 45 days, no AG at 1000", facts: facts("US-NM", 1000), want: ni(45)},
			{name: "NM N.M. Stat. 57-12C-10 AG and CRA over 1000", facts: facts("US-NM", 1001), want: withCRA(ag(45))},
		},
		"NV": {
			{name: "NV NRS 603A.220(6) CRA over 1000", facts: facts("US-NV", 1001), want: withCRA(ni(0))},
		},
		"OH": {
			{name: "OH Ohio Rev. Code 1349.19(B)(2) 45 days, no AG", facts: facts("US-OH", 1000), want: ni(45)},
			{name: "OH Ohio Rev. Code 1349.19(G) CRA over 1000", facts: facts("US-OH", 1001), want: withCRA(ni(45))},
			{name: "OH Ohio Rev. Code 1349.19(A)(7) credentials alone are not personal information", facts: facts("US-OH", 10, cats(catEmail, catCreds)), want: summary{}},
		},
		"OK": {
			{name: "OK 24 O.S. 163 (SB 626) no AG under 500", facts: facts("US-OK", 499), want: ni(0)},
			{name: "OK 24 O.S. 163 (SB 626) AG at 500", facts: facts("US-OK", 500), want: withAG(ni(0), 0)},
		},
		"OR": {
			{name: "OR ORS 646A.604(3) 45 days, no AG at 250", facts: facts("US-OR", 250), want: ni(45)},
			{name: "OR ORS 646A.604(1)(b) AG over 250", facts: facts("US-OR", 251), want: ag(45)},
			{name: "OR ORS 646A.604(6) CRA over 1000", facts: facts("US-OR", 1001), want: withCRA(ag(45))},
		},
		"PA": {
			{name: "PA 73 P.S. 2303(c.1) and 2305 no AG and no CRA at 499", facts: facts("US-PA", 499), want: ni(0)},
			{name: "PA 73 P.S. 2305 (Act 33 of 2024) CRA at 500, 2303(c.1) no AG at 500", facts: facts("US-PA", 500), want: withCRA(ni(0))},
			{name: "PA 73 P.S. 2303(c.1) (Act 33 of 2024) AG concurrently over 500", facts: facts("US-PA", 501), want: withCRA(withAG(ni(0), 0))},
		},
		"PR": {
			{name: "PR 10 L.P.R.A. 4052 DACO within 10 days", facts: facts("US-PR", 1), want: withAG(ni(0), 10)},
			{name: "PR 10 L.P.R.A. 4053(2) substitute notice over 100000", facts: facts("US-PR", 100001), want: withSub(withAG(ni(0), 10))},
			{name: "PR 10 L.P.R.A. 4052 encrypted, key safe", facts: facts("US-PR", 100, encrypted), want: summary{SafeHarbour: true}},
		},
		"RI": {
			{name: "RI R.I. Gen. Laws 11-49.3-4(a)(2) 45 days, no AG at 500", facts: facts("US-RI", 500), want: ni(45)},
			{name: "RI R.I. Gen. Laws 11-49.3-4(a)(2) AG and CRA over 500", facts: facts("US-RI", 501), want: withCRA(ag(45))},
		},
		"SC": {
			{name: "SC S.C. Code 39-1-90(K) no notice at 1000", facts: facts("US-SC", 1000), want: ni(0)},
			{name: "SC S.C. Code 39-1-90(K) Consumer Affairs and CRA over 1000", facts: facts("US-SC", 1001), want: withCRA(withAG(ni(0), 0))},
		},
		"SD": {
			{name: "SD SDCL 22-40-20 60 days, 22-40-24 CRA for any resident", facts: facts("US-SD", 250), want: withCRA(ni(60))},
			{name: "SD SDCL 22-40-20 AG over 250", facts: facts("US-SD", 251), want: withCRA(ag(60))},
		},
		"TN": {
			{name: "TN Tenn. Code 47-18-2107(b) 45 days", facts: facts("US-TN", 10), want: ni(45)},
			{name: "TN Tenn. Code 47-18-2107(g) CRA over 1000 notified in all", facts: facts("US-TN", 10, total(1001)), want: withCRA(ni(45))},
		},
		"UT": {
			{name: "UT Utah Code 13-44-202 no AG under 500", facts: facts("US-UT", 499), want: ni(0)},
			{name: "UT Utah Code 13-44-202 AG and Cyber Center at 500", facts: facts("US-UT", 500), want: withAG(ni(0), 0)},
			{name: "UT Utah Code 13-44-202(5) no substitute threshold", facts: facts("US-UT", 10, noContact(3)), want: ni(0)},
			{name: "UT Utah Code 13-44-202 CRA at 1000", facts: facts("US-UT", 1000), want: withCRA(withAG(ni(0), 0))},
		},
		"VA": {
			{name: "VA Va. Code 18.2-186.6(B) AG for any resident", facts: facts("US-VA", 1), want: withAG(ni(0), 0)},
			{name: "VA Va. Code 18.2-186.6(E) CRA over 1000", facts: facts("US-VA", 1001), want: withCRA(withAG(ni(0), 0))},
		},
		"VI": {
			{name: "VI 14 V.I.C. 2208(a) residents, no regulator", facts: facts("US-VI", 1), want: ni(0)},
		},
		"VT": {
			{name: "VT 9 V.S.A. 2435(b)(3) AG within 14 business days, (b)(1) residents 45 days", facts: facts("US-VT", 1), want: summary{NotifyRegulator: true, RegulatorDeadline: tm("2026-12-10T09:00:00Z"), NotifyIndividuals: true, IndividualDeadline: days(45)}},
			{name: "VT 9 V.S.A. 2435(c) CRA over 1000", facts: facts("US-VT", 1001), want: summary{NotifyRegulator: true, RegulatorDeadline: tm("2026-12-10T09:00:00Z"), NotifyIndividuals: true, IndividualDeadline: days(45), Others: []string{cra}}},
		},
		"WI": {
			{name: "WI Wis. Stat. 134.98(3)(a) 45 days and (2)(br) CRA over 1000", facts: facts("US-WI", 1001), want: withCRA(ni(45))},
		},
		"WV": {
			{name: "WV W. Va. Code 46A-2A-102(f) CRA over 1000", facts: facts("US-WV", 1001), want: withCRA(ni(0))},
		},
		"WY": {
			{name: "WY Wyo. Stat. 40-12-502 no regulator or CRA notice", facts: facts("US-WY", 5000), want: ni(0)},
			{name: "WY Wyo. Stat. 40-12-501(a)(vii) credentials alone", facts: facts("US-WY", 1, cats(catEmail, catCreds)), want: ni(0)},
		},
	}
	for _, id := range usTableIDs {
		code := strings.TrimPrefix(id, "US-")
		if len(cases[code]) == 0 {
			t.Errorf("%s: got no table cases, want at least one per state", id)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(cases)) {
		t.Run(code, func(t *testing.T) { runCases(t, usRule(t, code), cases[code]) })
	}
}

// TestUSStateNotesFollowFacts checks that notes limited to some facts (a
// HIPAA covered entity, an exposed SSN) appear only with those facts.
func TestUSStateNotesFollowFacts(t *testing.T) {
	cases := []struct {
		name  string
		id    string
		facts Facts
		words string
		want  bool
	}{
		{"AZ A.R.S. 18-552 HIPAA deemed compliance for a covered entity", "US-AZ", facts("US-AZ", 10, hipaaEntity), "HIPAA", true},
		{"AZ A.R.S. 18-552 no HIPAA note for others", "US-AZ", facts("US-AZ", 10), "HIPAA", false},
		{"CT Conn. Gen. Stat. 36a-701b(b)(2)(B) 24 months of services when SSN exposed", "US-CT", facts("US-CT", 10), "24 months", true},
		{"CT Conn. Gen. Stat. 36a-701b(b)(2)(B) no services note without SSN", "US-CT", facts("US-CT", 10, cats(catName, catCard)), "24 months", false},
		{"DC D.C. Code 28-3852.02 18 months of protection when SSN exposed", "US-DC", facts("US-DC", 10), "18 months", true},
		{"VA Va. Code 32.1-127.1:05 medical statute when health data exposed", "US-VA", facts("US-VA", 10, cats(catName, catSSN, catHlth)), "32.1-127.1:05", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := Lookup(c.id)
			if !ok {
				t.Fatalf("Lookup(%q): got no rule", c.id)
			}
			o := r.Decide(c.facts)
			all := strings.Join(append(append(slices.Clone(o.Reasons), o.Citations...), o.Unverified...), " ")
			if got := strings.Contains(all, c.words); got != c.want {
				t.Errorf("mentions %q: got %v, want %v\nreasons:\n  %s", c.words, got, c.want, strings.Join(o.Reasons, "\n  "))
			}
		})
	}
}

func TestUSStateNoticeContent(t *testing.T) {
	cases := []struct {
		name  string
		id    string
		first string
		n     int
	}{
		{"NM N.M. Stat. 57-12C-7 seven items, notifier first", "US-NM", "the name and contact information of the notifying person", 7},
		{"RI R.I. Gen. Laws 11-49.3-4(d) six items", "US-RI", "a general and brief description of the incident, including how the breach occurred and the number of affected individuals", 6},
		{"GA O.C.G.A. 10-1-912 no content recorded", "US-GA", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _ := Lookup(c.id)
			got := r.Decide(facts(c.id, 10)).IndividualContent
			first := ""
			if len(got) > 0 {
				first = got[0]
			}
			if len(got) != c.n || first != c.first {
				t.Errorf("IndividualContent: got %d items starting %q, want %d starting %q", len(got), first, c.n, c.first)
			}
		})
	}
}

func TestUSStateReportForms(t *testing.T) {
	cases := []struct {
		name     string
		id       string
		title    string
		fields   int
		verified int
	}{
		{"AL Ala. Code 8-38-6(b) four items and updates, read", "US-AL", "Notice to the Alabama Attorney General (Ala. Code § 8-38-6(a))", 5, 5},
		{"NM N.M. Stat. 57-12C-10 number and copy, read", "US-NM", "Notice to the New Mexico Attorney General (N.M. Stat. § 57-12C-10)", 2, 2},
		{"AZ A.R.S. 18-552(B)(2) common items, not read", "US-AZ", "Notice to the Arizona Attorney General and Director of the Arizona Department of Homeland Security (A.R.S. § 18-552(B)(2))", 9, 0},
		{"GA O.C.G.A. 10-1-912 no regulator: record only", "US-GA", "Record of the assessment: Georgia requires no notice to a state regulator (O.C.G.A. § 10-1-912)", 9, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !HasReportForms(c.id) {
				t.Fatalf("HasReportForms(%q): got false, want true", c.id)
			}
			forms := ReportForms(c.id)
			if len(forms) != 1 {
				t.Fatalf("ReportForms(%q): got %d forms, want 1", c.id, len(forms))
			}
			f := forms[0]
			verified := 0
			for _, fl := range f.Fields {
				if fl.Verified {
					verified++
				}
			}
			if f.Title != c.title || len(f.Fields) != c.fields || verified != c.verified {
				t.Errorf("got title %q, %d fields, %d verified; want %q, %d, %d", f.Title, len(f.Fields), verified, c.title, c.fields, c.verified)
			}
		})
	}
}
