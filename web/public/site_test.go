package public_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/web/public"
	"github.com/google/go-cmp/cmp"
)

const noticePath = "/notices/INC-2026-0042"

func TestNoticeInEveryLanguage(t *testing.T) {
	f := newFixture(t, testConfig())
	tests := []struct {
		name, acceptLanguage, query string
		want                        string
		heading                     string
	}{
		{"English", "en-GB,en;q=0.9", "", "en", "Notice of a data security incident"},
		{"Chinese", "zh-Hans-CN,zh;q=0.9", "", "zh-CN", "数据安全事件公告"},
		{"German", "de-AT,de;q=0.8,en;q=0.5", "", "de", "Bekanntmachung eines Datenschutzvorfalls"},
		{"French", "fr-CA", "", "fr", "Avis d’incident de sécurité des données"},
		{"Spanish", "es-MX,es;q=0.9", "", "es", "Aviso de un incidente de seguridad de datos"},
		{"unknown language", "pt-BR", "", "en", "Notice of a data security incident"},
		{"no header", "", "", "en", "Notice of a data security incident"},
		{"lang query wins", "de", "?lang=fr", "fr", "Avis d’incident"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.get(noticePath+tc.query, "Accept-Language", tc.acceptLanguage)
			if r.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200", r.status)
			}
			if got := htmlLang(t, r.body); got != tc.want {
				t.Errorf("<html lang>: got %q, want %q", got, tc.want)
			}
			if got := r.header.Get("Content-Language"); got != tc.want {
				t.Errorf("Content-Language: got %q, want %q", got, tc.want)
			}
			if !strings.Contains(r.body, tc.heading) {
				t.Errorf("page lacks the heading %q", tc.heading)
			}
			// The switcher: a link per language, each with its own lang
			// attribute, the current one marked.
			var langs []string
			for _, a := range elements(t, r.body, "a") {
				if strings.Contains(attr(a, "href"), "lang=") && attr(a, "hreflang") != "" {
					langs = append(langs, attr(a, "lang"))
					if want := "lang=" + url.QueryEscape(attr(a, "lang")); !strings.Contains(attr(a, "href"), want) {
						t.Errorf("switcher link %q does not carry %s", attr(a, "href"), want)
					}
					if (attr(a, "aria-current") != "") != (attr(a, "lang") == tc.want) {
						t.Errorf("switcher: aria-current on %q, want it on %q only", attr(a, "lang"), tc.want)
					}
				}
			}
			if diff := cmp.Diff([]string{"en", "zh-CN", "de", "fr", "es"}, langs); diff != "" {
				t.Errorf("language switcher (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoticeContent(t *testing.T) {
	f := newFixture(t, testConfig())
	r := f.get(noticePath)
	for _, want := range []string{
		"What happened", "What information was involved", "What this may mean for you", "What we have done",
		"What you can do", "What we offer you", "How to reach us",
		f.ex.Incident.Mitigation.Measures[0], f.ex.Incident.Mitigation.Remedies[0], "privacy@store.example",
		`<time datetime="2026-11-21">2026-11-21</time>`, "Is this notice genuine?", "Were you affected?",
		`action="/verify"`, `action="/lookup"`, `href="/notices/INC-2026-0042/press.md?lang=en"`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("notice page lacks %q", want)
		}
	}
	// Every form field has a label.
	labels := map[string]bool{}
	for _, l := range elements(t, r.body, "label") {
		labels[attr(l, "for")] = true
	}
	for _, in := range elements(t, r.body, "input") {
		if attr(in, "type") == "hidden" {
			continue
		}
		if id := attr(in, "id"); id == "" || !labels[id] {
			t.Errorf("input %q has no label", attr(in, "name"))
		}
	}
	if n := len(elements(t, r.body, "h1")); n != 1 {
		t.Errorf("got %d <h1>, want one", n)
	}
	if strings.Contains(r.body, "Jane Doe") {
		t.Errorf("the page names the approver; it should not")
	}

	ca := f.get(noticePath + "?variant=US-CA&lang=en")
	for _, want := range []string{"What Happened?", "What Information Was Involved?", "What We Are Doing.", "What You Can Do.", "For More Information."} {
		if !strings.Contains(ca.body, want) {
			t.Errorf("California variant lacks the statutory heading %q", want)
		}
	}
	if !strings.Contains(r.body, `href="/notices/INC-2026-0042?lang=en&amp;variant=US-CA"`) {
		t.Errorf("the general page does not link the California variant")
	}
}

func TestEveryResponseIsStrict(t *testing.T) {
	f := newFixture(t, testConfig())
	var all []response
	for _, p := range []string{"/", noticePath, noticePath + "/press.md", noticePath + "/press.txt", "/feed.atom", "/style.css", "/nope", "/notices/INC-NONE"} {
		all = append(all, f.get(p))
	}
	all = append(all, f.post("/verify", url.Values{"reference": {"x"}, "code": {"y"}}), f.post("/lookup", url.Values{"address": {"a@b.example"}}))
	for i, r := range all {
		if got := r.header.Get("Content-Security-Policy"); got != public.CSP {
			t.Errorf("response %d: CSP %q, want %q", i, got, public.CSP)
		}
		if !strings.Contains(public.CSP, "default-src 'none'") || !strings.Contains(public.CSP, "frame-ancestors 'none'") || !strings.Contains(public.CSP, "form-action 'self'") {
			t.Errorf("CSP is not strict: %q", public.CSP)
		}
		if c := r.header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("response %d sets a cookie: %q", i, c)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("response %d: no nosniff", i)
		}
		for _, third := range []string{"<script", "https://fonts.", "//cdn.", "<iframe"} {
			if strings.Contains(r.body, third) {
				t.Errorf("response %d contains %q", i, third)
			}
		}
	}
	if all[6].status != http.StatusNotFound || all[7].status != http.StatusNotFound || htmlLang(t, all[7].body) != "en" {
		t.Errorf("unknown paths: got %d and %d, want 404 pages", all[6].status, all[7].status)
	}
}

func TestIndexFeedAndPress(t *testing.T) {
	f := newFixture(t, testConfig())
	idx := f.get("/?lang=de")
	if idx.status != 200 || htmlLang(t, idx.body) != "de" || !strings.Contains(idx.body, f.ex.Incident.Title) ||
		!strings.Contains(idx.body, `href="/notices/INC-2026-0042?lang=de"`) {
		t.Errorf("index: got %d lang %q, want the announcement listed in German", idx.status, htmlLang(t, idx.body))
	}
	feed := f.get("/feed.atom")
	if ct := feed.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("feed content type %q", ct)
	}
	var atom struct {
		XMLName xml.Name
		Entries []struct {
			ID   string `xml:"id"`
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(feed.body), &atom); err != nil || atom.XMLName.Space != "http://www.w3.org/2005/Atom" {
		t.Fatalf("feed: %v, root %v; want an Atom feed", err, atom.XMLName)
	}
	if len(atom.Entries) != 1 || atom.Entries[0].Link.Href != "https://notice.store.example/notices/INC-2026-0042?lang=en" {
		t.Errorf("feed entries: got %+v", atom.Entries)
	}
	md := f.get(noticePath+"/press.md", "Accept-Language", "es")
	if !strings.HasPrefix(md.header.Get("Content-Type"), "text/markdown") || !strings.Contains(md.body, "# Seestar Store: Aviso de un incidente") {
		t.Errorf("press.md: got %q\n%s", md.header.Get("Content-Type"), md.body)
	}
	txt := f.get(noticePath + "/press.txt")
	if !strings.HasPrefix(txt.header.Get("Content-Type"), "text/plain") || !strings.Contains(txt.body, "https://notice.store.example/notices/INC-2026-0042?lang=en") {
		t.Errorf("press.txt: got %q\n%s", txt.header.Get("Content-Type"), txt.body)
	}
}

func TestGenuineCheckFormEverywhere(t *testing.T) {
	f := newFixture(t, testConfig())
	for _, p := range []string{"/verify?lang=es", "/?lang=es", noticePath + "?lang=es"} {
		r := f.get(p)
		if r.status != http.StatusOK || htmlLang(t, r.body) != "es" || !strings.Contains(r.body, `<form method="post" action="/verify">`) ||
			!strings.Contains(r.body, "¿Es auténtico este aviso?") || len(elements(t, r.body, "h1")) != 1 {
			t.Errorf("%s: got %d, lang %q; want the Spanish genuine-check form under one <h1>", p, r.status, htmlLang(t, r.body))
		}
	}
	if r := f.get("/verify?lang=de"); !strings.Contains(r.body, `href="/verify?lang=fr"`) {
		t.Errorf("the form page's language switcher does not stay on the form")
	}
}

func TestWithdrawalKeepsATombstone(t *testing.T) {
	f := newFixture(t, testConfig())
	if _, err := f.svc.Apply(t.Context(), f.ex.Incident, nil, announce.Request{Kind: announce.KindWithdrawal, Approver: "Ann", Note: "Published by mistake."}); err != nil {
		t.Fatal(err)
	}
	r := f.get(noticePath)
	for _, want := range []string{"This announcement has been withdrawn", "Published by mistake.", f.ex.Incident.Title, "Withdrawn", "Published"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("tombstone lacks %q", want)
		}
	}
	if r.status != http.StatusOK || strings.Contains(r.body, "What we have done") || strings.Contains(r.body, `action="/lookup"`) {
		t.Errorf("tombstone: got %d, want 200 without the withdrawn text or the lookup form", r.status)
	}
	if idx := f.get("/"); !strings.Contains(idx.body, "Withdrawn announcements") || !strings.Contains(idx.body, "There is no current announcement.") {
		t.Errorf("index after withdrawal lists it as current")
	}
}

