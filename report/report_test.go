package report

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
)

const (
	exampleInventory = "../examples/seestar/inventory.yaml"
	exampleIncident  = "../examples/seestar/incidents/01-exfiltration-orders.json"
)

// TestOverdueDraftAsksForDelayReasons checks that a GDPR draft made after
// the 72 hours is overdue and has the reasons-for-delay field, and one
// made before has neither.
func TestOverdueDraftAsksForDelayReasons(t *testing.T) {
	disc := discoveredAt(t, exampleIncident)
	tests := []struct {
		name      string
		after     time.Duration
		supplied  map[string]string
		overdue   bool
		hasField  bool
		missingIt bool
	}{
		{name: "hour 60", after: 60 * time.Hour},
		{name: "hour 80", after: 80 * time.Hour, overdue: true, hasField: true, missingIt: true},
		{name: "hour 80 with reasons", after: 80 * time.Hour, supplied: map[string]string{"delay_reasons": "Forensics needed to establish scope."}, overdue: true, hasField: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := disc.Add(tt.after)
			x := assessFiles(t, exampleInventory, exampleIncident, now)
			in := x.input(t, "EU-GDPR", now)
			in.Supplied = tt.supplied
			d, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range d.Filings {
				i := slices.IndexFunc(f.Fields, func(fl Field) bool { return fl.ID == "delay_reasons" })
				if f.Overdue != tt.overdue || (i >= 0) != tt.hasField {
					t.Fatalf("%s: got overdue %v, delay field %v; want %v, %v", f.ID, f.Overdue, i >= 0, tt.overdue, tt.hasField)
				}
				if tt.hasField && slices.Contains(f.Missing, "delay_reasons") != tt.missingIt {
					t.Errorf("%s: got missing %v, want delay_reasons missing %v", f.ID, f.Missing, tt.missingIt)
				}
				if tt.overdue && !strings.HasPrefix(f.TimeLeft, "-") {
					t.Errorf("%s: got time left %q, want negative", f.ID, f.TimeLeft)
				}
			}
			var md bytes.Buffer
			if err := WriteMarkdown(&md, d); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(md.String(), "OVERDUE by 8h"); got != tt.overdue {
				t.Errorf("markdown says OVERDUE by 8h: %v, want %v", got, tt.overdue)
			}
		})
	}
}

// memberStateDirectory is a subject directory with people in several
// member states, an outermost region, the UK and the US.
const memberStateDirectory = `id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems
u1,Ana,a1@example.org,,fr,FR,,false,,,,orders
u2,Ben,a2@example.org,,fr,FR,,false,,,,orders
u3,Cleo,a3@example.org,,fr,RE,,false,,,,orders
u4,Dirk,a4@example.org,,de,DE,,true,p4@example.org,,,orders
u5,Eva,a5@example.org,,de,DE,,false,,,,orders
u6,Fotis,a6@example.org,,en,GR,,false,,,,orders
u7,Gwen,a7@example.org,,en,GB,ENG,false,,,,orders
u8,Hal,a8@example.org,,en,US,CA,false,,,,orders
`

// memberStateInventory returns an inventory with the directory above and
// the given establishment.
func memberStateInventory(t *testing.T, establishment string) string {
	dir := t.TempDir()
	writeFile(t, dir, "subjects.csv", memberStateDirectory)
	return writeFile(t, dir, "inventory.yaml", `schema: breach.inventory/v1
organization:
  name: Example Shop
  website: https://shop.example
  establishment: `+establishment+`
  contact: { name: Privacy Office, email: privacy@shop.example }
systems:
  - id: orders
    name: Orders
    categories: [name, email, postal_address, payment_card]
subjects: subjects.csv
`)
}

