package examples_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/report"
)

// promise is one promise of a seed privacy policy, checked on one incident
// of the example built from it.
type promise struct {
	// name is the subtest name: the policy section and what it promises.
	name string
	// quote is the policy's own words, repeated in every failure.
	quote    string
	incident string
	check    func(t *testing.T, p promise, r *run)
}

// The seed policies' promises, by example. Each check says in its failure
// which promise it found broken.
var promises = map[string][]promise{
	// seed 000_57f6ba47e91d0cfd.txt
	"orionstar": {
		{name: "1.1A_account_and_password_encrypted_but_key_taken", incident: "01-credential-dump",
			quote: "Your account and password will be encrypted and stored to our servers.",
			check: func(t *testing.T, p promise, r *run) {
				noSafeHarbour(t, p, r)
				mustTell(t, p, r, "CN-PIPL", "EU-GDPR", "JP-APPI")
				told(t, p, r, notify.ChannelEmail)
			}},
		{name: "1.1A_never_share_your_password", incident: "01-credential-dump",
			quote: "We strongly advise you not to share your password information to prevent theft of your OrionStar Account by others.",
			check: func(t *testing.T, p promise, r *run) {
				noticesSay(t, p, r, notify.ChannelEmail, r.in.Mitigation.Advice...)
			}},
		{name: "5_contact_us", incident: "01-credential-dump",
			quote: "If you have any comments or questions ... feel free to contact us through",
			check: func(t *testing.T, p promise, r *run) {
				noticesSay(t, p, r, notify.ChannelEmail, r.inv.Organization.Contact.Email)
			}},
		{name: "1.1_comply_with_regulatory_requirements", incident: "01-credential-dump",
			quote: "to ensure that we comply with applicable laws, regulations and other regulatory requirements",
			check: func(t *testing.T, p promise, r *run) {
				regulatorReport(t, p, r, "CN-PIPL", "EU-GDPR", "UK-GDPR", "JP-APPI", "SG-PDPA", "AU-NDB", "CA-PIPEDA")
			}},
		{name: "4.3_backup_isolated_until_cleared", incident: "02-erased-accounts-backup-lost",
			quote: "we will securely store your personal information and isolate it from any further processing until the backup can be cleared or be made anonymous",
			check: func(t *testing.T, p promise, r *run) {
				// People erased on request are still in the backup: they
				// count among the affected, and the encryption with a safe
				// key is what spares them a notice.
				erased := 0
				each(t, r, func(a *assess.AffectedPerson) {
					if slices.Equal(a.Systems, []string{"backups"}) {
						erased++
					}
				})
				if erased == 0 {
					t.Errorf("%s: got no erased account among the affected, want the backup's isolated accounts counted", p)
				}
				safeHarbour(t, p, r, "US-CA", "JP-APPI", "AU-NDB", "CA-PIPEDA", "CN-PIPL")
				nobodyTold(t, p, r)
				regulatorReport(t, p, r, "CN-PIPL")
			}},
		{name: "4_exclusive_request_channel_identity_documents", incident: "03-request-channel-ids",
			quote: "You provide sufficient information to enable OrionStar to verify your identity",
			check: func(t *testing.T, p promise, r *run) {
				for _, c := range []string{"national_id", "passport"} {
					if !slices.Contains(r.a.Categories, c) {
						t.Errorf("%s: got categories %v, want %s", p, r.a.Categories, c)
					}
				}
				mustTell(t, p, r, "US-CA", "US-NY", "CN-PIPL")
				noticesSay(t, p, r, notify.ChannelEmail, r.in.Mitigation.Remedies...)
			}},
	},
	// seed 001_a182da0065efc689.txt
	"astralcharto": {
		{name: "2_encrypt_key_data_key_safe", incident: "01-lost-archive-key-safe",
			quote: "encrypt key data to prevent unauthorized access, public disclosure, use, modification, damage, or loss",
			check: func(t *testing.T, p promise, r *run) {
				safeHarbour(t, p, r, "CN-PIPL", "US-CA", "US-NY", "JP-APPI", "AU-NDB", "CA-PIPEDA", "SG-PDPA")
				nobodyTold(t, p, r)
				regulatorReport(t, p, r, "CN-PIPL")
			}},
		{name: "2_encrypt_key_data_key_lost_with_it", incident: "02-lost-archive-key-with-it",
			quote: "encrypt key data to prevent unauthorized access, public disclosure, use, modification, damage, or loss",
			check: func(t *testing.T, p promise, r *run) {
				noSafeHarbour(t, p, r)
				mustTell(t, p, r, "CN-PIPL", "EU-GDPR", "SG-PDPA", "JP-APPI")
			}},
		{name: "1_text_messages_or_emails", incident: "02-lost-archive-key-with-it",
			quote: "The username, password, and contact information you provide may be used to verify your identity by sending text messages or emails.",
			check: func(t *testing.T, p promise, r *run) {
				told(t, p, r, notify.ChannelEmail, notify.ChannelSMS)
				noticesSay(t, p, r, notify.ChannelEmail, r.in.Mitigation.Measures...)
			}},
		{name: "1_cybersecurity_law_of_the_PRC", incident: "02-lost-archive-key-with-it",
			quote: "in accordance with the Cybersecurity Law of the People's Republic of China, the Personal Information Security Specification (GB/T 35273-2017)",
			check: func(t *testing.T, p promise, r *run) {
				regulatorReport(t, p, r, "CN-PIPL")
			}},
		{name: "2_desensitized_at_collection_key_safe", incident: "03-desensitized-store-exposed-key-safe",
			quote: "we have desensitized it during collection, so even in our own database, no relevant, plain-text privacy data is stored",
			check: func(t *testing.T, p promise, r *run) {
				if r.a.Subjects.Unintelligible != r.a.Subjects.Total {
					t.Errorf("%s: got %d of %d people with only unintelligible data, want all", p, r.a.Subjects.Unintelligible, r.a.Subjects.Total)
				}
				safeHarbour(t, p, r, "CN-PIPL", "US-CA", "JP-APPI", "AU-NDB", "CA-PIPEDA", "SG-PDPA")
				nobodyTold(t, p, r)
			}},
		{name: "2_desensitized_at_collection_key_leaked", incident: "04-desensitized-store-key-leaked",
			quote: "we have desensitized it during collection, so even in our own database, no relevant, plain-text privacy data is stored",
			check: func(t *testing.T, p promise, r *run) {
				if len(r.a.UnintelligibleCategories) != 0 {
					t.Errorf("%s: got unintelligible categories %v, want none once the desensitization key leaked", p, r.a.UnintelligibleCategories)
				}
				noSafeHarbour(t, p, r)
				mustTell(t, p, r, "CN-PIPL", "EU-GDPR")
				told(t, p, r, notify.ChannelEmail, notify.ChannelSMS)
			}},
	},
	// seed 002_1dd46725ed517453.txt, Part III IV.6 and IV.1
	"seestar": {
		{name: "IV.6_what_the_notice_says", incident: "01-exfiltration-orders",
			quote: "the basic situation of the security incident and the possible impact, the disposal measures we have taken or will take, the suggestions you can independently prevent and reduce the risk, the remedial measures for you",
			check: func(t *testing.T, p promise, r *run) { noticeContent(t, p, r) }},
		{name: "IV.6_email_letter_telephone", incident: "01-exfiltration-orders",
			quote: "We will promptly inform you of the event-related situation by email, letter, telephone, push notification, etc.",
			check: func(t *testing.T, p promise, r *run) {
				// Push needs devices, which only subjects.jsonl has.
				told(t, p, r, notify.ChannelEmail, notify.ChannelLetter, notify.ChannelSMS)
			}},
		{name: "IV.6_announcement", incident: "01-exfiltration-orders",
			quote: "When it is difficult to inform the subject of personal information one by one, we will take a reasonable and effective way to issue an announcement.",
			check: func(t *testing.T, p promise, r *run) { announcement(t, p, r) }},
		{name: "IV.6_report_to_the_regulator", incident: "01-exfiltration-orders",
			quote: "we will also take the initiative to report the disposition of personal information security incidents in accordance with the requirements of the regulatory authorities",
			check: func(t *testing.T, p promise, r *run) { regulatorReport(t, p, r, "CN-PIPL", "EU-GDPR", "UK-GDPR") }},
		{name: "IV.1_encryption", incident: "04-lost-encrypted-laptop",
			quote: "we use encryption technology to ensure the confidentiality of data",
			check: func(t *testing.T, p promise, r *run) {
				safeHarbour(t, p, r, "CN-PIPL")
				nobodyTold(t, p, r)
			}},
	},
	// seed 003_e2242313dd34e787.txt
	"orientalgreen": {
		{name: "V.5_what_the_notice_says", incident: "01-location-leak-children",
			quote: "the basic situation and possible impact of the security incident, the disposal measures we have taken or will take, suggestions for you to prevent and reduce risks on your own, and remedial measures for you",
			check: func(t *testing.T, p promise, r *run) { noticeContent(t, p, r) }},
		{name: "V.5_push_emails_text_messages", incident: "01-location-leak-children",
			quote: "We will promptly inform you of the relevant situation of the incident in the form of push notifications, emails, text messages, etc.",
			check: func(t *testing.T, p promise, r *run) {
				told(t, p, r, notify.ChannelPush, notify.ChannelEmail, notify.ChannelSMS)
				pushIsBare(t, p, r)
			}},
		{name: "V.5_announcement", incident: "01-location-leak-children",
			quote: "When it is difficult to inform the user information subject one by one, we will take reasonable and effective ways to issue announcements.",
			check: func(t *testing.T, p promise, r *run) { announcement(t, p, r) }},
		{name: "V.5_report_to_the_regulator", incident: "01-location-leak-children",
			quote: "we will also report the disposal of the user information security incident in accordance with the requirements of the regulatory authorities",
			check: func(t *testing.T, p promise, r *run) { regulatorReport(t, p, r, "CN-PIPL") }},
		{name: "VII.2_children_and_guardians_told_immediately", incident: "01-location-leak-children",
			quote: "we will immediately inform the affected children and their guardians of the relevant circumstances of the incident",
			check: func(t *testing.T, p promise, r *run) {
				if !slices.Contains(r.a.Categories, "children_data") {
					t.Errorf("%s: got categories %v, want children_data", p, r.a.Categories)
				}
				ob := obligation(t, p, r, "CN-PIPL")
				if ob != nil && (!ob.NotifyIndividuals || !strings.Contains(ob.IndividualDeadlineText, "immediately")) {
					t.Errorf("%s: got CN-PIPL notify_individuals %v by %q, want true and immediately", p, ob.NotifyIndividuals, ob.IndividualDeadlineText)
				}
				children := guardiansTold(t, p, r)
				if children < 20 {
					t.Errorf("%s: got %d children under 14 among the affected, want the example's two dozen", p, children)
				}
			}},
		{name: "VII.2_children_data_stored_encrypted", incident: "01-location-leak-children",
			quote: "This software ensures that children's personal information will be stored in encrypted form.",
			check: func(t *testing.T, p promise, r *run) {
				// The leaked cache held a decrypted copy: the encryption
				// at rest spares no one.
				noSafeHarbour(t, p, r)
			}},
		{name: "V.5_report_even_when_nobody_is_told", incident: "02-conference-list-misdelivered",
			quote: "At the same time, we will also report the disposal of the user information security incident in accordance with the requirements of the regulatory authorities.",
			check: func(t *testing.T, p promise, r *run) {
				safeHarbour(t, p, r, "CN-PIPL")
				nobodyTold(t, p, r)
				regulatorReport(t, p, r, "CN-PIPL")
			}},
	},
	// seed 004_1418a600ebcc4adf.txt
	"indushome": {
		{name: "7_servers_in_India_whatever_country_you_live_in", incident: "01-india-servers-exfiltration",
			quote: "we will store synchronously all the information we collect from you in our servers in India no matter which country you live",
			check: func(t *testing.T, p promise, r *run) {
				for _, j := range []string{"IN-DPDP", "EU-GDPR", "US-CA", "UK-GDPR", "SG-PDPA"} {
					obligation(t, p, r, j)
				}
				certIn(t, p, r)
				regulatorReport(t, p, r, "IN-DPDP", "EU-GDPR", "SG-PDPA")
			}},
		{name: "10_email_notification", incident: "01-india-servers-exfiltration",
			quote: "for certain services, we shall send an e-mail notification",
			check: func(t *testing.T, p promise, r *run) {
				told(t, p, r, notify.ChannelEmail, notify.ChannelPush)
				pushIsBare(t, p, r)
				noticeContent(t, p, r)
			}},
		{name: "6_minors_through_their_guardians", incident: "01-india-servers-exfiltration",
			quote: "We will only use or disclose the personal information of people under legal age collected with the consent of the guardian",
			check: func(t *testing.T, p promise, r *run) { guardiansTold(t, p, r) }},
		{name: "4.1_processor_breach_after_DPDP_rule_7", incident: "02-camera-cloud-after-dpdp",
			quote: "We sign rigorous data handling agreements with all relevant third-party service providers (or partners) which requires them to take certain security measures",
			check: func(t *testing.T, p promise, r *run) {
				mustTell(t, p, r, "IN-DPDP")
				certIn(t, p, r)
				regulatorReport(t, p, r, "IN-DPDP")
				guardiansTold(t, p, r)
			}},
	},
}