func TestVerify(t *testing.T) {
	f := newFixture(t, testConfig())
	genuine := f.post("/verify", url.Values{"reference": {"INC-2026-0042"}, "code": {f.code}, "lang": {"en"}})
	for _, want := range []string{"This notice is genuine", "incident INC-2026-0042 by e-mail", "It was sent on 2026-11-21."} {
		if !strings.Contains(genuine.body, want) {
			t.Errorf("genuine answer lacks %q:\n%s", want, genuine.body)
		}
	}
	if strings.Contains(genuine.body, f.affected) || strings.Contains(genuine.body, f.affectedID) {
		t.Errorf("genuine answer names the person")
	}
	wrong := []url.Values{
		{"reference": {"INC-2026-0042"}, "code": {"AAAAA-AAAAA"}},
		{"reference": {"INC-2026-0042"}, "code": {f.code[:10] + "Z"}},
		{"reference": {"INC-9999"}, "code": {f.code}},
		{"reference": {"<script>"}, "code": {strings.Repeat("x", 3000)}},
		{"reference": {"INC-2026-0042"}, "code": {f.code}, "padding": {strings.Repeat("x", 8000)}}, // over the form limit
		{},
	}
	var bodies []string
	for _, form := range wrong {
		r := f.post("/verify", form)
		if r.status != http.StatusOK || !strings.Contains(r.body, "We cannot confirm this notice") || !strings.Contains(r.body, "phishing") ||
			!strings.Contains(r.body, "report the message to privacy@store.example") {
			t.Errorf("forged %v: got %d\n%s", form, r.status, r.body)
		}
		bodies = append(bodies, r.body)
	}
	for i := 1; i < len(bodies); i++ {
		if bodies[i] != bodies[0] {
			t.Errorf("wrong pair %d got another answer than wrong pair 0 (%d vs %d bytes)", i, len(bodies[i]), len(bodies[0]))
		}
	}
	de := f.post("/verify", url.Values{"reference": {"x"}, "code": {"y"}}, "Accept-Language", "de")
	if htmlLang(t, de.body) != "de" || !strings.Contains(de.body, "Wir können diese Benachrichtigung nicht bestätigen") {
		t.Errorf("German forged answer: lang %q", htmlLang(t, de.body))
	}

	var ok, no map[string]any
	r := f.post("/verify", url.Values{"reference": {"inc-2026-0042"}, "code": {strings.ToLower(f.code)}}, "Accept", "application/json")
	if err := json.Unmarshal([]byte(r.body), &ok); err != nil || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("JSON answer: %v %q", err, r.body)
	}
	if ok["genuine"] != true || ok["incident"] != "INC-2026-0042" || ok["channel"] != "email" || ok["sent_on"] != "2026-11-21" {
		t.Errorf("genuine JSON: got %v", ok)
	}
	r1 := f.post("/verify", url.Values{"reference": {"INC-2026-0042"}, "code": {"AAAAA-AAAAA"}}, "Accept", "application/json")
	r2 := f.post("/verify", url.Values{"reference": {"nothing"}}, "Accept", "application/json")
	if err := json.Unmarshal([]byte(r1.body), &no); err != nil || no["genuine"] != false || r1.body != r2.body {
		t.Errorf("forged JSON: got %q and %q, want the same {\"genuine\": false, ...}", r1.body, r2.body)
	}
}

