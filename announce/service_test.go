package announce_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/announce/announcetest"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/notify/verify"
	"github.com/breach-notify/breach/store"
	"github.com/google/go-cmp/cmp"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), store.Options{Path: filepath.Join(t.TempDir(), "breach.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestApplyVersions(t *testing.T) {
	ex := announcetest.Load(t, "01-exfiltration-orders.json")
	clock := announcetest.Now
	svc := &announce.Service{Store: openStore(t), Builder: ex.Builder(t), Now: func() time.Time { clock = clock.Add(time.Hour); return clock }}
	steps := []struct {
		name string
		req  announce.Request
		want error
	}{
		{"update before publishing", announce.Request{Kind: announce.KindUpdate, Approver: "Jane"}, announce.ErrConflict},
		{"no approver", announce.Request{Kind: announce.KindPublish}, announce.ErrInvalid},
		{"unknown kind", announce.Request{Kind: "retract", Approver: "Jane"}, announce.ErrInvalid},
		{"publish", announce.Request{Kind: announce.KindPublish, Approver: "Jane"}, nil},
		{"publish twice", announce.Request{Kind: announce.KindPublish, Approver: "Jane"}, announce.ErrConflict},
		{"correction without note", announce.Request{Kind: announce.KindCorrection, Approver: "Jane"}, announce.ErrInvalid},
		{"correction", announce.Request{Kind: announce.KindCorrection, Approver: "Ann", Note: "The time of discovery was 09:00 UTC."}, nil},
		{"update", announce.Request{Kind: announce.KindUpdate, Approver: "Ann", Note: "Police investigation opened."}, nil},
		{"withdrawal without note", announce.Request{Kind: announce.KindWithdrawal, Approver: "Ann"}, announce.ErrInvalid},
		{"withdrawal", announce.Request{Kind: announce.KindWithdrawal, Approver: "Ann", Note: "Published for the wrong incident."}, nil},
		{"update after withdrawal", announce.Request{Kind: announce.KindUpdate, Approver: "Ann"}, announce.ErrConflict},
		{"publish again", announce.Request{Kind: announce.KindPublish, Approver: "Jane"}, nil},
	}
	for _, st := range steps {
		_, err := svc.Apply(t.Context(), ex.Incident, ex.Assessment, st.req)
		if !errors.Is(err, st.want) || (st.want == nil) != (err == nil) {
			t.Errorf("%s: got %v, want %v", st.name, err, st.want)
		}
	}
	n, err := svc.Notice(t.Context(), ex.Incident.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range n.Versions {
		got = append(got, string(v.Kind)+" by "+v.Approver)
		if v.Kind == announce.KindWithdrawal && v.Content != nil || v.Kind != announce.KindWithdrawal && v.Content == nil {
			t.Errorf("version %d (%s): content %v, want content exactly when not a withdrawal", v.Version, v.Kind, v.Content != nil)
		}
	}
	want := []string{"publish by Jane", "correction by Ann", "update by Ann", "withdrawal by Ann", "publish by Jane"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("versions kept (-want +got):\n%s", diff)
	}
	if n.Withdrawn() {
		t.Errorf("Withdrawn after a new publication: got true, want false")
	}
	if !n.Versions[1].PublishedAt.After(n.Versions[0].PublishedAt) {
		t.Errorf("versions are not dated in order: %v then %v", n.Versions[0].PublishedAt, n.Versions[1].PublishedAt)
	}
	if _, err := svc.Notice(t.Context(), "INC-NONE"); !errors.Is(err, announce.ErrNotFound) {
		t.Errorf("unannounced incident: got %v, want ErrNotFound", err)
	}
}

func TestFeedIsAtom(t *testing.T) {
	at := announcetest.Now
	versions := []announce.Version{
		{IncidentID: "INC-2", Version: 1, Kind: announce.KindPublish, PublishedAt: at.Add(time.Hour)},
		{IncidentID: "INC-1", Version: 2, Kind: announce.KindCorrection, PublishedAt: at, Note: "a <b> & c"},
	}
	for _, base := range []string{"", "https://notice.example"} {
		var buf bytes.Buffer
		err := announce.WriteFeed(&buf, versions, map[string]string{"INC-1": "Orders & more"}, announce.FeedOptions{
			Title: "Notices", Author: "Seestar Store", SelfURL: "/feed.atom", BaseURL: base,
			PageURL: func(id string) string { return "/notices/" + id }})
		if err != nil {
			t.Fatal(err)
		}
		var feed struct {
			XMLName xml.Name
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
			Author  string `xml:"author>name"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Summary string `xml:"summary"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(buf.Bytes(), &feed); err != nil {
			t.Fatalf("feed does not parse: %v\n%s", err, buf.String())
		}
		if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" {
			t.Errorf("root element: got %v, want Atom feed", feed.XMLName)
		}
		if feed.ID == "" || feed.Author != "Seestar Store" || feed.Updated != "2026-11-21T11:00:00Z" {
			t.Errorf("feed head: got id %q author %q updated %q", feed.ID, feed.Author, feed.Updated)
		}
		if len(feed.Entries) != 2 || feed.Entries[0].ID == feed.Entries[1].ID {
			t.Fatalf("entries: got %+v, want two with distinct ids", feed.Entries)
		}
		e := feed.Entries[1]
		if e.Title != "Orders & more (INC-1)" || e.Summary != "correction" || !strings.HasSuffix(e.Link.Href, "/notices/INC-1") {
			t.Errorf("entry: got %+v", e)
		}
		if base != "" && !strings.HasPrefix(e.Link.Href, base) {
			t.Errorf("with a base URL: got link %q, want it absolute", e.Link.Href)
		}
	}
}

func TestPressText(t *testing.T) {
	ex := announcetest.Load(t, "01-exfiltration-orders.json")
	c, err := ex.Builder(t).Build(ex.Incident, ex.Assessment)
	if err != nil {
		t.Fatal(err)
	}
	c.Title = "Orders *copied* [here](https://evil.example)"
	n := &announce.Notice{IncidentID: c.Reference, Versions: []announce.Version{
		{IncidentID: c.Reference, Version: 1, Kind: announce.KindPublish, PublishedAt: announcetest.Now, Content: c}}}
	l := announce.PressLabels{Heading: "Public notice", Reference: "Reference:", FirstPublished: "First published:",
		LastChanged: "Last updated:", Withdrawn: "Withdrawn", FullText: "Full announcement:"}
	var md, txt bytes.Buffer
	if err := announce.WritePress(&md, n, "en", "", l, "https://notice.example/notices/INC-2026-0042", true); err != nil {
		t.Fatal(err)
	}
	if err := announce.WritePress(&txt, n, "en", "", l, "https://notice.example/notices/INC-2026-0042", false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Seestar Store: Public notice", `Orders \*copied\* \[here\](https://evil.example)`, "## What happened",
		"- **Reference:** INC-2026-0042", "- " + ex.Incident.Mitigation.Measures[0], "<https://notice.example/notices/INC-2026-0042>"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown press text lacks %q:\n%s", want, md.String())
		}
	}
	for _, want := range []string{"What happened\n-------------", "Reference: INC-2026-0042", "First published: 2026-11-21"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("plain press text lacks %q:\n%s", want, txt.String())
		}
	}
}

