package templates

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Locales lists the supported locales; the first is the fallback.
var Locales = []string{"en", "zh-CN", "de", "fr", "es"}

var (
	localeTags = []language.Tag{language.English, language.MustParse("zh-CN"), language.German,
		language.French, language.Spanish}
	matcher = language.NewMatcher(localeTags)
)

// MatchLocale returns the supported locale nearest to tag (a BCP 47 tag
// such as "de-AT", "zh-Hans" or "fr-CA"): "zh" and "zh-Hans" give "zh-CN",
// "de-AT" gives "de", and anything unknown, empty or malformed gives "en".
func MatchLocale(tag string) string {
	tag = strings.TrimSpace(strings.ReplaceAll(tag, "_", "-"))
	if tag == "" {
		return Locales[0]
	}
	t, err := language.Parse(tag)
	if err != nil {
		return Locales[0]
	}
	_, idx, conf := matcher.Match(t)
	if conf == language.No {
		return Locales[0]
	}
	return Locales[idx]
}

// catalog is a locale's translation file (<locale>/catalog.yaml): the
// words that are not sentences of a template.
type catalog struct {
	// Months are the month names, January first.
	Months []string `yaml:"months"`
	// Date is the date layout with {d}, {month}, {m} and {yyyy}.
	Date string `yaml:"date"`
	// FirstDay replaces the day number 1 ("1er" in French), optional.
	FirstDay string `yaml:"first_day"`
	// ListSep and ListAnd join lists in prose: "a, b and c".
	ListSep string `yaml:"list_sep"`
	ListAnd string `yaml:"list_and"`
	// Dash is how a voice script spells "-".
	Dash string `yaml:"dash"`
	// Categories label every built-in category id.
	Categories map[string]string `yaml:"categories"`
	// Consequences and Advice are the default sentences keyed as in
	// categoryEffects.
	Consequences map[string]string `yaml:"consequences"`
	Advice       map[string]string `yaml:"advice"`
	// GuardianConsequences and GuardianAdvice say the same to a parent or
	// guardian about their child.
	GuardianConsequences map[string]string `yaml:"guardian_consequences"`
	GuardianAdvice       map[string]string `yaml:"guardian_advice"`
}

// BuiltinCategories are the category ids of docs/inventory.md, in its order.
var BuiltinCategories = []string{"name", "email", "phone", "postal_address", "date_of_birth", "gender",
	"nickname", "avatar", "username", "ip_address", "device_id", "location", "browsing_history",
	"purchase_history", "preferences", "communications_content", "password_hash", "credentials",
	"national_id", "passport", "drivers_license", "payment_card", "payment_card_partial", "bank_account",
	"financial_status", "transaction_history", "health", "genetic", "biometric", "racial_ethnic_origin",
	"political_opinions", "religious_beliefs", "trade_union", "sex_life", "criminal_records", "children_data"}

// effect is what a category's exposure can lead to and what a person can
// do about it, as keys into the catalog's Consequences and Advice.
type effect struct {
	consequences []string
	advice       []string
}

// categoryEffects maps each built-in category to its default consequences
// and advice. Categories without an entry contribute nothing; when nothing
// at all applies, "general" is used.
var categoryEffects = map[string]effect{
	"name":                   {[]string{"phishing"}, []string{"phishing"}},
	"email":                  {[]string{"phishing"}, []string{"phishing"}},
	"phone":                  {[]string{"phishing"}, []string{"phishing"}},
	"postal_address":         {[]string{"phishing", "location"}, []string{"phishing"}},
	"date_of_birth":          {[]string{"identity_theft"}, []string{"identity"}},
	"username":               {[]string{"phishing"}, []string{"phishing"}},
	"ip_address":             {[]string{"profiling"}, nil},
	"device_id":              {[]string{"profiling"}, nil},
	"location":               {[]string{"location"}, nil},
	"browsing_history":       {[]string{"profiling"}, nil},
	"purchase_history":       {[]string{"profiling", "phishing"}, []string{"phishing"}},
	"preferences":            {[]string{"profiling"}, nil},
	"communications_content": {[]string{"private_content"}, []string{"phishing"}},
	"password_hash":          {[]string{"account_takeover"}, []string{"password", "two_step"}},
	"credentials":            {[]string{"account_takeover"}, []string{"password", "two_step"}},
	"national_id":            {[]string{"identity_theft"}, []string{"identity", "id_document"}},
	"passport":               {[]string{"identity_theft"}, []string{"identity", "id_document"}},
	"drivers_license":        {[]string{"identity_theft"}, []string{"identity", "id_document"}},
	"payment_card":           {[]string{"card_fraud"}, []string{"card"}},
	"payment_card_partial":   {[]string{"phishing"}, []string{"phishing"}},
	"bank_account":           {[]string{"bank_fraud"}, []string{"bank", "phishing"}},
	"financial_status":       {[]string{"phishing", "special"}, []string{"phishing"}},
	"transaction_history":    {[]string{"profiling", "phishing"}, []string{"bank"}},
	"health":                 {[]string{"health"}, []string{"health"}},
	"genetic":                {[]string{"special"}, nil},
	"biometric":              {[]string{"biometric", "identity_theft"}, []string{"identity"}},
	"racial_ethnic_origin":   {[]string{"special"}, nil},
	"political_opinions":     {[]string{"special"}, nil},
	"religious_beliefs":      {[]string{"special"}, nil},
	"trade_union":            {[]string{"special"}, nil},
	"sex_life":               {[]string{"special"}, nil},
	"criminal_records":       {[]string{"special"}, nil},
	"children_data":          {[]string{"child"}, []string{"phishing"}},
}

