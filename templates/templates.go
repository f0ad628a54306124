// Package templates renders breach notices — email, SMS, push, voice and
// postal letter — in the recipient's language from templates embedded in
// the binary, optionally replaced file by file from an operator's
// directory.
//
// Rendering is strict: a Notice is checked before any template runs, and a
// missing required field is an error naming it, never a blank in a legal
// notice. Templates run with missingkey=error, every data value is escaped
// in HTML, and free text may not carry links of its own. Category ids are
// turned into words of the recipient's language; the leaked values never
// appear. Each Rendered notice carries the hash of the template sources
// used and the hash of what is sent, for the delivery ledger.
//
// A campaign renders one incident for many people, so a Set keeps a
// bounded cache of notices rendered once with open slots for what differs
// between people (the names, the postal address lines, the verification
// code) and fills them in per person, re-checking only the lines that hold
// them. A notice from the cache is the notice a full render gives, byte for
// byte; whatever the cache cannot reproduce exactly (an invalid notice, an
// override that inspects a name) is rendered in full.
//
// Layout of the template files (the same under Options.OverrideDir):
//
//	email.txt.tmpl        plain-text email body (text/template)
//	email.html.tmpl       HTML email body (html/template)
//	letter.txt.tmpl       postal letter (text/template)
//	body.txt.tmpl         the sections shared by the email text and letter
//	credit_bureaus.tmpl   US credit reporting agencies (California variant)
//	<locale>/notice.tmpl  the sentences of the email and the letter
//	<locale>/sms.tmpl     "sms" and "sms_short"
//	<locale>/push.tmpl    "title" and "body"
//	<locale>/voice.tmpl   "voice", a text-to-speech script
//	<locale>/catalog.yaml month names, category labels, default
//	                      consequences and advice
package templates

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	htemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	ttemplate "text/template"
	"text/template/parse"
	"time"
)

//go:embed files
var embedded embed.FS

// Channels a notice can be rendered for.
const (
	ChannelEmail  = "email"
	ChannelSMS    = "sms"
	ChannelPush   = "push"
	ChannelVoice  = "voice"
	ChannelLetter = "letter"
)

// Channels lists every channel Render accepts.
var Channels = []string{ChannelEmail, ChannelSMS, ChannelPush, ChannelVoice, ChannelLetter}

// MaxSMSSegments is the segment budget of an SMS notice. Render falls back
// to GSM-7 letters and then to the short form to stay within it, and
// reports the segments it needed.
const MaxSMSSegments = 3

// Line widths of the plain-text email and the letter.
const (
	emailWidth  = 76
	letterWidth = 72
)

// Options configure New.
type Options struct {
	// OverrideDir, when set, is a directory with the layout of the embedded
	// templates; each file found there replaces the embedded file of the
	// same name. Files the package does not know are an error.
	OverrideDir string
}

// Rendered is one notice ready to send.
type Rendered struct {
	Channel string
	// Locale is the supported locale the notice was written in.
	Locale string
	// Subject is the email subject or the push title; one line, without
	// CR or LF.
	Subject string
	// Text is the plain-text email body, the SMS, the push body, the voice
	// script or the letter.
	Text string
	// HTML is the HTML email body (email only).
	HTML string
	// SMSEncoding and SMSSegments describe an SMS (sms only).
	SMSEncoding string
	SMSSegments int
	// TemplateVersion identifies the template sources and translations
	// used; it changes whenever any of them does.
	TemplateVersion string
	// ContentHash is the SHA-256 (hex) of what is sent: channel, locale,
	// subject, text and HTML, each NUL-terminated.
	ContentHash string
}

// Set is the parsed templates of every channel and locale. It is safe for
// concurrent use.
type Set struct {
	locales map[string]*localeSet
	// cache holds notices rendered with open slots for the personal
	// values; nil renders every notice in full.
	cache *renderCache
	// addressChannels are the channels whose templates, in some locale,
	// look at the postal address.
	addressChannels map[string]bool
}