func TestVerifyKeys(t *testing.T) {
	secret := announcetest.Secret
	key := verify.Key("INC-2026-0042", "ss-0001", "email", 1)
	e := announce.NewVerifyEntry(secret, "INC-2026-0042", "email", key)
	code := verify.Code(secret, key)
	tests := []struct {
		name      string
		ref, code string
		want      bool
	}{
		{"as printed", "INC-2026-0042", code, true},
		{"typed loosely", " inc-2026-0042 ", strings.ToLower(strings.ReplaceAll(code, "-", " ")), true},
		{"other code", "INC-2026-0042", "AAAAA-AAAAA", false},
		{"other reference", "INC-2026-0043", code, false},
		{"too long", "INC-2026-0042", code + "X", false},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lookup, check, ok := announce.VerifyKeys(secret, tc.ref, tc.code)
			got := ok && bytes.Equal(lookup, e.Lookup) && e.Matches(check)
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	var none *announce.VerifyEntry
	if _, check, _ := announce.VerifyKeys(secret, "INC-2026-0042", code); none.Matches(check) {
		t.Errorf("nil entry matched")
	}
}

func TestNormalizeAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{" Jane.Doe@Example.ORG ", "jane.doe@example.org"},
		{"+44 (20) 7946-0000", "+442079460000"},
		{"0044 20 7946 0000", "+442079460000"},
		{"020 7946 0000", ""},
		{"not an address", ""},
		{"Jane <jane@example.org>", ""},
		{"+0123456789", ""},
	}
	for _, tc := range tests {
		got, err := announce.NormalizeAddress(tc.in)
		if got != tc.want || (tc.want == "") != errors.Is(err, announce.ErrNotAddress) {
			t.Errorf("NormalizeAddress(%q): got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestDue(t *testing.T) {
	tests := []struct {
		name        string
		pn          assess.PublicNotice
		unreachable int
		threshold   int
		want        bool
	}{
		{"required by law", assess.PublicNotice{Required: true, Reasons: []string{"12 people cannot be reached"}}, 0, 0, true},
		{"below threshold", assess.PublicNotice{}, 9, 10, false},
		{"threshold crossed mid-campaign", assess.PublicNotice{}, 10, 10, true},
		{"threshold off", assess.PublicNotice{}, 1000, 0, false},
	}
	for _, tc := range tests {
		got, why := announce.Due(tc.pn, tc.unreachable, tc.threshold)
		if got != tc.want || got != (len(why) > 0) {
			t.Errorf("%s: got %v %q, want %v with reasons exactly when due", tc.name, got, why, tc.want)
		}
	}
}
