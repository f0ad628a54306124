package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
	"github.com/breach-notify/breach/workflow"
)

func newIncidentApproveCmd(env incidentEnv) *cobra.Command {
	var reason, by string
	var acceptContact bool
	var yes, dryRun bool
	cmd := &cobra.Command{
		Use:   "approve ID",
		Short: "Approve the current revision of an assessed incident for notification",
		Long: "Approve the current revision of an incident for notification: the service then plans\n" +
			"and sends the notices its assessment requires. The incident must be assessed first\n" +
			"(see `breach incident show ID`). The approver is the principal of the API token;\n" +
			"the reason is kept with it in the audit log as proof of the decision.\n\n" +
			"Before approving, the command shows what the campaign would do (who is told and who is\n" +
			"not, per jurisdiction, and why) and asks for confirmation on a terminal. --yes skips\n" +
			"the question and is required when standard input is not a terminal; --dry-run shows\n" +
			"the preview and approves nothing.",
		Args: usageArgs(cobra.ExactArgs(1)),
		Example: "  breach incident approve INC-2026-0042 --dry-run\n" +
			"  breach incident approve INC-2026-0042 --reason \"counsel confirmed the duty to notify\"\n" +
			"  breach incident approve INC-2026-0042 --reason \"...\" --yes --server https://breach.internal:8080",
	}
	cf := addClientFlags(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why the notices may go out (required; kept in the audit log)")
	cmd.Flags().BoolVar(&acceptContact, "accept-contact", false, "accept the incident's own contact when it is not the organisation's (every notice prints it)")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "approve without asking (required when standard input is not a terminal)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what approving would do, and approve nothing")
	cmd.Flags().StringVar(&by, "by", "", "ignored: the approver is the principal of the API token")
	_ = cmd.Flags().MarkDeprecated("by", "the approver is the principal of the API token; give --reason")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id := args[0]
		if err := validID(id); err != nil {
			return err
		}
		if !dryRun && strings.TrimSpace(reason) == "" {
			return usageError(errors.New("--reason must say why the notices may go out (it is kept in the audit log)"))
		}
		interactive := env.isInteractive(cmd.InOrStdin())
		if !dryRun && !yes && !interactive {
			return usageError(fmt.Errorf("standard input is not a terminal, so approval cannot be confirmed: add --yes to approve %s (see what it would do with --dry-run)", id))
		}
		c, err := cf.client(cmd, env)
		if err != nil {
			return err
		}
		if dryRun || !yes {
			out := cmd.OutOrStdout()
			if !dryRun {
				out = cmd.ErrOrStderr() // stdout is kept for the approval
			}
			pv, err := fetchPreview(cmd.Context(), c, id)
			if err != nil {
				return err
			}
			if dryRun && cf.asJSON {
				return writeJSONOut(cmd.OutOrStdout(), pv)
			}
			writePreview(out, pv)
			if dryRun {
				return nil
			}
			if !pv.Assessed {
				return fmt.Errorf("%s cannot be approved before its current revision is assessed", id)
			}
			ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), fmt.Sprintf("Approve %s revision %d and start its campaign? [y/N] ", id, pv.Revision))
			if err != nil {
				return err
			}
			if !ok {
				return &exitError{code: 1, err: fmt.Errorf("%s not approved: not confirmed", id)}
			}
		}
		ap, err := c.ApproveWith(cmd.Context(), id, web.ApproveRequest{Reason: reason, AcceptContact: acceptContact})
		if err != nil {
			return cliError(err)
		}
		if cf.asJSON {
			return writeJSONOut(cmd.OutOrStdout(), ap)
		}
		if ap.Pending() {
			s := ap.Approvals
			fmt.Fprintf(cmd.OutOrStdout(), "%s revision %d: approval by %s recorded at %s: %s\n", ap.Incident, ap.Revision,
				oneLine(ap.By), formatTime(ap.At), approvalProgress(s))
			return nil
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s revision %d approved by %s at %s\n", ap.Incident, ap.Revision, oneLine(ap.By), formatTime(ap.At))
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: follow the campaign with: breach notices status %s --watch\n", ap.Incident)
		return nil
	}
	return cmd
}

