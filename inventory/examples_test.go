package inventory

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/incident"
)

const examplesDir = "../examples"

// readDirectory reads every row of an example directory and returns each
// person's systems by id, failing on any bad row, warning or repeated id.
func readDirectory(t *testing.T, path string, inv *Inventory) map[string][]string {
	t.Helper()
	r, err := OpenDirectory(path, inv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	people := map[string][]string{}
	var minors, noContact, devices int
	jurisdictions := map[string]bool{}
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%v", err)
		}
		if _, dup := people[s.ID]; dup {
			t.Errorf("%s: id %s appears twice", path, s.ID)
		}
		people[s.ID] = slices.Clone(s.Systems)
		jurisdictions[s.Jurisdiction()] = true
		if s.Minor {
			minors++
			if s.GuardianEmail == "" && s.GuardianPhone == "" {
				t.Errorf("%s: minor %s has no guardian contact", path, s.ID)
			}
		}
		if !s.HasContact() {
			noContact++
		}
		devices += len(s.Devices)
		for _, w := range r.RowWarnings() {
			t.Errorf("%v", w)
		}
	}
	t.Logf("%s: %d people, %d minors, %d without contact, %d devices, jurisdictions %v", path, len(people), minors, noContact, devices, jurisdictions)
	return people
}

func TestExamples(t *testing.T) {
	inv, err := Load(filepath.Join(examplesDir, "inventory.yaml"))
	if err != nil {
		t.Fatalf("load the example inventory: %v", err)
	}
	if n := len(inv.Systems); n < 4 || n > 7 {
		t.Errorf("example inventory has %d systems, want 4-7", n)
	}
	encrypted := 0
	for _, s := range inv.Systems {
		if s.EncryptedAtRest {
			encrypted++
		}
	}
	if encrypted == 0 {
		t.Errorf("no example system is encrypted at rest; want one")
	}

	people := readDirectory(t, inv.SubjectsPath, inv)
	if len(people) < 200 {
		t.Errorf("examples/subjects.csv has %d people, want a few hundred", len(people))
	}
	app := readDirectory(t, filepath.Join(examplesDir, "subjects.jsonl"), inv)
	if len(app) < 24 {
		t.Errorf("examples/subjects.jsonl has %d people, want a few dozen", len(app))
	}

	files, err := filepath.Glob(filepath.Join(examplesDir, "incidents", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Errorf("got %d example incidents, want at least 8", len(files))
	}
	causes := map[incident.Cause]bool{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, err := incident.Decode(data)
			if err != nil {
				t.Fatalf("incident.Decode: %v", err)
			}
			causes[in.Cause] = true
			for _, p := range noticeProblems(in, inv.Organization) {
				t.Error(p)
			}
			for i, a := range in.Affected {
				sys, ok := inv.System(a.System)
				if !ok {
					t.Errorf("affected[%d]: system %q is not in the example inventory", i, a.System)
					continue
				}
				for _, c := range a.Categories {
					if !slices.Contains(sys.Categories, c) {
						t.Errorf("affected[%d]: system %s does not hold category %q", i, a.System, c)
					}
				}
				for _, id := range a.Subjects {
					systems, ok := people[id]
					switch {
					case !ok:
						t.Errorf("affected[%d]: subject %s is not in examples/subjects.csv", i, id)
					case !slices.Contains(systems, a.System):
						t.Errorf("affected[%d]: subject %s is not in system %s", i, id, a.System)
					}
				}
			}
		})
	}
	for _, c := range []incident.Cause{incident.CauseExfiltration, incident.CauseRansomware, incident.CauseLostDevice,
		incident.CauseMisdelivery, incident.CauseCredentialStuffing, incident.CauseInsider, incident.CauseSocialEngineering,
		incident.CauseMisconfiguration} {
		if !causes[c] {
			t.Errorf("no example incident has cause %s", c)
		}
	}
}

// linkInText finds links written into free text, as the notice templates do.
var linkInText = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"']+`)