type localeSet struct {
	locale    string
	cat       *catalog
	emailText *ttemplate.Template
	emailHTML *htemplate.Template
	letter    *ttemplate.Template
	sms       *ttemplate.Template
	push      *ttemplate.Template
	voice     *ttemplate.Template
	versions  map[string]string
	// origins lists, per channel, the override files it uses.
	origins map[string][]string
	// sk are the same templates with a spell function that keeps slots
	// whole, run by the render cache.
	sk templateSet
	// usage says, per channel, how the templates use personal values.
	usage map[string]usage
}

// templateSet is the parsed templates of one locale.
type templateSet struct {
	emailText *ttemplate.Template
	emailHTML *htemplate.Template
	letter    *ttemplate.Template
	sms       *ttemplate.Template
	push      *ttemplate.Template
	voice     *ttemplate.Template
}

// source is one template file and where it came from.
type source struct {
	name   string // path in the layout, e.g. "de/notice.tmpl"
	origin string // where it was read: the embedded path or the override file
	data   []byte
	// overridden is set for a file read from Options.OverrideDir.
	overridden bool
}

// sharedFiles are the locale-independent files of the layout.
var sharedFiles = []string{"email.txt.tmpl", "email.html.tmpl", "letter.txt.tmpl", "body.txt.tmpl", "credit_bureaus.tmpl"}

// localeFiles are the files every locale directory holds.
var localeFiles = []string{"notice.tmpl", "sms.tmpl", "push.tmpl", "voice.tmpl", "catalog.yaml"}

// Default returns the set of the embedded templates without overrides,
// parsed once for the whole process: New takes far longer than a render,
// and a Set is safe for concurrent use, so every user of the built-in
// templates (the campaign, the sample notice of a report draft) shares it.
func Default() (*Set, error) {
	return defaultSet()
}

// Load returns the templates opts describes: the shared Default set when
// opts holds no overrides, else a new set with them.
func Load(opts Options) (*Set, error) {
	if opts == (Options{}) {
		return Default()
	}
	return New(opts)
}

var defaultSet = sync.OnceValues(func() (*Set, error) { return New(Options{}) })

// New parses every embedded template, applies the overrides of
// opts.OverrideDir and renders each channel, locale and variant once with
// sample data, so that a broken template is found at start, with the name
// of its file, rather than when a notice is due.
func New(opts Options) (*Set, error) {
	files, err := loadSources(opts.OverrideDir)
	if err != nil {
		return nil, err
	}
	s := &Set{locales: make(map[string]*localeSet, len(Locales)), addressChannels: map[string]bool{}}
	for _, loc := range Locales {
		ls, err := parseLocale(loc, files)
		if err != nil {
			return nil, err
		}
		s.locales[loc] = ls
		for ch, u := range ls.usage {
			s.addressChannels[ch] = s.addressChannels[ch] || u.addresses
		}
	}
	if err := s.selfCheck(); err != nil {
		return nil, err
	}
	s.checkCache()
	s.cache = newRenderCache(defaultCacheEntries)
	return s, nil
}

// layoutNames lists every file of the layout.
func layoutNames() []string {
	names := slices.Clone(sharedFiles)
	for _, loc := range Locales {
		for _, f := range localeFiles {
			names = append(names, loc+"/"+f)
		}
	}
	return names
}

