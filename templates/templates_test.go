package templates

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// renderAll renders n for every channel and returns the results by channel.
func renderAll(t *testing.T, s *Set, n Notice) map[string]Rendered {
	t.Helper()
	out := map[string]Rendered{}
	for _, ch := range Channels {
		r, err := s.Render(ch, n)
		if err != nil {
			t.Fatalf("Render(%s, %s): %v", ch, n.Locale, err)
		}
		out[ch] = r
	}
	return out
}

func TestMissingRequiredField(t *testing.T) {
	s := newSet(t)
	cases := []struct {
		name    string
		channel string
		mutate  func(*Notice)
		field   string
	}{
		{"org name", ChannelEmail, func(n *Notice) { n.Org.Name = "" }, "Org.Name"},
		{"org name blank", ChannelSMS, func(n *Notice) { n.Org.Name = "  " }, "Org.Name"},
		{"org contact", ChannelEmail, func(n *Notice) { n.Org.ContactEmail, n.Org.ContactPhone = "", "" }, "Org.ContactEmail"},
		{"reference", ChannelPush, func(n *Notice) { n.Incident.Reference = "" }, "Incident.Reference"},
		{"title", ChannelEmail, func(n *Notice) { n.Incident.Title = "" }, "Incident.Title"},
		{"discovered", ChannelLetter, func(n *Notice) { n.Incident.DiscoveredAt = time.Time{} }, "Incident.DiscoveredAt"},
		{"categories", ChannelEmail, func(n *Notice) { n.Incident.Categories = nil }, "Incident.Categories"},
		{"measures", ChannelVoice, func(n *Notice) { n.Incident.Measures = []string{" "} }, "Incident.Measures"},
		{"verification code", ChannelSMS, func(n *Notice) { n.VerificationCode = "" }, "VerificationCode"},
		{"announcement url", ChannelEmail, func(n *Notice) { n.AnnouncementURL = "" }, "AnnouncementURL"},
		{"date", ChannelEmail, func(n *Notice) { n.Date = time.Time{} }, "Date"},
		{"postal address for a letter", ChannelLetter, func(n *Notice) { n.Recipient.PostalAddress = "" }, "Recipient.PostalAddress"},
		{"unknown category without label", ChannelEmail, func(n *Notice) { n.Incident.Categories = append(n.Incident.Categories, "observation_log") }, "Incident.Categories[6]"},
		{"announcement url not http", ChannelEmail, func(n *Notice) { n.AnnouncementURL = "javascript:alert(1)" }, "AnnouncementURL"},
		{"announcement url with credentials", ChannelEmail, func(n *Notice) { n.AnnouncementURL = "https://user:pw@store.example/x" }, "AnnouncementURL"},
		{"contact email not an address", ChannelEmail, func(n *Notice) { n.Org.ContactEmail = `privacy@store.example"><script>` }, "Org.ContactEmail"},
		{"announcement url with quote", ChannelEmail, func(n *Notice) { n.AnnouncementURL = `https://store.example/"onmouseover="x` }, "AnnouncementURL"},
		{"website relative", ChannelEmail, func(n *Notice) { n.Org.Website = "store.example" }, "Org.Website"},
		{"until before at", ChannelEmail, func(n *Notice) { n.Incident.OccurredUntil = tp(n.Incident.OccurredAt.Add(-time.Hour)) }, "Incident.OccurredUntil"},
		{"foreign link in measures", ChannelEmail, func(n *Notice) {
			n.Incident.Measures = append(n.Incident.Measures, "Log in at https://evil.example/login")
		}, "Incident.Measures[2]"},
		{"foreign link in description", ChannelSMS, func(n *Notice) { n.Incident.Description = "See www.evil.example for details" }, "Incident.Description"},
		{"look-alike host", ChannelEmail, func(n *Notice) { n.Incident.Advice = []string{"Visit https://store.example.evil.test/reset"} }, "Incident.Advice[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := fixture()
			tc.mutate(&n)
			r, err := s.Render(tc.channel, n)
			if err == nil {
				t.Fatalf("got a rendered notice %q, want an error naming %s", r.Text, tc.field)
			}
			if !errors.Is(err, ErrInvalidNotice) {
				t.Fatalf("got error %v, want one matching ErrInvalidNotice", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %T, want *ValidationError", err)
			}
			var fields []string
			for _, p := range ve.Problems {
				fields = append(fields, p.Field)
			}
			if !slices.Contains(fields, tc.field) {
				t.Fatalf("got problems in %v (%v), want one naming %s", fields, err, tc.field)
			}
		})
	}
}

