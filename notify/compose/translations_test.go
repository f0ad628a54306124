package compose

import (
	"context"
	"strings"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
)

// TestRenderTranslatedIncidentText: a notice in the person's locale
// carries the incident's translation for it, falling back part by part to
// the incident's own text; a locale without a translation gets the
// incident's own text.
func TestRenderTranslatedIncidentText(t *testing.T) {
	in := exampleIncident(t)
	in.Translations = map[string]incident.Translation{
		"zh-CN": {Title: "订单数据库被入侵者复制", Description: "入侵者复制了订单数据库。", Advice: []string{"如果您在其他地方重复使用了密码，请更改"}},
	}
	c, _ := newComposer(t, in)
	render := func(locale string) string {
		t.Helper()
		j := notify.NewJob(in.ID, in.Revision, 1, "s-0001", notify.Route{Channel: notify.ChannelEmail, To: "li.wei@mail.example", ToName: "Li Wei"}, nil)
		j.Locale, j.Jurisdiction, j.Categories = locale, "CN-PIPL", []string{"name"}
		m, _, err := c.Render(context.Background(), &j)
		if err != nil {
			t.Fatalf("Render %s: %v", locale, err)
		}
		return flat(m.Text)
	}
	zh := render("zh-CN")
	for _, want := range []string{"入侵者复制了订单数据库。", "如果您在其他地方重复使用了密码，请更改", in.Mitigation.Measures[0]} {
		if !strings.Contains(zh, want) {
			t.Errorf("zh-CN notice: want %q in it:\n%s", want, zh)
		}
	}
	if strings.Contains(zh, flat(in.Description)) {
		t.Errorf("zh-CN notice: got the English description, want the translation")
	}
	en := render("en-GB")
	if !strings.Contains(en, flat(in.Description)) || strings.Contains(en, "入侵者") {
		t.Errorf("en-GB notice: want the incident's own description and no translation:\n%s", en)
	}
}

// TestRenderUpdateNotice: a follow-up job (version 2 with changes) renders
// the update notice saying what changed.
func TestRenderUpdateNotice(t *testing.T) {
	in := exampleIncident(t)
	c, _ := newComposer(t, in)
	j := notify.NewJob(in.ID, in.Revision, 2, "s-0001", notify.Route{Channel: notify.ChannelEmail, To: "li.wei@mail.example", ToName: "Li Wei"}, nil)
	j.Locale, j.Categories, j.Changes = "en", []string{"name"}, []string{notify.ChangeAdvice}
	m, _, err := c.Render(context.Background(), &j)
	if err != nil {
		t.Fatal(err)
	}
	if text := flat(m.Text); !strings.Contains(text, "This is an update") || !strings.Contains(text, "We have new advice on what you can do.") {
		t.Errorf("update notice: want the update sentence and the change in:\n%s", text)
	}
	if !strings.HasSuffix(m.Subject, "(update)") {
		t.Errorf("subject: got %q, want it marked (update)", m.Subject)
	}
}
