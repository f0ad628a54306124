package public_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/announce/announcetest"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/verify"
	"github.com/breach-notify/breach/store"
	"github.com/breach-notify/breach/web/public"
)

// fixture is a public site over a real SQLite store holding the example
// incident's published announcement, the verification entry of one sent
// notice and the address index of every affected person.
type fixture struct {
	t     testing.TB
	ex    announcetest.Example
	store store.Store
	site  *public.Site
	srv   *httptest.Server
	svc   *announce.Service

	// code is the verification code of the sent notice.
	code string
	// affected is an affected person's e-mail address and subject id.
	affected, affectedID string

	mu     sync.Mutex
	resent []string // "incident/subject"
}

func newFixture(t testing.TB, cfg public.Config) *fixture {
	t.Helper()
	ex := announcetest.Load(t, "01-exfiltration-orders.json")
	st, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, ex: ex, store: st}
	f.svc = &announce.Service{Store: st, Builder: ex.Builder(t), Now: func() time.Time { return announcetest.Now }}
	if _, err := f.svc.Apply(t.Context(), ex.Incident, ex.Assessment, announce.Request{Kind: announce.KindPublish, Approver: "Jane Doe"}); err != nil {
		t.Fatalf("publish: %v", err)
	}

	// The affected-address index, as the service builds it at assessment.
	var addrs []announce.AddressEntry
	err = assess.EachAffected(t.Context(), ex.Inventory, ex.Incident, func(p *assess.AffectedPerson) error {
		if f.affected == "" && p.Email != "" {
			f.affected, f.affectedID = p.Email, p.ID
		}
		addrs = append(addrs, announce.AddressEntries(announcetest.Secret, ex.Incident.ID, p.ID, p.Email, p.Phone, p.GuardianEmail, p.GuardianPhone)...)
		return nil
	})
	if err != nil || f.affected == "" {
		t.Fatalf("affected people: %v (first e-mail %q)", err, f.affected)
	}
	if err := st.AddAffectedAddresses(t.Context(), addrs); err != nil {
		t.Fatal(err)
	}

	// One notice planned and sent, with its verification entry.
	j := notify.NewJob(ex.Incident.ID, 1, 1, f.affectedID, notify.Route{Channel: notify.ChannelEmail, To: "x"}, nil)
	e := j.Entry()
	e.CreatedAt, e.UpdatedAt = announcetest.Now, announcetest.Now
	if _, _, err := st.Ledger().Plan(t.Context(), []notify.Entry{e}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Ledger().Begin(t.Context(), e.Key, announcetest.Now); err != nil {
		t.Fatal(err)
	}
	if err := st.Ledger().Finish(t.Context(), e.Key, notify.Outcome{State: notify.StateSent, At: announcetest.Now}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddVerifyEntries(t.Context(), []announce.VerifyEntry{announce.NewVerifyEntry(announcetest.Secret, ex.Incident.ID, "email", e.Key)}); err != nil {
		t.Fatal(err)
	}
	f.code = verify.Code(announcetest.Secret, e.Key)

	org := ex.Inventory.Organization
	f.site, err = public.New(cfg, public.Deps{Announcements: st, Verify: st, Affected: st, Secret: announcetest.Secret,
		Org: announce.Org{Name: org.Name, Website: org.Website, ContactEmail: org.Contact.Email, ContactPhone: org.Contact.Phone},
		Now: func() time.Time { return announcetest.Now },
		Resender: public.ResenderFunc(func(_ context.Context, incidentID, subjectID string) error {
			f.mu.Lock()
			f.resent = append(f.resent, incidentID+"/"+subjectID)
			f.mu.Unlock()
			return nil
		})})
	if err != nil {
		t.Fatalf("public.New: %v", err)
	}
	f.srv = httptest.NewServer(f.site)
	t.Cleanup(func() {
		f.srv.Close()
		f.site.Close()
	})
	return f
}

// resends waits for the lookup worker to finish (Close) and returns what
// it re-sent.
func (f *fixture) resends() []string {
	f.site.Close()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.resent...)
}

type response struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) get(path string, header ...string) response {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.do(req)
}

func (f *fixture) post(path string, form url.Values, header ...string) response {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.do(req)
}

func (f *fixture) do(req *http.Request) response {
	f.t.Helper()
	res, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func testConfig() public.Config {
	cfg := public.DefaultConfig()
	cfg.BaseURL = announcetest.BaseURL
	cfg.RatePerSec, cfg.Burst, cfg.GlobalRatePerSec = 1000, 1000, 10000
	return cfg
}

// htmlLang returns the lang attribute of a page's <html> element.
func htmlLang(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.Data == "html" {
			return attr(n, "lang")
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// elements returns every element named name in page.
func elements(t *testing.T, page, name string) []*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == name {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