func TestLookupAnswersUniformly(t *testing.T) {
	cfg := testConfig()
	cfg.ResendPerDay = 1
	f := newFixture(t, cfg)
	addresses := []string{f.affected, "nobody@example.net", "+1 202 555 0199", "not an address", strings.ToUpper(f.affected)}
	var bodies []string
	for _, a := range addresses {
		r := f.post("/lookup", url.Values{"address": {a}, "incident": {"INC-2026-0042"}, "lang": {"en"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "If this address belongs to one of the people affected") {
			t.Fatalf("lookup answer: got %d\n%s", r.status, r.body)
		}
		bodies = append(bodies, r.body)
	}
	for i := range bodies {
		if bodies[i] != bodies[0] {
			t.Errorf("lookup of address %d answered differently from address 0", i)
		}
	}
	// The affected address got its notice again once: the upper-case
	// repeat is the same address, over its limit of one a day.
	want := []string{"INC-2026-0042/" + f.affectedID}
	if diff := cmp.Diff(want, f.resends()); diff != "" {
		t.Errorf("re-sends (-want +got):\n%s", diff)
	}
}

func TestRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.RatePerSec, cfg.Burst = 0.001, 3
	f := newFixture(t, cfg)
	var statuses []int
	for range 5 {
		statuses = append(statuses, f.get("/", "Accept-Language", "fr").status)
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429, 429}, statuses); diff != "" {
		t.Errorf("statuses with a burst of 3 (-want +got):\n%s", diff)
	}
	r := f.get("/style.css", "Accept-Language", "fr")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || htmlLang(t, r.body) != "fr" ||
		!strings.Contains(r.body, "Trop de requêtes") || r.header.Get("Content-Security-Policy") != public.CSP {
		t.Errorf("429 page: got %d, Retry-After %q, lang %q", r.status, r.header.Get("Retry-After"), htmlLang(t, r.body))
	}
}

func TestGlobalRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.RatePerSec, cfg.Burst, cfg.GlobalRatePerSec = 0.001, 1, 0.001
	f := newFixture(t, cfg)
	// One client spends the site's only token; the global bucket then
	// refuses everyone.
	if r := f.get("/"); r.status != http.StatusOK {
		t.Fatalf("first request: got %d", r.status)
	}
	if r := f.get("/"); r.status != http.StatusTooManyRequests {
		t.Errorf("second request: got %d, want 429", r.status)
	}
}

func TestConfigValidateNamesKeys(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *public.Config)
		key    string
	}{
		{"addr", func(c *public.Config) { c.Addr = "localhost" }, "public.addr"},
		{"base_url", func(c *public.Config) { c.BaseURL = "notice.example" }, "public.base_url"},
		{"base_url scheme", func(c *public.Config) { c.BaseURL = "ftp://notice.example" }, "public.base_url"},
		{"rate", func(c *public.Config) { c.RatePerSec = 0 }, "public.rate_per_sec"},
		{"burst", func(c *public.Config) { c.Burst = 0 }, "public.burst"},
		{"global", func(c *public.Config) { c.GlobalRatePerSec = 1; c.RatePerSec = 5 }, "public.global_rate_per_sec"},
		{"resend", func(c *public.Config) { c.ResendPerDay = -1 }, "public.resend_per_day"},
	}
	if err := public.DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, tc := range tests {
		c := public.DefaultConfig()
		tc.change(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: got %v, want an error naming %s", tc.name, err, tc.key)
		}
		if p := c.Problems(); len(p) != 1 || p[0].Key != tc.key {
			t.Errorf("%s: problems %v, want one with key %s", tc.name, p, tc.key)
		}
	}
	if got := public.DefaultConfig().Addr; got != "127.0.0.1:8081" {
		t.Errorf("default addr: got %q", got)
	}
}

// TestUnknownIncidentsLookAlike checks that the 404 of an unknown incident
// does not differ by id.
func TestUnknownIncidentsLookAlike(t *testing.T) {
	f := newFixture(t, testConfig())
	a, b := f.get("/notices/INC-0001"), f.get("/notices/INC-0002")
	if a.status != 404 || !bytes.Equal([]byte(a.body), []byte(b.body)) {
		t.Errorf("unknown incidents: got %d, bodies equal %v", a.status, a.body == b.body)
	}
}

func TestServeOwnListenerAndStop(t *testing.T) {
	f := newFixture(t, testConfig())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.site.Serve(ctx, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/api/v1/incidents")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("an API route on the public listener: got %d, want 404", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after its context ended: got %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}