// TestMemberStateDrafts checks that an organisation without an EU
// establishment gets one GDPR filing per member state with that state's
// people, and one with an EU establishment gets a single filing to its
// lead authority.
func TestMemberStateDrafts(t *testing.T) {
	disc := discoveredAt(t, exampleIncident)
	now := disc.Add(10 * time.Hour)
	tests := []struct {
		name, establishment string
		want                map[string]int // filing id -> people
		regulator           string         // of the single filing
	}{
		{name: "no EU establishment", establishment: "US", want: map[string]int{"EU-GDPR/DE": 2, "EU-GDPR/FR": 3, "EU-GDPR/GR": 1}},
		{name: "established in Ireland", establishment: "IE", want: map[string]int{"EU-GDPR": 8}, regulator: "Data Protection Commission (Ireland)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := assessFiles(t, memberStateInventory(t, tt.establishment), exampleIncident, now)
			d, err := Build(x.input(t, "EU-GDPR", now))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, f := range d.Filings {
				got[f.ID] = f.Subjects
				if tt.regulator != "" && f.Regulator != tt.regulator {
					t.Errorf("%s: got regulator %q, want %q", f.ID, f.Regulator, tt.regulator)
				}
				if f.Place != "" && !strings.Contains(f.Fields[1].Value, "living in "+f.Place) {
					t.Errorf("%s: got subjects field %q, want the member state's count", f.ID, f.Fields[1].Value)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("filings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnknownJurisdiction checks the error for a jurisdiction the
// assessment does not have.
func TestUnknownJurisdiction(t *testing.T) {
	now := discoveredAt(t, exampleIncident).Add(time.Hour)
	x := assessFiles(t, exampleInventory, exampleIncident, now)
	_, err := Build(x.input(t, "JP-APPI", now))
	var je *JurisdictionError
	if !errors.As(err, &je) || !errors.Is(err, ErrJurisdiction) {
		t.Fatalf("got %v, want a JurisdictionError", err)
	}
	if !strings.Contains(err.Error(), `"JP-APPI"`) || !strings.Contains(err.Error(), "EU-GDPR") {
		t.Errorf("got %q, want the jurisdiction and those available named", err)
	}
	if _, err := Build(Input{}); err == nil {
		t.Errorf("Build with no input: got no error, want one")
	}
}

// TestCampaignFigures checks that campaign figures fill the fields about
// telling the people and the public notice.
func TestCampaignFigures(t *testing.T) {
	now := discoveredAt(t, exampleIncident).Add(30 * time.Hour)
	x := assessFiles(t, memberStateInventory(t, "US"), exampleIncident, now)
	first, last := now.Add(-20*time.Hour), now.Add(-2*time.Hour)
	in := x.input(t, "JP-APPI", now)
	in.Jurisdiction = "US-CA"
	before, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Campaign = &Campaign{Told: map[string]int{"email": 15, "sms": 4}, FirstSent: &first, LastSent: &last, Unreachable: 1,
		Complete: true, PublicNoticeURL: "https://shop.example/notices/INC-2026-0042"}
	after, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	field := func(d *Draft, id string) Field {
		f := d.Filings[0]
		return f.Fields[slices.IndexFunc(f.Fields, func(fl Field) bool { return fl.ID == id })]
	}
	if fl := field(before, "notice_dates"); fl.Missing == "" {
		t.Errorf("without a campaign: got notice_dates %q, want it missing", fl.Value)
	}
	want := "19 people told individually (email 15, sms 4). Notices sent from 2026-11-20 19:00 UTC to 2026-11-21 13:00 UTC. Not reachable individually: 1. Not yet told: 0. The campaign is complete. Public notice: https://shop.example/notices/INC-2026-0042"
	if fl := field(after, "notice_dates"); fl.Value != want || fl.Missing != "" {
		t.Errorf("with a campaign: got %q (missing %q), want %q", fl.Value, fl.Missing, want)
	}
	if !strings.Contains(after.Filings[0].NoticeCopy.Text, "https://shop.example/notices/INC-2026-0042") {
		t.Errorf("notice copy does not link the public notice:\n%s", after.Filings[0].NoticeCopy.Text)
	}
}

// TestHTMLEscapes checks that incident text cannot inject markup into the
// HTML or Markdown drafts.
func TestHTMLEscapes(t *testing.T) {
	now := discoveredAt(t, exampleIncident).Add(time.Hour)
	x := assessFiles(t, exampleInventory, exampleIncident, now)
	x.in.Title = `Leak <script>alert(1)</script> [click](javascript:x)`
	d, err := Build(x.input(t, "EU-GDPR", now))
	if err != nil {
		t.Fatal(err)
	}
	var h, md bytes.Buffer
	if err := WriteHTML(&h, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "<script>") || !strings.Contains(h.String(), "&lt;script&gt;") {
		t.Errorf("HTML: the title's markup was not escaped")
	}
	if err := WriteMarkdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "<script>") || strings.Contains(md.String(), "[click](") {
		t.Errorf("Markdown: the title's markup was not escaped")
	}
	if err := Write(&h, d, "docx", PDFOptions{}); err == nil || !strings.Contains(err.Error(), "docx") {
		t.Errorf("Write docx: got %v, want an error naming the format", err)
	}
}

// TestPDFText renders drafts as PDF and reads them back with pdftotext
// (Debian poppler-utils): the fields, and the Chinese labels of CN-PIPL.
func TestPDFText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (Debian poppler-utils): PDF text not checked")
	}
	for _, font := range []string{DefaultFontFile, DefaultCJKFontFile} {
		if _, err := readFont("font", font, ""); err != nil {
			t.Skipf("font %s not installed (Debian fonts-dejavu-core, fonts-droid-fallback): %v", font, err)
		}
	}
	const multi = "../cmd/breach/testdata/assess/multi-jurisdiction/"
	tests := []struct {
		inventory, incident, jurisdiction string
		want                              []string
	}{
		{exampleInventory, exampleIncident, "CN-PIPL", []string{"个人信息处理者的联系方式", "可能造成的危害", "原因", "Revoked the leaked API key", "privacy@store.example"}},
		{exampleInventory, exampleIncident, "EU-GDPR", []string{"Nature of the personal data breach", "Reasons for the delay", "MISSING:", "OVERDUE by 8h", "Datenschutzbehörde"}},
		{exampleInventory, exampleIncident, "US-CA", []string{"A single sample copy of the notice", "Notice of Data Breach", "XXXXX-XXXXX"}},
		{multi + "inventory.yaml", multi + "incident.json", "JP-APPI", []string{"概要", "再発防止のための措置", "確報 final report"}},
	}
	for _, tt := range tests {
		t.Run(tt.jurisdiction, func(t *testing.T) {
			now := discoveredAt(t, tt.incident).Add(80 * time.Hour)
			x := assessFiles(t, tt.inventory, tt.incident, now)
			d, err := Build(x.input(t, tt.jurisdiction, now))
			if err != nil {
				t.Fatal(err)
			}
			var pdf bytes.Buffer
			if err := WritePDF(&pdf, d, PDFOptions{}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "draft.pdf")
			writeFile(t, filepath.Dir(path), "draft.pdf", pdf.String())
			out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			// Lines wrap anywhere in CJK text, so whitespace is ignored.
			squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
			text := squash(string(out))
			for _, w := range tt.want {
				if !strings.Contains(text, squash(w)) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			for _, f := range d.Filings {
				for _, fl := range f.Fields {
					if !strings.Contains(text, squash(fl.Label)) {
						t.Errorf("PDF text lacks the label of field %s: %q", fl.ID, fl.Label)
					}
				}
			}
			var again bytes.Buffer
			if err := WritePDF(&again, d, PDFOptions{}); err != nil || !bytes.Equal(pdf.Bytes(), again.Bytes()) {
				t.Errorf("two renderings of the same draft differ (err %v)", err)
			}
		})
	}
}

// TestPDFMissingFont checks that a missing font is an error naming the
// setting that chooses it, and that the CJK font is read only when needed.
func TestPDFMissingFont(t *testing.T) {
	if _, err := readFont("font", DefaultFontFile, ""); err != nil {
		t.Skipf("font %s not installed (Debian fonts-dejavu-core): %v", DefaultFontFile, err)
	}
	now := discoveredAt(t, exampleIncident).Add(time.Hour)
	x := assessFiles(t, exampleInventory, exampleIncident, now)
	missing := filepath.Join(t.TempDir(), "nope.ttf")
	tests := []struct {
		jurisdiction string
		opts         PDFOptions
		setting      string // "" means no error
	}{
		{"CN-PIPL", PDFOptions{CJKFontFile: missing}, "report.cjk_font_file"},
		{"EU-GDPR", PDFOptions{CJKFontFile: missing}, ""},
		{"EU-GDPR", PDFOptions{FontFile: missing}, "report.font_file"},
	}
	for _, tt := range tests {
		t.Run(tt.jurisdiction+" "+tt.setting, func(t *testing.T) {
			d, err := Build(x.input(t, tt.jurisdiction, now))
			if err != nil {
				t.Fatal(err)
			}
			err = WritePDF(&bytes.Buffer{}, d, tt.opts)
			var fe *FontError
			switch {
			case tt.setting == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.setting != "" && (!errors.As(err, &fe) || fe.Setting != tt.setting || !strings.Contains(err.Error(), tt.setting) || !strings.Contains(err.Error(), missing)):
				t.Errorf("got %v, want a FontError naming %s and the path", err, tt.setting)
			}
		})
	}
}

// TestHIPAAMediaNoticePerState checks that a covered entity whose breach
// affects more than 500 residents of one State gets a media filing for
// that State only, with its count and the notice text.
func TestHIPAAMediaNoticePerState(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("id,name,email,phone,locale,country,region,minor,guardian_email,guardian_phone,postal_address,systems\n")
	for i := range 520 {
		state := "TX"
		if i%40 == 0 {
			state = "OK"
		}
		fmt.Fprintf(&csv, "p%d,Patient %d,p%d@example.org,,en,US,%s,false,,,,ehr\n", i, i, i, state)
	}
	writeFile(t, dir, "subjects.csv", csv.String())
	inv := writeFile(t, dir, "inventory.yaml", `schema: breach.inventory/v1
organization:
  name: Example Clinic
  website: https://clinic.example
  establishment: US
  hipaa_covered_entity: true
  contact: { name: Privacy Office, email: privacy@clinic.example, phone: "+1 800 555 0100" }
systems:
  - id: ehr
    name: Health records
    categories: [name, date_of_birth, health, national_id]
subjects: subjects.csv
`)
	now := discoveredAt(t, exampleIncident).Add(48 * time.Hour)
	x := assessFiles(t, inv, "../cmd/breach/testdata/assess/health-hipaa/incident.json", now)
	x.in.Mitigation.Measures = []string{"Reset every clinician password"}
	d, err := Build(x.input(t, "US-HIPAA", now))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	forms := regulators.ReportForms("US-HIPAA")
	for _, f := range d.Filings {
		got[f.ID] = f.Subjects
		if f.Place != "" && (f.NoticeCopy == nil || f.NoticeCopy.Error != "") {
			t.Errorf("%s: got notice copy %+v, want the notice text", f.ID, f.NoticeCopy)
		}
		checkFiling(t, f.ID, forms[slices.IndexFunc(forms, func(fm regulators.ReportForm) bool { return fm.ID == f.Form })], f)
	}
	want := map[string]int{"US-HIPAA": 520, "US-HIPAA/media/TX": 507}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("filings (-want +got):\n%s", diff)
	}
}

// TestOrganisationFromInventory checks that the inventory's organisation
// fills the draft when Input.Organization is empty, and that with no
// organisation at all the contact is missing.
func TestOrganisationFromInventory(t *testing.T) {
	now := discoveredAt(t, exampleIncident).Add(time.Hour)
	x := assessFiles(t, exampleInventory, exampleIncident, now)
	contact := func(in Input) Field {
		t.Helper()
		d, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		f := d.Filings[0]
		return f.Fields[slices.IndexFunc(f.Fields, func(fl Field) bool { return fl.ID == "contact" })]
	}
	noContact := *x.in
	noContact.Contact = nil
	in := x.input(t, "CN-PIPL", now)
	in.Incident, in.Organization = &noContact, inventory.Organization{}
	if got := contact(in); !strings.Contains(got.Value, "privacy@store.example") {
		t.Errorf("from the inventory: got %q (missing %q), want the inventory's contact", got.Value, got.Missing)
	}
	in.Inventory = nil
	if got := contact(in); got.Value != "" || !strings.Contains(got.Missing, "neither the incident nor the inventory") {
		t.Errorf("with no organisation: got %q (missing %q), want it missing", got.Value, got.Missing)
	}
}