// TestExampleSeestarAppUsersGetPush runs the Seestar Store's default incident
// with its app users (subjects.jsonl, people with devices) as the
// directory: the channel the customer file cannot show.
func TestExampleSeestarAppUsersGetPush(t *testing.T) {
	ex, err := examples.Lookup("seestar")
	if err != nil {
		t.Fatal(err)
	}
	h := startExampleWith(t, ex, "subjects.jsonl")
	r := h.drive(t, "incidents/"+ex.Incident)
	p := promise{name: "IV.6_push_notification", incident: "01-exfiltration-orders",
		quote: "We will promptly inform you of the event-related situation by email, letter, telephone, push notification, etc."}
	told(t, p, r, notify.ChannelPush, notify.ChannelEmail)
	pushIsBare(t, p, r)
}

// pushIsBare checks that every push names the incident and carries none of
// its recipient's personal data: a push only accelerates the notice.
func pushIsBare(t *testing.T, p promise, r *run) {
	t.Helper()
	personal := map[string][]string{}
	each(t, r, func(a *assess.AffectedPerson) {
		personal[a.ID] = []string{a.Name, a.Email, a.Phone}
	})
	for _, n := range r.notices[notify.ChannelPush] {
		if !strings.Contains(n.text, r.in.ID) {
			t.Errorf("%s: the push to %s does not name incident %s: %q", p, n.subject, r.in.ID, n.text)
		}
		for _, v := range personal[n.subject] {
			if v != "" && strings.Contains(n.text, v) {
				t.Errorf("%s: the push to %s carries its personal data: %q", p, n.subject, n.text)
			}
		}
	}
}

