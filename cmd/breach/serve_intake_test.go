package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
)

// These tests drive a real `breach serve` through its NATS intake.

const dlqOriginalID = "INC-DLQ-ORIGINAL"

// dlqDoc is a valid incident; the malformed shapes are variations of it.
func dlqDoc(id string, title string) string {
	return fmt.Sprintf(`{"schema":"breach.incident/v1","id":%q,"revision":1,"title":%q,"discovered_at":"2026-11-20T09:00:00Z","cause":"exfiltration","affected":[{"system":"orders-db"}]}`, id, title)
}

// malformedShape builds the i-th document of one kind of bad input; reason
// is a part of the Breach-Error header intake must give it.
type malformedShape struct {
	name, reason string
	build        func(i int) []byte
}

func malformedShapes() []malformedShape {
	valid := func(i int) string { return dlqDoc(fmt.Sprintf("INC-DLQ-%04d", i), fmt.Sprintf("Malformed %d", i)) }
	replace := func(old, new string) func(int) []byte {
		return func(i int) []byte { return []byte(strings.Replace(valid(i), old, new, 1)) }
	}
	return []malformedShape{
		{"empty", "document is empty", func(i int) []byte { return []byte(strings.Repeat(" ", i%3) + strings.Repeat("\n", i/3)) }},
		{"not json", "not a JSON object", func(i int) []byte { return fmt.Appendf(nil, "hello, intake %d", i) }},
		{"json array", "not a JSON object", func(i int) []byte { return fmt.Appendf(nil, `[%d, {"schema":"breach.incident/v1"}]`, i) }},
		{"json string", "not a JSON object", func(i int) []byte { return fmt.Appendf(nil, `"incident %d"`, i) }},
		{"json null", "not a JSON object", func(i int) []byte { return fmt.Appendf(nil, "%snull", strings.Repeat(" ", i%5)) }},
		{"binary", "not a JSON object", func(i int) []byte { return []byte{0, 1, 2, 3, byte(i % 100), byte(i / 100)} }},
		{"invalid utf-8", "UTF-8", func(i int) []byte { return fmt.Appendf(nil, "{\"title\":\"\xff\xfe %d\"}", i) }},
		{"truncated", "JSON ends early", func(i int) []byte { v := valid(i); return []byte(v[:len(v)/2]) }},
		{"syntax error", "not valid JSON", func(i int) []byte { return fmt.Appendf(nil, `{"title": %d,,}`, i) }},
		{"too deep", "exceeded max depth", func(i int) []byte {
			return []byte(`{"title":` + strings.Repeat("[", 10001+i) + strings.Repeat("]", 10001+i) + "}")
		}},
		{"trailing data", "after the JSON object", func(i int) []byte { return fmt.Appendf(nil, `%s{"again":%d}`, valid(i), i) }},
		{"wrong schema", "schema", replace("breach.incident/v1", "breach.incident/v9")},
		{"no schema", "schema", replace(`"schema":"breach.incident/v1",`, "")},
		{"unknown field", "unknown field", replace(`"title"`, `"severity":"high","title"`)},
		{"wrong type", "revision", replace(`"revision":1`, `"revision":"one"`)},
		{"negative revision", "revision", replace(`"revision":1`, `"revision":-3`)},
		{"no title", "title", replace(`"title":`, `"description":`)},
		{"bad id", "id", func(i int) []byte { return []byte(strings.Replace(valid(i), "INC-DLQ-", "INC.DLQ.*.", 1)) }},
		{"bad time", "discovered_at", replace("2026-11-20T09:00:00Z", "yesterday morning")},
		{"bad cause", "cause", replace("exfiltration", "sabotage")},
		{"no affected", "affected", replace(`[{"system":"orders-db"}]`, "[]")},
		{"affected not a list", "affected", replace(`[{"system":"orders-db"}]`, `{"system":"orders-db"}`)},
		{"cloudevent without data", "CloudEvent carries no incident", func(i int) []byte {
			return fmt.Appendf(nil, `{"specversion":"1.0","type":"breach.incident","source":"detector:test","id":"ce-%d"}`, i)
		}},
		{"cloudevent bad data", "cause", func(i int) []byte {
			return fmt.Appendf(nil, `{"specversion":"1.0","type":"breach.incident","source":"detector:test","id":"ce-%d","data":%s}`,
				i, strings.Replace(valid(i), "exfiltration", "sabotage", 1))
		}},
		{"cloudevent bad base64", "data_base64", func(i int) []byte {
			return fmt.Appendf(nil, `{"specversion":"1.0","type":"breach.incident","source":"detector:test","id":"ce-%d","data_base64":"!!%d!!"}`, i, i)
		}},
		{"cloudevent old spec", "specversion", func(i int) []byte {
			return fmt.Appendf(nil, `{"specversion":"0.3","type":"breach.incident","source":"detector:test","id":"ce-%d","data_base64":%q}`,
				i, base64.StdEncoding.EncodeToString([]byte(valid(i))))
		}},
		{"conflicting revision", "already received with different content", func(i int) []byte {
			return []byte(dlqDoc(dlqOriginalID, fmt.Sprintf("Changed without a new revision %d", i)))
		}},
	}
}

