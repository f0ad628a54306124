package templates

import (
	"errors"
	"strings"
	"testing"
)

// TestUpdateNoticeSaysWhatChanged: a follow-up names each change in the
// recipient's language, and two follow-ups that differ only in their
// changes never share a cached rendering.
func TestUpdateNoticeSaysWhatChanged(t *testing.T) {
	s := newSet(t)
	tests := []struct {
		locale  string
		changes []string
		want    []string
		notWant []string
	}{
		{"en", []string{ChangeAdvice}, []string{"This is an update", "What has changed since then: We have new advice on what you can do."}, []string{"The risk to you is now high."}},
		{"en", []string{ChangeCategories, ChangeRisk, ChangeFacts}, []string{"More of your information is involved. The risk to you is now high. We have corrected or completed the facts below."}, []string{"new advice"}},
		{"de", []string{ChangeRisk}, []string{"Was sich seitdem geändert hat: Das Risiko für Sie ist jetzt hoch."}, nil},
		{"fr", []string{ChangeAdvice}, []string{"Ce qui a changé depuis : Nous avons de nouveaux conseils"}, nil},
		{"es", []string{ChangeFacts}, []string{"Lo que ha cambiado desde entonces: Hemos corregido"}, nil},
		{"zh-CN", []string{ChangeCategories}, []string{"自那以后的变化：涉及您的更多信息。"}, nil},
		{"en", nil, []string{"This is an update"}, []string{"What has changed"}},
	}
	for _, tc := range tests {
		t.Run(tc.locale+"/"+strings.Join(tc.changes, "+"), func(t *testing.T) {
			n := fixture()
			n.Locale, n.NoticeVersion, n.Changes = tc.locale, 2, tc.changes
			for _, ch := range []string{ChannelEmail, ChannelLetter} {
				r, err := s.Render(ch, n)
				if err != nil {
					t.Fatalf("Render %s: %v", ch, err)
				}
				sep := " "
				if tc.locale == "zh-CN" {
					sep = "" // lines of Chinese text wrap anywhere
				}
				text := strings.Join(strings.Fields(r.Text), sep)
				for _, w := range tc.want {
					if !strings.Contains(text, w) {
						t.Errorf("%s: want %q in:\n%s", ch, w, text)
					}
				}
				for _, w := range tc.notWant {
					if strings.Contains(text, w) {
						t.Errorf("%s: got %q, want it absent", ch, w)
					}
				}
			}
		})
	}
}

func TestUpdateNoticeRefusesBadChanges(t *testing.T) {
	s := newSet(t)
	tests := []struct {
		name    string
		version int
		changes []string
		field   string
	}{
		{"unknown change", 2, []string{"mood"}, "Changes[0]"},
		{"changes on a first notice", 1, []string{ChangeAdvice}, "Changes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := fixture()
			n.NoticeVersion, n.Changes = tc.version, tc.changes
			_, err := s.Render(ChannelEmail, n)
			var ve *ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.field+":") {
				t.Errorf("Render: got %v, want a problem with %s", err, tc.field)
			}
		})
	}
}
