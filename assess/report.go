package assess

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// WriteText writes the assessment as a report a reviewer reads top to
// bottom: what happened, who, how severe and why, the risk and the rules
// that decided it, each law's duties, deadlines with the time left at now,
// and the public-notice decision.
func WriteText(w io.Writer, a *Assessment, now time.Time) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	head := func(s string) { p("\n%s\n%s", s, strings.Repeat("-", len(s))) }

	p("Breach assessment %s, revision %d", a.Incident, a.Revision)
	p("Assessed at %s; discovered at %s (%s ago).", a.AssessedAt.Format(time.RFC3339), a.DiscoveredAt.Format(time.RFC3339), roundDur(now.Sub(a.DiscoveredAt)))

	head("What happened")
	p("%s", a.Title)
	p("Cause: %s. Confidentiality: %s. Integrity: %s. Availability: %s.", a.Cause, a.Effects.Confidentiality, a.Effects.Integrity, a.Effects.Availability)
	if a.Effects.OutageHours > 0 {
		p("Outage: %g hours.", a.Effects.OutageHours)
	}
	p("Malicious: %s.", yesNo(a.Effects.Malicious))
	for _, s := range a.Effects.Inferred {
		p("  note: %s", s)
	}

	head("Who is affected")
	p("%s, %d records (person x system). Minors: %d. Without usable contact: %d.", people(a.Subjects.Total), a.Records, a.Subjects.Minors, a.Subjects.WithoutContact)
	if a.ApproximateRecords > a.Records {
		p("WARNING: the inventory declares more records than the directory holds: approximately %d records.", a.ApproximateRecords)
	}
	if a.Subjects.Unintelligible > 0 {
		p("People whose exposed data was all encrypted: %d.", a.Subjects.Unintelligible)
	}
	jurs := make([]string, 0, len(a.Subjects.ByJurisdiction))
	for j := range a.Subjects.ByJurisdiction {
		jurs = append(jurs, j)
	}
	slices.Sort(jurs)
	for _, j := range jurs {
		p("  %-12s %8d", j, a.Subjects.ByJurisdiction[j])
	}
	p("Categories exposed: %s", listOrNone(a.Categories))
	if len(a.UnintelligibleCategories) > 0 {
		p("Exposed only encrypted: %s", strings.Join(a.UnintelligibleCategories, ", "))
	}
	if a.RejectedRows > 0 {
		p("WARNING: %d directory rows could not be read and were skipped.", a.RejectedRows)
		for _, e := range a.RowErrors {
			p("  %s", e)
		}
	}

	s := a.Severity
	head("Severity (ENISA 2013)")
	p("SE = DPC %d x EI %.2f + CB %.2f = %.2f -> %s", s.DPC, s.EI, s.CB, s.Score, strings.ReplaceAll(s.Level, "_", " "))
	p("DPC: basic %d", s.BasicDPC)
	for _, adj := range s.Adjustments {
		p("  %+d -> %d  %s", adj.Delta, adj.DPC, adj.Reason)
	}
	for _, r := range s.Reasons {
		p("  %s", r)
	}
	for _, part := range s.CBParts {
		inf := ""
		if part.Inferred {
			inf = " (inferred)"
		}
		p("CB %-16s %-22s %+.2f%s", part.Element, part.Value, part.Points, inf)
	}

	head("Risk: " + string(a.Risk))
	if len(a.Obligations) > 1 && a.RiskJurisdiction != "" {
		p("Decided for each jurisdiction from its own people's data; the highest is %s's, shown here and above. Each jurisdiction's own risk is under its duties.", a.RiskJurisdiction)
	}
	for _, st := range a.RiskSteps {
		p("  [%s] %s -> %s: %s (%s)", st.Rule, orStart(string(st.From)), st.To, st.Reason, strings.Join(st.Citations, "; "))
	}

	head("Duties by jurisdiction")
	if len(a.Obligations) == 0 {
		p("None: nobody is affected.")
	}
	for _, ob := range a.Obligations {
		p("%s (%s)%s", ob.Jurisdiction, people(ob.Subjects), lawSuffix(ob.Law))
		if ob.AppliesBecause != "" {
			p("  applies because:     %s", ob.AppliesBecause)
		}
		if ob.Judgment {
			p("  JUDGMENT: these conclusions rest on the risk score or a statutory exception; counsel must confirm:")
			for _, c := range ob.Counsel {
				p("    * %s", c)
			}
		}
		if len(ob.ByMemberState) > 0 {
			for _, ms := range slices.Sorted(maps.Keys(ob.ByMemberState)) {
				v := ob.ByMemberState[ms]
				p("  member state %s: %s, %s", ms, people(v.Subjects), v.Authority)
			}
		}
		p("  report to regulator: %s%s%s", yesNo(ob.NotifyRegulator), when(ob.NotifyRegulator, ob.RegulatorDeadline, ob.RegulatorDeadlineText, now), to(ob.Regulator, ob.NotifyRegulator))
		p("  tell the people:     %s%s", yesNo(ob.NotifyIndividuals), when(ob.NotifyIndividuals, ob.IndividualDeadline, ob.IndividualDeadlineText, now))
		if ob.Risk != "" && ob.Risk != a.Risk {
			p("  risk for them:       %s", ob.Risk)
			for _, r := range ob.RiskReasons {
				p("    %s", r)
			}
		}
		if ob.PublicNotice || ob.PublicNoticeAllowed {
			p("  public notice:       required %s, allowed %s", yesNo(ob.PublicNotice), yesNo(ob.PublicNotice || ob.PublicNoticeAllowed))
		}
		if ob.SafeHarbour != "" {
			p("  safe harbour:        %s", ob.SafeHarbour)
		}
		for _, n := range ob.OtherNotices {
			if n.Required {
				p("  also notify %s%s", n.To, when(true, n.Deadline, n.DeadlineText, now))
			}
		}
		for _, r := range ob.Reasons {
			p("  - %s", r)
		}
		if len(ob.Citations) > 0 {
			p("  citations: %s", strings.Join(ob.Citations, "; "))
		}
		for _, u := range ob.Unverified {
			p("  unverified: %s", u)
		}
	}

	head("Deadlines")
	for _, u := range a.UndatedDuties {
		p("  %-20s  %-10s %-22s %s", "no fixed date", u.Jurisdiction, u.To, u.When)
	}
	if len(a.Deadlines) == 0 {
		p("No dated deadline.")
	}
	for _, d := range a.Deadlines {
		p("  %s  %-10s %-22s %s", d.Due.Format(time.RFC3339), d.Jurisdiction, d.To, left(d.Due, now))
	}

	head("Public notice")
	p("Required: %s. Allowed: %s.", yesNo(a.PublicNotice.Required), yesNo(a.PublicNotice.Allowed))
	for _, r := range a.PublicNotice.Reasons {
		p("  - %s", r)
	}
	return b.Flush()
}

func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orStart(s string) string {
	if s == "" {
		return "start"
	}
	return s
}

func lawSuffix(law string) string {
	if law == "" {
		return ""
	}
	return ": " + law
}

func to(regulator string, notify bool) string {
	if !notify || regulator == "" {
		return ""
	}
	return " (" + regulator + ")"
}

func when(required bool, t *time.Time, text string, now time.Time) string {
	if !required {
		return ""
	}
	var parts []string
	if t != nil {
		parts = append(parts, "by "+t.UTC().Format(time.RFC3339)+", "+left(*t, now))
	}
	if text != "" {
		parts = append(parts, text)
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, "; ")
}

func left(due, now time.Time) string {
	d := due.Sub(now)
	if d < 0 {
		return "OVERDUE by " + roundDur(-d)
	}
	return roundDur(d) + " left"
}

// roundDur prints a duration as days, hours and minutes.
func roundDur(d time.Duration) string {
	if d < 0 {
		return "-" + roundDur(-d)
	}
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	mins := (d - h*time.Hour) / time.Minute
	if days > 0 {
		return fmt.Sprintf("%dd %dh %dm", days, h, mins)
	}
	return fmt.Sprintf("%dh %dm", h, mins)
}