func (p promise) String() string { return p.name + " (" + strings.TrimSpace(p.quote) + ")" }

func obligation(t *testing.T, p promise, r *run, j string) *regulators.Obligation {
	t.Helper()
	for i := range r.a.Obligations {
		if r.a.Obligations[i].Jurisdiction == j {
			return &r.a.Obligations[i]
		}
	}
	t.Errorf("%s: got no %s obligation, want one (people living there are affected)", p, j)
	return nil
}

// mustTell checks that the laws of js require telling the people.
func mustTell(t *testing.T, p promise, r *run, js ...string) {
	t.Helper()
	for _, j := range js {
		if ob := obligation(t, p, r, j); ob != nil && !ob.NotifyIndividuals {
			t.Errorf("%s: got %s notify_individuals false, want true", p, j)
		}
	}
}

// noSafeHarbour checks that no law's exemption applies.
func noSafeHarbour(t *testing.T, p promise, r *run) {
	t.Helper()
	for _, ob := range r.a.Obligations {
		if ob.SafeHarbour != "" {
			t.Errorf("%s: got %s safe harbour %q, want none", p, ob.Jurisdiction, ob.SafeHarbour)
		}
	}
}

// safeHarbour checks that the laws of js name the exemption that spares
// the people a notice, and that no law requires one.
func safeHarbour(t *testing.T, p promise, r *run, js ...string) {
	t.Helper()
	for _, j := range js {
		if ob := obligation(t, p, r, j); ob != nil && ob.SafeHarbour == "" {
			t.Errorf("%s: got no %s safe harbour, want the exemption named", p, j)
		}
	}
	for _, ob := range r.a.Obligations {
		if ob.NotifyIndividuals {
			t.Errorf("%s: got %s notify_individuals true, want false", p, ob.Jurisdiction)
		}
	}
}

