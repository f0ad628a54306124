package schema_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/obligation"
	"github.com/breach-notify/breach/regulators"
	"github.com/breach-notify/breach/report"
	"github.com/breach-notify/breach/web"
)

// docsDir is the repository's documentation, relative to this package.
const docsDir = "../docs"

// readDoc returns the page at path.
func readDoc(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eventPayloads maps each event kind to its payload type.
var eventPayloads = map[incident.EventKind]any{
	incident.EventReceived:              incident.Received{},
	incident.EventAssessmentRequested:   incident.AssessmentRequested{},
	incident.EventAssessed:              incident.Assessed{},
	incident.EventAssessmentFailed:      incident.AssessmentFailed{},
	incident.EventApproved:              incident.Approved{},
	incident.EventCampaignRequested:     incident.CampaignRequested{},
	incident.EventAwaitingApproval:      incident.CampaignNote{},
	incident.EventCampaignSkipped:       incident.CampaignNote{},
	incident.EventCampaignPlanned:       incident.CampaignPlanned{},
	incident.EventCampaignCompleted:     incident.CampaignCompleted{},
	incident.EventNoticeSent:            incident.NoticeOutcome{},
	incident.EventNoticeWritten:         incident.NoticeOutcome{},
	incident.EventNoticeDelivered:       incident.NoticeOutcome{},
	incident.EventNoticeFailed:          incident.NoticeOutcome{},
	incident.EventDeadlineWarning:       incident.DeadlineWarning{},
	incident.EventAnnouncementDue:       incident.AnnouncementNote{},
	incident.EventAnnouncementPublished: incident.AnnouncementNote{},
}

// TestSchemaDocsEvents checks that docs/events.md has a section for every
// kind of the event catalogue, listing every field of its payload.
func TestSchemaDocsEvents(t *testing.T) {
	page := string(readDoc(t, filepath.Join(docsDir, "events.md")))
	for _, kind := range incident.Kinds() {
		payload, ok := eventPayloads[kind]
		if !ok {
			t.Errorf("event kind %q has no payload in this test's table; add it, and its section to docs/events.md", kind)
			continue
		}
		head := "### `" + string(kind) + "`\n"
		start := strings.Index(page, head)
		if start < 0 {
			t.Errorf("docs/events.md has no section %q", strings.TrimSpace(head))
			continue
		}
		section := page[start+len(head):]
		if end := strings.Index(section, "\n### "); end >= 0 {
			section = section[:end]
		}
		var rows strings.Builder
		for line := range strings.Lines(section) {
			if first, _, _ := strings.Cut(line, " |"); strings.HasPrefix(first, "| `") {
				rows.WriteString(first)
			}
		}
		for f := range reflect.TypeOf(payload).Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || name == "" {
				continue
			}
			if !strings.Contains(rows.String(), "`"+name+"`") {
				t.Errorf("docs/events.md, section %s: field %q of %T is not described", kind, name, payload)
			}
		}
	}
}

// TestSchemaDocsSelfContained checks that the pages link only to pages
// that exist and cite no document outside the repository.
func TestSchemaDocsSelfContained(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in %s: %v", docsDir, err)
	}
	link := regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`)
	outside := regexp.MustCompile(`DESIGN|STYLE\.md|libraries\.md|/work/|shared/`)
	for _, p := range pages {
		text := string(readDoc(t, p))
		if m := outside.FindString(text); m != "" {
			t.Errorf("%s mentions %q, which is outside the repository", p, m)
		}
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", p, target)
			}
		}
	}
}

// TestSchemaDocsRoutes checks that docs/api.md lists every route of the
// API with the action it needs, and no route the API does not have.
func TestSchemaDocsRoutes(t *testing.T) {
	page := string(readDoc(t, filepath.Join(docsDir, "api.md")))
	row := regexp.MustCompile("(?m)^\\| `((?:GET|POST|PUT|PATCH|DELETE) /[^`]*)` \\| ([^|]+) \\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(page, -1) {
		documented[m[1]] = strings.Trim(strings.TrimSpace(m[2]), "`")
	}
	served := map[string]bool{}
	for _, r := range web.RouteTable(web.Config{}, web.Deps{}) {
		if !strings.Contains(r.Pattern, " ") {
			continue // a path's method-not-allowed or not-found answer
		}
		served[r.Pattern] = true
		got, ok := documented[r.Pattern]
		switch {
		case !ok:
			t.Errorf("docs/api.md does not list the route %s (needs %s)", r.Pattern, r.Decision)
		case got != r.Decision.String():
			t.Errorf("docs/api.md says %s needs %q; the API needs %q", r.Pattern, got, r.Decision)
		}
	}
	for p := range documented {
		if !served[p] {
			t.Errorf("docs/api.md lists %s, which the API does not serve", p)
		}
	}
}

// TestSchemaDocsExceptions checks that docs/incident.md lists every
// exception that needs a documented determination.
func TestSchemaDocsExceptions(t *testing.T) {
	page := string(readDoc(t, filepath.Join(docsDir, "incident.md")))
	for jurisdiction, exceptions := range regulators.Exceptions {
		for _, e := range exceptions {
			if row := "| `" + jurisdiction + "` | `" + e + "` |"; !strings.Contains(page, row) {
				t.Errorf("docs/incident.md does not list the exception %s of %s (a row starting %q)", e, jurisdiction, row)
			}
		}
	}
}

// TestSchemaDocsReportsAndObligations checks that docs/reports.md
// describes, in a table row, every JSON field of a report draft and of an
// obligation (with the deadline list's own fields).
func TestSchemaDocsReportsAndObligations(t *testing.T) {
	page := string(readDoc(t, filepath.Join(docsDir, "reports.md")))
	var rows strings.Builder
	for line := range strings.Lines(page) {
		if first, _, _ := strings.Cut(line, " |"); strings.HasPrefix(first, "| `") {
			rows.WriteString(first)
		}
	}
	for _, v := range []any{report.Draft{}, report.Filing{}, report.Field{}, report.NoticeCopy{}, obligation.Key{}, obligation.Obligation{}, obligation.Deadline{}} {
		for f := range reflect.TypeOf(v).Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || name == "" {
				continue // not marshalled, or an embedded struct listed on its own
			}
			if !strings.Contains(rows.String(), "`"+name+"`") {
				t.Errorf("docs/reports.md: field %q of %T is not described", name, v)
			}
		}
	}
}