func TestAllowedLinksInText(t *testing.T) {
	s := newSet(t)
	n := fixture()
	// The announcement page and the website's main page. Until the review
	// of issue 4 (finding 6) this used www.store.example/help: any page of
	// the site was accepted, so /account and /login were too; those are
	// refused now (TestLinksToOtherPagesOfTheSite).
	n.Incident.Description = "Details are at https://store.example/security/INC-2026-0042 and www.store.example."
	if _, err := s.Render(ChannelEmail, n); err != nil {
		t.Fatalf("got %v, want links to the announcement page and the website accepted", err)
	}
}

func TestUnknownChannel(t *testing.T) {
	s := newSet(t)
	if _, err := s.Render("fax", fixture()); err == nil || !strings.Contains(err.Error(), "fax") {
		t.Fatalf("got %v, want an error naming the channel", err)
	}
}

func TestOptionalFieldsMayBeEmpty(t *testing.T) {
	s := newSet(t)
	n := fixture()
	n.Recipient = Recipient{PostalAddress: "1 Main St"}
	n.Org = Org{Name: "Seestar Store", ContactPhone: "+1 800 555 0100"}
	n.Incident.Description = ""
	n.Incident.OccurredAt, n.Incident.OccurredUntil = nil, nil
	n.Incident.Remedies = nil
	n.Incident.DelayedByLawEnforcement = nil
	for _, loc := range Locales {
		n.Locale = loc
		for ch, r := range renderAll(t, s, n) {
			if ch == ChannelEmail || ch == ChannelLetter {
				if !strings.Contains(r.Text, n.Incident.Title) {
					t.Errorf("%s/%s: got no title in %q, want the title when there is no description", ch, loc, r.Text)
				}
			}
		}
	}
}

func TestHTMLEscapesEveryField(t *testing.T) {
	s := newSet(t)
	const evil = `<script>alert("x")</script>'"`
	n := fixture()
	n.Org.Name = "Org " + evil
	n.Org.ContactName = "Contact " + evil
	n.Org.ContactPhone = "+1 " + evil
	n.Recipient.Name = "Jane " + evil
	n.Incident.Title = "Title " + evil
	n.Incident.Description = "Description " + evil
	n.Incident.Measures = []string{"Measure " + evil}
	n.Incident.Advice = []string{"Advice " + evil}
	n.Incident.Remedies = []string{"Remedy " + evil}
	n.Incident.Consequences = []string{"Consequence " + evil}
	n.Incident.Reference = "INC-" + evil
	n.VerificationCode = "CODE" + evil
	n.Incident.Categories = append(n.Incident.Categories, "observation_log")
	n.CategoryLabels = map[string]string{"observation_log": "Logs " + evil}
	withDescription := n
	withoutDescription := n
	withoutDescription.Incident.Description = "" // the title stands in for it
	for _, loc := range Locales {
		for _, jur := range []string{"EU-GDPR", "US-CA"} {
			n := withDescription
			n.Locale, n.Jurisdiction = loc, jur
			r, err := s.Render(ChannelEmail, n)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			nt := withoutDescription
			nt.Locale, nt.Jurisdiction = loc, jur
			rt, err := s.Render(ChannelEmail, nt)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if !strings.Contains(rt.HTML, "Title &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39;&#34;") {
				t.Errorf("%s/%s: got no escaped title in the HTML", loc, jur)
			}
			if strings.Contains(rt.HTML, "<script") {
				t.Errorf("%s/%s: got an unescaped <script> from the title", loc, jur)
			}
			for _, bad := range []string{"<script", `"x"`, `alert("`, `'"`} {
				if strings.Contains(r.HTML, bad) {
					t.Errorf("%s/%s: got unescaped %q in the HTML, want it escaped", loc, jur, bad)
				}
			}
			for _, want := range []string{"Org &lt;script&gt;", "Jane &lt;script&gt;", "Description &lt;script&gt;", "Measure &lt;script&gt;", "Remedy &lt;script&gt;", "Logs &lt;script&gt;"} {
				if !strings.Contains(r.HTML, want) {
					t.Errorf("%s/%s: got no %q in the HTML, want the field shown escaped", loc, jur, want)
				}
			}
		}
	}
}