// nobodyTold checks that the campaign planned no notice.
func nobodyTold(t *testing.T, p promise, r *run) {
	t.Helper()
	if len(r.entries) != 0 {
		t.Errorf("%s: got %d notices in the ledger, want none", p, len(r.entries))
	}
}

// told checks that notices went out on every channel named.
func told(t *testing.T, p promise, r *run, chans ...notify.Channel) {
	t.Helper()
	for _, ch := range chans {
		sent := 0
		for _, e := range r.entries {
			if e.Channel == ch && e.State.Handed() { // written: the examples run on the outbox
				sent++
			}
		}
		if sent == 0 || len(r.notices[ch]) == 0 {
			t.Errorf("%s: got %d %s notices sent and %d in the outbox, want some", p, sent, ch, len(r.notices[ch]))
		}
	}
}

// noticesSay checks that every notice on ch says each phrase.
func noticesSay(t *testing.T, p promise, r *run, ch notify.Channel, phrases ...string) {
	t.Helper()
	if len(r.notices[ch]) == 0 {
		t.Errorf("%s: got no %s notice in the outbox, want some", p, ch)
	}
	for _, n := range r.notices[ch] {
		for _, s := range phrases {
			if !strings.Contains(n.text, collapse(s)) {
				t.Errorf("%s: the %s notice to %s does not say %q", p, ch, n.subject, s)
				return
			}
		}
	}
}