func loadSources(overrideDir string) (map[string]source, error) {
	files := make(map[string]source)
	for _, name := range layoutNames() {
		data, err := embedded.ReadFile("files/" + name)
		if err != nil {
			return nil, fmt.Errorf("read embedded template %s: %w", name, err)
		}
		files[name] = source{name: name, origin: "templates/files/" + name, data: data}
	}
	if overrideDir == "" {
		return files, nil
	}
	info, err := os.Stat(overrideDir)
	if err != nil {
		return nil, fmt.Errorf("template override directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("template override directory %s is not a directory", overrideDir)
	}
	err = filepath.WalkDir(overrideDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(overrideDir, path)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if strings.HasPrefix(d.Name(), ".") {
			return nil // editor and VCS files
		}
		if _, ok := files[name]; !ok {
			return fmt.Errorf("template override %s: not a template file of this version (known: %s)", path, strings.Join(layoutNames(), ", "))
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("template override: %w", err)
		}
		files[name] = source{name: name, origin: path, data: data, overridden: true}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

func parseLocale(loc string, files map[string]source) (*localeSet, error) {
	catSrc := files[loc+"/catalog.yaml"]
	cat, err := parseCatalog(catSrc.origin, catSrc.data)
	if err != nil {
		return nil, err
	}
	funcs := map[string]any{
		"list":  cat.list,
		"spell": cat.spell,
	}
	notice := files[loc+"/notice.tmpl"]
	bureaus := files["credit_bureaus.tmpl"]
	body := files["body.txt.tmpl"]
	ls := &localeSet{locale: loc, cat: cat, versions: map[string]string{}, origins: map[string][]string{}}

	base, err := parseTemplates(loc, files, funcs)
	if err != nil {
		return nil, err
	}
	ls.emailText, ls.emailHTML, ls.letter, ls.sms, ls.push, ls.voice = base.emailText, base.emailHTML, base.letter, base.sms, base.push, base.voice
	skFuncs := map[string]any{"list": cat.list, "spell": func(s string) string {
		if slot, spelled, ok := parseSentinel(s); ok && !spelled {
			return sentinel(slot, true)
		}
		return cat.spell(s)
	}}
	if ls.sk, err = parseTemplates(loc, files, skFuncs); err != nil {
		return nil, err
	}
	ls.usage = analyzeLocale(&ls.sk)
	for _, src := range files {
		if strings.Contains(string(src.data), sentOpen) || strings.Contains(string(src.data), sentClose) {
			ls.usage = map[string]usage{} // no channel is cached
		}
	}

	for _, f := range []struct {
		channel string
		srcs    []source
	}{
		{ChannelEmail, []source{files["email.txt.tmpl"], files["email.html.tmpl"], body, notice, bureaus}},
		{ChannelLetter, []source{files["letter.txt.tmpl"], body, notice, bureaus}},
		{ChannelSMS, []source{files[loc+"/sms.tmpl"]}},
		{ChannelPush, []source{files[loc+"/push.tmpl"]}},
		{ChannelVoice, []source{files[loc+"/voice.tmpl"]}},
	} {
		h := sha256.New()
		for _, src := range append(f.srcs, catSrc) {
			fmt.Fprintf(h, "%s\x00%d\x00", src.name, len(src.data))
			h.Write(src.data)
			if src.overridden {
				ls.origins[f.channel] = append(ls.origins[f.channel], src.origin)
			}
		}
		ls.versions[f.channel] = "tv1-" + hex.EncodeToString(h.Sum(nil)[:12])
	}
	return ls, nil
}

// parseTemplates parses the templates of loc with funcs.
func parseTemplates(loc string, files map[string]source, funcs map[string]any) (templateSet, error) {
	var ts templateSet
	notice := files[loc+"/notice.tmpl"]
	bureaus := files["credit_bureaus.tmpl"]
	body := files["body.txt.tmpl"]
	text := func(srcs ...source) (*ttemplate.Template, error) {
		var root *ttemplate.Template
		for _, src := range srcs {
			var t *ttemplate.Template
			if root == nil {
				root = ttemplate.New(src.name).Funcs(funcs).Option("missingkey=error")
				t = root
			} else {
				t = root.New(src.name)
			}
			if _, err := t.Parse(string(src.data)); err != nil {
				return nil, fmt.Errorf("parse template %s: %w", src.origin, err)
			}
		}
		return root, nil
	}
	var err error
	if ts.emailText, err = text(files["email.txt.tmpl"], body, notice, bureaus); err != nil {
		return ts, err
	}
	if ts.letter, err = text(files["letter.txt.tmpl"], body, notice, bureaus); err != nil {
		return ts, err
	}
	if ts.sms, err = text(files[loc+"/sms.tmpl"]); err != nil {
		return ts, err
	}
	if ts.push, err = text(files[loc+"/push.tmpl"]); err != nil {
		return ts, err
	}
	if ts.voice, err = text(files[loc+"/voice.tmpl"]); err != nil {
		return ts, err
	}
	var hroot *htemplate.Template
	for _, src := range []source{files["email.html.tmpl"], notice, bureaus} {
		var t *htemplate.Template
		if hroot == nil {
			hroot = htemplate.New(src.name).Funcs(funcs).Option("missingkey=error")
			t = hroot
		} else {
			t = hroot.New(src.name)
		}
		if _, err := t.Parse(string(src.data)); err != nil {
			return ts, fmt.Errorf("parse template %s: %w", src.origin, err)
		}
	}
	ts.emailHTML = hroot
	return ts, nil
}

// analyzeLocale analyzes the templates of every channel; it must run before
// the HTML templates are first executed (and escaped).
func analyzeLocale(ts *templateSet) map[string]usage {
	text := func(t *ttemplate.Template) func(string) *parse.Tree {
		return func(name string) *parse.Tree {
			if l := t.Lookup(name); l != nil {
				return l.Tree
			}
			return nil
		}
	}
	htmlLookup := func(name string) *parse.Tree {
		if l := ts.emailHTML.Lookup(name); l != nil {
			return l.Tree
		}
		return nil
	}
	email := analyze(text(ts.emailText), "subject", "email.txt.tmpl")
	h := analyze(htmlLookup, "email.html.tmpl")
	email.opaque = email.opaque && h.opaque
	email.addresses = email.addresses || h.addresses
	return map[string]usage{
		ChannelEmail:  email,
		ChannelLetter: analyze(text(ts.letter), "letter.txt.tmpl"),
		ChannelSMS:    analyze(text(ts.sms), "sms", "sms_short"),
		ChannelPush:   analyze(text(ts.push), "title", "body"),
		ChannelVoice:  analyze(text(ts.voice), "voice"),
	}
}

// Render renders n for channel in the nearest supported locale. It returns
// a *ValidationError (matching ErrInvalidNotice) naming every missing or
// invalid field, and never a notice with a blank required field. It is
// safe for concurrent use; notices of the same incident after the first
// come from the render cache.
func (s *Set) Render(channel string, n Notice) (Rendered, error) {
	return s.render(channel, n, true)
}

// Fingerprint is Render for a caller that keeps only what identifies a
// rendering: it makes the same checks and returns the same errors, the
// same template version, content hash, locale and SMS encoding, but no
// subject, text or HTML. A planner that renders every notice to record
// its hash uses it rather than allocate a copy of every e-mail and drop
// it.
func (s *Set) Fingerprint(channel string, n Notice) (Rendered, error) {
	return s.render(channel, n, false)
}

// render is Render, keeping the rendered text or not.
func (s *Set) render(channel string, n Notice, text bool) (Rendered, error) {
	if !slices.Contains(Channels, channel) {
		return Rendered{}, fmt.Errorf("render notice: unknown channel %q (want one of %s)", channel, strings.Join(Channels, ", "))
	}
	var (
		r   Rendered
		ok  bool
		err error
	)
	if s.cache != nil {
		r, ok = s.renderCachedAs(channel, &n, text)
	}
	if !ok {
		r, err = s.renderFull(channel, n)
	}
	if !text {
		r.Subject, r.Text, r.HTML = "", "", ""
	}
	return r, err
}

// renderFull renders n by running its templates, without the cache.
func (s *Set) renderFull(channel string, n Notice) (Rendered, error) {
	loc := MatchLocale(n.Locale)
	ls := s.locales[loc]
	v, probs := buildView(ls, channel, &n)
	if len(probs) > 0 {
		return Rendered{}, &ValidationError{Problems: probs}
	}
	r, err := ls.render(channel, v)
	if err != nil {
		return Rendered{}, fmt.Errorf("render %s notice %s in %s: %w", channel, oneLine(n.Incident.Reference), loc, err)
	}
	return r, nil
}

func (ls *localeSet) render(channel string, v *view) (Rendered, error) {
	r := Rendered{Channel: channel, Locale: ls.locale, TemplateVersion: ls.versions[channel]}
	var err error
	switch channel {
	case ChannelEmail:
		var subj string
		if subj, err = execText(ls.emailText, "subject", v); err != nil {
			return r, err
		}
		r.Subject = oneLine(subj)
		if r.Subject == "" {
			return r, errors.New("template subject rendered empty")
		}
		if r.Text, err = execText(ls.emailText, "email.txt.tmpl", v); err != nil {
			return r, err
		}
		r.Text = wrap(headings(tidy(r.Text), emailWidth), emailWidth)
		var buf bytes.Buffer
		if err = ls.emailHTML.ExecuteTemplate(&buf, "email.html.tmpl", v); err != nil {
			return r, err
		}
		r.HTML = tidy(buf.String())
	case ChannelLetter:
		if r.Text, err = execText(ls.letter, "letter.txt.tmpl", v); err != nil {
			return r, err
		}
		r.Text = wrap(headings(tidy(r.Text), letterWidth), letterWidth)
	case ChannelSMS:
		if r.Text, r.SMSEncoding, r.SMSSegments, err = ls.renderSMS(v); err != nil {
			return r, err
		}
	case ChannelPush:
		var title, body string
		if title, err = execText(ls.push, "title", v); err != nil {
			return r, err
		}
		if body, err = execText(ls.push, "body", v); err != nil {
			return r, err
		}
		r.Subject, r.Text = oneLine(title), oneLine(body)
	case ChannelVoice:
		if r.Text, err = execText(ls.voice, "voice", v); err != nil {
			return r, err
		}
		r.Text = tidy(r.Text)
	}
	if strings.TrimSpace(r.Text) == "" {
		return r, errors.New("template rendered an empty notice")
	}
	r.Subject, r.Text, r.HTML = cjkSpace(r.Subject), cjkSpace(r.Text), cjkSpace(r.HTML)
	h := sha256.New()
	for _, part := range []string{r.Channel, r.Locale, r.Subject, r.Text, r.HTML} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	r.ContentHash = hex.EncodeToString(h.Sum(nil))
	if msg := checkOutput(&r, v, ls.cat.spell); msg != "" {
		return r, errors.New(msg)
	}
	return r, nil
}

// renderSMS renders the full SMS and, when it would need more than
// MaxSMSSegments, tries it in GSM-7 letters, then the short form.
func (ls *localeSet) renderSMS(v *view) (string, string, int, error) {
	var text, enc string
	var segs int
	for _, name := range []string{"sms", "sms_short"} {
		s, err := execText(ls.sms, name, v)
		if err != nil {
			return "", "", 0, err
		}
		text = oneLine(s)
		if enc, segs = SMSSegments(text); segs <= MaxSMSSegments {
			return text, enc, segs, nil
		}
		if folded := gsmFold.Replace(text); folded != text {
			if e, n := SMSSegments(folded); e == EncodingGSM7 && n <= MaxSMSSegments {
				return folded, e, n, nil
			}
		}
	}
	return text, enc, segs, nil // over budget: the caller sees SMSSegments
}

func execText(t *ttemplate.Template, name string, v *view) (string, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// view is what templates see: the notice cleaned, dates and categories in
// the recipient's words.
type view struct {
	Lang       string
	Guardian   bool
	California bool
	FollowUp   bool
	// Changed says what a follow-up reports as changed.
	Changed changed

	Org          Org
	Recipient    Recipient
	AddressLines []string

	Reference   string
	Title       string
	Description []string

	// OccurredFrom is empty when the time of the breach is unknown;
	// OccurredUntil is empty unless the breach spans several days.
	OccurredFrom  string
	OccurredUntil string
	Discovered    string
	Date          string

	Categories   []string
	Consequences []string
	Measures     []string
	Advice       []string
	Remedies     []string

	CreditBureaus bool
	DelayKnown    bool
	Delayed       bool

	VerificationCode   string
	AnnouncementURL    string
	AnnouncementSpoken string
}

// changed is what a follow-up notice reports as changed.
type changed struct {
	Any, Categories, Risk, Advice, Facts bool
}

func changesOf(cs []string) changed {
	var c changed
	for _, x := range cs {
		switch x {
		case ChangeCategories:
			c.Categories = true
		case ChangeRisk:
			c.Risk = true
		case ChangeAdvice:
			c.Advice = true
		case ChangeFacts:
			c.Facts = true
		}
	}
	c.Any = c.Categories || c.Risk || c.Advice || c.Facts
	return c
}

func buildView(ls *localeSet, channel string, n *Notice) (*view, []Problem) {
	probs := n.validate(channel)
	cat := ls.cat
	v := &view{
		Lang:             ls.locale,
		Guardian:         n.Guardian,
		California:       strings.EqualFold(strings.TrimSpace(n.Jurisdiction), "US-CA"),
		FollowUp:         n.NoticeVersion > 1,
		Changed:          changesOf(n.Changes),
		Reference:        oneLine(n.Incident.Reference),
		Title:            oneLine(n.Incident.Title),
		VerificationCode: oneLine(n.VerificationCode),
		AnnouncementURL:  strings.TrimSpace(n.AnnouncementURL),
		Org: Org{
			Name:         oneLine(n.Org.Name),
			Website:      strings.TrimSpace(n.Org.Website),
			ContactName:  oneLine(n.Org.ContactName),
			ContactEmail: oneLine(n.Org.ContactEmail),
			ContactPhone: oneLine(n.Org.ContactPhone),
		},
		Recipient: Recipient{
			Name:          oneLine(n.Recipient.Name),
			ChildName:     oneLine(n.Recipient.ChildName),
			PostalAddress: multiLine(n.Recipient.PostalAddress),
		},
	}
	v.AnnouncementSpoken = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(v.AnnouncementURL, "https://"), "http://"), "/")
	for _, l := range strings.FieldsFunc(v.Recipient.PostalAddress, func(r rune) bool { return r == '\n' || r == ';' }) {
		if l = strings.TrimSpace(l); l != "" {
			v.AddressLines = append(v.AddressLines, l)
		}
	}
	for _, p := range strings.Split(multiLine(n.Incident.Description), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			v.Description = append(v.Description, p)
		}
	}
	if !n.Incident.DiscoveredAt.IsZero() {
		v.Discovered = cat.date(n.Incident.DiscoveredAt)
	}
	if !n.Date.IsZero() {
		v.Date = cat.date(n.Date)
	}
	if a := n.Incident.OccurredAt; a != nil {
		v.OccurredFrom = cat.date(*a)
		if u := n.Incident.OccurredUntil; u != nil && !sameDay(*a, *u) {
			v.OccurredUntil = cat.date(*u)
		}
	}
	if d := n.Incident.DelayedByLawEnforcement; d != nil {
		v.DelayKnown, v.Delayed = true, *d
	}

	var consKeys, advKeys []string
	seen := map[string]bool{}
	for i, id := range n.Incident.Categories {
		id = strings.TrimSpace(id)
		if seen[id] {
			continue
		}
		seen[id] = true
		label, builtin := cat.Categories[id]
		if !builtin {
			label = oneLine(n.CategoryLabels[id])
		}
		if label == "" {
			probs = append(probs, Problem{fmt.Sprintf("Incident.Categories[%d]", i),
				fmt.Sprintf("category %q is not built in and has no label in CategoryLabels", id)})
			continue
		}
		v.Categories = append(v.Categories, label)
		e := categoryEffects[id]
		consKeys = appendNew(consKeys, e.consequences...)
		advKeys = appendNew(advKeys, e.advice...)
		if slices.Contains(creditBureauCategories, id) {
			v.CreditBureaus = true
		}
	}
	if len(consKeys) == 0 {
		consKeys = []string{"general"}
	}
	if len(advKeys) == 0 {
		advKeys = []string{"general"}
	}
	consText, advText := cat.Consequences, cat.Advice
	if n.Guardian {
		consText, advText = cat.GuardianConsequences, cat.GuardianAdvice
	}
	v.Consequences = cleanList(n.Incident.Consequences)
	if len(v.Consequences) == 0 {
		for _, k := range consKeys {
			v.Consequences = append(v.Consequences, consText[k])
		}
	}
	v.Advice = cleanList(n.Incident.Advice)
	if len(v.Advice) == 0 {
		for _, k := range advKeys {
			v.Advice = append(v.Advice, advText[k])
		}
	}
	v.Measures = cleanList(n.Incident.Measures)
	v.Remedies = cleanList(n.Incident.Remedies)
	return v, probs
}

func sameDay(a, b time.Time) bool {
	a, b = a.UTC(), b.UTC()
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

func cleanList(xs []string) []string {
	var out []string
	for _, x := range xs {
		if s := oneLine(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func appendNew(xs []string, ys ...string) []string {
	for _, y := range ys {
		if !slices.Contains(xs, y) {
			xs = append(xs, y)
		}
	}
	return xs
}

// selfCheck renders every channel, locale and variant with sample notices,
// one with every optional field and one with none, so a template that
// refers to a missing field or template fails New, and so does one that
// drops what every notice must show: the reference and the code (Render
// checks them in every notice) and, in an e-mail or letter, the required
// sections (checked here, on the distinct facts of the samples).
func (s *Set) selfCheck() error {
	for _, loc := range Locales {
		ls := s.locales[loc]
		for _, n := range sampleNotices() {
			for _, variant := range []struct {
				jur      string
				guardian bool
			}{{"EU-GDPR", false}, {"US-CA", false}, {"EU-GDPR", true}, {"US-CA", true}} {
				n.Jurisdiction, n.Guardian = variant.jur, variant.guardian
				for _, ch := range Channels {
					v, probs := buildView(ls, ch, &n)
					if len(probs) > 0 {
						return fmt.Errorf("check templates: sample notice: %v", (&ValidationError{Problems: probs}).Error())
					}
					if err := ls.checkSample(ch, v); err != nil {
						if o := ls.origins[ch]; len(o) > 0 {
							return fmt.Errorf("check %s templates in %s (overridden by %s): %w", ch, loc, strings.Join(o, ", "), err)
						}
						return fmt.Errorf("check %s templates in %s: %w", ch, loc, err)
					}
				}
			}
		}
	}
	return nil
}

// checkSample renders the sample notice v for channel ch and checks what
// Render alone cannot: both forms of an SMS (the short one is used only
// when the long one is too long) and the sections of an e-mail or letter.
func (ls *localeSet) checkSample(ch string, v *view) error {
	r, err := ls.render(ch, v)
	if err != nil {
		return err
	}
	switch ch {
	case ChannelSMS:
		for _, name := range []string{"sms", "sms_short"} {
			text, err := execText(ls.sms, name, v)
			if err != nil {
				return err
			}
			form := Rendered{Channel: ChannelSMS, Locale: r.Locale, Text: cjkSpace(oneLine(text))}
			if msg := checkOutput(&form, v, ls.cat.spell); msg != "" {
				return fmt.Errorf("template %s: %s", name, msg)
			}
		}
	case ChannelEmail:
		return ls.checkSections(ls.emailText, &r, v)
	case ChannelLetter:
		return ls.checkSections(ls.letter, &r, v)
	}
	return nil
}

// requiredSections are the sections every e-mail and letter keeps (the
// notice rules of docs/architecture.md, GDPR Art. 34(2), Cal. Civ. Code §
// 1798.82(d)), by the template that
// writes the heading of each. The likely consequences and what we offer
// are left out: the California variant puts them under other headings.
var requiredSections = []struct{ heading, what string }{
	{"h_happened", "what happened"},
	{"h_information", "what information was involved"},
	{"h_measures", "what we did"},
	{"h_advice", "what you can do"},
	{"h_contact", "how to reach us"},
}

// sectionFacts returns the facts of the sample notice v that each required
// section shows, by heading template.
func sectionFacts(v *view) map[string][]string {
	happened := v.Description
	if len(happened) == 0 {
		happened = []string{v.Title}
	}
	var contact []string
	for _, c := range []string{v.Org.ContactEmail, v.Org.ContactPhone} {
		if c != "" {
			contact = append(contact, c)
		}
	}
	return map[string][]string{"h_happened": happened, "h_information": v.Categories,
		"h_measures": v.Measures, "h_advice": v.Advice, "h_contact": contact}
}

// checkSections reports the first required section the e-mail or letter r,
// rendered from the sample notice v, lacks: its heading (rendered by t, so
// in the notice's language), or a fact of the sample after the heading.
// The sample facts are distinct enough not to turn up by chance, so an
// override that drops a section, or a heading that renders empty, is
// refused when the templates are loaded, naming its file.
func (ls *localeSet) checkSections(t *ttemplate.Template, r *Rendered, v *view) error {
	parts := []struct{ name, text string }{{"text", r.Text}}
	if r.Channel == ChannelEmail {
		parts = append(parts, struct{ name, text string }{"HTML part", html.UnescapeString(r.HTML)})
	}
	facts := sectionFacts(v)
	for _, sec := range requiredSections {
		h, err := execText(t, sec.heading, v)
		if err != nil {
			return fmt.Errorf("the %q section has no heading: %w", sec.what, err)
		}
		if h = dropSpace(h); h == "" {
			return fmt.Errorf("the heading of the %q section (template %s) is empty", sec.what, sec.heading)
		}
		for _, p := range parts {
			flat := dropSpace(p.text)
			i := strings.Index(flat, h)
			if i < 0 {
				return fmt.Errorf("the %s of the %s notice has no %q section (heading template %s); every %s notice keeps it", p.name, r.Channel, sec.what, sec.heading, r.Channel)
			}
			for _, f := range facts[sec.heading] {
				if !strings.Contains(flat[i+len(h):], dropSpace(f)) {
					return fmt.Errorf("the %s of the %s notice does not show %q under its %q section (heading template %s)", p.name, r.Channel, f, sec.what, sec.heading)
				}
			}
		}
	}
	return nil
}

// sampleNotices are the notices selfCheck renders.
func sampleNotices() []Notice {
	at := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
	until := at.Add(30 * time.Hour)
	delayed := true
	full := Notice{
		Locale:    "en",
		Recipient: Recipient{Name: "Alex Example", ChildName: "Kim Example", PostalAddress: "1 Sample Street\nSample Town"},
		Org: Org{Name: "Example Org", Website: "https://org.example", ContactName: "Privacy Office",
			ContactEmail: "privacy@org.example", ContactPhone: "+1 800 555 0100"},
		Incident: IncidentFacts{Reference: "INC-SAMPLE", Title: "Sample incident title", Description: "First paragraph.\n\nSecond paragraph.",
			OccurredAt: &at, OccurredUntil: &until, DiscoveredAt: until,
			Categories:   slices.Clone(BuiltinCategories),
			Consequences: []string{"Sample consequence"}, Measures: []string{"Sample measure taken"},
			Advice: []string{"Sample advice to follow"}, Remedies: []string{"Sample remedy offered"},
			DelayedByLawEnforcement: &delayed},
		VerificationCode: "AAAAA-AAAAA", AnnouncementURL: "https://org.example/notice", NoticeVersion: 2, Date: until,
	}
	minimal := Notice{
		Recipient: Recipient{PostalAddress: "Somewhere"},
		Org:       Org{Name: "O", ContactPhone: "+1 555 0199"},
		Incident: IncidentFacts{Reference: "INC-MINIMAL", Title: "Minimal sample title", DiscoveredAt: at,
			Categories: []string{"email"}, Measures: []string{"Minimal sample measure"}},
		VerificationCode: "BBBBB-BBBBB", AnnouncementURL: "http://o.example", Date: at,
	}
	return []Notice{full, minimal}
}