func TestHTMLHasNoActiveOrExternalContent(t *testing.T) {
	s := newSet(t)
	eachLocaleVariant(func(loc, variant string, n Notice) {
		r, err := s.Render(ChannelEmail, n)
		if err != nil {
			t.Fatal(err)
		}
		low := strings.ToLower(r.HTML)
		for _, bad := range []string{"<img", "<form", "<input", "<script", "<iframe", "<link", "<object", "<embed", "src=", "url(", "@import", "<video", "<audio"} {
			if strings.Contains(low, bad) {
				t.Errorf("%s/%s: got %q in the HTML, want no images, forms, scripts or external resources", loc, variant, bad)
			}
		}
	})
}

func TestSubjectHasNoHeaderInjection(t *testing.T) {
	s := newSet(t)
	n := fixture()
	n.Org.Name = "Seestar\r\nBcc: victim@example.org\r\n\r\nStore"
	n.Incident.Reference = "INC-1\nX-Evil: 1"
	for _, loc := range Locales {
		n.Locale = loc
		r, err := s.Render(ChannelEmail, n)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(r.Subject, "\r\n") {
			t.Fatalf("%s: got subject %q, want no CR or LF", loc, r.Subject)
		}
		if !strings.Contains(r.Subject, "Seestar Bcc: victim@example.org Store") {
			t.Fatalf("%s: got subject %q, want the line breaks replaced by spaces", loc, r.Subject)
		}
		p, _ := s.Render(ChannelPush, n)
		if strings.ContainsAny(p.Subject+p.Text, "\r\n") {
			t.Fatalf("%s: got push %q / %q, want single lines", loc, p.Subject, p.Text)
		}
	}
}

var linkRE = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s<>"']*`)

func TestOnlyAllowedLinks(t *testing.T) {
	s := newSet(t)
	eachLocaleVariant(func(loc, variant string, n Notice) {
		allowed := []string{n.AnnouncementURL, n.Org.Website}
		for ch, r := range renderAll(t, s, n) {
			for _, part := range []string{r.Subject, r.Text, r.HTML} {
				for _, l := range linkRE.FindAllString(part, -1) {
					if !slices.Contains(allowed, l) {
						t.Errorf("%s/%s/%s: got link %q, want only %v", ch, loc, variant, l, allowed)
					}
				}
				if strings.Contains(part, "mailto:") && !strings.Contains(part, "mailto:"+n.Org.ContactEmail) {
					t.Errorf("%s/%s/%s: got a mailto link other than the organisation's", ch, loc, variant)
				}
			}
		}
	})
}

func TestPushCarriesNoPersonalDataOrDetails(t *testing.T) {
	s := newSet(t)
	eachLocaleVariant(func(loc, variant string, n Notice) {
		n.Recipient.Name, n.Recipient.ChildName = "Jane Doe", "Sam Doe"
		r, err := s.Render(ChannelPush, n)
		if err != nil {
			t.Fatal(err)
		}
		out := r.Subject + "\n" + r.Text
		forbidden := []string{"Jane", "Doe", "Sam", n.Incident.Title, "intruder", n.Recipient.PostalAddress[:10],
			n.VerificationCode, n.AnnouncementURL, n.Org.ContactEmail}
		for _, id := range n.Incident.Categories {
			forbidden = append(forbidden, s.locales[r.Locale].cat.Categories[id])
			if strings.Contains(id, "_") {
				forbidden = append(forbidden, id)
			}
		}
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s/%s: got %q in the push %q, want no personal data and no breach details", loc, variant, f, out)
			}
		}
		if !strings.Contains(out, n.Incident.Reference) {
			t.Errorf("%s/%s: got push %q, want the reference", loc, variant, out)
		}
	})
}

