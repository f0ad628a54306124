package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/internal/natsbus"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/report"
	"github.com/breach-notify/breach/store"
)

var update = flag.Bool("update", false, "rewrite the obligations golden files under <example>/testdata/obligations")

// e2eIncidents are the incidents each example runs through the service:
// every one of the examples built for this, and the demo's default plus
// the encrypted-laptop case of the Seestar Store, whose other incidents
// other tests cover.
func e2eIncidents(t *testing.T, ex examples.Example) []string {
	names, err := ex.Incidents()
	if err != nil {
		t.Fatal(err)
	}
	if ex.Name != "seestar" {
		return names
	}
	return []string{"incidents/" + ex.Incident, "incidents/04-lost-encrypted-laptop.json"}
}

// TestExamplesEndToEnd runs each example organisation in the real service
// (embedded NATS, SQLite, outbox channels): each incident is submitted on
// NATS as a detector would, assessed, approved, its notices written to the
// outbox, and the regulator report drafted. The assessment's obligations
// are pinned in <example>/testdata/obligations/<incident>.json (-update
// rewrites them), and every promise of the example's seed policy is
// checked by a subtest named after it (promises_test.go).
func TestExamplesEndToEnd(t *testing.T) {
	for _, ex := range examples.All() {
		t.Run(ex.Name, func(t *testing.T) {
			t.Parallel()
			h := startExample(t, ex)
			checked := map[string]bool{}
			for _, name := range e2eIncidents(t, ex) {
				base := strings.TrimSuffix(path.Base(name), ".json")
				t.Run(base, func(t *testing.T) {
					r := h.drive(t, name)
					checkGolden(t, ex, base, r.a)
					for _, p := range promises[ex.Name] {
						if p.incident == base {
							checked[p.name] = true
							t.Run(p.name, func(t *testing.T) { p.check(t, p, r) })
						}
					}
				})
			}
			for _, p := range promises[ex.Name] {
				if !checked[p.name] {
					t.Errorf("promise %q names incident %s, which did not run", p.name, p.incident)
				}
			}
			if len(promises[ex.Name]) == 0 {
				t.Errorf("no seed promise of %s (%s) is checked", ex.Name, ex.Seed)
			}
		})
	}
}

// harness is one example's running service.
type harness struct {
	ex  examples.Example
	dir string
	inv *inventory.Inventory
	svc *app.Service
}

func startExample(t *testing.T, ex examples.Example) *harness {
	return startExampleWith(t, ex, "")
}

// startExampleWith starts the example with its inventory's subject
// directory replaced by subjects (a file of the example), when not empty.
func startExampleWith(t *testing.T, ex examples.Example, subjects string) *harness {
	t.Helper()
	dir := t.TempDir()
	exDir := filepath.Join(dir, "example")
	if err := ex.WriteTo(exDir); err != nil {
		t.Fatal(err)
	}
	if subjects != "" {
		file := filepath.Join(exDir, "inventory.yaml")
		doc, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.LastIndex(doc, []byte("\nsubjects: "))
		if i < 0 {
			t.Fatalf("%s has no subjects key", file)
		}
		doc = append(doc[:i+1], []byte("subjects: "+subjects+"\n")...)
		if err := os.WriteFile(file, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Default()
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.Inventory = filepath.Join(exDir, "inventory.yaml")
	cfg.NATS.Listen = ""
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Public.Addr = "127.0.0.1:0"
	cfg.Log.Level = "error"
	// The example incidents are in English only (no translations yet).
	cfg.Campaign.MaxUntranslated = -1
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(cfg.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// The service's clock is a day after the example's latest discovery:
	// an incident discovered in the future is refused, and some examples
	// are set after a law's commencement.
	clock := exampleClock(t, ex)
	svc, err := app.Start(ctx, cfg, logging.Discard(), app.Options{Now: func() time.Time { return clock }})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("service stopped with %v", err)
		}
	})
	return &harness{ex: ex, dir: cfg.DataDir, inv: inv, svc: svc}
}

