package letter

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/notifytest"
	"github.com/breach-notify/breach/templates"
)

const (
	testRef  = "INC-2026-0042"
	testCode = "8DAWV-8FKKR"
)

var testNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// needFonts skips t when the default fonts are not installed.
func needFonts(t testing.TB) {
	t.Helper()
	for _, f := range []struct{ path, pkg string }{{DefaultFontFile, "fonts-dejavu-core"}, {DefaultCJKFontFile, "fonts-droid-fallback"}} {
		if _, err := os.Stat(f.path); err != nil {
			t.Skipf("font %s missing: apt-get install %s to run this test", f.path, f.pkg)
		}
	}
}

// needTool skips t when a poppler-utils program is not installed.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s missing: apt-get install poppler-utils to run this test", name)
	}
	return p
}

// rendered returns a real letter text from the notice templates.
func rendered(t testing.TB, locale, name, address string) string {
	t.Helper()
	return renderedNotice(t, templates.Notice{Locale: locale, Recipient: templates.Recipient{Name: name, PostalAddress: address}})
}

// templateSet parses the notice templates once for every test.
var templateSet = sync.OnceValues(func() (*templates.Set, error) { return templates.New(templates.Options{}) })

// renderedNotice renders the letter of n with the test incident's facts.
func renderedNotice(t testing.TB, n templates.Notice) string {
	t.Helper()
	set, err := templateSet()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	out, err := set.Render(templates.ChannelLetter, templates.Notice{
		Locale:    n.Locale,
		Guardian:  n.Guardian,
		Recipient: n.Recipient,
		Org: templates.Org{Name: "Seestar Store", Website: "https://store.example", ContactName: "Data Protection Officer",
			ContactEmail: "privacy@store.example", ContactPhone: "+1 800 555 0100"},
		Incident: templates.IncidentFacts{Reference: testRef, Title: "Order database copied by an intruder",
			Description:  "An intruder used a stolen access key to copy part of our order database.",
			DiscoveredAt: at, Categories: []string{"name", "email", "postal_address", "password_hash"},
			Measures: []string{"Revoked the stolen access key"}, Advice: []string{"Change your password"}},
		VerificationCode: testCode, AnnouncementURL: "https://store.example/security/" + testRef,
		NoticeVersion: 1, Date: testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Text
}

func newNotifier(t testing.TB, dir string) (*Notifier, *notifytest.Log) {
	t.Helper()
	needFonts(t)
	log := notifytest.NewLog()
	n, err := New(Config{Dir: dir}, log.Entry, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n, log
}

func message(key, locale, name, address, text string) *notify.Message {
	return &notify.Message{Key: key, IncidentID: testRef, SubjectID: "u-17", Channel: notify.ChannelLetter,
		To: address, ToName: name, Locale: locale, Text: text, VerificationCode: testCode}
}

// pdfText extracts a PDF's text, or only the given area of page 1 (x, y,
// width, height in millimetres from the top left corner).
func pdfText(t *testing.T, path string, area ...float64) string {
	t.Helper()
	args := []string{"-layout"}
	if len(area) == 4 {
		// At 254 dpi a millimetre is ten pixels.
		args = []string{"-f", "1", "-l", "1", "-r", "254", "-x", px(area[0]), "-y", px(area[1]), "-W", px(area[2]), "-H", px(area[3])}
	}
	out, err := exec.Command(needTool(t, "pdftotext"), append(args, path, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return string(out)
}

// px is a length in millimetres as pixels at 254 dpi.
func px(mm float64) string { return strconv.Itoa(int(math.Round(mm * 10))) }

func TestLetterPDFHasAddressReferenceAndChineseName(t *testing.T) {
	needTool(t, "pdftotext")
	dir := t.TempDir()
	n, _ := newNotifier(t, dir)
	const name = "张伟"
	address := "Flat 3, 12 Harbour Road;Springfield 12345;Exampleland"
	id, err := n.Notify(t.Context(), message("notice/INC-2026-0042/u-17/letter/v1", "zh-CN", name, address,
		rendered(t, "zh-CN", name, address)))
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	path := filepath.Join(dir, strings.TrimPrefix(id, ProviderPrefix))
	all := pdfText(t, path)
	for _, want := range []string{name, testRef, testCode, "Flat 3, 12 Harbour Road", "Springfield 12345", "Exampleland",
		"关于您个人信息的重要通知", "Seestar Store"} {
		if !strings.Contains(all, want) {
			t.Errorf("pdf text lacks %q:\n%s", want, all)
		}
	}
	// The envelope window (address zone of the DIN 5008 form B field)
	// shows the name and the address, and nothing of the notice.
	window := pdfText(t, path, windowX, addressY, windowW, addressH)
	for _, want := range []string{name, "Flat 3, 12 Harbour Road", "Springfield 12345", "Exampleland"} {
		if !strings.Contains(window, want) {
			t.Errorf("envelope window lacks %q; it shows:\n%s", want, window)
		}
	}
	for _, not := range []string{testCode, "关于您个人信息的重要通知", "privacy@store.example"} {
		if strings.Contains(window, not) {
			t.Errorf("envelope window shows %q:\n%s", not, window)
		}
	}
	// The return address line sits in the remark zone above.
	remark := pdfText(t, path, windowX, windowY, windowW, remarkH)
	if !strings.Contains(remark, "Seestar Store") {
		t.Errorf("remark zone lacks the return address; it shows:\n%s", remark)
	}
	if got := fonts(t, path); len(got) != 2 {
		t.Errorf("got embedded fonts %q, want the main and the CJK font", got)
	}
}

// fonts lists a PDF's embedded fonts with pdffonts.
func fonts(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdffonts"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v: %s", err, out)
	}
	var names []string
	for _, l := range strings.Split(string(out), "\n")[2:] {
		f := strings.Fields(l)
		if len(f) < 5 {
			continue
		}
		if !strings.Contains(l, " yes ") {
			t.Errorf("font %s is not embedded: %s", f[0], l)
		}
		names = append(names, f[0])
	}
	return names
}

func TestLatinLetterEmbedsOnlyTheMainFont(t *testing.T) {
	needTool(t, "pdftotext")
	dir := t.TempDir()
	n, _ := newNotifier(t, dir)
	address := "Müllerstraße 7\n80331 München\nDeutschland"
	id, err := n.Notify(t.Context(), message("k-de", "de", "Jürgen Größ", address, rendered(t, "de", "Jürgen Größ", address)))
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	path := filepath.Join(dir, strings.TrimPrefix(id, ProviderPrefix))
	all := pdfText(t, path)
	for _, want := range []string{"Jürgen Größ", "Müllerstraße 7", "80331 München", testRef, testCode} {
		if !strings.Contains(all, want) {
			t.Errorf("pdf text lacks %q", want)
		}
	}
	if got := fonts(t, path); len(got) != 1 {
		t.Errorf("got embedded fonts %q, want only the main font", got)
	}
}

func TestGuardianLetterIsAddressedToTheParent(t *testing.T) {
	needTool(t, "pdftotext")
	dir := t.TempDir()
	n, _ := newNotifier(t, dir)
	address := "12 Harbour Road;Springfield 12345;Exampleland"
	text := renderedNotice(t, templates.Notice{Locale: "en", Guardian: true,
		Recipient: templates.Recipient{ChildName: "Sam Doe", PostalAddress: address}})
	id, err := n.Notify(t.Context(), message("k-guardian", "en", "", address, text))
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	window := pdfText(t, filepath.Join(dir, strings.TrimPrefix(id, ProviderPrefix)), windowX, addressY, windowW, addressH)
	for _, want := range []string{"Parent or guardian of Sam Doe", "12 Harbour Road", "Exampleland"} {
		if !strings.Contains(window, want) {
			t.Errorf("envelope window lacks %q; it shows:\n%s", want, window)
		}
	}
	rows := readCSV(t, filepath.Join(dir, testRef, ManifestName))
	if len(rows) != 2 || rows[1][2] != "Parent or guardian of Sam Doe" {
		t.Errorf("got manifest %q, want the parent as recipient", rows)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("manifest is not CSV: %v", err)
	}
	return rows
}

func TestBatchManifest(t *testing.T) {
	dir := t.TempDir()
	n, log := newNotifier(t, dir)
	a1, a2 := "12 Harbour Road;Springfield 12345;Exampleland", "=SUM(A1:A9);Flat 1;Testville"
	m1 := message("notice/INC-2026-0042/u-17/letter/v1", "en", "Jane Doe", a1, rendered(t, "en", "Jane Doe", a1))
	m2 := message("notice/INC-2026-0042/u-42/letter/v1", "zh-CN", "李娜", a2, rendered(t, "zh-CN", "李娜", a2))
	var ids []string
	for _, m := range []*notify.Message{m1, m2, m1} {
		id, err := n.Notify(t.Context(), m)
		if err != nil {
			t.Fatalf("Notify: %v", err)
		}
		ids = append(ids, id)
	}
	if ids[0] != ids[2] || ids[0] == ids[1] {
		t.Errorf("got ids %q, want the retry to give the first id and the second person another", ids)
	}
	if want := ProviderPrefix + testRef + "/" + FileName(m1.Key); ids[0] != want {
		t.Errorf("got id %q, want %q", ids[0], want)
	}
	rows := readCSV(t, filepath.Join(dir, testRef, ManifestName))
	want := [][]string{ManifestHeader,
		{FileName(m1.Key), testRef, "Jane Doe", "12 Harbour Road", "Springfield 12345", "Exampleland", "", "", "", "Exampleland", "2"},
		{FileName(m2.Key), testRef, "李娜", "'=SUM(A1:A9)", "Flat 1", "Testville", "", "", "", "Testville", "2"},
	}
	// Page counts depend on the fonts' metrics: compare them apart.
	for i := 1; i < len(rows) && i < len(want); i++ {
		if rows[i][len(rows[i])-1] == "" || rows[i][len(rows[i])-1] == "0" {
			t.Errorf("row %d has no page count", i)
		}
		want[i][len(want[i])-1] = rows[i][len(rows[i])-1]
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, testRef, ManifestName))
	for _, content := range []string{"Order database copied", "Change your password", testCode} {
		if strings.Contains(string(manifest), content) {
			t.Errorf("manifest carries notice content %q", content)
		}
	}
	for _, id := range ids[:2] {
		st, err := os.Stat(filepath.Join(dir, strings.TrimPrefix(id, ProviderPrefix)))
		if err != nil {
			t.Fatalf("letter file: %v", err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("got file mode %v, want 0600", st.Mode().Perm())
		}
	}
	notifytest.AssertNoLeak(t, nil, []string{"Jane Doe", "李娜", "12 Harbour Road", "Springfield 12345"}, nil, log.String())

	// A new process on the same directory does not list the letter twice.
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n2, _ := newNotifier(t, dir)
	if id, err := n2.Notify(t.Context(), m1); err != nil || id != ids[0] {
		t.Errorf("after restart: got %q, %v, want %q", id, err, ids[0])
	}
	if got := len(readCSV(t, filepath.Join(dir, testRef, ManifestName))); got != 3 {
		t.Errorf("after restart: got %d manifest rows, want 3", got)
	}
}

func TestConcurrentLetters(t *testing.T) {
	dir := t.TempDir()
	n, _ := newNotifier(t, dir)
	text := rendered(t, "en", "Jane Doe", "1 Road;Town")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			m := message("k-"+string(rune('a'+i)), "en", "Jane Doe", "1 Road;Town", text)
			if _, err := n.Notify(t.Context(), m); err != nil {
				t.Errorf("Notify: %v", err)
			}
		})
	}
	wg.Wait()
	if got := len(readCSV(t, filepath.Join(dir, testRef, ManifestName))); got != 9 {
		t.Errorf("got %d manifest rows, want header and 8", got)
	}
}