func TestEveryNoticeCarriesReferenceAndCode(t *testing.T) {
	s := newSet(t)
	eachLocaleVariant(func(loc, variant string, n Notice) {
		for ch, r := range renderAll(t, s, n) {
			if ch == ChannelPush {
				continue // push carries the reference only (tested above)
			}
			body := r.Text
			ref, code := n.Incident.Reference, n.VerificationCode
			if ch == ChannelVoice {
				cat := s.locales[r.Locale].cat
				ref, code = cat.spell(ref), cat.spell(code)
				if c := strings.Count(body, ref); c < 2 {
					t.Errorf("voice/%s/%s: got the reference %d time(s), want it repeated", loc, variant, c)
				}
			}
			for _, want := range []string{ref, code} {
				if !strings.Contains(body, want) {
					t.Errorf("%s/%s/%s: got no %q in %q", ch, loc, variant, want, body)
				}
			}
			if ch != ChannelVoice && !strings.Contains(body, n.AnnouncementURL) {
				t.Errorf("%s/%s/%s: got no announcement URL", ch, loc, variant)
			}
			if r.HTML != "" && (!strings.Contains(r.HTML, ref) || !strings.Contains(r.HTML, code)) {
				t.Errorf("%s/%s/%s: got HTML without reference or code", ch, loc, variant)
			}
		}
	})
}

func TestNoticeContent(t *testing.T) {
	s := newSet(t)
	for _, loc := range Locales {
		n := fixture()
		n.Locale = loc
		n.Incident.Categories = append(n.Incident.Categories, "observation_log")
		n.CategoryLabels = map[string]string{"observation_log": "Telescope observation logs"}
		cat := s.locales[MatchLocale(loc)].cat
		for _, ch := range []string{ChannelEmail, ChannelLetter} {
			r, err := s.Render(ch, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, part := range []string{r.Text, r.HTML} {
				if part == "" {
					continue
				}
				for _, id := range n.Incident.Categories {
					label := cat.Categories[id]
					if label == "" {
						label = n.CategoryLabels[id]
					}
					// html/template escapes the apostrophe of "driver's".
					if !strings.Contains(part, label) && !strings.Contains(part, strings.ReplaceAll(label, "'", "&#39;")) {
						t.Errorf("%s/%s: got no label %q for %s", ch, loc, label, id)
					}
					if strings.Contains(id, "_") && strings.Contains(part, id) {
						t.Errorf("%s/%s: got category id %q in the notice, want only its label", ch, loc, id)
					}
				}
				for _, want := range []string{n.Incident.Measures[0], n.Incident.Remedies[0], n.Org.ContactEmail, n.Org.ContactPhone} {
					if !strings.Contains(part, want) && !strings.Contains(part, strings.ReplaceAll(want, "+", "&#43;")) {
						t.Errorf("%s/%s: got no %q", ch, loc, want)
					}
				}
			}
			if !strings.Contains(strings.Join(strings.Fields(r.Text), " "), cat.date(n.Incident.DiscoveredAt)) {
				t.Errorf("%s/%s: got no discovery date %q", ch, loc, cat.date(n.Incident.DiscoveredAt))
			}
		}
	}
}

func TestNeverAsksForCredentials(t *testing.T) {
	s := newSet(t)
	// The sentence each locale must carry in its email and letter.
	want := map[string]string{
		"en":    "We will never ask you for your password",
		"de":    "Wir werden Sie niemals",
		"fr":    "Nous ne vous demanderons jamais votre mot de passe",
		"es":    "Nunca le pediremos su contraseña",
		"zh-CN": "我们绝不会",
	}
	for _, loc := range Locales {
		n := fixture()
		n.Locale = loc
		for _, ch := range []string{ChannelEmail, ChannelLetter} {
			r, err := s.Render(ch, n)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(strings.Fields(r.Text), " "), want[loc]) {
				t.Errorf("%s/%s: got no %q", ch, loc, want[loc])
			}
		}
	}
}

func TestCaliforniaVariant(t *testing.T) {
	s := newSet(t)
	headings := []string{"Notice of Data Breach", "What Happened?", "What Information Was Involved?",
		"What We Are Doing.", "What You Can Do.", "For More Information."}
	for _, loc := range Locales {
		n := fixture()
		n.Locale, n.Jurisdiction = loc, "us-ca"
		for _, ch := range []string{ChannelEmail, ChannelLetter} {
			r, err := s.Render(ch, n)
			if err != nil {
				t.Fatal(err)
			}
			last := -1
			for _, h := range headings {
				i := strings.Index(r.Text, h)
				if i < 0 {
					t.Errorf("%s/%s: got no heading %q", ch, loc, h)
					continue
				}
				if i < last {
					t.Errorf("%s/%s: got heading %q out of the statutory order", ch, loc, h)
				}
				last = i
			}
			if !strings.Contains(r.Text, "Equifax") {
				t.Errorf("%s/%s: got no credit reporting agencies although a driver's license number was involved", ch, loc)
			}
			if ch == ChannelEmail && !strings.Contains(r.HTML, "<h1>Notice of Data Breach") {
				t.Errorf("%s: got no statutory title as the HTML heading", loc)
			}
		}
		n.Incident.Categories = []string{"email", "password_hash"}
		r, err := s.Render(ChannelEmail, n)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(r.Text, "Equifax") {
			t.Errorf("%s: got credit reporting agencies without an identification number involved", loc)
		}
	}
	n := fixture()
	r, _ := s.Render(ChannelEmail, n)
	if strings.Contains(r.Text, "What Happened?") {
		t.Errorf("got the California headings for %s, want them only for US-CA", n.Jurisdiction)
	}
}