// noticeContent checks what the e-mail notice must say: what happened
// (the description), the data involved, what was done, what the person
// can do, the remedies and whom to contact.
func noticeContent(t *testing.T, p promise, r *run) {
	t.Helper()
	m := r.in.Mitigation
	if r.in.Description == "" || len(m.Measures) == 0 || len(m.Advice) == 0 || len(m.Remedies) == 0 {
		t.Errorf("%s: the incident gives %d measures, %d pieces of advice and %d remedies, want each part the promise names", p, len(m.Measures), len(m.Advice), len(m.Remedies))
	}
	phrases := append([]string{r.in.Description}, m.Measures...)
	phrases = append(phrases, m.Advice...)
	phrases = append(phrases, m.Remedies...)
	contact := r.inv.Organization.Contact.Email
	if r.in.Contact != nil && r.in.Contact.Email != "" {
		contact = r.in.Contact.Email
	}
	phrases = append(phrases, contact, r.in.ID)
	noticesSay(t, p, r, notify.ChannelEmail, phrases...)
}

// announcement checks the public-notice decision when some people who
// must be told cannot be reached one by one, and that the campaign marked
// them unreachable.
func announcement(t *testing.T, p promise, r *run) {
	t.Helper()
	if r.a.Subjects.WithoutContact == 0 {
		t.Fatalf("%s: the example has nobody without contact; the promise cannot be checked", p)
	}
	if !r.a.PublicNotice.Required {
		t.Errorf("%s: got public_notice.required false with %d people without contact, want true", p, r.a.Subjects.WithoutContact)
	}
	if !slices.ContainsFunc(r.a.PublicNotice.Reasons, func(s string) bool { return strings.Contains(s, "announcement") }) {
		t.Errorf("%s: got public notice reasons %q, want the announcement named", p, r.a.PublicNotice.Reasons)
	}
	if !slices.ContainsFunc(r.entries, func(e notify.Entry) bool { return e.State == notify.StateUnreachable }) {
		t.Errorf("%s: got no unreachable person in the ledger, want those the announcement must reach", p)
	}
}