// noticeProblems lists what keeps an incident from making a notice: the
// templates need a description and at least one measure, a contact (the
// incident's or the organisation's) with a plain e-mail address or a phone
// number, and reject any link in free text other than the organisation's
// website.
func noticeProblems(in *incident.Incident, org Organization) []string {
	var probs []string
	if strings.TrimSpace(in.Title) == "" || strings.TrimSpace(in.Description) == "" {
		probs = append(probs, "want a title and a plain-language description")
	}
	measures := 0
	for i, m := range in.Mitigation.Measures {
		if strings.TrimSpace(m) == "" {
			probs = append(probs, fmt.Sprintf("mitigation.measures[%d] is empty", i))
			continue
		}
		measures++
	}
	if measures == 0 {
		probs = append(probs, "mitigation.measures is empty; a notice must say what was done")
	}
	contact, from := Contact{Name: org.Contact.Name, Email: org.Contact.Email, Phone: org.Contact.Phone}, "organization.contact"
	if in.Contact != nil {
		contact, from = Contact{Name: in.Contact.Name, Email: in.Contact.Email, Phone: in.Contact.Phone}, "contact"
	}
	if contact.Email == "" && contact.Phone == "" {
		probs = append(probs, from+" has neither an e-mail address nor a phone number")
	}
	if e := contact.Email; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			probs = append(probs, from+".email is not a plain e-mail address")
		}
	}
	site, err := url.Parse(org.Website)
	if org.Website != "" && (err != nil || site.Host == "") {
		probs = append(probs, "organization.website is not an absolute URL")
		site = nil
	}
	text := map[string]string{"title": in.Title, "description": in.Description}
	if in.Contact != nil {
		text["contact.name"] = in.Contact.Name
		text["contact.phone"] = in.Contact.Phone
	}
	for _, l := range []struct {
		name string
		v    []string
	}{{"mitigation.measures", in.Mitigation.Measures}, {"mitigation.advice", in.Mitigation.Advice}, {"mitigation.remedies", in.Mitigation.Remedies}} {
		for i, v := range l.v {
			text[fmt.Sprintf("%s[%d]", l.name, i)] = v
		}
	}
	for _, field := range slices.Sorted(maps.Keys(text)) {
		for _, link := range linkInText.FindAllString(text[field], -1) {
			if !onSite(link, site) {
				probs = append(probs, fmt.Sprintf("%s links to %s; notices only link to the organisation's website", field, link))
			}
		}
	}
	return probs
}

// onSite reports whether link points at the organisation's website.
func onSite(link string, site *url.URL) bool {
	if site == nil {
		return false
	}
	link = strings.TrimRight(link, ".,;:!?)]}")
	if strings.HasPrefix(strings.ToLower(link), "www.") {
		link = "https://" + link
	}
	u, err := url.Parse(link)
	if err != nil || u.User != nil {
		return false
	}
	bare := func(h string) string { return strings.TrimPrefix(strings.ToLower(h), "www.") }
	return bare(u.Host) == bare(site.Host) && strings.HasPrefix(u.Path, strings.TrimSuffix(site.Path, "/"))
}

func TestNoticeProblems(t *testing.T) {
	org := Organization{Website: "https://store.example", Contact: Contact{Email: "privacy@store.example"}}
	good := func() *incident.Incident {
		return &incident.Incident{Title: "T", Description: "D", Mitigation: incident.Mitigation{Measures: []string{"Reset passwords"}}}
	}
	tests := []struct {
		name   string
		change func(in *incident.Incident, org *Organization)
		want   []string
	}{
		{"good, organisation contact", func(*incident.Incident, *Organization) {}, nil},
		{"own contact", func(in *incident.Incident, o *Organization) {
			o.Contact = Contact{}
			in.Contact = &incident.Contact{Phone: "+86 512 0000 0000"}
		}, nil},
		{"link to the website", func(in *incident.Incident, _ *Organization) {
			in.Mitigation.Advice = []string{"See https://store.example/security. Or www.store.example/help"}
		}, nil},
		{"no measures", func(in *incident.Incident, _ *Organization) { in.Mitigation.Measures = nil },
			[]string{"mitigation.measures is empty; a notice must say what was done"}},
		{"blank measure", func(in *incident.Incident, _ *Organization) { in.Mitigation.Measures = []string{" "} },
			[]string{"mitigation.measures[0] is empty", "mitigation.measures is empty; a notice must say what was done"}},
		{"no contact anywhere", func(_ *incident.Incident, o *Organization) { o.Contact = Contact{Name: "Office"} },
			[]string{"organization.contact has neither an e-mail address nor a phone number"}},
		{"contact e-mail with a display name", func(in *incident.Incident, _ *Organization) {
			in.Contact = &incident.Contact{Email: "Office <privacy@store.example>"}
		}, []string{"contact.email is not a plain e-mail address"}},
		{"foreign link", func(in *incident.Incident, _ *Organization) {
			in.Mitigation.Remedies = []string{"Claim at http://claims.example/x"}
		}, []string{"mitigation.remedies[0] links to http://claims.example/x; notices only link to the organisation's website"}},
		{"look-alike host", func(in *incident.Incident, _ *Organization) {
			in.Description = "see www.store.example.evil.example"
		}, []string{"description links to www.store.example.evil.example; notices only link to the organisation's website"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, o := good(), org
			tc.change(in, &o)
			if diff := cmp.Diff(tc.want, noticeProblems(in, o)); diff != "" {
				t.Errorf("got problems (-want +got):\n%s", diff)
			}
		})
	}
}