func TestNotifyRefuses(t *testing.T) {
	n, log := newNotifier(t, t.TempDir())
	text := rendered(t, "en", "Jane Doe", "1 Road;Town")
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		msg       *notify.Message
		permanent bool
		kind      error
	}{
		{"nil", t.Context(), nil, true, nil},
		{"no address", t.Context(), message("k", "en", "Jane Doe", " ; ", text), true, notify.ErrNoAddress},
		{"no text", t.Context(), message("k", "en", "Jane Doe", "1 Road;Town", " "), true, ErrInvalidLetter},
		{"no code", t.Context(), func() *notify.Message {
			m := message("k", "en", "Jane Doe", "1 Road;Town", text)
			m.VerificationCode = ""
			return m
		}(), true, ErrInvalidLetter},
		{"address too long", t.Context(), message("k", "en", "Jane Doe", "1;2;3;4;5;6;7", text), true, ErrInvalidLetter},
		{"script no font covers", t.Context(), message("k", "en", "Jane Doe", "1 Road;Town", text+"\n\U00013000\U00013001"), false, ErrMissingGlyphs},
		{"cancelled", cancelled, message("k", "en", "Jane Doe", "1 Road;Town", text), false, context.Canceled},
	}
	var errs []error
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := n.Notify(tt.ctx, tt.msg)
			errs = append(errs, err)
			var de *notify.DeliveryError
			if !errors.As(err, &de) || de.Permanent != tt.permanent {
				t.Fatalf("got %v, want a delivery error with permanent %v", err, tt.permanent)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("got %v, want it to wrap %v", err, tt.kind)
			}
		})
	}
	if !strings.Contains(errs[5].Error()+errors.Unwrap(errs[5]).Error(), "Egyptian_Hieroglyphs") {
		t.Errorf("got %v, want the missing script named", errors.Unwrap(errs[5]))
	}
	notifytest.AssertNoLeak(t, nil, []string{"Jane Doe", "1 Road", "\U00013000"}, errs, log.String())
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	ttc := filepath.Join(dir, "font.ttc")
	_ = os.WriteFile(ttc, []byte("ttcf\x00\x01\x00\x00rest"), 0o600)
	junk := filepath.Join(dir, "junk.ttf")
	_ = os.WriteFile(junk, []byte("this is not a font"), 0o600)
	broken := filepath.Join(dir, "broken.ttf")
	_ = os.WriteFile(broken, []byte("\x00\x01\x00\x00 truncated"), 0o600)
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"no dir", Config{FontFile: junk}, []string{"channels.letter.dir:"}},
		{"multi-line return address", Config{Dir: dir, ReturnAddress: "a\nb"}, []string{"channels.letter.return_address:"}},
		{"missing main font", Config{Dir: dir, FontFile: filepath.Join(dir, "nope.ttf")},
			[]string{"channels.letter.font_file:", "not found", "fonts-dejavu-core"}},
		{"missing cjk font", Config{Dir: dir, FontFile: DefaultFontFile, CJKFontFile: filepath.Join(dir, "nope.ttf")},
			[]string{"channels.letter.cjk_font_file:", "not found", "fonts-droid-fallback"}},
		{"collection", Config{Dir: dir, FontFile: ttc}, []string{"channels.letter.font_file:", ".ttc"}},
		{"not a font", Config{Dir: dir, FontFile: junk}, []string{"channels.letter.font_file:", "not a TrueType"}},
		{"broken font", Config{Dir: dir, FontFile: broken}, []string{"channels.letter.font_file:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.name, "cjk") {
				needFonts(t)
			}
			_, err := New(tt.cfg, nil)
			if err == nil {
				t.Fatalf("got nil, want an error naming %v", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestSplit(t *testing.T) {
	text := "Org\nprivacy@org.example\n\nJane Doe\n1 Road\nTown\n\nDate: 1 Jan\n\nTitle\n=====\nBody.\n"
	tests := []struct {
		name string
		l    Letter
		want parts
	}{
		{"address block found", Letter{ToName: "ignored", AddressLines: []string{"1 Road", "Town"}, Text: text},
			parts{sender: []string{"Org", "privacy@org.example"}, recipient: []string{"Jane Doe"},
				window: []string{"Jane Doe", "1 Road", "Town"}, body: []string{"Date: 1 Jan", "", "Title", "=====", "Body."}}},
		{"address block not in the text", Letter{ToName: "Jane Doe", AddressLines: []string{"2 Lane", "City"}, Text: "Just a body.\n"},
			parts{recipient: []string{"Jane Doe"}, window: []string{"Jane Doe", "2 Lane", "City"}, body: []string{"Just a body."}}},
		{"guardian without a name", Letter{AddressLines: []string{"2 Lane"}, Text: "Body"},
			parts{window: []string{"2 Lane"}, body: []string{"Body"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.l.split(), cmp.AllowUnexported(parts{})); diff != "" {
				t.Errorf("split (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddressLines(t *testing.T) {
	got := AddressLines(" 1 Road ;\r\nTown\n\n;Country ")
	if want := []string{"1 Road", "Town", "Country"}; !cmp.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRenderIsReproducible(t *testing.T) {
	needFonts(t)
	r, err := NewRenderer(Config{Dir: "x"}, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	l := Letter{Key: "k", Reference: testRef, VerificationCode: testCode, Locale: "en", ToName: "Jane Doe",
		AddressLines: []string{"1 Road", "Town"}, Text: rendered(t, "en", "Jane Doe", "1 Road;Town")}
	var a, b bytes.Buffer
	pa, err := r.Render(&a, l)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := r.Render(&b, l)
	if pa != pb || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two renders differ (%d and %d pages, %d and %d bytes)", pa, pb, a.Len(), b.Len())
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Errorf("got %q..., want a PDF", a.Bytes()[:8])
	}
}

// BenchmarkLetter lays out one notice letter per iteration and reports
// letters per second (the CJK letter embeds a second, 4 MB font).
func BenchmarkLetter(b *testing.B) {
	needFonts(b)
	r, err := NewRenderer(Config{Dir: "x"}, func() time.Time { return testNow })
	if err != nil {
		b.Fatal(err)
	}
	for _, loc := range []string{"en", "zh-CN"} {
		l := Letter{Key: "k", Reference: testRef, VerificationCode: testCode, Locale: loc, ToName: "张伟",
			AddressLines: []string{"1 Road", "Town"}, Text: rendered(b, loc, "张伟", "1 Road;Town")}
		b.Run(loc, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if _, err := r.Render(&buf, l); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
		})
	}
}
