package announce_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/announce/announcetest"
	"github.com/breach-notify/breach/templates"
	"github.com/google/go-cmp/cmp"
)

func headings(t *announce.Text) []string {
	var out []string
	for _, s := range t.Sections {
		out = append(out, s.Heading)
	}
	return out
}

func allText(t *announce.Text) string {
	var b strings.Builder
	for _, s := range t.Sections {
		b.WriteString(s.Heading + "\n")
		for _, blk := range s.Blocks {
			b.WriteString(blk.Text + "\n" + strings.Join(blk.Items, "\n") + "\n")
		}
	}
	return b.String()
}

func TestBuildEveryLanguage(t *testing.T) {
	ex := announcetest.Load(t, "01-exfiltration-orders.json")
	if ex.Assessment.Subjects.ByJurisdiction["US-CA"] == 0 {
		t.Fatalf("the example incident affects nobody in California; the test needs someone there")
	}
	c, err := ex.Builder(t).Build(ex.Incident, ex.Assessment)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if diff := cmp.Diff(templates.Locales, c.Locales()); diff != "" {
		t.Errorf("languages (-want +got):\n%s", diff)
	}
	if len(c.Texts) != 2*len(templates.Locales) {
		t.Errorf("got %d texts, want %d (general and California in every language)", len(c.Texts), 2*len(templates.Locales))
	}
	for _, text := range c.Texts {
		body := allText(&text)
		for _, must := range []string{ex.Incident.Mitigation.Measures[0], ex.Incident.Mitigation.Advice[0], "privacy@store.example"} {
			if !strings.Contains(body, must) {
				t.Errorf("%s %q: text lacks %q", text.Locale, text.Variant, must)
			}
		}
		if text.Variant == announce.VariantGeneral && !strings.Contains(body, ex.Incident.Mitigation.Remedies[0]) {
			t.Errorf("%s: text lacks the remedies", text.Locale)
		}
		for _, never := range []string{"PUBLI-CNOTE", "Dear ", announcetest.BaseURL} {
			if strings.Contains(body, never) {
				t.Errorf("%s %q: text has %q, which addresses one person or repeats the page's own link", text.Locale, text.Variant, never)
			}
		}
	}
	en := c.Text("en", announce.VariantGeneral)
	want := []string{"What happened", "What information was involved", "What this may mean for you", "What we have done",
		"What you can do", "What we offer you", "How to reach us"}
	if diff := cmp.Diff(want, headings(en)); diff != "" {
		t.Errorf("English headings (-want +got):\n%s", diff)
	}
	ca := c.Text("en", announce.VariantCalifornia)
	wantCA := []string{"What Happened?", "What Information Was Involved?", "What We Are Doing.", "What You Can Do.", "For More Information."}
	if diff := cmp.Diff(wantCA, headings(ca)); diff != "" {
		t.Errorf("California headings (-want +got):\n%s", diff)
	}
	de := c.Text("de", announce.VariantGeneral)
	if strings.Contains(allText(de), "What happened") || len(de.Sections) != len(en.Sections) {
		t.Errorf("German text: got headings %q, want German ones, as many as English", headings(de))
	}
}

func TestBuildRefusesWhatNoticesRefuse(t *testing.T) {
	tests := []struct {
		name   string
		change func(ex *announcetest.Example)
		want   string
	}{
		{"asks for a password", func(ex *announcetest.Example) {
			ex.Incident.Mitigation.Advice = []string{"Reply to this message with your password to confirm your account"}
		}, "asks the reader for a secret"},
		{"foreign link", func(ex *announcetest.Example) {
			ex.Incident.Description = "See https://evil.example/login for details."
		}, "contains a link"},
		{"no measures", func(ex *announcetest.Example) { ex.Incident.Mitigation.Measures = nil }, "Incident.Measures"},
		{"card number", func(ex *announcetest.Example) {
			ex.Incident.Description = "The card 4111 1111 1111 1111 was among them."
		}, "payment card number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex := announcetest.Load(t, "01-exfiltration-orders.json")
			tc.change(&ex)
			_, err := ex.Builder(t).Build(ex.Incident, ex.Assessment)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestBuildChecksItsInput(t *testing.T) {
	ex := announcetest.Load(t, "01-exfiltration-orders.json")
	b := ex.Builder(t)
	if _, err := b.Build(nil, ex.Assessment); !errors.Is(err, announce.ErrInvalid) {
		t.Errorf("no incident: got %v, want ErrInvalid", err)
	}
	other := *ex.Assessment
	other.Incident = "INC-OTHER"
	if _, err := b.Build(ex.Incident, &other); !errors.Is(err, announce.ErrInvalid) {
		t.Errorf("assessment of another incident: got %v, want ErrInvalid", err)
	}
	b.Locales = []string{"en", "pt"}
	if _, err := b.Build(ex.Incident, ex.Assessment); !errors.Is(err, announce.ErrInvalid) {
		t.Errorf("unsupported locale: got %v, want ErrInvalid", err)
	}
}