// run is one incident taken end to end.
type run struct {
	ex  examples.Example
	inv *inventory.Inventory
	in  *incident.Incident
	a   *assess.Assessment
	// entries are the ledger's rows: one per person, channel and route.
	entries []notify.Entry
	// notices are the texts in the outbox, by channel.
	notices map[notify.Channel][]outboxNotice
	// drafts are the regulator report drafts of every jurisdiction whose
	// regulator must be told.
	drafts map[string]*report.Draft
}

// outboxNotice is one notice as written to the outbox.
type outboxNotice struct {
	subject string
	to      string
	text    string // whitespace collapsed
}

// waitFor bounds each wait for the service; it only matters when a test
// fails, so it is generous for a loaded machine.
const waitFor = 90 * time.Second

func (h *harness) drive(t *testing.T, name string) *run {
	t.Helper()
	ctx := context.Background()
	raw, err := h.ex.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := incident.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	// Submit: on NATS, as a detector would.
	if _, err := natsbus.PublishIncident(ctx, h.svc.Bus().JetStream(), h.svc.Bus().Topics(), in, raw); err != nil {
		t.Fatal(err)
	}
	// Assess: the service's own assessment.
	a := waitAssessment(t, h.svc.Store(), in.ID)
	offline, err := assess.Assess(ctx, h.inv, in, a.AssessedAt)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(offline.Obligations, a.Obligations); diff != "" {
		t.Errorf("the service's obligations differ from `breach assess` (-offline +service):\n%s", diff)
	}
	r := &run{ex: h.ex, inv: h.inv, in: in, a: a, notices: map[notify.Channel][]outboxNotice{}, drafts: map[string]*report.Draft{}}
	// Approve and wait for the campaign, when any law requires telling
	// the people.
	if slices.ContainsFunc(a.Obligations, func(o regulators.Obligation) bool { return o.NotifyIndividuals }) {
		if _, err := h.svc.Approve(ctx, in.ID, "examples-e2e"); err != nil {
			t.Fatalf("approve: %v", err)
		}
		h.waitPlanned(t, in.ID)
		waitCampaign(t, h.svc.Store().Ledger(), in.ID)
	}
	err = h.svc.Store().Ledger().Each(ctx, in.ID, func(e notify.Entry) error {
		r.entries = append(r.entries, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.notices = readOutbox(t, filepath.Join(h.dir, "outbox"), in.ID)
	// Report drafts, as `breach report draft` makes them.
	now := in.DiscoveredAt.Add(2 * time.Hour)
	_, tally, err := report.AssessAndCount(ctx, h.inv, in, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, ob := range a.Obligations {
		if !ob.NotifyRegulator && !slices.ContainsFunc(ob.OtherNotices, func(n regulators.Notice) bool { return n.Required }) {
			continue
		}
		d, err := report.Build(report.Input{Incident: in, Assessment: a, Inventory: h.inv, People: tally, Jurisdiction: ob.Jurisdiction, Now: now})
		if err != nil {
			t.Fatalf("draft %s: %v", ob.Jurisdiction, err)
		}
		if err := report.WriteMarkdown(io.Discard, d); err != nil {
			t.Errorf("render the %s draft: %v", ob.Jurisdiction, err)
		}
		r.drafts[ob.Jurisdiction] = d
	}
	return r
}

func waitAssessment(t *testing.T, st store.Store, id string) *assess.Assessment {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		doc, _, err := st.GetAssessment(context.Background(), id)
		if err == nil {
			var a assess.Assessment
			if err := json.Unmarshal(doc, &a); err != nil {
				t.Fatal(err)
			}
			return &a
		}
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("incident %s not assessed within %s", id, waitFor)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitPlanned waits for the campaign.planned event: every notice of the
// campaign is in the ledger. Before it, the ledger can look complete while
// the planner is still at work (the unreachable are recorded at once, the
// others in batches).
func (h *harness) waitPlanned(t *testing.T, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	bus := h.svc.Bus()
	subject := bus.Topics().Event(id, string(incident.EventCampaignPlanned))
	cons, err := bus.JetStream().OrderedConsumer(ctx, bus.Streams().Events, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cons.Next(jetstream.FetchMaxWait(waitFor)); err != nil {
		t.Fatalf("no %s event within %s: %v", subject, waitFor, err)
	}
}

func waitCampaign(t *testing.T, l notify.Ledger, id string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		counts, err := l.Counts(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if counts.Complete() {
			return
		}
		if time.Now().After(deadline) {
			open, total := counts.Open()
			t.Fatalf("campaign of %s not done within %s: %d of %d notices open", id, waitFor, open, total)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// readOutbox reads the incident's notices from the outbox: e-mail from
// its .eml files (the text part), the other channels from their JSONL.
func readOutbox(t *testing.T, dir, id string) map[notify.Channel][]outboxNotice {
	t.Helper()
	out := map[notify.Channel][]outboxNotice{}
	emls, _ := filepath.Glob(filepath.Join(dir, "email", id, "*.eml"))
	for _, f := range emls {
		n, err := readEML(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[notify.ChannelEmail] = append(out[notify.ChannelEmail], n)
	}
	for _, ch := range []notify.Channel{notify.ChannelSMS, notify.ChannelPush, notify.ChannelVoice, notify.ChannelLetter} {
		data, err := os.ReadFile(filepath.Join(dir, string(ch)+".jsonl"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			var rec struct {
				Incident  string `json:"incident"`
				SubjectID string `json:"subject_id"`
				To        string `json:"to"`
				Subject   string `json:"subject"`
				Text      string `json:"text"`
			}
			if err := json.Unmarshal(line, &rec); err != nil {
				t.Fatalf("%s.jsonl: %v", ch, err)
			}
			if rec.Incident == id {
				out[ch] = append(out[ch], outboxNotice{subject: rec.SubjectID, to: rec.To, text: collapse(rec.Subject + " " + rec.Text)})
			}
		}
	}
	return out
}

// readEML returns the addressee, subject id and plain text of an .eml.
func readEML(file string) (outboxNotice, error) {
	f, err := os.Open(file)
	if err != nil {
		return outboxNotice{}, err
	}
	defer f.Close()
	m, err := mail.ReadMessage(f)
	if err != nil {
		return outboxNotice{}, err
	}
	n := outboxNotice{to: m.Header.Get("To")}
	// X-Breach-Notice: notice/<incident>/<subject>/email/v<n>
	if parts := strings.Split(m.Header.Get("X-Breach-Notice"), "/"); len(parts) == 5 {
		n.subject = parts[2]
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return n, err
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return n, errors.New("no text/plain part")
		}
		if err != nil {
			return n, err
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			continue
		}
		text, err := io.ReadAll(p) // NextPart decodes quoted-printable

		if err != nil {
			return n, err
		}
		n.text = collapse(subject + " " + string(text))
		return n, nil
	}
}

// collapse joins the lines of a text and collapses runs of white space, so
// a sentence wrapped by a template is found whole.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkGolden compares the assessment's obligations and public-notice
// decision with the golden file of the incident.
func checkGolden(t *testing.T, ex examples.Example, base string, a *assess.Assessment) {
	t.Helper()
	got, err := json.MarshalIndent(struct {
		Incident     string                  `json:"incident"`
		Subjects     assess.Subjects         `json:"subjects"`
		Risk         regulators.Risk         `json:"risk"`
		Obligations  []regulators.Obligation `json:"obligations"`
		PublicNotice assess.PublicNotice     `json:"public_notice"`
	}{a.Incident, a.Subjects, a.Risk, a.Obligations, a.PublicNotice}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	file := filepath.Join(ex.Name, "testdata", "obligations", base+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./examples -run TestExamplesEndToEnd -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("obligations of %s/%s differ from %s (-want +got); if the law's encoding changed on purpose, rerun with -update:\n%s", ex.Name, base, file, diff)
	}
}

// exampleClock is a day after the latest discovery among ex's incidents.
func exampleClock(t *testing.T, ex examples.Example) time.Time {
	t.Helper()
	names, err := ex.Incidents()
	if err != nil {
		t.Fatal(err)
	}
	var latest time.Time
	for _, n := range names {
		raw, err := ex.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		in, err := incident.Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if in.DiscoveredAt.After(latest) {
			latest = in.DiscoveredAt
		}
	}
	return latest.Add(24 * time.Hour)
}