// isInteractive reports whether r is a terminal a person can answer on.
func (env incidentEnv) isInteractive(r io.Reader) bool {
	if env.stdinTTY != nil {
		return env.stdinTTY(r)
	}
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// confirm asks question on w and reads one line from r: yes for "y" or
// "yes", in any case.
func confirm(r io.Reader, w io.Writer, question string) (bool, error) {
	fmt.Fprint(w, question)
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		fmt.Fprintln(w)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// preview is what approving an incident would do, as far as the server
// tells: its plan when it has the plan endpoint, else what the assessment
// says.
type preview struct {
	Incident   incidentReport `json:"-"`
	ID         string         `json:"incident"`
	Revision   int            `json:"revision"`
	Assessed   bool           `json:"assessed"`
	Risk       string         `json:"risk,omitempty"`
	People     int            `json:"people"`
	Told       int            `json:"told"`
	NotTold    int            `json:"not_told"`
	Groups     []previewGroup `json:"jurisdictions"`
	Regulators []string       `json:"regulators,omitempty"`
	// Beyond lists the laws that require telling some of the people who
	// live outside their jurisdiction (establishment, processing
	// location): the campaign tells those too, but the assessment does not
	// say which, so NotTold counts them.
	Beyond []beyondResidence `json:"beyond_residence,omitempty"`
	// Plan is the service's detailed plan; nil when the server has no plan
	// endpoint.
	Plan *client.Plan `json:"plan"`
}

// beyondResidence is a law whose duty to tell covers more people than
// live in its jurisdiction.
type beyondResidence struct {
	Jurisdiction string `json:"jurisdiction"`
	Covered      int    `json:"covered"`
	Elsewhere    int    `json:"elsewhere"`
}

// previewGroup is one jurisdiction's people: told or not, and why.
type previewGroup struct {
	Jurisdiction string `json:"jurisdiction"`
	People       int    `json:"people"`
	Told         bool   `json:"told"`
	Reason       string `json:"reason"`
}

// fetchPreview reads the incident, its assessment and, when the server has
// one, its plan.
func fetchPreview(ctx context.Context, c *apiClient, id string) (preview, error) {
	r, err := fetchReport(ctx, c, id)
	if err != nil {
		return preview{}, err
	}
	pv := previewOf(r)
	if !pv.Assessed {
		return pv, nil
	}
	plan, err := c.Plan(ctx, id)
	switch {
	case errors.Is(err, client.ErrNoPlanEndpoint):
	case err != nil:
		return pv, cliError(err)
	default:
		pv.Plan = &plan
	}
	return pv, nil
}

// previewOf derives who is told from the assessment, by the campaign's own
// rule (workflow.Addressees): a person is told when the law of where they
// live requires individual notice, or a law that covers them for another
// reason (establishment, processing location) does. The assessment counts
// people by where they live only, so a law that covers some, not all,
// people living elsewhere is listed in Beyond: those people's count is
// then approximate. The reason per jurisdiction comes from its obligation.
func previewOf(r incidentReport) preview {
	in := r.Incident.Incident
	pv := preview{Incident: r, ID: in.ID, Revision: in.Revision}
	a := r.Assessment
	if a == nil {
		return pv
	}
	pv.Assessed, pv.Risk, pv.People = true, string(a.Risk), a.Subjects.Total
	to := workflow.NewAddressees(a, false)
	obligations := map[string]regulators.Obligation{}
	var everyone string // a law requiring notice that covers every person affected
	for _, ob := range a.Obligations {
		obligations[ob.Jurisdiction] = ob
		if ob.NotifyRegulator {
			pv.Regulators = append(pv.Regulators, ob.Jurisdiction+": "+cmp.Or(oneLine(ob.Regulator), "the regulator"))
		}
		residents := a.Subjects.ByJurisdiction[ob.Jurisdiction]
		switch {
		case !ob.NotifyIndividuals || ob.Subjects <= residents:
		case ob.Subjects >= a.Subjects.Total:
			everyone = cmp.Or(everyone, ob.Jurisdiction)
		default:
			pv.Beyond = append(pv.Beyond, beyondResidence{Jurisdiction: ob.Jurisdiction, Covered: ob.Subjects, Elsewhere: ob.Subjects - residents})
		}
	}
	for _, j := range slices.Sorted(maps.Keys(a.Subjects.ByJurisdiction)) {
		g := previewGroup{Jurisdiction: j, People: a.Subjects.ByJurisdiction[j], Told: to.Includes(&assess.AffectedPerson{Jurisdiction: j})}
		ob, covered := obligations[j]
		switch {
		case g.Told:
			g.Reason = "the law requires telling them" + deadlineWords(ob.IndividualDeadlineText)
		case everyone != "":
			g.Told, g.Reason = true, "told under "+everyone+", which covers everyone affected"
		case !covered:
			g.Reason = "no breach-notification law of theirs covers this incident"
		default:
			g.Reason = notToldReason(ob.SafeHarbour, ob.Reasons)
		}
		if g.Told {
			pv.Told += g.People
		} else {
			pv.NotTold += g.People
		}
		pv.Groups = append(pv.Groups, g)
	}
	return pv
}

func deadlineWords(text string) string {
	if text == "" {
		return ""
	}
	return " (" + truncate(oneLine(text), 60) + ")"
}

// notToldReason says why a jurisdiction's people are not told: the safe
// harbour that removed the duty, else the last of the law's reasons.
func notToldReason(safeHarbour string, reasons []string) string {
	if safeHarbour != "" {
		return "safe harbour: " + oneLine(safeHarbour)
	}
	if len(reasons) > 0 {
		return "no duty to tell them: " + oneLine(reasons[len(reasons)-1])
	}
	return "no duty to tell them under this law"
}

// writePreview prints the preview.
func writePreview(w io.Writer, pv preview) {
	if !pv.Assessed {
		if msg := pv.Incident.AssessmentError; msg != "" {
			fmt.Fprintf(w, "%s revision %d cannot be approved: %s\n", pv.ID, pv.Revision, msg)
			return
		}
		fmt.Fprintf(w, "%s revision %d is not assessed yet: there is nothing to approve until its assessment is stored (breach incident show %s).\n",
			pv.ID, pv.Revision, pv.ID)
		return
	}
	fmt.Fprintf(w, "Approving %s revision %d (risk %s) starts its notice campaign.\n", pv.ID, pv.Revision, dash(pv.Risk))
	if in := pv.Incident.Incident.Incident; in != nil && in.Contact != nil && (in.Contact.Email != "" || in.Contact.Phone != "") {
		// Every notice prints this contact instead of the organisation's:
		// the service refuses one that is not the organisation's unless
		// the approval accepts it (--accept-contact).
		fmt.Fprintf(w, "Notices will give this contact: %s\n", oneLine(strings.TrimSpace(in.Contact.Name+" "+in.Contact.Email+" "+in.Contact.Phone)))
	}
	fmt.Fprintf(w, "%s affected: %d to be told, %d not told (by the jurisdiction each person lives in).\n",
		counted(pv.People, "person", "people"), pv.Told, pv.NotTold)
	if len(pv.Groups) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  JURISDICTION\tPEOPLE\tTOLD\tWHY")
		for _, g := range pv.Groups {
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", g.Jurisdiction, g.People, yesNo(g.Told), truncate(g.Reason, 100))
		}
		tw.Flush()
	}
	for _, n := range pv.Beyond {
		fmt.Fprintf(w, "NOTE: %s also covers %d of the people who live elsewhere and tells them too: up to %d of those counted as not told are told.\n",
			n.Jurisdiction, n.Elsewhere, n.Elsewhere)
	}
	if len(pv.Regulators) > 0 {
		fmt.Fprintf(w, "\nReports due to regulators (filed separately, see breach report): %s\n", strings.Join(pv.Regulators, "; "))
	}
	if a := pv.Incident.Assessment; a != nil && a.Subjects.WithoutContact > 0 {
		fmt.Fprintf(w, "%s no usable contact.\n", hasHave(a.Subjects.WithoutContact))
	}
	if pv.Plan == nil {
		fmt.Fprintln(w, "\nThe detailed plan (notices per channel and locale, unreachable people, channels without a provider,")
		fmt.Fprintln(w, "notices not in the person's language) needs the service's GET /api/v1/incidents/{id}/plan,")
		fmt.Fprintln(w, "which this server does not offer. Everyone affected is told when the service sets")
		fmt.Fprintln(w, "campaign.notify_all_affected, and patients also when US-HIPAA requires notice.")
		return
	}
	writePlan(w, *pv.Plan)
}

// hasHave returns "1 person has" or "3 people have".
func hasHave(n int) string {
	if n == 1 {
		return "1 person has"
	}
	return counted(n, "person", "people") + " have"
}

// writePlan prints the service's plan.
func writePlan(w io.Writer, p client.Plan) {
	fmt.Fprintf(w, "\nPlan: %s told.\n", counted(p.People, "person", "people"))
	line := func(title string, m map[string]int) {
		if len(m) == 0 {
			return
		}
		parts := make([]string, 0, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			parts = append(parts, fmt.Sprintf("%s %d", cmp.Or(k, "(none)"), m[k]))
		}
		fmt.Fprintf(w, "  %-16s %s\n", title+":", strings.Join(parts, ", "))
	}
	byChannel := map[string]int{}
	for ch, n := range p.ByChannel {
		byChannel[string(ch)] = n
	}
	line("by channel", byChannel)
	line("by locale", p.ByLocale)
	line("by jurisdiction", p.ByJurisdiction)
	for _, g := range p.NotTold {
		fmt.Fprintf(w, "  not told: %s in %s: %s\n", counted(g.People, "person", "people"), g.Jurisdiction, dash(g.Reason))
	}
	if p.Unreachable > 0 {
		fmt.Fprintf(w, "  unreachable: %s", counted(p.Unreachable, "person", "people"))
		if p.Stranded > 0 {
			fmt.Fprintf(w, ", %d of them only for lack of a provider", p.Stranded)
		}
		fmt.Fprintln(w)
	}
	if len(p.NoProvider) > 0 {
		names := make([]string, len(p.NoProvider))
		for i, ch := range p.NoProvider {
			names[i] = string(ch)
		}
		fmt.Fprintf(w, "  channels without a provider: %s\n", strings.Join(names, ", "))
	}
	for _, l := range slices.Sorted(maps.Keys(p.Untranslated)) {
		fmt.Fprintf(w, "  %s in %s would get the incident's text untranslated\n", counted(p.Untranslated[l], "person", "people"), l)
	}
	if p.PushDevicesGone > 0 {
		fmt.Fprintf(w, "  push devices skipped (reported gone): %d (breach devices gone)\n", p.PushDevicesGone)
	}
}

// approvalProgress says how far the approval of a revision is: "approved
// by alice and bob", or "1 of 2 approvals; another approver must approve".
func approvalProgress(s *web.ApprovalStatus) string {
	names := make([]string, len(s.Approvers))
	for i, a := range s.Approvers {
		names[i] = oneLine(a.By)
	}
	if s.Approved {
		return "approved by " + strings.Join(names, " and ")
	}
	line := fmt.Sprintf("%d of %d approvals", len(s.Approvers), s.Required)
	if len(names) > 0 {
		line += " (" + strings.Join(names, ", ") + ")"
	}
	switch s.Missing {
	case 0:
	case 1:
		line += "; another approver must approve"
	default:
		line += fmt.Sprintf("; %d more approvers must approve", s.Missing)
	}
	return line
}