func TestGuardianVariant(t *testing.T) {
	s := newSet(t)
	n := fixture()
	n.Guardian = true
	n.Recipient.Name = ""
	r, err := s.Render(ChannelEmail, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Dear parent or guardian,", "concerning your child's account (Sam Doe)", "your child's personal information"} {
		if !strings.Contains(strings.Join(strings.Fields(r.Text), " "), want) {
			t.Errorf("got no %q in the guardian notice", want)
		}
	}
	l, err := s.Render(ChannelLetter, n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.Text, "Parent or guardian of Sam Doe\n12 Harbour Road\n") {
		t.Errorf("got letter %q, want it addressed to the parent or guardian above the postal address", l.Text)
	}
}

func TestDefaultConsequences(t *testing.T) {
	s := newSet(t)
	cases := []struct {
		name       string
		categories []string
		given      []string
		want       []string
	}{
		{"payment card", []string{"payment_card"}, nil, []string{"fraudulent charges on your payment card"}},
		{"password", []string{"password_hash"}, nil, []string{"someone could sign in to your account"}},
		{"health", []string{"health"}, nil, []string{"disclosure of sensitive health information"}},
		{"deduplicated", []string{"email", "phone"}, nil, []string{"scam emails, text messages or calls that look genuine because they use details about you"}},
		{"nothing specific", []string{"avatar"}, nil, []string{"misuse of the information, for example in scams"}},
		{"incident says", []string{"payment_card"}, []string{"Your card may be cloned"}, []string{"Your card may be cloned"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := fixture()
			n.Incident.Categories, n.Incident.Consequences = tc.categories, tc.given
			v, probs := buildView(s.locales["en"], ChannelEmail, &n)
			if len(probs) > 0 {
				t.Fatalf("got problems %v", probs)
			}
			if diff := cmp.Diff(tc.want, v.Consequences); diff != "" {
				t.Fatalf("consequences (-want +got):\n%s", diff)
			}
		})
	}
	n := fixture()
	n.Guardian = true
	n.Incident.Categories = []string{"password_hash"}
	v, _ := buildView(s.locales["en"], ChannelEmail, &n)
	if want := []string{"someone could sign in to your child's account"}; !cmp.Equal(v.Consequences, want) {
		t.Errorf("guardian: got %q, want %q", v.Consequences, want)
	}
	// Every locale says it in its own words.
	n = fixture()
	n.Incident.Categories = []string{"payment_card"}
	seen := map[string]string{}
	for _, loc := range Locales {
		v, _ := buildView(s.locales[loc], ChannelEmail, &n)
		if prev, dup := seen[v.Consequences[0]]; dup {
			t.Errorf("got the same consequence text in %s and %s, want a translation", loc, prev)
		}
		seen[v.Consequences[0]] = loc
	}
}