// hugeDoc is larger than incident.MaxDocumentBytes but fits the embedded
// server's 8 MiB payload limit.
func hugeDoc(i int) []byte {
	return []byte(dlqDoc(fmt.Sprintf("INC-DLQ-HUGE-%d", i), strings.Repeat("x", incident.MaxDocumentBytes+i)))
}

// readyzPoller asks /readyz back to back until stopped, and remembers
// every answer that is not 200.
type readyzPoller struct {
	polls    int
	failures []string
	stop     chan struct{}
	done     chan struct{}
}

func pollReadyz(addr string) *readyzPoller {
	r := &readyzPoller{stop: make(chan struct{}), done: make(chan struct{})}
	client := &http.Client{Timeout: 2 * time.Second}
	go func() {
		defer close(r.done)
		for {
			select {
			case <-r.stop:
				return
			default:
			}
			r.polls++
			resp, err := client.Get("http://" + addr + "/readyz")
			if err != nil {
				r.failures = append(r.failures, err.Error())
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				r.failures = append(r.failures, fmt.Sprintf("%s: %s", resp.Status, body))
			}
		}
	}()
	return r
}

func (r *readyzPoller) finish() (polls int, failures []string) {
	close(r.stop)
	<-r.done
	return r.polls, r.failures
}

// TestServeDeadLettersMalformed publishes 1,000 malformed documents of many
// shapes straight to the NATS server of a running `breach serve`: every one
// must land in DEADLETTER byte for byte with its reason, /readyz must stay
// 200 throughout and /metrics must count 1,000 rejections.
func TestServeDeadLettersMalformed(t *testing.T) {
	requireIntegration(t)
	const n = 1000
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p := newServeProc(t, t.TempDir())
	p.start()
	js, det := p.jetStream(t), p.detector(t)

	// The original that the "conflicting revision" documents contradict is
	// stored first, so it is the one that stands.
	if err := publishAll(ctx, det, "breach.incident.submit", [][]byte{[]byte(dlqDoc(dlqOriginalID, "The original"))}, []string{dlqOriginalID + "/1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.waitMetric(ctx, "breach_incidents_stored_total", func(v float64) bool { return v == 1 }); err != nil {
		t.Fatalf("the original incident was not stored: %v\n%s", err, p.logs)
	}

	// Documents above the INCIDENTS stream's message limit never reach
	// intake: the stream refuses them to their publisher.
	for _, i := range []int{7, 407} {
		m := &nats.Msg{Subject: "breach.incident.submit", Data: hugeDoc(i)}
		if _, err := det.PublishMsg(ctx, m); err == nil || !strings.Contains(err.Error(), "maximum") {
			t.Fatalf("publish a huge document: got %v, want a refusal naming the maximum", err)
		}
	}

	shapes := malformedShapes()
	docs := make([][]byte, n)
	shapeOf := map[string]int{} // document -> index in shapes
	sent := map[string]int{}
	for i := range n {
		s := i % len(shapes)
		docs[i] = shapes[s].build(i)
		if prev, ok := shapeOf[string(docs[i])]; ok && prev != s {
			t.Fatalf("shapes %d and %d built the same document %q", prev, s, docs[i])
		}
		shapeOf[string(docs[i])] = s
		sent[string(docs[i])]++
	}
	for i, d := range docs {
		s := shapeOf[string(d)]
		if _, err := incident.Decode(d); err == nil && (s < 0 || shapes[s].name != "conflicting revision") {
			t.Fatalf("test bug: document %d (shape %d) is valid", i, s)
		}
	}

	poll := pollReadyz(p.httpAddr)
	began := time.Now()
	if err := publishAll(ctx, det, "breach.incident.submit", docs, nil); err != nil {
		poll.finish()
		t.Fatal(err)
	}
	rejected, err := p.waitMetric(ctx, "breach_incidents_rejected_total", func(v float64) bool { return v >= n })
	took := time.Since(began)
	polls, failures := poll.finish()
	if err != nil {
		t.Fatalf("breach_incidents_rejected_total: %v\n%s", err, p.logs)
	}
	t.Logf("%d malformed documents dead-lettered %s after the first publish; /readyz polled %d times", n, took.Round(time.Millisecond), polls)
	if rejected != n {
		t.Errorf("breach_incidents_rejected_total: got %v, want %d", rejected, n)
	}
	if len(failures) > 0 {
		t.Errorf("/readyz failed %d of %d times while dead-lettering, first: %s", len(failures), polls, failures[0])
	}
	if polls < 5 {
		t.Errorf("/readyz was polled %d times, want at least 5 (the check proved nothing)", polls)
	}

	dlq, err := readStream(ctx, js, "DEADLETTER")
	if err != nil {
		t.Fatal(err)
	}
	if len(dlq) != n {
		t.Errorf("DEADLETTER holds %d messages, want %d", len(dlq), n)
	}
	got := map[string]int{}
	badReasons := map[string]int{}
	for _, m := range dlq {
		got[string(m.Data)]++
		reason := m.Header.Get("Breach-Error")
		s, known := shapeOf[string(m.Data)]
		switch {
		case !known:
			// Reported below as a document that was not sent.
		case reason == "":
			badReasons["(no Breach-Error)"]++
		case s == -1 && !strings.Contains(reason, "larger than the"):
			badReasons[fmt.Sprintf("huge: %q", reason)]++
		case s >= 0 && !strings.Contains(reason, shapes[s].reason):
			badReasons[fmt.Sprintf("%s: got %q, want it to contain %q", shapes[s].name, reason, shapes[s].reason)]++
		}
		if m.Subject != "breach.deadletter.intake" {
			badReasons[fmt.Sprintf("subject %q, want breach.deadletter.intake", m.Subject)]++
		}
		if got := m.Header.Get("Breach-Original-Subject"); got != "breach.incident.submit" {
			badReasons[fmt.Sprintf("Breach-Original-Subject %q, want breach.incident.submit", got)]++
		}
	}
	if testing.Verbose() {
		logged := map[int]bool{}
		for _, m := range dlq {
			if s, ok := shapeOf[string(m.Data)]; ok && !logged[s] {
				logged[s] = true
				name := "huge"
				if s >= 0 {
					name = shapes[s].name
				}
				t.Logf("%s: %s", name, m.Header.Get("Breach-Error"))
			}
		}
	}
	for r, c := range badReasons {
		t.Errorf("%d dead letters: %s", c, r)
	}
	if !mapsEqual(sent, got) {
		missing, extra := 0, 0
		for d, c := range sent {
			missing += max(c-got[d], 0)
		}
		for d, c := range got {
			extra += max(c-sent[d], 0)
		}
		t.Errorf("DEADLETTER does not hold the published documents byte for byte: %d missing, %d not sent", missing, extra)
	}

	// Nothing malformed reached the store; the original is untouched.
	seen, err := p.listIncidents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{dlqOriginalID: 1}; !cmp.Equal(seen, want) {
		t.Errorf("stored incidents: got %v, want %v", seen, want)
	}
	var view struct {
		Incident struct{ Title string } `json:"incident"`
	}
	if err := p.getJSON(ctx, "/api/v1/incidents/"+dlqOriginalID, &view); err != nil {
		t.Fatal(err)
	}
	if view.Incident.Title != "The original" {
		t.Errorf("title of %s: got %q, want %q", dlqOriginalID, view.Incident.Title, "The original")
	}
	m, err := p.metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := m["breach_incidents_stored_total"]; got != 1 {
		t.Errorf("breach_incidents_stored_total: got %v, want 1", got)
	}
	if _, err := p.stop(10 * time.Second); err != nil {
		t.Error(err)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// serveCLI runs the breach command line in-process.
func serveCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestServeCLISubmitAndShow submits the example incident with `breach
// incident submit` to a `breach serve` that has the example inventory, and
// reads it back with `breach incident show`, assessment included; the
// assessment must agree with the offline `breach assess`.
func TestServeCLISubmitAndShow(t *testing.T) {
	requireIntegration(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	inv, err := filepath.Abs("../../examples/seestar/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file, err := filepath.Abs("../../examples/seestar/incidents/01-exfiltration-orders.json")
	if err != nil {
		t.Fatal(err)
	}
	p := newServeProc(t, t.TempDir(), "--inventory", inv)
	p.start()
	// The CLI reads the admin token the service wrote in its data
	// directory, as on the machine that runs the service.
	t.Setenv("BREACH_DATA_DIR", p.dataDir)

	out, errOut, code := serveCLI(t, "incident", "submit", "-f", file, "--nats-url", p.natsURL(), "--nats-creds", p.creds(natsbus.RoleDetector))
	if code != 0 {
		t.Fatalf("incident submit: exit %d, stderr %q", code, errOut)
	}
	const id = "INC-2026-0042"
	if got := strings.TrimSpace(out); got != id {
		t.Fatalf("incident submit printed %q, want %q", got, id)
	}

	// Wait until the service has assessed it.
	server := "http://" + p.httpAddr
	var show string
	for {
		out, errOut, code := serveCLI(t, "incident", "show", id, "--server", server)
		if code == 0 && strings.Contains(out, "\nBreach assessment "+id) {
			show = out
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("incident show never included an assessment: exit %d, stdout:\n%s\nstderr %q\nserver log:\n%s", code, out, errOut, p.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The offline assessment is the reference.
	out, errOut, code = serveCLI(t, "assess", "--inventory", inv, "--incident", file, "--format", "json")
	if code != 0 {
		t.Fatalf("assess: exit %d, stderr %q", code, errOut)
	}
	var want struct {
		Risk     string `json:"risk"`
		Subjects struct {
			Total          int            `json:"total"`
			ByJurisdiction map[string]int `json:"by_jurisdiction"`
		} `json:"subjects"`
		Severity struct {
			Level string `json:"level"`
		} `json:"severity"`
		Obligations []struct {
			Jurisdiction      string `json:"jurisdiction"`
			Subjects          int    `json:"subjects"`
			NotifyRegulator   bool   `json:"notify_regulator"`
			NotifyIndividuals bool   `json:"notify_individuals"`
		} `json:"obligations"`
	}
	if err := json.Unmarshal([]byte(out), &want); err != nil {
		t.Fatalf("assess output: %v", err)
	}
	if len(want.Obligations) == 0 || want.Risk == "" {
		t.Fatalf("test bug: the offline assessment has no risk or obligations:\n%s", out)
	}

	t.Run("text", func(t *testing.T) {
		for _, re := range []string{
			`(?m)^Incident ` + id + ` \(revision 1, `,
			`(?m)^  Title:\s+Order database copied by an intruder$`,
			// The assessment is the report of breach assess --format text.
			`(?m)^Risk: ` + regexp.QuoteMeta(want.Risk) + `$`,
			`(?m)^SE = DPC .* -> ` + regexp.QuoteMeta(strings.ReplaceAll(want.Severity.Level, "_", " ")) + `$`,
			fmt.Sprintf(`(?m)^%s, `, counted(want.Subjects.Total, "person", "people")),
			`(?m)^Duties by jurisdiction$`,
		} {
			if !regexp.MustCompile(re).MatchString(show) {
				t.Errorf("incident show: no line matches %s in\n%s", re, show)
			}
		}
		for _, o := range want.Obligations {
			re := fmt.Sprintf(`(?m)^%s \(%s\)`, regexp.QuoteMeta(o.Jurisdiction), counted(o.Subjects, "person", "people"))
			if !regexp.MustCompile(re).MatchString(show) {
				t.Errorf("incident show: no duty line for %s with %d people in\n%s", o.Jurisdiction, o.Subjects, show)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		out, errOut, code := serveCLI(t, "incident", "show", id, "--server", server, "--json")
		if code != 0 {
			t.Fatalf("incident show --json: exit %d, stderr %q", code, errOut)
		}
		var got struct {
			Incident struct {
				Incident struct {
					ID string `json:"id"`
				} `json:"incident"`
			} `json:"incident"`
			Assessment json.RawMessage `json:"assessment"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("incident show --json: %v\n%s", err, out)
		}
		if got.Incident.Incident.ID != id {
			t.Errorf("incident id: got %q, want %q", got.Incident.Incident.ID, id)
		}
		gotA := want
		gotA.Obligations, gotA.Subjects.ByJurisdiction = nil, nil
		if err := json.Unmarshal(got.Assessment, &gotA); err != nil {
			t.Fatalf("assessment: %v\n%s", err, got.Assessment)
		}
		if diff := cmp.Diff(want, gotA); diff != "" {
			t.Errorf("service assessment differs from `breach assess` (-offline +service):\n%s", diff)
		}
	})

	t.Run("resubmit is a duplicate", func(t *testing.T) {
		out, errOut, code := serveCLI(t, "incident", "submit", "-f", file, "--nats-url", p.natsURL(), "--nats-creds", p.creds(natsbus.RoleDetector))
		if code != 0 {
			t.Fatalf("incident submit: exit %d, stderr %q", code, errOut)
		}
		if got, want := strings.TrimSpace(out), id+" duplicate"; got != want {
			t.Errorf("second submit printed %q, want %q", got, want)
		}
	})
	if _, err := p.stop(10 * time.Second); err != nil {
		t.Error(err)
	}
}

// TestServeExternalNATS runs `breach serve` against an external nats-server
// (BREACH_TEST_NATS_URL) under a prefix and stream names of its own, so runs
// sharing the server do not meet, and deletes its streams at the end.
func TestServeExternalNATS(t *testing.T) {
	requireIntegration(t)
	url := os.Getenv("BREACH_TEST_NATS_URL")
	if url == "" {
		t.Skipf("set BREACH_TEST_NATS_URL to run (e.g. nats://127.0.0.1:4222, a nats-server with JetStream)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	tag := "t" + hex.EncodeToString(b[:])
	streams := map[string]string{
		"INCIDENTS":  tag + "_INCIDENTS",
		"NOTICES":    tag + "_NOTICES",
		"DEADLETTER": tag + "_DEADLETTER",
		"EVENTS":     tag + "_EVENTS",
	}
	js := connectJetStream(t, url)
	// Registered before the process starts, so it runs after the process
	// is gone.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		for _, name := range streams {
			if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
				t.Errorf("delete stream %s: %v", name, err)
			}
		}
	})
	p := newServeProc(t, t.TempDir(), "--nats-url", url)
	// Replicas on a shared bus share the notice key; none is generated.
	p.env = []string{"BREACH_NATS_PREFIX=" + tag, "BREACH_NOTICE_KEY=" + strings.Repeat("k", 32)}
	for def, name := range streams {
		p.env = append(p.env, "BREACH_NATS_STREAMS_"+def+"="+name)
	}
	p.start()
	for _, name := range streams {
		if _, err := js.Stream(ctx, name); err != nil {
			t.Errorf("stream %s on the external server: %v", name, err)
		}
	}

	id := "INC-EXT-" + tag
	docs := [][]byte{[]byte(dlqDoc(id, "External NATS")), []byte(`{"schema":"breach.incident/v1"}`)}
	if err := publishAll(ctx, js, tag+".incident.submit", docs, []string{id + "/1", id + "-bad/1"}); err != nil {
		t.Fatal(err)
	}
	for {
		var view struct {
			Incident struct{ Title string } `json:"incident"`
		}
		err := p.getJSON(ctx, "/api/v1/incidents/"+id, &view)
		if err == nil {
			if view.Incident.Title != "External NATS" {
				t.Errorf("title: got %q, want %q", view.Incident.Title, "External NATS")
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("incident %s not stored: %v\n%s", id, err, p.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	received, err := subjectCounts(ctx, js, streams["EVENTS"], tag+".event.*.received")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]uint64{tag + ".event." + id + ".received": 1}; !cmp.Equal(received, want) {
		t.Errorf("received events: got %v, want %v", received, want)
	}
	var dlq []*jetstream.RawStreamMsg
	for {
		if dlq, err = readStream(ctx, js, streams["DEADLETTER"]); err == nil && len(dlq) > 0 || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(dlq) != 1 {
		t.Fatalf("%s: got %d messages (%v), want 1", streams["DEADLETTER"], len(dlq), err)
	}
	if got, want := dlq[0].Subject, tag+".deadletter.intake"; got != want {
		t.Errorf("dead letter subject: got %q, want %q", got, want)
	}
	if !bytes.Equal(dlq[0].Data, docs[1]) {
		t.Errorf("dead letter data: got %q, want %q", dlq[0].Data, docs[1])
	}
	if got := dlq[0].Header.Get("Breach-Error"); !strings.Contains(got, "title") {
		t.Errorf("Breach-Error: got %q, want it to name the missing title", got)
	}
	// The service made exactly this run's four streams.
	if names := streamNamesWithPrefix(ctx, js, tag); !slices.Equal(names, sortedValues(streams)) {
		t.Errorf("streams of this run: got %v, want %v", names, sortedValues(streams))
	}
	if _, err := p.stop(10 * time.Second); err != nil {
		t.Error(err)
	}
}

func streamNamesWithPrefix(ctx context.Context, js jetstream.JetStream, prefix string) []string {
	var out []string
	names := js.StreamNames(ctx)
	for name := range names.Name() {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func sortedValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
