package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/web"
	"github.com/breach-notify/breach/web/client"
)

// TestAnnouncementLine: incident show and notices status say when a
// public notice is outstanding, and since when, or that it is published.
func TestAnnouncementLine(t *testing.T) {
	since := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		st   *web.AnnouncementStatus
		want string
	}{
		{"outstanding", &web.AnnouncementStatus{Incident: "INC-1", Required: true, OutstandingSince: &since},
			"Public notice outstanding since 2026-11-21 10:00 UTC: publish it with `breach announce publish INC-1`"},
		{"published", &web.AnnouncementStatus{Incident: "INC-1", Required: true, URL: "https://n.example/notices/INC-1",
			Versions: []web.AnnouncementVersion{{Version: 2, Kind: "update", PublishedAt: since}}},
			"Public notice: version 2 (update) published 2026-11-21 10:00 UTC https://n.example/notices/INC-1"},
		{"not required", &web.AnnouncementStatus{Incident: "INC-1"}, ""},
		{"server does not say", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			writeAnnouncementLine(&b, tc.st)
			got := strings.TrimSpace(b.String())
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestNotToldLines: notices status lists who the campaign does not tell,
// per jurisdiction, with the reason.
func TestNotToldLines(t *testing.T) {
	var b bytes.Buffer
	writeNotTold(&b, []client.PlanGroup{{Jurisdiction: "US-TX", People: 1, Reason: "no sensitive personal information was acquired"},
		{Jurisdiction: "US-CA", People: 11, Reason: "no name with a statutory element"}})
	want := "Not told (no duty to tell them):\n  US-TX      1 person: no sensitive personal information was acquired\n  US-CA      11 people: no name with a statutory element\n"
	if got := strings.TrimPrefix(b.String(), "\n"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	b.Reset()
	writeNotTold(&b, nil)
	if b.Len() != 0 {
		t.Errorf("got %q for nobody not told, want nothing", b.String())
	}
}

// TestAnnounceUnexpectedAnswer: an answer that is not the announcement's
// JSON is an error naming what was asked, the server, the cause and how
// to see the answer.
func TestAnnounceUnexpectedAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`["not", "an", "announcement"]`))
	}))
	defer srv.Close()
	for _, sub := range []string{"show", "publish"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"announce", sub, "INC-2026-0042", "--server", srv.URL, "--token", "t"}, strings.NewReader(""), &stdout, &stderr)
		for _, want := range []string{"public notice", srv.URL, "--json prints the answer", "cannot unmarshal"} {
			if code != 1 || !strings.Contains(stderr.String(), want) {
				t.Errorf("announce %s: got %d %q, want 1 and an error containing %q", sub, code, stderr.String(), want)
			}
		}
	}
}