// regulatorReport checks that a draft with a required filing exists for
// each jurisdiction.
func regulatorReport(t *testing.T, p promise, r *run, js ...string) {
	t.Helper()
	for _, j := range js {
		d := r.drafts[j]
		if d == nil {
			t.Errorf("%s: got no %s report draft, want one (notify_regulator)", p, j)
			continue
		}
		if !slices.ContainsFunc(d.Filings, func(f report.Filing) bool { return f.Required }) {
			t.Errorf("%s: the %s draft has no required filing among %d", p, j, len(d.Filings))
		}
	}
}

// certIn checks the CERT-In 6-hour report that applies to a breach of data
// held in India.
func certIn(t *testing.T, p promise, r *run) {
	t.Helper()
	ob := obligation(t, p, r, "IN-DPDP")
	if ob == nil {
		return
	}
	i := slices.IndexFunc(ob.OtherNotices, func(n regulators.Notice) bool { return strings.HasPrefix(n.To, "CERT-In") })
	if i < 0 || !ob.OtherNotices[i].Required || ob.OtherNotices[i].Deadline == nil {
		t.Errorf("%s: got IN-DPDP further notices %+v, want a dated CERT-In report", p, ob.OtherNotices)
		return
	}
	if got, want := ob.OtherNotices[i].Deadline.Sub(r.in.DiscoveredAt).Hours(), 6.0; got != want {
		t.Errorf("%s: got the CERT-In report due %v hours after discovery, want %v", p, got, want)
	}
}

// guardiansTold checks that every affected minor whose law requires
// telling them was told through a guardian, and that children under 14
// with a device of their own also got the push; it returns how many
// affected minors are in a children's system.
func guardiansTold(t *testing.T, p promise, r *run) int {
	t.Helper()
	notifying := map[string]bool{}
	for _, ob := range r.a.Obligations {
		notifying[ob.Jurisdiction] = ob.NotifyIndividuals
	}
	guardian := map[string]bool{}
	push := map[string]bool{}
	for _, e := range r.entries {
		if e.Guardian && e.State.Handed() {
			guardian[e.SubjectID] = true
		}
		if e.Channel == notify.ChannelPush && e.State.Handed() {
			push[e.SubjectID] = true
		}
	}
	minors, children := 0, 0
	each(t, r, func(a *assess.AffectedPerson) {
		if !a.Minor || !notifying[a.Jurisdiction] {
			return
		}
		minors++
		if !guardian[a.ID] {
			t.Errorf("%s: minor %s (%s) got no guardian notice, want one", p, a.ID, a.Jurisdiction)
		}
		if slices.Contains(a.Systems, "child-profiles") {
			children++
			if len(a.Devices) > 0 && !push[a.ID] {
				t.Errorf("%s: child %s has a device but got no push, want the child told too", p, a.ID)
			}
		}
	})
	if minors == 0 {
		t.Errorf("%s: got no affected minor to be told, want the example's minors", p)
	}
	return children
}

// each calls fn for every affected person.
func each(t *testing.T, r *run, fn func(*assess.AffectedPerson)) {
	t.Helper()
	err := assess.EachAffected(context.Background(), r.inv, r.in, func(a *assess.AffectedPerson) error {
		fn(a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