func TestMatchLocale(t *testing.T) {
	cases := []struct{ in, want string }{
		{"en", "en"}, {"en-US", "en"}, {"en-GB", "en"},
		{"zh", "zh-CN"}, {"zh-Hans", "zh-CN"}, {"zh-CN", "zh-CN"}, {"zh_CN", "zh-CN"}, {"zh-Hans-SG", "zh-CN"},
		{"de", "de"}, {"de-AT", "de"}, {"de-CH", "de"},
		{"fr", "fr"}, {"fr-CA", "fr"}, {"fr-BE", "fr"},
		{"es", "es"}, {"es-MX", "es"}, {"es-419", "es"},
		{"ja", "en"}, {"pt-BR", "en"}, {"", "en"}, {"not a tag!", "en"}, {"xx", "en"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := MatchLocale(tc.in); got != tc.want {
				t.Fatalf("MatchLocale(%q) got %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	s := newSet(t)
	n := fixture()
	n.Locale = "de-AT"
	r, err := s.Render(ChannelSMS, n)
	if err != nil || r.Locale != "de" {
		t.Fatalf("got locale %q (%v), want de", r.Locale, err)
	}
}

func TestDates(t *testing.T) {
	s := newSet(t)
	cases := []struct {
		loc  string
		t    time.Time
		want string
	}{
		{"en", time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC), "20 November 2026"},
		{"de", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), "5. März 2026"},
		{"fr", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), "1er août 2026"},
		{"fr", time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC), "2 août 2026"},
		{"es", time.Date(2026, 1, 9, 0, 0, 0, 0, time.UTC), "9 de enero de 2026"},
		{"zh-CN", time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), "2026年12月31日"},
		{"en", time.Date(2026, 11, 20, 23, 0, 0, 0, time.FixedZone("X", -5*3600)), "21 November 2026"},
	}
	for _, tc := range cases {
		t.Run(tc.loc+"/"+tc.want, func(t *testing.T) {
			if got := s.locales[tc.loc].cat.date(tc.t); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSMSSegments(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		encoding string
		segments int
	}{
		{"empty", "", EncodingGSM7, 0},
		{"160 gsm", strings.Repeat("a", 160), EncodingGSM7, 1},
		{"161 gsm", strings.Repeat("a", 161), EncodingGSM7, 2},
		{"306 gsm", strings.Repeat("a", 306), EncodingGSM7, 2},
		{"307 gsm", strings.Repeat("a", 307), EncodingGSM7, 3},
		{"extension chars count twice", strings.Repeat("€", 80), EncodingGSM7, 1},
		{"accents in gsm", "Prüfcode Réf. ñ à è é ù ì ò", EncodingGSM7, 1},
		{"ucs2", "我们" + strings.Repeat("a", 68), EncodingUCS2, 1},
		{"ucs2 two", "我们" + strings.Repeat("a", 69), EncodingUCS2, 2},
		{"emoji", strings.Repeat("😀", 35), EncodingUCS2, 1},
		{"spanish accent", "código", EncodingUCS2, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enc, n := SMSSegments(tc.text)
			if enc != tc.encoding || n != tc.segments {
				t.Fatalf("got %s/%d, want %s/%d", enc, n, tc.encoding, tc.segments)
			}
		})
	}
}

func TestSMSBudget(t *testing.T) {
	s := newSet(t)
	eachLocaleVariant(func(loc, variant string, n Notice) {
		r, err := s.Render(ChannelSMS, n)
		if err != nil {
			t.Fatal(err)
		}
		if r.SMSSegments > MaxSMSSegments {
			t.Errorf("%s/%s: got %d segments, want at most %d", loc, variant, r.SMSSegments, MaxSMSSegments)
		}
		if loc != "zh-CN" && r.SMSEncoding != EncodingGSM7 {
			t.Errorf("%s/%s: got %s, want GSM-7 for a Latin-script SMS", loc, variant, r.SMSEncoding)
		}
		if enc, segs := SMSSegments(r.Text); enc != r.SMSEncoding || segs != r.SMSSegments {
			t.Errorf("%s/%s: got reported %s/%d, want %s/%d", loc, variant, r.SMSEncoding, r.SMSSegments, enc, segs)
		}
	})
	// A long organisation name and URL push it to the short form.
	n := fixture()
	n.Org.Name = "The Very Long Name of a Federated Telescope Retail Cooperative of Northern Europe"
	n.AnnouncementURL = "https://store.example/security/announcements/2026/november/INC-2026-0042/notice"
	r, err := s.Render(ChannelSMS, n)
	if err != nil {
		t.Fatal(err)
	}
	if r.SMSSegments > MaxSMSSegments || !strings.Contains(r.Text, n.Incident.Reference) || !strings.Contains(r.Text, n.VerificationCode) {
		t.Fatalf("got %q in %d segments, want the short form with reference and code in at most %d", r.Text, r.SMSSegments, MaxSMSSegments)
	}
}

func TestWrap(t *testing.T) {
	cases := []struct {
		name string
		in   string
		w    int
		want string
	}{
		{"short", "hello world", 20, "hello world"},
		{"words", "the quick brown fox jumps over the lazy dog", 15, "the quick brown\nfox jumps over\nthe lazy dog"},
		{"list item hangs", "- the quick brown fox jumps", 12, "- the quick\n  brown fox\n  jumps"},
		{"long word kept", "see https://store.example/a/very/long/path now", 10, "see\nhttps://store.example/a/very/long/path\nnow"},
		{"cjk", "我们特此告知您发生了一起安全事件", 12, "我们特此告知\n您发生了一起\n安全事件"},
		{"cjk punctuation stays", "我们特此告知。您发生", 12, "我们特此告知。\n您发生"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := wrap(tc.in, tc.w); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	s := newSet(t)
	for _, loc := range Locales {
		n := fixture()
		n.Locale = loc
		r, _ := s.Render(ChannelLetter, n)
		for _, l := range strings.Split(r.Text, "\n") {
			if width(l) > letterWidth && strings.Contains(strings.TrimSpace(l), " ") {
				t.Errorf("%s: got a %d-column letter line %q, want at most %d", loc, width(l), l, letterWidth)
			}
		}
	}
}

func TestHashes(t *testing.T) {
	s := newSet(t)
	n := fixture()
	a, _ := s.Render(ChannelEmail, n)
	b, _ := s.Render(ChannelEmail, n)
	if a.ContentHash != b.ContentHash || a.TemplateVersion != b.TemplateVersion {
		t.Fatalf("got different hashes for the same notice")
	}
	if len(a.ContentHash) != 64 {
		t.Fatalf("got content hash %q, want 64 hex digits", a.ContentHash)
	}
	n.VerificationCode = "AAAAA-BBBBB"
	c, _ := s.Render(ChannelEmail, n)
	if c.ContentHash == a.ContentHash {
		t.Fatalf("got the same content hash for a different notice")
	}
	if c.TemplateVersion != a.TemplateVersion {
		t.Fatalf("got template version %q then %q for the same templates", a.TemplateVersion, c.TemplateVersion)
	}
	n.Locale = "de"
	d, _ := s.Render(ChannelEmail, n)
	if d.TemplateVersion == a.TemplateVersion {
		t.Fatalf("got the same template version for en and de")
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOverrideReplacesOneTemplate(t *testing.T) {
	base := newSet(t)
	dir := t.TempDir()
	writeFile(t, dir, "en/push.tmpl", `{{define "title"}}Security notice{{end}}{{define "body"}}Please read notice {{.Reference}} from {{.Org.Name}}.{{end}}`)
	s, err := New(Options{OverrideDir: dir})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	n := fixture()
	r, err := s.Render(ChannelPush, n)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Please read notice INC-2026-0042 from Seestar Store."; r.Text != want || r.Subject != "Security notice" {
		t.Fatalf("got %q / %q, want the override's %q", r.Subject, r.Text, want)
	}
	orig, _ := base.Render(ChannelPush, n)
	if r.TemplateVersion == orig.TemplateVersion {
		t.Fatalf("got the embedded template version for an override")
	}
	for _, ch := range []string{ChannelEmail, ChannelSMS} {
		got, _ := s.Render(ch, n)
		want, _ := base.Render(ch, n)
		if got.ContentHash != want.ContentHash || got.TemplateVersion != want.TemplateVersion {
			t.Errorf("%s: got a change although only en/push.tmpl was overridden", ch)
		}
	}
	n.Locale = "de"
	de, _ := s.Render(ChannelPush, n)
	deBase, _ := base.Render(ChannelPush, n)
	if de.Text != deBase.Text {
		t.Errorf("got de push %q, want the embedded one", de.Text)
	}
}

func TestBrokenOverrideFailsNamingTheFile(t *testing.T) {
	cases := []struct {
		name, file, content string
	}{
		{"syntax error", "de/sms.tmpl", `{{define "sms"}}{{.Org.Name}{{end}}`},
		{"unknown field", "fr/voice.tmpl", `{{define "voice"}}{{.Org.Nom}}{{end}}`},
		{"missing block", "es/push.tmpl", `{{define "title"}}Aviso{{end}}`},
		{"unknown function", "email.txt.tmpl", `{{shout .Org.Name}}`},
		{"html escaping", "email.html.tmpl", `<a href="{{.AnnouncementURL}}>{{template "title" .}}`},
		{"catalog missing label", "zh-CN/catalog.yaml", "months: [a]\n"},
		{"catalog unknown key", "en/catalog.yaml", "colour: red\n"},
		{"unknown file", "en/fax.tmpl", `{{define "fax"}}x{{end}}`},
		{"tracking pixel", "email.html.tmpl", `<p>{{template "title" .}}</p><img src="https://track.example/p.gif">`},
		{"form", "email.html.tmpl", `<form action="{{.AnnouncementURL}}"><input name="password"></form>`},
		{"foreign link in html", "email.html.tmpl", `<a href="https://login.example/">{{template "title" .}}</a>`},
		{"foreign link in text", "de/sms.tmpl", `{{define "sms"}}Login: https://login.example {{.Reference}}{{end}}{{define "sms_short"}}x{{end}}`},
		{"personal data in push", "en/push.tmpl", `{{define "title"}}Hi {{.Recipient.Name}}{{end}}{{define "body"}}x{{end}}`},
		{"breach details in push", "fr/push.tmpl", `{{define "title"}}Avis{{end}}{{define "body"}}{{list .Categories}}{{end}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, tc.file, tc.content)
			_, err := New(Options{OverrideDir: dir})
			if err == nil {
				t.Fatalf("got no error for a broken %s, want one naming it", tc.file)
			}
			t.Log(err)
			if want := filepath.Join(dir, tc.file); !strings.Contains(err.Error(), want) {
				t.Fatalf("got %q, want an error naming %s", err, want)
			}
		})
	}
	if _, err := New(Options{OverrideDir: filepath.Join(t.TempDir(), "absent")}); err == nil {
		t.Fatalf("got no error for a missing override directory")
	}
}

func TestConcurrentRender(t *testing.T) {
	s := newSet(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := fixture()
			n.Locale = Locales[i%len(Locales)]
			for _, ch := range Channels {
				if _, err := s.Render(ch, n); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestNoPersonalDataInErrors(t *testing.T) {
	s := newSet(t)
	n := fixture()
	n.Recipient.Name = "Jane https://evil.example/x"
	n.Recipient.PostalAddress = "www.evil.example 12 Harbour Road"
	n.Incident.Categories = append(n.Incident.Categories, "observation_log")
	n.Date = time.Time{}
	_, err := s.Render(ChannelLetter, n)
	if err == nil {
		t.Fatal("got no error, want one")
	}
	for _, leak := range []string{"Jane", "evil", "Harbour"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("got error %q, want no personal data (%q) in it", err, leak)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTranslationsAreTranslated catches an English sentence or label left
// in another locale's catalog.
func TestTranslationsAreTranslated(t *testing.T) {
	s := newSet(t)
	en := s.locales["en"].cat
	for _, loc := range Locales[1:] {
		c := s.locales[loc].cat
		for _, m := range []struct {
			name     string
			en, this map[string]string
		}{
			{"categories", en.Categories, c.Categories},
			{"consequences", en.Consequences, c.Consequences},
			{"advice", en.Advice, c.Advice},
			{"guardian_consequences", en.GuardianConsequences, c.GuardianConsequences},
			{"guardian_advice", en.GuardianAdvice, c.GuardianAdvice},
		} {
			for k, v := range m.this {
				if v == m.en[k] {
					t.Errorf("%s %s.%s: got the English %q, want a translation", loc, m.name, k, v)
				}
			}
		}
		for i, month := range c.Months {
			if month == en.Months[i] && loc != "de" { // German shares some month names
				t.Errorf("%s month %d: got the English %q", loc, i+1, month)
			}
		}
	}
}

func TestCodeEndingInWWWIsNotALink(t *testing.T) {
	// A verification code can end in "WWW" (1 in 32,768 codes); followed by
	// the sentence's full stop it must not read as a "www." link.
	for _, s := range []string{"verification code 9R4NW-C7WWW. Full notice", "code C7WWW.", "ref INC-AWWW.2"} {
		if l, bad := badLink(s, nil); bad {
			t.Errorf("badLink(%q) = %q, want no link", s, l)
		}
	}
	if _, bad := badLink("see www.evil.example now", nil); !bad {
		t.Error("a real www. link was not found")
	}
	if _, bad := badLink("(www.evil.example)", nil); !bad {
		t.Error("a www. link after a bracket was not found")
	}
}

// eachLocaleVariant calls fn with the fixture in every locale and variant
// (plain, California, guardian).
func eachLocaleVariant(fn func(loc, variant string, n Notice)) {
	for _, loc := range Locales {
		for _, v := range variants {
			n := fixture()
			n.Locale = loc
			v.set(&n)
			fn(loc, v.name, n)
		}
	}
}