// creditBureauCategories expose a person to identity theft in the sense of
// Cal. Civ. Code § 1798.82(d)(2)(F): the notice must then list the major
// credit reporting agencies.
var creditBureauCategories = []string{"national_id", "drivers_license"}

// catalogKeys lists every key a catalog must define.
func catalogKeys() (consequences, advice []string) {
	seenC, seenA := map[string]bool{"general": true}, map[string]bool{"general": true}
	consequences, advice = []string{"general"}, []string{"general"}
	for _, id := range BuiltinCategories {
		e := categoryEffects[id]
		for _, k := range e.consequences {
			if !seenC[k] {
				seenC[k] = true
				consequences = append(consequences, k)
			}
		}
		for _, k := range e.advice {
			if !seenA[k] {
				seenA[k] = true
				advice = append(advice, k)
			}
		}
	}
	return consequences, advice
}

// parseCatalog decodes and checks a catalog file: unknown keys are
// rejected and every label and sentence must be present.
func parseCatalog(name string, src []byte) (*catalog, error) {
	var c catalog
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	var missing []string
	if len(c.Months) != 12 {
		missing = append(missing, fmt.Sprintf("months (got %d names, want 12)", len(c.Months)))
	}
	for _, m := range c.Months {
		if strings.TrimSpace(m) == "" {
			missing = append(missing, "months (empty name)")
			break
		}
	}
	if !strings.Contains(c.Date, "{d}") || !strings.Contains(c.Date, "{yyyy}") {
		missing = append(missing, "date (needs {d} and {yyyy})")
	}
	if c.ListAnd == "" {
		missing = append(missing, "list_and")
	}
	if c.ListSep == "" {
		missing = append(missing, "list_sep")
	}
	if c.Dash == "" {
		missing = append(missing, "dash")
	}
	for _, id := range BuiltinCategories {
		if strings.TrimSpace(c.Categories[id]) == "" {
			missing = append(missing, "categories."+id)
		}
	}
	cons, adv := catalogKeys()
	for _, m := range []struct {
		name string
		keys []string
		m    map[string]string
	}{
		{"consequences", cons, c.Consequences}, {"advice", adv, c.Advice},
		{"guardian_consequences", cons, c.GuardianConsequences}, {"guardian_advice", adv, c.GuardianAdvice},
	} {
		for _, k := range m.keys {
			if strings.TrimSpace(m.m[k]) == "" {
				missing = append(missing, m.name+"."+k)
			}
		}
	}
	for id := range c.Categories {
		if !slices.Contains(BuiltinCategories, id) {
			return nil, fmt.Errorf("parse %s: categories.%s is not a built-in category id", name, id)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("parse %s: missing %s", name, strings.Join(missing, ", "))
	}
	return &c, nil
}

// date formats t (in UTC) with the catalog's layout, in words.
func (c *catalog) date(t time.Time) string {
	t = t.UTC()
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 && c.FirstDay != "" {
		day = c.FirstDay
	}
	// The placeholders are replaced left to right, the first that matches
	// at a position winning, as strings.Replacer does.
	var b strings.Builder
	b.Grow(len(c.Date) + 16)
	for i := 0; i < len(c.Date); {
		rest := c.Date[i:]
		switch {
		case strings.HasPrefix(rest, "{d}"):
			b.WriteString(day)
			i += len("{d}")
		case strings.HasPrefix(rest, "{month}"):
			b.WriteString(c.Months[t.Month()-1])
			i += len("{month}")
		case strings.HasPrefix(rest, "{m}"):
			b.WriteString(strconv.Itoa(int(t.Month())))
			i += len("{m}")
		case strings.HasPrefix(rest, "{yyyy}"):
			b.WriteString(strconv.Itoa(t.Year()))
			i += len("{yyyy}")
		default:
			b.WriteByte(c.Date[i])
			i++
		}
	}
	return b.String()
}

// list joins items as prose: "a", "a and b", "a, b and c".
func (c *catalog) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], c.ListSep) + c.ListAnd + items[len(items)-1]
}

// spell spells s for a text-to-speech voice: one character at a time,
// dashes as a word, so that a reference is read out unambiguously.
func (c *catalog) spell(s string) string {
	var b strings.Builder
	b.Grow(3 * len(s))
	first := true
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		if r == '-' || r == '_' {
			b.WriteString(c.Dash)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
